//! Starts that cannot be true (issue 15): flagged on the activity with a reason, warned
//! about on stderr, classified on their own, in no week, after no session, and never
//! widening the report's week chart or its date span.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};

use common::{code, easyrun, stderr, stdout, temp_dir};
use easyrun::model::Timestamp;
use easyrun_testkit::synth::RunSpec;
use easyrun_testkit::{fit, gpx};
use serde_json::Value;

fn t(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

/// A history of two real runs (a Saturday long run, the Sunday recovery run) and four
/// activities whose dates cannot be true: a GPX of 1901, two FIT runs on device uptime
/// (1990, the second 12 h after the first, as a long run and its "recovery"), a FIT run
/// of 2037 and one that starts a week after its file was created.
fn history(dir: &Path) -> PathBuf {
    let opts = fit::FitOptions::garmin(3990);
    let write_fit = |name: &str, start: &str, minutes: u32, seed: u64| {
        let a = RunSpec::new(t(start), minutes * 60)
            .hr(126.0, 132.0)
            .seed(seed)
            .build();
        std::fs::write(dir.join(name), fit::encode(&a, &opts)).unwrap();
    };
    write_fit("long.fit", "2025-05-03T07:00:00Z", 110, 1);
    write_fit("recovery.fit", "2025-05-04T07:00:00Z", 30, 2);
    write_fit("uptime_long.fit", "1990-07-07T07:00:00Z", 110, 3);
    write_fit("uptime_next.fit", "1990-07-07T21:00:00Z", 30, 4);
    write_fit("future.fit", "2037-07-31T16:14:31Z", 40, 5);
    let mut late = RunSpec::new(t("2025-05-12T07:00:00Z"), 1800)
        .hr(126.0, 132.0)
        .seed(6)
        .build();
    late.created = Some(t("2025-05-05T07:00:00Z"));
    std::fs::write(dir.join("late.fit"), fit::encode(&late, &opts)).unwrap();
    let old = RunSpec::new(t("1901-12-13T20:45:52Z"), 1500)
        .seed(7)
        .build();
    std::fs::write(
        dir.join("old.gpx"),
        gpx::encode(&old, gpx::GpxFlavour::GarminConnect),
    )
    .unwrap();
    dir.to_path_buf()
}

fn by_source<'a>(acts: &'a [Value], file: &str) -> &'a Value {
    acts.iter()
        .find(|a| a["source"].as_str().unwrap().ends_with(file))
        .unwrap_or_else(|| panic!("no {file}"))
}

