//! Synthetic run tests: determinism, totals, curves, pauses.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::generate::EARTH_RADIUS_M;
use super::*;
use crate::model::{TimerEventKind, Timestamp};
use std::f64::consts::PI;

fn start() -> Timestamp {
    Timestamp::parse_rfc3339("2025-05-01T06:00:00Z").unwrap()
}

#[test]
fn same_spec_same_activity() {
    let spec = RunSpec::new(start(), 600)
        .hilly(10.0, 800.0)
        .pause(300, 45, true);
    assert_eq!(spec.build(), spec.build());
    assert_ne!(spec.build(), spec.clone().seed(7).build());
}

#[test]
fn one_hertz_samples_and_totals() {
    let run = RunSpec::new(start(), 1200).pace(360.0).build();
    assert_eq!(run.samples.len(), 1201);
    assert_eq!(run.record_span_s(), 1200.0);
    for pair in run.samples.windows(2) {
        assert_eq!(pair[1].time.seconds_since(pair[0].time), 1.0);
        assert!(pair[1].distance_m >= pair[0].distance_m);
    }
    let d = run.distance_m.unwrap();
    // 20 min at 6:00/km ≈ 3.33 km (pace wander only).
    assert!((d - 3333.0).abs() < 150.0, "{d}");
    assert_eq!(run.laps.len(), 4);
    let lap_sum: f64 = run.laps.iter().map(|l| l.distance_m.unwrap()).sum();
    assert!((lap_sum - d).abs() < 0.05);
    let lap_time: f64 = run.laps.iter().map(|l| l.elapsed_s.unwrap()).sum();
    assert_eq!(lap_time, 1200.0);
}

#[test]
fn heart_rate_follows_the_curve() {
    let run = RunSpec::new(start(), 3600)
        .warmup(90.0, 300)
        .hr(130.0, 140.0)
        .build();
    let hr = |s: usize| f64::from(run.samples[s].hr_bpm.unwrap());
    assert!(hr(0) < 100.0);
    let mean = |a: usize, b: usize| (a..b).map(hr).sum::<f64>() / (b - a) as f64;
    assert!((mean(600, 900) - 131.0).abs() < 3.0);
    assert!((mean(3300, 3600) - 139.5).abs() < 3.0);
}

#[test]
fn pauses_with_and_without_records() {
    let quiet = RunSpec::new(start(), 600).pause(200, 60, false).build();
    assert_eq!(quiet.samples.len(), 601);
    assert_eq!(quiet.record_span_s(), 660.0);
    assert_eq!(quiet.timer_s, Some(600.0));
    let kinds: Vec<_> = quiet.timer_events.iter().map(|e| e.kind).collect();
    use TimerEventKind::*;
    assert_eq!(kinds, vec![Start, StopAll, Start, StopAll]);
    assert_eq!(
        quiet.timer_events[2]
            .time
            .seconds_since(quiet.timer_events[1].time),
        60.0
    );
    let gap = quiet.samples[201]
        .time
        .seconds_since(quiet.samples[200].time);
    assert_eq!(gap, 61.0);
    assert!(quiet.samples[201].distance_m > quiet.samples[200].distance_m);

    let loud = RunSpec::new(start(), 600).pause(200, 60, true).build();
    assert_eq!(loud.samples.len(), 601 + 59);
    assert_eq!(loud.record_span_s(), 660.0);
    assert_eq!(loud.samples[230].speed_mps, Some(0.0));
    let lap_timer: f64 = loud.laps.iter().map(|l| l.timer_s.unwrap()).sum();
    assert_eq!(lap_timer, 600.0);
}

#[test]
fn treadmill_has_no_position_or_altitude() {
    let run = RunSpec::new(start(), 300).treadmill().build();
    assert!(
        run.samples
            .iter()
            .all(|s| s.position.is_none() && s.altitude_m.is_none())
    );
    assert_eq!(run.sub_sport, Some(SubSport::Treadmill));
}

#[test]
fn loop_stays_near_the_centre() {
    let spec = RunSpec::new(start(), 900);
    let run = spec.build();
    let r_deg = spec.loop_m / (2.0 * PI) / EARTH_RADIUS_M * 180.0 / PI;
    for s in &run.samples {
        let p = s.position.unwrap();
        assert!((p.lat_deg - spec.center.lat_deg).abs() < r_deg * 1.1);
    }
}

#[test]
fn hr_gaps_leave_hr_missing() {
    let run = RunSpec::new(start(), 300).hr_gap(100, 20).build();
    let missing = run.samples.iter().filter(|s| s.hr_bpm.is_none()).count();
    assert_eq!(missing, 20);
}
