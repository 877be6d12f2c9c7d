//! Surges (pickups in pace: chasing a segment, racing a stranger) and pace variability.
//! A recovery run is "moving, not training": it should have neither.
//!
//! Surges are defined on grade-adjusted speed (GAP, Minetti; see [`super::gap`]), so a
//! hill climbed at an even effort is not a surge. Heart rate over the ceiling is a
//! separate signal (its spans are in [`super::zones::above_ceiling`]).
//!
//! - Reference speed: the median per-second GAP speed of moving seconds with speed.
//! - Smoothing: the mean GAP speed over a centered window of ±[`SMOOTHING_HALF_S`] s
//!   (11 s, the "10-s smoothing" with a true centre, so a pickup's span keeps its real
//!   start and end); holes contribute nothing.
//! - A surge: a run of consecutive moving seconds whose smoothed GAP speed is at least
//!   [`SURGE_MIN_RATIO`] × the reference; runs separated by fewer than
//!   [`SURGE_MIN_SEPARATION_S`] s are merged, and the result must last at least
//!   [`SURGE_MIN_S`] s. Nothing caps the length: a pickup longer than
//!   [`SURGE_TYPICAL_MAX_S`] s (a tempo block) is still one surge, reported with its
//!   length.
//! - Reported per surge: its span, the peak smoothed GAP speed, and the mean per-second
//!   GAP speed over the span divided by the reference.
//! - Pace variability: coefficient of variation (population standard deviation / mean)
//!   of the mean GAP speed of consecutive [`CV_BLOCK_S`]-s blocks of moving seconds with
//!   speed (in moving-time order; a last partial block is dropped), in %. Needs two
//!   blocks. The 30-s blocks keep stride-to-stride noise out.

use serde::Serialize;

use super::gap::gap_speed_mps;
use super::series::{self, Point};
use crate::model::{Activity, Span};

/// Half-width of the centered smoothing window, seconds (window 11 s).
pub const SMOOTHING_HALF_S: u32 = 5;
/// Smoothed GAP speed, as a multiple of the run's median, from which a second surges.
pub const SURGE_MIN_RATIO: f64 = 1.15;
/// Shortest surge, seconds.
pub const SURGE_MIN_S: u32 = 30;
/// Surges closer than this, seconds, are one surge.
pub const SURGE_MIN_SEPARATION_S: u32 = 10;
/// Typical longest surge, seconds: longer ones are still reported, as one surge.
pub const SURGE_TYPICAL_MAX_S: u32 = 120;
/// Block length for pace variability, seconds.
pub const CV_BLOCK_S: usize = 30;

/// One surge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Surge {
    pub span: Span,
    /// Highest smoothed GAP speed in the span, m/s.
    pub peak_speed_mps: f64,
    /// Mean GAP speed over the span / the run's median moving GAP speed.
    pub mean_speed_ratio: f64,
}

fn gap_points(activity: &Activity) -> Vec<Point> {
    series::moving_points(&activity.seconds, gap_speed_mps)
}

/// The surges of `activity`, in time order.
pub fn surges(activity: &Activity) -> Vec<Surge> {
    let points = gap_points(activity);
    let Some(reference) = series::median(points.iter().map(|p| p.value).collect()) else {
        return Vec::new();
    };
    if reference <= 0.0 {
        return Vec::new();
    }
    let min_count = SMOOTHING_HALF_S as usize + 1;
    let smoothed = series::rolling(&points, SMOOTHING_HALF_S, min_count, |w| {
        series::mean(w.iter().map(|p| p.value))
    });
    let threshold = SURGE_MIN_RATIO * reference;
    let flags = points
        .iter()
        .zip(&smoothed)
        .map(|(p, v)| (p.t_s, v.is_some_and(|v| v >= threshold)));
    let spans = series::merge_close(
        series::runs(flags),
        SURGE_MIN_SEPARATION_S.saturating_sub(1),
    );
    spans
        .into_iter()
        .filter(|span| span.len_s() >= SURGE_MIN_S)
        .filter_map(|span| {
            let inside = |t_s: u32| t_s >= span.start_s && t_s < span.end_s;
            let peak_speed_mps = points
                .iter()
                .zip(&smoothed)
                .filter(|(p, _)| inside(p.t_s))
                .filter_map(|(_, v)| *v)
                .reduce(f64::max)?;
            let mean = series::mean(points.iter().filter(|p| inside(p.t_s)).map(|p| p.value))?;
            Some(Surge {
                span,
                peak_speed_mps,
                mean_speed_ratio: mean / reference,
            })
        })
        .collect()
}

