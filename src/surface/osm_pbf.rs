//! `.osm.pbf` reader (regional extracts): two streaming passes with `osmpbf`, one blob
//! (≈ 8 000 elements) in memory at a time. Pass one keeps the runnable highway ways and
//! the set of node ids they use (about 2 bytes an id); pass two keeps the coordinates
//! of just those nodes (8 bytes each). In a file sorted by type (the norm, optional
//! feature `Sort.Type_then_ID`) pass two stops at the first block of ways.
//!
//! A panic inside the decoder on corrupt data is caught per blob and becomes a
//! [`MapErrorKind::CorruptPbf`]: a bad map never takes a batch down.

use std::fs::File;
use std::io::{BufReader, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use osmpbf::{BlobDecode, BlobReader, PrimitiveBlock};

use super::class::WayTags;
use super::collect::{BoundsE7, Collector, MapData, NodeCollector};
use super::error::{MapError, MapErrorKind};
use super::geo::to_e7;
use super::progress::{Phase, Progress};

/// Features of a PBF this reader understands (OSM PBF spec, "HeaderBlock").
const KNOWN_FEATURES: [&str; 2] = ["OsmSchema-V0.6", "DenseNodes"];

/// Whether `head` (the first bytes of a file) looks like an OSM PBF: a 4-byte
/// big-endian header length, then a BlobHeader whose `type` (field 1) is `OSMHeader`.
pub fn sniff(head: &[u8]) -> bool {
    head.get(4) == Some(&0x0A)
        && head.get(5) == Some(&9)
        && head.get(6..15) == Some(b"OSMHeader".as_slice())
}

/// Reads the runnable ways of the PBF at `path`.
pub fn read(path: &Path, progress: &mut dyn FnMut(Progress)) -> Result<MapData, MapError> {
    let total = std::fs::metadata(path)
        .map_err(|e| MapError::io(path, &e))?
        .len();
    let mut collector = Collector::default();
    let mut sorted = false;
    let mut tags = WayTags::default();
    let mut saw_header = false;
    each_block(path, total, Phase::Ways, progress, |item| {
        match item {
            Item::Header {
                required,
                optional,
                bbox,
            } => {
                saw_header = true;
                if let Some(f) = required
                    .iter()
                    .find(|f| !KNOWN_FEATURES.contains(&f.as_str()))
                {
                    return Err(MapErrorKind::UnsupportedPbf { feature: f.clone() });
                }
                sorted = optional.iter().any(|f| f == "Sort.Type_then_ID");
                if let Some(b) = bbox {
                    collector.set_declared_bounds(b);
                }
            }
            Item::Data(block) => {
                if !saw_header {
                    return Err(MapErrorKind::CorruptPbf {
                        message: "data before the OSMHeader block".to_string(),
                    });
                }
                for group in block.groups() {
                    for way in group.ways() {
                        tags.clear();
                        for (k, v) in way.tags() {
                            tags.offer(k, v);
                        }
                        if let Some(class) = tags.classify()
                            && way.raw_refs().len() >= 2
                        {
                            collector.add_way(way.id(), class, way.refs());
                        }
                    }
                }
            }
        }
        Ok(Flow::Go)
    })?;
    if !saw_header {
        return Err(MapError::new(
            path,
            MapErrorKind::NotOsm {
                detail: "no OSMHeader block".to_string(),
            },
        ));
    }
    let mut nodes = collector.into_nodes();
    each_block(path, total, Phase::Nodes, progress, |item| {
        let Item::Data(block) = item else {
            return Ok(Flow::Go);
        };
        let mut saw_ways = false;
        for group in block.groups() {
            for n in group.dense_nodes() {
                nodes.add_node(n.id(), n.decimicro_lat(), n.decimicro_lon());
            }
            for n in group.nodes() {
                nodes.add_node(n.id(), n.decimicro_lat(), n.decimicro_lon());
            }
            saw_ways |= group.ways().len() > 0;
        }
        Ok(if sorted && saw_ways {
            Flow::Stop
        } else {
            Flow::Go
        })
    })?;
    Ok(finish(nodes))
}

fn finish(nodes: NodeCollector) -> MapData {
    nodes.finish()
}

enum Item<'a> {
    Header {
        required: Vec<String>,
        optional: Vec<String>,
        bbox: Option<BoundsE7>,
    },
    Data(&'a PrimitiveBlock),
}

enum Flow {
    Go,
    Stop,
}

/// Counts the bytes a [`BlobReader`] pulls, for progress.
struct Counting<R> {
    inner: R,
    read: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Walks the file's blobs in order, decoding each and handing it to `f`.
fn each_block(
    path: &Path,
    total: u64,
    phase: Phase,
    progress: &mut dyn FnMut(Progress),
    mut f: impl FnMut(Item<'_>) -> Result<Flow, MapErrorKind>,
) -> Result<(), MapError> {
    let file = File::open(path).map_err(|e| MapError::io(path, &e))?;
    let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let pos = |r: &std::sync::atomic::AtomicU64| r.load(std::sync::atomic::Ordering::Relaxed);
    let reader = BlobReader::new(BufReader::with_capacity(
        1 << 16,
        Counting {
            inner: file,
            read: read.clone(),
        },
    ));
    let fail = |kind| MapError::new(path, kind);
    for blob in reader {
        let blob = blob.map_err(|e| fail(pbf_error(&e, pos(&read), total)))?;
        let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<Flow, MapErrorKind> {
            let decoded = blob
                .decode()
                .map_err(|e| pbf_error(&e, pos(&read), total))?;
            match decoded {
                BlobDecode::OsmHeader(h) => f(Item::Header {
                    required: h.required_features().to_vec(),
                    optional: h.optional_features().to_vec(),
                    bbox: h.bbox().map(|b| BoundsE7 {
                        min_lat: to_e7(b.bottom.min(b.top)),
                        min_lon: to_e7(b.left.min(b.right)),
                        max_lat: to_e7(b.bottom.max(b.top)),
                        max_lon: to_e7(b.left.max(b.right)),
                    }),
                }),
                BlobDecode::OsmData(block) => f(Item::Data(&block)),
                // Unknown blob types are to be skipped (PBF spec).
                BlobDecode::Unknown(_) => Ok(Flow::Go),
            }
        }));
        let flow = match outcome {
            Ok(r) => r.map_err(fail)?,
            Err(_) => {
                return Err(fail(MapErrorKind::CorruptPbf {
                    message: format!("undecodable block near byte {}", pos(&read)),
                }));
            }
        };
        progress(Progress {
            phase,
            done_bytes: pos(&read).min(total),
            total_bytes: total,
        });
        if matches!(flow, Flow::Stop) {
            break;
        }
    }
    Ok(())
}

/// Sorts osmpbf's errors into ours.
fn pbf_error(e: &osmpbf::Error, at: u64, total: u64) -> MapErrorKind {
    use osmpbf::ErrorKind;
    match e.kind() {
        ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            MapErrorKind::TruncatedPbf {
                message: format!("the file ends inside a block ({at} of {total} bytes read)"),
            }
        }
        ErrorKind::Io(io) => MapErrorKind::Unreadable {
            message: io.to_string(),
        },
        _ if at >= total => MapErrorKind::TruncatedPbf {
            message: format!("the last block is incomplete ({e})"),
        },
        _ => MapErrorKind::CorruptPbf {
            message: format!("{e} near byte {at}"),
        },
    }
}
