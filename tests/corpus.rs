#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Corpus regression: every real file under `fit/`, `gpx/` and `tcx/` of the corpus is
//! read through `easyrun::ingest::read_path` and compared with the independent Python
//! reference (`reference.jsonl`); every file under `bad/` must be read without a panic.
//!
//! Runs only when `EASYRUN_CORPUS` names the corpus folder; then it refuses to pass
//! having checked nothing. `EASYRUN_CORPUS_FORMATS=gpx,tcx` restricts it to some
//! formats (all folders, `bad/` included, by the reference's `format`).
//!
//! Per file, summed over all activities the file yields:
//! - `record_count`, `hr_samples`: exactly;
//! - `start_time` (first activity): the same instant at whole seconds;
//! - `avg_hr` (mean of all HR values, zeros included): within 0.5 bpm (we store whole
//!   bpm, the reference keeps `181.33` as written);
//! - `max_hr`: exactly, against the reference rounded to whole bpm;
//! - `elapsed_s` within 1 s: FIT the sum of the activities' elapsed time (the reference
//!   sums sessions); GPX/TCX last minus first sample in document order, as the
//!   reference does (negative for TCX files whose activities run backwards in time);
//! - `timer_s` (TCX only, sum of lap TotalTimeSeconds): within 0.01 s;
//! - `distance_m` where the reference states one: within 1 %.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use easyrun::RawActivity;
use easyrun::ingest::read_path;
use easyrun::model::Timestamp;
use serde_json::Value;

/// Deliberate disagreements with the reference: (path, field, our value, reason).
/// Each entry must still occur; a stale entry is itself a mismatch.
const ALLOWED: &[(&str, &str, &str, &str)] = &[
    // Two trackpoints at latitude 100° and 200° (an OpenTracks test file). We drop
    // impossible positions; gpxpy measures through them (39 506 km for a 5 s track).
    (
        "gpx/OpenTracksApp-OpenTracks__legacy_gpx_pause_resume.gpx",
        "distance_m",
        "333.13",
        "impossible latitudes are not positions",
    ),
    // Track 2 of 4 has 358 points and no timestamps at all (a route drawn next to the
    // recorded tracks). It is not an activity for us; gpxpy counts its points and length.
    (
        "gpx/tkrajina-gpxpy__korita-zbevnica.gpx",
        "record_count",
        "513",
        "a track without timestamps is not an activity",
    ),
    (
        "gpx/tkrajina-gpxpy__korita-zbevnica.gpx",
        "distance_m",
        "6261.54",
        "a track without timestamps is not an activity",
    ),
    // Every one of the 184 points carries the same time (the 32-bit minimum, 1901): no
    // duration, pace or curve can come from it. gpxpy reads it as a 0-s track.
    (
        "gpx/tkrajina-gpxpy__Mojstrovka.gpx",
        "read_error",
        "no_time_base",
        "one instant for the whole track is no time base",
    ),
    // FIT device-uptime timestamps (< 0x10000000) placed by the file's
    // timestamp_correlation (UTC 02:34:13 = uptime 69.109 s); fitdecode reads them as
    // 1989 dates.
    (
        "fit/gpsbabel-gpsbabel__garmin-virb-ultra-30.fit",
        "start_time",
        "2017-06-28T02:33:05.891Z",
        "device-uptime timestamps placed by timestamp_correlation",
    ),
    // The session states a start in 2037 for records of 2017 (a library's example
    // file): the records are what is analysed, so they give the start.
    (
        "fit/WahooFitness-node-fit__ExampleActivityFile.fit",
        "start_time",
        "2017-08-01T16:14:32Z",
        "a session start a day or more from the records gives way to the records",
    ),
];

fn formats_wanted() -> BTreeSet<String> {
    match std::env::var("EASYRUN_CORPUS_FORMATS") {
        Ok(list) => list
            .split(',')
            .map(|f| f.trim().to_ascii_lowercase())
            .filter(|f| !f.is_empty())
            .collect(),
        Err(_) => ["fit", "gpx", "tcx"]
            .iter()
            .map(|f| f.to_string())
            .collect(),
    }
}

