//! Synthetic run tests: determinism, totals, curves, pauses.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::generate::EARTH_RADIUS_M;
use super::*;
use easyrun::model::{TimerEventKind, Timestamp};
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

#[test]
fn scripted_events_leave_the_rest_of_the_run_alone() {
    let plain = RunSpec::new(start(), 900).build();
    let with = RunSpec::new(start(), 900)
        .surge(300, 60, 1.3)
        .cadence_lock(600, 90)
        .build();
    // Before the first event every sample is the same.
    assert_eq!(plain.samples[..300], with.samples[..300]);
    // The empty lists and the default pacing are exactly the old generator.
    let explicit = RunSpec::new(start(), 900)
        .hill_pacing(HillPacing::Linear)
        .hr_spikes(0)
        .build();
    assert_eq!(plain, explicit);
}

#[test]
fn a_surge_speeds_up_and_raises_hr() {
    let base = RunSpec::new(start(), 900).hr(125.0, 125.0).build();
    let run = RunSpec::new(start(), 900)
        .hr(125.0, 125.0)
        .surge(400, 60, 1.3)
        .build();
    let ratio = run.samples[430].speed_mps.unwrap() / base.samples[430].speed_mps.unwrap();
    assert!((ratio - 1.3).abs() < 1e-2, "{ratio}");
    let hr_gain =
        f64::from(run.samples[459].hr_bpm.unwrap()) - f64::from(base.samples[459].hr_bpm.unwrap());
    // 60 s towards +15 bpm with τ 25 s: ≈ 13.6 bpm.
    assert!((hr_gain - 13.6).abs() < 1.5, "{hr_gain}");
    let after = run.samples[700].speed_mps.unwrap() / base.samples[700].speed_mps.unwrap();
    assert!((after - 1.0).abs() < 1e-9);
}

#[test]
fn a_cadence_lock_puts_hr_on_the_step_rate() {
    let run = RunSpec::new(start(), 900)
        .hr(125.0, 125.0)
        .cadence_lock(400, 120)
        .build();
    for s in &run.samples[404..515] {
        let gap = f64::from(s.hr_bpm.unwrap()) - s.cadence_spm.unwrap();
        assert!(gap.abs() <= 2.5, "{gap}");
    }
    let before = f64::from(run.samples[390].hr_bpm.unwrap());
    let after = f64::from(run.samples[540].hr_bpm.unwrap());
    assert!(before < 135.0 && after < 135.0, "{before} {after}");
}

#[test]
fn spikes_are_single_seconds_above_the_curve() {
    let base = RunSpec::new(start(), 1200).build();
    let run = RunSpec::new(start(), 1200).hr_spikes(10).build();
    let diffs: Vec<(usize, i32)> = base
        .samples
        .iter()
        .zip(&run.samples)
        .enumerate()
        .map(|(i, (a, b))| {
            (
                i,
                i32::from(b.hr_bpm.unwrap()) - i32::from(a.hr_bpm.unwrap()),
            )
        })
        .filter(|&(_, d)| d != 0)
        .collect();
    assert_eq!(diffs.len(), 10, "{diffs:?}");
    assert!(
        diffs.iter().all(|&(_, d)| (40..=70).contains(&d)),
        "{diffs:?}"
    );
    assert!(diffs.windows(2).all(|w| w[1].0 - w[0].0 > 60));
}

#[test]
fn standing_still_keeps_the_timer_running() {
    let run = RunSpec::new(start(), 600).standstill(200, 120).build();
    assert_eq!(run.samples.len(), 601 + 120);
    assert_eq!(run.timer_s, Some(720.0));
    assert_eq!(run.record_span_s(), 720.0);
    assert_eq!(run.timer_events.len(), 2, "only start and the final stop");
    assert!(
        run.samples[201..321]
            .iter()
            .all(|s| s.speed_mps == Some(0.0))
    );
    assert!(run.samples[321].speed_mps.unwrap() > 2.0);
    let lap_timer: f64 = run.laps.iter().map(|l| l.timer_s.unwrap()).sum();
    assert_eq!(lap_timer, 720.0);
    // Heart rate eases while standing.
    assert!(run.samples[320].hr_bpm.unwrap() + 15 < run.samples[200].hr_bpm.unwrap());
}

#[test]
fn even_effort_hills_keep_grade_adjusted_speed() {
    let spec = RunSpec::new(start(), 1800)
        .hilly(12.0, 800.0)
        .hill_pacing(HillPacing::EvenEffort)
        .pace_variation(0.0);
    let run = spec.build();
    let flat = 1000.0 / spec.pace_s_per_km;
    let speeds: Vec<f64> = run.samples.iter().map(|s| s.speed_mps.unwrap()).collect();
    let (lo, hi) = speeds
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    // ±9.4 % grade at equal heart rate (Strava's model): 0.71× up, 1.14× down.
    assert!(
        lo < 0.75 * flat && hi > 1.1 * flat && hi < 1.2 * flat,
        "{lo} {hi}"
    );
    let hr: Vec<u16> = run.samples[600..]
        .iter()
        .map(|s| s.hr_bpm.unwrap())
        .collect();
    let spread = hr.iter().max().unwrap() - hr.iter().min().unwrap();
    assert!(spread < 15, "HR does not follow the hills: {spread}");
}
