//! Surges — deliberate pickups in pace (chasing a segment, racing a stranger) — and
//! pace variability. A recovery run is "moving, not training": it should have neither.
//!
//! A surge is faster than the running **around it**, for long enough, and the heart
//! answers it:
//!
//! - **Running seconds**: moving seconds with speed that are not walking (a smoothed
//!   speed below [`WALK_MAX_SPEED_MPS`], or below [`WALK_CADENCE_SPEED_MPS`] with a
//!   cadence below [`WALK_MAX_CADENCE_SPM`]). Walk breaks of a run/walk neither count in the baseline
//!   nor surge.
//! - **Settled seconds**: a running second at least [`START_SETTLE_S`] s of moving time
//!   into the run (GPS settles, the runner finds the pace) and at least
//!   [`RESTART_SETTLE_S`] s after the last second that was not running (a stop at a
//!   light, a pause, a walk break: the restart accelerates from nothing).
//! - **Smoothing**: raw and grade-adjusted speed (GAP, [`super::gap`]: Strava's
//!   equal-heart-rate model) averaged over a centred window of ±[`SMOOTHING_HALF_S`] s.
//! - **Local baseline**: the [`BASELINE_QUANTILE`] quantile (a little under the median)
//!   of per-second raw and GAP speed over the running seconds from [`BASELINE_HALF_S`] s before to [`BASELINE_HALF_S`] s after, leaving
//!   out the [`BASELINE_GAP_S`] s on either side (the pickup itself), evaluated every
//!   [`BASELINE_STEP_S`] s. Against the whole-run median a steady second half after a
//!   slow climb would "surge"; against its surroundings it does not.
//! - **Candidate**: settled running seconds whose smoothed GAP speed is at least
//!   [`SURGE_MIN_RATIO`] × the GAP baseline **and** whose smoothed raw speed is at least
//!   [`SURGE_MIN_RAW_RATIO`] × the raw baseline. The raw test keeps climbs out (GAP
//!   credits a climb run at an even effort, and noisy grades over-credit it); the GAP
//!   test keeps descents out (gravity's free speed). Climbs and descents are the terrain
//!   rule's business. Runs of candidates less than [`SURGE_MIN_SEPARATION_S`] s apart
//!   merge; the result must last at least [`SURGE_MIN_S`] s.
//! - **Heart-rate confirmation**: where usable heart rate covers at least
//!   [`HR_MIN_COVERAGE`] of the span and its surroundings, the highest 10-s mean HR from
//!   [`HR_LAG_S`] s into the span to [`HR_AFTER_S`] s after it must exceed the mean HR of
//!   the [`HR_BEFORE_S`] s before it by at least [`HR_MIN_RISE_BPM`]. A real pickup makes
//!   the heart work; GPS noise does not. Without usable HR the pace alone decides.
//! - Reported per surge: its span, the peak smoothed GAP speed, the mean per-second GAP
//!   speed over the span divided by the baseline, and the HR rise (when HR was usable).
//!
//! Nothing caps the length: a pickup longer than [`SURGE_TYPICAL_MAX_S`] s (a tempo
//! block) is still one surge while its surroundings are slower.
//!
//! Pace variability: coefficient of variation (population standard deviation / mean) of
//! the mean GAP speed of consecutive [`CV_BLOCK_S`]-s blocks of moving seconds with
//! speed (in moving-time order; a last partial block is dropped), in %. Needs two blocks.

use serde::{Deserialize, Serialize};

use super::gap::gap_speed_mps;
use super::ranked::RankedWindows;
use super::series::{self, Point};
use crate::model::{Activity, Span};

