//! Typed map errors. Every error names the map file; a run whose map fails is judged
//! without a map surface, and the batch goes on.

use std::path::{Path, PathBuf};

use thiserror::Error;

/// What is wrong with a map file, independent of which file it was.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MapErrorKind {
    #[error("cannot read: {message}")]
    Unreadable { message: String },
    #[error("not an OpenStreetMap file ({detail})")]
    NotOsm { detail: String },
    #[error("invalid OSM XML at byte {offset}: {message}")]
    InvalidXml { offset: u64, message: String },
    #[error("corrupt PBF: {message}")]
    CorruptPbf { message: String },
    #[error("truncated PBF: {message}")]
    TruncatedPbf { message: String },
    #[error("unsupported PBF feature: {feature}")]
    UnsupportedPbf { feature: String },
    #[error("too large for the index: {what}")]
    TooLarge { what: String },
    #[error("cannot write the map index {}: {message}", cache.display())]
    CacheWrite { cache: PathBuf, message: String },
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
    pub path: PathBuf,
    pub kind: MapErrorKind,
}

impl MapError {
    pub fn new(path: &Path, kind: MapErrorKind) -> Self {
        MapError {
            path: path.to_path_buf(),
            kind,
        }
    }

    pub fn io(path: &Path, e: &std::io::Error) -> Self {
        MapError::new(
            path,
            MapErrorKind::Unreadable {
                message: e.to_string(),
            },
        )
    }
}
