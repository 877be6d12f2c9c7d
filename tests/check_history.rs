//! `easyrun check --history` and `--latest` end to end on the test kit's context
//! histories (`easyrun_testkit::context`): placement after a long run, the history's
//! max-HR estimate, the class `scan` gives, the runner's baseline (`elevated_hr`), the
//! newest run whatever the names, a history file that cannot be read, `--latest` on a
//! folder without runs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{code, easyrun_env, json_array, jsonl, stderr, stdout, temp_dir};
use easyrun_testkit::context;
use serde_json::Value;

/// The context histories, written once per test binary.
fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = temp_dir("context");
        context::generate(&dir).unwrap();
        dir
    })
}

fn p(rel: &str) -> String {
    fixtures().join(rel).display().to_string()
}

/// `easyrun ARGS` with a cache folder of the test's own.
fn run(cache: &Path, args: &[&str]) -> std::process::Output {
    easyrun_env(common::repo(), args, &[("EASYRUN_CACHE_DIR", cache)])
}

fn check_json(cache: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(cache, &all);
    assert!(
        matches!(code(&out), 0 | 1),
        "exit {}: {}",
        code(&out),
        stderr(&out)
    );
    json_array(&out)
}

fn codes(r: &Value) -> Vec<String> {
    r["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_morning_after_a_long_run_recovers_from_it() {
    let cache = temp_dir("morning-after");
    let mut args = vec![];
    let sunday = p("long_and_after/sunday.fit");
    let history = p("long_and_after/history");
    args.extend([sunday.as_str(), "--history", history.as_str()]);
    args.extend_from_slice(context::FLAGS);
    let records = check_json(&cache, &args);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r["class"], "recovery");
    assert_eq!(r["intent"], "placement");
    let from = &r["recovers_from"];
    assert!(
        from["source"]
            .as_str()
            .unwrap()
            .ends_with("long_saturday.fit")
    );
    assert_eq!(from["class"], "long");
    // The long run ended at 08:50 (110 min from 07:00); Sunday's run starts 07:30.
    let hours = from["hours_since_end"].as_f64().unwrap();
    assert!((hours - 22.667).abs() < 0.02, "{hours}");
    assert_eq!(r["history"]["activities"], 6);
    assert_eq!(r["history"]["by_class"]["long"], 1);
    assert_eq!(
        r["history"]["max_hr_estimate"],
        Value::Null,
        "max HR was given"
    );

    // The text says it in one line.
    let mut text_args = vec!["check", sunday.as_str(), "--history", history.as_str()];
    text_args.extend_from_slice(context::FLAGS);
    let out = run(&cache, &text_args);
    let text = stdout(&out);
    assert!(
        text.contains("placement: class recovery (by placement) · recovers from ")
            && text.contains("long_saturday.fit (long), which ended 22.7 h before"),
        "{text}"
    );
}

#[test]
fn a_run_with_nothing_long_or_hard_before_says_so() {
    let cache = temp_dir("nothing-before");
    let forced = p("baseline/forced.fit");
    let history = p("baseline/history");
    let mut args = vec!["check", forced.as_str(), "--history", history.as_str()];
    args.extend_from_slice(context::FLAGS);
    let out = run(&cache, &args);
    assert!(
        stdout(&out).contains("placement: class easy · nothing long or hard in the 24 h before"),
        "{}",
        stdout(&out)
    );
    args.extend(["--format", "jsonl"]);
    let r = &jsonl(&run(&cache, &args))[0];
    assert_eq!(r["recovers_from"], Value::Null);
    assert_eq!(r["class"], "easy");
}

#[test]
fn without_thresholds_the_history_estimates_max_hr() {
    let cache = temp_dir("estimate");
    let sunday = p("long_and_after/sunday.fit");
    let history = p("long_and_after/history");
    let r = &check_json(&cache, &[sunday.as_str(), "--history", history.as_str()])[0];
    let estimate = &r["history"]["max_hr_estimate"];
    assert!(
        estimate["from_source"]
            .as_str()
            .unwrap()
            .ends_with("intervals.fit")
    );
    let max = &r["thresholds"]["max_hr_bpm"];
    assert_eq!(max["source"]["kind"], "history_estimate");
    assert_eq!(max["value"], estimate["bpm"]);
    assert!((160.0..185.0).contains(&max["value"].as_f64().unwrap()));
    // Without a history there is nothing to judge against.
    let out = run(&cache, &["check", sunday.as_str()]);
    assert_eq!(code(&out), 2, "{}", stdout(&out));
}

