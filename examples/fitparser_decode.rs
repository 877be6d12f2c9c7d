//! The baseline of `benches/scan.sh`: what a naive tool built on `fitparser` spends just
//! decoding. `cargo run --release --example fitparser_decode -- [-j N] PATH...` reads
//! every FIT file among PATHs (files, or folders one level deep), gunzipping `.fit.gz`,
//! and decodes all its messages with `fitparser::from_bytes` on N threads (rayon;
//! 0 = one per core). Formats are recognised by content (gzip magic, ".FIT" at offset
//! 8), like easyrun does; anything else is passed over.
//!
//! Prints one line the bench script parses:
//! `fitparser files=F fit_bytes=B records=R seconds=S mb_per_s=M` (B: decompressed FIT
//! bytes, the same figure the scan's MB/s is counted against).

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

fn usage() -> ! {
    eprintln!("usage: fitparser_decode [-j N] PATH...");
    std::process::exit(2)
}

/// The FIT bytes of `path` (gunzipped when needed), or `None` when it holds no FIT file.
fn fit_bytes(path: &PathBuf) -> Option<Vec<u8>> {
    let raw = std::fs::read(path).ok()?;
    let bytes = if raw.starts_with(&[0x1F, 0x8B]) {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .ok()?;
        out
    } else {
        raw
    };
    (bytes.get(8..12) == Some(b".FIT".as_slice())).then_some(bytes)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut jobs = 0usize;
    let mut paths: Vec<PathBuf> = Vec::new();
    while let Some(a) = args.next() {
        if a == "-j" {
            jobs = args
                .next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage());
        } else {
            paths.push(PathBuf::from(a));
        }
    }
    if paths.is_empty() {
        usage();
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        if p.is_dir() {
            let Ok(entries) = std::fs::read_dir(&p) else {
                continue;
            };
            files.extend(entries.flatten().map(|e| e.path()).filter(|f| f.is_file()));
        } else {
            files.push(p);
        }
    }
    files.sort();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .unwrap_or_else(|_| usage());
    let started = Instant::now();
    // Per file: (FIT bytes, messages decoded, whether it decoded without error).
    let per_file: Vec<(usize, usize, bool)> = pool.install(|| {
        files
            .par_iter()
            .filter_map(|f| {
                let bytes = fit_bytes(f)?;
                let n = bytes.len();
                Some(match fitparser::from_bytes(&bytes) {
                    Ok(messages) => (n, messages.len(), true),
                    Err(_) => (n, 0, false),
                })
            })
            .collect()
    });
    let seconds = started.elapsed().as_secs_f64();
    let bytes: usize = per_file.iter().map(|f| f.0).sum();
    let records: usize = per_file.iter().map(|f| f.1).sum();
    let failed = per_file.iter().filter(|f| !f.2).count();
    if failed > 0 {
        eprintln!("fitparser_decode: {failed} files failed to decode");
    }
    println!(
        "fitparser files={} fit_bytes={} records={} seconds={:.3} mb_per_s={:.2}",
        per_file.len(),
        bytes,
        records,
        seconds,
        bytes as f64 / 1e6 / seconds
    );
}
