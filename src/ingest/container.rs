//! Containers: gzip and zip (Strava and Garmin exports), decompressed under a
//! [`Budget`], so a zip or gzip bomb is stopped after a few megabytes instead of
//! exhausting the machine (docs/formats.md, "Limits").
//!
//! The readers need a whole decompressed document, so a member is decompressed into
//! memory; what keeps that small for hostile input is checking while it grows, one
//! chunk at a time: the document's own cap, the file's expansion ratio (decompressed
//! bytes against the compressed bytes read from the file so far, once past a grace
//! size), the file's total, and the run's total. A zip archive is refused before any
//! member is inflated when its entries overlap (several entries sharing one member's
//! bytes is how small zips expand to gigabytes) or name a member twice.

use std::cell::Cell;
use std::io::{self, BufRead, Read, Seek, SeekFrom};
use std::rc::Rc;

use super::{Budget, Limits, RunBudget};
use crate::error::ReadError;
use crate::walk::layout::ZipLayout;

/// The largest expansion deflate can encode (258-byte matches in ~2 bits), rounded up.
const MAX_DEFLATE_RATIO: u64 = 1032;

/// Decompressed bytes read between two checks of the caps.
const CHUNK_BYTES: u64 = 1 << 20;

/// Decompresses a gzip stream (all members) under `limits` alone (its own run budget):
/// for the benches that measure it and the tests that unpack documents the way a
/// read does. `limit_bytes` caps the document.
pub fn gunzip(bytes: &[u8], limit_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let limits = Limits {
        max_decompressed_bytes: limit_bytes,
        ..Limits::default()
    };
    let run = RunBudget::new(&limits);
    let mut budget = Budget::new(limits, &run);
    gunzip_in(bytes, &mut budget, true)
}

/// Decompresses a gzip stream (all members) under `budget`; `top` when the stream's
/// bytes are the file's own (so they count as the compressed input of the ratio).
///
/// One member of the size its trailer states is inflated in one call by libdeflate
/// ([`super::gzip_whole`]); anything else streams through flate2 on zlib-rs (see
/// docs/decisions.md), reading the input slice in place, into an
/// output sized from the last member's ISIZE trailer (the content size modulo 2^32,
/// exact for one member; capped by the document limit, by deflate's largest ratio and
/// by the ratio the budget allows, and only a hint: a wrong or hostile value costs a
/// reallocation, never a wrong result or a large reservation).
pub(crate) fn gunzip_in(
    bytes: &[u8],
    budget: &mut Budget<'_>,
    top: bool,
) -> Result<Vec<u8>, ReadError> {
    let hint = bytes
        .len()
        .checked_sub(4)
        .and_then(|at| bytes.get(at..))
        .and_then(|tail| <[u8; 4]>::try_from(tail).ok())
        .map_or(0, |tail| u64::from(u32::from_le_bytes(tail)));
    let len = bytes.len() as u64;
    let limits = budget.limits;
    let most = len.saturating_mul(MAX_DEFLATE_RATIO).min(
        limits
            .ratio_grace_bytes
            .max(len.saturating_mul(limits.max_ratio)),
    );
    // The common case, one member of the size its trailer states, within every cap
    // whatever the order of the checks: inflated in one call, charged at once.
    if hint <= limits.max_decompressed_bytes.min(most)
        && budget.takes_at_once(hint)
        && let Ok(size) = usize::try_from(hint)
        && let Some(out) = super::gzip_whole::one_member(bytes, size)
    {
        if top {
            budget.add_input(len);
        }
        budget.charge(hint, "gzip content")?;
        return Ok(out);
    }
    let meter = Metered::new(bytes);
    let consumed = meter.counter();
    let decoder = flate2::bufread::MultiGzDecoder::new(meter);
    // One byte more than the content lets `read_to_end` see the end without growing.
    let capacity = hint
        .min(limits.max_decompressed_bytes)
        .min(most)
        .saturating_add(1);
    let stream = Stream {
        what: "gzip content",
        consumed: top.then_some(consumed),
    };
    stream
        .read_all(decoder, usize::try_from(capacity).unwrap_or(0), budget)
        .map_err(|e| match e {
            ReadError::Io { message } => ReadError::CorruptArchive {
                message: format!("gzip: {message}"),
            },
            other => other,
        })
}

/// One decompressed stream being read: what it is called in messages, and where its
/// compressed bytes are counted when they are the file's own.
struct Stream {
    what: &'static str,
    consumed: Option<Rc<Cell<u64>>>,
}

impl Stream {
    /// Reads `reader` to the end in chunks, charging `budget` after each: fails with
    /// `TooLarge` past the document cap (the configured one, named in the message),
    /// or with the budget's error.
    fn read_all<R: Read>(
        &self,
        mut reader: R,
        capacity: usize,
        budget: &mut Budget<'_>,
    ) -> Result<Vec<u8>, ReadError> {
        let limit = budget.limits.max_decompressed_bytes;
        let mut out = Vec::with_capacity(capacity);
        let mut counted_in = self.consumed.as_ref().map_or(0, |c| c.get());
        loop {
            let n = (&mut reader)
                .take(CHUNK_BYTES)
                .read_to_end(&mut out)
                .map_err(|e| ReadError::Io {
                    message: e.to_string(),
                })?;
            if let Some(consumed) = &self.consumed {
                let now = consumed.get();
                budget.add_input(now.saturating_sub(counted_in));
                counted_in = now;
            }
            if out.len() as u64 > limit {
                return Err(ReadError::TooLarge {
                    what: self.what.to_string(),
                    limit_bytes: limit,
                });
            }
            budget.charge(n as u64, self.what)?;
            if n == 0 {
                return Ok(out);
            }
        }
    }
}