/// The class, intent and session `scan` gives each file of the history plus Sunday's
/// run are what `check FILE --history` gives it, and the estimate is the same.
#[test]
fn check_in_a_history_places_runs_as_scan_does() {
    let cache = temp_dir("as-scan");
    let history = p("long_and_after/history");
    let sunday = p("long_and_after/sunday.fit");
    let out = run(
        &cache,
        &[
            "scan",
            history.as_str(),
            sunday.as_str(),
            "--format",
            "jsonl",
            "--no-cache",
        ],
    );
    let lines = jsonl(&out);
    let summary = lines.last().unwrap()["summary"].clone();
    let scanned: Vec<&Value> = lines.iter().filter(|l| l.get("source").is_some()).collect();
    assert_eq!(scanned.len(), 6);
    for s in scanned {
        let file = s["source"].as_str().unwrap();
        // The history is the scan's paths (the checked file is among them, counted once).
        let r = &check_json(
            &cache,
            &[file, "--history", history.as_str(), sunday.as_str()],
        )[0];
        assert_eq!(r["source"], s["source"]);
        for key in ["class", "intent", "recovers_from"] {
            assert_eq!(r[key], s[key], "{file}: {key}");
        }
        assert_eq!(r["history"]["max_hr_estimate"], summary["max_hr_estimate"]);
        assert_eq!(r["history"]["by_class"], summary["by_class"], "{file}");
        assert_eq!(r["thresholds"], s["thresholds"], "{file}");
    }
}

#[test]
fn a_file_inside_the_history_counts_once() {
    let cache = temp_dir("inside");
    let history = p("long_and_after/history");
    let long = p("long_and_after/history/long_saturday.fit");
    let mut args = vec![long.as_str(), "--history", history.as_str()];
    args.extend_from_slice(context::FLAGS);
    let r = &check_json(&cache, &args)[0];
    assert_eq!(r["history"]["activities"], 5);
    assert_eq!(r["class"], "long");
    assert_eq!(r["intent"], Value::Null);
}

#[test]
fn a_forced_run_at_the_usual_pace_gets_elevated_hr() {
    let cache = temp_dir("elevated");
    let forced = p("baseline/forced.fit");
    let history = p("baseline/history");
    let mut args = vec![forced.as_str(), "--history", history.as_str()];
    args.extend_from_slice(context::FLAGS);
    let r = &check_json(&cache, &args)[0];
    assert_eq!(codes(r), ["elevated_hr"], "{r}");
    assert_eq!(r["verdict"], "warn", "a warning, not a failure");
    // Under the ceiling: the zones alone would pass it.
    assert!(r["hr"]["avg_bpm"].as_f64().unwrap() < r["ceiling"]["bpm"].as_f64().unwrap());
    let reason = &r["reasons"][0];
    assert_eq!(reason["severity"], "warn");
    assert_eq!(reason["unit"], "bpm");
    let excess = reason["value"].as_f64().unwrap();
    assert!((excess - 12.0).abs() < 1.5, "{excess}");
    let message = reason["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "your heart rate was {excess:.0} bpm above your usual at 6:"
        )) && message.ends_with("you may be forcing it; rest might be the better option"),
        "{message}"
    );
    let b = &r["baseline"];
    assert_eq!(b["status"], "compared");
    assert_eq!(b["runs"], 14);
    assert_eq!(b["elevated"], true);
    assert!(
        (b["usual_hr_bpm"].as_f64().unwrap() - 125.0).abs() < 1.5,
        "{b}"
    );
    assert!(b["threshold_bpm"].as_f64().unwrap() < excess);

    // The same run at its usual heart rate is a normal day.
    let normal = p("baseline/normal.fit");
    let mut args = vec![normal.as_str(), "--history", history.as_str()];
    args.extend_from_slice(context::FLAGS);
    let r = &check_json(&cache, &args)[0];
    assert_eq!(codes(r), Vec::<String>::new());
    assert_eq!(r["verdict"], "pass");
    assert_eq!(r["baseline"]["status"], "compared");
    assert_eq!(r["baseline"]["elevated"], false);
}

#[test]
fn without_a_history_there_is_no_baseline_and_no_elevated_hr() {
    let cache = temp_dir("no-history");
    let forced = p("baseline/forced.fit");
    let mut args = vec![forced.as_str()];
    args.extend_from_slice(context::FLAGS);
    let r = &check_json(&cache, &args)[0];
    assert_eq!(codes(r), Vec::<String>::new());
    assert_eq!(r["verdict"], "pass");
    assert!(r.get("baseline").is_none() && r.get("class").is_none());
    // A history too short for a baseline says so, and does not warn.
    let short = temp_dir("short-history");
    for day in ["01", "02", "03"] {
        let name = format!("easy_{day}.fit");
        std::fs::copy(
            fixtures().join("baseline/history").join(&name),
            short.join(&name),
        )
        .unwrap();
    }
    let short_s = short.display().to_string();
    let mut args = vec![forced.as_str(), "--history", short_s.as_str()];
    args.extend_from_slice(context::FLAGS);
    let r = &check_json(&cache, &args)[0];
    assert_eq!(codes(r), Vec::<String>::new());
    assert_eq!(r["baseline"]["status"], "too_few_runs");
    assert_eq!(r["baseline"]["runs"], 3);
    assert_eq!(r["baseline"]["needed_runs"], 5);
    let mut text = vec!["check", forced.as_str(), "--history", short_s.as_str()];
    text.extend_from_slice(context::FLAGS);
    assert!(stdout(&run(&cache, &text)).contains(
        "not enough recent steady easy runs to know your usual (3 of 5 in the last 6 weeks)"
    ));
}

