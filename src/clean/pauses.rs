//! Moving time: seconds are not moving while the watch's timer is stopped (FIT timer
//! events) or while the runner stands still with the watch still recording (smoothed
//! speed under [`STOPPED_SPEED_MPS`]). Gaps too long to bridge are not on the grid at
//! all, so they count as paused by construction.

use crate::model::{Second, TimerEvent, TimerEventKind, Timestamp};

/// Below this smoothed speed a runner is standing, not moving: 0.5 m/s = 1.8 km/h,
/// inside the 0.35–1 km/h… 2 km/h band peers use (Strava, GoldenCheetah, gpxpy).
pub const STOPPED_SPEED_MPS: f64 = 0.5;

/// Half-width of the centred speed average used for the stopped test, seconds.
const SPEED_SMOOTH_HALF_S: usize = 2;

/// Seconds excluded, by cause.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Excluded {
    pub timer_paused_s: u32,
    pub stopped_s: u32,
}

/// Marks `moving` on every second; returns what was excluded. The last second of each
/// contiguous stretch is the stretch's end point and never moving.
pub fn mark_moving(seconds: &mut [Second], t0: Timestamp, events: &[TimerEvent]) -> Excluded {
    let mut out = Excluded::default();
    let paused = timer_paused_spans(t0, events);
    let has_speed = seconds.iter().any(|s| s.speed_mps.is_some());
    // Speeds as f64 with -0.0 where there is none: x + (-0.0) is x for every x, so a
    // window's sum over all its slots is the sum of its speeds, in order, bit for bit;
    // no test per value and no pass per window to count them.
    let speed: Vec<f64> = seconds
        .iter()
        .map(|s| s.speed_mps.map_or(-0.0, f64::from))
        .collect();
    let has: Vec<u32> = seconds
        .iter()
        .map(|s| u32::from(s.speed_mps.is_some()))
        .collect();
    let n = seconds.len();
    let smoothed = |i: usize| {
        let lo = i.saturating_sub(SPEED_SMOOTH_HALF_S);
        let hi = (i + SPEED_SMOOTH_HALF_S + 1).min(n);
        let present = has.get(lo..hi).unwrap_or_default();
        let count: u32 = match <&[u32; 2 * SPEED_SMOOTH_HALF_S + 1]>::try_from(present) {
            Ok(w) => w.iter().sum(),
            Err(_) => present.iter().sum(),
        };
        let window = speed.get(lo..hi).unwrap_or_default();
        // The usual width as an array: the same additions, unrolled.
        let sum: f64 = match <&[f64; 2 * SPEED_SMOOTH_HALF_S + 1]>::try_from(window) {
            Ok(w) => w.iter().sum(),
            Err(_) => window.iter().sum(),
        };
        (count > 0).then(|| sum / f64::from(count))
    };
    for i in 0..n {
        let is_end = match (seconds.get(i), seconds.get(i + 1)) {
            (Some(a), Some(b)) => b.t_s != a.t_s + 1,
            _ => true,
        };
        let Some(s) = seconds.get_mut(i) else { break };
        let t = i64::from(s.t_s);
        if is_end {
            // The last sample of a stretch marks its end instant, not a second run:
            // N samples at 1 Hz span N − 1 seconds, as the watch's elapsed time says.
            s.moving = false;
        } else if paused.iter().any(|&(a, b)| t >= a && t < b) {
            s.moving = false;
            out.timer_paused_s += 1;
        } else if has_speed && smoothed(i).is_none_or(|v| v < STOPPED_SPEED_MPS) {
            // With no speed at all (HR-only files) nothing can be called stopped.
            s.moving = false;
            out.stopped_s += 1;
        } else {
            s.moving = true;
        }
    }
    out
}

