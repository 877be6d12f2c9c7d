//! The FIT wire format, streamed: file headers (12/14 bytes, chained files), header and
//! file CRCs, definition messages (both endiannesses, developer fields), data messages
//! with normal and compressed-timestamp headers. Hands each data message to a
//! [`Visitor`] with its definition and resolved timestamp; knows nothing of the profile
//! beyond field 253 (timestamp).

use crate::error::ReadError;

use super::crc;

/// Field number of `timestamp` in every message that has one.
pub const TIMESTAMP_FIELD: u8 = 253;

/// Where one field sits in a data message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    pub num: u8,
    pub offset: u16,
    pub size: u8,
    /// FIT base type byte (e.g. 0x84 = uint16).
    pub base: u8,
}

/// A definition message: the layout of the data messages of one local type.
#[derive(Debug, Clone, Default)]
pub struct Definition {
    pub global: u16,
    pub big_endian: bool,
    /// Bytes of one data message, developer fields included.
    pub size: usize,
    pub fields: Vec<FieldDef>,
    timestamp: Option<FieldDef>,
}

impl Definition {
    /// The layout of field `num`, if the message has it.
    pub fn field(&self, num: u8) -> Option<FieldDef> {
        self.fields.iter().copied().find(|f| f.num == num)
    }
}

/// Receives the messages of a FIT stream.
pub trait Visitor {
    /// A new FIT file of a chain begins (index 0 for the first).
    fn file_start(&mut self, _index: usize) {}
    /// Local type `local` is (re)defined.
    fn define(&mut self, local: u8, def: &Definition);
    /// A data message of local type `local`; `timestamp` is its own field 253 or the one
    /// a compressed-timestamp header implies (seconds since the FIT epoch).
    fn message(&mut self, local: u8, def: &Definition, data: &[u8], timestamp: Option<u32>);
}

/// Counts of what a decode walked through.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub files: usize,
    pub messages: usize,
}

/// Decodes every FIT file chained in `bytes`, checking header and file CRCs.
pub fn decode(bytes: &[u8], visitor: &mut impl Visitor) -> Result<Stats, ReadError> {
    let mut stats = Stats::default();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let rest = bytes.get(pos..).unwrap_or_default();
        let header = parse_header(rest, pos, stats.files)?;
        let data_start = pos + usize::from(header.size);
        let data_end = data_start + header.data_size;
        let file_end = data_end + 2;
        if file_end > bytes.len() {
            return Err(ReadError::Truncated {
                what: if data_end > bytes.len() {
                    "FIT data shorter than its header states"
                } else {
                    "FIT file CRC missing"
                },
                offset: bytes.len() as u64,
            });
        }
        let stored = bytes
            .get(data_end..file_end)
            .map(|b| {
                u16::from_le_bytes([
                    b.first().copied().unwrap_or(0),
                    b.get(1).copied().unwrap_or(0),
                ])
            })
            .unwrap_or(0);
        let computed = crc::crc16(bytes.get(pos..data_end).unwrap_or_default());
        if stored != computed {
            return Err(ReadError::BadCrc {
                what: "FIT file",
                stored,
                computed,
            });
        }
        visitor.file_start(stats.files);
        let data = bytes.get(data_start..data_end).unwrap_or_default();
        stats.messages += decode_messages(data, data_start, visitor)?;
        stats.files += 1;
        pos = file_end;
    }
    Ok(stats)
}

struct Header {
    size: u8,
    data_size: usize,
}

