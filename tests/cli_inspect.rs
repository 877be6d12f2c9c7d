//! `easyrun inspect` end to end on the bundled fixtures: keys, values, error objects,
//! exit codes, and identical output at any thread count.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{easyrun, jsonl};

use std::path::Path;

use serde_json::Value;

#[test]
fn jsonl_summary_has_the_promised_keys_and_values() {
    let out = easyrun(&[
        "inspect",
        "--format",
        "jsonl",
        "fixtures/easy_run_watch_hr.fit",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let items = jsonl(&out);
    assert_eq!(items.len(), 1);
    let a = &items[0];
    for key in [
        "source",
        "format",
        "file_type",
        "manufacturer",
        "product",
        "sport",
        "sub_sport",
        "start_time",
        "elapsed_s",
        "timer_s",
        "distance_m",
        "records",
        "hr",
        "has_gps",
        "has_altitude",
        "watch_hr_settings",
    ] {
        assert!(a.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(a["format"], "fit");
    assert_eq!(a["file_type"], "activity");
    assert_eq!(a["manufacturer"], "garmin");
    assert_eq!(a["sport"], "running");
    assert_eq!(a["start_time"], "2025-10-05T06:12:00Z");
    assert_eq!(a["records"], 1801);
    assert_eq!(a["hr"]["samples"], 1801);
    assert_eq!(a["hr"]["max_bpm"], 137);
    assert_eq!(a["watch_hr_settings"]["max_hr_bpm"], 186);
    assert_eq!(a["watch_hr_settings"]["threshold_hr_bpm"], 169);
    assert_eq!(a["watch_hr_settings"]["resting_hr_bpm"], 46);
}

#[test]
fn broken_files_become_error_objects_and_exit_2() {
    let out = easyrun(&[
        "inspect",
        "--format",
        "jsonl",
        "fixtures/bad",
        "fixtures/paused_run.fit",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let items = jsonl(&out);
    let errors: Vec<&Value> = items.iter().filter(|i| i.get("error").is_some()).collect();
    assert_eq!(errors.len(), 11, "every file in fixtures/bad is one error");
    for e in &errors {
        let source = e["source"].as_str().unwrap();
        assert!(source.starts_with("fixtures/bad/"), "{source}");
        assert!(e["error"]["message"].as_str().unwrap().contains(source));
    }
    let kind = |name: &str| {
        errors
            .iter()
            .find(|e| e["source"].as_str().unwrap().ends_with(name))
            .map(|e| e["error"]["kind"].as_str().unwrap().to_string())
    };
    assert_eq!(kind("bad_crc.fit").as_deref(), Some("bad_crc"));
    assert_eq!(kind("empty.fit").as_deref(), Some("empty"));
    assert_eq!(kind("settings.fit").as_deref(), Some("not_an_activity"));
    assert_eq!(kind("truncated.zip").as_deref(), Some("corrupt_archive"));
    // The batch went on: the good file after the broken folder is there.
    assert!(
        items
            .iter()
            .any(|i| i["source"] == "fixtures/paused_run.fit")
    );
}

#[test]
fn zip_members_are_named_after_the_archive() {
    let out = easyrun(&[
        "inspect",
        "--format",
        "jsonl",
        "fixtures/strava_bulk_two_runs.zip",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let sources: Vec<String> = jsonl(&out)
        .iter()
        .map(|i| i["source"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sources.len(), 2);
    assert!(
        sources
            .iter()
            .all(|s| s.starts_with("fixtures/strava_bulk_two_runs.zip/"))
    );
}

#[test]
fn output_is_identical_at_any_thread_count() {
    let one = easyrun(&["inspect", "--format", "json", "-j", "1", "fixtures"]);
    let two = easyrun(&["inspect", "--format", "json", "-j", "2", "fixtures"]);
    let four = easyrun(&["inspect", "--format", "json", "-j", "4", "fixtures"]);
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(one.stdout, four.stdout);
    let parsed: Value = serde_json::from_slice(&one.stdout).unwrap();
    assert!(parsed.as_array().unwrap().len() >= 24);
}

#[test]
fn text_output_names_each_activity() {
    let out = easyrun(&["inspect", "fixtures/treadmill.fit"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("fixtures/treadmill.fit\n"), "{text}");
    assert!(text.contains("running/treadmill"), "{text}");
    assert!(text.contains("GPS no"), "{text}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(easyrun(&["inspect"]).status.code(), Some(2));
    assert_eq!(
        easyrun(&["inspect", "--format", "xml", "fixtures"])
            .status
            .code(),
        Some(2)
    );
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .is_dir()
    );
}

#[test]
fn missing_path_is_an_io_error_not_a_panic() {
    let out = easyrun(&["inspect", "--format", "jsonl", "no/such/file.fit"]);
    assert_eq!(out.status.code(), Some(2));
    let items = jsonl(&out);
    assert_eq!(items[0]["error"]["kind"], "io");
}
