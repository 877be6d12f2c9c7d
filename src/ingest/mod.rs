//! Ingest: bytes on disk → [`RawActivity`]. Sniffs the format by content, opens gzip and
//! zip containers (recursively, with size caps), and dispatches to the FIT, GPX and TCX
//! readers; [`labels`] reads the labels an export keeps beside its activities. The only
//! stage that can fail on a file. Which files are read is decided before, by
//! [`crate::walk`].

// The readers' own items are documented with the branches that are reworking them;
// until those land they are exempt from `missing_docs` (docs/decisions.md).
#[allow(missing_docs)]
pub(crate) mod container;
mod csv;
#[allow(missing_docs)]
pub mod fit;
#[allow(missing_docs)]
pub mod gpx;
pub mod labels;
#[allow(missing_docs)]
pub mod sniff;
#[allow(missing_docs)]
pub mod tcx;
pub(crate) mod xml;

/// The gzip path on its own ([`container`] is internal): for the benches that measure it
/// and the tests that unpack documents the way a read does.
#[doc(hidden)]
pub use container::gunzip;

use std::path::Path;

use crate::error::{IngestError, ReadError};
use crate::model::RawActivity;
use crate::walk::layout::ZipLayout;
use sniff::Kind;

/// One activity read, or one file/member that could not be read.
pub type IngestResult = Result<RawActivity, IngestError>;

/// Limits that protect a batch from hostile or broken inputs.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest plain file or decompressed member, bytes.
    pub max_decompressed_bytes: u64,
    /// How deep archives may nest (zip in zip in gzip…).
    pub max_nesting: u8,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_decompressed_bytes: 512 * 1024 * 1024,
            max_nesting: 4,
        }
    }
}

/// Reads every activity in the file at `path` (a plain file, `.gz` or `.zip`).
pub fn read_path(path: &Path) -> Vec<IngestResult> {
    read_path_with(path, Limits::default())
}

/// [`read_path`] with explicit limits.
pub fn read_path_with(path: &Path, limits: Limits) -> Vec<IngestResult> {
    let source = path.display().to_string();
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > limits.max_decompressed_bytes => {
            return vec![Err(IngestError::new(
                source,
                ReadError::TooLarge {
                    what: "file".into(),
                    limit_bytes: limits.max_decompressed_bytes,
                },
            ))];
        }
        Ok(_) => {}
        Err(e) => {
            return vec![Err(IngestError::new(
                source,
                ReadError::Io {
                    message: e.to_string(),
                },
            ))];
        }
    }
    match std::fs::read(path) {
        Ok(bytes) => read_bytes_with(&source, &bytes, limits),
        Err(e) => vec![Err(IngestError::new(
            source,
            ReadError::Io {
                message: e.to_string(),
            },
        ))],
    }
}

/// Reads every activity in `bytes`, naming them after `source`.
pub fn read_bytes(source: &str, bytes: &[u8]) -> Vec<IngestResult> {
    read_bytes_with(source, bytes, Limits::default())
}

/// [`read_bytes`] with explicit limits.
pub fn read_bytes_with(source: &str, bytes: &[u8], limits: Limits) -> Vec<IngestResult> {
    let mut out = Vec::new();
    read_nested(source, bytes, limits, 0, &mut out);
    out
}

fn read_nested(source: &str, bytes: &[u8], limits: Limits, depth: u8, out: &mut Vec<IngestResult>) {
    let fail = |error: ReadError| Err(IngestError::new(source, error));
    match sniff::detect(bytes) {
        Kind::Empty => out.push(fail(ReadError::Empty)),
        Kind::Gzip | Kind::Zip if depth >= limits.max_nesting => {
            out.push(fail(ReadError::CorruptArchive {
                message: format!("archives nested deeper than {}", limits.max_nesting),
            }))
        }
        Kind::Gzip => match container::gunzip(bytes, limits.max_decompressed_bytes) {
            Ok(inner) => read_nested(source, &inner, limits, depth + 1, out),
            Err(e) => out.push(fail(e)),
        },
        Kind::Zip => match container::zip_members(bytes, limits.max_decompressed_bytes) {
            Ok(members) => {
                // Side files, a Strava export's metadata and routes/ are no activities.
                let layout = ZipLayout::of(members.iter().map(|m| m.name.as_str()));
                for member in members {
                    let name = format!("{source}/{}", member.name);
                    if let Some(not_activity) = layout.not_an_activity(&member.name) {
                        out.push(Err(IngestError::new(name, not_activity)));
                        continue;
                    }
                    match member.bytes {
                        Ok(inner) => read_nested(&name, &inner, limits, depth + 1, out),
                        Err(e) => out.push(Err(IngestError::new(name, e))),
                    }
                }
            }
            Err(e) => out.push(fail(e)),
        },
        Kind::Fit => push_all(
            source,
            fit::read(bytes, source).map(fit::split_sessions),
            out,
        ),
        Kind::Gpx => push_all(source, gpx::read(bytes, source), out),
        Kind::Tcx => push_all(source, tcx::read(bytes, source), out),
        Kind::Unknown(detail) => out.push(fail(ReadError::UnknownFormat { detail })),
    }
}

fn push_all(
    source: &str,
    result: Result<Vec<RawActivity>, ReadError>,
    out: &mut Vec<IngestResult>,
) {
    match result {
        Ok(activities) => out.extend(activities.into_iter().map(Ok)),
        Err(e) => out.push(Err(IngestError::new(source, e))),
    }
}
