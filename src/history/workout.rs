//! History: is a run a workout of repeated efforts? Four kinds of evidence, each named
//! in the output (`class_reason`):
//!
//! - **lap intensity**: work laps (`active`/`interval`) separated by `rest`/`recovery`
//!   laps, as a watch's structured workout writes them;
//! - **lap shape**: laps that alternate fast and slow, the fast ones of similar
//!   length, and (when laps carry heart rate) the fast ones harder — real laps rarely
//!   carry intensity (DOMAIN §9), and auto-laps by distance are not structure;
//! - **planned workout**: the file's `workout_step`s hold repeated work steps;
//! - **efforts**: the trace holds repeated efforts (see `trace.rs`).
//!
//! Thresholds in [`IntervalsRule`]; docs/history.md argues them.

use serde::{Deserialize, Serialize};

use super::LapFacts;
use super::trace::Effort;
use crate::model::{LapIntensity, PlannedWorkout, StepDuration};

/// When a run counts as intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntervalsRule {
    /// At least this many work blocks (laps, steps or efforts).
    pub min_work_blocks: usize,
    /// Work laps or steps shorter than this are strides, not work blocks, seconds.
    pub min_work_lap_s: f64,
    /// Lap shape: the fast laps' mean speed is at least (1 + this) × the slow laps'.
    pub lap_contrast: f64,
    /// Lap shape: repetitions last within this factor of their median length.
    pub rep_length_factor: f64,
    /// Lap shape: with heart rate on the laps, the fast ones average at least this much
    /// more than the slow ones between them, bpm.
    pub lap_hr_margin_bpm: f64,
    /// Efforts: at least this much work in all, seconds.
    pub min_effort_work_s: u32,
    /// Efforts: the longest of a chain at most this factor of the shortest.
    pub effort_length_factor: f64,
    /// Efforts: each start-to-start gap within this factor of the one before.
    pub effort_gap_factor: f64,
}

impl Default for IntervalsRule {
    fn default() -> Self {
        IntervalsRule {
            min_work_blocks: 3,
            min_work_lap_s: 30.0,
            lap_contrast: 0.2,
            rep_length_factor: 1.6,
            lap_hr_margin_bpm: 2.0,
            min_effort_work_s: 3 * 60,
            effort_length_factor: 1.6,
            effort_gap_factor: 1.75,
        }
    }
}

/// Work blocks separated by rest: maximal runs of work laps (active/interval, at least
/// `min_work_lap_s` long or of unknown length) counted when they are the first or a
/// rest/recovery lap lies between them and the previous block. Warm-up, cool-down,
/// unlabelled and short (strides) laps close a block without separating blocks, so an
/// auto-lapped run (every lap "active") is one block.
pub fn work_blocks(laps: &[LapFacts], min_work_lap_s: f64) -> usize {
    blocks_of(
        laps.iter()
            .map(|l| (l.intensity, l.timer_s.is_none_or(|t| t >= min_work_lap_s))),
    )
}

fn blocks_of(items: impl Iterator<Item = (Option<LapIntensity>, bool)>) -> usize {
    let mut blocks = 0usize;
    let mut in_block = false;
    let mut rest_since_block = false;
    for (intensity, long_enough) in items {
        match intensity {
            Some(LapIntensity::Active | LapIntensity::Interval) if long_enough => {
                if !in_block && (blocks == 0 || rest_since_block) {
                    blocks += 1;
                    rest_since_block = false;
                }
                in_block = true;
            }
            Some(LapIntensity::Rest | LapIntensity::Recovery) => {
                in_block = false;
                rest_since_block = true;
            }
            _ => in_block = false,
        }
    }
    blocks
}

/// Work blocks of a planned workout: its steps unrolled (repeat steps expanded, at
/// most 500 steps), then counted like laps ([`work_blocks`]); a step's length is its
/// time when it states one.
pub fn planned_blocks(workout: &PlannedWorkout, min_work_lap_s: f64) -> usize {
    const MAX_STEPS: usize = 500;
    let steps = &workout.steps;
    let mut flat: Vec<(Option<LapIntensity>, bool)> = Vec::new();
    let mut i = 0usize;
    // Repeats already done, per repeat step position.
    let mut done: Vec<u32> = vec![0; steps.len()];
    let mut guard = 0usize;
    while let Some(step) = steps.get(i) {
        guard += 1;
        if flat.len() >= MAX_STEPS || guard > 10 * MAX_STEPS {
            break;
        }
        match step.duration {
            StepDuration::Repeat { from_step, times } => {
                let count = done.get_mut(i);
                let back = steps.iter().position(|s| s.index == from_step);
                match (count, back) {
                    // `times` counts all passes: the first pass was the way here.
                    (Some(n), Some(back)) if back < i && *n + 1 < times => {
                        *n += 1;
                        i = back;
                        continue;
                    }
                    _ => {}
                }
            }
            StepDuration::Time { s } => flat.push((step.intensity, s >= min_work_lap_s)),
            StepDuration::Distance { .. } | StepDuration::Open => flat.push((step.intensity, true)),
        }
        i += 1;
    }
    blocks_of(flat.into_iter())
}