fn load_reference(path: &Path) -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let value: Value = serde_json::from_str(line).expect("reference line is JSON");
            let key = value["path"].as_str().expect("reference path").to_string();
            (key, value)
        })
        .collect()
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

fn rel_name(dir: &str, path: &Path) -> String {
    format!(
        "{dir}/{}",
        path.file_name().expect("file name").to_string_lossy()
    )
}

/// Collects mismatches, letting through the allow-listed ones.
struct Checker {
    mismatches: Vec<String>,
    allowed_hits: BTreeSet<(String, String)>,
}

impl Checker {
    fn check(&mut self, path: &str, field: &str, ok: bool, ours: String, reference: &Value) {
        if ok {
            return;
        }
        let allowed = ALLOWED
            .iter()
            .any(|&(p, f, v, _)| p == path && f == field && v == ours);
        if allowed {
            self.allowed_hits
                .insert((path.to_string(), field.to_string()));
        } else {
            self.mismatches.push(format!(
                "{path}: {field}: ours {ours}, reference {reference}"
            ));
        }
    }
}

fn f2(x: f64) -> String {
    format!("{x:.2}")
}

fn opt_f2(x: Option<f64>) -> String {
    x.map_or_else(|| "none".to_string(), f2)
}

fn check_file(checker: &mut Checker, rel: &str, format: &str, path: &Path, r: &Value) {
    let mut activities: Vec<RawActivity> = Vec::new();
    let mut errors = 0;
    for result in read_path(path) {
        match result {
            Ok(activity) => activities.push(activity),
            Err(e) => {
                errors += 1;
                let kind = e.error.kind().to_string();
                checker.check(
                    rel,
                    "read_error",
                    false,
                    kind,
                    &Value::String(e.to_string()),
                );
            }
        }
    }
    if activities.is_empty() && errors > 0 {
        return;
    }
    if activities.is_empty() {
        checker.mismatches.push(format!("{rel}: no activity read"));
        return;
    }

    let records: usize = activities.iter().map(|a| a.samples.len()).sum();
    let hrs: Vec<f64> = activities
        .iter()
        .flat_map(|a| a.samples.iter().filter_map(|s| s.hr_bpm.map(f64::from)))
        .collect();

    let want = &r["record_count"];
    checker.check(
        rel,
        "record_count",
        want.as_u64() == Some(records as u64),
        records.to_string(),
        want,
    );
    let want = &r["hr_samples"];
    checker.check(
        rel,
        "hr_samples",
        want.as_u64() == Some(hrs.len() as u64),
        hrs.len().to_string(),
        want,
    );

    let want = &r["start_time"];
    if let Some(text) = want.as_str() {
        let ours = activities[0].start_time;
        let theirs = Timestamp::parse_rfc3339(text);
        let ok =
            theirs.is_some_and(|t| t.unix_ms().div_euclid(1000) == ours.unix_ms().div_euclid(1000));
        checker.check(rel, "start_time", ok, ours.to_rfc3339(), want);
    }

    let avg = (!hrs.is_empty()).then(|| hrs.iter().sum::<f64>() / hrs.len() as f64);
    let want = &r["avg_hr"];
    let ok = match (avg, want.as_f64()) {
        (Some(a), Some(b)) => (a - b).abs() <= 0.5,
        (None, None) => true,
        _ => false,
    };
    checker.check(rel, "avg_hr", ok, opt_f2(avg), want);

    let max = hrs.iter().copied().reduce(f64::max);
    let want = &r["max_hr"];
    let ok = match (max, want.as_f64()) {
        (Some(a), Some(b)) => a == b.round(),
        (None, None) => true,
        _ => false,
    };
    checker.check(rel, "max_hr", ok, opt_f2(max), want);

    let want = &r["elapsed_s"];
    if let Some(b) = want.as_f64() {
        let ours = if format == "fit" {
            activities.iter().map(|a| a.elapsed_s).sum::<Option<f64>>()
        } else {
            let first = activities.first().and_then(|a| a.samples.first());
            let last = activities.last().and_then(|a| a.samples.last());
            first
                .zip(last)
                .map(|(first, last)| last.time.seconds_since(first.time))
        };
        let ok = ours.is_some_and(|a| (a - b).abs() <= 1.0);
        checker.check(rel, "elapsed_s", ok, opt_f2(ours), want);
    }

    let want = &r["timer_s"];
    if format == "tcx"
        && let Some(b) = want.as_f64()
    {
        let ours = sum_present(activities.iter().map(|a| a.timer_s));
        let ok = ours.is_some_and(|a| (a - b).abs() <= 0.01);
        checker.check(rel, "timer_s", ok, opt_f2(ours), want);
    }

    let want = &r["distance_m"];
    if let Some(b) = want.as_f64() {
        let ours = sum_present(activities.iter().map(|a| a.distance_m));
        let ok = ours.is_some_and(|a| (a - b).abs() <= 0.01 * b.abs() + 0.01);
        checker.check(rel, "distance_m", ok, opt_f2(ours), want);
    }
}

