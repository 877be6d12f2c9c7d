//! A re-scan with the history cache (issue 16, docs/decisions.md §32): a file the
//! cache holds unchanged (same canonical path, size and modification time) is not read
//! — its facts and analysis come from the cache — and the output is byte for byte the
//! output of a cold scan and of `--no-cache` (jsonl, text, the HTML report, which reads
//! the curves of the runs it draws again). A file whose stamp changed is read again; an
//! activity analysed with another max-HR estimate than the batch's is analysed again.
//! On the real corpus (with `EASYRUN_CORPUS`), the library's own result is compared and
//! every readable file must come from the cache.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use common::{code, easyrun_env, stderr, stdout, temp_dir};
use easyrun::profile::Units;
use easyrun::report::html::{self, HtmlOptions};
use easyrun::report::scan::{self as scan_report, ScanFormat};
use easyrun::{Scan, ScanConfig, Scope, Settings, run_batch};
use easyrun_testkit::context;

fn context_fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = temp_dir("rescan-context");
        context::generate(&dir).unwrap();
        dir
    })
}

fn run(cache: &Path, args: &[&str]) -> Output {
    easyrun_env(common::repo(), args, &[("EASYRUN_CACHE_DIR", cache)])
}

/// A history of readable files only, without thresholds (the estimate stands in): the
/// long-run fixture's history, the week of the history fixtures, plain, gzipped and
/// zipped files (members that hold no activity among them).
fn history(tag: &str) -> PathBuf {
    let dir = temp_dir(tag);
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    };
    for e in std::fs::read_dir(context_fixtures().join("long_and_after/history")).unwrap() {
        let e = e.unwrap().path();
        copy(&e, &dir.join("watch").join(e.file_name().unwrap()));
    }
    for e in std::fs::read_dir("fixtures/history_week").unwrap() {
        let e = e.unwrap().path();
        if e.extension().is_some_and(|x| x != "json") {
            copy(&e, &dir.join("week").join(e.file_name().unwrap()));
        }
    }
    for name in [
        "garmin_export.zip",
        "strava_bulk_two_runs.zip",
        "evening_run.TCX.gz",
        "lunch_run.tcx",
        "morning_run.fit.gz",
    ] {
        copy(
            &Path::new("fixtures").join(name),
            &dir.join("more").join(name),
        );
    }
    dir
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Overwrites `path` with as many zero bytes, its modification time kept: the cache
/// cannot tell (it revalidates by stat), a read would find no activity.
fn zero_keeping_stamp(path: &Path) {
    let meta = std::fs::metadata(path).unwrap();
    let mtime = meta.modified().unwrap();
    std::fs::write(path, vec![0u8; usize::try_from(meta.len()).unwrap()]).unwrap();
    let f = std::fs::File::options().write(true).open(path).unwrap();
    f.set_modified(mtime).unwrap();
}

fn touch(path: &Path) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    let later = std::fs::metadata(path).unwrap().modified().unwrap() + Duration::from_secs(5);
    f.set_modified(later.max(SystemTime::now())).unwrap();
}

fn jsonl(cache: &Path, dir: &Path, extra: &[&str]) -> Output {
    let d = dir.display().to_string();
    let mut args = vec!["scan", d.as_str(), "--format", "jsonl", "-q"];
    args.extend_from_slice(extra);
    run(cache, &args)
}

#[test]
fn a_warm_scan_reads_no_file_the_cache_holds_and_reads_a_touched_one() {
    let dir = history("rescan-unread");
    let cache = temp_dir("rescan-unread-cache");
    let reference = jsonl(&cache, &dir, &["--no-cache"]);
    let cold = jsonl(&cache, &dir, &[]);
    assert_eq!(code(&cold), 0, "{}", stderr(&cold));
    assert_eq!(cold.stdout, reference.stdout);
    let text = stdout(&cold);
    assert!(
        text.contains("history_estimate") && text.contains("strava_bulk_two_runs.zip/"),
        "the estimate and archive members are exercised: {text}"
    );
    assert_eq!(stderr(&cold), "");
    let d = dir.display().to_string();
    let text_reference = stdout(&run(&cache, &["scan", d.as_str(), "-q", "--no-cache"]));

    // Every file's bytes gone, its stamp kept: a warm scan reads none of them.
    let files = files_under(&dir);
    assert!(files.len() >= 15, "{files:?}");
    for f in &files {
        zero_keeping_stamp(f);
    }
    let warm = jsonl(&cache, &dir, &[]);
    assert_eq!(stderr(&warm), "");
    assert_eq!(
        stdout(&warm),
        text,
        "served from the cache: byte for byte the cold scan"
    );
    let warm_text = run(&cache, &["scan", d.as_str(), "-q"]);
    assert_eq!(stdout(&warm_text), text_reference, "text output too");

    // One file touched (its stamp changed): read again, and now it holds nothing.
    let touched = dir.join("week/bravo_friday.fit");
    touch(&touched);
    let after = jsonl(&cache, &dir, &[]);
    let after_text = stdout(&after);
    assert_eq!(code(&after), 2, "an unreadable file: {}", stderr(&after));
    assert!(
        after_text.contains(&format!("\"source\":\"{}\"", touched.display()))
            && after_text.contains("\"kind\":\""),
        "{after_text}"
    );
    let entries = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("{\"schema_version\":1,\"source\""))
            .count()
    };
    assert_eq!(
        entries(&after_text),
        entries(&text) - 1,
        "the others still from the cache"
    );
}

