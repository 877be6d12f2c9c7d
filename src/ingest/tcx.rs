//! TCX reader (placeholder until the streaming reader lands).

use crate::error::ReadError;
use crate::model::RawActivity;

/// Reads the activities of a TCX document as activities.
pub fn read(_bytes: &[u8], _source: &str) -> Result<Vec<RawActivity>, ReadError> {
    Err(ReadError::UnknownFormat {
        detail: "TCX reader not built yet".into(),
    })
}
