//! One snapshot per output format, each rendered by the library into a buffer from the
//! bundled fixtures, exactly as the command line renders it: `scan` text, JSON, JSONL
//! and CSV, `check` text, `regress` text and JUnit, and the HTML report. A renderer or
//! judgement change shows up as a reviewed diff of `tests/snapshots/`; re-bless with
//! `EASYRUN_UPDATE_SNAPSHOTS=1 cargo test --test snapshots` once it is intended.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};

use common::assert_snapshot;
use easyrun::profile::Units;
use easyrun::regress::{
    Anchor, Baseline, Manifest, Report, ReportFormat, RunSettings, Section, check_expectations,
    compare, junit, observe,
};
use easyrun::report::check::{self, CheckFormat, CheckItem};
use easyrun::report::html::{self, HtmlOptions};
use easyrun::report::scan::{self, ScanFormat};
use easyrun::{Scan, ScanConfig, Scope, Settings, run_batch};

/// A batch of `path` (relative to the repository, as the README's commands name it).
fn batch(path: &str, scope: Scope, keep_series: bool) -> Scan {
    assert!(
        Path::new(path).is_dir(),
        "tests run in the repository: {path}"
    );
    let config = ScanConfig {
        settings: Settings {
            // `--max-hr 190 --rest-hr 50`, as the README's commands give.
            flags: common::test_flags(),
            keep_series,
            ..Settings::default()
        },
        scope,
        ..ScanConfig::default()
    };
    run_batch(&[PathBuf::from(path)], &config, &())
}

fn scan_output(scan: &Scan, format: ScanFormat) -> Vec<u8> {
    let mut out = Vec::new();
    scan::write(&mut out, scan, format, Units::Metric).unwrap();
    out
}

#[test]
fn scan_text_csv_and_jsonl() {
    let fixtures = batch("fixtures", Scope::History, false);
    assert!(fixtures.entries.len() > 30 && !fixtures.errors.is_empty());
    assert_snapshot(
        "scan_fixtures.txt",
        &scan_output(&fixtures, ScanFormat::Text { color: false }),
    );
    assert_snapshot(
        "scan_fixtures.csv",
        &scan_output(&fixtures, ScanFormat::Csv),
    );
    assert_snapshot(
        "scan_fixtures.jsonl",
        &scan_output(&fixtures, ScanFormat::Jsonl),
    );
}

#[test]
fn scan_json() {
    let week = batch("fixtures/history_week", Scope::History, false);
    assert_snapshot(
        "scan_history_week.json",
        &scan_output(&week, ScanFormat::Json),
    );
}

#[test]
fn check_text() {
    let each = batch("fixtures", Scope::EachActivity, false);
    let mut out = Vec::new();
    check::write(
        &mut out,
        &CheckItem::all(&each, 24.0),
        CheckFormat::Text {
            color: false,
            units: Units::Metric,
        },
    )
    .unwrap();
    assert_snapshot("check_fixtures.txt", &out);
}

#[test]
fn regress_text_and_junit() {
    let cwd = std::env::current_dir().unwrap();
    let (baseline_path, manifest_path) = (
        Path::new("fixtures/baseline.json"),
        Path::new("fixtures/expectations.toml"),
    );
    let baseline = Baseline::read(baseline_path).unwrap();
    let manifest = Manifest::read(manifest_path).unwrap();
    let fixtures = batch("fixtures", Scope::History, false);
    let run = RunSettings::new(&common::test_flags(), None, 24.0, None);
    let c = compare(
        &baseline,
        &run,
        &observe(&fixtures, &Anchor::of_file(&cwd, baseline_path)),
    );
    let report = Report {
        baseline: Some(Section {
            file: baseline_path.display().to_string(),
            settings: c.settings,
            note: None,
            cases: c.cases,
        }),
        expectations: Some(Section {
            file: manifest_path.display().to_string(),
            settings: vec![],
            note: None,
            cases: check_expectations(
                &manifest,
                &observe(&fixtures, &Anchor::of_file(&cwd, manifest_path)),
            ),
        }),
    };
    assert_eq!(report.differences(), 0, "the committed baseline holds");
    let mut text = Vec::new();
    report.write(&mut text, ReportFormat::Text).unwrap();
    assert_snapshot("regress_fixtures.txt", &text);
    let mut xml = Vec::new();
    junit::write(&mut xml, &report).unwrap();
    assert_snapshot("regress_fixtures.junit.xml", &xml);
}

/// The same page `tests/report_html.rs` makes with the binary (`--recent 1`), whose
/// footer names the version as `easyrun VERSION` there.
#[test]
fn html() {
    let week = batch("fixtures/history_week", Scope::History, true);
    let options = HtmlOptions {
        recent_runs: 1,
        generator: Some("easyrun VERSION".to_string()),
        ..HtmlOptions::default()
    };
    let mut out = Vec::new();
    html::write(&mut out, &week, &options).unwrap();
    assert_snapshot("report_history_week.html", &out);
}