#[test]
fn implausible_starts_are_flagged_and_kept_out_of_weeks_and_placement() {
    let dir = history(&temp_dir("dates"));
    let d = dir.to_str().unwrap();
    let out = easyrun(&[
        "scan",
        "-q",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--format",
        "json",
        d,
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let acts = doc["activities"].as_array().unwrap();
    assert_eq!(acts.len(), 7);
    let issue = |file: &str| by_source(acts, file)["implausible_start"]["code"].clone();
    assert_eq!(issue("old.gpx"), "before_fit_epoch");
    assert_eq!(issue("uptime_long.fit"), "before_device");
    assert_eq!(issue("uptime_next.fit"), "before_device");
    assert_eq!(issue("future.fit"), "in_future");
    assert_eq!(issue("late.fit"), "after_file_created");
    assert_eq!(
        by_source(acts, "/long.fit")["implausible_start"],
        Value::Null
    );
    let message = by_source(acts, "late.fit")["implausible_start"]["message"].clone();
    assert_eq!(
        message,
        "starts 2025-05-12T07:00:00Z, after the file was created (2025-05-05T07:00:00Z)"
    );

    // Activities stay in time order, the 1901 one first, the 2037 one last.
    let starts: Vec<&str> = acts
        .iter()
        .map(|a| a["start_time"].as_str().unwrap())
        .collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    assert_eq!(starts, sorted);

    // The real recovery run is still placed after the real long run, and its index
    // points at it in this list (shifted by the undated activities before it).
    let rec = by_source(acts, "/recovery.fit");
    assert_eq!(rec["class"], "recovery");
    assert_eq!(rec["intent"], "placement");
    let from = rec["recovers_from"]["index"].as_u64().unwrap() as usize;
    assert!(
        acts[from]["source"]
            .as_str()
            .unwrap()
            .ends_with("/long.fit")
    );
    // 12 h after a 110-min "long run" of 1990: no placement, no judging.
    let next = by_source(acts, "uptime_next.fit");
    assert_eq!(next["intent"], Value::Null);
    assert_eq!(next["recovers_from"], Value::Null);
    assert_eq!(next["judged"], false);
    // Each classified on its own evidence: the 110-min run is still long.
    assert_eq!(by_source(acts, "uptime_long.fit")["class"], "long");

    // Only the real week; nothing for 1901, 1990, 2037 or the late file.
    let weeks = doc["summary"]["weeks"].as_array().unwrap();
    let labels: Vec<(i64, i64)> = weeks
        .iter()
        .map(|w| {
            (
                w["iso_year"].as_i64().unwrap(),
                w["iso_week"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(labels, [(2025, 18)]);
    assert_eq!(weeks[0]["runs"], 2);
    assert_eq!(doc["summary"]["warnings"], 5);
    let warnings = doc["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 5);
    assert!(warnings.iter().any(|w| w["kind"] == "in_future"));

    // Each on stderr, naming the file and the reason.
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 5, "{err}");
    assert!(err.contains("easyrun: warning: "), "{err}");
    assert!(
        err.lines().any(
            |l| l.contains("future.fit: starts 2037-07-31T16:14:31Z, in the future")
                && l.ends_with("[in_future]")
        ),
        "{err}"
    );

    // Text and CSV flag them too.
    let text = stdout(&easyrun(&[
        "scan",
        "-q",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        d,
    ]));
    assert!(text.contains("date set aside: in_future"), "{text}");
    assert!(text.contains("5 activities with a start that cannot be true, in no week"));
    let csv = stdout(&easyrun(&[
        "scan",
        "-q",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--format",
        "csv",
        d,
    ]));
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "start_issue").unwrap();
    let future = csv.lines().find(|l| l.contains("future.fit")).unwrap();
    assert_eq!(future.split(',').nth(col), Some("in_future"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_2037_start_does_not_widen_the_report() {
    let dir = history(&temp_dir("dates-report"));
    let page = dir.join("report.html");
    let out = easyrun(&[
        "report",
        "-q",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        dir.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    // One week with running, one calendar week drawn, not 156 from 1901 or to 2037.
    assert!(
        html.contains("1 week with running from 2025-W18 to 2025-W18 (1 calendar weeks drawn)"),
        "{}",
        html.lines().find(|l| l.contains("weeks-d")).unwrap_or("")
    );
    assert!(!html.contains("The chart shows the last 156 weeks"));
    // The page's span is of the true dates.
    let lede = html.lines().find(|l| l.contains("class=\"lede\"")).unwrap();
    assert!(
        lede.contains("2025") && !lede.contains("2037") && !lede.contains("1901"),
        "{lede}"
    );
    // The table says which dates were set aside, and the problems list says why.
    assert!(html.contains("date set aside: <code"));
    assert!(html.contains("Dates that cannot be true (5)"));
    assert!(!html.contains("2037-W"), "no week of 2037");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_warns_about_a_start_in_the_future() {
    let dir = history(&temp_dir("dates-check"));
    let file = dir.join("future.fit");
    let out = easyrun(&[
        "check",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        file.to_str().unwrap(),
    ]);
    // Still judged on its own (the date says nothing about the run itself).
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("future.fit — WARN"),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(err.starts_with("easyrun: warning: "), "{err}");
    assert!(err.trim_end().ends_with("[in_future]"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
