//! The numbers behind each signal fixture's verdict (issue 10; `fixtures/signal/`, made
//! by `crates/testkit/src/signal.rs`). `tests/check_scenarios.rs` holds the verdicts and
//! reason codes; here every file is read from disk, cleaned and judged through the
//! library, and compared with the run the writer encoded (its true heart rate,
//! distance and altitude before the artifact or the clock fault was added).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};

use easyrun::analyze::{Analysis, Settings, analyze};
use easyrun::judge::{ClauseName, ClauseStatus, ReasonCode, Verdict};
use easyrun::metrics::terrain::TerrainClass;
use easyrun::model::{AltitudeTreatment, RawActivity, TimeBase};
use easyrun::report::schema::CheckRecord;
use easyrun_testkit::signal::{SignalFile, signal_files};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("signal")
}

fn settings() -> Settings {
    Settings {
        flags: common::test_flags(),
        ..Settings::default()
    }
}

/// The committed file `name`, read and judged, and the writer's record of it.
fn judged(name: &str) -> (Analysis, SignalFile) {
    let mut read = easyrun::ingest::read_path(&dir().join(name));
    assert_eq!(read.len(), 1, "{name}: one activity");
    let raw = read.remove(0).unwrap_or_else(|e| panic!("{name}: {e}"));
    let analysis = analyze(&raw, &settings()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let file = signal_files()
        .into_iter()
        .find(|f| f.path == name)
        .unwrap_or_else(|| panic!("{name} is no signal fixture"));
    (analysis, file)
}

fn has(a: &Analysis, code: ReasonCode) -> bool {
    a.assessment.reasons.iter().any(|r| r.code == code)
}

fn clause(a: &Analysis, name: ClauseName) -> ClauseStatus {
    a.assessment
        .clauses
        .iter()
        .find(|c| c.clause == name)
        .map(|c| c.status)
        .unwrap_or_else(|| panic!("no {name:?} clause"))
}

/// The true heart rate under the artifacts: the highest reading outside `bursts`
/// (moving-time windows the writer overwrote), from the encoded run itself.
fn true_max_hr(run: &RawActivity, bursts: &[(i64, i64)]) -> f64 {
    let t0 = run.samples[0].time.0;
    run.samples
        .iter()
        .filter(|s| {
            let t = (s.time.0 - t0) / 1000;
            !bursts.iter().any(|&(a, len)| t >= a - 2 && t < a + len + 2)
        })
        .filter_map(|s| s.hr_bpm)
        .map(f64::from)
        .fold(0.0, f64::max)
}

/// The writer's odometer at the last record: the distance actually covered.
fn true_distance_m(run: &RawActivity) -> f64 {
    run.samples
        .iter()
        .rev()
        .find_map(|s| s.distance_m)
        .expect("the writer's run has an odometer")
}

fn within(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs()
}

#[test]
fn hr_spikes_above_the_given_max_are_removed_and_never_set_the_max() {
    let (a, f) = judged("hr_spikes_max_given.fit");
    // Six bursts at 205–240 bpm of 1, 3, 6, 10, 15 and 2 s (37 s in all).
    let bursts = [
        (420, 1),
        (700, 3),
        (1000, 6),
        (1300, 10),
        (1650, 15),
        (1900, 2),
    ];
    let truth = true_max_hr(&f.run, &bursts);
    let max = a.metrics.max_hr_bpm.expect("a max HR");
    assert!(
        (max - truth).abs() <= 3.0,
        "clean max {max} vs true {truth}"
    );
    // Every burst second is untrusted, and little else is.
    let c = &a.cleaning;
    let untrusted = c.hr_artifact_removed_s() + c.hr_bridged_s;
    assert!((37..=60).contains(&untrusted), "artifact {untrusted} s");
    // None lasts longer than the 15-s bridge: each is replaced by a line between the
    // trusted readings either side (bridged), none left as a hole.
    assert!(
        (37..=45).contains(&c.hr_bridged_s),
        "bridged {} s",
        c.hr_bridged_s
    );
    // No second above the ceiling or in a zone above Z1.
    let ceiling = a.metrics.ceiling.as_ref().expect("ceiling");
    assert_eq!(ceiling.above_s, 0);
    let zones = a.metrics.zones.as_ref().expect("zones");
    assert_eq!(zones.seconds[1..].iter().sum::<u32>(), 0, "{zones:?}");
    assert_eq!(a.assessment.verdict, Verdict::Pass);
    assert_eq!(clause(&a, ClauseName::Intensity), ClauseStatus::Checked);
}

#[test]
fn a_swing_and_return_is_an_artifact_not_forty_seconds_too_hard() {
    let (a, f) = judged("hr_swing_return.fit");
    let truth = true_max_hr(&f.run, &[(1200, 40)]);
    let max = a.metrics.max_hr_bpm.expect("a max HR");
    assert!(
        (max - truth).abs() <= 3.0,
        "clean max {max} vs true {truth}"
    );
    let c = &a.cleaning;
    let untrusted = c.hr_artifact_removed_s() + c.hr_bridged_s;
    assert!((40..=60).contains(&untrusted), "artifact {untrusted} s");
    assert!(c.hr_swing_s >= 30, "swing {} s", c.hr_swing_s);
    assert_eq!(a.metrics.ceiling.as_ref().expect("ceiling").above_s, 0);
    assert!(!has(&a, ReasonCode::TooHard));
    assert!(!has(&a, ReasonCode::HrUnreliable));
}

#[test]
fn run_walk_restarts_are_no_surges_and_walking_is_moving() {
    let (a, f) = judged("run_walk_trail.fit");
    assert!(a.metrics.surges.is_empty(), "{:?}", a.metrics.surges);
    // Eight 1-min walks at ~14 min/km are moving time: 40 min in all.
    assert!(
        a.metrics.moving_s.abs_diff(2400) <= 10,
        "{}",
        a.metrics.moving_s
    );
    assert!(
        within(a.metrics.distance_m, true_distance_m(&f.run), 0.02),
        "{} vs {}",
        a.metrics.distance_m,
        true_distance_m(&f.run)
    );
    assert_eq!(clause(&a, ClauseName::Steadiness), ClauseStatus::Checked);
}

#[test]
fn stops_at_lights_are_not_moving_and_their_restarts_no_surges() {
    let (a, _) = judged("city_lights.fit");
    assert!(a.metrics.surges.is_empty(), "{:?}", a.metrics.surges);
    // Six stops of 45, 30, 75, 40, 60 and 35 s (285 s) with the timer running.
    let stopped = a.cleaning.stopped_s;
    assert!(stopped.abs_diff(285) <= 30, "stopped {stopped} s");
    assert!(
        a.metrics.moving_s.abs_diff(2100) <= 30,
        "{}",
        a.metrics.moving_s
    );
    assert!(f64::from(a.metrics.moving_s) <= a.elapsed_s);
    assert!(
        (a.elapsed_s - f64::from(a.metrics.moving_s) - f64::from(stopped)).abs() <= 5.0,
        "elapsed {} = moving {} + stopped {stopped}",
        a.elapsed_s,
        a.metrics.moving_s
    );
    // The road breaks the surface clause (a warning), nothing else does.
    assert_eq!(clause(&a, ClauseName::Surface), ClauseStatus::Broken);
    assert_eq!(a.assessment.verdict, Verdict::Warn);
}

/// Ascent of the writer's altitude with `hysteresis_m` (a climb counts once it rises
/// that far above the last low).
fn true_ascent_m(run: &RawActivity, hysteresis_m: f64) -> f64 {
    let mut alts = run.samples.iter().filter_map(|s| s.altitude_m);
    let Some(first) = alts.next() else { return 0.0 };
    let (mut anchor, mut up, mut ascent) = (first, true, 0.0);
    for alt in alts {
        if up {
            if alt > anchor {
                ascent += alt - anchor;
                anchor = alt;
            } else if anchor - alt >= hysteresis_m {
                up = false;
                anchor = alt;
            }
        } else if alt < anchor {
            anchor = alt;
        } else if alt - anchor >= hysteresis_m {
            ascent += alt - anchor;
            up = true;
            anchor = alt;
        }
    }
    ascent
}

#[test]
fn power_hiked_hills_fail_the_terrain_with_no_surges() {
    let (a, f) = judged("power_hike_hills.fit");
    assert!(a.metrics.surges.is_empty(), "{:?}", a.metrics.surges);
    assert_eq!(a.metrics.terrain.class, Some(TerrainClass::Hilly));
    let ascent = a.metrics.terrain.ascent_m.expect("ascent");
    let truth = true_ascent_m(&f.run, 2.0);
    assert!(within(ascent, truth, 0.1), "ascent {ascent} vs {truth}");
    assert_eq!(a.cleaning.altitude, AltitudeTreatment::Barometric);
    assert_eq!(clause(&a, ClauseName::Terrain), ClauseStatus::Broken);
    assert_eq!(clause(&a, ClauseName::Steadiness), ClauseStatus::Checked);
    // Steady HR: the hikes are within the ceiling.
    assert_eq!(a.metrics.ceiling.as_ref().expect("ceiling").above_s, 0);
}

#[test]
fn a_noisy_phone_track_is_not_hilly_has_no_surges_and_no_extra_distance() {
    let (a, f) = judged("phone_noisy.gpx");
    assert!(a.metrics.surges.is_empty(), "{:?}", a.metrics.surges);
    assert_eq!(a.cleaning.altitude, AltitudeTreatment::Gps);
    assert_ne!(a.metrics.terrain.class, Some(TerrainClass::Hilly));
    let truth = true_distance_m(&f.run);
    assert!(
        within(a.metrics.distance_m, truth, 0.03),
        "distance {} vs true {truth}",
        a.metrics.distance_m
    );
    // A GPX says nothing of the surface: said, and the clause not checked.
    assert!(has(&a, ReasonCode::SurfaceUnknown));
    assert_eq!(clause(&a, ClauseName::Surface), ClauseStatus::NotCheckable);
}

#[test]
fn smart_recording_is_bridged_without_losing_time_or_distance() {
    let (a, f) = judged("smart_recording.fit");
    assert!(
        a.metrics.moving_s.abs_diff(2100) <= 10,
        "{}",
        a.metrics.moving_s
    );
    assert!(
        within(a.metrics.distance_m, true_distance_m(&f.run), 0.01),
        "{} vs {}",
        a.metrics.distance_m,
        true_distance_m(&f.run)
    );
    assert!(a.metrics.hr_coverage.expect("coverage") >= 0.99);
    assert!(a.metrics.surges.is_empty(), "{:?}", a.metrics.surges);
}

#[test]
fn uptime_timestamps_without_an_anchor_leave_the_start_unknown() {
    let (a, _) = judged("uptime_unknown_start.fit");
    assert_eq!(a.header.time_base, TimeBase::Uptime);
    assert!(has(&a, ReasonCode::StartUnknown));
    assert_eq!(clause(&a, ClauseName::Timing), ClauseStatus::NotCheckable);
    // The run itself is whole: 35 min judged.
    assert!(a.metrics.moving_s.abs_diff(2100) <= 5);
    let record = serde_json::to_value(CheckRecord::of(&a)).unwrap();
    assert!(record["start_time"].is_null(), "{}", record["start_time"]);
    assert!(record["local_start_time"].is_null());
}

#[test]
fn uptime_timestamps_with_a_correlation_are_placed_to_the_millisecond() {
    let (a, _) = judged("uptime_correlated.fit");
    assert_eq!(a.header.time_base, TimeBase::Correlated);
    assert!(!has(&a, ReasonCode::StartUnknown));
    // The correlation ties uptime + 60 s to 2025-06-26T07:01:00.5Z.
    assert_eq!(a.header.start_time.to_rfc3339(), "2025-06-26T07:00:00.500Z");
    // The activity's local_timestamp is on the same uptime clock: their difference (0)
    // is an offset, not a placement gone wrong; the start position corrects the UTC.
    assert_eq!(a.header.local.utc_offset_s, 7200, "{:?}", a.header.local);
    let note = a.header.local.note.clone().unwrap_or_default();
    assert!(!note.contains("beyond"), "{note}");
    assert!(a.metrics.moving_s.abs_diff(2100) <= 5);
}

#[test]
fn a_clock_set_back_is_re_timed_not_dropped() {
    let (a, f) = judged("clock_set_back.fit");
    let jumps = &a.cleaning.clock_jumps;
    assert_eq!(jumps.len(), 1, "{jumps:?}");
    assert!(!jumps[0].forward);
    assert_eq!(jumps[0].by_s.abs(), 600);
    assert!(jumps[0].at_s.abs_diff(900) <= 2, "{}", jumps[0].at_s);
    assert_eq!(a.cleaning.backwards_dropped_s, 0);
    assert!(a.metrics.moving_s.abs_diff(2100) <= 5);
    assert!(within(a.metrics.distance_m, true_distance_m(&f.run), 0.01));
    assert!(has(&a, ReasonCode::TimeRepaired));
}

#[test]
fn a_year_jump_is_taken_out_and_the_whole_run_judged() {
    let (a, f) = judged("clock_year_jump.fit");
    let jumps = &a.cleaning.clock_jumps;
    assert_eq!(jumps.len(), 1, "{jumps:?}");
    assert!(jumps[0].forward);
    assert_eq!(jumps[0].by_s, 365 * 86_400);
    assert!(jumps[0].at_s.abs_diff(720) <= 2, "{}", jumps[0].at_s);
    assert!((a.elapsed_s - 2100.0).abs() <= 5.0, "{}", a.elapsed_s);
    assert!(a.metrics.moving_s.abs_diff(2100) <= 5);
    assert!(within(a.metrics.distance_m, true_distance_m(&f.run), 0.01));
    assert_eq!(a.header.start_time.to_rfc3339(), "2025-07-02T07:00:00Z");
}