fn parse_header(rest: &[u8], pos: usize, index: usize) -> Result<Header, ReadError> {
    let size = rest.first().copied().unwrap_or(0);
    if rest.len() < 12 {
        return Err(ReadError::Truncated {
            what: "FIT header",
            offset: (pos + rest.len()) as u64,
        });
    }
    if rest.get(8..12) != Some(b".FIT") || size < 12 {
        return Err(ReadError::Malformed {
            format: "FIT",
            offset: pos as u64,
            message: if index == 0 {
                "not a FIT header".to_string()
            } else {
                format!("corrupt header of chained FIT file #{}", index + 1)
            },
        });
    }
    let data_size = rest
        .get(4..8)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(u32::from_le_bytes)
        .unwrap_or(0) as usize;
    if size >= 14 {
        let Some(&[lo, hi]) = rest.get(12..14).and_then(|b| <&[u8; 2]>::try_from(b).ok()) else {
            return Err(ReadError::Truncated {
                what: "FIT header",
                offset: (pos + rest.len()) as u64,
            });
        };
        let stored = u16::from_le_bytes([lo, hi]);
        // A header CRC of 0 means "not computed" (FIT protocol).
        let computed = crc::crc16(rest.get(..12).unwrap_or_default());
        if stored != 0 && stored != computed {
            return Err(ReadError::BadCrc {
                what: "FIT header",
                stored,
                computed,
            });
        }
    }
    Ok(Header { size, data_size })
}

fn decode_messages(
    data: &[u8],
    base_offset: usize,
    visitor: &mut impl Visitor,
) -> Result<usize, ReadError> {
    let mut defs: [Option<Definition>; 16] = [const { None }; 16];
    let mut last_timestamp: u32 = 0;
    let mut count = 0usize;
    let mut i = 0usize;
    let malformed = |at: usize, message: String| ReadError::Malformed {
        format: "FIT",
        offset: (base_offset + at) as u64,
        message,
    };
    let truncated = |what: &'static str| ReadError::Truncated {
        what,
        offset: (base_offset + data.len()) as u64,
    };
    while let Some(&h) = data.get(i) {
        let at = i;
        i += 1;
        if h & 0xC0 == 0x40 {
            // Definition message (normal header with bit 6 set).
            let local = h & 0x0F;
            let (def, used) = parse_definition(data.get(i..).unwrap_or_default(), h & 0x20 != 0)
                .ok_or_else(|| truncated("FIT definition message"))?;
            i += used;
            visitor.define(local, &def);
            if let Some(slot) = defs.get_mut(usize::from(local)) {
                *slot = Some(def);
            }
            continue;
        }
        // Data message: a compressed-timestamp header (bit 7) carries the local type in
        // bits 5–6 and a 5-bit time offset; a normal header the local type in bits 0–3.
        let compressed = h & 0x80 != 0;
        let local = if compressed {
            (h >> 5) & 0x03
        } else {
            h & 0x0F
        };
        let Some(def) = defs.get(usize::from(local)).and_then(Option::as_ref) else {
            return Err(malformed(
                at,
                format!("data message for undefined local message {local}"),
            ));
        };
        let msg = data
            .get(i..i + def.size)
            .ok_or_else(|| truncated("FIT data message"))?;
        let timestamp = if compressed {
            let offset = u32::from(h & 0x1F);
            Some(last_timestamp.wrapping_add(offset.wrapping_sub(last_timestamp) & 0x1F))
        } else {
            def.timestamp
                .and_then(|f| uint(msg, f, def.big_endian))
                .and_then(|v| u32::try_from(v).ok())
        };
        if let Some(ts) = timestamp {
            last_timestamp = ts;
        }
        visitor.message(local, def, msg, timestamp);
        i += def.size;
        count += 1;
    }
    Ok(count)
}

/// Parses a definition body (after its header byte); returns it and the bytes used.
fn parse_definition(b: &[u8], developer: bool) -> Option<(Definition, usize)> {
    let arch = *b.get(1)?;
    let big_endian = arch == 1;
    let g = [*b.get(2)?, *b.get(3)?];
    let global = if big_endian {
        u16::from_be_bytes(g)
    } else {
        u16::from_le_bytes(g)
    };
    let n = usize::from(*b.get(4)?);
    let mut used = 5;
    let mut fields = Vec::with_capacity(n);
    let mut offset: usize = 0;
    for k in 0..n {
        let f = b.get(5 + 3 * k..8 + 3 * k)?;
        let (num, size, base) = (*f.first()?, *f.get(1)?, *f.get(2)?);
        fields.push(FieldDef {
            num,
            offset: u16::try_from(offset).ok()?,
            size,
            base,
        });
        offset += usize::from(size);
    }
    used += 3 * n;
    if developer {
        let nd = usize::from(*b.get(used)?);
        used += 1;
        for k in 0..nd {
            // Developer fields: (number, size, developer data index). Skipped by size,
            // so an undefined developer index can never misalign the stream.
            let size = *b.get(used + 3 * k + 1)?;
            offset += usize::from(size);
        }
        used += 3 * nd;
    }
    let timestamp = fields.iter().copied().find(|f| f.num == TIMESTAMP_FIELD);
    Some((
        Definition {
            global,
            big_endian,
            size: offset,
            fields,
            timestamp,
        },
        used,
    ))
}

