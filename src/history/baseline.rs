//! History, the runner's own baseline: the heart rate they usually need for a pace,
//! from their recent steady easy running, and whether a run needed clearly more
//! ("if you're forcing it, rest might be the better option", DOMAIN §1 and §11).
//!
//! Each run brings one point, its steady stretch's grade-adjusted speed and heart rate
//! ([`RunFacts::steady`], `metrics::steady`). For a run at index `i` of a time-ordered
//! history, its baseline is made of the points of the runs that
//!
//! - started in the [`BaselineConfig::window_days`] (42 days: 6 weeks) before it;
//! - history classed `easy` or `recovery` (steady easy running: no long run with its
//!   drift, no session);
//! - have a point.
//!
//! With at least [`BaselineConfig::min_runs`] of them, the usual heart rate at speed
//! `v` is the line `HR = a + b·v`:
//!
//! - `b`, beats per m/s: the runner's own Theil–Sen slope (the median of the pairwise
//!   slopes) when their baseline runs span [`BaselineConfig::own_slope_min_range_mps`]
//!   of speed over at least [`BaselineConfig::own_slope_min_runs`] runs, clamped to
//!   [`BaselineConfig::slope_bpm_per_mps`]; otherwise
//!   [`BaselineConfig::default_slope_bpm_per_mps`] (30: ACSM's running equation gives
//!   12 ml·kg⁻¹·min⁻¹ of VO₂ per m/s, and %HRR ≈ %VO₂R, Swain & Leutholtz 1997: about
//!   12 × 135 / 50 ≈ 32 bpm per m/s for a heart-rate reserve of 135 bpm and a VO₂
//!   reserve of 50);
//! - `a`: the median of `HR_j − b·v_j` (robust to one odd day);
//! - the runner's day-to-day spread `σ`: 1.4826 × the median absolute residual (a
//!   robust standard deviation), at least [`BaselineConfig::min_spread_bpm`].
//!
//! The run is compared only when its speed lies within
//! [`BaselineConfig::pace_reach_mps`] of the baseline's slowest and fastest runs (no
//! extrapolation). Its excess is `HR − (a + b·v)`; it is **elevated** when the excess
//! reaches `spread_factor·σ + margin_bpm` (2σ + 3 bpm: beyond 95 % of the runner's own
//! days, plus the 3 bpm Buchheit 2014 names as a meaningful change of exercise HR).

use serde::Serialize;

use super::{Class, Placement, RunFacts};
use crate::metrics::steady::SteadyHr;

/// How the baseline is made and when a run is elevated; defaults in docs/metrics.md.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineConfig {
    /// Days before a run whose runs make its baseline.
    pub window_days: f64,
    /// Baseline runs needed before any comparison.
    pub min_runs: usize,
    /// bpm added to the spread term.
    pub margin_bpm: f64,
    /// Multiples of the day-to-day spread a run must exceed.
    pub spread_factor: f64,
    /// Floor of the day-to-day spread, bpm (a few near-identical days are no proof
    /// that 4 bpm is unusual).
    pub min_spread_bpm: f64,
    /// How far outside the baseline's range of speeds a run may be, m/s.
    pub pace_reach_mps: f64,
    /// The HR–speed slope used when the runner's own cannot be fitted, bpm per m/s.
    pub default_slope_bpm_per_mps: f64,
    /// Runs needed to fit the runner's own slope.
    pub own_slope_min_runs: usize,
    /// Range of speeds (fastest − slowest) needed to fit it, m/s.
    pub own_slope_min_range_mps: f64,
    /// Bounds of a fitted slope, bpm per m/s.
    pub slope_bpm_per_mps: (f64, f64),
}

impl Default for BaselineConfig {
    fn default() -> Self {
        BaselineConfig {
            window_days: 42.0,
            min_runs: 5,
            margin_bpm: 3.0,
            spread_factor: 2.0,
            min_spread_bpm: 2.0,
            pace_reach_mps: 0.2,
            default_slope_bpm_per_mps: 30.0,
            own_slope_min_runs: 8,
            own_slope_min_range_mps: 0.4,
            slope_bpm_per_mps: (10.0, 60.0),
        }
    }
}

