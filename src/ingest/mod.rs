//! Ingest: bytes on disk → [`RawActivity`]. Sniffs the format by content, opens gzip and
//! zip containers (recursively, with size caps), and dispatches to the FIT, GPX and TCX
//! readers; [`labels`] reads the labels an export keeps beside its activities. The only
//! stage that can fail on a file. Which files are read is decided before, by
//! [`crate::walk`].

// The readers' own items are documented with the branches that are reworking them;
// until those land they are exempt from `missing_docs` (docs/decisions.md).
#[allow(missing_docs)]
pub(crate) mod container;
mod gzip_whole;
mod csv;
#[allow(missing_docs)]
pub mod fit;
#[allow(missing_docs)]
pub mod gpx;
pub mod labels;
pub mod open;
#[allow(missing_docs)]
pub mod sniff;
#[allow(missing_docs)]
pub mod tcx;
pub(crate) mod xml;

/// The gzip path on its own ([`container`] is internal): for the benches that measure it
/// and the tests that unpack documents the way a read does.
#[doc(hidden)]
pub use container::gunzip;

use std::io::{BufRead, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{IngestError, ReadError};
use crate::model::RawActivity;
use crate::walk::layout::ZipLayout;
use container::Pick;
use sniff::Kind;

/// One activity read, or one file/member that could not be read.
pub type IngestResult = Result<RawActivity, IngestError>;

/// Limits that protect a batch from hostile or broken inputs (docs/formats.md,
/// "Limits"). Every message that reports one names the configured value.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest plain file or decompressed document (one gzip stream, one zip member),
    /// bytes: the readers hold a whole document in memory.
    pub max_decompressed_bytes: u64,
    /// Largest sum of decompressed bytes from one file (every member of an archive, at
    /// every depth).
    pub max_archive_bytes: u64,
    /// Largest sum of decompressed bytes of a whole batch pass (shared by its
    /// workers).
    pub max_run_bytes: u64,
    /// Largest expansion of one file: decompressed bytes against the compressed bytes
    /// read from it so far. Real activity files compress up to ~40:1.
    pub max_ratio: u64,
    /// Decompressed bytes of one file below which the ratio is not checked.
    pub ratio_grace_bytes: u64,
    /// Most entries one zip archive may hold.
    pub max_members: usize,
    /// How deep archives may nest (zip in zip in gzip…).
    pub max_nesting: u8,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_decompressed_bytes: 256 << 20,
            max_archive_bytes: 16 << 30,
            max_run_bytes: 64 << 30,
            max_ratio: 100,
            ratio_grace_bytes: 8 << 20,
            max_members: 100_000,
            max_nesting: 4,
        }
    }
}

/// The decompressed bytes a batch pass may still spend, shared by its workers
/// ([`Limits::max_run_bytes`]). It is a last resort far above any real export: when a
/// run does exceed it, which files fail depends on the order workers reach them.
#[derive(Debug)]
pub struct RunBudget {
    used: AtomicU64,
    limit: u64,
}

impl RunBudget {
    /// A fresh budget of `limits.max_run_bytes`.
    pub fn new(limits: &Limits) -> Self {
        RunBudget {
            used: AtomicU64::new(0),
            limit: limits.max_run_bytes,
        }
    }

    /// Takes `n` bytes; `false` once the run is over its limit.
    fn take(&self, n: u64) -> bool {
        let before = self.used.fetch_add(n, Ordering::Relaxed);
        before.saturating_add(n) <= self.limit
    }
}

/// What reading one file may still decompress: its compressed input so far, its
/// decompressed output so far, the run's budget, and the first cap it broke.
pub(crate) struct Budget<'a> {
    limits: Limits,
    run: &'a RunBudget,
    in_bytes: u64,
    out_bytes: u64,
    /// Why nothing more is decompressed from this file, once a cap of the file or run
    /// is broken.
    spent: Option<ReadError>,
}

impl<'a> Budget<'a> {
    pub(crate) fn new(limits: Limits, run: &'a RunBudget) -> Self {
        Budget {
            limits,
            run,
            in_bytes: 0,
            out_bytes: 0,
            spent: None,
        }
    }

    /// `n` more compressed bytes of the file itself were read.
    fn add_input(&mut self, n: u64) {
        self.in_bytes = self.in_bytes.saturating_add(n);
    }