/// `[stop, start)` spans in seconds since `t0` from the timer events. A stop with no
/// later start pauses until the end.
fn timer_paused_spans(t0: Timestamp, events: &[TimerEvent]) -> Vec<(i64, i64)> {
    let mut sorted: Vec<&TimerEvent> = events.iter().collect();
    sorted.sort_by_key(|e| e.time);
    let rel = |t: Timestamp| (t.0 - t0.0).div_euclid(1000);
    let mut spans = Vec::new();
    let mut stopped_at: Option<i64> = None;
    for e in sorted {
        match e.kind {
            TimerEventKind::Stop | TimerEventKind::StopAll => {
                stopped_at.get_or_insert(rel(e.time));
            }
            TimerEventKind::Start => {
                if let Some(a) = stopped_at.take() {
                    spans.push((a, rel(e.time)));
                }
            }
        }
    }
    if let Some(a) = stopped_at {
        // A final stop is the end of the activity: samples after it (the few a watch
        // writes while saving) are not running.
        spans.push((a, i64::MAX));
    }
    spans
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// The code [`mark_moving`] replaced (at 0c50f8a), to test it against.
    mod reference {
        use super::super::*;

        /// Marks `moving` on every second; returns what was excluded. The last second of each
        /// contiguous stretch is the stretch's end point and never moving.
        pub(super) fn mark_moving(
            seconds: &mut [Second],
            t0: Timestamp,
            events: &[TimerEvent],
        ) -> Excluded {
            let mut out = Excluded::default();
            let paused = timer_paused_spans(t0, events);
            let has_speed = seconds.iter().any(|s| s.speed_mps.is_some());
            let smoothed: Vec<Option<f64>> = (0..seconds.len())
                .map(|i| {
                    let lo = i.saturating_sub(SPEED_SMOOTH_HALF_S);
                    let hi = (i + SPEED_SMOOTH_HALF_S + 1).min(seconds.len());
                    // Counted and summed in place: collecting the ≤ 5 values first cost an
                    // allocation per second.
                    let window = seconds.get(lo..hi).unwrap_or_default();
                    let speeds = || window.iter().filter_map(|s| s.speed_mps.map(f64::from));
                    let n = speeds().count();
                    (n > 0).then(|| speeds().sum::<f64>() / n as f64)
                })
                .collect();
            let ends: Vec<bool> = (0..seconds.len())
                .map(|i| match (seconds.get(i), seconds.get(i + 1)) {
                    (Some(a), Some(b)) => b.t_s != a.t_s + 1,
                    _ => true,
                })
                .collect();
            for ((s, speed), is_end) in seconds.iter_mut().zip(smoothed).zip(ends) {
                let t = i64::from(s.t_s);
                if is_end {
                    // The last sample of a stretch marks its end instant, not a second run:
                    // N samples at 1 Hz span N − 1 seconds, as the watch's elapsed time says.
                    s.moving = false;
                } else if paused.iter().any(|&(a, b)| t >= a && t < b) {
                    s.moving = false;
                    out.timer_paused_s += 1;
                } else if has_speed && speed.is_none_or(|v| v < STOPPED_SPEED_MPS) {
                    // With no speed at all (HR-only files) nothing can be called stopped.
                    s.moving = false;
                    out.stopped_s += 1;
                } else {
                    s.moving = true;
                }
            }
            out
        }
    }

    #[test]
    fn marks_as_the_code_it_replaced() {
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(11);
        for n in [0usize, 1, 2, 3, 4, 5, 6, 10, 500, 5000] {
            for round in 0..6 {
                let mut t = 0u32;
                let base: Vec<Second> = (0..n)
                    .map(|_| {
                        t += if rng.next_u64().is_multiple_of(50) {
                            3
                        } else {
                            1
                        };
                        let speed = match rng.next_u64() % 12 {
                            0 if round != 5 => None,
                            1 => Some(0.0),
                            2 => Some(-0.0),
                            3 if round == 4 => Some(f32::NAN),
                            _ => Some((rng.next_f64() * 1.2) as f32),
                        };
                        Second {
                            t_s: t,
                            speed_mps: if round == 3 { None } else { speed },
                            ..Second::default()
                        }
                    })
                    .collect();
                let events = [
                    TimerEvent {
                        time: Timestamp(40_000),
                        kind: TimerEventKind::Stop,
                    },
                    TimerEvent {
                        time: Timestamp(95_500),
                        kind: TimerEventKind::Start,
                    },
                ];
                let events = if round % 2 == 0 { &events[..] } else { &[] };
                let (mut a, mut b) = (base.clone(), base.clone());
                let got = mark_moving(&mut a, Timestamp(0), events);
                let want = reference::mark_moving(&mut b, Timestamp(0), events);
                assert_eq!(got, want, "n {n} round {round}");
                let moving = |s: &[Second]| s.iter().map(|x| x.moving).collect::<Vec<_>>();
                assert_eq!(moving(&a), moving(&b), "n {n} round {round}");
            }
        }
    }

    fn secs(speeds: &[f32]) -> Vec<Second> {
        speeds
            .iter()
            .enumerate()
            .map(|(i, &v)| Second {
                t_s: i as u32,
                speed_mps: Some(v),
                ..Second::default()
            })
            .collect()
    }

    #[test]
    fn timer_stop_and_standing_still_are_not_moving() {
        let mut s = secs(&[3.0; 100]);
        for x in &mut s[60..80] {
            x.speed_mps = Some(0.0);
        }
        let t0 = Timestamp(0);
        let events = [
            TimerEvent {
                time: Timestamp(10_000),
                kind: TimerEventKind::Stop,
            },
            TimerEvent {
                time: Timestamp(20_000),
                kind: TimerEventKind::Start,
            },
        ];
        let ex = mark_moving(&mut s, t0, &events);
        assert_eq!(ex.timer_paused_s, 10);
        // 20 still seconds; in the first and last two the 5-s average still holds a
        // moving neighbour (≥ 0.6 m/s), so 16 count as stopped.
        assert_eq!(ex.stopped_s, 16);
        assert!(!s[15].moving && s[25].moving && !s[70].moving);
    }

    #[test]
    fn hr_only_files_are_all_moving() {
        let mut s: Vec<Second> = (0..50)
            .map(|i| Second {
                t_s: i,
                ..Second::default()
            })
            .collect();
        let ex = mark_moving(&mut s, Timestamp(0), &[]);
        assert_eq!(ex, Excluded::default());
        assert!(s[..49].iter().all(|x| x.moving));
        assert!(!s[49].moving, "the end point spans no time");
    }
}
