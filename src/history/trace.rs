//! What history needs from an activity's 1 Hz trace, boiled down once per file so the
//! history stays compact: typical speed and cadence (to infer the sport), repeated
//! efforts (to find workouts without laps), and sustained time near and above the
//! threshold (to tell tempo from race). Independent of `metrics`: its own, documented
//! definitions (docs/history.md).

use serde::{Deserialize, Serialize};

use crate::clean::total_order;
use crate::model::{Activity, Second};
use crate::profile::{HrZones, ZoneModel};

/// Heart rates that split effort for classification, bpm (from the zone model:
/// docs/history.md "Thresholds").
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Intensity {
    /// At or above: "hard", just below the threshold and up (tempo floor).
    pub tempo_floor_bpm: f64,
    /// At or above: at or over the threshold (a race's effort).
    pub threshold_bpm: f64,
    /// The conversational ceiling: an effort must push heart rate over it.
    pub ceiling_bpm: f64,
}

impl Intensity {
    /// The levels of a zone model. Threshold: the lower bound of the top zone of the
    /// 5-zone models (90 % HRmax, 90 % HRR), of Friel's Z5a (100 % LTHR), Seiler's Z3
    /// (88 % HRmax, VT2); MAF has none, 25 bpm over the MAF number stands in. Tempo
    /// floor: the hard threshold (`HrZones::hard_bpm`: Z4), for Seiler the middle of Z2
    /// (85 % HRmax, between the thresholds), whose hard threshold is already VT2.
    pub fn of(zones: &HrZones) -> Intensity {
        let lower = |i: usize| zones.lower_bpm.get(i).copied();
        let hard = zones.hard_bpm();
        let (tempo_floor_bpm, threshold_bpm) = match zones.model {
            ZoneModel::Hrmax | ZoneModel::Hrr | ZoneModel::Lthr => (hard, lower(4).unwrap_or(hard)),
            ZoneModel::Seiler => {
                let vt2 = lower(2).unwrap_or(hard);
                let vt1 = lower(1).unwrap_or(zones.ceiling_bpm);
                ((vt1 + vt2) / 2.0, vt2)
            }
            ZoneModel::Maf => (hard, zones.ceiling_bpm + 25.0),
        };
        Intensity {
            tempo_floor_bpm,
            threshold_bpm: threshold_bpm.max(tempo_floor_bpm),
            ceiling_bpm: zones.ceiling_bpm,
        }
    }
}

/// A repeated effort found in the trace: a stretch clearly faster than the run's own
/// typical speed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Effort {
    /// Seconds since the first sample.
    pub start_s: u32,
    /// Moving seconds.
    pub len_s: u32,
    /// Mean speed over the run's median moving speed.
    pub speed_ratio: f64,
    /// Highest usable HR during the effort and the 30 s after it (heart rate lags), bpm.
    pub peak_hr_bpm: Option<f64>,
    /// `peak_hr_bpm` minus the mean usable HR of the 60 s before the effort, bpm.
    pub hr_rise_bpm: Option<f64>,
}

/// The trace, boiled down.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TraceFacts {
    /// Median and 75th percentile of moving speed, m/s.
    pub speed_p50_mps: Option<f64>,
    pub speed_p75_mps: Option<f64>,
    /// Median moving cadence as the file states it (steps/min for runs; a file of
    /// unknown sport keeps its own unit: strides, steps or revolutions), per minute.
    pub cadence_p50_spm: Option<f64>,
    /// Efforts that qualify (see [`efforts`]), in time order.
    pub efforts: Vec<Effort>,
    /// The longest sustained span at or above the tempo floor (dips of up to
    /// [`BRIDGE_S`] moving seconds bridged): the seconds at or above the floor in it,
    /// and its mean usable HR; `None` without zones.
    pub tempo_block_s: Option<u32>,
    pub tempo_block_hr_bpm: Option<f64>,
    /// The threshold the block is measured against, bpm (`None` without zones).
    pub threshold_bpm: Option<f64>,
}

