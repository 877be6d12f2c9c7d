//! Clock repair, before the grid: a file's clock can jump while the recording goes on.
//! Two shapes are repaired, and every repair is listed ([`ClockJump`]) so the verdict
//! says what was done (`time_repaired`):
//!
//! - **Forward jumps**: a gap between two records that is not a pause. Evidence, in
//!   order: the watch's own elapsed time (FIT `session.total_elapsed_time`) is shorter
//!   than the records' span by at least half the gap — the watch did not live through it
//!   (corpus `time-jump.fit`: 20 days between two records of one 56-min run, session
//!   elapsed 3389 s); or, when the file states no elapsed time (GPX, TCX), the gap is
//!   at least [`UNSTATED_JUMP_MIN_S`] (a day: no pause inside one run lasts that long).
//!   A gap inside a timer pause (FIT stop/start events) is a pause, never a jump. The
//!   later records move back so the gap becomes one nominal sample step; the start stays
//!   the first record's (the clock the recording began with; time-jump.fit's run is of
//!   its first date).
//! - **Backward steps**: the clock steps back by [`BACKWARD_MIN_S`] or more while the
//!   distance (or position) goes on from where it was and the records after the step
//!   keep counting forward (a Sigma TCX steps back 65 s mid-run). The later records
//!   move forward to follow on, and so do timer events stamped after the old clock's
//!   last instant (the final stop). Anything else that runs backwards — a replayed lap, a
//!   second track over the same time, a record or two out of order — is left to the
//!   grid, which drops it and counts what it covered.
//!
//! Metrics were never hurt by a forward jump (the grid has holes), but elapsed time, the
//! end of the session (which places the next day's recovery run) and the records a
//! backward step would drop were.

use std::borrow::Cow;

use crate::model::activity::nominal_step_ms;
use crate::model::{ClockJump, RawActivity, Sample, TimerEvent, TimerEventKind, Timestamp};

use crate::model::geo::haversine_m;

/// Without a stated elapsed time, a forward gap this long (s) is a clock jump: one day.
pub const UNSTATED_JUMP_MIN_S: i64 = 86_400;

/// Forward gaps shorter than this (s) are never called jumps (smart recording, GPS
/// loss, a short stop without the timer).
pub const FORWARD_MIN_S: i64 = 60;

/// Backward steps shorter than this (s) are left to the grid (a record or two out of
/// order costs nothing).
pub const BACKWARD_MIN_S: i64 = 10;

/// Records after a backward step that must keep counting forward for it to be a clock
/// step (not a replay): up to this many, at least [`BACKWARD_CONFIRM_MIN`].
const BACKWARD_CONFIRM_SAMPLES: usize = 10;
const BACKWARD_CONFIRM_MIN: usize = 3;

/// Fastest plausible movement between two consecutive records across a clock step,
/// m/s (faster than any runner or rider: what cannot be covered in one step is a replay).
const CONTINUITY_MAX_MPS: f64 = 15.0;

/// Distance slack for the continuity test, m (GPS and odometer jitter).
const CONTINUITY_SLACK_M: f64 = 50.0;

/// The records and timer events after repair, and what was repaired.
pub struct Repaired<'a> {
    pub samples: Cow<'a, [Sample]>,
    pub timer_events: Cow<'a, [TimerEvent]>,
    pub jumps: Vec<ClockJump>,
}

