//! The one place where parallelism is introduced: files are read and mapped in
//! parallel (rayon) and the results collected in a stable order (the files' order, then
//! each file's own order), so output is identical at any thread count.

use std::path::PathBuf;

use rayon::prelude::*;

use super::Progress;
use crate::ingest::{self, IngestResult, Limits, RunBudget};

/// The most worker threads a batch starts, whatever it is asked for: past this a pool
/// only costs memory and start-up time (stacks, scheduling), on any machine easyrun
/// runs on.
pub const MAX_JOBS: usize = 256;

/// Reads every file in parallel and maps each of its results with `per_result` inside
/// the worker (so only the compact result is kept), handing it the index of the file in
/// `files`; results come back in file order. `progress` hears of every file done.
pub(super) fn map_files<T, F>(files: &[PathBuf], progress: &dyn Progress, per_result: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize, IngestResult) -> T + Sync + Send,
{
    // One decompression budget for the pass, shared by its workers (docs/formats.md,
    // "Limits").
    let limits = Limits::default();
    let run = RunBudget::new(&limits);
    let per_file: Vec<Vec<T>> = files
        .par_iter()
        .enumerate()
        .map(|(index, path)| {
            // Each result is mapped as soon as it is read, so an archive's activities
            // are never all in memory at once.
            let mut out = Vec::new();
            ingest::read_path_each(path, limits, &run, &mut |r| out.push(per_result(index, r)));
            progress.file_done();
            out
        })
        .collect();
    per_file.into_iter().flatten().collect()
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
