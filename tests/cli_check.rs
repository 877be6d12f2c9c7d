//! `easyrun check` end to end: thresholds and their sources, exit codes, --strict, the
//! profile file, JSON records.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{easyrun, json_array as records, temp_dir};

#[test]
fn watch_settings_are_used_and_named_when_no_flags() {
    let out = easyrun(&[
        "check",
        "--format",
        "json",
        "fixtures/easy_run_watch_hr.fit",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = &records(&out)[0];
    assert_eq!(r["schema_version"], 1);
    // The watch computes its zones as % of max HR 186: the same model here, ceiling
    // 75 % of 186; its LTHR is reported too.
    assert_eq!(r["thresholds"]["zone_model"]["value"], "hrmax");
    assert_eq!(r["thresholds"]["zone_model"]["source"]["kind"], "watch");
    assert_eq!(r["thresholds"]["max_hr_bpm"]["value"], 186.0);
    assert_eq!(r["thresholds"]["lthr_bpm"]["value"], 169.0);
    assert_eq!(r["ceiling"]["bpm"], 139.5);
    assert_eq!(r["verdict"], "warn");
    let codes: Vec<&str> = r["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["hard_surface"]);
    assert_eq!(r["moving_s"], 1800);
}

#[test]
fn flags_outrank_the_watch() {
    let out = easyrun(&[
        "check",
        "--format",
        "json",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "fixtures/easy_run_watch_hr.fit",
    ]);
    let r = &records(&out)[0];
    assert_eq!(r["thresholds"]["zone_model"]["value"], "hrr");
    assert_eq!(r["thresholds"]["max_hr_bpm"]["source"]["kind"], "flag");
    assert_eq!(r["ceiling"]["bpm"], 141.0);
}

#[test]
fn strict_turns_warn_into_failure() {
    let args = [
        "check",
        "--format",
        "json",
        "fixtures/easy_run_watch_hr.fit",
    ];
    assert_eq!(easyrun(&args).status.code(), Some(0));
    let strict = [
        "check",
        "--strict",
        "--format",
        "json",
        "fixtures/easy_run_watch_hr.fit",
    ];
    assert_eq!(easyrun(&strict).status.code(), Some(1));
}

#[test]
fn exit_codes_follow_the_worst_verdict() {
    let flags = ["--max-hr", "190", "--rest-hr", "50", "--format", "json"];
    let run = |files: &[&str]| {
        let mut args = vec!["check"];
        args.extend(flags);
        args.extend(files);
        easyrun(&args)
    };
    // Treadmill, easy: pass.
    assert_eq!(run(&["fixtures/treadmill.fit"]).status.code(), Some(0));
    // No heart rate in the GPX 1.0 file: unknown.
    let out = run(&["fixtures/gpx10_run.gpx"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(records(&out)[0]["reasons"][0]["code"], "no_hr");
    // Unknown and fail: fail wins.
    assert_eq!(
        run(&["fixtures/gpx10_run.gpx", "fixtures/big_endian_trail.fit"])
            .status
            .code(),
        Some(1)
    );
    // An unreadable file takes precedence over everything.
    let out = run(&["fixtures/big_endian_trail.fit", "fixtures/bad/bad_crc.fit"]);
    assert_eq!(out.status.code(), Some(2));
    let recs = records(&out);
    assert_eq!(recs.len(), 2, "the batch went on");
    assert!(recs.iter().any(|r| r["error"]["kind"] == "bad_crc"));
}

#[test]
fn missing_thresholds_say_how_to_give_them() {
    let out = easyrun(&["check", "fixtures/treadmill.fit"]);
    assert_eq!(out.status.code(), Some(2));
    // Errors go to stderr; stdout holds only results (none here).
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8(out.stderr).unwrap();
    assert!(
        text.starts_with("easyrun: error: fixtures/treadmill.fit"),
        "{text}"
    );
    assert!(text.contains("[no_thresholds]"), "{text}");
    assert!(
        text.contains("--max-hr") && text.contains("easyrun.toml"),
        "{text}"
    );
}

#[test]
fn profile_file_periods_and_errors() {
    let dir = temp_dir("profile");
    let good = dir.join("easyrun.toml");
    std::fs::write(
        &good,
        "max_hr = 180\nrest_hr = 40\n\n[[period]]\nfrom = \"2025-08-01\"\nuntil = \"2025-08-31\"\nmax_hr = 200\nphase = \"build\"\n",
    )
    .unwrap();
    let out = easyrun(&[
        "check",
        "--format",
        "json",
        "--profile",
        good.to_str().unwrap(),
        "fixtures/treadmill.fit",
        "fixtures/paused_run.fit",
    ]);
    let recs = records(&out);
    // treadmill.fit is from 2025-08-17: inside the period.
    let treadmill = recs
        .iter()
        .find(|r| r["source"] == "fixtures/treadmill.fit")
        .unwrap();
    assert_eq!(treadmill["thresholds"]["max_hr_bpm"]["value"], 200.0);
    assert_eq!(
        treadmill["thresholds"]["max_hr_bpm"]["source"]["kind"],
        "profile_file"
    );
    assert_eq!(treadmill["thresholds"]["phase"]["value"], "build");
    // paused_run.fit is from March: the top-level values.
    let paused = recs
        .iter()
        .find(|r| r["source"] == "fixtures/paused_run.fit")
        .unwrap();
    assert_eq!(paused["thresholds"]["max_hr_bpm"]["value"], 180.0);
    assert_eq!(paused["thresholds"]["phase"]["value"], "base");

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "rest_hr = 45\nmax_hr = 300\n").unwrap();
    let out = easyrun(&[
        "check",
        "--profile",
        bad.to_str().unwrap(),
        "fixtures/treadmill.fit",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.toml:2"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn text_report_has_verdict_reasons_numbers_and_sources() {
    let out = easyrun(&[
        "check",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "fixtures/big_endian_trail.fit",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("fixtures/big_endian_trail.fit — FAIL\n"),
        "{text}"
    );
    assert!(!text.contains("\x1b["), "no colour when not a terminal");
    assert!(text.contains("fail too_hard:"), "{text}");
    assert!(text.contains("fail hilly:"), "{text}");
    assert!(text.contains("ceiling 141 bpm"), "{text}");
    assert!(text.contains("max 190 (command line)"), "{text}");
    assert!(text.contains("zones (hrr) ["), "{text}");
}
