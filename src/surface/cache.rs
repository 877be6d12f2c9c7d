//! Opening a map: its index from the user's cache when one matches the file's identity
//! (canonical path, size, mtime, index format version), else built from the file
//! straight into a temporary file beside it, with scratch files there too (so memory
//! stays bounded, docs/performance.md), renamed into place and memory-mapped. A cached index that
//! fails its checks (size, magic, version, checksum) is rebuilt; when the cache cannot
//! be written the index lives in memory for this run and the caller is told why.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::collect::Collector;
use super::error::{MapError, MapErrorKind};
use super::index::{FORMAT_VERSION, MapIndex, SourceStamp};
use super::progress::{Phase, Progress};
use super::spill::{Scratch, Store};
use super::{osm_pbf, osm_xml};

/// Where the bytes of an opened index live.
#[derive(Debug)]
pub enum Bytes {
    /// The cached index file, memory-mapped.
    Mapped(memmap2::Mmap),
    /// A buffer (no writable cache, or just built).
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// An opened map.
#[derive(Debug)]
pub struct Map {
    /// The map file as the caller named it.
    pub path: PathBuf,
    /// The index of its ways that matter for running.
    pub index: MapIndex<Bytes>,
    /// Where the index lives (`None`: in memory only).
    pub cache_file: Option<PathBuf>,
    /// Whether this open built the index (rather than finding it cached).
    pub built: bool,
    /// Why the index could not be cached, when it could not.
    pub cache_warning: Option<String>,
}

/// `$XDG_CACHE_HOME/easyrun/maps`, else `~/.cache/easyrun/maps`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })?;
    Some(base.join("easyrun").join("maps"))
}

/// The map file's identity as the index header records it.
fn stamp_of(path: &Path) -> Result<SourceStamp, MapError> {
    let meta = std::fs::metadata(path).map_err(|e| MapError::io(path, &e))?;
    if meta.is_dir() {
        return Err(MapError::new(
            path,
            MapErrorKind::Unreadable {
                message: "is a directory".to_string(),
            },
        ));
    }
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
    Ok(SourceStamp {
        size: meta.len(),
        mtime_ns,
    })
}

/// FNV-1a, 64 bit: a stable name for a cache key (not a security boundary).
fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
    h
}

/// The cache file name for a map: its readable stem and a hash of its identity.
pub fn cache_name(path: &Path, stamp: SourceStamp) -> String {
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut h = fnv1a(
        canonical.as_os_str().as_encoded_bytes(),
        0xcbf2_9ce4_8422_2325,
    );
    h = fnv1a(&stamp.size.to_le_bytes(), h);
    h = fnv1a(&stamp.mtime_ns.to_le_bytes(), h);
    h = fnv1a(&FORMAT_VERSION.to_le_bytes(), h);
    let stem: String = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(48)
        .collect();
    format!("{stem}-{h:016x}.idx")
}

