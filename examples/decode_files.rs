//! Per-format decode throughput of `benches/scan.sh`, each reader beside its baselines
//! in the same run: `cargo run --release --example decode_files -- [-j N] [--reps R]
//! [--baseline-every K] [--only FORMAT:READER,...] PATH...` (files, or folders one
//! level deep).
//!
//! Every file is read into memory first and recognised by content (gzip magic, then
//! FIT / GPX / TCX as easyrun sniffs them); gzipped ones are also gunzipped up front, so
//! the decode figures count decoding alone. Then, on a pool of N threads (default 1),
//! each of these runs over the whole file set R times (default 3; the median is
//! reported), in rounds that run every reader once, so readers compared share the
//! machine's load:
//!
//! - `gunzip`: easyrun's gzip path (`ingest::gunzip`, flate2 on zlib-rs, in place
//!   into a pre-sized buffer), the same backend through `flate2::read` into a growing
//!   buffer (`flate2_read`, the path before), and `miniz_oxide` (flate2's default
//!   pure-Rust backend) on the same members;
//! - FIT: `ingest::fit::read`, and `fitparser::from_bytes` on every K-th FIT file
//!   (default 10, one repetition: fitparser is ~50× slower);
//! - GPX: `ingest::gpx::read`, the quick-xml reader it replaced
//!   (`gpx::read_quick_xml`), and the `gpx` crate on every K-th GPX file (one
//!   repetition; it reads less: it drops the extensions holding heart rate);
//! - TCX: `ingest::tcx::read` and `tcx::read_quick_xml`.
//!
//! One line per run: `decode format=F reader=R files=N mb=B seconds=S mb_per_s=M
//! samples=X` (B: decompressed input, MB; X: samples or points decoded, a check that
//! readers compared did the same work). MB = 10^6 bytes.

use std::path::PathBuf;
use std::time::Instant;

use easyrun::ingest::sniff::{self, Kind};
use easyrun::ingest::{fit, gpx, gunzip, tcx};
use rayon::prelude::*;

fn usage() -> ! {
    eprintln!(
        "usage: decode_files [-j N] [--reps R] [--baseline-every K] [--only FORMAT:READER,...] PATH..."
    );
    std::process::exit(2)
}

struct Doc {
    /// The bytes on disk.
    raw: Vec<u8>,
    /// Decompressed content (same as `raw` for a plain file).
    bytes: Vec<u8>,
    gzipped: bool,
}

#[derive(Default)]
struct Set {
    fit: Vec<Doc>,
    gpx: Vec<Doc>,
    tcx: Vec<Doc>,
}

fn load(path: &PathBuf, set: &mut Set) {
    let Ok(raw) = std::fs::read(path) else {
        return;
    };
    let gzipped = matches!(sniff::detect(&raw), Kind::Gzip);
    let bytes = if gzipped {
        match gunzip(&raw, 1 << 30) {
            Ok(bytes) => bytes,
            Err(_) => return,
        }
    } else {
        raw.clone()
    };
    let kind = sniff::detect(&bytes);
    let doc = Doc {
        raw,
        bytes,
        gzipped,
    };
    match kind {
        Kind::Fit => set.fit.push(doc),
        Kind::Gpx => set.gpx.push(doc),
        Kind::Tcx => set.tcx.push(doc),
        _ => {}
    }
}

struct Bench<'a> {
    pool: rayon::ThreadPool,
    /// `format:reader` pairs to run; all when empty.
    only: Vec<String>,
    jobs: Vec<Job<'a>>,
}

/// One reader over one file set.
struct Job<'a> {
    format: &'static str,
    reader: &'static str,
    docs: Vec<&'a Doc>,
    reps: usize,
    f: Box<dyn Fn(&Doc) -> usize + Sync + 'a>,
    seconds: Vec<f64>,
    samples: usize,
}