/// Repairs forward jumps and backward steps of `raw`'s clock (module docs).
pub fn repair(raw: &RawActivity) -> Repaired<'_> {
    let samples = &raw.samples;
    let step_ms = nominal_step_ms(samples, |_| true);
    let stated_elapsed_ms = stated_elapsed_ms(raw);
    let span_ms = match (samples.first(), samples.last()) {
        (Some(a), Some(b)) => b.time.0 - a.time.0,
        _ => 0,
    };
    let pauses = timer_pauses(&raw.timer_events);
    let mut jumps = Vec::new();
    // (raw time from which it applies, ms added) for every repair, for the timer events.
    let mut event_shifts: Vec<(Timestamp, i64)> = Vec::new();
    let mut out: Option<Vec<Sample>> = None;
    let mut shift_ms: i64 = 0;
    let mut collapsed_ms: i64 = 0;
    let mut last: Option<(Timestamp, usize)> = None; // corrected time, index
    let t0 = samples.first().map_or(Timestamp(0), |s| s.time);
    for (i, s) in samples.iter().enumerate() {
        let t = Timestamp(s.time.0 + shift_ms);
        let Some((last_t, last_i)) = last else {
            last = Some((t, i));
            continue;
        };
        let gap_ms = t.0 - last_t.0;
        let prev = samples.get(last_i);
        let mut applied = 0;
        if gap_ms >= FORWARD_MIN_S * 1000
            && let Some(p) = prev
            && !paused_between(&pauses, p.time, s.time)
        {
            let evidence = match stated_elapsed_ms {
                Some(stated) => span_ms - collapsed_ms - stated >= gap_ms / 2,
                None => gap_ms >= UNSTATED_JUMP_MIN_S * 1000,
            };
            if evidence {
                applied = -(gap_ms - step_ms);
                collapsed_ms += gap_ms - step_ms;
                event_shifts.push((s.time, applied));
            }
        } else if gap_ms <= -BACKWARD_MIN_S * 1000
            && let Some(p) = prev
            && continues(p, s, step_ms)
            && counts_on(samples, i)
        {
            applied = -gap_ms + step_ms;
            // Events after the last instant of the old clock were stamped by the new one
            // (the final stop, a later pause); those inside the overlap stay as read.
            if let Some(p) = prev {
                event_shifts.push((Timestamp(p.time.0 + 1), applied));
            }
        }
        if applied != 0 {
            shift_ms += applied;
            let at = Timestamp(s.time.0 + shift_ms);
            jumps.push(ClockJump {
                at_s: u32::try_from((at.0 - t0.0).max(0) / 1000).unwrap_or(u32::MAX),
                by_s: applied.abs() / 1000,
                forward: applied < 0,
            });
            out.get_or_insert_with(|| samples.get(..i).unwrap_or_default().to_vec());
        }
        let t = Timestamp(s.time.0 + shift_ms);
        if let Some(v) = out.as_mut() {
            v.push(Sample { time: t, ..*s });
        }
        if last.is_none_or(|(lt, _)| t > lt) {
            last = Some((t, i));
        }
    }
    let timer_events = if event_shifts.is_empty() {
        Cow::Borrowed(raw.timer_events.as_slice())
    } else {
        Cow::Owned(
            raw.timer_events
                .iter()
                .map(|e| {
                    let add: i64 = event_shifts
                        .iter()
                        .filter(|(from, _)| e.time >= *from)
                        .map(|(_, ms)| ms)
                        .sum();
                    TimerEvent {
                        time: Timestamp(e.time.0 + add),
                        kind: e.kind,
                    }
                })
                .collect(),
        )
    };
    Repaired {
        samples: out.map_or(Cow::Borrowed(samples.as_slice()), Cow::Owned),
        timer_events,
        jumps,
    }
}

/// The watch's own elapsed time: FIT sessions' `total_elapsed_time`, summed. GPX and
/// TCX readers derive theirs from the records, so it is no evidence.
fn stated_elapsed_ms(raw: &RawActivity) -> Option<i64> {
    let mut total = None;
    for s in &raw.sessions {
        if let Some(e) = s.elapsed_s {
            *total.get_or_insert(0) += (e * 1000.0).round() as i64;
        }
    }
    total
}

/// `[stop, start)` instants of the timer's pauses; a stop without a later start runs to
/// the end.
fn timer_pauses(events: &[TimerEvent]) -> Vec<(Timestamp, Timestamp)> {
    let mut sorted: Vec<&TimerEvent> = events.iter().collect();
    sorted.sort_by_key(|e| e.time);
    let mut spans = Vec::new();
    let mut stopped: Option<Timestamp> = None;
    for e in sorted {
        match e.kind {
            TimerEventKind::Stop | TimerEventKind::StopAll => {
                stopped.get_or_insert(e.time);
            }
            TimerEventKind::Start => {
                if let Some(a) = stopped.take() {
                    spans.push((a, e.time));
                }
            }
        }
    }
    if let Some(a) = stopped {
        spans.push((a, Timestamp(i64::MAX)));
    }
    spans
}

/// Whether a timer pause covers at least half of the gap `[a, b)`.
fn paused_between(pauses: &[(Timestamp, Timestamp)], a: Timestamp, b: Timestamp) -> bool {
    let covered: i64 = pauses
        .iter()
        .map(|&(lo, hi)| (hi.0.min(b.0) - lo.0.max(a.0)).max(0))
        .sum();
    2 * covered >= b.0 - a.0
}

/// Whether `b` follows on from `a` in space within one nominal step: the device distance
/// goes on (not back, not further than [`CONTINUITY_MAX_MPS`] allows), else the
/// positions are that close. Without either nothing shows it, and it is not repaired.
fn continues(a: &Sample, b: &Sample, step_ms: i64) -> bool {
    let reach_m = CONTINUITY_SLACK_M + CONTINUITY_MAX_MPS * step_ms as f64 / 1000.0;
    if let (Some(da), Some(db)) = (a.distance_m, b.distance_m) {
        return db >= da - 1.0 && db - da <= reach_m;
    }
    if let (Some(pa), Some(pb)) = (a.position, b.position) {
        return haversine_m(pa, pb) <= reach_m;
    }
    false
}

