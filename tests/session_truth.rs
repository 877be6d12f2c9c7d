//! `easyrun scan` on `fixtures/session_truth/` (issue 11): every activity's class, the
//! evidence, the sport and who says so, the session roles, who is judged and from what
//! session, and the duplicate kept — against `expected.json`, which
//! `easyrun::write::session_truth` writes with the files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const DIR: &str = "fixtures/session_truth";

fn scan(dir: &str, extra: &[&str]) -> Vec<Value> {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(DIR).join("expected.json")).unwrap(),
    )
    .unwrap();
    let flags: Vec<&str> = expected["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_easyrun"))
        .arg("scan")
        .args(&flags)
        .args(["--format", "jsonl"])
        .args(extra)
        .arg(dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn file_of(source: &str) -> String {
    source.rsplit('/').next().unwrap().to_string()
}

#[test]
fn each_activity_is_what_it_was() {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(DIR).join("expected.json")).unwrap(),
    )
    .unwrap();
    let lines = scan(DIR, &[]);
    let got: Vec<&Value> = lines.iter().filter(|l| l.get("class").is_some()).collect();
    let want = expected["activities"].as_array().unwrap();
    let names = |v: &[&Value]| -> Vec<String> {
        v.iter()
            .map(|e| file_of(e["source"].as_str().unwrap()))
            .collect()
    };
    let want_files: Vec<String> = want
        .iter()
        .map(|e| e["file"].as_str().unwrap().to_string())
        .collect();
    let mut got_files = names(&got);
    got_files.sort();
    let mut sorted_want = want_files.clone();
    sorted_want.sort();
    assert_eq!(got_files, sorted_want, "activities found");
    for w in want {
        let file = w["file"].as_str().unwrap();
        let e = got
            .iter()
            .find(|e| file_of(e["source"].as_str().unwrap()) == file)
            .unwrap();
        let role = e["session"].get("role").cloned().unwrap_or(Value::Null);
        let from = e["recovers_from"]
            .get("source")
            .map_or(Value::Null, |s| Value::String(file_of(s.as_str().unwrap())));
        assert_eq!(
            (
                &e["class"],
                &e["class_reason"],
                &e["sport"],
                &e["sport_source"],
                &e["judged"],
                &role,
                &from
            ),
            (
                &w["class"],
                &w["class_reason"],
                &w["sport"],
                &w["sport_source"],
                &w["judged"],
                &w["session_role"],
                &w["recovers_from"]
            ),
            "{file}"
        );
        // Judged runs carry their verdict (a typeless GPX is judged as the run it is).
        assert_eq!(e["verdict"], w["verdict"], "{file}: verdict");
    }
    let summary = &lines.last().unwrap()["summary"];
    let dups: Vec<(String, String)> = summary["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                file_of(d["source"].as_str().unwrap()),
                file_of(d["duplicate_of"].as_str().unwrap()),
            )
        })
        .collect();
    let want_dups: Vec<(String, String)> = expected["duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d[0].as_str().unwrap().to_string(),
                d[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(dups, want_dups);
}

#[test]
fn the_same_at_any_thread_count() {
    assert_eq!(scan(DIR, &["--jobs", "1"]), scan(DIR, &["--jobs", "3"]));
}

#[test]
fn regenerating_gives_identical_bytes() {
    let dir = std::env::temp_dir().join(format!("easyrun-session-truth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let expected = easyrun::write::session_truth::generate(&dir).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 20, "19 activity files and expected.json");
    for fresh in &files {
        let name = fresh.file_name().unwrap();
        let committed = std::fs::read(Path::new(DIR).join(name)).unwrap();
        assert!(
            std::fs::read(fresh).unwrap() == committed,
            "{name:?} differs from its regenerated bytes"
        );
    }
    assert_eq!(expected.activities.len(), 22);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn workout_words_are_configurable() {
    let class_of = |lines: &[Value], file: &str| {
        let e = lines
            .iter()
            .find(|l| l["source"].as_str().is_some_and(|s| s.ends_with(file)))
            .unwrap();
        (e["class"].clone(), e["judged"].clone())
    };
    // "Tempo" the morning after a long run keeps its class by default…
    let default = scan(DIR, &[]);
    assert_eq!(
        class_of(&default, "g_named_tempo.gpx"),
        (Value::from("tempo"), Value::from(false))
    );
    // …and is judged as a recovery run when "tempo" is no workout word.
    let german = scan(DIR, &["--workout-words", "tempo=Schwelle,Tempolauf"]);
    assert_eq!(
        class_of(&german, "g_named_tempo.gpx"),
        (Value::from("recovery"), Value::from(true))
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_easyrun"))
        .args(["scan", "--workout-words", "hills=Hügel", DIR])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no kind of workout"));
}
