//! The blocks of an `.osm.pbf` file (OSM PBF spec, "File format"): listed from their
//! length prefixes and BlobHeaders alone, without reading the blobs, then read whole
//! by position for [`super::osm_pbf`] to decode.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::error::{MapError, MapErrorKind};
use super::varint::get_varint;

/// The spec's limits: a BlobHeader under 64 KiB, a Blob under 32 MiB.
const MAX_HEADER: u64 = 64 * 1024;
const MAX_BLOB: u64 = 32 * 1024 * 1024;
/// A block of the file: where it starts, how long it is (length prefix, header and
/// blob), and its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockPos {
    pub offset: u64,
    pub len: u64,
    pub kind: BlockKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Header,
    Data,
    Other,
}

/// Lists the file's blocks from their length prefixes and BlobHeaders, skipping the
/// blob data; a block running past the end of the file is a truncated file.
pub fn list_blocks(path: &Path, total: u64) -> Result<Vec<BlockPos>, MapError> {
    let fail = |kind| MapError::new(path, kind);
    let file = File::open(path).map_err(|e| MapError::io(path, &e))?;
    let mut r = BufReader::with_capacity(1 << 16, file);
    let mut blocks = Vec::new();
    let mut at = 0u64;
    let truncated = |at: u64| {
        fail(MapErrorKind::TruncatedPbf {
            message: format!("the file ends inside the block at byte {at} ({total} bytes)"),
        })
    };
    while at < total {
        if total - at < 4 {
            return Err(truncated(at));
        }
        let mut len = [0u8; 4];
        r.read_exact(&mut len).map_err(|e| MapError::io(path, &e))?;
        let header_len = u64::from(u32::from_be_bytes(len));
        if header_len >= MAX_HEADER {
            return Err(fail(MapErrorKind::CorruptPbf {
                message: format!("block header of {header_len} bytes at byte {at}"),
            }));
        }
        if at + 4 + header_len > total {
            return Err(truncated(at));
        }
        let mut head = vec![0u8; header_len as usize];
        r.read_exact(&mut head)
            .map_err(|e| MapError::io(path, &e))?;
        let (kind, data_len) = parse_blob_header(&head).ok_or_else(|| {
            fail(MapErrorKind::CorruptPbf {
                message: format!("unreadable block header at byte {at}"),
            })
        })?;
        if data_len > MAX_BLOB {
            return Err(fail(MapErrorKind::CorruptPbf {
                message: format!("block of {data_len} bytes at byte {at}"),
            }));
        }
        let len = 4 + header_len + data_len;
        if at + len > total {
            return Err(truncated(at));
        }
        blocks.push(BlockPos {
            offset: at,
            len,
            kind,
        });
        r.seek_relative(data_len as i64)
            .map_err(|e| MapError::io(path, &e))?;
        at += len;
    }
    Ok(blocks)
}

/// The type and data size of a BlobHeader message (fields 1 and 3; 2 is skipped).
fn parse_blob_header(b: &[u8]) -> Option<(BlockKind, u64)> {
    let mut pos = 0;
    let (mut kind, mut size) = (None, None);
    while pos < b.len() {
        let key = get_varint(b, &mut pos)?;
        match (key >> 3, key & 7) {
            (1, 2) => {
                let n = get_varint(b, &mut pos)? as usize;
                let s = b.get(pos..pos.checked_add(n)?)?;
                pos += n;
                kind = Some(match s {
                    b"OSMHeader" => BlockKind::Header,
                    b"OSMData" => BlockKind::Data,
                    _ => BlockKind::Other,
                });
            }
            (3, 0) => size = Some(get_varint(b, &mut pos)?),
            (_, 0) => {
                get_varint(b, &mut pos)?;
            }
            (_, 1) => pos += 8,
            (_, 2) => {
                let n = get_varint(b, &mut pos)? as usize;
                pos = pos.checked_add(n)?;
            }
            (_, 5) => pos += 4,
            _ => return None,
        }
    }
    if pos != b.len() {
        return None;
    }
    Some((kind?, size?))
}

/// Reads whole blocks by position.
pub struct RawBlocks {
    file: BufReader<File>,
    at: u64,
}

impl RawBlocks {
    pub fn open(path: &Path) -> Result<RawBlocks, MapError> {
        let file = File::open(path).map_err(|e| MapError::io(path, &e))?;
        Ok(RawBlocks {
            file: BufReader::with_capacity(1 << 16, file),
            at: 0,
        })
    }

    pub fn read(&mut self, b: &BlockPos) -> std::io::Result<Vec<u8>> {
        if self.at != b.offset {
            self.file.seek(SeekFrom::Start(b.offset))?;
        }
        let mut bytes = vec![0u8; b.len as usize];
        self.file.read_exact(&mut bytes)?;
        self.at = b.offset + b.len;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn blob_headers_parse() {
        // type "OSMData", indexdata (skipped), datasize 300.
        let mut b = vec![0x0A, 7];
        b.extend_from_slice(b"OSMData");
        b.extend_from_slice(&[0x12, 2, 0xFF, 0xFF, 0x18, 0xAC, 0x02]);
        assert_eq!(parse_blob_header(&b), Some((BlockKind::Data, 300)));
        assert_eq!(parse_blob_header(&b[..b.len() - 1]), None);
        assert_eq!(parse_blob_header(&[0x18, 5]), None, "no type");
    }
}