#[test]
fn scan_judges_every_run_against_the_same_baseline() {
    let cache = temp_dir("scan-baseline");
    let history = p("baseline/history");
    let named = p("baseline/recovery_jog.gpx");
    let mut args = vec![
        "scan",
        history.as_str(),
        named.as_str(),
        "--format",
        "jsonl",
    ];
    args.extend_from_slice(context::FLAGS);
    let lines = jsonl(&run(&cache, &args));
    let line = lines
        .iter()
        .find(|l| {
            l["source"]
                .as_str()
                .is_some_and(|s| s.ends_with("recovery_jog.gpx"))
        })
        .unwrap();
    // Named as a recovery run, scan judges it: the same warning as `check`, the same
    // numbers.
    assert_eq!(line["judged"], true);
    assert_eq!(line["class"], "recovery");
    // Nothing long or hard came before it in the history: the timing clause is broken
    // (information), in scan and in check --history alike.
    assert_eq!(codes(line), ["elevated_hr", "not_after_hard_session"]);
    assert_eq!(line["verdict"], "warn");
    let mut check = vec![named.as_str(), "--history", history.as_str()];
    check.extend_from_slice(context::FLAGS);
    let r = &check_json(&cache, &check)[0];
    assert_eq!(line["baseline"], r["baseline"]);
    assert_eq!(line["reasons"], r["reasons"]);
    // The easy runs are judged by nobody and none of them is elevated; the summary
    // counts the warning.
    assert_eq!(lines.iter().filter(|l| l["judged"] == true).count(), 1);
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["recovery"]["warn"], 1);
    assert_eq!(summary["recovery"]["top_reasons"][0][0], "elevated_hr");
}

#[test]
fn latest_picks_the_newest_run_whatever_the_names() {
    let cache = temp_dir("latest");
    let latest = p("latest");
    let mut args = vec!["--latest", latest.as_str()];
    args.extend_from_slice(context::FLAGS);
    let records = check_json(&cache, &args);
    assert_eq!(records.len(), 1);
    assert!(
        records[0]["source"]
            .as_str()
            .unwrap()
            .ends_with("aa_newest.gpx")
    );
    assert_eq!(records[0]["start_time"], "2025-10-03T06:30:00Z");
    assert_eq!(records[0]["history"]["activities"], 3);
}

