//! A run's curves downsampled for drawing (never for analysis): heart rate, grade-
//! adjusted speed and altitude per bucket of seconds, so a 5-hour run draws from a few
//! hundred points, not 18 000.

use serde::Serialize;

use crate::metrics::gap::gap_speed_mps;
use crate::model::{Activity, HrFlag};
use crate::surface::{SurfaceClass, SurfaceStretch};

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

/// The bucket width of `activity`'s curves, seconds: at most [`MAX_POINTS`] buckets.
pub fn step_s(activity: &Activity) -> u32 {
    activity.end_s().max(1).div_ceil(MAX_POINTS as u32).max(1)
}

/// Buckets of [`step_s`] seconds (so at most [`MAX_POINTS`] remain).
pub fn downsample(activity: &Activity) -> Vec<SeriesPoint> {
    let step = step_s(activity);
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

/// The map's surface per bucket of `step_s` seconds (the curves' buckets), for the strip
/// along a run's chart: each bucket takes the class of most of its moving seconds (a tie
/// is `Unknown`: the strip claims no more than the map says), buckets without a moving
/// second are left out, and neighbouring buckets of one class are merged. At most
/// [`MAX_POINTS`] stretches, whatever the run's length.
pub fn surface_strip(stretches: &[SurfaceStretch], step_s: u32) -> Vec<SurfaceStretch> {
    let step = step_s.max(1);
    // Moving seconds per bucket: [paved, unpaved, unknown].
    let mut buckets: Vec<[u32; 3]> = Vec::new();
    for s in stretches {
        let mut t = s.start_s;
        while t < s.end_s {
            let bucket = (t / step) as usize;
            let bucket_end = (t / step).saturating_add(1).saturating_mul(step);
            let end = bucket_end.min(s.end_s);
            if buckets.len() <= bucket {
                buckets.resize(bucket + 1, [0; 3]);
            }
            let slot = match s.class {
                SurfaceClass::Paved => 0,
                SurfaceClass::Unpaved => 1,
                SurfaceClass::Unknown => 2,
            };
            if let Some(count) = buckets.get_mut(bucket).and_then(|b| b.get_mut(slot)) {
                *count += end - t;
            }
            t = end;
        }
    }
    let mut out: Vec<SurfaceStretch> = Vec::new();
    for (i, [paved, unpaved, unknown]) in buckets.into_iter().enumerate() {
        let class = if paved > unpaved && paved > unknown {
            SurfaceClass::Paved
        } else if unpaved > paved && unpaved > unknown {
            SurfaceClass::Unpaved
        } else if paved + unpaved + unknown > 0 {
            SurfaceClass::Unknown
        } else {
            continue;
        };
        let start_s = (i as u32).saturating_mul(step);
        let end_s = start_s.saturating_add(step);
        match out.last_mut() {
            Some(last) if last.class == class && last.end_s == start_s => last.end_s = end_s,
            _ => out.push(SurfaceStretch {
                start_s,
                end_s,
                class,
            }),
        }
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

    fn stretch(start_s: u32, end_s: u32, class: SurfaceClass) -> SurfaceStretch {
        SurfaceStretch {
            start_s,
            end_s,
            class,
        }
    }

    #[test]
    fn the_strip_takes_each_buckets_majority_and_merges_neighbours() {
        use SurfaceClass::{Paved, Unknown, Unpaved};
        let exact = [
            stretch(0, 25, Paved),
            stretch(25, 28, Unpaved),
            stretch(28, 52, Paved),
            stretch(52, 70, Unpaved),
            // A pause 70..100: no bucket there.
            stretch(100, 105, Paved),
            stretch(105, 110, Unpaved),
        ];
        assert_eq!(
            surface_strip(&exact, 10),
            vec![
                // 20..30 has 5 paved of 8 moving seconds; 50..60 has 2 paved, 8 unpaved.
                stretch(0, 50, Paved),
                stretch(50, 70, Unpaved),
                // A 5/5 tie claims nothing.
                stretch(100, 110, Unknown),
            ]
        );
        assert!(surface_strip(&[], 10).is_empty());
        // Never more buckets than the curves have, however the classes alternate.
        let flicker: Vec<SurfaceStretch> = (0..18_000)
            .map(|t| stretch(t, t + 1, if t % 3 == 0 { Paved } else { Unpaved }))
            .collect();
        let strip = surface_strip(&flicker, 30);
        assert_eq!(strip, vec![stretch(0, 18_000, Unpaved)]);
    }
}
