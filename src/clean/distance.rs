//! The device's distance stream on the grid, made trustworthy before anything sums it.
//!
//! A cumulative distance only grows. Real files break that three ways, and each broke
//! the moving distance (the sum of positive steps between seconds) on the corpus:
//!
//! - **noise and interleaving**: values that step back and forth (a Wahoo example file's
//!   odometer jitters ±15 m every few seconds: summing only the forward steps read
//!   1 220 km for a 20 km ride; an Edge 1030 file interleaves two streams 60 m apart:
//!   41 km for 15 km). A value below the last accepted one is held at it;
//! - **spikes**: a value far ahead of anything reachable since the last one that the
//!   next value does not confirm is held too (a jump the next value confirms is real
//!   distance covered during a GPS or sensor gap);
//! - **resets**: the odometer restarts from near zero (a new session in a chained file):
//!   a drop of more than [`RESET_MIN_DROP_M`] to under half the value, that the next
//!   [`RESET_CONFIRM`] values stay under, continues the total from where it was instead
//!   of holding it forever. (A noisy odometer's dips are not resets: they land near the
//!   trend, and a running maximum of noise is off by the noise, never by its sum.)
//!
//! When the repaired stream still disagrees with the device's own speed by more than
//! [`SPEED_DISAGREEMENT`]× over the whole activity, the odometer is beyond repair (the
//! Wahoo example's runs back and forth by kilometres) and the distance is rebuilt as the
//! integral of the speed.
//!
//! And the speed stream is checked against the distance: a device speed of 0 while its
//! own distance advances at running pace (a Forerunner 410 TCX with `<Speed>0.0` for
//! its first 279 points) is replaced by the distance's speed, so moving time and pace
//! come from the stream that moved.

use crate::model::Second;

/// Fastest plausible distance step, m/s (any sport with a speed sensor stays under).
pub const MAX_STEP_MPS: f64 = 50.0;

/// Slack on a distance step, m (odometer rounding, GPS smoothing).
const STEP_SLACK_M: f64 = 50.0;

/// A drop larger than this (m) may be an odometer reset.
pub const RESET_MIN_DROP_M: f64 = 100.0;

/// Known values after a drop that must stay under the old value for it to be a reset.
pub const RESET_CONFIRM: usize = 5;

/// A device speed at or below this (m/s) reads "not moving".
pub const STUCK_SPEED_MPS: f32 = 0.05;

/// The distance's own speed from which a stuck speed is replaced, m/s (a brisk walk:
/// twice the stopped threshold of clean::pauses).
pub const MOVING_BY_DISTANCE_MPS: f64 = 1.0;

/// A repaired odometer more than this factor away from the speed's integral is replaced
/// by that integral.
pub const SPEED_DISAGREEMENT: f64 = 1.5;

/// What the distance repair did, in grid seconds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DistanceRepair {
    /// Values held at the last accepted one (stepped back, or an unconfirmed spike).
    pub held_s: u32,
    /// Odometer resets continued from the running total.
    pub resets: u32,
    /// Seconds whose device speed read 0 while the distance advanced.
    pub speed_from_distance_s: u32,
    /// The odometer was beyond repair: distance rebuilt from the speed.
    pub from_speed: bool,
}

/// Makes the grid's distance non-decreasing (module docs); returns what it changed.
pub fn monotone(seconds: &mut [Second]) -> DistanceRepair {
    let mut out = DistanceRepair::default();
    let known: Vec<(usize, u32, f64)> = seconds
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.distance_m.map(|d| (i, s.t_s, d)))
        .collect();
    // (raw value, its second) last accepted, and what is added to raw values.
    let mut last: Option<(f64, u32)> = None;
    let mut offset = 0.0;
    for (k, &(i, t, d)) in known.iter().enumerate() {
        let later = || known.iter().skip(k + 1).map(|&(_, _, v)| v);
        let value = match last {
            None => {
                last = Some((d, t));
                d
            }
            Some((l, lt)) if d >= l => {
                let reach = MAX_STEP_MPS * f64::from(t.saturating_sub(lt)) + STEP_SLACK_M;
                let confirmed = later().next().is_none_or(|next| next >= d - 1.0);
                if d - l <= reach || confirmed {
                    last = Some((d, t));
                    d
                } else {
                    out.held_s += 1;
                    l
                }
            }
            Some((l, _)) => {
                let reset = l - d > RESET_MIN_DROP_M
                    && d < 0.5 * l
                    && later().count() >= RESET_CONFIRM
                    && later()
                        .take(RESET_CONFIRM)
                        .all(|v| v < l - RESET_MIN_DROP_M);
                if reset {
                    offset += l - d;
                    out.resets += 1;
                    last = Some((d, t));
                    d
                } else {
                    out.held_s += 1;
                    l
                }
            }
        };
        if let Some(s) = seconds.get_mut(i) {
            s.distance_m = Some(value + offset);
        }
    }
    out
}