/// What the baseline says about one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BaselineCheck {
    /// The run has no steady stretch to compare (too short after the warm-up, no HR,
    /// not steady or flat enough).
    NoSteadyStretch,
    /// Too few baseline runs in the window.
    TooFewRuns {
        /// Baseline runs found.
        runs: usize,
        /// Baseline runs needed.
        needed: usize,
        /// The run's point.
        run: SteadyHr,
    },
    /// The run's pace lies outside the baseline's paces.
    PaceOutside {
        /// Baseline runs.
        runs: usize,
        /// The run's point.
        run: SteadyHr,
        /// The baseline's slowest and fastest steady speeds, m/s.
        slowest_mps: f64,
        fastest_mps: f64,
    },
    /// Compared with the usual heart rate at its pace.
    Compared(Comparison),
}

/// A run compared with the usual heart rate at its pace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The run's point.
    pub run: SteadyHr,
    /// Baseline runs.
    pub runs: usize,
    /// The usual heart rate at the run's grade-adjusted speed, bpm.
    pub usual_hr_bpm: f64,
    /// The run's heart rate minus the usual, bpm.
    pub excess_bpm: f64,
    /// The excess from which a run is elevated, bpm.
    pub threshold_bpm: f64,
    /// The runner's day-to-day spread (robust SD of the baseline's residuals), bpm.
    pub spread_bpm: f64,
    /// The HR–speed slope used, bpm per m/s.
    pub slope_bpm_per_mps: f64,
    /// Whether the slope is the runner's own fit (else the default).
    pub own_slope: bool,
    /// Excess at or above the threshold.
    pub elevated: bool,
}

impl BaselineCheck {
    /// The comparison, when one was made and found the run elevated.
    pub fn elevated(&self) -> Option<&Comparison> {
        match self {
            BaselineCheck::Compared(c) if c.elevated => Some(c),
            _ => None,
        }
    }
}

/// The baseline check of every running activity of `facts` (sorted by start time, with
/// `placements` from [`super::classify()`]); `None` for activities that are no runs
/// (class `other`).
pub fn compare_all(
    facts: &[RunFacts],
    placements: &[Placement],
    config: &BaselineConfig,
) -> Vec<Option<BaselineCheck>> {
    // The runs before each one, found by start time in a sorted index rather than by
    // a pass over the whole history per run (quadratic: 9 M steps for 3 000 activities).
    let window_ms = window_ms(config);
    let mut by_start: Vec<(i64, usize)> = facts
        .iter()
        .enumerate()
        .map(|(j, f)| (f.start_time.unix_ms(), j))
        .collect();
    by_start.sort_unstable();
    let mut earlier = Vec::new();
    (0..facts.len())
        .map(|i| {
            earlier.clear();
            if let Some(this) = facts.get(i) {
                let start = this.start_time.unix_ms();
                let from = by_start.partition_point(|(t, _)| *t < start.saturating_sub(window_ms));
                let to = by_start.partition_point(|(t, _)| *t < start);
                earlier.extend(
                    by_start
                        .get(from..to)
                        .into_iter()
                        .flatten()
                        .map(|(_, j)| *j)
                        .filter(|j| *j != i),
                );
                // In the history's order, as the linear pass finds them.
                earlier.sort_unstable();
            }
            check(facts, placements, i, config, &earlier)
        })
        .collect()
}

fn window_ms(config: &BaselineConfig) -> i64 {
    (config.window_days * 86_400_000.0) as i64
}

/// The baseline check of the activity at `index` (see [`compare_all`]).
pub fn compare(
    facts: &[RunFacts],
    placements: &[Placement],
    index: usize,
    config: &BaselineConfig,
) -> Option<BaselineCheck> {
    let this = facts.get(index)?;
    let window_ms = window_ms(config);
    let start = this.start_time.unix_ms();
    let earlier: Vec<usize> = facts
        .iter()
        .enumerate()
        .filter(|(j, f)| {
            let t = f.start_time.unix_ms();
            *j != index && t < start && start.saturating_sub(t) <= window_ms
        })
        .map(|(j, _)| j)
        .collect();
    check(facts, placements, index, config, &earlier)
}

