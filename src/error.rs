//! Typed ingest errors. Only ingest can fail on a file; every error names the file.

use serde::Serialize;
use thiserror::Error;

/// What went wrong with a file's content, independent of which file it was.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ReadError {
    #[error("file is empty")]
    Empty,
    #[error("truncated: {what} at byte {offset}")]
    Truncated { what: &'static str, offset: u64 },
    #[error("bad CRC in {what}: stored {stored:#06x}, computed {computed:#06x}")]
    BadCrc {
        what: &'static str,
        stored: u16,
        computed: u16,
    },
    #[error("not a FIT, GPX or TCX file ({detail})")]
    UnknownFormat { detail: String },
    #[error("invalid XML at line {line}: {message}")]
    InvalidXml { line: u64, message: String },
    #[error("malformed {format} at byte {offset}: {message}")]
    Malformed {
        format: &'static str,
        offset: u64,
        message: String,
    },
    #[error("not an activity: {what}")]
    NotAnActivity { what: String },
    #[error("no samples: {what}")]
    NoSamples { what: String },
    /// Samples whose times cannot place them: no timestamp at all, or one instant for
    /// the whole recording.
    #[error("no usable time base: {what}")]
    NoTimeBase { what: String },
    #[error("corrupt archive: {message}")]
    CorruptArchive { message: String },
    #[error("too large: {what} exceeds the limit of {limit_bytes} bytes")]
    TooLarge { what: String, limit_bytes: u64 },
    #[error("cannot read: {message}")]
    Io { message: String },
    /// An export's metadata file (Strava `activities.csv`) that cannot be parsed; the
    /// activities beside it are still read, only without labels.
    #[error("bad export metadata: {message}")]
    BadMetadata { message: String },
}

impl ReadError {
    /// Stable snake_case code for output (`error.kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            ReadError::Empty => "empty",
            ReadError::Truncated { .. } => "truncated",
            ReadError::BadCrc { .. } => "bad_crc",
            ReadError::UnknownFormat { .. } => "unknown_format",
            ReadError::InvalidXml { .. } => "invalid_xml",
            ReadError::Malformed { .. } => "malformed",
            ReadError::NotAnActivity { .. } => "not_an_activity",
            ReadError::NoSamples { .. } => "no_samples",
            ReadError::NoTimeBase { .. } => "no_time_base",
            ReadError::CorruptArchive { .. } => "corrupt_archive",
            ReadError::TooLarge { .. } => "too_large",
            ReadError::Io { .. } => "io",
            ReadError::BadMetadata { .. } => "bad_metadata",
        }
    }
}

/// A [`ReadError`] with the file (or archive member) it came from.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{source_name}: {error}")]
pub struct IngestError {
    pub source_name: String,
    pub error: ReadError,
}

impl IngestError {
    pub fn new(source_name: impl Into<String>, error: ReadError) -> Self {
        IngestError {
            source_name: source_name.into(),
            error,
        }
    }
}

/// Wire form: `{"source": ..., "error": {"kind": ..., "message": ...}}`.
#[derive(Debug, Serialize)]
pub struct ErrorRecord<'a> {
    pub source: &'a str,
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    pub kind: &'static str,
    pub message: String,
}

impl IngestError {
    pub fn record(&self) -> ErrorRecord<'_> {
        ErrorRecord {
            source: &self.source_name,
            error: ErrorDetail {
                kind: self.error.kind(),
                message: self.to_string(),
            },
        }
    }
}
