//! Scripted events on top of the steady run: pace surges, optical cadence lock, heart-rate
//! spikes, and the even-effort hill pacing. Each is a pure function of the spec and the
//! moving second, so a spec without them generates exactly what it did before they
//! existed (no extra draws from the main noise stream).

use super::{HillPacing, RunSpec, SplitMix64};

/// Seconds a surge takes to reach (and leave) its full speed factor.
const SURGE_RAMP_S: f64 = 5.0;
/// Heart-rate rise a surge aims at per unit of extra speed: ×1.3 → +15 bpm.
pub(super) const SURGE_HR_BPM_PER_FACTOR: f64 = 50.0;
/// Time constants of the heart-rate response to a surge (rise, recovery), seconds.
const SURGE_HR_RISE_TAU_S: f64 = 25.0;
const SURGE_HR_FALL_TAU_S: f64 = 40.0;
/// Cadence rises with a surge by this share of the extra speed (×1.3 → +4.5 %).
pub(super) const SURGE_CADENCE_SHARE: f64 = 0.15;
/// Seconds the sensor takes to jump onto the step rate, and to come off it.
const LOCK_RAMP_IN_S: f64 = 3.0;
const LOCK_RAMP_OUT_S: f64 = 4.0;
/// While locked the reading sits within this of the step rate, bpm.
pub(super) const LOCK_SCATTER_BPM: f64 = 2.0;
/// Height of a heart-rate spike above the true value: uniform in this range, bpm.
const SPIKE_MIN_BPM: f64 = 40.0;
const SPIKE_SPREAD_BPM: f64 = 30.0;
/// Seed salt of the spike placement stream (independent of the main noise stream).
const SPIKE_SALT: u64 = 0x5B1C_E5B1_C0FF_EE00;

/// A ramp weight in `[0, 1]` for second `t` of the span `[at, at + len)`: rises over
/// `ramp_in` seconds, falls over the last `ramp_out`, 0 outside.
fn span_weight(t: u32, at: u32, len: u32, ramp_in: f64, ramp_out: f64) -> f64 {
    let end = at.saturating_add(len);
    if t < at || t >= end {
        return 0.0;
    }
    let from_start = f64::from(t - at + 1) / ramp_in.max(1.0);
    let to_end = f64::from(end - t) / ramp_out.max(1.0);
    from_start.min(to_end).min(1.0)
}

/// Speed multiplier at moving second `t`: 1 outside every surge (exactly, so runs
/// without surges are unchanged), ramping to the surge's factor inside one.
pub(super) fn surge_factor(spec: &RunSpec, t: u32) -> f64 {
    spec.surges
        .iter()
        .map(|s| {
            1.0 + (s.speed_factor - 1.0)
                * span_weight(t, s.at_s, s.len_s, SURGE_RAMP_S, SURGE_RAMP_S)
        })
        .fold(1.0, |acc: f64, f| {
            if (f - 1.0).abs() > (acc - 1.0).abs() {
                f
            } else {
                acc
            }
        })
}

/// One step of the heart-rate response to surges: the extra bpm `current` moves toward
/// the target for speed multiplier `factor` (first order, faster up than down).
pub(super) fn surge_hr_step(current: f64, factor: f64) -> f64 {
    let target = SURGE_HR_BPM_PER_FACTOR * (factor - 1.0);
    let tau = if target > current {
        SURGE_HR_RISE_TAU_S
    } else {
        SURGE_HR_FALL_TAU_S
    };
    current + (target - current) * (1.0 - (-1.0 / tau).exp())
}

/// How far the reading at moving second `t` is pulled onto the step rate, `[0, 1]`.
pub(super) fn lock_weight(spec: &RunSpec, t: u32) -> f64 {
    spec.cadence_locks
        .iter()
        .map(|&(at, len)| span_weight(t, at, len, LOCK_RAMP_IN_S, LOCK_RAMP_OUT_S))
        .fold(0.0, f64::max)
}

/// Where the spikes go and how high: `(moving second, extra bpm)`, one per equal slot
/// of the run, placed in the middle half of its slot, from a stream seeded by the
/// spec's seed but separate from the main noise.
pub(super) fn spike_plan(spec: &RunSpec) -> Vec<(u32, f64)> {
    if spec.hr_spikes == 0 {
        return Vec::new();
    }
    let mut rng = SplitMix64::new(spec.seed ^ SPIKE_SALT);
    let slot = (spec.duration_s / spec.hr_spikes).max(1);
    (0..spec.hr_spikes)
        .map(|k| {
            let jitter = (rng.next_u64() % u64::from((slot / 2).max(1))) as u32;
            let at = k.saturating_mul(slot).saturating_add(slot / 4 + jitter);
            let height = SPIKE_MIN_BPM + SPIKE_SPREAD_BPM * rng.next_f64();
            (at.min(spec.duration_s), height)
        })
        .collect()
}

/// Equal-heart-rate pace factor on `grade` (Strava's 2017 GAP model, the cubic
/// `crate::metrics::gap` documents): how much faster a flat runner goes at the same
/// heart rate than on this grade.
pub(super) fn equal_hr_factor(grade: f64) -> f64 {
    easyrun::metrics::gap::gap_factor(grade)
}

/// Speed multiplier on `grade` and whether the climb shows in heart rate.
pub(super) fn hill_effect(pacing: HillPacing, grade: f64) -> (f64, bool) {
    match pacing {
        HillPacing::Linear => ((1.0 - 2.5 * grade).clamp(0.6, 1.3), true),
        HillPacing::EvenEffort => ((1.0 / equal_hr_factor(grade)).clamp(0.3, 2.0), false),
    }
}
