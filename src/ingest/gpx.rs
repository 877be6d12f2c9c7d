//! GPX reader (placeholder until the streaming reader lands).

use crate::error::ReadError;
use crate::model::RawActivity;

/// Reads the tracks of a GPX document as activities.
pub fn read(_bytes: &[u8], _source: &str) -> Result<Vec<RawActivity>, ReadError> {
    Err(ReadError::UnknownFormat {
        detail: "GPX reader not built yet".into(),
    })
}
