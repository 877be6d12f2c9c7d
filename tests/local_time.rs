//! The runner's clock and units end to end, on files the test kit writes: a FIT with a
//! local offset (and one from the watch's settings, and one no clock can have), a GPX run
//! in another zone found by its position, a run across a change to summer time, a week
//! whose boundary differs between UTC and local time, a treadmill run that borrows its
//! neighbours' zone, the configured zone, a start at sea; imperial text, CSV and HTML, and
//! JSON that stays SI.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};

use common::{easyrun, easyrun_in, json_array, stdout, temp_dir};
use easyrun::model::{OffsetField, Position, RawActivity, StatedOffset, Timestamp};
use easyrun_testkit::fit::{self, FitOptions};
use easyrun_testkit::gpx::{self, GpxFlavour};
use easyrun_testkit::synth::RunSpec;
use easyrun_testkit::tcx;
use serde_json::Value;

const BOULDER: Position = Position {
    lat_deg: 40.015,
    lon_deg: -105.27,
};
const SYDNEY: Position = Position {
    lat_deg: -33.87,
    lon_deg: 151.21,
};
const LOS_ANGELES: Position = Position {
    lat_deg: 34.05,
    lon_deg: -118.24,
};
const BERLIN: Position = Position {
    lat_deg: 52.52,
    lon_deg: 13.40,
};

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap()
}

fn run(start: &str, minutes: u32, place: Option<Position>) -> RawActivity {
    let spec = RunSpec::new(at(start), minutes * 60);
    match place {
        Some(p) => spec.route(p, 2000.0).build(),
        None => spec.treadmill().build(),
    }
}

fn stating(mut raw: RawActivity, offset_s: i64, field: OffsetField) -> RawActivity {
    raw.stated_offsets.push(StatedOffset {
        utc_offset_s: offset_s,
        field,
    });
    raw
}

