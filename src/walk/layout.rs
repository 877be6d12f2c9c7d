//! The layout rules of exports: which files of a folder or members of a zip archive are
//! no activities, by name and place alone (DOMAIN §7). Folder walks ([`super::expand`])
//! put such files in `Expanded::skipped`; zip members get [`ReadError::NotAnActivity`]
//! (which a scan counts as skipped). The labels an export keeps beside its activities
//! are read by [`crate::ingest::labels`].
//!
//! # Side files
//!
//! Photos, documents, scripts, JSON, CSV, text and similar files, and the metadata
//! operating systems leave in folders (`Thumbs.db`, `desktop.ini`, `.DS_Store`, macOS's
//! `__MACOSX/` and `._name` resource forks in zips) are no activities in any folder or
//! zip ([`is_side_file_name`], by name): they are skipped quietly, so only files that
//! may be activities can be errors. A file named on the command line is always read.
//!
//! # The Strava layout rule
//!
//! A folder or zip directory that holds an `activities.csv` is a Strava export:
//!
//! - `activities.csv` itself is metadata, not an activity;
//! - everything under the `routes/` folder *beside* it is a planned route, not a
//!   recorded activity, and is skipped without being decoded.
//!
//! A `routes/` folder anywhere else is read like any other folder. Names compare ASCII
//! case-insensitively.

use std::path::{Path, PathBuf};

use crate::error::ReadError;

/// The metadata file of a Strava bulk export.
pub const METADATA_FILE: &str = "activities.csv";
/// The folder beside [`METADATA_FILE`] that holds routes, not activities.
pub const ROUTES_DIR: &str = "routes";

/// Why a zip member of a Strava export is no activity.
const ROUTE_WHAT: &str = "route in a Strava export (routes/ beside activities.csv)";
const METADATA_WHAT: &str = "Strava export metadata (activities.csv)";
const SIDE_FILE_WHAT: &str = "side file of an export (photo, JSON, CSV, text)";

/// Extensions of files that sit beside activities in exports and downloads folders
/// (Strava's `activities.csv`, Garmin's JSON, manifests, photos, videos, documents,
/// scripts) and are never activities.
const SIDE_FILE_EXTENSIONS: &[&str] = &[
    // data and text
    "csv", "tsv", "json", "jsonl", "txt", "md", "log", "ini", "cfg", "conf", "toml", "yaml", "yml",
    "html", "htm", "css", // images
    "jpg", "jpeg", "png", "gif", "heic", "heif", "webp", "bmp", "tif", "tiff", "svg", "ico",
    // audio and video
    "mp4", "mov", "avi", "mkv", "m4v", "mp3", "m4a", "wav", "aac", "ogg", "flac",
    // documents
    "pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "ppt", "pptx", "odp", "epub",
    // scripts and programs
    "py", "pyc", "sh", "bash", "zsh", "bat", "cmd", "ps1", "js", "ts", "rb", "pl", "php", "r",
    "exe", "dll", "so", "dylib", "db", "sqlite", "lnk", "url", "desktop",
];

/// File names operating systems and file managers leave in folders (compared ASCII
/// case-insensitively); `.DS_Store` and `._name` are hidden in folders anyway but show
/// up in zips made on macOS.
const SYSTEM_FILE_NAMES: &[&str] = &[
    "thumbs.db",
    "ehthumbs.db",
    "desktop.ini",
    ".ds_store",
    ".directory",
    "icon\r",
];

/// Whether a file or archive member named `name` (a file name, or a `/`-separated
/// member path) is a side file: by extension, a system metadata name, or inside a zip
/// made on macOS (`__MACOSX/`, `._name`). Folder walks and archive reading pass over
/// these instead of reporting each as an unknown format.
pub fn is_side_file_name(name: &str) -> bool {
    let last = name.rsplit('/').next().unwrap_or(name);
    let lower = last.to_ascii_lowercase();
    SYSTEM_FILE_NAMES.contains(&lower.as_str())
        || lower.starts_with("._")
        || name.split('/').any(|segment| segment == "__MACOSX")
        || lower
            .rsplit_once('.')
            .is_some_and(|(_, ext)| SIDE_FILE_EXTENSIONS.contains(&ext))
}