    /// Whether `n` more decompressed bytes, charged at once, are sure to meet the caps
    /// exactly as charging them chunk by chunk would: within the file's total, and
    /// never over the expansion ratio at any point on the way (below the grace size, or
    /// under the ratio of the input counted before them). The run's total is checked
    /// by [`Budget::charge`] either way, with the same outcome.
    fn takes_at_once(&self, n: u64) -> bool {
        let l = &self.limits;
        let after = self.out_bytes.saturating_add(n);
        self.spent.is_none()
            && after <= l.max_archive_bytes
            && (after <= l.ratio_grace_bytes
                || after <= self.in_bytes.max(1).saturating_mul(l.max_ratio))
    }

    /// `n` more bytes of `what` were decompressed: fails once the file's total, its
    /// expansion ratio or the run's total is over its limit.
    fn charge(&mut self, n: u64, what: &str) -> Result<(), ReadError> {
        if let Some(spent) = &self.spent {
            return Err(spent.clone());
        }
        self.out_bytes = self.out_bytes.saturating_add(n);
        let l = &self.limits;
        let broken = if self.out_bytes > l.max_archive_bytes {
            Some(ReadError::TooLarge {
                what: "decompressed content of one file".to_string(),
                limit_bytes: l.max_archive_bytes,
            })
        } else if self.out_bytes > l.ratio_grace_bytes
            && self.out_bytes > self.in_bytes.max(1).saturating_mul(l.max_ratio)
        {
            Some(ReadError::Bomb {
                what: what.to_string(),
                max_ratio: l.max_ratio,
                grace_bytes: l.ratio_grace_bytes,
            })
        } else if !self.run.take(n) {
            Some(ReadError::TooLarge {
                what: "decompressed content of this run".to_string(),
                limit_bytes: self.run.limit,
            })
        } else {
            None
        };
        match broken {
            Some(e) => {
                self.spent = Some(e.clone());
                Err(e)
            }
            None => Ok(()),
        }
    }
}

/// Reads every activity in the file at `path` (a plain file, `.gz` or `.zip`).
pub fn read_path(path: &Path) -> Vec<IngestResult> {
    read_path_with(path, Limits::default())
}

/// [`read_path`] with explicit limits.
pub fn read_path_with(path: &Path, limits: Limits) -> Vec<IngestResult> {
    let run = RunBudget::new(&limits);
    let mut out = Vec::new();
    read_path_each(path, limits, &run, &mut |r| out.push(r));
    out
}

