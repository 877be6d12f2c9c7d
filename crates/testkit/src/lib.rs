//! easyrun's test kit (dev-only, never shipped with the library): the project's own
//! deterministic serializers from [`RawActivity`] back to FIT, GPX and TCX bytes, a
//! synthetic run generator, and the fixture, scenario and history-week builders.
//!
//! They exist to make test inputs (fixtures, scenarios, benchmark files) whose every
//! value is known, so they favour exactness and determinism over feature coverage: the
//! same activity always gives the same bytes. They never panic; a value a format
//! cannot hold is written as that format's "missing" (FIT invalid sentinel, omitted XML
//! element).
//!
//! [`RawActivity`]: easyrun::model::RawActivity

pub mod context;
pub mod fit;
pub mod fixtures;
pub mod gpx;
pub mod scenarios;
pub mod session_truth;
pub mod signal;
pub mod synth;
pub mod tcx;
pub mod town;
pub mod week;

use std::path::{Path, PathBuf};

use easyrun::model::{RawActivity, Sample, Sport, TimerEventKind};

/// The repository's `fixtures/` folder (the generators' default output).
pub fn repo_fixtures_dir() -> PathBuf {
    let kit = Path::new(env!("CARGO_MANIFEST_DIR"));
    kit.ancestors().nth(2).unwrap_or(kit).join("fixtures")
}

/// Cadence as a per-foot count (strides or revolutions per minute), the unit FIT
/// `record.cadence`, GPX `cad` and TCX `RunCadence` use for running: the model holds
/// steps per minute for running (DOMAIN §6), so it is halved; other sports pass through.
pub(crate) fn per_foot_cadence(sport: Option<&easyrun::model::Sport>, cadence: f64) -> f64 {
    if matches!(sport, Some(Sport::Running)) {
        cadence / 2.0
    } else {
        cadence
    }
}

/// The sample ranges between timer restarts: a new range begins at every `Start` that
/// follows a `Stop`/`StopAll`. Samples recorded while the timer was stopped stay at the
/// end of the range before the restart (the writers never drop samples). Returns
/// half-open index ranges covering all samples, in order; empty when there are none.
pub(crate) fn timer_segments(
    samples: &[Sample],
    events: &[easyrun::model::TimerEvent],
) -> Vec<std::ops::Range<usize>> {
    let mut restarts = Vec::new();
    let mut stopped = false;
    for event in events {
        match event.kind {
            TimerEventKind::Stop | TimerEventKind::StopAll => stopped = true,
            TimerEventKind::Start => {
                if stopped {
                    restarts.push(event.time);
                }
                stopped = false;
            }
        }
    }
    let mut segments = Vec::new();
    let mut begin = 0;
    for restart in restarts {
        let split = samples.partition_point(|s| s.time < restart);
        if split > begin && split < samples.len() {
            segments.push(begin..split);
            begin = split;
        }
    }
    if begin < samples.len() {
        segments.push(begin..samples.len());
    }
    segments
}

/// Escapes text for XML element content and attribute values (the report's escaper).
pub(crate) fn xml_escape(text: &str) -> String {
    easyrun::report::escape::attr(text).into_owned()
}

/// Formats `value` with at most `decimals` decimals, trailing zeros trimmed, so XML
/// output stays compact and stable (`12.5`, `3`, `0.25`).
pub(crate) fn fmt_decimal(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" { "0".to_string() } else { text }
}

/// Keeps the samples `every_s` seconds apart from the first one, and the last, as
/// smart recording does, so a half-hour GPX or TCX fixture stays small.
pub(crate) fn thin(run: &mut RawActivity, every_s: i64) {
    let Some(t0) = run.samples.first().map(|s| s.time) else {
        return;
    };
    let last = run.samples.len().saturating_sub(1);
    let every_ms = every_s.max(1) * 1000;
    let mut i = 0;
    run.samples.retain(|s| {
        let keep = (s.time.0 - t0.0) % every_ms == 0 || i == last;
        i += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use easyrun::model::{TimerEvent, Timestamp};

    #[test]
    fn decimals_are_trimmed() {
        assert_eq!(fmt_decimal(12.5, 3), "12.5");
        assert_eq!(fmt_decimal(3.0, 2), "3");
        assert_eq!(fmt_decimal(-0.0001, 2), "0");
        assert_eq!(fmt_decimal(0.125, 7), "0.125");
    }

    #[test]
    fn segments_split_at_restarts() {
        let samples: Vec<Sample> = (0..10)
            .map(|s| Sample {
                time: Timestamp::from_unix_s(s),
                ..Sample::default()
            })
            .collect();
        let ev = |s, kind| TimerEvent {
            time: Timestamp::from_unix_s(s),
            kind,
        };
        let events = [
            ev(0, TimerEventKind::Start),
            ev(3, TimerEventKind::StopAll),
            ev(6, TimerEventKind::Start),
            ev(9, TimerEventKind::StopAll),
        ];
        assert_eq!(timer_segments(&samples, &events), vec![0..6, 6..10]);
        assert_eq!(timer_segments(&samples, &[]), vec![0..10]);
        assert!(timer_segments(&[], &events).is_empty());
    }

    #[test]
    fn writers_survive_odd_activities() {
        use easyrun::model::{Format, Lap, Position, RawActivity};
        let mut odd = RawActivity::new("odd", Format::Fit);
        let empty = odd.clone();
        odd.samples = vec![
            Sample {
                time: Timestamp::from_unix_s(-5),
                hr_bpm: Some(400),
                speed_mps: Some(f64::NAN),
                distance_m: Some(-3.0),
                altitude_m: Some(1e12),
                cadence_spm: Some(f64::INFINITY),
                power_w: Some(u16::MAX),
                position: Some(Position {
                    lat_deg: 95.0,
                    lon_deg: -720.0,
                }),
            },
            Sample {
                time: Timestamp::from_unix_s(i64::MAX / 2000),
                ..Sample::default()
            },
            Sample::default(),
        ];
        odd.laps = vec![Lap {
            start_time: None,
            elapsed_s: Some(f64::MAX),
            timer_s: Some(-1.0),
            distance_m: None,
            avg_hr_bpm: Some(999),
            max_hr_bpm: None,
            intensity: None,
        }];
        odd.timer_events = vec![TimerEvent {
            time: Timestamp::from_unix_s(i64::MAX / 2000),
            kind: TimerEventKind::Stop,
        }];
        for activity in [&empty, &odd] {
            for big_endian in [false, true] {
                let options = fit::FitOptions {
                    big_endian,
                    compressed_timestamps: true,
                    developer_fields: true,
                    ..fit::FitOptions::default()
                };
                let bytes = fit::encode(activity, &options);
                assert_eq!(fit::crc16(0, &bytes), 0);
            }
            for flavour in [
                gpx::GpxFlavour::Strava,
                gpx::GpxFlavour::GarminConnect,
                gpx::GpxFlavour::Gpx10,
            ] {
                assert!(!gpx::encode(activity, flavour).is_empty());
            }
            assert!(!tcx::encode(activity).is_empty());
        }
    }
}
