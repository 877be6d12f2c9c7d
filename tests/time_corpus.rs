//! Time and distance sanity on the real corpus (EASYRUN_CORPUS): device-uptime FIT
//! timestamps, clock jumps and steps, odometers that run back and forth, speed streams
//! stuck at 0, and files without a time base — each labelled case read as a coach
//! would, plus invariants over every activity.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};

use easyrun::analyze::{Analysis, Settings, analyze};
use easyrun::judge::{ClauseName, ClauseStatus, ReasonCode};
use easyrun::model::TimeBase;
use easyrun::report::schema::CheckRecord;

fn corpus() -> Option<PathBuf> {
    std::env::var_os("EASYRUN_CORPUS").map(PathBuf::from)
}

fn settings() -> Settings {
    Settings {
        flags: common::test_flags(),
        ..Settings::default()
    }
}

/// The only activity of one corpus file.
fn one(root: &Path, rel: &str) -> Analysis {
    let mut all: Vec<Analysis> = easyrun::ingest::read_path(&root.join(rel))
        .into_iter()
        .map(|r| analyze(&r.unwrap(), &settings()).unwrap())
        .collect();
    assert_eq!(all.len(), 1, "{rel}");
    all.remove(0)
}

fn reason(a: &Analysis, code: ReasonCode) -> Option<&easyrun::judge::Reason> {
    a.assessment.reasons.iter().find(|r| r.code == code)
}

fn close(got: f64, want: f64, rel_tol: f64) -> bool {
    (got - want).abs() <= rel_tol * want.abs()
}

#[test]
fn a_twenty_day_clock_jump_is_taken_out_and_said() {
    let Some(root) = corpus() else { return };
    // Forerunner 225, 56 min / 10.50 km; between two records the clock jumps from
    // 2017-02-22 to 2017-03-14 (Runalyze issue 2077: the run is of the 22nd).
    let a = one(&root, "fit/Runalyze-Runalyze__time-jump.fit");
    let r = reason(&a, ReasonCode::TimeRepaired).expect("time_repaired");
    assert!(
        r.message.contains("jumped 20 d 5 h forward"),
        "{}",
        r.message
    );
    assert_eq!(a.cleaning.clock_jumps.len(), 1);
    assert!(
        a.elapsed_s <= 3390.0 && a.elapsed_s >= 3380.0,
        "{}",
        a.elapsed_s
    );
    assert!(a.metrics.moving_s >= 3300, "{}", a.metrics.moving_s);
    assert!(
        close(a.metrics.distance_m, 10_496.97, 0.01),
        "{}",
        a.metrics.distance_m
    );
    assert_eq!(a.header.start_time.to_rfc3339(), "2017-02-22T09:04:45Z");
}

#[test]
fn a_clock_set_back_mid_ride_keeps_every_record() {
    let Some(root) = corpus() else { return };
    // A Sigma TCX steps back 65 s while the distance goes on (Runalyze issue 1948).
    let a = one(&root, "tcx/Runalyze-Runalyze__negative-pause.tcx");
    assert_eq!(a.cleaning.backwards_samples, 0, "nothing dropped");
    let j = a.cleaning.clock_jumps[0];
    assert!(!j.forward);
    assert_eq!(j.by_s, 70);
    let r = reason(&a, ReasonCode::TimeRepaired).expect("time_repaired");
    assert!(r.message.contains("set back 1 min"), "{}", r.message);
}

#[test]
fn device_uptime_timestamps_are_placed_or_the_start_is_unknown() {
    let Some(root) = corpus() else { return };
    // VIRB Ultra 30: uptime records, a timestamp_correlation (UTC 02:34:13 = uptime
    // 69.109 s) and file_id.time_created 02:33:04 that agrees with it.
    let a = one(&root, "fit/gpsbabel-gpsbabel__garmin-virb-ultra-30.fit");
    assert_eq!(a.header.time_base, TimeBase::Correlated);
    assert_eq!(a.header.start_time.to_rfc3339(), "2017-06-28T02:33:05.891Z");
    // Forerunner 70 files: uptime everywhere, time_created too — nothing dates them.
    for rel in [
        "fit/dtcooper-python-fitparse__antfs-dump.63.fit",
        "fit/dtcooper-python-fitparse__compressed-speed-distance.fit",
    ] {
        let a = one(&root, rel);
        assert_eq!(a.header.time_base, TimeBase::Uptime, "{rel}");
        assert!(reason(&a, ReasonCode::StartUnknown).is_some(), "{rel}");
        let timing = a
            .assessment
            .clauses
            .iter()
            .find(|c| c.clause == ClauseName::Timing)
            .unwrap();
        assert_eq!(timing.status, ClauseStatus::NotCheckable);
        assert!(timing.why.as_deref().unwrap().contains("start unknown"));
        let json = serde_json::to_value(CheckRecord::of(&a)).unwrap();
        assert_eq!(json["start_time"], serde_json::Value::Null, "{rel}");
        // Durations are right: 57 min recorded, judged as such.
        assert!(a.metrics.moving_s > 3400, "{rel}");
    }
}