/// A reader that counts the bytes taken from it (read, or consumed from its buffer),
/// shared through a counter the caller keeps.
struct Metered<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R> Metered<R> {
    fn new(inner: R) -> Self {
        Metered {
            inner,
            count: Rc::new(Cell::new(0)),
        }
    }

    fn counter(&self) -> Rc<Cell<u64>> {
        Rc::clone(&self.count)
    }

    fn add(&self, n: usize) {
        self.count.set(self.count.get().saturating_add(n as u64));
    }
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.add(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Metered<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.add(amt);
        self.inner.consume(amt);
    }
}

impl<R: Seek> Seek for Metered<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// What to do with one zip member, by its name and the archive's layout.
pub(crate) enum Pick {
    /// Inflate it and hand its bytes on.
    Read,
    /// Pass over it without a word (a member the caller does not want).
    Ignore,
    /// Hand on this error instead of its bytes, without inflating it (a side file, a
    /// route of a Strava export).
    Refuse(ReadError),
}

/// Reads the file members of the zip archive in `reader` in archive order (directories
/// skipped), as `pick` says for each name (given the archive's [`ZipLayout`]), handing
/// each member's bytes (or why they could not be read) to `each` before the next is
/// inflated, so only one member is in memory at a time. Names come from the central
/// directory, so members not read are never decompressed: a Strava export's
/// `activities.csv` is read without inflating the gigabytes beside it. `top` when the
/// archive's bytes are the file's own.
///
/// The archive itself is an error (nothing read) when it cannot be opened, holds more
/// entries than [`Limits::max_members`], names a member twice, or has entries whose
/// bytes overlap.
pub(crate) fn zip_each<R: Read + Seek>(
    reader: R,
    budget: &mut Budget<'_>,
    top: bool,
    pick: impl Fn(&ZipLayout, &str) -> Pick,
    mut each: impl FnMut(&str, Result<Vec<u8>, ReadError>, &mut Budget<'_>),
) -> Result<(), ReadError> {
    let corrupt = |message: String| ReadError::CorruptArchive { message };
    let meter = Metered::new(reader);
    let consumed = meter.counter();
    let mut archive = zip::ZipArchive::new(meter).map_err(|e| corrupt(format!("zip: {e}")))?;
    let limits = budget.limits;
    if archive.len() > limits.max_members {
        return Err(corrupt(format!(
            "zip: {} entries, more than the limit of {}",
            archive.len(),
            limits.max_members
        )));
    }
    if archive.has_duplicate_names() {
        return Err(corrupt(
            "zip: the central directory names a member more than once \
             (an ambiguous or hostile archive)"
                .to_string(),
        ));
    }
    match archive.has_overlapping_entries() {
        Ok(false) => {}
        Ok(true) => {
            return Err(corrupt(
                "zip: entries overlap (several entries share the same bytes, \
                 the layout of a zip bomb)"
                    .to_string(),
            ));
        }
        Err(e) => return Err(corrupt(format!("zip: {e}"))),
    }
    // What the central directory and headers cost is input, not expansion.
    if top {
        budget.add_input(consumed.get());
    }
    let mut counted = consumed.get();
    let names: Vec<String> = (0..archive.len())
        .map(|index| central_name(&archive, index).unwrap_or_else(|| format!("#{index}")))
        .collect();
    let layout = ZipLayout::of(names.iter().map(String::as_str));
    for (index, name) in names.iter().enumerate() {
        match pick(&layout, name) {
            Pick::Read => {}
            Pick::Ignore => continue,
            Pick::Refuse(e) => {
                each(name, Err(e), budget);
                continue;
            }
        }
        if let Some(spent) = &budget.spent {
            // The file's (or the run's) budget is gone: no member after is inflated.
            let left = archive.len() - index;
            return Err(corrupt(format!("zip: {left} entries not read: {spent}")));
        }
        let read = match archive.by_index(index) {
            Ok(file) if file.is_dir() => continue,
            Ok(file) => {
                // The local header just read is input too.
                if top {
                    budget.add_input(consumed.get().saturating_sub(counted));
                }
                let stream = Stream {
                    what: "zip member",
                    consumed: top.then(|| Rc::clone(&consumed)),
                };
                let read = stream.read_all(file, 0, budget);
                read.map_err(|e| match e {
                    ReadError::Io { message } => corrupt(format!("zip member: {message}")),
                    other => other,
                })
            }
            Err(e) => Err(corrupt(format!("zip member {index}: {e}"))),
        };
        // read_all counted the member's own input as it went.
        counted = consumed.get();
        each(name, read, budget);
    }
    Ok(())
}

/// A member's name as the central directory states it; `None` when the index is out
/// of range.
fn central_name<R: Read + Seek>(archive: &zip::ZipArchive<R>, index: usize) -> Option<String> {
    match archive.name_for_index(index)? {
        Ok(name) => Some(name.into_owned()),
        Err(_) => archive
            .file_names_raw()
            .nth(index)
            .map(|raw| String::from_utf8_lossy(raw).into_owned()),
    }
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
            Err(ReadError::TooLarge {
                limit_bytes: 9_999,
                ..
            })
        ));
    }

    #[test]
    fn a_gzip_bomb_stops_past_the_grace_size() {
        // 64 MiB of zeros packs to ~64 KB: far past 100:1 once past the grace size.
        let packed = gz(&vec![0u8; 64 << 20]);
        let err = gunzip(&packed, 512 << 20);
        assert!(
            matches!(err, Err(ReadError::Bomb { max_ratio: 100, .. })),
            "{err:?}"
        );
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