/// Half-width of the centred smoothing window, seconds (window 11 s).
pub const SMOOTHING_HALF_S: u32 = 5;
/// Smoothed GAP speed, as a multiple of the local GAP baseline, from which a second
/// surges.
pub const SURGE_MIN_RATIO: f64 = 1.15;
/// Smoothed raw speed, as a multiple of the local raw baseline, a surge also needs.
pub const SURGE_MIN_RAW_RATIO: f64 = 1.10;
/// Shortest surge, seconds.
pub const SURGE_MIN_S: u32 = 30;
/// Surges closer than this, seconds, are one surge.
pub const SURGE_MIN_SEPARATION_S: u32 = 10;
/// Typical longest surge, seconds: longer ones are still reported, as one surge.
pub const SURGE_TYPICAL_MAX_S: u32 = 120;
/// Local baseline: running seconds within this many seconds either side…
pub const BASELINE_HALF_S: u32 = 300;
/// …leaving out this many seconds either side of the second itself…
pub const BASELINE_GAP_S: u32 = 60;
/// …evaluated every this many seconds (and held in between).
pub const BASELINE_STEP_S: u32 = 10;
/// The baseline is this quantile of the surroundings' speeds: a little under the
/// median, so a fartlek whose pickups fill half the surroundings is still measured
/// against its easy running.
pub const BASELINE_QUANTILE: f64 = 0.45;
/// Fewest running seconds a local baseline needs; below, the run's running median.
pub const BASELINE_MIN_VALUES: usize = 60;
/// Moving time at the start during which nothing surges, seconds.
pub const START_SETTLE_S: u32 = 120;
/// Running time after a stop, pause or walk break during which nothing surges, seconds.
pub const RESTART_SETTLE_S: u32 = 60;
/// Walking: cadence below this, steps/min (when the file has cadence)…
pub const WALK_MAX_CADENCE_SPM: f32 = 140.0;
/// …at a smoothed speed below [`WALK_CADENCE_SPEED_MPS`]; or any smoothed speed below
/// this, m/s (6.1 km/h).
pub const WALK_MAX_SPEED_MPS: f64 = 1.7;
/// A low cadence means walking only below this speed, m/s (7.9 km/h): a slow jog with
/// short steps is still running.
pub const WALK_CADENCE_SPEED_MPS: f64 = 2.2;
/// HR confirmation: the mean HR of this many seconds before the span…
pub const HR_BEFORE_S: u32 = 45;
/// …against the highest 10-s mean HR from this far into the span…
pub const HR_LAG_S: u32 = 10;
/// …to this far after its end…
pub const HR_AFTER_S: u32 = 30;
/// …must have risen at least this much, bpm.
pub const HR_MIN_RISE_BPM: f64 = 5.0;
/// Share of the seconds around a span that need usable HR for the HR test to apply.
pub const HR_MIN_COVERAGE: f64 = 0.6;
/// Block length for pace variability, seconds.
pub const CV_BLOCK_S: usize = 30;

/// One surge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Surge {
    pub span: Span,
    /// Highest smoothed GAP speed in the span, m/s.
    pub peak_speed_mps: f64,
    /// Mean GAP speed over the span / the local GAP baseline.
    pub mean_speed_ratio: f64,
    /// Heart-rate rise that confirmed it, bpm (`None`: no usable HR, pace alone).
    pub hr_rise_bpm: Option<f64>,
}

/// One moving second with speed, as the surge search sees it.
#[derive(Debug, Clone, Copy)]
struct Pt {
    t_s: u32,
    raw: f64,
    gap: f64,
    running: bool,
    settled: bool,
}

fn gap_points(activity: &Activity) -> Vec<Point> {
    series::moving_points(&activity.seconds, gap_speed_mps)
}

/// Half-width of the window, seconds, of the smoothed raw speed that tells walking from
/// running.
const WALK_SMOOTHING_HALF_S: u32 = 2;

/// Moving seconds with speed, with their running and settled flags. Walking is told by
/// the raw speed's mean over ±[`WALK_SMOOTHING_HALF_S`] s of moving seconds with a
/// finite speed (the values added in time order from `0.0`, as [`series::mean`]),
/// computed here as each point is reached.
fn points(activity: &Activity) -> Vec<Pt> {
    let secs = &activity.seconds;
    let has_cadence = secs.iter().any(|s| s.cadence_spm.is_some_and(|c| c > 0.0));
    let raw: Vec<Point> = series::moving_points(secs, |s| s.speed_mps.map(f64::from));
    let mut out = Vec::with_capacity(raw.len());
    let mut k = 0usize;
    let mut walk_window = series::SlidingWindow::new(WALK_SMOOTHING_HALF_S);
    let mut moving_s = 0u32;
    let mut running_since: Option<u32> = None;
    for s in secs {
        if !s.moving {
            running_since = None;
            continue;
        }
        moving_s += 1;
        let (Some(p), Some(gap)) = (raw.get(k), gap_speed_mps(s)) else {
            running_since = None;
            continue;
        };
        if p.t_s != s.t_s {
            running_since = None;
            continue;
        }
        let window = raw
            .get(walk_window.around(&raw, p.t_s, |q| q.t_s))
            .unwrap_or_default();
        let speed = series::mean(window.iter().map(|q| q.value)).unwrap_or(p.value);
        k += 1;
        let walking = speed < WALK_MAX_SPEED_MPS
            || (has_cadence
                && speed < WALK_CADENCE_SPEED_MPS
                && s.cadence_spm
                    .is_some_and(|c| c > 0.0 && c < WALK_MAX_CADENCE_SPM));
        let running = !walking;
        if running_since.is_none() {
            running_since = Some(s.t_s);
        }
        let settled = running
            && moving_s > START_SETTLE_S
            && running_since.is_some_and(|t| s.t_s >= t + RESTART_SETTLE_S);
        out.push(Pt {
            t_s: s.t_s,
            raw: p.value,
            gap,
            running,
            settled,
        });
    }
    out
}

