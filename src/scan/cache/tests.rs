#![allow(clippy::indexing_slicing)]

use super::*;
use crate::history::testkit::run;

fn dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("easyrun-cache-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap_or_default();
    d
}

/// An analysis of an empty run named `source` (judged: a max HR is given).
fn analysis(source: &str) -> Box<Analysis> {
    let mut settings = Settings::default();
    settings.flags.max_hr = Some(190.0);
    let raw = crate::model::RawActivity::new(source, Format::Fit);
    match crate::analyze::analyze_raw(&raw, &settings, None).analysis {
        Ok(mut a) => {
            a.elapsed_s = 0.1 + 0.2;
            Box::new(a)
        }
        Err(_) => unreachable!(),
    }
}

fn activity(source: &str) -> Outcome {
    let mut facts = run(source, "2025-03-01T07:00:00Z", 40);
    facts.distance_m = 6_666.666_666_666_7;
    facts.avg_hr_bpm = Some(0.1 + 0.2);
    Outcome::Activity(Box::new(CachedActivity {
        facts,
        analysis: analysis(source),
        format: Format::Fit,
        needs_fallback: true,
        fallback_bpm: Some(181.000_000_000_03),
    }))
}

/// A history file and the cache holding it.
fn cached(tag: &str) -> (PathBuf, PathBuf, FileId) {
    let d = dir(tag);
    let file = d.join("run.fit");
    std::fs::write(&file, b"bytes of a run").unwrap_or_default();
    let id = FileId::of(&file).unwrap_or_else(|| unreachable!());
    let mut cache = HistoryCache::open(&d.join("cache"), &Settings::default());
    let source = file.display().to_string();
    cache.put(&id, &file, &[activity(&source)]);
    let report = cache.finish();
    assert!(report.written && report.warnings.is_empty(), "{report:?}");
    (d, file, id)
}

#[test]
fn the_folder_follows_the_environment() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| OsString::from(v))
        }
    };
    let all = env(&[
        ("EASYRUN_CACHE_DIR", "/tmp/c"),
        ("XDG_CACHE_HOME", "/x"),
        ("HOME", "/h"),
    ]);
    assert_eq!(default_dir(all), Some(PathBuf::from("/tmp/c")));
    let xdg = env(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")]);
    assert_eq!(default_dir(xdg), Some(PathBuf::from("/x/easyrun")));
    // A relative XDG_CACHE_HOME is invalid by the spec, an empty one unset.
    let relative = env(&[("XDG_CACHE_HOME", "x"), ("HOME", "/h")]);
    assert_eq!(
        default_dir(relative),
        Some(PathBuf::from("/h/.cache/easyrun"))
    );
    let empty = env(&[("EASYRUN_CACHE_DIR", ""), ("HOME", "/h")]);
    assert_eq!(default_dir(empty), Some(PathBuf::from("/h/.cache/easyrun")));
    assert_eq!(default_dir(env(&[])), None);
}

#[test]
fn facts_come_back_exactly_under_the_name_the_walk_gives() {
    let (d, file, id) = cached("round-trip");
    let mut cache = HistoryCache::open(&d.join("cache"), &Settings::default());
    let got = cache.get(&id, &file);
    assert_eq!(got, Some(vec![activity(&file.display().to_string())]));
    // The same file walked from elsewhere: its sources follow the new name.
    let other = d.join(".").join("run.fit");
    let got = cache.get(&id, &other);
    assert_eq!(got, Some(vec![activity(&other.display().to_string())]));
    let report = cache.finish();
    assert_eq!((report.hits, report.misses, report.written), (2, 0, false));
}

#[test]
fn a_changed_file_misses_and_is_not_stored_from_a_stale_read() {
    let (d, file, id) = cached("changed");
    std::fs::write(&file, b"other bytes, another length").unwrap_or_default();
    let new_id = FileId::of(&file).unwrap_or_else(|| unreachable!());
    let mut cache = HistoryCache::open(&d.join("cache"), &Settings::default());
    assert_eq!(cache.get(&new_id, &file), None);
    // Facts read before the change (under the old identity) are not kept.
    cache.put(&id, &file, &[activity(&file.display().to_string())]);
    assert!(!cache.finish().written);
}

#[test]
fn facts_that_would_not_come_back_exactly_are_not_cached() {
    let d = dir("nan");
    let file = d.join("run.fit");
    std::fs::write(&file, b"x").unwrap_or_default();
    let id = FileId::of(&file).unwrap_or_else(|| unreachable!());
    let mut cache = HistoryCache::open(&d.join("cache"), &Settings::default());
    let Outcome::Activity(mut a) = activity(&file.display().to_string()) else {
        unreachable!()
    };
    a.facts.distance_m = f64::NAN;
    cache.put(&id, &file, &[Outcome::Activity(a)]);
    assert!(!cache.finish().written);
}

