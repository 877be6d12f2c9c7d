//! Test builders for history: plausible [`RunFacts`] written by hand, so each test
//! states only what matters to it.

use super::{Effort, LapFacts, RunFacts, TraceFacts};
use crate::model::{LapIntensity, LocalTime, Sport, Timestamp};

/// The threshold the builders' heart rates are measured against (HRR with max 190 and
/// rest 50: Z5 starts at 176), bpm.
pub(crate) const THRESHOLD_BPM: f64 = 176.0;

/// A UTC instant from RFC 3339 text.
pub(crate) fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap_or_else(|| unreachable!("test time {text}"))
}

/// An easy run: `moving_min` minutes at 6:00/km, all HR below the ceiling, no hard
/// time, elapsed = moving, no name, no laps.
pub(crate) fn run(source: &str, start: &str, moving_min: u32) -> RunFacts {
    let start_time = at(start);
    let moving_s = moving_min * 60;
    RunFacts {
        source: source.to_string(),
        format: None,
        start_time,
        end_time: Timestamp(start_time.unix_ms() + i64::from(moving_s) * 1000),
        local: LocalTime::utc(),
        created: None,
        start_known: true,
        sport: Some(Sport::Running),
        sub_sport: None,
        name: None,
        activity_type: None,
        perceived_exertion: None,
        moving_s,
        distance_m: f64::from(moving_s) * 1000.0 / 360.0,
        hr_moving_s: moving_s,
        hard_s: Some(0),
        below_ceiling_s: Some(moving_s),
        above_ceiling_s: Some(0),
        avg_hr_bpm: Some(135.0),
        sustained_max_hr_bpm: Some(150.0),
        laps: Vec::new(),
        workout: None,
        hr_samples: moving_s,
        position_samples: moving_s,
        trace: TraceFacts {
            speed_p50_mps: Some(1000.0 / 360.0),
            speed_p75_mps: Some(1000.0 / 340.0),
            cadence_p50_spm: Some(170.0),
            efforts: Vec::new(),
            tempo_block_s: Some(0),
            tempo_block_hr_bpm: None,
            threshold_bpm: Some(THRESHOLD_BPM),
        },
        steady: None,
    }
}

/// One lap of `minutes` with an intensity.
pub(crate) fn lap(intensity: LapIntensity, minutes: f64) -> LapFacts {
    LapFacts {
        intensity: Some(intensity),
        timer_s: Some(minutes * 60.0),
        distance_m: None,
        avg_hr_bpm: None,
    }
}

/// A lap without intensity: `minutes` at `pace` (s/km) with a mean HR.
pub(crate) fn shape_lap(minutes: f64, pace_s_per_km: f64, hr_bpm: Option<u16>) -> LapFacts {
    LapFacts {
        intensity: None,
        timer_s: Some(minutes * 60.0),
        distance_m: Some(minutes * 60.0 * 1000.0 / pace_s_per_km),
        avg_hr_bpm: hr_bpm,
    }
}

/// Chainable tweaks of a built activity.
pub(crate) trait Tweak {
    fn named(self, name: &str) -> Self;
    fn typed(self, activity_type: &str) -> Self;
    /// `min` minutes at or above the hard threshold, also counted above the ceiling,
    /// in one sustained block averaging 165 bpm (tempo: under the threshold).
    fn hard_min(self, min: u32) -> Self;
    /// `min` minutes in one sustained block averaging 180 bpm (at or over the threshold).
    fn threshold_min(self, min: u32) -> Self;
    /// Moving distance, km.
    fn km(self, km: f64) -> Self;
    /// `n` efforts of `len_s` seconds every `every_s` seconds from minute 10.
    fn efforts(self, n: u32, len_s: u32, every_s: u32) -> Self;
    fn elapsed_min(self, min: u32) -> Self;
    fn with_laps(self, laps: Vec<LapFacts>) -> Self;
    fn sport(self, sport: Option<Sport>) -> Self;
    fn sustained_max(self, bpm: Option<f64>) -> Self;
}

impl Tweak for RunFacts {
    fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    fn typed(mut self, activity_type: &str) -> Self {
        self.activity_type = Some(activity_type.to_string());
        self
    }

    fn hard_min(mut self, min: u32) -> Self {
        let hard_s = (min * 60).min(self.hr_moving_s);
        self.hard_s = Some(hard_s);
        self.above_ceiling_s = Some(hard_s);
        self.below_ceiling_s = Some(self.hr_moving_s - hard_s);
        self.trace.tempo_block_s = Some(hard_s);
        self.trace.tempo_block_hr_bpm = (hard_s > 0).then_some(165.0);
        self
    }

    fn threshold_min(mut self, min: u32) -> Self {
        self = self.hard_min(min);
        self.trace.tempo_block_hr_bpm = self.trace.tempo_block_hr_bpm.map(|_| 180.0);
        self
    }

    fn km(mut self, km: f64) -> Self {
        self.distance_m = km * 1000.0;
        self
    }

    fn efforts(mut self, n: u32, len_s: u32, every_s: u32) -> Self {
        self.trace.efforts = (0..n)
            .map(|i| Effort {
                start_s: 600 + i * every_s,
                len_s,
                speed_ratio: 1.3,
                peak_hr_bpm: Some(165.0),
                hr_rise_bpm: Some(20.0),
            })
            .collect();
        self
    }

    fn elapsed_min(mut self, min: u32) -> Self {
        self.end_time = Timestamp(self.start_time.unix_ms() + i64::from(min) * 60_000);
        self
    }

    fn with_laps(mut self, laps: Vec<LapFacts>) -> Self {
        self.laps = laps;
        self
    }

    fn sport(mut self, sport: Option<Sport>) -> Self {
        self.sport = sport;
        self
    }

    fn sustained_max(mut self, bpm: Option<f64>) -> Self {
        self.sustained_max_hr_bpm = bpm;
        self
    }
}

/// Asserts two floats agree within `tol`.
pub(crate) fn assert_close(actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol,
        "{actual} is not within {tol} of {expected}"
    );
}