/// Dips below a level of at most this many moving seconds do not end a sustained span.
pub const BRIDGE_S: u32 = 60;
/// A gap in the recording longer than this (a pause) ends a sustained span, seconds.
pub const PAUSE_BREAK_S: u32 = 300;
/// Speed smoothing window (centred, over moving seconds), seconds.
pub const SMOOTH_S: usize = 21;
/// A stretch is an effort candidate while its smoothed speed is at least this multiple
/// of the run's median moving speed.
pub const EFFORT_ENTRY_RATIO: f64 = 1.12;
/// An effort's mean speed must reach this multiple of the median.
pub const EFFORT_MIN_RATIO: f64 = 1.15;
/// Without heart rate, this multiple (a clearer contrast stands in for the missing HR).
pub const EFFORT_MIN_RATIO_NO_HR: f64 = 1.25;
/// Efforts last between these, moving seconds (strides are shorter, a progression or
/// tempo longer).
pub const EFFORT_MIN_S: u32 = 45;
pub const EFFORT_MAX_S: u32 = 20 * 60;
/// Heart rate must rise this much over an effort, bpm (a downhill is faster, but the
/// heart slows down on it).
pub const EFFORT_MIN_HR_RISE_BPM: f64 = 8.0;
/// Candidates closer than this merge into one, seconds.
pub const EFFORT_MERGE_S: u32 = 10;
/// Efforts starting in the first this many moving seconds do not count: heart rate
/// climbs from rest and GPS pace settles then, whatever the runner does (DOMAIN §9).
pub const EFFORT_SKIP_S: usize = 300;
/// An effort with a mean grade below this is downhill, not an effort.
pub const EFFORT_MIN_GRADE: f64 = -0.02;

impl TraceFacts {
    /// Boils `activity` down; `intensity` is `None` when no thresholds are known (then
    /// the threshold figures are `None` and efforts are judged on speed alone).
    pub fn of(activity: &Activity, intensity: Option<&Intensity>) -> TraceFacts {
        // Buffers sized up front: a filtered `collect` grows by doubling (a realloc and
        // a copy each time).
        let mut moving: Vec<&Second> = Vec::with_capacity(activity.seconds.len());
        moving.extend(activity.seconds.iter().filter(|s| s.moving));
        // Speeds and cadences as their `total_cmp` order keys: the quantiles compare
        // integers (`f64::from` of an `f32` keeps the order, so the k-th is the same).
        let mut speeds: Vec<u32> = Vec::with_capacity(moving.len());
        let mut cadence: Vec<u32> = Vec::with_capacity(moving.len());
        for s in &moving {
            if let Some(v) = s.speed_mps
                && v.is_finite()
                && v >= 0.0
            {
                speeds.push(order_key(v));
            }
            if let Some(c) = s.cadence_spm
                && c.is_finite()
                && c > 0.0
            {
                cadence.push(order_key(c));
            }
        }
        let (p50, p75) = quantiles(&mut speeds, 0.5, 0.75);
        let hr = activity.seconds.iter().any(|s| s.hr_bpm.is_some());
        let ceiling = if hr {
            intensity.map(|i| i.ceiling_bpm)
        } else {
            None
        };
        let efforts = match p50 {
            Some(median) if median > 0.3 => efforts(&moving, activity, median, hr, ceiling),
            _ => Vec::new(),
        };
        let block = intensity.map(|i| sustained(&moving, i.tempo_floor_bpm));
        TraceFacts {
            speed_p50_mps: p50,
            speed_p75_mps: p75,
            cadence_p50_spm: quantile(&mut cadence, 0.5),
            efforts,
            tempo_block_s: block.map(|b| b.0),
            tempo_block_hr_bpm: block.and_then(|b| b.1),
            threshold_bpm: intensity.map(|i| i.threshold_bpm),
        }
    }
}

/// The nearest rank (1-based) of the `q` quantile of `n` values.
fn rank(q: f64, n: usize) -> usize {
    ((q * n as f64).ceil() as usize).clamp(1, n)
}

/// `v`'s place in `f32::total_cmp`'s order as an integer.
fn order_key(v: f32) -> u32 {
    total_order::total_key32(v)
}

/// The value whose [`order_key`] is `key`, widened to `f64`.
fn key_value(key: u32) -> f64 {
    f64::from(total_order::from_total_key(u64::from(key)))
}

/// The `q` quantile (nearest rank) of the values whose order keys are `keys`; `None`
/// when empty. Reorders `keys` (a selection, not a sort: the value is the sorted
/// order's).
fn quantile(keys: &mut [u32], q: f64) -> Option<f64> {
    let n = keys.len();
    if n == 0 {
        return None;
    }
    let (_, kth, _) = keys.select_nth_unstable(rank(q, n) - 1);
    Some(key_value(*kth))
}

