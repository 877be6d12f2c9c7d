//! Containers: gzip and zip (Strava and Garmin exports), with decompressed-size caps so
//! a zip or gzip bomb becomes a `too_large` error instead of an exhausted machine.

use std::io::{Cursor, Read, Seek};

use crate::error::ReadError;

/// The largest expansion deflate can encode (258-byte matches in ~2 bits), rounded up.
const MAX_DEFLATE_RATIO: u64 = 1032;

/// Decompresses a gzip stream (all members), refusing more than `limit_bytes`.
///
/// flate2 on zlib-rs (see docs/decisions.md), reading the input slice in place (no
/// intermediate buffer), into an output sized from the last member's ISIZE trailer
/// (the content size modulo 2^32, exact for one member; capped by the limit and by
/// deflate's largest ratio, and only a hint: a wrong or hostile value costs a
/// reallocation, never a wrong result).
pub fn gunzip(bytes: &[u8], limit_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let decoder = flate2::bufread::MultiGzDecoder::new(bytes);
    let hint = bytes
        .len()
        .checked_sub(4)
        .and_then(|at| bytes.get(at..))
        .and_then(|tail| <[u8; 4]>::try_from(tail).ok())
        .map_or(0, |tail| u64::from(u32::from_le_bytes(tail)));
    // Deflate expands at most ~1032:1, so a hostile trailer cannot make a small file
    // reserve more than that; one byte more than the content lets `read_to_end` see
    // the end without growing.
    let most = (bytes.len() as u64).saturating_mul(MAX_DEFLATE_RATIO);
    let capacity = hint.min(limit_bytes).min(most).saturating_add(1);
    read_capped_into(
        decoder,
        limit_bytes,
        "gzip content",
        usize::try_from(capacity).unwrap_or(0),
    )
    .map_err(|e| match e {
        ReadError::Io { message } => ReadError::CorruptArchive {
            message: format!("gzip: {message}"),
        },
        other => other,
    })
}

/// One member of a zip archive: its path inside the archive and its bytes (or why they
/// could not be read).
pub struct Member {
    pub name: String,
    pub bytes: Result<Vec<u8>, ReadError>,
}

/// Reads the file members of a zip archive in archive order (directories skipped).
pub fn zip_members(bytes: &[u8], limit_bytes: u64) -> Result<Vec<Member>, ReadError> {
    zip_members_where(Cursor::new(bytes), limit_bytes, |_| true)
}

/// Reads the file members of the zip archive in `reader` whose names `wanted` accepts,
/// in archive order (directories skipped). Names come from the central directory, so
/// members not wanted are never decompressed: a Strava export's `activities.csv` is
/// read without inflating the gigabytes beside it.
pub fn zip_members_where<R: Read + Seek>(
    reader: R,
    limit_bytes: u64,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<Member>, ReadError> {
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| ReadError::CorruptArchive {
        message: format!("zip: {e}"),
    })?;
    let mut members = Vec::new();
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        if central_name(&archive, index).is_some_and(|name| !wanted(&name)) {
            continue;
        }
        let mut file = match archive.by_index(index) {
            Ok(file) => file,
            Err(e) => {
                members.push(Member {
                    name: format!("#{index}"),
                    bytes: Err(ReadError::CorruptArchive {
                        message: format!("zip member {index}: {e}"),
                    }),
                });
                continue;
            }
        };
        if file.is_dir() {
            continue;
        }
        let name = match file.name() {
            Ok(name) => name.into_owned(),
            Err(_) => String::from_utf8_lossy(file.name_raw()).into_owned(),
        };
        let remaining = limit_bytes.saturating_sub(total);
        let read = read_capped(&mut file, remaining, "zip content").map_err(|e| match e {
            ReadError::Io { message } => ReadError::CorruptArchive {
                message: format!("zip member: {message}"),
            },
            other => other,
        });
        if let Ok(data) = &read {
            total += data.len() as u64;
        }
        members.push(Member { name, bytes: read });
    }
    Ok(members)
}

/// A member's name as the central directory states it (the same name
/// [`zip_members_where`] gives the member once opened); `None` when the index is out of
/// range.
fn central_name<R: Read + Seek>(archive: &zip::ZipArchive<R>, index: usize) -> Option<String> {
    match archive.name_for_index(index)? {
        Ok(name) => Some(name.into_owned()),
        Err(_) => archive
            .file_names_raw()
            .nth(index)
            .map(|raw| String::from_utf8_lossy(raw).into_owned()),
    }
}

/// Reads `reader` to the end, failing with `TooLarge` past `limit_bytes`.
fn read_capped<R: Read>(reader: R, limit_bytes: u64, what: &str) -> Result<Vec<u8>, ReadError> {
    read_capped_into(reader, limit_bytes, what, 0)
}

/// [`read_capped`] into a buffer that starts with room for `capacity` bytes.
fn read_capped_into<R: Read>(
    reader: R,
    limit_bytes: u64,
    what: &str,
    capacity: usize,
) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::with_capacity(capacity);
    let mut limited = reader.take(limit_bytes.saturating_add(1));
    limited.read_to_end(&mut out).map_err(|e| ReadError::Io {
        message: e.to_string(),
    })?;
    if out.len() as u64 > limit_bytes {
        return Err(ReadError::TooLarge {
            what: what.to_string(),
            limit_bytes,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = enc.write_all(data);
        enc.finish().unwrap_or_default()
    }

    #[test]
    fn gunzip_round_trips_and_caps() {
        let data = vec![7u8; 10_000];
        let packed = gz(&data);
        assert_eq!(gunzip(&packed, 10_000), Ok(data));
        assert!(matches!(
            gunzip(&packed, 9_999),
            Err(ReadError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_lying_size_trailer_is_corrupt_not_a_huge_buffer() {
        let data = vec![3u8; 50_000];
        let mut packed = gz(&data);
        let n = packed.len();
        // ISIZE claims 4 GB (the buffer hint is capped by deflate's ratio), then 1 byte:
        // flate2 checks ISIZE with the CRC, so either lie is a corrupt archive.
        for claim in [u32::MAX, 1] {
            if let Some(tail) = packed.get_mut(n - 4..) {
                tail.copy_from_slice(&claim.to_le_bytes());
            }
            assert!(
                matches!(
                    gunzip(&packed, 1 << 20),
                    Err(ReadError::CorruptArchive { .. })
                ),
                "claim {claim}"
            );
        }
    }

    #[test]
    fn truncated_gzip_is_corrupt() {
        let packed = gz(&[1u8; 5000]);
        let cut = packed.get(..packed.len() / 2).unwrap_or_default();
        assert!(matches!(
            gunzip(cut, 1 << 20),
            Err(ReadError::CorruptArchive { .. })
        ));
    }
}
