//! The bundled fixtures read as `fixtures/manifest.json` says, and regenerating them
//! gives the same bytes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use easyrun::RawActivity;
use easyrun::ingest::read_path;
use easyrun::walk;
use easyrun_testkit::fixtures::{
    self, AVG_HR_TOLERANCE_BPM, DISTANCE_TOLERANCE_M, ExpectedActivity, Manifest,
};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn load_manifest() -> Manifest {
    let path = fixtures_dir().join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("manifest.json parses")
}

/// Every file under `dir` as a `/`-separated relative path, `manifest.json` excluded,
/// and `scenarios/`, `history_week/` and `session_truth/` too: they have their own
/// expectations and tests (tests/check_scenarios.rs, tests/cli_scan.rs,
/// tests/session_truth.rs); so are the regress baseline and
/// expectations (tests/regress.rs).
fn files_under(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if dir == root
                && path.file_name().is_some_and(|n| {
                    n == "scenarios" || n == "history_week" || n == "session_truth"
                })
            {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(rel.join("/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out.remove("manifest.json");
    // `easyrun regress`'s baseline and expectations of these fixtures (tests/regress.rs).
    out.remove("baseline.json");
    out.remove("expectations.toml");
    out
}

#[test]
fn manifest_covers_every_fixture_file() {
    let manifest = load_manifest();
    assert!(!manifest.files.is_empty(), "the manifest lists no fixtures");
    let mut listed = BTreeSet::new();
    for entry in &manifest.files {
        assert!(
            listed.insert(entry.path.clone()),
            "{} is listed twice",
            entry.path
        );
        let kinds = [
            entry.error.is_some(),
            !entry.activities.is_empty(),
            entry.skipped,
        ];
        assert!(
            kinds.iter().filter(|k| **k).count() == 1,
            "{}: needs exactly one of error / activities / skipped",
            entry.path
        );
        assert!(
            entry.member_errors.is_empty() || !entry.activities.is_empty(),
            "{}: member_errors come with activities",
            entry.path
        );
    }
    let on_disk = files_under(&fixtures_dir());
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty(),
        "fixtures not in the manifest: {unlisted:?}"
    );
    assert!(
        missing.is_empty(),
        "manifest entries without a file: {missing:?}"
    );
}

/// Compares one activity with its expected facts; returns what differs.
fn check(a: &RawActivity, e: &ExpectedActivity) -> Vec<String> {
    let mut bad = Vec::new();
    let mut fact = |ok: bool, name: &str, got: String| {
        if !ok {
            bad.push(format!("{name}: got {got}"));
        }
    };
    if let Some(member) = &e.member {
        fact(
            a.source.ends_with(member.as_str()),
            "member",
            a.source.clone(),
        );
    }
    fact(
        a.format.as_str() == e.format,
        "format",
        a.format.as_str().into(),
    );
    if let Some(sport) = &e.sport {
        let got = a.sport.as_ref().map(|s| s.as_str().to_string());
        fact(got.as_ref() == Some(sport), "sport", format!("{got:?}"));
    }
    if let Some(sub) = &e.sub_sport {
        let got = a.sub_sport.as_ref().map(|s| s.as_str().to_string());
        fact(got.as_ref() == Some(sub), "sub_sport", format!("{got:?}"));
    }
    let start = a.start_time.to_rfc3339();
    fact(start == e.start_time, "start_time", start);
    fact(
        a.samples.len() == e.records,
        "records",
        a.samples.len().to_string(),
    );
    let hrs: Vec<f64> = a
        .samples
        .iter()
        .filter_map(|s| s.hr_bpm)
        .map(f64::from)
        .collect();
    fact(
        hrs.len() == e.hr_samples,
        "hr_samples",
        hrs.len().to_string(),
    );
    if let Some(avg) = e.avg_hr_bpm {
        let got = hrs.iter().sum::<f64>() / hrs.len().max(1) as f64;
        fact(
            (got - avg).abs() <= AVG_HR_TOLERANCE_BPM,
            "avg_hr_bpm",
            got.to_string(),
        );
    }
    if let Some(max) = e.max_hr_bpm {
        let got = a.samples.iter().filter_map(|s| s.hr_bpm).max();
        fact(got == Some(max), "max_hr_bpm", format!("{got:?}"));
    }
    let span = a.record_span_s();
    fact(span == e.elapsed_s, "elapsed_s", span.to_string());
    if let Some(timer) = e.timer_s {
        fact(
            a.timer_s == Some(timer),
            "timer_s",
            format!("{:?}", a.timer_s),
        );
    }
    if let Some(d) = e.distance_m {
        let ok = a
            .distance_m
            .is_some_and(|got| (got - d).abs() <= DISTANCE_TOLERANCE_M);
        fact(ok, "distance_m", format!("{:?}", a.distance_m));
    }
    let gps = a.samples.iter().any(|s| s.position.is_some());
    fact(gps == e.has_gps, "has_gps", gps.to_string());
    let alt = a.samples.iter().any(|s| s.altitude_m.is_some());
    fact(alt == e.has_altitude, "has_altitude", alt.to_string());
    if let Some(n) = e.timer_events {
        fact(
            a.timer_events.len() == n,
            "timer_events",
            a.timer_events.len().to_string(),
        );
    }
    if let Some(n) = e.laps {
        fact(a.laps.len() == n, "laps", a.laps.len().to_string());
    }
    if let Some(w) = &e.watch_hr {
        let got = a.watch_hr.as_ref();
        let ok = got.is_some_and(|g| {
            (w.max_hr_bpm.is_none() || g.max_hr_bpm == w.max_hr_bpm)
                && (w.threshold_hr_bpm.is_none() || g.threshold_hr_bpm == w.threshold_hr_bpm)
                && (w.resting_hr_bpm.is_none() || g.resting_hr_bpm == w.resting_hr_bpm)
        });
        fact(ok, "watch_hr", format!("{got:?}"));
    }
    bad
}

/// `/`-separated paths relative to `dir`.
fn relative(dir: &Path, paths: &[PathBuf]) -> BTreeSet<String> {
    paths
        .iter()
        .filter_map(|p| p.strip_prefix(dir).ok())
        .map(|rel| {
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect()
}

#[test]
fn every_fixture_reads_as_the_manifest_says() {
    let manifest = load_manifest();
    let dir = fixtures_dir();
    let walk = walk::expand(std::slice::from_ref(&dir));
    let (walked, passed_over) = (relative(&dir, &walk.files), relative(&dir, &walk.skipped));
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for entry in &manifest.files {
        checked += 1;
        // A folder walk reads the activity files and passes over the skipped ones.
        let (expected_in, other) = if entry.skipped {
            (&passed_over, &walked)
        } else {
            (&walked, &passed_over)
        };
        if !expected_in.contains(&entry.path) || other.contains(&entry.path) {
            failures.push(format!(
                "{}: skipped {} in the manifest, not so in the folder walk",
                entry.path, entry.skipped
            ));
        }
        if entry.skipped {
            continue;
        }
        let results = read_path(&dir.join(&entry.path));
        if let Some(kind) = &entry.error {
            let kinds: Vec<String> = results
                .iter()
                .map(|r| match r {
                    Ok(a) => format!("ok({})", a.source),
                    Err(e) => e.error.kind().to_string(),
                })
                .collect();
            if kinds != [kind.clone()] {
                failures.push(format!("{}: expected [{kind}], got {kinds:?}", entry.path));
            }
            continue;
        }
        if results.len() != entry.activities.len() + entry.member_errors.len() {
            failures.push(format!(
                "{}: expected {} activities and {} member errors, got {} results",
                entry.path,
                entry.activities.len(),
                entry.member_errors.len(),
                results.len()
            ));
        }
        let errors: Vec<(String, String)> = results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|e| (e.source_name.clone(), e.error.kind().to_string()))
            .collect();
        let expected_errors = entry.member_errors.iter().map(|m| (&m.member, &m.error));
        if errors.len() != entry.member_errors.len()
            || !errors
                .iter()
                .zip(expected_errors)
                .all(|((source, kind), (member, want))| {
                    source.ends_with(member.as_str()) && kind == want
                })
        {
            failures.push(format!(
                "{}: member errors {errors:?}, expected {:?}",
                entry.path, entry.member_errors
            ));
        }
        let read: Vec<&RawActivity> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        for (i, (activity, expected)) in read.iter().zip(&entry.activities).enumerate() {
            for problem in check(activity, expected) {
                failures.push(format!("{} #{i}: {problem}", entry.path));
            }
        }
    }
    assert!(checked > 0, "no fixture was checked");
    assert!(
        failures.is_empty(),
        "{} problems in {checked} fixtures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn regenerating_fixtures_gives_identical_bytes() {
    let tmp = std::env::temp_dir().join(format!("easyrun-fixtures-regen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let fresh = fixtures::generate(&tmp).expect("fixtures generate");
    let committed = fixtures_dir();
    let result = std::panic::catch_unwind(|| {
        assert_eq!(fresh, load_manifest(), "manifest.json differs");
        assert_eq!(
            files_under(&tmp),
            files_under(&committed),
            "file sets differ"
        );
        let mut differ = Vec::new();
        for rel in files_under(&tmp)
            .iter()
            .chain(["manifest.json".to_string()].iter())
        {
            let a = std::fs::read(tmp.join(rel)).unwrap();
            let b = std::fs::read(committed.join(rel)).unwrap();
            if a != b {
                differ.push(rel.clone());
            }
        }
        assert!(
            differ.is_empty(),
            "regenerated fixtures differ (run `cargo run -p easyrun-testkit --example make_fixtures`): {differ:?}"
        );
    });
    let _ = std::fs::remove_dir_all(&tmp);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