#[test]
fn a_speed_stuck_at_zero_loses_no_moving_time() {
    let Some(root) = corpus() else { return };
    // Forerunner 410 TCX: <Speed>0.0 for the first 279 points while DistanceMeters
    // rises; the laps state 8000 m in 49:36 of timer time.
    let a = one(&root, "tcx/jmackie-activityio__c2eb1b_8.tcx");
    assert!(a.cleaning.speed_from_distance_s > 1000);
    assert!(a.metrics.moving_s >= 2800, "{}", a.metrics.moving_s);
    assert!(
        close(a.metrics.distance_m, 8000.15, 0.02),
        "{}",
        a.metrics.distance_m
    );
}

#[test]
fn odometers_that_run_back_and_forth_are_not_summed() {
    let Some(root) = corpus() else { return };
    // Edge 1030 Plus: two distance streams interleaved record by record (41.3 km read
    // before for a 14.92 km ride).
    let a = one(&root, "fit/GoldenCheetah-GoldenCheetah__14582164182.fit.gz");
    assert!(
        close(a.metrics.distance_m, 14_921.2, 0.01),
        "{}",
        a.metrics.distance_m
    );
    // A library's example file whose odometer swings by kilometres (1 220 km before):
    // rebuilt from its speed (8–9 m/s for 57 min).
    let a = one(&root, "fit/WahooFitness-node-fit__ExampleActivityFile.fit");
    assert!(a.cleaning.distance_from_speed);
    assert!(
        a.metrics.distance_m > 25_000.0 && a.metrics.distance_m < 35_000.0,
        "{}",
        a.metrics.distance_m
    );
    assert_eq!(a.header.start_time.to_rfc3339(), "2017-08-01T16:14:32Z");
}

#[test]
fn one_instant_for_a_whole_track_is_a_typed_error_naming_the_file() {
    let Some(root) = corpus() else { return };
    let results = easyrun::ingest::read_path(&root.join("gpx/tkrajina-gpxpy__Mojstrovka.gpx"));
    let e = results[0].as_ref().unwrap_err();
    assert_eq!(e.error.kind(), "no_time_base");
    assert!(e.to_string().contains("Mojstrovka.gpx"), "{e}");
}

#[test]
fn moving_never_exceeds_elapsed_and_check_and_scan_agree_on_distance() {
    let Some(root) = corpus() else { return };
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in ["fit", "gpx", "tcx"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            paths.push(e.unwrap().path());
        }
    }
    paths.sort();
    let settings = settings();
    let mut checked = 0;
    for path in &paths {
        for raw in easyrun::ingest::read_path(path).into_iter().flatten() {
            let a = analyze(&raw, &settings).unwrap();
            assert!(
                f64::from(a.metrics.moving_s) <= a.elapsed_s + 1.0,
                "{}: moving {} of elapsed {}",
                a.header.source,
                a.metrics.moving_s,
                a.elapsed_s
            );
            // scan's facts and check's metrics read one distance.
            let activity = easyrun::clean::clean_with(&raw, Some(190.0));
            assert!((activity.moving_distance_m() - a.metrics.distance_m).abs() < 1e-6);
            if a.metrics.moving_s >= 60 && a.assessment.verdict == easyrun::judge::Verdict::Pass {
                assert!(
                    a.metrics.hr_coverage.unwrap_or(0.0) > 0.5,
                    "{}",
                    a.header.source
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 250, "{checked}");
}
