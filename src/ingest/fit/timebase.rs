//! FIT device-uptime timestamps. The FIT profile's `date_time` says a value below
//! `0x10000000` is "system time": seconds since the device was powered on, not a date
//! (a reader that takes them as dates puts the run in 1990). Devices without a clock fix
//! (a Forerunner 70, a VIRB camera) write them. This module places them on the UTC
//! clock when the file allows it, in order of trust:
//!
//! 1. `timestamp_correlation` (message 162): the UTC instant of one uptime instant —
//!    exact (it is what the message is for);
//! 2. the first UTC timestamp after uptime ones (the clock was set mid-recording): the
//!    switch is taken as one nominal sample step;
//! 3. `file_id.time_created` when it is a date: taken as the first record's instant (the
//!    file is created when recording starts);
//!
//! and otherwise keeps the uptime instants and says the start is unknown
//! ([`TimeBase::Uptime`]): durations, paces and every per-run metric are right, only the
//! date is not known.

use crate::model::activity::nominal_step_ms;
use crate::model::{Lap, Sample, Session, TimeBase, TimerEvent, Timestamp};

/// FIT `date_time` values below this are seconds since device power-on.
pub const RELATIVE_LIMIT_FIT_S: u32 = 0x1000_0000;

/// Whether an instant read from a FIT `date_time` is device uptime, not a date.
pub fn is_uptime(t: Timestamp) -> bool {
    t < Timestamp::from_fit(RELATIVE_LIMIT_FIT_S)
}

/// What the file offers to place uptime instants, collected while decoding.
#[derive(Debug, Default, Clone, Copy)]
pub struct Anchors {
    /// `file_id.time_created`.
    pub time_created: Option<Timestamp>,
    /// `timestamp_correlation`: (UTC instant, the same instant in uptime), ms precision.
    pub correlation: Option<(Timestamp, Timestamp)>,
}

/// The instants of one activity that a placement shifts.
pub struct Instants<'a> {
    pub samples: &'a mut [Sample],
    pub timer_events: &'a mut [TimerEvent],
    pub sessions: &'a mut [Session],
    pub laps: &'a mut [Lap],
}

/// Places the uptime instants of `x` on the UTC clock when `anchors` or the records
/// allow it; returns how the activity's time base ended up.
pub fn place(x: Instants<'_>, anchors: Anchors) -> TimeBase {
    let Some(first_uptime) = x.samples.iter().map(|s| s.time).find(|&t| is_uptime(t)) else {
        return TimeBase::Utc;
    };
    let Some((offset_ms, base)) = offset(x.samples, anchors, first_uptime) else {
        return TimeBase::Uptime;
    };
    let shift = |t: &mut Timestamp| {
        if is_uptime(*t) {
            *t = Timestamp(t.0 + offset_ms);
        }
    };
    x.samples.iter_mut().for_each(|s| shift(&mut s.time));
    x.timer_events.iter_mut().for_each(|e| shift(&mut e.time));
    for s in x.sessions.iter_mut() {
        if let Some(t) = s.start_time.as_mut() {
            shift(t);
        }
    }
    for l in x.laps.iter_mut() {
        if let Some(t) = l.start_time.as_mut() {
            shift(t);
        }
    }
    base
}

/// Milliseconds to add to uptime instants, and which anchor gave them.
fn offset(samples: &[Sample], a: Anchors, first_uptime: Timestamp) -> Option<(i64, TimeBase)> {
    if let Some((utc, uptime)) = a.correlation
        && !is_uptime(utc)
        && is_uptime(uptime)
    {
        return Some((utc.0 - uptime.0, TimeBase::Correlated));
    }
    let switch = samples.windows(2).find_map(|w| match w {
        [a, b] if is_uptime(a.time) && !is_uptime(b.time) => Some((a.time, b.time)),
        _ => None,
    });
    if let Some((last_uptime, first_utc)) = switch {
        return Some((
            first_utc.0 - nominal_step_ms(samples, is_uptime) - last_uptime.0,
            TimeBase::LaterTimestamp,
        ));
    }
    match a.time_created {
        Some(created) if !is_uptime(created) => {
            Some((created.0 - first_uptime.0, TimeBase::FileCreated))
        }
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn uptime(s: u32) -> Timestamp {
        Timestamp::from_fit(s)
    }

    fn samples(times: &[Timestamp]) -> Vec<Sample> {
        times
            .iter()
            .map(|&time| Sample {
                time,
                ..Sample::default()
            })
            .collect()
    }

    fn run(samples: &mut [Sample], events: &mut [TimerEvent], a: Anchors) -> TimeBase {
        place(
            Instants {
                samples,
                timer_events: events,
                sessions: &mut [],
                laps: &mut [],
            },
            a,
        )
    }

    const DATE: i64 = 1_498_617_184_000; // 2017-06-28T02:33:04Z

    #[test]
    fn utc_files_are_left_alone() {
        let mut s = samples(&[Timestamp(DATE), Timestamp(DATE + 1000)]);
        assert_eq!(run(&mut s, &mut [], Anchors::default()), TimeBase::Utc);
        assert_eq!(s[0].time, Timestamp(DATE));
    }

    #[test]
    fn correlation_places_every_instant_exactly() {
        let mut s = samples(&[uptime(2), uptime(3), uptime(70)]);
        let mut e = [TimerEvent {
            time: uptime(2),
            kind: crate::model::TimerEventKind::Start,
        }];
        // UTC 02:34:13.000 was uptime 69.109 s (the VIRB Ultra 30 corpus file's values).
        let a = Anchors {
            time_created: Some(Timestamp(DATE)),
            correlation: Some((Timestamp(DATE + 69_000), Timestamp(uptime(69).0 + 109))),
        };
        assert_eq!(run(&mut s, &mut e, a), TimeBase::Correlated);
        assert_eq!(s[0].time, Timestamp(DATE + 2000 - 109));
        assert_eq!(s[2].time.0 - s[0].time.0, 68_000, "durations unchanged");
        assert_eq!(e[0].time, s[0].time);
    }

    #[test]
    fn a_later_utc_timestamp_places_the_uptime_ones_before_it() {
        let mut s = samples(&[uptime(100), uptime(101), uptime(102), Timestamp(DATE)]);
        assert_eq!(
            run(&mut s, &mut [], Anchors::default()),
            TimeBase::LaterTimestamp
        );
        assert_eq!(s[2].time, Timestamp(DATE - 1000));
        assert_eq!(s[0].time, Timestamp(DATE - 3000));
        assert_eq!(s[3].time, Timestamp(DATE));
    }

    #[test]
    fn time_created_places_the_first_record() {
        let mut s = samples(&[uptime(5000), uptime(5001)]);
        let a = Anchors {
            time_created: Some(Timestamp(DATE)),
            correlation: None,
        };
        assert_eq!(run(&mut s, &mut [], a), TimeBase::FileCreated);
        assert_eq!(s[0].time, Timestamp(DATE));
        assert_eq!(s[1].time, Timestamp(DATE + 1000));
    }

    #[test]
    fn without_an_anchor_the_start_is_unknown() {
        // A Forerunner 70: time_created is uptime too.
        let mut s = samples(&[uptime(16_441_000), uptime(16_441_001)]);
        let a = Anchors {
            time_created: Some(uptime(16_440_999)),
            correlation: None,
        };
        assert_eq!(run(&mut s, &mut [], a), TimeBase::Uptime);
        assert_eq!(s[0].time, uptime(16_441_000), "instants kept");
        assert!(!TimeBase::Uptime.start_known());
    }
}