/// The `q` and `r` quantiles (`q <= r`), as [`quantile`] gives each: the second is
/// selected among the keys at or above the first only (after the first selection they
/// sit to its right, and the order statistic is the same value).
fn quantiles(keys: &mut [u32], q: f64, r: f64) -> (Option<f64>, Option<f64>) {
    let n = keys.len();
    if n == 0 {
        return (None, None);
    }
    let (k, l) = (rank(q, n) - 1, rank(r, n) - 1);
    let (_, kth, _) = keys.select_nth_unstable(k);
    let kth = key_value(*kth);
    if l <= k {
        return (Some(kth), quantile(keys, r));
    }
    let upper = keys.get_mut(k..).unwrap_or_default();
    let (_, lth, _) = upper.select_nth_unstable(l - k);
    (Some(kth), Some(key_value(*lth)))
}

fn usable_hr(s: &Second) -> Option<f64> {
    s.hr_bpm.map(f64::from).filter(|v| v.is_finite())
}

/// Heart rate is smoothed over this many moving seconds (centred) before sustained
/// spans are measured: an effort holds a level on average, not beat by beat.
pub const HR_SMOOTH_S: usize = 121;

/// Longest sustained span of moving seconds whose heart rate (usable HR, smoothed over
/// [`HR_SMOOTH_S`]) is at or above `bpm`: a span goes on through dips (below, or no
/// usable HR) of at most [`BRIDGE_S`] moving seconds, and ends at a recording gap over
/// [`PAUSE_BREAK_S`]. Returns the seconds at or above `bpm` in the best span and their
/// mean (smoothed) HR.
fn sustained(moving: &[&Second], bpm: f64) -> (u32, Option<f64>) {
    let raw: Vec<Option<f64>> = moving.iter().map(|s| usable_hr(s)).collect();
    let hr = smoothed(&raw, HR_SMOOTH_S);
    let mut best = (0u32, 0.0f64);
    let mut current = (0u32, 0.0f64);
    let mut dip = 0u32;
    let mut last_t: Option<u32> = None;
    for (s, h) in moving.iter().zip(&hr) {
        if last_t.is_some_and(|t| s.t_s.saturating_sub(t) > PAUSE_BREAK_S) {
            current = (0, 0.0);
            dip = 0;
        }
        last_t = Some(s.t_s);
        // A second without usable HR of its own is a dip, whatever its neighbours say.
        match h.filter(|_| usable_hr(s).is_some()) {
            Some(h) if h >= bpm => {
                if dip > BRIDGE_S {
                    current = (0, 0.0);
                }
                dip = 0;
                current = (current.0 + 1, current.1 + h);
                if current.0 > best.0 {
                    best = current;
                }
            }
            _ => dip += 1,
        }
    }
    let mean = (best.0 > 0).then(|| best.1 / f64::from(best.0));
    (best.0, mean)
}