#[test]
fn a_truncated_or_edited_cache_is_rebuilt_with_a_warning() {
    let (d, file, id) = cached("broken");
    let cache_dir = d.join("cache");
    let cache_file = HistoryCache::open(&cache_dir, &Settings::default())
        .report
        .file;
    let text = std::fs::read_to_string(&cache_file).unwrap_or_default();
    for (what, broken, says) in [
        (
            "truncated",
            text.get(..text.len() - 20).unwrap_or_default().to_string(),
            "truncated or edited",
        ),
        (
            "edited",
            text.replacen("6666.6", "6666.7", 1),
            "checksum does not match",
        ),
        ("no header", String::new(), "no header line"),
    ] {
        assert_ne!(broken, text, "{what}");
        std::fs::write(&cache_file, &broken).unwrap_or_default();
        let mut cache = HistoryCache::open(&cache_dir, &Settings::default());
        assert_eq!(cache.get(&id, &file), None, "{what}: not trusted");
        let source = file.display().to_string();
        cache.put(&id, &file, &[activity(&source)]);
        let report = cache.finish();
        assert_eq!(report.warnings.len(), 1, "{what}");
        assert!(
            report.warnings[0].contains(says),
            "{what}: {:?}",
            report.warnings
        );
        assert!(report.warnings[0].ends_with("rebuilt"));
        assert!(report.written);
        let mut again = HistoryCache::open(&cache_dir, &Settings::default());
        assert!(again.get(&id, &file).is_some(), "{what}: rebuilt");
        assert!(again.finish().warnings.is_empty());
    }
}

#[test]
fn settings_have_their_own_cache_and_other_builds_are_removed() {
    let (d, _, _) = cached("settings");
    let cache_dir = d.join("cache");
    let mut other = Settings::default();
    other.flags.max_hr = Some(180.0);
    let a = HistoryCache::open(&cache_dir, &Settings::default())
        .report
        .file;
    let b = HistoryCache::open(&cache_dir, &other).report.file;
    assert_ne!(a, b);
    // A file of another build is dropped at the next write; unrelated files stay.
    let stale = cache_dir.join("facts-0000000000000000-0000000000000000.cache");
    std::fs::write(&stale, "old").unwrap_or_default();
    std::fs::write(cache_dir.join("notes.txt"), "mine").unwrap_or_default();
    let infos = info(&cache_dir).unwrap_or_default();
    assert_eq!(infos.len(), 2);
    assert_eq!(infos[0].files, None, "the stale one is broken");
    assert!(!infos[0].current_build && infos[1].current_build);
    assert_eq!((infos[1].files, infos[1].activities), (Some(1), 1));
    let (_, file, id) = (0, d.join("run.fit"), FileId::of(&d.join("run.fit")));
    let mut cache = HistoryCache::open(&cache_dir, &other);
    if let Some(id) = id {
        cache.put(&id, &file, &[activity(&file.display().to_string())]);
    }
    assert!(cache.finish().written);
    assert!(!stale.exists());
    assert_eq!(info(&cache_dir).unwrap_or_default().len(), 2);
    assert_eq!(clear(&cache_dir).unwrap_or_default(), 2);
    assert!(cache_dir.join("notes.txt").exists());
    assert_eq!(info(&cache_dir).unwrap_or_default(), Vec::new());
}

#[test]
fn files_that_vanished_are_dropped_when_the_cache_is_written() {
    let (d, file, _) = cached("vanished");
    let second = d.join("second.fit");
    std::fs::write(&second, b"second").unwrap_or_default();
    std::fs::remove_file(&file).unwrap_or_default();
    let id = FileId::of(&second).unwrap_or_else(|| unreachable!());
    let mut cache = HistoryCache::open(&d.join("cache"), &Settings::default());
    cache.put(&id, &second, &[activity(&second.display().to_string())]);
    assert!(cache.finish().written);
    let infos = info(&d.join("cache")).unwrap_or_default();
    assert_eq!(infos[0].files, Some(1));
}

#[test]
fn the_checksum_is_the_same_however_the_stream_is_cut_and_sees_any_one_change() {
    let body: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
    let whole = checksum(&body);
    for cuts in [[1usize, 2], [7, 8], [9, 17], [500, 999], [0, 1000]] {
        let mut c = Checksum::new();
        c.write(&body[..cuts[0]]);
        c.write(&body[cuts[0]..cuts[1]]);
        c.write(&body[cuts[1]..]);
        assert_eq!(c.finish(), whole, "{cuts:?}");
    }
    for at in [0, 5, 8, 999] {
        let mut edited = body.clone();
        edited[at] ^= 1;
        assert_ne!(checksum(&edited), whole, "{at}");
    }
    // Trailing zeros count (the length is part of the sum).
    let mut longer = body.clone();
    longer.push(0);
    assert_ne!(checksum(&longer), whole);
    assert_ne!(checksum(b""), checksum(b"\0"));
}

#[test]
fn analyses_come_back_exactly_and_without_curves() {
    let d = dir("analysis");
    let file = d.join("run.fit");
    std::fs::write(&file, b"bytes").unwrap_or_default();
    let id = FileId::of(&file).unwrap_or_else(|| unreachable!());
    let source = file.display().to_string();
    let Outcome::Activity(mut a) = activity(&source) else {
        unreachable!()
    };
    a.analysis.series = Some(Vec::new());
    let mut cache = HistoryCache::open(&d.join("cache"), &Settings::default());
    cache.put(&id, &file, &[Outcome::Activity(a.clone())]);
    assert!(cache.finish().written);
    let mut cache = HistoryCache::open(&d.join("cache"), &Settings::default());
    let got = cache.get(&id, &file);
    a.analysis.series = None;
    assert_eq!(got, Some(vec![Outcome::Activity(a.clone())]));
    // A message that names the file: not kept (under another name it would be wrong).
    a.analysis.assessment.reasons[0].message = format!("see {source}");
    let mut cache = HistoryCache::open(&d.join("cache2"), &Settings::default());
    cache.put(&id, &file, &[Outcome::Activity(a)]);
    assert!(!cache.finish().written);
}