#[test]
fn a_run_analysed_with_another_estimate_is_analysed_again() {
    let dir = history("rescan-estimate");
    let cache = temp_dir("rescan-estimate-cache");
    let whole = jsonl(&cache, &dir, &[]);
    assert_eq!(whole.stdout, jsonl(&cache, &dir, &["--no-cache"]).stdout);
    // Some files alone: another history, another estimate; its files are all held,
    // with analyses made with the whole history's estimate.
    let week = dir.join("more");
    let part = jsonl(&cache, &week, &[]);
    let part_reference = jsonl(&cache, &week, &["--no-cache"]);
    assert_eq!(stdout(&part), stdout(&part_reference));
    let estimate = |t: &str| {
        t.lines()
            .find(|l| l.contains("\"max_hr_estimate\":{"))
            .and_then(|l| l.split("\"max_hr_estimate\":{\"bpm\":").nth(1))
            .map(|v| v.split([',', '}']).next().unwrap().to_string())
    };
    let (a, b) = (estimate(&stdout(&whole)), estimate(&stdout(&part)));
    assert!(a.is_some() && b.is_some() && a != b, "{a:?} {b:?}");
    // And the whole again: the week's runs analysed again with the whole's estimate.
    assert_eq!(jsonl(&cache, &dir, &[]).stdout, whole.stdout);
    assert_eq!(jsonl(&cache, &week, &[]).stdout, part.stdout);
}

#[test]
fn a_warm_report_is_the_cold_report() {
    let dir = history("rescan-report");
    let cache = temp_dir("rescan-report-cache");
    let d = dir.display().to_string();
    let html = temp_dir("rescan-report-page").join("page.html");
    let h = html.display().to_string();
    let page = |extra: &[&str]| {
        let mut args = vec!["report", d.as_str(), "-q", "-o", h.as_str()];
        args.extend_from_slice(extra);
        let out = run(&cache, &args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        std::fs::read_to_string(&html).unwrap()
    };
    let reference = page(&["--no-cache"]);
    // The cache written by a scan (no curves), then the report from it: the curves of
    // the runs the page draws are read again.
    jsonl(&cache, &dir, &[]);
    let warm = page(&[]);
    assert!(warm.contains("class=\"chart-box\""), "charts drawn");
    assert_eq!(warm, reference);
    assert_eq!(page(&[]), reference);
}

/// Every fourth file of the corpus (each format, and its unreadable files), sorted.
fn corpus_subset(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for sub in ["fit", "gpx", "tcx", "bad"] {
        let dir = root.join(sub);
        if dir.is_dir() {
            files.extend(files_under(&dir));
        }
    }
    files
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % 4 == 0)
        .map(|(_, f)| f)
        .collect()
}

fn corpus_batch(files: &[PathBuf], cache: Option<&Path>, keep_series: bool) -> Scan {
    let config = ScanConfig {
        settings: Settings {
            flags: common::test_flags(),
            keep_series,
            ..Settings::default()
        },
        scope: Scope::History,
        cache: cache.map(Path::to_path_buf),
        jobs: 2,
        ..ScanConfig::default()
    };
    let mut scan = run_batch(files, &config, &());
    if keep_series {
        let charted = html::charted(&scan, &HtmlOptions::default());
        easyrun::scan::read_curves(&mut scan, &charted, &config, &());
    }
    scan
}

fn rendered(scan: &Scan) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for format in [ScanFormat::Jsonl, ScanFormat::Text { color: false }] {
        let mut buf = Vec::new();
        scan_report::write(&mut buf, scan, format, Units::Metric).unwrap();
        out.push(buf);
    }
    out
}

#[test]
fn the_corpus_rescanned_is_the_corpus_scanned() {
    let Some(root) = common::corpus() else {
        return;
    };
    let files = corpus_subset(&root);
    assert!(files.len() > 50, "{}", files.len());
    let cache = temp_dir("rescan-corpus-cache");
    let reference = corpus_batch(&files, None, false);
    let cold = corpus_batch(&files, Some(&cache), false);
    let warm = corpus_batch(&files, Some(&cache), false);
    assert_eq!(rendered(&cold), rendered(&reference));
    assert_eq!(rendered(&warm), rendered(&reference));
    assert_eq!(warm.entries, reference.entries);
    // Every file read without error came from the cache: all their analyses survived
    // the round trip.
    let failed = files
        .iter()
        .filter(|f| {
            let name = f.display().to_string();
            cold.errors.iter().any(|e| e.source.starts_with(&name))
        })
        .count();
    let report = warm.cache.as_ref().unwrap();
    assert_eq!(
        (report.hits, report.misses),
        (files.len() - failed, failed),
        "{report:?}"
    );
    assert!(failed > 0 && report.hits > 50, "{report:?}");
    assert!(!report.written, "nothing new to write");

    // The report's page: the curves of the runs it draws, read again.
    let page = |scan: &Scan| {
        let mut out = Vec::new();
        html::write(&mut out, scan, &HtmlOptions::default()).unwrap();
        out
    };
    let reference = corpus_batch(&files, None, true);
    let warm = corpus_batch(&files, Some(&cache), true);
    assert!(warm.curves_pending.len() < warm.entries.len());
    assert_eq!(page(&warm), page(&reference));
}
