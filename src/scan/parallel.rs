//! The one place where parallelism is introduced: files are read and mapped in
//! parallel (rayon) and the results collected in a stable order (the files' order, then
//! each file's own order), so output is identical at any thread count.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::ingest::{self, IngestResult};

/// Reads every file in parallel and maps each activity with `per_activity` inside the
/// worker (so only its compact result is kept); results come back in file order.
pub fn map_files<T, F>(files: &[PathBuf], per_result: F) -> Vec<T>
where
    T: Send,
    F: Fn(IngestResult) -> T + Sync + Send,
{
    let per_file: Vec<Vec<T>> = files
        .par_iter()
        .map(|path| {
            ingest::read_path(path)
                .into_iter()
                .map(&per_result)
                .collect()
        })
        .collect();
    per_file.into_iter().flatten().collect()
}

/// Runs `f` on a pool of `jobs` threads (0 = one per core).
pub fn with_jobs<R: Send>(jobs: usize, f: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

/// [`map_files`] that also hands `per_result` the index of the result's file in `files`
/// and counts finished files in `done` (a caller's progress display reads it; the
/// library itself never prints).
pub fn map_files_indexed<T, F>(files: &[PathBuf], done: &AtomicUsize, per_result: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize, IngestResult) -> T + Sync + Send,
{
    let per_file: Vec<Vec<T>> = files
        .par_iter()
        .enumerate()
        .map(|(index, path)| {
            let out = ingest::read_path(path)
                .into_iter()
                .map(|r| per_result(index, r))
                .collect();
            done.fetch_add(1, Ordering::Relaxed);
            out
        })
        .collect();
    per_file.into_iter().flatten().collect()
}