/// Efforts: stretches of moving time whose speed (smoothed over [`SMOOTH_S`] s) stays at
/// or above [`EFFORT_ENTRY_RATIO`] × the median moving speed, merged across gaps under
/// [`EFFORT_MERGE_S`] s, lasting [`EFFORT_MIN_S`]–[`EFFORT_MAX_S`], with a mean speed
/// of at least [`EFFORT_MIN_RATIO`] × median, starting after the first
/// [`EFFORT_SKIP_S`] moving seconds, not downhill (mean grade ≥ [`EFFORT_MIN_GRADE`]).
/// With heart rate, the heart must answer: a rise of [`EFFORT_MIN_HR_RISE_BPM`] and a
/// peak over the conversational ceiling (run/walk and downhills are faster than the
/// median too, but easy). Without heart rate, the stretch must be at least
/// [`EFFORT_MIN_RATIO_NO_HR`] × median.
fn efforts(
    moving: &[&Second],
    activity: &Activity,
    median: f64,
    has_hr: bool,
    ceiling_bpm: Option<f64>,
) -> Vec<Effort> {
    let raw: Vec<Option<f64>> = moving
        .iter()
        .map(|s| s.speed_mps.map(f64::from).filter(|v| v.is_finite()))
        .collect();
    let smooth = smoothed(&raw, SMOOTH_S);
    let entry = EFFORT_ENTRY_RATIO * median;
    // Candidate spans as index ranges into `moving`.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut open: Option<usize> = None;
    for (i, v) in smooth.iter().enumerate() {
        let above = v.is_some_and(|v| v >= entry);
        match (above, open) {
            (true, None) => open = Some(i),
            (false, Some(start)) => {
                spans.push((start, i));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        spans.push((start, smooth.len()));
    }
    let t = |i: usize| moving.get(i).map_or(0, |s| s.t_s);
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for span in spans {
        match merged.last_mut() {
            Some(last)
                if t(span.0).saturating_sub(t(last.1.saturating_sub(1))) <= EFFORT_MERGE_S =>
            {
                last.1 = span.1;
            }
            _ => merged.push(span),
        }
    }
    merged
        .into_iter()
        .filter(|(a, _)| *a >= EFFORT_SKIP_S)
        .filter_map(|(a, b)| effort(moving, activity, &raw, (a, b), median, has_hr, ceiling_bpm))
        .collect()
}

/// The effort over `moving[a..b]`, when it qualifies.
fn effort(
    moving: &[&Second],
    activity: &Activity,
    raw: &[Option<f64>],
    (a, b): (usize, usize),
    median: f64,
    has_hr: bool,
    ceiling_bpm: Option<f64>,
) -> Option<Effort> {
    let len_s = u32::try_from(b.saturating_sub(a)).unwrap_or(u32::MAX);
    if !(EFFORT_MIN_S..=EFFORT_MAX_S).contains(&len_s) {
        return None;
    }
    let speeds: Vec<f64> = raw.get(a..b)?.iter().flatten().copied().collect();
    let mean = speeds.iter().sum::<f64>() / speeds.len().max(1) as f64;
    let speed_ratio = mean / median;
    let start = moving.get(a)?;
    let end_t = moving.get(b.saturating_sub(1))?.t_s;
    // `seconds` are in time order.
    let window = |from: u32, to: u32| {
        let lo = activity.seconds.partition_point(|s| s.t_s < from);
        let hi = activity.seconds.partition_point(|s| s.t_s < to);
        activity
            .seconds
            .get(lo..hi)
            .unwrap_or_default()
            .iter()
            .filter_map(usable_hr)
    };
    let before: Vec<f64> = window(start.t_s.saturating_sub(60), start.t_s).collect();
    let peak = window(start.t_s, end_t + 31)
        .fold(None, |m: Option<f64>, h| Some(m.map_or(h, |m| m.max(h))));
    let pre = (!before.is_empty()).then(|| before.iter().sum::<f64>() / before.len() as f64);
    let rise = peak.zip(pre).map(|(p, b)| p - b);
    let grades: Vec<f64> = moving
        .get(a..b)?
        .iter()
        .filter_map(|s| s.grade.map(f64::from))
        .collect();
    let downhill =
        !grades.is_empty() && grades.iter().sum::<f64>() / (grades.len() as f64) < EFFORT_MIN_GRADE;
    let ok = !downhill
        && if has_hr {
            speed_ratio >= EFFORT_MIN_RATIO
                && rise.is_some_and(|r| r >= EFFORT_MIN_HR_RISE_BPM)
                && peak.zip(ceiling_bpm).is_none_or(|(p, c)| p >= c)
        } else {
            speed_ratio >= EFFORT_MIN_RATIO_NO_HR
        };
    ok.then_some(Effort {
        start_s: start.t_s,
        len_s,
        speed_ratio,
        peak_hr_bpm: peak,
        hr_rise_bpm: rise,
    })
}

/// Centred moving mean over `window` values, ignoring missing ones: for value `i`, the
/// sum and count of the present values in `[i - window/2, i + window/2]` (clipped to
/// the ends), each as the difference of two running prefix sums.
fn smoothed(values: &[Option<f64>], window: usize) -> Vec<Option<f64>> {
    let half = window / 2;
    // The running (sum, count) of the present values before index `clamp(j - half, 0,
    // n)`, at j: value i's window is then `padded[i + 2·half + 1] - padded[i]`, and both
    // ends are plain slices walked in step.
    let mut padded: Vec<(f64, usize)> = Vec::with_capacity(values.len() + 2 * half + 1);
    padded.extend(std::iter::repeat_n((0.0, 0usize), half + 1));
    let (mut sum, mut count) = (0.0, 0usize);
    for v in values {
        if let Some(v) = v {
            sum += v;
            count += 1;
        }
        padded.push((sum, count));
    }
    padded.extend(std::iter::repeat_n((sum, count), half));
    let his = padded.get(2 * half + 1..).unwrap_or_default();
    let mut out = Vec::with_capacity(values.len());
    out.extend(
        padded
            .iter()
            .zip(his)
            .map(|(&(s_lo, c_lo), &(s_hi, c_hi))| {
                let c = c_hi - c_lo;
                (c > 0).then(|| (s_hi - s_lo) / c as f64)
            }),
    );
    out
}

#[cfg(test)]
mod tests;
