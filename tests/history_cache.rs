//! The history cache end to end: a cached run gives byte-identical output to an
//! uncached one (`check --history`, `scan`, `report`), a broken cache is rebuilt with a
//! warning and never trusted, concurrent runs never corrupt it, anything that changes
//! the facts (settings, the file) is not served from it, `cache info|clear`.
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

use common::{code, easyrun_env, stderr, stdout, temp_dir};
use easyrun_testkit::context;

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

fn run(cache: &Path, args: &[&str]) -> Output {
    easyrun_env(common::repo(), args, &[("EASYRUN_CACHE_DIR", cache)])
}

/// The history folder of the long-run fixture plus the repository's fixtures (every
/// format, archives, exports, broken files), without thresholds: the second pass and
/// the estimate are exercised.
fn mixed_history(tag: &str) -> PathBuf {
    let dir = temp_dir(tag);
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap().path();
            if e.is_file() {
                std::fs::copy(&e, to.join(e.file_name().unwrap())).unwrap();
            }
        }
    };
    copy(
        &fixtures().join("long_and_after/history"),
        &dir.join("watch"),
    );
    copy(Path::new("fixtures"), &dir.join("fixtures"));
    copy(Path::new("fixtures/history_week"), &dir.join("week"));
    copy(Path::new("fixtures/bad"), &dir.join("bad"));
    dir
}

fn outputs_agree(cache: &Path, args: &[&str]) -> Output {
    let mut no_cache = args.to_vec();
    no_cache.push("--no-cache");
    let existed = cache.exists();
    let reference = run(cache, &no_cache);
    assert_eq!(cache.exists(), existed, "--no-cache writes nothing");
    let cold = run(cache, args);
    let warm = run(cache, args);
    for (what, out) in [("cold", &cold), ("warm", &warm)] {
        assert_eq!(code(out), code(&reference), "{what}: {}", stderr(out));
        assert_eq!(out.stdout, reference.stdout, "{what}: {args:?}");
    }
    assert!(cache.exists(), "the cache was written");
    warm
}

#[test]
fn check_in_a_history_gives_the_same_bytes_cached_or_not() {
    let history = mixed_history("check-bytes");
    let h = history.display().to_string();
    let sunday = p("long_and_after/sunday.fit");
    for format in ["json", "text"] {
        let cache = temp_dir(&format!("check-bytes-cache-{format}"));
        let _ = std::fs::remove_dir_all(&cache);
        let out = outputs_agree(
            &cache,
            &[
                "check",
                sunday.as_str(),
                "--history",
                h.as_str(),
                "--format",
                format,
            ],
        );
        let text = stdout(&out);
        assert!(text.contains("long_saturday.fit"), "{text}");
        let estimate = if format == "json" {
            "history_estimate"
        } else {
            "estimated from"
        };
        assert!(
            text.contains(estimate),
            "no thresholds: the estimate is used"
        );
    }
}