/// Builds the index of the map at `path` (format by content) into `out`, with the
/// collector's scratch files; returns the finished index.
pub fn build_index(
    path: &Path,
    stamp: SourceStamp,
    collector: Collector,
    out: Store,
    progress: &mut dyn FnMut(Progress),
) -> Result<Store, MapError> {
    let total = stamp.size;
    let mut head = [0u8; 16];
    let mut file = File::open(path).map_err(|e| MapError::io(path, &e))?;
    let n = read_up_to(&mut file, &mut head).map_err(|e| MapError::io(path, &e))?;
    let head = head.get(..n).unwrap_or_default();
    if head.is_empty() {
        return Err(MapError::new(
            path,
            MapErrorKind::NotOsm {
                detail: "empty file".to_string(),
            },
        ));
    }
    let nodes = if osm_pbf::sniff(head) {
        osm_pbf::read(path, collector, out, progress)?
    } else if head.starts_with(&[0x1f, 0x8b]) {
        let file = File::open(path).map_err(|e| MapError::io(path, &e))?;
        let gz = flate2::read::MultiGzDecoder::new(BufReader::new(file));
        let input = BufReader::with_capacity(1 << 16, gz);
        osm_xml::read(path, input, total, collector, out, progress)?
    } else if head.starts_with(b"BZh") {
        return Err(MapError::new(
            path,
            MapErrorKind::NotOsm {
                detail: "bzip2-compressed: decompress it (bunzip2) or use the .osm.pbf".to_string(),
            },
        ));
    } else {
        let file = File::open(path).map_err(|e| MapError::io(path, &e))?;
        let input = BufReader::with_capacity(1 << 16, file);
        osm_xml::read(path, input, total, collector, out, progress)?
    };
    progress(Progress {
        phase: Phase::Index,
        done_bytes: 0,
        total_bytes: total,
    });
    nodes
        .finish(stamp, progress)
        .map_err(|k| MapError::new(path, k))
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(buf.get_mut(n..).unwrap_or_default())? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Opens the map at `path`, from `cache_dir` when its index is there (`None`: build in
/// memory, cache nothing).
pub fn open(
    path: &Path,
    cache_dir: Option<&Path>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Map, MapError> {
    let stamp = stamp_of(path)?;
    let cache_file = cache_dir.map(|d| d.join(cache_name(path, stamp)));
    if let Some(cf) = &cache_file
        && let Some(index) = open_file(cf, stamp, true)
    {
        return Ok(Map {
            path: path.to_path_buf(),
            index,
            cache_file: Some(cf.clone()),
            built: false,
            cache_warning: None,
        });
    }
    let mut warning = None;
    if let Some(cf) = &cache_file {
        match build_cached(path, cf, stamp, progress) {
            Ok(index) => {
                return Ok(Map {
                    path: path.to_path_buf(),
                    index,
                    cache_file: Some(cf.clone()),
                    built: true,
                    cache_warning: None,
                });
            }
            Err(Failed::Map(e)) => return Err(e),
            Err(Failed::Cache(message)) => warning = Some(message),
        }
    }
    let out = build_index(
        path,
        stamp,
        Collector::in_memory(),
        Store::memory(),
        progress,
    )?;
    let bytes = out.into_vec().unwrap_or_default();
    let index = MapIndex::open(Bytes::Owned(bytes), false).map_err(|e| {
        MapError::new(
            path,
            MapErrorKind::TooLarge {
                what: format!("{e:?}"),
            },
        )
    })?;
    Ok(Map {
        path: path.to_path_buf(),
        index,
        cache_file: None,
        built: true,
        cache_warning: warning,
    })
}

/// Scratch and half-written index files older than this are left over from a build
/// that was killed, and removed by the next build.
const STALE_S: u64 = 24 * 3600;

/// Removes builds' leftovers (`.….tmp`, [`super::spill::Store::temp_in`]) from the cache
/// directory; best effort.
fn sweep_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let old = e
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > STALE_S);
        if name.starts_with('.') && name.ends_with(".tmp") && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Why a cached build did not give an index: the map's fault, or the cache's (then
/// the index is built in memory).
enum Failed {
    Map(MapError),
    Cache(String),
}

/// Builds the index into a temporary file beside `cf`, its scratch files beside it,
/// and renames it into place once synced.
fn build_cached(
    path: &Path,
    cf: &Path,
    stamp: SourceStamp,
    progress: &mut dyn FnMut(Progress),
) -> Result<MapIndex<Bytes>, Failed> {
    let dir = cf.parent().unwrap_or(Path::new("."));
    let cache =
        |e: &dyn std::fmt::Display| Failed::Cache(format!("cannot write {}: {e}", cf.display()));
    std::fs::create_dir_all(dir).map_err(|e| cache(&e))?;
    sweep_stale(dir);
    let stem = cf
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = Store::temp_in(dir, &stem).map_err(|e| cache(&e))?;
    let collector = Collector::new(Scratch::Dir(dir.to_path_buf())).map_err(|k| cache(&k))?;
    let out = match build_index(path, stamp, collector, out, progress) {
        Ok(out) => out,
        Err(e) if matches!(e.kind, MapErrorKind::CacheWrite { .. }) => return Err(cache(&e.kind)),
        Err(e) => return Err(Failed::Map(e)),
    };
    let kept = out.keep().map_err(|e| cache(&e))?;
    let Some((file, tmp)) = kept else {
        return Err(cache(&"the index was not written to a file"));
    };
    drop(file);
    if let Err(e) = std::fs::rename(&tmp, cf) {
        let _ = std::fs::remove_file(&tmp);
        return Err(cache(&e));
    }
    // Just written and synced: the size and header checks suffice (the full checksum
    // would read the whole file back).
    open_file(cf, stamp, false).ok_or_else(|| {
        Failed::Map(MapError::new(
            path,
            MapErrorKind::CacheWrite {
                cache: cf.to_path_buf(),
                message: "the index did not read back".to_string(),
            },
        ))
    })
}

/// The cached index at `cf` when it is whole and belongs to this version of the file
/// (`verify`: the full checksum too); a damaged one is removed.
fn open_file(cf: &Path, stamp: SourceStamp, verify: bool) -> Option<MapIndex<Bytes>> {
    let file = File::open(cf).ok()?;
    // SAFETY: the cache file is only ever replaced by rename, never written in place,
    // so the mapping's bytes do not change under us (another program truncating it
    // would, which is the usual caveat of memory maps). Every read is bounds-checked.
    let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    match MapIndex::open(Bytes::Mapped(map), verify) {
        Ok(index) if index.stamp == stamp => Some(index),
        Ok(_) => None,
        Err(_) => {
            let _ = std::fs::remove_file(cf);
            None
        }
    }
}
