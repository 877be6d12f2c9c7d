//! `easyrun scan` end to end: the history week, exports, determinism across thread
//! counts, errors mid-batch, formats, the max-HR estimate, duplicates, exit codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{easyrun, jsonl, temp_dir};

use std::path::{Path, PathBuf};

use serde_json::Value;

fn activities(lines: &[Value]) -> Vec<&Value> {
    lines.iter().filter(|l| l.get("class").is_some()).collect()
}

#[test]
fn the_history_week_is_classified_and_its_recovery_runs_judged() {
    let expected: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string("fixtures/history_week/expected.json").unwrap(),
    )
    .unwrap();
    assert_eq!(expected.len(), 6);
    // The file names do not sort by date: the order must come from the start times.
    let mut names: Vec<&str> = expected
        .iter()
        .map(|e| e["file"].as_str().unwrap())
        .collect();
    let by_date = names.clone();
    names.sort();
    assert_ne!(names, by_date);

    let out = easyrun(&[
        "scan",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--format",
        "jsonl",
        "fixtures/history_week",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = jsonl(&out);
    let acts = activities(&lines);
    assert_eq!(acts.len(), 6);
    for (got, want) in acts.iter().zip(&expected) {
        let file = want["file"].as_str().unwrap();
        assert!(
            got["source"].as_str().unwrap().ends_with(file),
            "order: {} vs {file}",
            got["source"]
        );
        assert_eq!(got["start_time"], want["start_time"], "{file}");
        assert_eq!(got["class"], want["class"], "{file}");
        assert_eq!(got["verdict"], want["verdict"], "{file}");
        match want["recovers_from"].as_str() {
            Some(from) => {
                assert!(
                    got["recovers_from"]["source"]
                        .as_str()
                        .unwrap()
                        .ends_with(from),
                    "{file}"
                );
                let h = got["recovers_from"]["hours_since_end"].as_f64().unwrap();
                assert!(h > 0.0 && h < 24.0, "{file}: {h} h");
                assert_eq!(got["intent"], "placement");
            }
            None => assert!(
                got["recovers_from"].is_null(),
                "{file}: {}",
                got["recovers_from"]
            ),
        }
        if got["verdict"].is_null() {
            assert_eq!(
                got["reasons"],
                Value::Array(vec![]),
                "{file}: unjudged runs carry no reasons"
            );
        }
    }
    // Sunday recovers from Saturday's long run, which ended 22.5 h before.
    let sunday = acts[1];
    assert!((sunday["recovers_from"]["hours_since_end"].as_f64().unwrap() - 21.67).abs() < 0.1);
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["recovery"]["judged"], 2);
    assert_eq!(summary["recovery"]["pass"], 2);
    assert_eq!(summary["by_class"]["long"], 2);
    assert_eq!(summary["weeks"].as_array().unwrap().len(), 2);
}

#[test]
fn output_is_identical_at_any_thread_count() {
    let run = |jobs: &str| {
        easyrun(&[
            "scan",
            "--max-hr",
            "190",
            "--rest-hr",
            "50",
            "--format",
            "jsonl",
            "-j",
            jobs,
            "fixtures",
        ])
        .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("2"));
    assert_eq!(one, run("4"));
}

#[test]
fn a_broken_file_in_the_middle_does_not_stop_the_scan() {
    let out = easyrun(&[
        "scan",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--format",
        "jsonl",
        "fixtures",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "unreadable files: exit 2 by default"
    );
    let lines = jsonl(&out);
    let errors: Vec<&Value> = lines.iter().filter(|l| l.get("error").is_some()).collect();
    assert_eq!(errors.len(), 7, "fixtures/bad minus the 4 non-activities");
    assert!(activities(&lines).len() > 40);
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["errors"], 7);
    // settings.fit, route_only.gpx, track_without_times.gpx, course.tcx, the Garmin
    // monitoring and sleep files, the Strava CSV and route: skipped, not errors.
    assert!(
        summary["skipped"].as_u64().unwrap() >= 8,
        "{}",
        summary["skipped"]
    );
    let never = easyrun(&[
        "scan",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--fail-on",
        "never",
        "--format",
        "csv",
        "fixtures",
    ]);
    assert_eq!(never.status.code(), Some(0));
}