#[test]
fn scan_and_report_give_the_same_bytes_cached_or_not() {
    let history = mixed_history("scan-bytes");
    let h = history.display().to_string();
    let cache = temp_dir("scan-bytes-cache");
    let _ = std::fs::remove_dir_all(&cache);
    for format in ["jsonl", "text", "csv"] {
        outputs_agree(&cache, &["scan", h.as_str(), "--format", format, "-q"]);
    }
    outputs_agree(
        &cache,
        &[
            "scan",
            h.as_str(),
            "--max-hr",
            "185",
            "--format",
            "jsonl",
            "-q",
        ],
    );
    outputs_agree(&cache, &["report", h.as_str(), "-q"]);
    // check --history reads what scan left.
    let sunday = p("long_and_after/sunday.fit");
    let out = run(&cache, &["check", sunday.as_str(), "--history", h.as_str()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

fn cache_file(cache: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cache"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

/// `text` with the format version of its header set to the one before this build's.
fn older_format(text: &str) -> String {
    let (header, body) = text.split_once('\n').unwrap();
    let mut fields: Vec<String> = header.split(' ').map(str::to_string).collect();
    assert_eq!(
        fields[1],
        easyrun::scan::cache::FACTS_FORMAT_VERSION.to_string()
    );
    fields[1] = (easyrun::scan::cache::FACTS_FORMAT_VERSION - 1).to_string();
    format!("{}\n{body}", fields.join(" "))
}

#[test]
fn a_truncated_or_hand_edited_cache_is_rebuilt_with_a_warning() {
    let cache = temp_dir("broken-cache");
    let history = p("baseline/history");
    let forced = p("baseline/forced.fit");
    let mut args = vec![
        "check",
        forced.as_str(),
        "--history",
        history.as_str(),
        "--format",
        "json",
    ];
    args.extend_from_slice(context::FLAGS);
    let first = run(&cache, &args);
    assert_eq!(stderr(&first), "");
    let file = cache_file(&cache);
    let text = std::fs::read_to_string(&file).unwrap();
    // A hand edit that keeps the JSON valid: one heart rate changed.
    let at = text.find("\"hr_bpm\":").unwrap() + "\"hr_bpm\":".len();
    let mut edited = text.clone();
    edited.replace_range(at..at + 1, if &text[at..at + 1] == "9" { "8" } else { "9" });
    for (what, broken, says) in [
        (
            "truncated",
            text[..text.len() / 2].to_string(),
            "truncated or edited",
        ),
        ("edited", edited, "checksum does not match"),
        (
            "garbage",
            "{\"not\": \"a cache\"}".to_string(),
            "no header line",
        ),
        // A cache of an older format (facts without `created`, `local`…), whole and
        // with its checksum right: still not read.
        (
            "old format",
            older_format(&text),
            "not a cache of this format",
        ),
    ] {
        std::fs::write(&file, broken).unwrap();
        let out = run(&cache, &args);
        assert_eq!(
            out.stdout, first.stdout,
            "{what}: same answer, nothing trusted"
        );
        let err = stderr(&out);
        assert!(
            err.starts_with("easyrun: warning: history cache ")
                && err.contains(says)
                && err.trim_end().ends_with("rebuilt"),
            "{what}: {err}"
        );
        let again = run(&cache, &args);
        assert_eq!(stderr(&again), "", "{what}: rebuilt once");
        assert_eq!(again.stdout, first.stdout);
    }
}

#[test]
fn concurrent_runs_never_corrupt_the_cache() {
    let cache = temp_dir("concurrent");
    let history = mixed_history("concurrent-history");
    let h = history.display().to_string();
    let sunday = p("long_and_after/sunday.fit");
    let check: Vec<&str> = vec![
        "check",
        sunday.as_str(),
        "--history",
        h.as_str(),
        "--format",
        "json",
    ];
    let scan: Vec<&str> = vec!["scan", h.as_str(), "--format", "jsonl", "-q"];
    let with = |args: &[&str]| {
        let mut a = args.to_vec();
        a.push("--no-cache");
        run(&cache, &a).stdout
    };
    let references = [with(&check), with(&scan)];
    for round in 0..3 {
        // Checks and scans of the same history at once, writing the same cache.
        let children: Vec<_> = (0..4)
            .map(|k| {
                let args = if k % 2 == 0 { &check } else { &scan };
                std::process::Command::new(env!("CARGO_BIN_EXE_easyrun"))
                    .args(args)
                    .env("HOME", "/nonexistent")
                    .env("XDG_CONFIG_HOME", "/nonexistent")
                    .env("EASYRUN_CACHE_DIR", &cache)
                    .output_spawned()
            })
            .collect();
        for (k, child) in children.into_iter().enumerate() {
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.stdout, references[k % 2], "round {round}, run {k}");
            let err = stderr(&out);
            assert!(
                !err.contains("history cache"),
                "round {round}: no broken cache seen: {err}"
            );
        }
    }
    let info = run(&cache, &["cache", "info"]);
    let text = stdout(&info);
    assert!(
        text.contains("history files") && !text.contains("broken"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_dir(&cache).unwrap().count(),
        1,
        "one cache file, no temporary left"
    );
}

trait Spawn {
    fn output_spawned(&mut self) -> std::process::Child;
}

impl Spawn for std::process::Command {
    fn output_spawned(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }
}

#[test]
fn what_changes_the_facts_is_never_served_from_the_cache() {
    let cache = temp_dir("invalidate");
    let history = temp_dir("invalidate-history");
    for e in std::fs::read_dir(fixtures().join("baseline/history")).unwrap() {
        let e = e.unwrap().path();
        std::fs::copy(&e, history.join(e.file_name().unwrap())).unwrap();
    }
    let h = history.display().to_string();
    let forced = p("baseline/forced.fit");
    let check = |max: &str, extra: &[&str]| {
        let mut args = vec!["check", forced.as_str(), "--history", h.as_str()];
        args.extend(["--max-hr", max, "--rest-hr", "50", "--format", "json"]);
        args.extend_from_slice(extra);
        run(&cache, &args)
    };
    // Other thresholds: another cache file, and the answer of an uncached run.
    for max in ["190", "175", "190"] {
        assert_eq!(
            check(max, &[]).stdout,
            check(max, &["--no-cache"]).stdout,
            "{max}"
        );
    }
    let files = std::fs::read_dir(&cache).unwrap().count();
    assert_eq!(files, 2, "one cache per settings");
    // Another configured time zone (runs that say none of their own take it).
    for tz in ["America/Denver", "Asia/Tokyo"] {
        assert_eq!(
            check("190", &["--timezone", tz]).stdout,
            check("190", &["--timezone", tz, "--no-cache"]).stdout,
            "{tz}"
        );
    }
    assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 4);
    // A history file rewritten (another run in its place): read again.
    let before = check("190", &[]);
    let newer = context::forced("Morning Run");
    std::fs::write(
        history.join("easy_14.fit"),
        easyrun_testkit::fit::encode(&newer, &easyrun_testkit::fit::FitOptions::garmin(3990)),
    )
    .unwrap();
    let after = check("190", &[]);
    assert_ne!(
        after.stdout, before.stdout,
        "the changed file was read again"
    );
    assert_eq!(after.stdout, check("190", &["--no-cache"]).stdout);
}

#[test]
fn cache_info_and_clear() {
    let cache = temp_dir("info");
    let out = run(&cache, &["cache", "info"]);
    assert_eq!(code(&out), 0);
    assert_eq!(
        stdout(&out),
        format!("history cache: {}\n  empty\n", cache.display())
    );
    let history = p("baseline/history");
    let forced = p("baseline/forced.fit");
    let mut args = vec!["check", forced.as_str(), "--history", history.as_str()];
    args.extend_from_slice(context::FLAGS);
    run(&cache, &args);
    let text = stdout(&run(&cache, &["cache", "info"]));
    assert!(
        text.contains("14 history files, 14 activities · this build"),
        "{text}"
    );
    std::fs::write(cache.join("notes.txt"), "not ours").unwrap();
    let out = run(&cache, &["cache", "clear"]);
    assert_eq!(
        stdout(&out),
        format!("history cache {}: 1 files removed\n", cache.display())
    );
    assert!(
        cache.join("notes.txt").exists(),
        "only cache files are removed"
    );
    assert!(stdout(&run(&cache, &["cache", "info"])).contains("empty"));
}

#[test]
fn activities_that_cannot_be_judged_are_never_served_from_the_cache() {
    // --zones lthr without an LTHR: nothing can be judged, the estimate does not help.
    let cache = temp_dir("unjudged");
    let sunday = p("long_and_after/sunday.fit");
    let history = p("long_and_after/history");
    let args = [
        "check",
        sunday.as_str(),
        "--history",
        history.as_str(),
        "--zones",
        "lthr",
        "--format",
        "json",
    ];
    let first = run(&cache, &args);
    assert_eq!(code(&first), 2, "{}", stdout(&first));
    for _ in 0..2 {
        let again = run(&cache, &args);
        assert_eq!(again.stdout, first.stdout);
        assert_eq!(stderr(&again), stderr(&first));
    }
    assert_eq!(stderr(&first).matches("(skipped)").count(), 5);
    // scan leaves nothing in the cache that check would trust either.
    let scan = run(&cache, &["scan", history.as_str(), "--zones", "lthr", "-q"]);
    assert_eq!(code(&scan), 2);
    assert_eq!(run(&cache, &args).stdout, first.stdout);
}