/// Index of the `q` quantile among `len` sorted values (lower order statistic,
/// `q·(len − 1)` rounded down).
fn quantile_index(len: usize, q: f64) -> usize {
    (len.saturating_sub(1) as f64 * q).floor() as usize
}

/// Local (raw, GAP) speed baselines of running seconds around each point (module docs).
/// The running seconds of a baseline are `[lo, a) ∪ [b, hi)` of `running` (before the
/// left gap, after the right one); the four bounds only move forward, and the members
/// are kept in one order-statistic window over both speeds ([`RankedWindows`]).
fn local_baselines(pts: &[Pt]) -> Vec<Option<(f64, f64)>> {
    let running: Vec<&Pt> = pts.iter().filter(|p| p.running).collect();
    let raw: Vec<f64> = running.iter().map(|p| p.raw).collect();
    let gap: Vec<f64> = running.iter().map(|p| p.gap).collect();
    // The whole run's medians, needed only where a baseline has too few values.
    let mut whole: Option<Option<(f64, f64)>> = None;
    let mut whole_run = || {
        *whole.get_or_insert_with(|| {
            match (series::median(raw.clone()), series::median(gap.clone())) {
                (Some(r), Some(g)) => Some((r, g)),
                _ => None,
            }
        })
    };
    let mut window = RankedWindows::new([&raw, &gap]);
    let mut out = Vec::with_capacity(pts.len());
    let mut held: Option<(u32, Option<(f64, f64)>)> = None;
    let (mut lo, mut a, mut b, mut hi) = (0usize, 0usize, 0usize, 0usize);
    let t_at = |i: usize| running.get(i).map(|q| q.t_s);
    for p in pts {
        if let Some((at, value)) = held
            && p.t_s < at + BASELINE_STEP_S
        {
            out.push(value);
            continue;
        }
        let from = p.t_s.saturating_sub(BASELINE_HALF_S);
        let to = p.t_s.saturating_add(BASELINE_HALF_S);
        let gap_from = p.t_s.saturating_sub(BASELINE_GAP_S);
        let gap_to = p.t_s.saturating_add(BASELINE_GAP_S);
        // In this order every second enters before it leaves (lo ≤ a ≤ b ≤ hi).
        while t_at(hi).is_some_and(|t| t <= to) {
            window.insert(hi);
            hi += 1;
        }
        while t_at(b).is_some_and(|t| t <= gap_to) {
            window.remove(b);
            b += 1;
        }
        while t_at(a).is_some_and(|t| t < gap_from) {
            window.insert(a);
            a += 1;
        }
        while t_at(lo).is_some_and(|t| t < from) {
            window.remove(lo);
            lo += 1;
        }
        let len = window.len();
        let value = if len >= BASELINE_MIN_VALUES {
            let k = quantile_index(len, BASELINE_QUANTILE);
            match window.kth(k) {
                Some([r, g]) => Some((r, g)),
                None => whole_run(),
            }
        } else {
            whole_run()
        };
        held = Some((p.t_s, value));
        out.push(value);
    }
    out
}

/// Smoothed (GAP, raw) speed of each point: the means over its centred window of
/// ±[`SMOOTHING_HALF_S`] s (the values added in time order from `0.0`, as
/// [`series::mean`]), `None` when the window holds fewer than `SMOOTHING_HALF_S + 1`
/// points. One pass for both.
fn smoothed_speeds(pts: &[Pt]) -> Vec<Option<(f64, f64)>> {
    let min_count = SMOOTHING_HALF_S as usize + 1;
    let mut out = Vec::with_capacity(pts.len());
    let mut sliding = series::SlidingWindow::new(SMOOTHING_HALF_S);
    for p in pts {
        let window = pts
            .get(sliding.around(pts, p.t_s, |q| q.t_s))
            .unwrap_or_default();
        out.push((window.len() >= min_count).then(|| {
            let (gap, raw) = window
                .iter()
                .fold((0.0, 0.0), |(gap, raw), q| (gap + q.gap, raw + q.raw));
            let n = window.len() as f64;
            (gap / n, raw / n)
        }));
    }
    out
}

