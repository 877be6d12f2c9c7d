//! Walk: the first stage. Paths (files and folders) become the sorted list of files to
//! read; folders are walked recursively, and the export layout rules ([`layout`]) say
//! which files of a folder are no activities (side files, a Strava export's routes).
//! Nothing here reads a file's content.
//!
//! Folder walks read only regular files: FIFOs, devices and sockets found in a folder
//! are passed over and counted ([`Expanded::special`]), never opened, so a named pipe
//! in a downloads folder cannot stall a scan. A path named on the command line is
//! always read (ingest opens it without blocking and refuses what is not a file).

pub mod layout;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::{IngestError, ReadError};
use crate::ingest::open::special_kind;

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
    /// Entries of walked folders that are neither regular files nor folders (FIFOs,
    /// devices, sockets), with what they are, sorted.
    pub special: Vec<(PathBuf, &'static str)>,
}

/// First code point of the range that stands for bytes of a path that are not UTF-8:
/// byte `0xNN` (`0x80..=0xFF`) becomes `U+EF00 + 0xNN` (U+EF80–U+EFFF, private use).
pub const RAW_BYTE_BASE: u32 = 0xEF00;

/// The name a file goes by in every result and output: the path as UTF-8, exact when
/// it is UTF-8; each byte that is not is kept as the private-use character
/// `U+EF00 + byte` (docs/output-schema.md, "Paths that are not UTF-8"), so the name
/// stays lossless where `Path::display` would write U+FFFD. Text output shows such a
/// character as `\xNN`.
pub fn source_name(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        if let Ok(text) = std::str::from_utf8(bytes) {
            return text.to_string();
        }
        let mut out = String::with_capacity(bytes.len() + 8);
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
            for &b in chunk.invalid() {
                out.extend(char::from_u32(RAW_BYTE_BASE + u32::from(b)));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
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
    out.special.sort();
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
            source_name(dir),
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
        // Symlinks are followed (a loop is caught by `seen`); a dangling one is read,
        // and its error names it.
        let meta = std::fs::metadata(child).ok();
        if let Some(kind) = meta.as_ref().and_then(special_kind) {
            out.special.push((child.clone(), kind));
        } else if meta.as_ref().is_some_and(std::fs::Metadata::is_dir) {
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
