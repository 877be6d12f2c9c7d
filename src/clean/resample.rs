//! Samples → a 1 Hz grid with holes. Short gaps (smart recording, brief dropouts) are
//! bridged by linear interpolation; longer gaps stay holes (pauses, clock jumps), so a
//! 20-day clock jump costs nothing. Samples whose time goes backwards are dropped and
//! counted. Distance and speed are derived from positions when the device gave none.

use crate::model::{Position, Sample, Second, Timestamp};

use super::distance::{self, DistanceRepair};
use super::gps_distance::{self, GpsSmoothing};

/// Longest gap, in seconds, bridged by interpolation. Garmin "smart recording" writes a
/// sample every 1–8 s while moving steadily; longer gaps are pauses or dropouts.
pub const MAX_FILL_S: u32 = 10;

/// The grid and what was dropped to build it.
pub struct Grid {
    pub t0: Timestamp,
    pub seconds: Vec<Second>,
    pub non_monotonic_samples: usize,
    /// Of those, samples strictly earlier than the last kept one (the clock ran back).
    pub backwards_samples: usize,
    /// Recording time the backwards samples covered, seconds (per run of consecutive
    /// dropped samples: last minus first time, plus one).
    pub backwards_dropped_s: u32,
    /// What the device distance stream needed (clean::distance).
    pub distance: DistanceRepair,
    /// How distance was derived from positions, when the device gave none.
    pub gps: Option<GpsSmoothing>,
}

/// The grid second of a sample `ms` milliseconds after the first: the nearest whole
/// second, halves away from zero (as `f64::round` of `ms / 1000`), `None` outside the
/// grid's `u32` range. In integers: `f64::round` is a library call on the baseline
/// x86-64 target (no SSE4.1), once per sample. The two agree for every `ms` below
/// 2^52: their quotients lie below 2^42 s, where a double is within half an ulp
/// (< 0.0005 s) of the exact quotient, so a remainder of 499 ms never rounds up, 501 ms
/// always does, and 500 ms (a half) is exact.
fn grid_second(ms: i64) -> Option<u32> {
    if ms < 0 {
        // Before the first sample: off the grid whichever way it rounds (-0.4 s
        // rounds to 0 as a float, but `kept` is in time order, so never here).
        let t = (ms as f64 / 1000.0).round();
        return (t == 0.0).then_some(0);
    }
    let (whole, rest) = (ms / 1000, ms % 1000);
    u32::try_from(whole + i64::from(rest >= 500)).ok()
}

fn lerp(a: Option<f64>, b: Option<f64>, f: f64) -> Option<f64> {
    Some(a? + (b? - a?) * f)
}

fn second_of(s: &Sample, t_s: u32) -> Second {
    Second {
        t_s,
        moving: true,
        hr_raw_bpm: s.hr_bpm.map(f32::from),
        speed_mps: s.speed_mps.map(|v| v as f32),
        distance_m: s.distance_m,
        altitude_m: s.altitude_m.map(|v| v as f32),
        cadence_spm: s.cadence_spm.map(|v| v as f32),
        position: s.position,
        ..Second::default()
    }
}