#[test]
fn strava_labels_name_the_runs_and_routes_are_skipped() {
    let out = easyrun(&[
        "scan",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--format",
        "json",
        "fixtures/strava_export",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let acts = doc["activities"].as_array().unwrap();
    assert_eq!(acts.len(), 4);
    assert!(
        acts.iter()
            .all(|a| !a["source"].as_str().unwrap().contains("routes/"))
    );
    let named = acts
        .iter()
        .find(|a| a["name"] == "Easy, slow recovery")
        .unwrap();
    assert_eq!(named["class"], "recovery");
    assert_eq!(named["intent"], "name");
    assert!(named["verdict"].is_string());
    let skipped: Vec<&str> = doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert!(
        skipped.iter().any(|s| s.ends_with("activities.csv")),
        "{skipped:?}"
    );
    assert!(
        skipped.iter().any(|s| s.contains("/routes/")),
        "{skipped:?}"
    );
}

#[test]
fn garmin_non_activity_files_are_skipped_not_errors() {
    let out = easyrun(&[
        "scan",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--format",
        "json",
        "fixtures/garmin_export.zip",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["activities"].as_array().unwrap().len(), 2);
    assert_eq!(doc["errors"].as_array().unwrap().len(), 0);
    assert_eq!(doc["skipped"].as_array().unwrap().len(), 2);
}

#[test]
fn max_hr_is_estimated_from_the_history_when_not_given() {
    let out = easyrun(&["scan", "--format", "jsonl", "fixtures/history_week"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let lines = jsonl(&out);
    let acts = activities(&lines);
    assert_eq!(acts.len(), 6);
    for a in &acts {
        assert_eq!(
            a["thresholds"]["max_hr_bpm"]["source"]["kind"],
            "history_estimate"
        );
    }
    let est = &lines.last().unwrap()["summary"]["max_hr_estimate"];
    let bpm = est["bpm"].as_f64().unwrap();
    // The intervals reach ~170 bpm for minutes; the 1-s maximum is not the estimate.
    assert!((160.0..185.0).contains(&bpm), "{bpm}");
    let text = easyrun(&["scan", "fixtures/history_week"]);
    assert!(
        String::from_utf8(text.stdout)
            .unwrap()
            .contains("max HR not configured: estimated")
    );
}

#[test]
fn a_fit_and_its_gpx_twin_count_once() {
    use easyrun::model::Timestamp;
    use easyrun_testkit::{fit, gpx, synth::RunSpec};
    let dir = temp_dir("twins");
    let run = RunSpec::new(
        Timestamp::parse_rfc3339("2025-06-01T07:00:00Z").unwrap(),
        1800,
    )
    .hr(125.0, 130.0)
    .seed(3)
    .build();
    std::fs::write(
        dir.join("b_run.fit"),
        fit::encode(&run, &fit::FitOptions::garmin(3990)),
    )
    .unwrap();
    std::fs::write(
        dir.join("a_run.gpx"),
        gpx::encode(&run, gpx::GpxFlavour::GarminConnect),
    )
    .unwrap();
    let out = easyrun(&[
        "scan",
        "--max-hr",
        "190",
        "--format",
        "json",
        dir.to_str().unwrap(),
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let acts = doc["activities"].as_array().unwrap();
    assert_eq!(acts.len(), 1);
    assert!(
        acts[0]["source"].as_str().unwrap().ends_with("b_run.fit"),
        "FIT is kept"
    );
    let dups = doc["summary"]["duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1);
    assert!(dups[0]["source"].as_str().unwrap().ends_with("a_run.gpx"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn csv_and_output_file() {
    let dir = temp_dir("csv");
    let target = dir.join("runs.csv");
    let out = easyrun(&[
        "scan",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--format",
        "csv",
        "-o",
        target.to_str().unwrap(),
        "fixtures/history_week",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&target).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 7);
    assert!(
        rows[0].starts_with(
            "schema_version,status,source,start_time,sport,name,class,judged,verdict,reasons"
        ),
        "{}",
        rows[0]
    );
    assert!(
        rows[0].ends_with(",error_kind,error_message"),
        "{}",
        rows[0]
    );
    assert!(rows[2].starts_with("2,ok,"), "{}", rows[2]);
    assert!(rows[2].contains(",recovery,true,pass,"), "{}", rows[2]);
    let leftovers: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        leftovers,
        vec![target.clone()],
        "no temporary file left behind"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_output_that_cannot_be_written_is_no_input_error() {
    let dir = temp_dir("unwritable");
    let target = dir.join("no-such-folder").join("runs.csv");
    let out = easyrun(&[
        "scan",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "-o",
        target.to_str().unwrap(),
        "fixtures/history_week",
    ]);
    assert_eq!(out.status.code(), Some(4), "output failed, input fine");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The path and the cause, naming the missing folder.
    assert_eq!(
        stderr.trim_end(),
        format!(
            "easyrun: error: cannot write {}: the folder {} does not exist",
            target.display(),
            dir.join("no-such-folder").display()
        )
    );
    // A folder given as the output file.
    let out = easyrun(&[
        "report",
        "-o",
        dir.to_str().unwrap(),
        "fixtures/history_week",
    ]);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        format!(
            "easyrun: error: cannot write {}: it is a folder; name a file",
            dir.display()
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fail_on_chooses_what_makes_the_exit_status() {
    // A 70-min run the morning after the Saturday long run: a failed recovery run.
    use easyrun::model::Timestamp;
    use easyrun_testkit::{fit, synth::RunSpec};
    let dir = temp_dir("failon");
    let t = |s: &str| Timestamp::parse_rfc3339(s).unwrap();
    let long = RunSpec::new(t("2025-05-03T07:00:00Z"), 110 * 60)
        .hr(128.0, 134.0)
        .seed(1)
        .build();
    let next = RunSpec::new(t("2025-05-04T07:00:00Z"), 70 * 60)
        .hr(126.0, 130.0)
        .seed(2)
        .build();
    let opts = fit::FitOptions::garmin(3990);
    std::fs::write(dir.join("long.fit"), fit::encode(&long, &opts)).unwrap();
    std::fs::write(dir.join("next.fit"), fit::encode(&next, &opts)).unwrap();
    let d = dir.to_str().unwrap();
    let code = |fail_on: &str| {
        easyrun(&[
            "scan",
            "--max-hr",
            "190",
            "--rest-hr",
            "50",
            "--format",
            "csv",
            "--fail-on",
            fail_on,
            d,
        ])
        .status
        .code()
    };
    assert_eq!(code("error"), Some(0));
    assert_eq!(code("fail"), Some(1));
    assert_eq!(code("warn"), Some(1));
    assert_eq!(code("never"), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(Path::new("fixtures").is_dir());
}

#[test]
fn regenerating_the_history_week_gives_identical_bytes() {
    let dir = temp_dir("week-regen");
    let expected = easyrun_testkit::week::generate(&dir).unwrap();
    for e in &expected {
        let fresh = std::fs::read(dir.join(e.file)).unwrap();
        let committed = std::fs::read(Path::new("fixtures/history_week").join(e.file)).unwrap();
        assert!(
            fresh == committed,
            "{} differs from its regenerated bytes",
            e.file
        );
    }
    let json = |p: &Path| std::fs::read_to_string(p.join("expected.json")).unwrap();
    assert_eq!(json(&dir), json(Path::new("fixtures/history_week")));
    let _ = std::fs::remove_dir_all(&dir);
}