#[test]
fn latest_skips_a_run_whose_start_cannot_be_true() {
    // A watch whose clock said 2099: by start time the newest, but no run of today.
    let cache = temp_dir("latest-implausible");
    let dir = temp_dir("latest-implausible-runs");
    for f in ["aa_newest.gpx", "mm_middle.tcx", "zz_oldest.fit"] {
        std::fs::copy(fixtures().join("latest").join(f), dir.join(f)).unwrap();
    }
    let future = easyrun_testkit::synth::RunSpec::new(
        easyrun::model::Timestamp::parse_rfc3339("2099-06-01T06:30:00Z").unwrap(),
        1800,
    )
    .pace(380.0)
    .hr(125.0, 125.0)
    .build();
    std::fs::write(
        dir.join("wrong_clock.fit"),
        easyrun_testkit::fit::encode(&future, &easyrun_testkit::fit::FitOptions::garmin(3990)),
    )
    .unwrap();
    let d = dir.display().to_string();
    let mut args = vec!["check", "--latest", d.as_str(), "--format", "json"];
    args.extend_from_slice(context::FLAGS);
    let out = run(&cache, &args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let records = json_array(&out);
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0]["source"],
        dir.join("aa_newest.gpx").display().to_string()
    );
    assert_eq!(records[0]["start_time"], "2025-10-03T06:30:00Z");
    let err = stderr(&out);
    assert!(
        err.contains("wrong_clock.fit") && err.contains("in the future"),
        "{err}"
    );
    // Only such runs: nothing to judge (exit 5).
    let only = temp_dir("latest-implausible-only");
    std::fs::copy(dir.join("wrong_clock.fit"), only.join("wrong_clock.fit")).unwrap();
    let o = only.display().to_string();
    let out = run(
        &cache,
        &["check", "--latest", o.as_str(), "--max-hr", "190"],
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("(1 activities, 1 of them set aside: a start that cannot be true)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn latest_reads_the_history_folders_of_the_profile_file() {
    let cache = temp_dir("latest-profile");
    let home = temp_dir("home");
    let runs = home.join("watch/Activity");
    std::fs::create_dir_all(&runs).unwrap();
    for f in ["aa_newest.gpx", "mm_middle.tcx", "zz_oldest.fit"] {
        std::fs::copy(fixtures().join("latest").join(f), runs.join(f)).unwrap();
    }
    let cwd = temp_dir("cwd");
    std::fs::write(
        cwd.join("easyrun.toml"),
        "max_hr = 190\nrest_hr = 50\nhistory = [\"~/watch/Activity\"]\n",
    )
    .unwrap();
    let out = easyrun_env(
        &cwd,
        &["check", "--latest", "--format", "jsonl"],
        &[("EASYRUN_CACHE_DIR", &cache), ("HOME", &home)],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let r = &jsonl(&out)[0];
    assert_eq!(
        r["source"],
        runs.join("aa_newest.gpx").display().to_string()
    );
    // Without folders anywhere: a usage error that says how to give them.
    let bare = temp_dir("bare");
    let out = easyrun_env(
        &bare,
        &["check", "--latest"],
        &[("EASYRUN_CACHE_DIR", &cache)],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("history = [\"...\"] in easyrun.toml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn latest_on_a_folder_without_runs_is_its_own_error() {
    let cache = temp_dir("latest-empty");
    let empty = temp_dir("empty");
    let e = empty.display().to_string();
    let out = run(
        &cache,
        &["check", "--latest", e.as_str(), "--max-hr", "190"],
    );
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!("easyrun: error: no activities found in {e}\n")
    );
    // A ride only: an activity, but no run.
    let rides = temp_dir("rides");
    let ride = easyrun_testkit::synth::RunSpec::new(
        easyrun::model::Timestamp::parse_rfc3339("2025-10-01T06:30:00Z").unwrap(),
        1800,
    )
    .sport(easyrun::model::Sport::Cycling, None)
    .build();
    std::fs::write(
        rides.join("ride.fit"),
        easyrun_testkit::fit::encode(&ride, &easyrun_testkit::fit::FitOptions::garmin(3990)),
    )
    .unwrap();
    let r = rides.display().to_string();
    let out = run(
        &cache,
        &["check", "--latest", r.as_str(), "--max-hr", "190"],
    );
    assert_eq!(code(&out), 5);
    assert!(stderr(&out).contains("no run found in"), "{}", stderr(&out));
    assert!(stderr(&out).contains("(1 other activities)"));
}

#[test]
fn an_unreadable_history_file_is_reported_and_skipped() {
    let cache = temp_dir("unreadable");
    let history = temp_dir("broken-history");
    for f in std::fs::read_dir(fixtures().join("baseline/history")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, history.join(f.file_name().unwrap())).unwrap();
    }
    std::fs::copy("fixtures/bad/truncated.fit", history.join("truncated.fit")).unwrap();
    std::fs::write(history.join("garbage.fit"), b"not a fit file at all").unwrap();
    let h = history.display().to_string();
    let forced = p("baseline/forced.fit");
    for _ in 0..2 {
        // Twice: errors are never cached, they are reported each time.
        let mut args = vec![
            "check",
            forced.as_str(),
            "--history",
            h.as_str(),
            "--format",
            "json",
        ];
        args.extend_from_slice(context::FLAGS);
        let out = run(&cache, &args);
        assert_eq!(code(&out), 0, "the check goes on: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("easyrun: warning: history: ")
                && err.contains("truncated.fit")
                && err.contains("garbage.fit")
                && err.contains("(skipped)"),
            "{err}"
        );
        let r = &json_array(&out)[0];
        assert_eq!(r["history"]["unreadable"], 2);
        assert_eq!(codes(r), ["elevated_hr"]);
    }
}

#[test]
fn a_checked_file_that_cannot_be_read_is_an_error_of_check() {
    let cache = temp_dir("checked-unreadable");
    let history = p("baseline/history");
    let out = run(
        &cache,
        &[
            "check",
            "fixtures/bad/bad_crc.fit",
            "--history",
            history.as_str(),
            "--max-hr",
            "190",
        ],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("easyrun: error: fixtures/bad/bad_crc.fit: bad CRC")
            && stderr(&out).trim_end().ends_with("[bad_crc]"),
        "{}",
        stderr(&out)
    );
}