/// Builds the grid from samples in file order.
pub fn to_grid(samples: &[Sample]) -> Grid {
    let mut kept: Vec<&Sample> = Vec::with_capacity(samples.len());
    let mut non_monotonic = 0;
    let mut backwards = 0;
    let mut backwards_ms: i64 = 0;
    let mut run: Option<(i64, i64)> = None;
    for s in samples {
        match kept.last() {
            Some(last) if s.time <= last.time => {
                non_monotonic += 1;
                if s.time < last.time {
                    backwards += 1;
                    run = Some(match run {
                        Some((lo, hi)) => (lo.min(s.time.0), hi.max(s.time.0)),
                        None => (s.time.0, s.time.0),
                    });
                }
            }
            _ => {
                if let Some((lo, hi)) = run.take() {
                    backwards_ms += hi - lo + 1000;
                }
                kept.push(s);
            }
        }
    }
    if let Some((lo, hi)) = run {
        backwards_ms += hi - lo + 1000;
    }
    let t0 = kept.first().map(|s| s.time).unwrap_or_default();
    let mut seconds: Vec<Second> = Vec::with_capacity(kept.len());
    let mut prev: Option<(&Sample, u32)> = None;
    for s in kept {
        let Some(t) = grid_second(s.time.0 - t0.0) else {
            continue;
        };
        if let Some((p, pt)) = prev {
            if t == pt {
                // Two samples in one second (sub-second recording): the later wins.
                if let Some(last) = seconds.last_mut() {
                    *last = second_of(s, t);
                }
                prev = Some((s, t));
                continue;
            }
            let gap = t - pt;
            if gap > 1 && gap <= MAX_FILL_S {
                for k in 1..gap {
                    let f = f64::from(k) / f64::from(gap);
                    let position = match (p.position, s.position) {
                        (Some(a), Some(b)) => Some(Position {
                            lat_deg: a.lat_deg + (b.lat_deg - a.lat_deg) * f,
                            lon_deg: a.lon_deg + (b.lon_deg - a.lon_deg) * f,
                        }),
                        _ => None,
                    };
                    seconds.push(Second {
                        t_s: pt + k,
                        moving: true,
                        hr_raw_bpm: lerp(p.hr_bpm.map(f64::from), s.hr_bpm.map(f64::from), f)
                            .map(|v| v as f32),
                        speed_mps: lerp(p.speed_mps, s.speed_mps, f).map(|v| v as f32),
                        distance_m: lerp(p.distance_m, s.distance_m, f),
                        altitude_m: lerp(p.altitude_m, s.altitude_m, f).map(|v| v as f32),
                        cadence_spm: lerp(p.cadence_spm, s.cadence_spm, f).map(|v| v as f32),
                        position,
                        ..Second::default()
                    });
                }
            }
        }
        seconds.push(second_of(s, t));
        prev = Some((s, t));
    }
    fill_sparse(&mut seconds);
    let mut repair = DistanceRepair::default();
    if seconds.iter().any(|s| s.distance_m.is_some()) {
        repair = distance::monotone(&mut seconds);
        repair.from_speed = distance::rebuild_from_speed(&mut seconds, &repair);
        repair.speed_from_distance_s = distance::unstick_speed(&mut seconds);
    }
    let gps = derive_distance(&mut seconds);
    derive_speed(&mut seconds);
    Grid {
        t0,
        seconds,
        non_monotonic_samples: non_monotonic,
        backwards_samples: backwards,
        backwards_dropped_s: u32::try_from(backwards_ms / 1000).unwrap_or(u32::MAX),
        distance: repair,
        gps,
    }
}

/// Devices that log GPS less often than other sensors (Suunto: position and distance
/// every ~4 s, speed and HR every second) leave holes in some fields on an otherwise
/// 1 Hz grid. Runs of at most [`MAX_FILL_S`] missing values between two known ones are
/// filled linearly, for distance, altitude and position.
fn fill_sparse(seconds: &mut [Second]) {
    let lerp_f64 = |a: f64, b: f64, f: f64| a + (b - a) * f;
    fill_field(
        seconds,
        |s| s.distance_m,
        |s, v| s.distance_m = Some(v),
        lerp_f64,
    );
    fill_field(
        seconds,
        |s| s.altitude_m,
        |s, v| s.altitude_m = Some(v),
        |a, b, f| a + (b - a) * f as f32,
    );
    fill_field(
        seconds,
        |s| s.position,
        |s, v| s.position = Some(v),
        |a, b, f| Position {
            lat_deg: lerp_f64(a.lat_deg, b.lat_deg, f),
            lon_deg: lerp_f64(a.lon_deg, b.lon_deg, f),
        },
    );
}

fn fill_field<T: Copy>(
    seconds: &mut [Second],
    get: impl Fn(&Second) -> Option<T>,
    set: impl Fn(&mut Second, T),
    lerp: impl Fn(T, T, f64) -> T,
) {
    let mut last: Option<(usize, u32, T)> = None;
    for i in 0..seconds.len() {
        let Some(here) = seconds.get(i) else { break };
        let Some(v) = get(here) else { continue };
        let t = here.t_s;
        if let Some((j, tj, vj)) = last {
            let gap = t - tj;
            if i > j + 1 && gap <= MAX_FILL_S {
                for k in j + 1..i {
                    if let Some(s) = seconds.get_mut(k) {
                        let f = f64::from(s.t_s - tj) / f64::from(gap);
                        set(s, lerp(vj, v, f));
                    }
                }
            }
        }
        last = Some((i, t, v));
    }
}

/// When no second carries a device distance, derives it from the positions
/// ([`super::gps_distance`]: smoothed as the track's noise needs).
fn derive_distance(seconds: &mut [Second]) -> Option<GpsSmoothing> {
    if seconds.iter().any(|s| s.distance_m.is_some()) {
        return None;
    }
    if !seconds.iter().any(|s| s.position.is_some()) {
        return None;
    }
    Some(gps_distance::derive(seconds))
}

