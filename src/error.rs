//! Typed ingest errors. Only ingest can fail on a file; every error names the file.

use serde::Serialize;
use thiserror::Error;

/// What went wrong with a file's content, independent of which file it was.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ReadError {
    /// The file (or member) holds no bytes.
    #[error("file is empty")]
    Empty,
    /// The data ends before the structure it started is complete.
    #[error("truncated: {what} at byte {offset}")]
    Truncated {
        /// The structure cut off (`file header`, `record`…).
        what: &'static str,
        /// Where it is cut off.
        offset: u64,
    },
    /// A checksum does not match: the file was damaged (FIT header or file CRC).
    #[error("bad CRC in {what}: stored {stored:#06x}, computed {computed:#06x}")]
    BadCrc {
        /// Which CRC (`header`, `file`).
        what: &'static str,
        /// The CRC the file states.
        stored: u16,
        /// The CRC of the bytes.
        computed: u16,
    },
    /// The content is none of the formats easyrun reads (detected by content).
    #[error("not a FIT, GPX or TCX file ({detail})")]
    UnknownFormat {
        /// What was seen instead.
        detail: String,
    },
    /// A GPX or TCX file that is not well-formed XML.
    #[error("invalid XML at line {line}: {message}")]
    InvalidXml {
        /// 1-based line of the problem.
        line: u64,
        /// The XML reader's message.
        message: String,
    },
    /// Well-formed bytes that break the format's own rules.
    #[error("malformed {format} at byte {offset}: {message}")]
    Malformed {
        /// `FIT`, `GPX` or `TCX`.
        format: &'static str,
        /// Where the problem is.
        offset: u64,
        /// What is wrong.
        message: String,
    },
    /// A readable file that records no activity (Garmin monitoring, settings, a Strava
    /// route): a batch counts it as skipped, not as an error.
    #[error("not an activity: {what}")]
    NotAnActivity {
        /// What it is instead.
        what: String,
    },
    /// An activity without a single sample to analyse.
    #[error("no samples: {what}")]
    NoSamples {
        /// Which part held none.
        what: String,
    },
    /// A gzip or zip container that cannot be opened or nests too deep.
    #[error("corrupt archive: {message}")]
    CorruptArchive {
        /// The container reader's message.
        message: String,
    },
    /// A file or decompressed member over the size limit ([`crate::ingest::Limits`]).
    #[error("too large: {what} exceeds the limit of {limit_bytes} bytes")]
    TooLarge {
        /// `file`, `member`, `metadata file`.
        what: String,
        /// The limit, bytes.
        limit_bytes: u64,
    },
    /// A decompressed stream that expands far more than any activity file does (a
    /// decompression bomb): stopped once past a few megabytes, before it costs memory.
    #[error(
        "decompression bomb: {what} expands more than {max_ratio}:1 once past {grace_bytes} bytes"
    )]
    Bomb {
        /// `gzip content`, `zip member`, `zip archive`.
        what: String,
        /// The largest expansion allowed ([`crate::ingest::Limits::max_ratio`]).
        max_ratio: u64,
        /// Output below this size is never a bomb
        /// ([`crate::ingest::Limits::ratio_grace_bytes`]).
        grace_bytes: u64,
    },
    /// A path that names no regular file: a FIFO, a device, a socket (reading one could
    /// block forever or never end), or a folder where a file was expected.
    #[error("not a regular file: {what}")]
    NotRegularFile {
        /// What it is instead (`a FIFO (named pipe)`, `a character device`…).
        what: &'static str,
    },
    /// The file system refused (missing file, permissions, a folder that cannot be
    /// listed).
    #[error("cannot read: {message}")]
    Io {
        /// The operating system's message.
        message: String,
    },
    /// An export's metadata file (Strava `activities.csv`) that cannot be parsed; the
    /// activities beside it are still read, only without labels.
    #[error("bad export metadata: {message}")]
    BadMetadata {
        /// What is wrong, with the line.
        message: String,
    },
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
            ReadError::CorruptArchive { .. } => "corrupt_archive",
            ReadError::TooLarge { .. } => "too_large",
            ReadError::Bomb { .. } => "decompression_bomb",
            ReadError::NotRegularFile { .. } => "not_regular_file",
            ReadError::Io { .. } => "io",
            ReadError::BadMetadata { .. } => "bad_metadata",
        }
    }
}

/// A [`ReadError`] with the file (or archive member) it came from.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{source_name}: {error}")]
pub struct IngestError {
    /// The file, or `archive.zip/member`.
    pub source_name: String,
    /// What went wrong.
    pub error: ReadError,
}

impl IngestError {
    /// `error` in the file or member `source_name`.
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
    /// The file, or `archive.zip/member`.
    pub source: &'a str,
    /// What went wrong.
    pub error: ErrorDetail,
}

/// The `error` object of an [`ErrorRecord`].
#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    /// [`ReadError::kind`] (or another stable code).
    pub kind: &'static str,
    /// The message, naming the file.
    pub message: String,
}

impl IngestError {
    /// The wire form of the error.
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