fn write(dir: &Path, name: &str, raw: &RawActivity) -> PathBuf {
    let bytes = match name.rsplit('.').next() {
        Some("fit") => fit::encode(raw, &FitOptions::garmin(fit::PRODUCT_FR255)),
        Some("gpx") => gpx::encode(raw, GpxFlavour::Strava),
        _ => tcx::encode(raw),
    };
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn check_json(dir: &Path, files: &[&str]) -> Vec<Value> {
    let mut args = vec![
        "check",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--format",
        "json",
    ];
    args.extend_from_slice(files);
    json_array(&easyrun_in(dir, &args))
}

fn clock(r: &Value) -> (String, i64, String, Option<String>) {
    (
        r["local_start_time"].as_str().unwrap().to_string(),
        r["utc_offset_s"].as_i64().unwrap(),
        r["local_time_source"].as_str().unwrap().to_string(),
        r["time_zone"].as_str().map(str::to_string),
    )
}

fn s(v: &str) -> String {
    v.to_string()
}

#[test]
fn a_fit_states_its_local_offset() {
    let dir = temp_dir("fit-offset");
    // 07:00 in Boulder on 2 July (MDT, UTC-6): the watch's local_timestamp says so.
    let boulder = stating(
        run("2024-07-02T13:00:00Z", 35, Some(BOULDER)),
        -6 * 3600,
        OffsetField::ActivityLocalTimestamp,
    );
    write(&dir, "boulder.fit", &boulder);
    // A treadmill in Adelaide (UTC+09:30): the watch's time-zone setting says it, and
    // its local_timestamp is 3 h 07 min off UTC, which no clock is: ignored.
    let adelaide = stating(
        stating(
            run("2024-07-02T21:00:00Z", 30, None),
            3 * 3600 + 7 * 60,
            OffsetField::ActivityLocalTimestamp,
        ),
        9 * 3600 + 1800,
        OffsetField::DeviceSettings,
    );
    write(&dir, "adelaide.fit", &adelaide);

    // check reads files in path order: Adelaide, then Boulder.
    let mut records = check_json(&dir, &["boulder.fit", "adelaide.fit"]);
    records.reverse();
    assert_eq!(
        clock(&records[0]),
        (
            s("2024-07-02T07:00:00-06:00"),
            -21_600,
            s("file_local_timestamp"),
            // The start position agrees with the watch: the zone is named.
            Some(s("America/Denver"))
        )
    );
    assert_eq!(
        records[0]["start_time"], "2024-07-02T13:00:00Z",
        "UTC stays"
    );
    assert_eq!(records[0]["local_time_note"], Value::Null);
    assert_eq!(
        clock(&records[1]),
        (
            s("2024-07-03T06:30:00+09:30"),
            34_200,
            s("file_device_settings"),
            None
        )
    );
    assert_eq!(
        records[1]["local_time_note"],
        "the file's activity.local_timestamp offset +03:07 is not a whole number of quarter \
         hours: ignored"
    );

    // inspect shows the offsets as stated, unchecked.
    let stated = json_array(&easyrun_in(
        &dir,
        &["inspect", "--format", "json", "adelaide.fit"],
    ));
    assert_eq!(
        stated[0]["stated_utc_offsets"],
        serde_json::json!([
            {"utc_offset_s": 11_220, "field": "activity_local_timestamp"},
            {"utc_offset_s": 34_200, "field": "device_settings"}
        ])
    );

    let text = stdout(&easyrun_in(
        &dir,
        &[
            "check",
            "--max-hr",
            "190",
            "--rest-hr",
            "50",
            "boulder.fit",
            "adelaide.fit",
        ],
    ));
    assert!(
        text.contains("running/street · 2024-07-02 07:00 -06:00 · "),
        "{text}"
    );
    assert!(
        text.contains("local time: UTC-06:00 (America/Denver) from the file's local timestamp"),
        "{text}"
    );
    assert!(
        text.contains(
            "local time: UTC+09:30 from the watch's time-zone setting; the file's \
             activity.local_timestamp offset +03:07 is not a whole number of quarter hours: \
             ignored"
        ),
        "{text}"
    );
}

#[test]
fn an_offset_beyond_14_hours_falls_back_to_the_position() {
    let dir = temp_dir("fit-bad-offset");
    let raw = stating(
        run("2024-07-02T13:00:00Z", 35, Some(BOULDER)),
        15 * 3600,
        OffsetField::ActivityLocalTimestamp,
    );
    write(&dir, "far.fit", &raw);
    let r = &check_json(&dir, &["far.fit"])[0];
    assert_eq!(
        clock(r),
        (
            s("2024-07-02T07:00:00-06:00"),
            -21_600,
            s("start_position"),
            Some(s("America/Denver"))
        )
    );
    assert_eq!(
        r["local_time_note"],
        "the file's activity.local_timestamp offset +15:00 is beyond ±14 h: ignored"
    );
}

#[test]
fn a_gpx_run_takes_the_zone_of_its_start_position() {
    let dir = temp_dir("gpx-zone");
    // 06:00 in Sydney on 15 January (AEDT, UTC+11) is 19:00 UTC the day before.
    write(
        &dir,
        "sydney.gpx",
        &run("2024-01-14T19:00:00Z", 40, Some(SYDNEY)),
    );
    // 06:00 on 15 July (AEST, UTC+10).
    write(
        &dir,
        "winter.gpx",
        &run("2024-07-14T20:00:00Z", 40, Some(SYDNEY)),
    );
    let records = check_json(&dir, &["sydney.gpx", "winter.gpx"]);
    assert_eq!(
        clock(&records[0]),
        (
            s("2024-01-15T06:00:00+11:00"),
            39_600,
            s("start_position"),
            Some(s("Australia/Sydney"))
        )
    );
    assert_eq!(records[1]["local_start_time"], "2024-07-15T06:00:00+10:00");
}

#[test]
fn a_run_across_the_change_to_summer_time_keeps_its_start_offset() {
    let dir = temp_dir("dst");
    // Berlin, 31 March 2024: clocks jump from 02:00 CET to 03:00 CEST (01:00 UTC). A
    // run from 01:30 CET (00:30 UTC) for an hour ends at 03:30 CEST.
    write(
        &dir,
        "night.gpx",
        &run("2024-03-31T00:30:00Z", 60, Some(BERLIN)),
    );
    write(
        &dir,
        "next.gpx",
        &run("2024-04-01T05:00:00Z", 30, Some(BERLIN)),
    );
    let doc = scan_json(&dir, &[]);
    let starts: Vec<(String, i64)> = doc["activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["local_start_time"].as_str().unwrap().to_string(),
                a["utc_offset_s"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        starts,
        [
            (s("2024-03-31T01:30:00+01:00"), 3600),
            (s("2024-04-01T07:00:00+02:00"), 7200)
        ]
    );
    // Sunday 31 March is in week 13, Monday 1 April in week 14.
    let weeks: Vec<u64> = doc["summary"]["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["iso_week"].as_u64().unwrap())
        .collect();
    assert_eq!(weeks, [13, 14]);
}

/// A week in Los Angeles: a long run on Sunday morning (08:00 PDT), a treadmill run
/// that Sunday evening (18:00 PDT is Monday 01:00 UTC), an easy run on Tuesday.
fn los_angeles_week(dir: &Path) {
    let long = RunSpec::new(at("2024-03-17T15:00:00Z"), 100 * 60)
        .route(LOS_ANGELES, 2000.0)
        .build();
    write(dir, "sun_long.gpx", &long);
    write(
        dir,
        "sun_treadmill.tcx",
        &run("2024-03-18T01:00:00Z", 30, None),
    );
    write(
        dir,
        "tue_easy.gpx",
        &run("2024-03-19T14:00:00Z", 40, Some(LOS_ANGELES)),
    );
}

fn scan_json(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "scan",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--format",
        "json",
        "-q",
    ];
    args.extend_from_slice(extra);
    args.push(".");
    let out = easyrun_in(dir, &args);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn weeks_split_at_local_midnight_and_a_treadmill_borrows_its_neighbours_zone() {
    let dir = temp_dir("la-week");
    los_angeles_week(&dir);
    let doc = scan_json(&dir, &[]);
    let acts = doc["activities"].as_array().unwrap();
    let treadmill = acts
        .iter()
        .find(|a| a["source"].as_str().unwrap().ends_with("sun_treadmill.tcx"))
        .unwrap();
    assert_eq!(
        clock(treadmill),
        (
            s("2024-03-17T18:00:00-07:00"),
            -25_200,
            s("neighbouring_runs"),
            Some(s("America/Los_Angeles"))
        )
    );
    // UTC would put Sunday's run in week 12 with Tuesday's; locally it is week 11's.
    let weeks: Vec<(u64, u64)> = doc["summary"]["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["iso_week"].as_u64().unwrap(), w["runs"].as_u64().unwrap()))
        .collect();
    assert_eq!(weeks, [(11, 2), (12, 1)]);
    // The placement stays on absolute time: the evening run starts 8.3 h after the long
    // run ended (16:40 to 01:00 UTC), a recovery run whatever the calendars say.
    assert_eq!(treadmill["class"], "recovery");
    let hours = treadmill["recovers_from"]["hours_since_end"]
        .as_f64()
        .unwrap();
    assert!((hours - 8.3).abs() < 0.1, "{hours}");
}

#[test]
fn the_configured_zone_and_units_come_from_the_profile_file() {
    let dir = temp_dir("configured");
    write(&dir, "alone.tcx", &run("2024-06-01T22:00:00Z", 30, None));
    // No source: UTC, marked as such.
    let r = &check_json(&dir, &["alone.tcx"])[0];
    assert_eq!(
        clock(r),
        (s("2024-06-01T22:00:00+00:00"), 0, s("utc"), None)
    );
    let text = stdout(&easyrun_in(
        &dir,
        &["check", "--max-hr", "190", "--rest-hr", "50", "alone.tcx"],
    ));
    assert!(text.contains(" · 2024-06-01 22:00 UTC · "), "{text}");
    assert!(text.contains("times in UTC"), "{text}");

    std::fs::write(
        dir.join("easyrun.toml"),
        "max_hr = 190\nrest_hr = 50\ntimezone = \"Asia/Tokyo\"\nunits = \"imperial\"\n",
    )
    .unwrap();
    let r = &check_json(&dir, &["alone.tcx"])[0];
    assert_eq!(
        clock(r),
        (
            s("2024-06-02T07:00:00+09:00"),
            32_400,
            s("configured"),
            Some(s("Asia/Tokyo"))
        )
    );
    let text = stdout(&easyrun_in(&dir, &["check", "alone.tcx"]));
    assert!(text.contains(" · 2024-06-02 07:00 +09:00 · "), "{text}");
    assert!(text.contains(" mi · ") && text.contains(" /mi"), "{text}");
    // A flag outranks the file.
    let text = stdout(&easyrun_in(
        &dir,
        &[
            "check",
            "--units",
            "metric",
            "--timezone",
            "Europe/Berlin",
            "alone.tcx",
        ],
    ));
    assert!(text.contains(" · 2024-06-02 00:00 +02:00 · "), "{text}");
    assert!(text.contains(" km · ") && text.contains(" /km"), "{text}");
    let bad = easyrun_in(&dir, &["check", "--timezone", "Mars/Olympus", "alone.tcx"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(common::stderr(&bad).contains("not a time zone of the tz database"));
}

#[test]
fn a_start_at_sea_falls_back_with_a_note() {
    let dir = temp_dir("at-sea");
    let sea = Position {
        lat_deg: 0.5,
        lon_deg: -30.0,
    };
    write(
        &dir,
        "ship.gpx",
        &run("2024-06-01T12:00:00Z", 30, Some(sea)),
    );
    let r = &check_json(&dir, &["ship.gpx"])[0];
    assert_eq!(r["local_time_source"], "utc");
    let text = stdout(&easyrun_in(
        &dir,
        &["scan", "--max-hr", "190", "--rest-hr", "50", "-q", "."],
    ));
    assert!(
        text.contains("1 of 1 activities without a local time (")
            && text.contains(": shown in UTC"),
        "{text}"
    );
    assert!(text.contains("\n2024-06-01 12:00 UTC    "), "{text}");
    let note = r["local_time_note"].as_str().unwrap();
    assert!(
        note.starts_with("the start position 0.5")
            && note.ends_with(", -29.997 lies in no country's time zone: not used"),
        "{note}"
    );
}

#[test]
fn imperial_text_csv_and_html_and_json_that_stays_si() {
    let dir = temp_dir("imperial");
    los_angeles_week(&dir);
    let hilly = RunSpec::new(at("2024-03-21T14:00:00Z"), 40 * 60)
        .route(LOS_ANGELES, 2000.0)
        .hilly(25.0, 800.0)
        .build();
    write(&dir, "thu_hills.gpx", &hilly);
    let base = ["--max-hr", "190", "--rest-hr", "50", "-q"];
    let scan = |format: &str, units: &str| {
        let mut args = vec!["scan"];
        args.extend_from_slice(&base);
        args.extend_from_slice(&["--format", format, "--units", units, "."]);
        stdout(&easyrun_in(&dir, &args))
    };

    // JSON is SI whatever the units.
    assert_eq!(scan("json", "imperial"), scan("json", "metric"));
    assert_eq!(scan("jsonl", "imperial"), scan("jsonl", "metric"));

    let metric = scan_json(&dir, &[]);
    let tue = metric["activities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["source"].as_str().unwrap().ends_with("tue_easy.gpx"))
        .unwrap()
        .clone();
    let distance_m = tue["distance_m"].as_f64().unwrap();
    let pace_s_per_km = tue["pace_s_per_km"].as_f64().unwrap();

    // Text: miles and minutes per mile, local start times.
    let text = scan("text", "imperial");
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("start (local)") && header.contains(" mi ") && header.contains("/mi"),
        "{header}"
    );
    let row = text.lines().find(|l| l.contains("tue_easy.gpx")).unwrap();
    assert!(row.starts_with("2024-03-19 07:00 -07:00 "), "{row}");
    let miles = format!("{:.2}", distance_m / 1609.344);
    assert!(row.contains(&miles), "{row} should hold {miles} mi");
    let p = (pace_s_per_km * 1.609344).round() as u64;
    let pace = format!("{}:{:02}", p / 60, p % 60);
    assert!(row.contains(&pace), "{row} should hold {pace} /mi");
    assert!(text.contains("\nweek      runs  time     mi   "), "{text}");

    // CSV: unit-suffixed columns in miles and feet.
    let csv = scan("csv", "imperial");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for column in [
        "distance_mi",
        "pace_s_per_mi",
        "ascent_ft",
        "local_start_time",
    ] {
        assert!(header.contains(&column), "{header:?}");
    }
    assert!(!header.contains(&"distance_m"));
    let col = |name: &str| header.iter().position(|c| *c == name).unwrap();
    let row: Vec<&str> = lines
        .find(|l| l.contains("tue_easy.gpx"))
        .unwrap()
        .split(',')
        .collect();
    let mi: f64 = row[col("distance_mi")].parse().unwrap();
    assert!((mi - distance_m / 1609.344).abs() < 0.001, "{mi}");
    let s_per_mi: f64 = row[col("pace_s_per_mi")].parse().unwrap();
    assert!(
        (s_per_mi - pace_s_per_km * 1.609344).abs() < 0.2,
        "{s_per_mi}"
    );
    assert_eq!(row[col("local_start_time")], "2024-03-19T07:00:00-07:00");
    assert_eq!(row[col("utc_offset_s")], "-25200");
    assert_eq!(row[col("local_time_source")], "start_position");

    // Check text in imperial: the hilly reason in feet per mile.
    let text = stdout(&easyrun_in(
        &dir,
        &[
            "check",
            "--max-hr",
            "190",
            "--rest-hr",
            "50",
            "--units",
            "imperial",
            "thu_hills.gpx",
        ],
    ));
    assert!(
        text.contains(" ft of climbing (") && text.contains(" ft/mi, "),
        "{text}"
    );
    assert!(!text.contains(" m/km"), "{text}");

    // HTML: axes, tables and the week chart in miles and feet.
    let page = dir.join("report.html");
    let mut args = vec!["report"];
    args.extend_from_slice(&base);
    args.extend_from_slice(&["--units", "imperial", "-o", page.to_str().unwrap(), "."]);
    let out = easyrun_in(&dir, &args);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    for needle in [
        "Grade-adjusted pace, min/mi",
        "Elevation, ft",
        "<th scope=\"col\" class=\"num\">mi</th>",
        "start (local)",
        " mi</text>",
        "2024-03-19 07:00 <span class=\"tz\">-07:00</span>",
        "Sun 2024-03-17 18:00 -07:00",
    ] {
        assert!(html.contains(needle), "the page lacks {needle:?}");
    }
    assert!(!html.contains("min/km") && !html.contains(" km</text>"));
}

#[test]
fn metric_stays_the_default_without_a_profile() {
    let out = easyrun(&[
        "check",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "fixtures/garmin_connect_export.gpx",
    ]);
    let text = stdout(&out);
    assert!(text.contains(" km · ") && text.contains(" /km"), "{text}");
    // Zürich in January, by the start position.
    assert!(text.contains("2025-01-08 08:15 +01:00"), "{text}");
}
