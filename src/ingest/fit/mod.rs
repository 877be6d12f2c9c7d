//! FIT reader (placeholder until the decoder lands).

use crate::error::ReadError;
use crate::model::RawActivity;

/// Reads a FIT file (or a chain of FIT files) as one activity.
pub fn read(_bytes: &[u8], _source: &str) -> Result<RawActivity, ReadError> {
    Err(ReadError::UnknownFormat { detail: "FIT reader not built yet".into() })
}
