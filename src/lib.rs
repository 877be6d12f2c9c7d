//! easyrun: tells runners the truth about their recovery runs.
//!
//! The pipeline: `ingest` (sniff, gz/zip, FIT/GPX/TCX) → [`model::RawActivity`] →
//! cleaning, metrics and judging (later stages) → reports. Only ingest can fail on a
//! file; the library never prints.

pub mod analyze;
pub mod batch;
pub mod clean;
pub mod error;
pub mod history;
pub mod ingest;
pub mod judge;
pub mod metrics;
pub mod model;
pub mod profile;
pub mod regress;
pub mod report;
pub mod scan;
pub mod surface;
pub mod write;

pub use error::{IngestError, ReadError};
pub use model::{Format, RawActivity, Sample, Timestamp};
