//! Walk: the first stage. Paths (files and folders) become the sorted list of files to
//! read; folders are walked recursively, and the export layout rules ([`layout`]) say
//! which files of a folder are no activities (side files, a Strava export's routes).
//! Nothing here reads a file's content.

pub mod layout;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::{IngestError, ReadError};

/// The files a walk found, and what it passed over.
#[derive(Debug, Default)]
pub struct Expanded {
    /// Files to read, sorted.
    pub files: Vec<PathBuf>,
    /// Folders that could not be listed.
    pub errors: Vec<IngestError>,
    /// Files skipped in folder walks because their extension marks them as no activity,
    /// or because they are the routes of a Strava export (the layout rule in
    /// [`layout`]), sorted.
    pub skipped: Vec<PathBuf>,
}

/// Expands `paths` (files and folders, recursively) into a sorted list of files. Folders
/// that cannot be listed become errors; symlink loops are walked once; hidden entries
/// (`.name`) in folders are passed over; files under a `routes/` folder that sits beside
/// an `activities.csv` (a Strava export's routes) are skipped.
pub fn expand(paths: &[PathBuf]) -> Expanded {
    let mut out = Expanded::default();
    let mut seen_dirs = HashSet::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut seen_dirs, false, &mut out);
        } else {
            out.files.push(path.clone());
        }
    }
    out.files.sort();
    out.files.dedup();
    out.skipped.sort();
    out
}

/// Only folder walks skip side files by name; a file named on the command line is
/// always read and sniffed by content.
fn is_not_activity(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(layout::is_side_file_name)
}

/// Walks `dir` into `out`; with `skip_all` every file found goes to `skipped` (the
/// routes of a Strava export).
fn walk(dir: &Path, seen: &mut HashSet<PathBuf>, skip_all: bool, out: &mut Expanded) {
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
            out.errors.push(io_error(e));
            return;
        }
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            out.errors.push(io_error(e));
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
            Err(e) => out.errors.push(io_error(e)),
        }
    }
    children.sort();
    for child in &children {
        if child.is_dir() {
            // Strava layout rule: routes/ beside activities.csv.
            let routes = skip_all || layout::is_routes_folder_of_export(&children, child);
            walk(child, seen, routes, out);
        } else if skip_all || is_not_activity(child) {
            out.skipped.push(child.clone());
        } else {
            out.files.push(child.clone());
        }
    }
}
