//! Opening a map: its index from the user's cache when one matches the file's identity
//! (canonical path, size, mtime, index format version), else built from the file,
//! written atomically (temporary file + rename) and memory-mapped. A cached index that
//! fails its checks (size, magic, version, checksum) is rebuilt; when the cache cannot
//! be written the index lives in memory for this run and the caller is told why.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::collect::MapData;
use super::error::{MapError, MapErrorKind};
use super::index::{FORMAT_VERSION, MapIndex, SourceStamp};
use super::progress::{Phase, Progress};
use super::{osm_pbf, osm_xml};

/// Where the bytes of an opened index live.
#[derive(Debug)]
pub enum Bytes {
    Mapped(memmap2::Mmap),
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

/// Reads a map file (format by content) into [`MapData`].
pub fn read_map(path: &Path, progress: &mut dyn FnMut(Progress)) -> Result<MapData, MapError> {
    let total = std::fs::metadata(path)
        .map_err(|e| MapError::io(path, &e))?
        .len();
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
    if osm_pbf::sniff(head) {
        return osm_pbf::read(path, progress);
    }
    let file = File::open(path).map_err(|e| MapError::io(path, &e))?;
    if head.starts_with(&[0x1f, 0x8b]) {
        let gz = flate2::read::MultiGzDecoder::new(BufReader::new(file));
        return osm_xml::read(path, BufReader::with_capacity(1 << 16, gz), total, progress);
    }
    if head.starts_with(b"BZh") {
        return Err(MapError::new(
            path,
            MapErrorKind::NotOsm {
                detail: "bzip2-compressed: decompress it (bunzip2) or use the .osm.pbf".to_string(),
            },
        ));
    }
    osm_xml::read(
        path,
        BufReader::with_capacity(1 << 16, file),
        total,
        progress,
    )
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
    let data = read_map(path, progress)?;
    progress(Progress {
        phase: Phase::Index,
        done_bytes: 0,
        total_bytes: stamp.size,
    });
    let mut warning = None;
    if let Some(cf) = &cache_file {
        match write_cached(cf, &data, stamp) {
            Ok(()) => {
                // Just written and synced: the size and header checks suffice (the full
                // checksum would read the whole file back).
                drop(data);
                if let Some(index) = open_file(cf, stamp, false) {
                    return Ok(Map {
                        path: path.to_path_buf(),
                        index,
                        cache_file: Some(cf.clone()),
                        built: true,
                        cache_warning: None,
                    });
                }
                return Err(MapError::new(
                    path,
                    MapErrorKind::CacheWrite {
                        cache: cf.clone(),
                        message: "the index did not read back".to_string(),
                    },
                ));
            }
            Err(e) => warning = Some(format!("cannot write {}: {e}", cf.display())),
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    super::index::write(&data, stamp, &mut out).map_err(|e| {
        MapError::new(
            path,
            MapErrorKind::TooLarge {
                what: e.to_string(),
            },
        )
    })?;
    drop(data);
    let index = MapIndex::open(Bytes::Owned(out.into_inner()), false).map_err(|e| {
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

/// Writes the index to a temporary file beside `cf` and renames it into place.
fn write_cached(cf: &Path, data: &MapData, stamp: SourceStamp) -> std::io::Result<()> {
    let dir = cf.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        cf.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    let result = (|| {
        let file = File::create(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        super::index::write(data, stamp, &mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, cf)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