impl<'a> Bench<'a> {
    /// Registers `f` over `docs`, to run `reps` times.
    fn bench(
        &mut self,
        reps: usize,
        format: &'static str,
        reader: &'static str,
        docs: &[&'a Doc],
        f: impl Fn(&Doc) -> usize + Sync + 'a,
    ) {
        let wanted = format!("{format}:{reader}");
        if docs.is_empty() || !(self.only.is_empty() || self.only.contains(&wanted)) {
            return;
        }
        self.jobs.push(Job {
            format,
            reader,
            docs: docs.to_vec(),
            reps: reps.max(1),
            f: Box::new(f),
            seconds: Vec::new(),
            samples: 0,
        });
    }

    /// Runs the jobs in rounds (each round runs every job once, in order), so the
    /// readers compared share the machine's load; prints each job's median run.
    fn run(mut self) {
        let rounds = self.jobs.iter().map(|j| j.reps).max().unwrap_or(0);
        for round in 0..rounds {
            for job in self.jobs.iter_mut().filter(|j| round < j.reps) {
                let started = Instant::now();
                let (docs, f) = (&job.docs, &job.f);
                job.samples = self
                    .pool
                    .install(|| docs.par_iter().map(|d| f(d)).sum::<usize>());
                job.seconds.push(started.elapsed().as_secs_f64());
            }
        }
        for job in &mut self.jobs {
            job.seconds.sort_by(f64::total_cmp);
            let median = job
                .seconds
                .get(job.seconds.len() / 2)
                .copied()
                .unwrap_or(f64::NAN);
            let mb = job.docs.iter().map(|d| d.bytes.len()).sum::<usize>() as f64 / 1e6;
            println!(
                "decode format={} reader={} files={} mb={mb:.1} seconds={median:.3} \
                 mb_per_s={:.1} samples={}",
                job.format,
                job.reader,
                job.docs.len(),
                mb / median,
                job.samples
            );
        }
    }
}

fn samples_of<E>(result: Result<Vec<easyrun::RawActivity>, E>) -> usize {
    result.map_or(0, |all| all.iter().map(|a| a.samples.len()).sum())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut jobs, mut reps, mut every) = (1usize, 3usize, 10usize);
    let mut only: Vec<String> = Vec::new();
    let mut paths: Vec<PathBuf> = Vec::new();
    while let Some(a) = args.next() {
        let mut number = || {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage())
        };
        match a.as_str() {
            "-j" => jobs = number(),
            "--reps" => reps = number(),
            "--baseline-every" => every = number(),
            "--only" => {
                let list = args.next().unwrap_or_else(|| usage());
                only.extend(list.split(',').map(str::to_string));
            }
            _ => paths.push(PathBuf::from(a)),
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
    let mut set = Set::default();
    for f in &files {
        load(f, &mut set);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .unwrap_or_else(|_| usage());
    let mut b = Bench {
        pool,
        only,
        jobs: Vec::new(),
    };

    let gz: Vec<&Doc> = [&set.fit, &set.gpx, &set.tcx]
        .into_iter()
        .flatten()
        .filter(|d| d.gzipped)
        .collect();
    b.bench(reps, "gzip", "easyrun", &gz, |d| {
        gunzip(&d.raw, 1 << 30).map_or(0, |b| b.len())
    });
    // The gzip path before it read in place into a pre-sized buffer.
    b.bench(reps, "gzip", "flate2_read", &gz, |d| {
        use std::io::Read;
        let mut out = Vec::new();
        let decoder = flate2::read::MultiGzDecoder::new(d.raw.as_slice());
        decoder
            .take(1 << 30)
            .read_to_end(&mut out)
            .map_or(0, |_| out.len())
    });
    b.bench(reps, "gzip", "miniz_oxide", &gz, |d| {
        // miniz_oxide inflates raw deflate: the gzip header is skipped here and the
        // CRC-32 computed with flate2's, so both do the same work.
        let Some(body) = gzip_body(&d.raw) else {
            return 0;
        };
        match miniz_oxide::inflate::decompress_to_vec(body) {
            Ok(v) => {
                let mut crc = flate2::Crc::new();
                crc.update(&v);
                if crc.sum() == trailer_crc(&d.raw) {
                    v.len()
                } else {
                    0
                }
            }
            Err(_) => 0,
        }
    });

    let fit_docs: Vec<&Doc> = set.fit.iter().collect();
    b.bench(reps, "fit", "easyrun", &fit_docs, |d| {
        fit::read(&d.bytes, "bench.fit").map_or(0, |a| a.samples.len())
    });
    let fit_sample: Vec<&Doc> = set.fit.iter().step_by(every.max(1)).collect();
    b.bench(1, "fit", "fitparser", &fit_sample, |d| {
        fitparser::from_bytes(&d.bytes).map_or(0, |m| {
            m.iter()
                .filter(|m| m.kind() == fitparser::profile::MesgNum::Record)
                .count()
        })
    });

    let gpx_docs: Vec<&Doc> = set.gpx.iter().collect();
    b.bench(reps, "gpx", "easyrun", &gpx_docs, |d| {
        samples_of(gpx::read(&d.bytes, "bench.gpx"))
    });
    b.bench(reps, "gpx", "quick_xml", &gpx_docs, |d| {
        samples_of(gpx::read_quick_xml(&d.bytes, "bench.gpx"))
    });
    let gpx_sample: Vec<&Doc> = set.gpx.iter().step_by(every.max(1)).collect();
    b.bench(1, "gpx", "gpx_crate", &gpx_sample, |d| {
        ::gpx::read(d.bytes.as_slice()).map_or(0, |g| {
            g.tracks
                .iter()
                .flat_map(|t| &t.segments)
                .map(|s| s.points.len())
                .sum()
        })
    });

    let tcx_docs: Vec<&Doc> = set.tcx.iter().collect();
    b.bench(reps, "tcx", "easyrun", &tcx_docs, |d| {
        samples_of(tcx::read(&d.bytes, "bench.tcx"))
    });
    b.bench(reps, "tcx", "quick_xml", &tcx_docs, |d| {
        samples_of(tcx::read_quick_xml(&d.bytes, "bench.tcx"))
    });
    b.run();
}

/// The deflate stream of a one-member gzip file (RFC 1952 header skipped).
fn gzip_body(raw: &[u8]) -> Option<&[u8]> {
    let flags = *raw.get(3)?;
    let mut at = 10usize;
    if flags & 4 != 0 {
        let xlen = u16::from_le_bytes([*raw.get(10)?, *raw.get(11)?]);
        at += 2 + usize::from(xlen);
    }
    for bit in [8u8, 16] {
        if flags & bit != 0 {
            at += raw.get(at..)?.iter().position(|&b| b == 0)? + 1;
        }
    }
    if flags & 2 != 0 {
        at += 2;
    }
    raw.get(at..)
}

/// The CRC-32 a gzip file's trailer states.
fn trailer_crc(raw: &[u8]) -> u32 {
    let n = raw.len();
    raw.get(n.saturating_sub(8)..n.saturating_sub(4))
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}
