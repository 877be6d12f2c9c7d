//! Bad input never panics: every fixture (and, with `EASYRUN_CORPUS`, a slice of the
//! real corpus) is truncated and bit-flipped at many positions, and each damaged copy
//! must give a typed error or a valid activity.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use easyrun::ingest::{self, Limits};

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else if p.extension().is_some_and(|x| x != "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Positions spread over the whole buffer, denser at the start where headers live.
fn positions(len: usize, count: usize) -> Vec<usize> {
    let mut p: Vec<usize> = (0..len.min(48)).collect();
    let step = (len / count.max(1)).max(1);
    p.extend((0..len).step_by(step));
    p.sort_unstable();
    p.dedup();
    p
}

/// Reads `bytes` and checks the outcome is well-formed; returns how many reads ran.
fn check(name: &str, bytes: &[u8]) {
    let limits = Limits {
        max_decompressed_bytes: 64 << 20,
        max_nesting: 4,
        ..Limits::default()
    };
    let results = catch_unwind(AssertUnwindSafe(|| {
        ingest::read_bytes_with(name, bytes, limits)
    }))
    .unwrap_or_else(|_| panic!("{name}: reader panicked"));
    assert!(!results.is_empty(), "{name}: no result and no error");
    for r in results {
        match r {
            Ok(a) => assert!(!a.samples.is_empty(), "{name}: activity without samples"),
            Err(e) => {
                assert!(!e.error.kind().is_empty());
                assert!(
                    e.to_string().contains(name),
                    "{name}: error does not name the file: {e}"
                );
            }
        }
    }
}

fn damage_all(files: &[PathBuf], per_file: usize) -> usize {
    let mut runs = 0;
    for path in files {
        let bytes = std::fs::read(path).unwrap();
        let name = path.display().to_string();
        for cut in positions(bytes.len(), per_file) {
            check(&format!("{name}[..{cut}]"), &bytes[..cut]);
            runs += 1;
        }
        for (k, at) in positions(bytes.len(), per_file).into_iter().enumerate() {
            let mut copy = bytes.clone();
            copy[at] ^= 1 << (k % 8);
            check(&format!("{name}[{at}^{}]", 1 << (k % 8)), &copy);
            runs += 1;
        }
    }
    runs
}

#[test]
fn damaged_fixtures_give_errors_or_activities() {
    let files = files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
    assert!(files.len() >= 10, "only {} fixtures", files.len());
    let runs = damage_all(&files, 64);
    assert!(runs > 1000, "only {runs} damaged reads");
}

#[test]
fn damaged_corpus_files_give_errors_or_activities() {
    let Some(root) = std::env::var_os("EASYRUN_CORPUS") else {
        eprintln!("EASYRUN_CORPUS not set: corpus damage test skipped");
        return;
    };
    let root = PathBuf::from(root);
    // Every tenth file of each folder keeps the run short while covering each format.
    let mut files = Vec::new();
    for dir in ["fit", "gpx", "tcx", "bad"] {
        files.extend(files_under(&root.join(dir)).into_iter().step_by(10));
    }
    let runs = damage_all(&files, 24);
    assert!(runs > 500, "only {runs} damaged reads");
}