/// After [`monotone`] had to repair: when the device speed covers most seconds and its
/// integral disagrees with the repaired distance by more than [`SPEED_DISAGREEMENT`]×,
/// the distance becomes that integral (a hole adds nothing). Returns whether it did.
pub fn rebuild_from_speed(seconds: &mut [Second], repair: &DistanceRepair) -> bool {
    if repair.held_s == 0 && repair.resets == 0 {
        return false;
    }
    let with_speed = seconds.iter().filter(|s| s.speed_mps.is_some()).count();
    if seconds.is_empty() || (with_speed as f64) < 0.8 * seconds.len() as f64 {
        return false;
    }
    let integral = |seconds: &[Second]| -> Vec<f64> {
        let mut total = 0.0;
        let mut out = Vec::with_capacity(seconds.len());
        let mut prev: Option<&Second> = None;
        for s in seconds {
            if let Some(p) = prev
                && s.t_s == p.t_s + 1
            {
                total += f64::from(p.speed_mps.unwrap_or(0.0).max(0.0));
            }
            out.push(total);
            prev = Some(s);
        }
        out
    };
    let by_speed = integral(seconds);
    let speed_total = by_speed.last().copied().unwrap_or(0.0);
    let first = seconds.iter().find_map(|s| s.distance_m).unwrap_or(0.0);
    let odometer = seconds
        .iter()
        .rev()
        .find_map(|s| s.distance_m)
        .unwrap_or(0.0)
        - first;
    let agree = speed_total < 100.0
        || (odometer <= SPEED_DISAGREEMENT * speed_total
            && speed_total <= SPEED_DISAGREEMENT * odometer);
    if agree {
        return false;
    }
    for (s, d) in seconds.iter_mut().zip(by_speed) {
        s.distance_m = Some(first + d);
    }
    true
}