/// The rise of usable HR over a span: highest 10-s mean from `HR_LAG_S` into it to
/// `HR_AFTER_S` after it, minus the mean of the `HR_BEFORE_S` before it. `None` when HR
/// does not cover enough of those seconds.
fn hr_rise_bpm(activity: &Activity, span: Span) -> Option<f64> {
    let before_from = span.start_s.saturating_sub(HR_BEFORE_S);
    let after_to = span.end_s.saturating_add(HR_AFTER_S);
    let hr: Vec<Point> = activity
        .seconds
        .iter()
        .filter(|s| s.t_s >= before_from && s.t_s < after_to)
        .filter_map(|s| series::usable_hr(s).map(|value| Point { t_s: s.t_s, value }))
        .collect();
    let expected = f64::from(after_to - before_from);
    if (hr.len() as f64) < HR_MIN_COVERAGE * expected {
        return None;
    }
    let before = series::mean(
        hr.iter()
            .filter(|p| p.t_s < span.start_s + 5)
            .map(|p| p.value),
    )?;
    let lagged: Vec<Point> = hr
        .iter()
        .copied()
        .filter(|p| p.t_s >= span.start_s + HR_LAG_S.min(span.len_s() / 2))
        .collect();
    let peak = series::rolling(&lagged, 5, 5, |w| series::mean(w.iter().map(|p| p.value)))
        .into_iter()
        .flatten()
        .reduce(f64::max)?;
    Some(peak - before)
}

/// The surges of `activity`, in time order.
pub fn surges(activity: &Activity) -> Vec<Surge> {
    surges_of(activity, &points(activity))
}

/// [`surges`] and [`gap_speed_cv_pct`] of `activity` from one selection of its moving
/// seconds with speed: a moving second has a finite GAP speed exactly when it has a
/// finite speed (the GAP factor is finite, 0.875 to 2.9), so the points of the surge
/// search are, in order, the seconds and GAP speeds the variability reads.
pub(crate) fn surges_and_cv(activity: &Activity) -> (Vec<Surge>, Option<f64>) {
    let pts = points(activity);
    let cv = cv_pct(
        pts.chunks_exact(CV_BLOCK_S)
            .filter_map(|block| series::mean(block.iter().map(|p| p.gap)))
            .collect(),
    );
    (surges_of(activity, &pts), cv)
}

/// The surges among `pts` ([`points`] of `activity`).
fn surges_of(activity: &Activity, pts: &[Pt]) -> Vec<Surge> {
    if pts.is_empty() {
        return Vec::new();
    }
    let baselines = local_baselines(pts);
    let smooth = smoothed_speeds(pts);
    let flags = pts
        .iter()
        .zip(&baselines)
        .zip(&smooth)
        .map(|((p, base), speeds)| {
            let fast = match (base, speeds) {
                (Some((raw_base, gap_base)), Some((g, r))) if *gap_base > 0.0 => {
                    *g >= SURGE_MIN_RATIO * gap_base && *r >= SURGE_MIN_RAW_RATIO * raw_base
                }
                _ => false,
            };
            (p.t_s, p.settled && fast)
        });
    let spans = series::merge_close(
        series::runs(flags),
        SURGE_MIN_SEPARATION_S.saturating_sub(1),
    );
    spans
        .into_iter()
        .filter(|span| span.len_s() >= SURGE_MIN_S)
        .filter_map(|span| {
            let inside = |t_s: u32| t_s >= span.start_s && t_s < span.end_s;
            let peak_speed_mps = pts
                .iter()
                .zip(&smooth)
                .filter(|(p, _)| inside(p.t_s))
                .filter_map(|(_, v)| v.map(|(gap, _)| gap))
                .reduce(f64::max)?;
            let mean_gap = series::mean(pts.iter().filter(|p| inside(p.t_s)).map(|p| p.gap))?;
            let base = series::median(
                pts.iter()
                    .zip(&baselines)
                    .filter(|(p, _)| inside(p.t_s))
                    .filter_map(|(_, b)| b.map(|b| b.1))
                    .collect(),
            )?;
            let hr_rise = hr_rise_bpm(activity, span);
            if hr_rise.is_some_and(|rise| rise < HR_MIN_RISE_BPM) {
                return None;
            }
            Some(Surge {
                span,
                peak_speed_mps,
                mean_speed_ratio: mean_gap / base,
                hr_rise_bpm: hr_rise,
            })
        })
        .collect()
}

/// Coefficient of variation of 30-s mean moving GAP speed, %.
pub fn gap_speed_cv_pct(activity: &Activity) -> Option<f64> {
    let points = gap_points(activity);
    cv_pct(
        points
            .chunks_exact(CV_BLOCK_S)
            .filter_map(|block| series::mean(block.iter().map(|p| p.value)))
            .collect(),
    )
}

/// Coefficient of variation of the block means, % (`None` below two blocks).
fn cv_pct(blocks: Vec<f64>) -> Option<f64> {
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
mod tests;
