//! A run's curves downsampled for drawing (never for analysis): heart rate, grade-
//! adjusted speed and altitude per bucket of seconds, so a 5-hour run draws from a few
//! hundred points, not 18 000.

use serde::Serialize;

use crate::metrics::gap::gap_speed_mps;
use crate::model::{Activity, HrFlag};

/// At most this many points per curve.
pub const MAX_POINTS: usize = 600;

/// One bucket of a run's curves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SeriesPoint {
    /// Bucket start, seconds from the first sample.
    pub t_s: u32,
    /// Share of the bucket's seconds that were moving.
    pub moving_share: f32,
    /// Mean usable HR, bpm.
    pub hr_bpm: Option<f32>,
    /// Mean recorded HR where it was excluded (cadence lock, artifacts), bpm.
    pub hr_excluded_bpm: Option<f32>,
    /// Whether any second of the bucket was cadence-locked.
    pub cadence_lock: bool,
    /// Mean grade-adjusted speed of moving seconds, m/s.
    pub gap_speed_mps: Option<f32>,
    /// Mean altitude, m.
    pub altitude_m: Option<f32>,
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f32> {
    let (s, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| (s / f64::from(n)) as f32)
}

/// Buckets of `step_s` seconds (chosen so at most [`MAX_POINTS`] remain).
pub fn downsample(activity: &Activity) -> Vec<SeriesPoint> {
    let span = activity.end_s().max(1);
    let step = span.div_ceil(MAX_POINTS as u32).max(1);
    let mut out: Vec<SeriesPoint> = Vec::new();
    for chunk in activity
        .seconds
        .chunk_by(|a, b| a.t_s / step == b.t_s / step)
    {
        let Some(first) = chunk.first() else { continue };
        let moving = chunk.iter().filter(|s| s.moving).count();
        out.push(SeriesPoint {
            t_s: first.t_s / step * step,
            moving_share: moving as f32 / chunk.len() as f32,
            hr_bpm: mean(chunk.iter().filter_map(|s| s.hr_bpm.map(f64::from))),
            hr_excluded_bpm: mean(
                chunk
                    .iter()
                    .filter(|s| !s.hr_flag.usable())
                    .filter_map(|s| s.hr_raw_bpm.filter(|v| *v > 0.0).map(f64::from)),
            ),
            cadence_lock: chunk.iter().any(|s| s.hr_flag == HrFlag::CadenceLock),
            gap_speed_mps: mean(chunk.iter().filter(|s| s.moving).filter_map(gap_speed_mps)),
            altitude_m: mean(chunk.iter().filter_map(|s| s.altitude_m.map(f64::from))),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Second;

    #[test]
    fn long_runs_shrink_to_the_point_budget() {
        let seconds: Vec<Second> = (0..18_000)
            .map(|t| Second {
                t_s: t,
                moving: true,
                hr_bpm: Some(140.0),
                speed_mps: Some(3.0),
                ..Second::default()
            })
            .collect();
        let a = Activity {
            seconds,
            ..crate::clean::clean(&crate::model::RawActivity::new(
                "x",
                crate::model::Format::Fit,
            ))
        };
        let s = downsample(&a);
        assert!(
            s.len() <= MAX_POINTS && s.len() >= MAX_POINTS - 1,
            "{}",
            s.len()
        );
        assert!(
            s.iter()
                .all(|p| p.hr_bpm == Some(140.0) && p.gap_speed_mps == Some(3.0))
        );
    }
}