/// Fills missing speed from the distance change over ±2 s (a 5 s central difference,
/// which damps GPS jitter), within contiguous stretches of the grid.
fn derive_speed(seconds: &mut [Second]) {
    const HALF: usize = 2;
    let n = seconds.len();
    // In place: second i's result reads its own speed and its neighbours' times and
    // distances, never a speed written before it.
    for i in 0..n {
        let derived = (|| {
            let here = seconds.get(i)?;
            if here.speed_mps.is_some() {
                return here.speed_mps;
            }
            let lo = seconds.get(i.saturating_sub(HALF))?;
            let hi = seconds.get((i + HALF).min(n - 1))?;
            let dt = hi.t_s.checked_sub(lo.t_s)?;
            if dt == 0 || dt as usize > 2 * HALF {
                return None;
            }
            let dd = hi.distance_m? - lo.distance_m?;
            Some((dd.max(0.0) / f64::from(dt)) as f32)
        })();
        if let Some(s) = seconds.get_mut(i) {
            s.speed_mps = derived;
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::clean::distance::tests::random_speeds;

    /// The code [`derive_speed`] replaced (at 0c50f8a), to test it against.
    mod reference {
        use super::super::*;

        pub(super) fn derive_speed(seconds: &mut [Second]) {
            const HALF: usize = 2;
            let n = seconds.len();
            let derived: Vec<Option<f32>> = (0..n)
                .map(|i| {
                    let here = seconds.get(i)?;
                    if here.speed_mps.is_some() {
                        return here.speed_mps;
                    }
                    let lo = seconds.get(i.saturating_sub(HALF))?;
                    let hi = seconds.get((i + HALF).min(n - 1))?;
                    let dt = hi.t_s.checked_sub(lo.t_s)?;
                    if dt == 0 || dt as usize > 2 * HALF {
                        return None;
                    }
                    let dd = hi.distance_m? - lo.distance_m?;
                    Some((dd.max(0.0) / f64::from(dt)) as f32)
                })
                .collect();
            for (s, v) in seconds.iter_mut().zip(derived) {
                s.speed_mps = v;
            }
        }
    }

    #[test]
    fn speed_is_derived_as_by_the_code_it_replaced() {
        for (seed, n) in [(1u64, 0usize), (2, 1), (3, 2), (4, 5), (5, 3000)] {
            let base = random_speeds(seed, n);
            let (mut a, mut b) = (base.clone(), base);
            derive_speed(&mut a);
            reference::derive_speed(&mut b);
            let speeds = |s: &[Second]| {
                s.iter()
                    .map(|x| x.speed_mps.map(f32::to_bits))
                    .collect::<Vec<_>>()
            };
            assert_eq!(speeds(&a), speeds(&b), "seed {seed}");
        }
    }

    fn sample(t: i64, hr: Option<u16>, dist: Option<f64>) -> Sample {
        Sample {
            time: Timestamp(t * 1000),
            hr_bpm: hr,
            distance_m: dist,
            ..Sample::default()
        }
    }

    #[test]
    fn bridges_short_gaps_and_leaves_long_ones() {
        let s = [
            sample(0, Some(100), Some(0.0)),
            sample(4, Some(108), Some(12.0)),
            sample(60, Some(120), Some(200.0)),
        ];
        let g = to_grid(&s);
        let ts: Vec<u32> = g.seconds.iter().map(|s| s.t_s).collect();
        assert_eq!(ts, vec![0, 1, 2, 3, 4, 60]);
        assert_eq!(g.seconds[2].hr_raw_bpm, Some(104.0));
        assert_eq!(g.seconds[1].distance_m, Some(3.0));
        // Speed from the central difference: 3 m/s in the steady stretch.
        assert_eq!(g.seconds[2].speed_mps, Some(3.0));
    }

    #[test]
    fn sparse_gps_fields_are_filled_between_known_values() {
        let s: Vec<Sample> = (0..9)
            .map(|t| sample(t, Some(120), (t % 4 == 0).then_some(t as f64 * 2.0)))
            .collect();
        let g = to_grid(&s);
        let d: Vec<Option<f64>> = g.seconds.iter().map(|s| s.distance_m).collect();
        let want: Vec<Option<f64>> = (0..9).map(|t| Some(t as f64 * 2.0)).collect();
        assert_eq!(d, want);
    }

    #[test]
    fn grid_seconds_round_as_the_float_expression_did() {
        let float = |ms: i64| {
            let t = (ms as f64 / 1000.0).round();
            (0.0..=f64::from(u32::MAX)).contains(&t).then_some(t as u32)
        };
        let mut cases: Vec<i64> = (-2_000..20_000).collect();
        let top = i64::from(u32::MAX) * 1000;
        for base in [
            1_000_000_000i64,
            86_400_000 * 365 * 50,
            top - 5_000,
            top + 500,
        ] {
            cases.extend((0..3_000).map(|k| base + k));
        }
        cases.extend([i64::MIN, -1, i64::MAX, 1 << 52, (1 << 52) + 499]);
        for ms in cases {
            assert_eq!(grid_second(ms), float(ms), "{ms} ms");
        }
    }

    #[test]
    fn drops_backward_times() {
        let s = [
            sample(0, None, None),
            sample(2, None, None),
            sample(1, None, None),
            sample(3, None, None),
        ];
        let g = to_grid(&s);
        assert_eq!(g.non_monotonic_samples, 1);
        assert_eq!(g.seconds.len(), 4);
    }
}