/// Coefficient of variation of 30-s mean moving GAP speed, %.
pub fn gap_speed_cv_pct(activity: &Activity) -> Option<f64> {
    let points = gap_points(activity);
    let blocks: Vec<f64> = points
        .chunks_exact(CV_BLOCK_S)
        .filter_map(|block| series::mean(block.iter().map(|p| p.value)))
        .collect();
    if blocks.len() < 2 {
        return None;
    }
    // Population statistics (statrs): the blocks are the whole run, not a sample of it.
    use statrs::statistics::Statistics;
    let mean = blocks.iter().mean();
    let sd = blocks.iter().population_std_dev();
    (mean > 0.0 && sd.is_finite()).then(|| 100.0 * sd / mean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::{Columns, assert_close, assert_some_close};

    /// 20 min at 3 m/s with pickups (start, seconds, speed).
    fn with_pickups(pickups: &[(usize, usize, f32)]) -> Columns {
        let mut c = Columns::steady(1200, 3.0, 140.0);
        for &(from, n, v) in pickups {
            c.speed_mps
                .iter_mut()
                .skip(from)
                .take(n)
                .for_each(|s| *s = Some(v));
        }
        c
    }

    fn spans(s: &[Surge]) -> Vec<(u32, u32)> {
        s.iter().map(|s| (s.span.start_s, s.span.end_s)).collect()
    }

    #[test]
    fn a_steady_run_has_no_surge() {
        let activity = Columns::steady(1200, 3.0, 140.0).build();
        assert!(surges(&activity).is_empty());
        assert_some_close(gap_speed_cv_pct(&activity), 0.0, 1e-9);
    }

    #[test]
    fn two_one_minute_pickups_are_two_surges_with_their_spans() {
        let activity = with_pickups(&[(300, 60, 3.9), (700, 60, 3.9)]).build();
        let found = surges(&activity);
        assert_eq!(spans(&found), vec![(300, 360), (700, 760)]);
        for s in &found {
            assert_close(s.peak_speed_mps, 3.9, 1e-5);
            assert_close(s.mean_speed_ratio, 1.3, 1e-6);
        }
    }

    #[test]
    fn short_pickups_are_not_surges_and_close_ones_merge() {
        let activity = with_pickups(&[(300, 20, 3.9)]).build();
        assert!(
            surges(&activity).is_empty(),
            "20 s is a stride, not a surge"
        );
        // Two 25-s pickups 5 s apart: one 55-s surge.
        let activity = with_pickups(&[(300, 25, 3.9), (330, 25, 3.9)]).build();
        assert_eq!(spans(&surges(&activity)), vec![(300, 355)]);
    }

    #[test]
    fn a_long_pickup_is_one_surge_with_its_length() {
        let activity = with_pickups(&[(300, 200, 3.9)]).build();
        let found = surges(&activity);
        assert_eq!(spans(&found), vec![(300, 500)]);
        assert_eq!(found.first().map(|s| s.span.len_s()), Some(200));
    }

    #[test]
    fn a_climb_at_even_effort_is_not_a_surge() {
        // 2 min up 8 % at the slower speed of the same effort: GAP is unchanged.
        let mut c = with_pickups(&[]);
        let factor = crate::metrics::grade_adjusted_speed(1.0, f64::from(0.08f32));
        c.speed_mps
            .iter_mut()
            .skip(300)
            .take(120)
            .for_each(|s| *s = Some((3.0 / factor) as f32));
        c.grade = (0..1200)
            .map(|i| Some(if (300..420).contains(&i) { 0.08 } else { 0.0 }))
            .collect();
        assert!(surges(&c.build()).is_empty());
    }

    #[test]
    fn pace_cv_of_alternating_blocks() {
        // 30-s blocks alternating 3 and 4 m/s: mean 3.5, population sd 0.5.
        let mut c = Columns::steady(1200, 3.0, 140.0);
        for (i, v) in c.speed_mps.iter_mut().enumerate() {
            *v = Some(if (i / 30) % 2 == 0 { 3.0 } else { 4.0 });
        }
        assert_some_close(gap_speed_cv_pct(&c.build()), 100.0 * 0.5 / 3.5, 1e-9);
        assert_eq!(
            gap_speed_cv_pct(&Columns::steady(59, 3.0, 140.0).build()),
            None
        );
    }
}
