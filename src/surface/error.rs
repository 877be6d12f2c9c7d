//! Typed map errors. Every error names the map file; a run whose map fails is judged
//! without a map surface, and the batch goes on.

use std::path::{Path, PathBuf};

use thiserror::Error;

/// What is wrong with a map file, independent of which file it was.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MapErrorKind {
    /// The file cannot be read (missing, permissions, an I/O error).
    #[error("cannot read: {message}")]
    Unreadable {
        /// The operating system's message.
        message: String,
    },
    /// Neither OSM XML nor an OSM PBF.
    #[error("not an OpenStreetMap file ({detail})")]
    NotOsm {
        /// What the file looked like instead.
        detail: String,
    },
    /// OSM XML that does not parse.
    #[error("invalid OSM XML at byte {offset}: {message}")]
    InvalidXml {
        /// Byte offset of the error in the file.
        offset: u64,
        /// The parser's message.
        message: String,
    },
    /// A PBF block that does not decode.
    #[error("corrupt PBF: {message}")]
    CorruptPbf {
        /// Which block, and what is wrong.
        message: String,
    },
    /// A PBF that ends inside a block.
    #[error("truncated PBF: {message}")]
    TruncatedPbf {
        /// Where it ends.
        message: String,
    },
    /// A PBF that needs a feature the reader does not have.
    #[error("unsupported PBF feature: {feature}")]
    UnsupportedPbf {
        /// The feature the header requires.
        feature: String,
    },
    /// More ways, nodes or vertices than the index format holds.
    #[error("too large for the index: {what}")]
    TooLarge {
        /// What overflowed.
        what: String,
    },
    /// The index could not be written to the cache.
    #[error("cannot write the map index {}: {message}", cache.display())]
    CacheWrite {
        /// The cache file.
        cache: PathBuf,
        /// The operating system's message.
        message: String,
    },
}

impl MapErrorKind {
    /// Stable snake_case code for output.
    pub fn kind(&self) -> &'static str {
        match self {
            MapErrorKind::Unreadable { .. } => "unreadable",
            MapErrorKind::NotOsm { .. } => "not_osm",
            MapErrorKind::InvalidXml { .. } => "invalid_osm_xml",
            MapErrorKind::CorruptPbf { .. } => "corrupt_pbf",
            MapErrorKind::TruncatedPbf { .. } => "truncated_pbf",
            MapErrorKind::UnsupportedPbf { .. } => "unsupported_pbf",
            MapErrorKind::TooLarge { .. } => "too_large",
            MapErrorKind::CacheWrite { .. } => "cache_write",
        }
    }
}

/// A [`MapErrorKind`] with the map file it came from.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("map {}: {kind}", path.display())]
pub struct MapError {
    /// The map file as the caller named it.
    pub path: PathBuf,
    /// What is wrong with it.
    pub kind: MapErrorKind,
}

impl MapError {
    /// `kind` for the map file `path`.
    pub fn new(path: &Path, kind: MapErrorKind) -> Self {
        MapError {
            path: path.to_path_buf(),
            kind,
        }
    }

    /// An I/O error reading `path`: [`MapErrorKind::Unreadable`].
    pub fn io(path: &Path, e: &std::io::Error) -> Self {
        MapError::new(
            path,
            MapErrorKind::Unreadable {
                message: e.to_string(),
            },
        )
    }
}