/// Replaces a device speed stuck at 0 by the distance's 5-s central difference where
/// that shows movement (≥ [`MOVING_BY_DISTANCE_MPS`]); returns how many seconds.
pub fn unstick_speed(seconds: &mut [Second]) -> u32 {
    const HALF: usize = 2;
    let n = seconds.len();
    let mut replaced = 0;
    // In place: second i's result reads its own speed and its neighbours' times and
    // distances, never a speed written before it.
    for i in 0..n {
        let by_distance = (|| {
            let here = seconds.get(i)?;
            if here.speed_mps.is_none_or(|v| v > STUCK_SPEED_MPS) {
                return None;
            }
            let lo = seconds.get(i.saturating_sub(HALF))?;
            let hi = seconds.get((i + HALF).min(n.saturating_sub(1)))?;
            let dt = hi.t_s.checked_sub(lo.t_s)?;
            if dt == 0 || dt as usize > 2 * HALF {
                return None;
            }
            let v = (hi.distance_m? - lo.distance_m?) / f64::from(dt);
            (v >= MOVING_BY_DISTANCE_MPS).then_some(v as f32)
        })();
        if let (Some(v), Some(s)) = (by_distance, seconds.get_mut(i)) {
            s.speed_mps = Some(v);
            replaced += 1;
        }
    }
    replaced
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
pub(crate) mod tests {
    use super::*;

    /// The code [`unstick_speed`] replaced (at 0c50f8a), to test it against.
    mod reference {
        use super::super::*;

        pub(super) fn unstick_speed(seconds: &mut [Second]) -> u32 {
            const HALF: usize = 2;
            let n = seconds.len();
            let by_distance: Vec<Option<f32>> = (0..n)
                .map(|i| {
                    let here = seconds.get(i)?;
                    if here.speed_mps.is_none_or(|v| v > STUCK_SPEED_MPS) {
                        return None;
                    }
                    let lo = seconds.get(i.saturating_sub(HALF))?;
                    let hi = seconds.get((i + HALF).min(n.saturating_sub(1)))?;
                    let dt = hi.t_s.checked_sub(lo.t_s)?;
                    if dt == 0 || dt as usize > 2 * HALF {
                        return None;
                    }
                    let v = (hi.distance_m? - lo.distance_m?) / f64::from(dt);
                    (v >= MOVING_BY_DISTANCE_MPS).then_some(v as f32)
                })
                .collect();
            let mut replaced = 0;
            for (s, v) in seconds.iter_mut().zip(by_distance) {
                if let Some(v) = v {
                    s.speed_mps = Some(v);
                    replaced += 1;
                }
            }
            replaced
        }
    }

    /// Series with holes in time, missing and stuck speeds and missing distances (also
    /// for the grid's tests).
    pub(crate) fn random_speeds(seed: u64, n: usize) -> Vec<Second> {
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(seed);
        let (mut t, mut d) = (0u32, 0.0f64);
        (0..n)
            .map(|_| {
                t += if rng.next_u64().is_multiple_of(20) {
                    1 + (rng.next_u64() % 4) as u32
                } else {
                    1
                };
                d += 4.0 * rng.next_f64();
                Second {
                    t_s: t,
                    speed_mps: match rng.next_u64() % 5 {
                        0 => None,
                        1 => Some(0.0),
                        2 => Some(0.05),
                        _ => Some(3.0 * rng.next_f64() as f32),
                    },
                    distance_m: (!rng.next_u64().is_multiple_of(10)).then_some(d),
                    ..Second::default()
                }
            })
            .collect()
    }

    #[test]
    fn speed_is_unstuck_as_by_the_code_it_replaced() {
        let mut replaced = 0;
        for (seed, n) in [(1u64, 0usize), (2, 1), (3, 2), (4, 5), (5, 3000)] {
            let base = random_speeds(seed, n);
            let (mut a, mut b) = (base.clone(), base);
            let got = unstick_speed(&mut a);
            assert_eq!(got, reference::unstick_speed(&mut b), "seed {seed}");
            let speeds = |s: &[Second]| {
                s.iter()
                    .map(|x| x.speed_mps.map(f32::to_bits))
                    .collect::<Vec<_>>()
            };
            assert_eq!(speeds(&a), speeds(&b), "seed {seed}");
            replaced += got;
        }
        assert!(replaced > 100, "{replaced}");
    }

    fn grid(d: &[f64]) -> Vec<Second> {
        d.iter()
            .enumerate()
            .map(|(t, &v)| Second {
                t_s: t as u32,
                distance_m: Some(v),
                ..Second::default()
            })
            .collect()
    }

    fn dist(s: &[Second]) -> Vec<f64> {
        s.iter().map(|s| s.distance_m.unwrap_or(f64::NAN)).collect()
    }

    #[test]
    fn a_jittering_odometer_is_held_not_summed() {
        let mut s = grid(&[8.0, 16.0, 23.0, 31.0, 25.0, 40.0, 33.0, 46.0]);
        let r = monotone(&mut s);
        assert_eq!(
            dist(&s),
            vec![8.0, 16.0, 23.0, 31.0, 31.0, 40.0, 40.0, 46.0]
        );
        assert_eq!(r.held_s, 2);
    }

    #[test]
    fn an_unconfirmed_spike_is_held_and_a_confirmed_jump_kept() {
        let mut s = grid(&[0.0, 3.0, 5000.0, 9.0, 12.0]);
        monotone(&mut s);
        assert_eq!(dist(&s), vec![0.0, 3.0, 3.0, 9.0, 12.0]);
        // A GPS gap: the next values go on from the jump.
        let mut s = grid(&[0.0, 3.0, 900.0, 903.0, 906.0]);
        monotone(&mut s);
        assert_eq!(dist(&s), vec![0.0, 3.0, 900.0, 903.0, 906.0]);
    }

    #[test]
    fn a_reset_continues_the_total_and_a_lone_zero_does_not() {
        let mut d: Vec<f64> = (0..10).map(|i| 1000.0 + 3.0 * f64::from(i)).collect();
        d.extend((0..10).map(|i| 3.0 * f64::from(i)));
        let mut s = grid(&d);
        let r = monotone(&mut s);
        assert_eq!(r.resets, 1);
        assert_eq!(s[19].distance_m, Some(1027.0 + 27.0));
        let mut s = grid(&[500.0, 503.0, 0.0, 509.0, 512.0, 515.0, 518.0, 521.0, 524.0]);
        let r = monotone(&mut s);
        assert_eq!(r.resets, 0);
        assert_eq!(s[2].distance_m, Some(503.0));
        assert_eq!(s[8].distance_m, Some(524.0));
    }

    #[test]
    fn an_odometer_beyond_repair_gives_way_to_the_speed() {
        // The odometer sinks to 30 % for 50 s of every 100 and comes back: each sink
        // looks like a reset, and the repaired stream would read twice the ride.
        let d: Vec<f64> = (0..400)
            .map(|k| {
                let trend = 8.0 * f64::from(k);
                if k % 100 >= 50 { trend * 0.3 } else { trend }
            })
            .collect();
        let mut s = grid(&d);
        for x in &mut s {
            x.speed_mps = Some(8.0);
        }
        let r = monotone(&mut s);
        assert!(rebuild_from_speed(&mut s, &r));
        assert_eq!(s[399].distance_m, Some(399.0 * 8.0));
        // A clean odometer is never replaced.
        let mut s = grid(&(0..100).map(|t| 3.0 * f64::from(t)).collect::<Vec<_>>());
        let r = monotone(&mut s);
        assert!(!rebuild_from_speed(&mut s, &r));
    }

    #[test]
    fn a_speed_stuck_at_zero_follows_the_distance() {
        let mut s = grid(&(0..20).map(|t| 3.0 * f64::from(t)).collect::<Vec<_>>());
        for x in &mut s {
            x.speed_mps = Some(0.0);
        }
        // A real stop: the distance stands still, the zero stays.
        for x in s.iter_mut().skip(10) {
            x.distance_m = Some(30.0);
        }
        let n = unstick_speed(&mut s);
        assert_eq!(s[5].speed_mps, Some(3.0));
        assert_eq!(s[15].speed_mps, Some(0.0));
        assert_eq!(n, 11, "to the stop, whose window still sees the last steps");
    }
}
