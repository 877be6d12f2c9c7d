//! The one place where parallelism is introduced: files are read and mapped in
//! parallel (rayon) and the results collected in a stable order (the files' order, then
//! each file's own order), so output is identical at any thread count.

use std::path::PathBuf;

use rayon::prelude::*;

use super::Progress;
use crate::ingest::{self, IngestResult};

/// Reads every file in parallel and maps each of its results with `per_result` inside
/// the worker (so only the compact result is kept), handing it the index of the file in
/// `files`; results come back in file order. `progress` hears of every file done.
pub(super) fn map_files<T, F>(files: &[PathBuf], progress: &dyn Progress, per_result: F) -> Vec<T>
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
            progress.file_done();
            out
        })
        .collect();
    per_file.into_iter().flatten().collect()
}

/// Runs `f` on a pool of `jobs` threads (0 = one per core).
pub(crate) fn with_jobs<R: Send>(jobs: usize, f: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}