/// Laps slower than this are standing still, m/s.
const MIN_MOVING_LAP_MPS: f64 = 0.5;

/// One lap for the shape rule.
#[derive(Debug, Clone, Copy)]
struct ShapeLap {
    speed: f64,
    time_s: f64,
    hr: Option<f64>,
}

/// A block of consecutive fast or slow laps.
#[derive(Debug, Clone, Copy)]
struct Block {
    fast: bool,
    time_s: f64,
    /// Σ HR × time and the time with HR.
    hr_time: f64,
    hr_s: f64,
}

impl Block {
    fn hr(&self) -> Option<f64> {
        (self.hr_s > 0.0).then(|| self.hr_time / self.hr_s)
    }
}

/// Repetitions in the lap shape: laps (with time and distance, ≥ 10 s) split into fast
/// and slow at the speed that best separates them (Otsu's criterion, weighted by
/// time); the fast laps' mean speed must be ≥ (1 + `lap_contrast`) × the slow laps';
/// consecutive laps of one kind form a block; repetitions are the fast blocks within
/// `rep_length_factor` of the fast blocks' median length, at least `min_work_lap_s`
/// long. With heart rate on both the repetitions and the slow blocks, the repetitions
/// must average `lap_hr_margin_bpm` more (on a hilly course the slow uphill laps are the
/// hard ones). Laps slower than 0.5 m/s (standing with the timer running) are left
/// out. Auto-laps by distance (all laps but the last of one length) say nothing: their
/// speed follows the terrain and fatigue; the trace's efforts judge such runs.
pub fn lap_shape_reps(laps: &[LapFacts], rule: &IntervalsRule) -> usize {
    let shaped: Vec<ShapeLap> = laps
        .iter()
        .filter_map(|l| {
            let t = l.timer_s.filter(|t| t.is_finite() && *t >= 10.0)?;
            let d = l.distance_m.filter(|d| d.is_finite() && *d > 0.0)?;
            // Standing still with the timer running (a traffic light, a photo) is a
            // pause, not a recovery: such laps are left out.
            (d / t >= MIN_MOVING_LAP_MPS).then_some(())?;
            Some(ShapeLap {
                speed: d / t,
                time_s: t,
                hr: l.avg_hr_bpm.map(f64::from).filter(|h| *h > 0.0),
            })
        })
        .collect();
    if shaped.len() < 2 * rule.min_work_blocks - 1 || auto_laps(laps) {
        return 0;
    }
    let Some(split) = otsu(&shaped) else {
        return 0;
    };
    let mean = |fast: bool| {
        let (d, t) = shaped
            .iter()
            .filter(|l| (l.speed >= split) == fast)
            .fold((0.0, 0.0), |(d, t), l| {
                (d + l.speed * l.time_s, t + l.time_s)
            });
        (t > 0.0).then(|| d / t)
    };
    let (Some(fast), Some(slow)) = (mean(true), mean(false)) else {
        return 0;
    };
    if fast < (1.0 + rule.lap_contrast) * slow {
        return 0;
    }
    let mut blocks: Vec<Block> = Vec::new();
    for l in &shaped {
        let is_fast = l.speed >= split;
        let (hr_time, hr_s) = l.hr.map_or((0.0, 0.0), |h| (h * l.time_s, l.time_s));
        match blocks.last_mut() {
            Some(b) if b.fast == is_fast => {
                b.time_s += l.time_s;
                b.hr_time += hr_time;
                b.hr_s += hr_s;
            }
            _ => blocks.push(Block {
                fast: is_fast,
                time_s: l.time_s,
                hr_time,
                hr_s,
            }),
        }
    }
    let mut lengths: Vec<f64> = blocks.iter().filter(|b| b.fast).map(|b| b.time_s).collect();
    lengths.sort_by(f64::total_cmp);
    let Some(median) = lengths.get(lengths.len() / 2).copied() else {
        return 0;
    };
    let is_rep = |b: &Block| {
        b.fast
            && b.time_s >= rule.min_work_lap_s
            && b.time_s <= median * rule.rep_length_factor
            && b.time_s >= median / rule.rep_length_factor
    };
    let reps: Vec<usize> = (0..blocks.len())
        .filter(|&i| blocks.get(i).is_some_and(is_rep))
        .collect();
    // The slow blocks between the first and the last repetition.
    let (first, last) = (reps.first().copied(), reps.last().copied());
    let between: Vec<&Block> = match (first, last) {
        (Some(a), Some(b)) => blocks
            .get(a..=b)
            .unwrap_or_default()
            .iter()
            .filter(|b| !b.fast)
            .collect(),
        _ => Vec::new(),
    };
    let rep_hr = weighted_hr(reps.iter().filter_map(|&i| blocks.get(i)));
    let rest_hr = weighted_hr(between.into_iter());
    match (rep_hr, rest_hr) {
        (Some(work), Some(rest)) if work < rest + rule.lap_hr_margin_bpm => 0,
        _ => reps.len(),
    }
}