/// The check of the activity at `index` against the activities at `earlier` (in the
/// history's order): those that started before it, within the window.
fn check(
    facts: &[RunFacts],
    placements: &[Placement],
    index: usize,
    config: &BaselineConfig,
    earlier: &[usize],
) -> Option<BaselineCheck> {
    let this = facts.get(index)?;
    // A run as history sees it (its sport recorded, labelled or inferred), dated (a
    // start that cannot be true relates it to no other run).
    if placements
        .get(index)
        .is_none_or(|p| p.class == Class::Other || p.implausible_start.is_some())
    {
        return None;
    }
    let Some(run) = this.steady else {
        return Some(BaselineCheck::NoSteadyStretch);
    };
    let points: Vec<(f64, f64)> = earlier
        .iter()
        .filter_map(|&j| Some((facts.get(j)?, placements.get(j)?)))
        .filter(|(_, p)| matches!(p.class, Class::Easy | Class::Recovery))
        .filter(|(_, p)| p.implausible_start.is_none())
        .filter_map(|(f, _)| f.steady)
        .map(|s| (s.gap_speed_mps, s.hr_bpm))
        .collect();
    let runs = points.len();
    if runs < config.min_runs {
        return Some(BaselineCheck::TooFewRuns {
            runs,
            needed: config.min_runs,
            run,
        });
    }
    let speeds = points.iter().map(|p| p.0);
    let slowest_mps = speeds.clone().fold(f64::INFINITY, f64::min);
    let fastest_mps = speeds.fold(f64::NEG_INFINITY, f64::max);
    let v = run.gap_speed_mps;
    if v < slowest_mps - config.pace_reach_mps || v > fastest_mps + config.pace_reach_mps {
        return Some(BaselineCheck::PaceOutside {
            runs,
            run,
            slowest_mps,
            fastest_mps,
        });
    }
    let own = runs >= config.own_slope_min_runs
        && fastest_mps - slowest_mps >= config.own_slope_min_range_mps;
    let fitted = own.then(|| theil_sen_slope(&points)).flatten();
    let (lo, hi) = config.slope_bpm_per_mps;
    let slope = fitted.map_or(config.default_slope_bpm_per_mps, |b| b.clamp(lo, hi));
    let intercepts: Vec<f64> = points.iter().map(|(pv, ph)| ph - slope * pv).collect();
    let a = median(intercepts.clone())?;
    let residuals: Vec<f64> = intercepts.iter().map(|c| (c - a).abs()).collect();
    let spread_bpm = (1.4826 * median(residuals)?).max(config.min_spread_bpm);
    let usual_hr_bpm = a + slope * v;
    let excess_bpm = run.hr_bpm - usual_hr_bpm;
    let threshold_bpm = config.spread_factor * spread_bpm + config.margin_bpm;
    Some(BaselineCheck::Compared(Comparison {
        run,
        runs,
        usual_hr_bpm,
        excess_bpm,
        threshold_bpm,
        spread_bpm,
        slope_bpm_per_mps: slope,
        own_slope: fitted.is_some(),
        elevated: excess_bpm >= threshold_bpm,
    }))
}

/// Pairs of points whose speeds differ by less than this say nothing of the slope, m/s.
const MIN_PAIR_SPEED_GAP_MPS: f64 = 0.05;

/// The median of the slopes of all pairs of points far enough apart in speed.
fn theil_sen_slope(points: &[(f64, f64)]) -> Option<f64> {
    let mut slopes = Vec::new();
    for (k, (v1, h1)) in points.iter().enumerate() {
        for (v2, h2) in points.iter().skip(k + 1) {
            if (v2 - v1).abs() >= MIN_PAIR_SPEED_GAP_MPS {
                slopes.push((h2 - h1) / (v2 - v1));
            }
        }
    }
    median(slopes)
}

/// The median (mean of the middle two for an even count); `None` when empty.
fn median(mut values: Vec<f64>) -> Option<f64> {
    // The elements a full sort (by `total_cmp`) would put in the middle, found by
    // selection: linear, not n log n (Theil–Sen's slopes are quadratic in the runs).
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (below, mid, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    let mid = *mid;
    if n % 2 == 1 {
        Some(mid)
    } else {
        let lower = below.iter().copied().max_by(f64::total_cmp)?;
        Some((lower + mid) / 2.0)
    }
}

#[cfg(test)]
mod tests;