/// Reads every activity in the file at `path`, handing each result to `each` as soon
/// as it is read (so an archive's activities are never all in memory at once), with
/// decompression charged to `run`. The file is opened without blocking and must be a
/// regular file: a FIFO or device is [`ReadError::NotRegularFile`]. A zip archive is
/// read from the file itself, never loaded whole.
pub fn read_path_each(
    path: &Path,
    limits: Limits,
    run: &RunBudget,
    each: &mut dyn FnMut(IngestResult),
) {
    let source = crate::walk::source_name(path);
    let fail = |error: ReadError| Err(IngestError::new(source.clone(), error));
    let (file, meta) = match open::open_regular(path) {
        Ok(opened) => opened,
        Err(e) => return each(fail(e)),
    };
    let io = |e: std::io::Error| ReadError::Io {
        message: e.to_string(),
    };
    let mut budget = Budget::new(limits, run);
    let mut file = std::io::BufReader::with_capacity(64 * 1024, file);
    let head = match file.fill_buf() {
        Ok(head) => head,
        Err(e) => return each(fail(io(e))),
    };
    if sniff::detect(head) == Kind::Zip {
        if let Err(e) = file.seek(SeekFrom::Start(0)) {
            return each(fail(io(e)));
        }
        return read_zip(&source, file, &mut budget, 0, true, each);
    }
    let max = limits.max_decompressed_bytes;
    if meta.len() > max {
        return each(fail(ReadError::TooLarge {
            what: "file".into(),
            limit_bytes: max,
        }));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
    if let Err(e) = file.take(max.saturating_add(1)).read_to_end(&mut bytes) {
        return each(fail(io(e)));
    }
    if bytes.len() as u64 > max {
        // The file grew after it was measured.
        return each(fail(ReadError::TooLarge {
            what: "file".into(),
            limit_bytes: max,
        }));
    }
    read_nested(&source, &bytes, &mut budget, 0, each);
}

/// Reads every activity in `bytes`, naming them after `source`.
pub fn read_bytes(source: &str, bytes: &[u8]) -> Vec<IngestResult> {
    read_bytes_with(source, bytes, Limits::default())
}

/// [`read_bytes`] with explicit limits.
pub fn read_bytes_with(source: &str, bytes: &[u8], limits: Limits) -> Vec<IngestResult> {
    let run = RunBudget::new(&limits);
    let mut budget = Budget::new(limits, &run);
    let mut out = Vec::new();
    read_nested(source, bytes, &mut budget, 0, &mut |r| out.push(r));
    out
}

fn read_nested(
    source: &str,
    bytes: &[u8],
    budget: &mut Budget<'_>,
    depth: u8,
    each: &mut dyn FnMut(IngestResult),
) {
    let fail = |error: ReadError| Err(IngestError::new(source, error));
    let limits = budget.limits;
    match sniff::detect(bytes) {
        Kind::Empty => each(fail(ReadError::Empty)),
        Kind::Gzip | Kind::Zip if depth >= limits.max_nesting => {
            each(fail(ReadError::CorruptArchive {
                message: format!("archives nested deeper than {}", limits.max_nesting),
            }))
        }
        Kind::Gzip => match container::gunzip_in(bytes, budget, depth == 0) {
            Ok(inner) => read_nested(source, &inner, budget, depth + 1, each),
            Err(e) => each(fail(e)),
        },
        Kind::Zip => read_zip(source, Cursor::new(bytes), budget, depth, depth == 0, each),
        Kind::Fit => push_all(
            source,
            fit::read(bytes, source).map(fit::split_sessions),
            each,
        ),
        Kind::Gpx => push_all(source, gpx::read(bytes, source), each),
        Kind::Tcx => push_all(source, tcx::read(bytes, source), each),
        Kind::UnsupportedXml(message) => each(fail(ReadError::InvalidXml { line: 1, message })),
        Kind::Unknown(detail) => each(fail(ReadError::UnknownFormat { detail })),
    }
}

/// The members of the zip archive in `reader`, each read (and its activities handed
/// on) before the next is inflated.
fn read_zip<R: Read + Seek>(
    source: &str,
    reader: R,
    budget: &mut Budget<'_>,
    depth: u8,
    top: bool,
    each: &mut dyn FnMut(IngestResult),
) {
    // Side files, a Strava export's metadata and routes/ are no activities: refused
    // by name, never inflated.
    let pick = |layout: &ZipLayout, member: &str| match layout.not_an_activity(member) {
        Some(not_activity) => Pick::Refuse(not_activity),
        None => Pick::Read,
    };
    let result = container::zip_each(reader, budget, top, pick, |member, bytes, budget| {
        let name = format!("{source}/{member}");
        match bytes {
            Ok(inner) => read_nested(&name, &inner, budget, depth + 1, each),
            Err(e) => each(Err(IngestError::new(name, e))),
        }
    });
    if let Err(e) = result {
        each(Err(IngestError::new(source, e)));
    }
}

fn push_all(
    source: &str,
    result: Result<Vec<RawActivity>, ReadError>,
    each: &mut dyn FnMut(IngestResult),
) {
    match result {
        Ok(activities) => activities.into_iter().for_each(|a| {
            let name = a.source.clone();
            each(with_time_base(a).map_err(|e| IngestError::new(name, e)));
        }),
        Err(e) => each(Err(IngestError::new(source, e))),
    }
}

/// Fewer samples than this may share one instant (a waypoint, a two-point stub).
const MIN_SAMPLES_FOR_TIME_BASE: usize = 10;

/// An activity whose samples all carry one instant has no time base: no duration, pace
/// or curve can come from it. Anything else passes unchanged.
fn with_time_base(a: RawActivity) -> Result<RawActivity, ReadError> {
    let first = a.samples.first().map(|s| s.time);
    if a.samples.len() >= MIN_SAMPLES_FOR_TIME_BASE
        && a.samples.iter().all(|s| Some(s.time) == first)
    {
        return Err(ReadError::NoTimeBase {
            what: format!(
                "all {} samples carry the same time ({})",
                a.samples.len(),
                first.unwrap_or_default()
            ),
        });
    }
    Ok(a)
}