fn sum_present(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    values
        .flatten()
        .fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
}

/// What reading a bad file gave, for the log.
fn describe(results: &[Result<RawActivity, easyrun::IngestError>]) -> String {
    let parts: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(a) => format!("activity({} samples)", a.samples.len()),
            Err(e) => format!("{}: {}", e.error.kind(), e.error),
        })
        .collect();
    if parts.is_empty() {
        "nothing".to_string()
    } else {
        parts.join("; ")
    }
}

#[test]
fn corpus_matches_reference() {
    let Some(root) = common::corpus() else {
        return;
    };
    let formats = formats_wanted();
    let reference = load_reference(&root.join("reference.jsonl"));
    let format_of = |rel: &str| -> String {
        reference
            .get(rel)
            .and_then(|r| r["format"].as_str())
            .unwrap_or("unknown")
            .to_string()
    };

    let mut checker = Checker {
        mismatches: Vec::new(),
        allowed_hits: BTreeSet::new(),
    };
    let mut checked = 0usize;
    for dir in ["fit", "gpx", "tcx"] {
        if !formats.contains(dir) {
            continue;
        }
        for path in files_in(&root.join(dir)) {
            let rel = rel_name(dir, &path);
            let Some(r) = reference.get(&rel) else {
                checker
                    .mismatches
                    .push(format!("{rel}: no reference entry"));
                continue;
            };
            let run = catch_unwind(AssertUnwindSafe(|| {
                let mut local = Checker {
                    mismatches: Vec::new(),
                    allowed_hits: BTreeSet::new(),
                };
                check_file(&mut local, &rel, dir, &path, r);
                local
            }));
            match run {
                Ok(local) => {
                    checker.mismatches.extend(local.mismatches);
                    checker.allowed_hits.extend(local.allowed_hits);
                }
                Err(_) => checker
                    .mismatches
                    .push(format!("{rel}: PANIC while reading")),
            }
            checked += 1;
        }
    }

    let mut bad_checked = 0usize;
    for path in files_in(&root.join("bad")) {
        let rel = rel_name("bad", &path);
        if !formats.contains(&format_of(&rel)) {
            continue;
        }
        match catch_unwind(AssertUnwindSafe(|| read_path(&path))) {
            Ok(results) => eprintln!("{rel}: {}", describe(&results)),
            Err(_) => checker
                .mismatches
                .push(format!("{rel}: PANIC while reading")),
        }
        bad_checked += 1;
    }

    for &(path, field, ours, reason) in ALLOWED {
        let enabled = path
            .split('/')
            .next()
            .is_some_and(|dir| formats.contains(dir));
        if !enabled {
            continue;
        }
        if checker
            .allowed_hits
            .contains(&(path.to_string(), field.to_string()))
        {
            eprintln!("allowed: {path}: {field} = {ours} ({reason})");
        } else {
            checker.mismatches.push(format!(
                "{path}: {field}: allow-list entry ({ours}) no longer needed or changed"
            ));
        }
    }

    eprintln!(
        "corpus: {checked} files compared, {bad_checked} bad files read, {} mismatches",
        checker.mismatches.len()
    );
    assert!(checked > 0, "the corpus test checked no files");
    assert!(bad_checked > 0, "the corpus test read no bad/ files");
    assert!(
        checker.mismatches.is_empty(),
        "{} mismatches:\n{}",
        checker.mismatches.len(),
        checker.mismatches.join("\n")
    );
}
