//! Test helper: builds a cleaned [`Activity`] from per-second columns, so metric tests
//! can state their input second by second and assert known answers.

use crate::model::{
    Activity, ActivityHeader, AltitudeTreatment, CleaningReport, Format, HrFlag, Second, Timestamp,
};

/// Per-second columns. Column `i` describes grid second `t_s[i]` (default: `i`); a
/// column shorter than `moving` leaves the remaining seconds without that value.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// Times, seconds since the first sample; empty means `0, 1, 2, …`.
    pub t_s: Vec<u32>,
    pub moving: Vec<bool>,
    /// Usable heart rate (flag `Ok`); `None` becomes a `Missing` second.
    pub hr_bpm: Vec<Option<f32>>,
    pub speed_mps: Vec<Option<f32>>,
    pub altitude_m: Vec<Option<f32>>,
    pub grade: Vec<Option<f32>>,
}

impl Columns {
    /// `n_s` moving seconds at a constant speed and heart rate, no altitude.
    pub fn steady(n_s: usize, speed_mps: f32, hr_bpm: f32) -> Columns {
        Columns {
            moving: vec![true; n_s],
            hr_bpm: vec![Some(hr_bpm); n_s],
            speed_mps: vec![Some(speed_mps); n_s],
            ..Columns::default()
        }
    }

    /// Builds the activity. Distance is the running sum of speed (1 s per grid second),
    /// so `Activity::moving_distance_m` equals the summed speed of moving seconds.
    pub fn build(&self) -> Activity {
        let at = |v: &Vec<Option<f32>>, i: usize| v.get(i).copied().flatten();
        let mut distance_m = 0.0;
        let seconds = self
            .moving
            .iter()
            .enumerate()
            .map(|(i, &moving)| {
                let hr = at(&self.hr_bpm, i);
                let speed = at(&self.speed_mps, i);
                distance_m += speed.map_or(0.0, f64::from);
                Second {
                    t_s: self.t_s.get(i).copied().unwrap_or(i as u32),
                    moving,
                    hr_raw_bpm: hr,
                    hr_bpm: hr,
                    hr_flag: if hr.is_some() {
                        HrFlag::Ok
                    } else {
                        HrFlag::Missing
                    },
                    speed_mps: speed,
                    distance_m: speed.map(|_| distance_m),
                    altitude_m: at(&self.altitude_m, i),
                    grade: at(&self.grade, i),
                    cadence_spm: None,
                    position: None,
                }
            })
            .collect();
        Activity {
            header: ActivityHeader::new("synthetic", Format::Fit),
            t0: Timestamp::default(),
            elapsed_s: self.moving.len() as f64,
            stated_distance_m: None,
            seconds,
            laps: Vec::new(),
            watch_hr: None,
            has_gps: false,
            cleaning: CleaningReport {
                altitude: AltitudeTreatment::Barometric,
                altitude_hysteresis_m: crate::metrics::terrain::DEVICE_HYSTERESIS_M,
                ..CleaningReport::default()
            },
        }
    }
}

/// Asserts `actual` is within `tolerance` of `expected`.
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} is not within {tolerance} of {expected}"
    );
}

/// Asserts `actual` is `Some` and within `tolerance` of `expected`.
#[track_caller]
pub fn assert_some_close(actual: Option<f64>, expected: f64, tolerance: f64) {
    match actual {
        Some(v) => assert_close(v, expected, tolerance),
        None => unreachable!("expected {expected}, got None"),
    }
}