/// Size in bytes of one element of a FIT base type (by its low five bits).
fn base_size(base: u8) -> usize {
    match base & 0x1F {
        0x00..=0x02 | 0x07 | 0x0A | 0x0D => 1,
        0x03 | 0x04 | 0x0B => 2,
        0x05 | 0x06 | 0x08 | 0x0C => 4,
        0x09 | 0x0E..=0x10 => 8,
        _ => 1,
    }
}

fn raw_bytes<const N: usize>(msg: &[u8], f: FieldDef, big_endian: bool) -> Option<[u8; N]> {
    // A field narrower than its type (COROS writes such fields) has no valid value; an
    // array field yields its first element.
    if usize::from(f.size) < N {
        return None;
    }
    let start = usize::from(f.offset);
    let mut a: [u8; N] = msg.get(start..start + N)?.try_into().ok()?;
    if big_endian {
        a.reverse();
    }
    Some(a)
}

/// The first element of an unsigned-integer (or enum/byte) field, `None` when it holds
/// the type's invalid sentinel (all ones; zero for the `z` types).
pub fn uint(msg: &[u8], f: FieldDef, big_endian: bool) -> Option<u64> {
    let v = match base_size(f.base) {
        1 => u64::from(raw_bytes::<1>(msg, f, big_endian)?[0]),
        2 => u64::from(u16::from_le_bytes(raw_bytes(msg, f, big_endian)?)),
        4 => u64::from(u32::from_le_bytes(raw_bytes(msg, f, big_endian)?)),
        _ => u64::from_le_bytes(raw_bytes(msg, f, big_endian)?),
    };
    let invalid = match f.base & 0x1F {
        0x0A..=0x0C | 0x10 => v == 0,
        0x01 => v == 0x7F,
        0x03 => v == 0x7FFF,
        0x05 => v == 0x7FFF_FFFF,
        0x0E => v == 0x7FFF_FFFF_FFFF_FFFF,
        _ => match base_size(f.base) {
            1 => v == 0xFF,
            2 => v == 0xFFFF,
            4 => v == 0xFFFF_FFFF,
            _ => v == u64::MAX,
        },
    };
    (!invalid).then_some(v)
}

/// The first element of a numeric field as a number, honouring signed and float base
/// types; `None` for the invalid sentinel or NaN.
pub fn number(msg: &[u8], f: FieldDef, big_endian: bool) -> Option<f64> {
    match f.base & 0x1F {
        0x01 => {
            Some(f64::from(raw_bytes::<1>(msg, f, big_endian)?[0] as i8)).filter(|v| *v != 127.0)
        }
        0x03 => Some(f64::from(i16::from_le_bytes(raw_bytes(
            msg, f, big_endian,
        )?)))
        .filter(|v| *v != f64::from(i16::MAX)),
        0x05 => Some(f64::from(i32::from_le_bytes(raw_bytes(
            msg, f, big_endian,
        )?)))
        .filter(|v| *v != f64::from(i32::MAX)),
        0x0E => {
            let v = i64::from_le_bytes(raw_bytes(msg, f, big_endian)?);
            (v != i64::MAX).then_some(v as f64)
        }
        0x08 => Some(f64::from(f32::from_le_bytes(raw_bytes(
            msg, f, big_endian,
        )?)))
        .filter(|v| v.is_finite()),
        0x09 => Some(f64::from_le_bytes(raw_bytes(msg, f, big_endian)?)).filter(|v| v.is_finite()),
        _ => uint(msg, f, big_endian).map(|v| v as f64),
    }
}