/// Whether the records from `i` on keep counting forward for a while (a clock that was
/// set back, not a replay interleaved with the original).
fn counts_on(samples: &[Sample], i: usize) -> bool {
    let after = samples.get(i..).unwrap_or_default();
    after.len() > BACKWARD_CONFIRM_MIN
        && after
            .windows(2)
            .take(BACKWARD_CONFIRM_SAMPLES)
            .all(|w| matches!(w, [a, b] if b.time > a.time))
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::model::{Format, Session};

    const T0: i64 = 1_487_754_285_000; // 2017-02-22T09:04:45Z

    fn run(times_s: &[i64], dist: impl Fn(usize) -> f64) -> RawActivity {
        let mut raw = RawActivity::new("t", Format::Fit);
        raw.samples = times_s
            .iter()
            .enumerate()
            .map(|(i, &t)| Sample {
                time: Timestamp(T0 + t * 1000),
                distance_m: Some(dist(i)),
                ..Sample::default()
            })
            .collect();
        raw
    }

    fn session(elapsed_s: f64) -> Session {
        Session {
            sport: None,
            sub_sport: None,
            start_time: Some(Timestamp(T0)),
            elapsed_s: Some(elapsed_s),
            timer_s: Some(elapsed_s),
            distance_m: None,
            avg_hr_bpm: None,
            max_hr_bpm: None,
            ascent_m: None,
            descent_m: None,
        }
    }

    const YEAR_S: i64 = 365 * 86_400;

    #[test]
    fn a_year_forward_the_watch_did_not_live_through_is_taken_out() {
        // 20 min, then the clock jumps a year, then 40 min more; the watch says 60 min.
        let times: Vec<i64> = (0..1200).chain((1200..3600).map(|t| t + YEAR_S)).collect();
        let mut raw = run(&times, |i| i as f64 * 3.0);
        raw.sessions = vec![session(3600.0)];
        let r = repair(&raw);
        assert_eq!(r.samples.len(), 3600, "every record kept");
        let last = r.samples.last().map(|s| s.time.0 - T0);
        assert_eq!(last, Some(3_599_000));
        assert_eq!(r.jumps.len(), 1);
        assert!(r.jumps[0].forward);
        assert_eq!(r.jumps[0].at_s, 1200);
        assert_eq!(r.jumps[0].by_s, YEAR_S);
    }

    #[test]
    fn without_a_stated_elapsed_only_a_gap_of_a_day_is_a_jump() {
        let times: Vec<i64> = (0..600).chain((600..1200).map(|t| t + YEAR_S)).collect();
        let raw = run(&times, |i| i as f64 * 3.0);
        let r = repair(&raw);
        assert_eq!(r.jumps.len(), 1);
        assert_eq!(r.samples.last().map(|s| s.time.0 - T0), Some(1_199_000));
        // Two hours off in a GPX: a long break, kept.
        let times: Vec<i64> = (0..600).chain((600..1200).map(|t| t + 7200)).collect();
        assert!(repair(&run(&times, |i| i as f64 * 3.0)).jumps.is_empty());
    }

    #[test]
    fn a_pause_is_not_a_jump() {
        // Fenix 3 style: the watch states the pause in its elapsed time and stopped its
        // timer over it.
        let times: Vec<i64> = (0..600).chain((600..1200).map(|t| t + 4424)).collect();
        let mut raw = run(&times, |i| i as f64 * 3.0);
        raw.sessions = vec![session(1199.0 + 4424.0)];
        assert!(repair(&raw).jumps.is_empty());
        raw.sessions = vec![session(1199.0)];
        raw.timer_events = vec![
            TimerEvent {
                time: Timestamp(T0 + 599_000),
                kind: TimerEventKind::StopAll,
            },
            TimerEvent {
                time: Timestamp(T0 + (600 + 4424) * 1000),
                kind: TimerEventKind::Start,
            },
        ];
        assert!(repair(&raw).jumps.is_empty());
    }

    #[test]
    fn a_clock_set_back_mid_run_keeps_the_records_after_it() {
        // Every 5 s; at 600 s the clock steps back 65 s while the distance goes on.
        let times: Vec<i64> = (0..240)
            .map(|k| if k < 120 { k * 5 } else { k * 5 - 70 })
            .collect();
        let raw = run(&times, |i| i as f64 * 15.0);
        let r = repair(&raw);
        assert_eq!(r.jumps.len(), 1);
        assert!(!r.jumps[0].forward);
        // Expected at 600 s, stamped 530 s: the clock was set back 70 s.
        assert_eq!(r.jumps[0].by_s, 70);
        let t: Vec<i64> = r.samples.iter().map(|s| (s.time.0 - T0) / 1000).collect();
        assert_eq!(t, (0..240).map(|k| k * 5).collect::<Vec<_>>());
        // The final stop, stamped by the new clock, follows the records.
        let mut raw = raw;
        raw.timer_events = vec![TimerEvent {
            time: Timestamp(T0 + (239 * 5 - 70) * 1000),
            kind: TimerEventKind::StopAll,
        }];
        let r = repair(&raw);
        assert_eq!(r.timer_events[0].time, Timestamp(T0 + 239 * 5 * 1000));
    }

    #[test]
    fn a_replay_is_left_to_the_grid() {
        // A second track over the same time: the distance starts again from 0.
        let times: Vec<i64> = (0..200).chain(0..200).collect();
        let raw = run(&times, |i| (i % 200) as f64 * 3.0);
        let r = repair(&raw);
        assert!(r.jumps.is_empty());
        assert!(matches!(r.samples, Cow::Borrowed(_)));
    }
}
