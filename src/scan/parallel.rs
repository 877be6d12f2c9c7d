//! The one place where parallelism is introduced: files are read and mapped in
//! parallel (rayon) and the results collected in a stable order (the files' order, then
//! each file's own order), so output is identical at any thread count.
//!
//! The work is balanced by handing out the most expensive files first (longest
//! processing time first, LPT): every thread of the pool takes the next file of one
//! shared list sorted by estimated cost ([`cost_estimate`]), so a big TCX never starts
//! last and leaves the other threads idle while it runs. Results carry their input index
//! and are put back in input order, never in the order they completed.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::Progress;
use crate::ingest::{self, IngestResult, Limits, RunBudget};

/// The most worker threads a batch starts, whatever it is asked for: past this a pool
/// only costs memory and start-up time (stacks, scheduling), on any machine easyrun
/// runs on.
pub const MAX_JOBS: usize = 256;

/// Rough CPU cost of one byte on disk, in nanoseconds of one core, by format: reading
/// plus cleaning, metrics and judging the samples it holds (docs/performance.md: a 1 h
/// run at 1 Hz is ~0.10 MB of FIT, ~1.1 MB of GPX, ~2.3 MB of TCX, and costs about the
/// same to clean and judge). Only the order of the files depends on it.
const NS_PER_BYTE_FIT: u64 = 30;
const NS_PER_BYTE_GPX: u64 = 4;
const NS_PER_BYTE_TCX: u64 = 2;
/// Anything else (zip archives, unknown extensions): a middle guess.
const NS_PER_BYTE_OTHER: u64 = 4;
/// A gzipped file inflates to a few times its size (FIT about 2–3×, XML 5–10×).
const GZIP_FIT_FACTOR: u64 = 3;
const GZIP_XML_FACTOR: u64 = 6;

/// The estimated cost of reading and digesting `path` of `len_bytes` bytes, from its
/// size and extension (case-insensitive; `.gz` inflated by a typical factor).
pub(super) fn cost_estimate(path: &Path, len_bytes: u64) -> u64 {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let (inner, gzipped) = match name.strip_suffix(".gz") {
        Some(inner) => (inner, true),
        None => (name.as_str(), false),
    };
    let (per_byte, gz_factor) = if inner.ends_with(".fit") {
        (NS_PER_BYTE_FIT, GZIP_FIT_FACTOR)
    } else if inner.ends_with(".gpx") {
        (NS_PER_BYTE_GPX, GZIP_XML_FACTOR)
    } else if inner.ends_with(".tcx") {
        (NS_PER_BYTE_TCX, GZIP_XML_FACTOR)
    } else {
        (NS_PER_BYTE_OTHER, GZIP_XML_FACTOR)
    };
    let factor = if gzipped { gz_factor } else { 1 };
    len_bytes.saturating_mul(per_byte).saturating_mul(factor)
}

/// The indices of `files`, most expensive first; ties (and unreadable sizes, cost 0)
/// keep input order, so the schedule itself is deterministic.
pub(super) fn schedule(files: &[PathBuf]) -> Vec<usize> {
    let costs: Vec<u64> = files
        .iter()
        .map(|p| cost_estimate(p, std::fs::metadata(p).map_or(0, |m| m.len())))
        .collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(costs.get(i).copied().unwrap_or(0)));
    order
}

/// Reads every file in parallel and maps each of its results with `per_result` inside
/// the worker (so only the compact result is kept), handing it the index of the file in
/// `files`; results come back in file order. `progress` hears of every file done.
pub(super) fn map_files<T, F>(files: &[PathBuf], progress: &dyn Progress, per_result: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize, IngestResult) -> T + Sync + Send,
{
    let order = schedule(files);
    // One decompression budget for the pass, shared by its workers (docs/formats.md,
    // "Limits").
    let limits = Limits::default();
    let run = RunBudget::new(&limits);
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Vec<T>>>> = files.iter().map(|_| Mutex::new(None)).collect();
    // Every thread of the current pool takes the next most expensive file until none is
    // left (on a pool of one thread: all of them, in cost order).
    let take = || {
        let k = next.fetch_add(1, Ordering::Relaxed);
        order
            .get(k)
            .and_then(|&index| files.get(index).map(|path| (index, path)))
    };
    rayon::broadcast(|_| {
        while let Some((index, path)) = take() {
            // Each result is mapped as soon as it is read, so an archive's activities
            // are never all in memory at once.
            let mut out = Vec::new();
            ingest::read_path_each(path, limits, &run, &mut |r| out.push(per_result(index, r)));
            if let Some(slot) = slots.get(index)
                && let Ok(mut slot) = slot.lock()
            {
                *slot = Some(out);
            }
            progress.file_done();
        }
    });
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten())
        .flatten()
        .collect()
}

/// `f` of every item of `items`, in parallel on the current pool, in order (the history
/// cache's lines: parsing 3 000 analyses is tens of milliseconds on one core).
pub(super) fn map_each<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// How many threads `jobs` (0 = one per core) gives for `work` files: never more than
/// [`MAX_JOBS`], nor more than there are files (at least one).
pub fn threads_for(jobs: usize, work: usize) -> usize {
    let asked = if jobs == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        jobs
    };
    asked.min(MAX_JOBS).min(work.max(1))
}

/// Runs `f` on a pool of threads for `work` files ([`threads_for`]).
pub(crate) fn with_jobs<R: Send>(jobs: usize, work: usize, f: impl FnOnce() -> R + Send) -> R {
    let threads = threads_for(jobs, work);
    match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_follow_format_and_compression() {
        let c = |name: &str, len| cost_estimate(Path::new(name), len);
        // A 1 h run: 0.1 MB of FIT costs about what 1.1 MB of GPX and 2.3 MB of TCX do.
        assert_eq!(c("a.fit", 100_000), 3_000_000);
        assert_eq!(c("a.gpx", 1_100_000), 4_400_000);
        assert_eq!(c("a.TCX", 2_300_000), 4_600_000);
        assert_eq!(c("a.fit.gz", 100_000), 9_000_000);
        assert_eq!(c("a.tcx.GZ", 100_000), 1_200_000);
        assert_eq!(c("export.zip", 1_000), 4_000);
        assert_eq!(c("a.fit", u64::MAX), u64::MAX);
    }

    #[test]
    fn the_schedule_is_biggest_first_with_ties_in_input_order() {
        let dir = std::env::temp_dir().join(format!("easyrun-schedule-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let mut files = Vec::new();
        for (name, len) in [
            ("a.gpx", 10usize),
            ("b.fit", 10),
            ("c.tcx", 10),
            ("d.fit", 10),
        ] {
            let p = dir.join(name);
            std::fs::write(&p, vec![b' '; len]).unwrap_or_default();
            files.push(p);
        }
        files.push(dir.join("missing.fit"));
        assert_eq!(schedule(&files), vec![1, 3, 0, 2, 4]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
