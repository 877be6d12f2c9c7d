//! The batch driver: expands paths into files, reads them in parallel and collects the
//! results in a stable order (sorted paths, then each file's own order). The one place
//! where parallelism is introduced; output is identical at any thread count.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{IngestError, ReadError};
use crate::ingest::{self, IngestResult};

/// Expands `paths` (files and folders, recursively) into a sorted list of files. Folders
/// that cannot be listed and symlink loops become errors; hidden entries (`.name`) in
/// folders are skipped.
pub fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<IngestError>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut seen_dirs = HashSet::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut seen_dirs, &mut files, &mut errors);
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

fn walk(
    dir: &Path,
    seen: &mut HashSet<PathBuf>,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<IngestError>,
) {
    let io_error = |e: std::io::Error| {
        IngestError::new(
            dir.display().to_string(),
            ReadError::Io {
                message: e.to_string(),
            },
        )
    };
    match dir.canonicalize() {
        Ok(real) => {
            if !seen.insert(real) {
                // Already walked: a symlink loop or a second link to the same folder.
                return;
            }
        }
        Err(e) => {
            errors.push(io_error(e));
            return;
        }
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(io_error(e));
            return;
        }
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                if !entry.file_name().to_string_lossy().starts_with('.') {
                    children.push(entry.path());
                }
            }
            Err(e) => errors.push(io_error(e)),
        }
    }
    children.sort();
    for child in children {
        if child.is_dir() {
            walk(&child, seen, files, errors);
        } else {
            files.push(child);
        }
    }
}

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