/// A signed 32-bit field (positions in semicircles), `None` when invalid.
pub fn sint32(msg: &[u8], f: FieldDef, big_endian: bool) -> Option<i32> {
    let v = i32::from_le_bytes(raw_bytes(msg, f, big_endian)?);
    (v != i32::MAX).then_some(v)
}

/// A string field: bytes up to the first NUL, as UTF-8 (lossy); `None` when empty.
pub fn string(msg: &[u8], f: FieldDef) -> Option<String> {
    let start = usize::from(f.offset);
    let b = msg.get(start..start + usize::from(f.size))?;
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    let s = String::from_utf8_lossy(b.get(..end)?).trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// A field layout resolved once per definition into the one load it takes, so the hot
/// path does a single match instead of re-deriving type, size and byte order per value.
#[derive(Debug, Clone, Copy)]
pub struct FieldReader {
    offset: usize,
    load: Load,
}

#[derive(Debug, Clone, Copy)]
enum Load {
    U8,
    U16 {
        big: bool,
        invalid: u16,
    },
    U32 {
        big: bool,
        invalid: u32,
    },
    S32 {
        big: bool,
    },
    /// Anything rarer (floats, 64-bit, signed 8/16, narrow fields): the general path.
    Other {
        def: FieldDef,
        big: bool,
    },
}

impl FieldReader {
    /// Resolves `f` (from a definition with byte order `big_endian`).
    pub fn new(f: FieldDef, big_endian: bool) -> Self {
        let big = big_endian;
        let size = usize::from(f.size);
        let load = match f.base & 0x1F {
            0x00 | 0x02 | 0x0D if size >= 1 => Load::U8,
            0x04 if size >= 2 => Load::U16 {
                big,
                invalid: 0xFFFF,
            },
            0x0B if size >= 2 => Load::U16 { big, invalid: 0 },
            0x06 if size >= 4 => Load::U32 {
                big,
                invalid: 0xFFFF_FFFF,
            },
            0x0C if size >= 4 => Load::U32 { big, invalid: 0 },
            0x05 if size >= 4 => Load::S32 { big },
            _ => Load::Other { def: f, big },
        };
        FieldReader {
            offset: usize::from(f.offset),
            load,
        }
    }

    /// The field's first value as a number; `None` when invalid or out of the message.
    #[inline]
    pub fn number(&self, msg: &[u8]) -> Option<f64> {
        let at = self.offset;
        match self.load {
            Load::U8 => msg.get(at).copied().filter(|&v| v != 0xFF).map(f64::from),
            Load::U16 { big, invalid } => {
                let b: [u8; 2] = msg.get(at..at + 2)?.try_into().ok()?;
                let v = if big {
                    u16::from_be_bytes(b)
                } else {
                    u16::from_le_bytes(b)
                };
                (v != invalid).then_some(f64::from(v))
            }
            Load::U32 { big, invalid } => {
                let b: [u8; 4] = msg.get(at..at + 4)?.try_into().ok()?;
                let v = if big {
                    u32::from_be_bytes(b)
                } else {
                    u32::from_le_bytes(b)
                };
                (v != invalid).then_some(f64::from(v))
            }
            Load::S32 { .. } => self.sint32(msg).map(f64::from),
            Load::Other { def, big } => number(msg, def, big),
        }
    }

    /// The field as a signed 32-bit value (positions); `None` when invalid.
    #[inline]
    pub fn sint32(&self, msg: &[u8]) -> Option<i32> {
        match self.load {
            Load::S32 { big } => {
                let b: [u8; 4] = msg.get(self.offset..self.offset + 4)?.try_into().ok()?;
                let v = if big {
                    i32::from_be_bytes(b)
                } else {
                    i32::from_le_bytes(b)
                };
                (v != i32::MAX).then_some(v)
            }
            Load::Other { def, big } => sint32(msg, def, big),
            _ => self.number(msg).map(|v| v as i32),
        }
    }
}