fn weighted_hr<'a>(blocks: impl Iterator<Item = &'a Block>) -> Option<f64> {
    let (sum, s) = blocks
        .filter_map(|b| b.hr().map(|h| (h * b.hr_s, b.hr_s)))
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    (s > 0.0).then(|| sum / s)
}

/// Whether the laps are auto-laps by distance: every lap but the last of one length
/// (within 1.5 %), at least three of them.
fn auto_laps(laps: &[LapFacts]) -> bool {
    let d: Vec<f64> = laps.iter().filter_map(|l| l.distance_m).collect();
    let Some((_, body)) = d.split_last() else {
        return false;
    };
    let Some(first) = body.first().copied() else {
        return false;
    };
    body.len() >= 3 && first > 0.0 && body.iter().all(|x| (x - first).abs() <= 0.015 * first)
}

/// The speed that splits `laps` into the two most distinct groups (Otsu 1979: the
/// largest between-group variance, weighted by time): the lower bound of the fast
/// group. `None` when all speeds are equal.
fn otsu(laps: &[ShapeLap]) -> Option<f64> {
    let mut sorted: Vec<ShapeLap> = laps.to_vec();
    sorted.sort_by(|a, b| a.speed.total_cmp(&b.speed));
    let total_w: f64 = sorted.iter().map(|l| l.time_s).sum();
    let total_m: f64 = sorted.iter().map(|l| l.speed * l.time_s).sum();
    let mut best: Option<(f64, f64)> = None;
    let (mut w0, mut m0) = (0.0, 0.0);
    for pair in sorted.windows(2) {
        let [a, b] = pair else { continue };
        w0 += a.time_s;
        m0 += a.speed * a.time_s;
        if b.speed <= a.speed {
            continue;
        }
        let w1 = total_w - w0;
        if w0 <= 0.0 || w1 <= 0.0 {
            continue;
        }
        let mu0 = m0 / w0;
        let mu1 = (total_m - m0) / w1;
        let between = w0 * w1 * (mu0 - mu1).powi(2);
        if best.is_none_or(|(v, _)| between > v) {
            best = Some((between, b.speed));
        }
    }
    best.map(|(_, split)| split)
}

/// Repeated efforts that make a workout: the longest chain of consecutive efforts of
/// similar length (longest ≤ `effort_length_factor` × shortest) at a regular rhythm
/// (each start-to-start gap within `effort_gap_factor` of the one before), with
/// `min_effort_work_s` of work in all. A fartlek or a hilly run has efforts too, but
/// neither their lengths nor their spacing repeat. Returns the chain's length when it
/// has at least `min_work_blocks` efforts, else 0.
pub fn effort_reps(efforts: &[Effort], rule: &IntervalsRule) -> usize {
    let mut best = 0usize;
    for from in 0..efforts.len() {
        let mut shortest = u32::MAX;
        let mut longest = 0u32;
        let mut work = 0u32;
        let mut prev_gap: Option<u32> = None;
        for (k, e) in efforts.iter().enumerate().skip(from) {
            let (lo, hi) = (shortest.min(e.len_s), longest.max(e.len_s));
            if f64::from(hi) > rule.effort_length_factor * f64::from(lo.max(1)) {
                break;
            }
            if k > from {
                let before = efforts.get(k - 1).map_or(0, |p| p.start_s);
                let gap = e.start_s.saturating_sub(before).max(1);
                if let Some(g) = prev_gap {
                    let ratio = f64::from(gap.max(g)) / f64::from(gap.min(g).max(1));
                    if ratio > rule.effort_gap_factor {
                        break;
                    }
                }
                prev_gap = Some(gap);
            }
            (shortest, longest) = (lo, hi);
            work += e.len_s;
            let reps = k - from + 1;
            if reps >= rule.min_work_blocks && work >= rule.min_effort_work_s {
                best = best.max(reps);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests;