/// Whether the last `/`-separated segment of `name` is `activities.csv`.
pub fn is_metadata_name(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|last| last.eq_ignore_ascii_case(METADATA_FILE))
}

/// Whether `path`'s file name is `activities.csv`.
pub fn is_metadata_path(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.eq_ignore_ascii_case(METADATA_FILE))
}

/// Whether `child`, an entry of a folder whose entries are `entries`, is the `routes/`
/// folder beside an `activities.csv` file (the Strava layout rule, for folder walks).
pub fn is_routes_folder_of_export(entries: &[PathBuf], child: &Path) -> bool {
    child
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.eq_ignore_ascii_case(ROUTES_DIR))
        && entries.iter().any(|e| is_metadata_path(e) && !e.is_dir())
}

/// The Strava layout of one zip archive, from its member names: where its
/// `activities.csv` files are.
#[derive(Debug, Default)]
pub struct ZipLayout {
    /// The folders (`""` or `export/`, `/`-terminated) holding an `activities.csv`.
    export_folders: Vec<String>,
}

impl ZipLayout {
    /// The layout of an archive whose members are `names`.
    pub fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        ZipLayout {
            export_folders: names
                .into_iter()
                .filter(|n| is_metadata_name(n))
                .map(|n| parent_of(n).to_string())
                .collect(),
        }
    }

    /// Why `member` is no activity under the Strava layout rule, or `None` when it is
    /// to be read.
    /// Side files (photos, JSON, other CSVs: [`is_side_file_name`]) are no
    /// activities in any zip.
    pub fn not_an_activity(&self, member: &str) -> Option<ReadError> {
        let what = if is_metadata_name(member) {
            METADATA_WHAT
        } else if is_side_file_name(member) {
            SIDE_FILE_WHAT
        } else if self.export_folders.iter().any(|folder| {
            let prefix = format!("{folder}{ROUTES_DIR}/");
            member
                .get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(&prefix))
        }) {
            ROUTE_WHAT
        } else {
            return None;
        };
        Some(ReadError::NotAnActivity {
            what: what.to_string(),
        })
    }
}

/// The folder part of a `/`-separated member name, `/`-terminated (`""` at the root).
pub(crate) fn parent_of(name: &str) -> &str {
    name.rfind('/')
        .and_then(|i| name.get(..=i))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_layout_finds_routes_beside_the_metadata_only() {
        let layout = ZipLayout::of([
            "export_1/activities.csv",
            "export_1/activities/1.fit.gz",
            "export_1/routes/9.gpx",
            "other/routes/8.gpx",
            "routes/7.gpx",
        ]);
        let what = |m: &str| layout.not_an_activity(m).map(|e| e.to_string());
        assert_eq!(
            what("export_1/activities.csv").as_deref(),
            Some("not an activity: Strava export metadata (activities.csv)")
        );
        assert!(what("export_1/routes/9.gpx").is_some_and(|w| w.contains("route")));
        assert!(what("EXPORT_1/Routes/9.gpx").is_some());
        assert_eq!(what("export_1/activities/1.fit.gz"), None);
        assert_eq!(what("other/routes/8.gpx"), None);
        assert_eq!(what("routes/7.gpx"), None);
        let root = ZipLayout::of(["activities.csv"]);
        assert!(root.not_an_activity("routes/7.gpx").is_some());
        assert!(root.not_an_activity("routes.gpx").is_none());
    }

    #[test]
    fn parent_of_keeps_the_slash() {
        assert_eq!(parent_of("a/b/activities.csv"), "a/b/");
        assert_eq!(parent_of("activities.csv"), "");
    }
}
