//! `.osm.pbf` reader (regional extracts). The file's blocks are listed first from their
//! headers alone (no decompression, [`super::pbf_blocks`]), then read in two passes,
//! each block decompressed and decoded by `osmpbf` on all cores in batches and consumed
//! in file order, so the result does not depend on the thread count:
//!
//! 1. ways: the runnable highways and their node ids ([`Collector`]);
//! 2. nodes: the coordinates of just the nodes those ways use ([`NodeCollector`]).
//!
//! In a file sorted by type (the norm, optional feature `Sort.Type_then_ID`) the first
//! block of ways is found by a binary search over the blocks, so pass one decodes only
//! the ways (and stops at the relations) and pass two only the nodes: each block is
//! decompressed about once. Otherwise pass one decodes everything and notes which
//! blocks hold nodes, and pass two reads just those.
//!
//! A panic inside the decoder on corrupt data is caught per blob and becomes a
//! [`MapErrorKind::CorruptPbf`]: a bad map never takes a batch down.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use osmpbf::{BlobDecode, BlobReader, PrimitiveBlock};
use rayon::prelude::*;

use super::class::WayTags;
use super::collect::{BoundsE7, Collector, NodeCollector, WayBatch};
use super::error::{MapError, MapErrorKind};
use super::geo::to_e7;
use super::idset::IdSet;
use super::pbf_blocks::{BlockKind, BlockPos, RawBlocks, list_blocks};
use super::progress::{Phase, Progress};
use super::spill::Store;

/// Features of a PBF this reader understands (OSM PBF spec, "HeaderBlock").
const KNOWN_FEATURES: [&str; 2] = ["OsmSchema-V0.6", "DenseNodes"];
/// Blocks decoded per batch and thread.
const BATCH_PER_THREAD: usize = 4;

/// Whether `head` (the first bytes of a file) looks like an OSM PBF: a 4-byte
/// big-endian header length, then a BlobHeader whose `type` (field 1) is `OSMHeader`.
pub fn sniff(head: &[u8]) -> bool {
    head.get(4) == Some(&0x0A)
        && head.get(5) == Some(&9)
        && head.get(6..15) == Some(b"OSMHeader".as_slice())
}

/// Reads the runnable ways of the PBF at `path` and the coordinates of their nodes;
/// `out` is the index file the coordinates go into.
pub fn read(
    path: &Path,
    mut collector: Collector,
    out: Store,
    progress: &mut dyn FnMut(Progress),
) -> Result<NodeCollector, MapError> {
    let fail = |kind| MapError::new(path, kind);
    let total = std::fs::metadata(path)
        .map_err(|e| MapError::io(path, &e))?
        .len();
    let blocks = list_blocks(path, total)?;
    let mut raw = RawBlocks::open(path)?;
    let Some(first) = blocks.first().filter(|b| b.kind == BlockKind::Header) else {
        return Err(fail(MapErrorKind::NotOsm {
            detail: "no OSMHeader block".to_string(),
        }));
    };
    let header =
        read_header(&raw.read(first).map_err(|e| MapError::io(path, &e))?, first).map_err(fail)?;
    if let Some(f) = header
        .required
        .iter()
        .find(|f| !KNOWN_FEATURES.contains(&f.as_str()))
    {
        return Err(fail(MapErrorKind::UnsupportedPbf { feature: f.clone() }));
    }
    if let Some(b) = header.bbox {
        collector.set_declared_bounds(b);
    }
    let data: Vec<BlockPos> = blocks
        .iter()
        .copied()
        .filter(|b| b.kind == BlockKind::Data)
        .collect();
    let split = if header.sorted {
        first_non_node_block(&mut raw, &data, path)?
    } else {
        0
    };

    // Pass 1: ways.
    let mut node_blocks = Vec::new();
    let mut start = split;
    let ways_total: u64 = data
        .get(split..)
        .unwrap_or_default()
        .iter()
        .map(|b| b.len)
        .sum();
    let mut done = 0u64;
    let batch = rayon::current_num_threads().max(1) * BATCH_PER_THREAD;
    let mut blocks_raw = Vec::with_capacity(batch);
    'ways: while start < data.len() {
        let end = (start + batch).min(data.len());
        let slice = data.get(start..end).unwrap_or_default();
        blocks_raw.clear();
        for b in slice {
            blocks_raw.push(raw.read(b).map_err(|e| MapError::io(path, &e))?);
        }
        let decoded: Vec<Result<(WayBatch, Kinds), MapErrorKind>> = blocks_raw
            .par_iter()
            .zip(slice.par_iter())
            .map(|(bytes, pos)| decode(bytes, pos, total, ways_of))
            .collect();
        for (res, pos) in decoded.into_iter().zip(slice) {
            let (ways, kinds) = res.map_err(fail)?;
            collector.add_batch(&ways).map_err(fail)?;
            if kinds.nodes {
                node_blocks.push(*pos);
            }
            // Sorted: after the first block of only relations there are no more ways.
            if header.sorted && kinds.relations && !kinds.ways {
                break 'ways;
            }
        }
        done += slice.iter().map(|b| b.len).sum::<u64>();
        progress(Progress {
            phase: Phase::Ways,
            done_bytes: done,
            total_bytes: ways_total,
        });
        start = end;
    }
    let node_blocks = if header.sorted {
        data.get(..(split + 1).min(data.len()))
            .unwrap_or_default()
            .to_vec()
    } else {
        node_blocks
    };

    // Pass 2: nodes.
    let mut nodes = collector.into_nodes(out).map_err(fail)?;
    let nodes_total: u64 = node_blocks.iter().map(|b| b.len).sum();
    let mut done = 0u64;
    for slice in node_blocks.chunks(batch) {
        blocks_raw.clear();
        for b in slice {
            blocks_raw.push(raw.read(b).map_err(|e| MapError::io(path, &e))?);
        }
        let set = nodes.set();
        let decoded: Vec<Result<(Found, Kinds), MapErrorKind>> = blocks_raw
            .par_iter()
            .zip(slice.par_iter())
            .map(|(bytes, pos)| decode(bytes, pos, total, |b| nodes_of(b, set)))
            .collect();
        for res in decoded {
            let (found, _) = res.map_err(fail)?;
            for (rank, lat, lon) in found {
                nodes.add_ranked(rank, lat, lon).map_err(fail)?;
            }
        }
        done += slice.iter().map(|b| b.len).sum::<u64>();
        progress(Progress {
            phase: Phase::Nodes,
            done_bytes: done,
            total_bytes: nodes_total,
        });
    }
    Ok(nodes)
}

/// What element types a block holds.
#[derive(Debug, Clone, Copy, Default)]
struct Kinds {
    nodes: bool,
    ways: bool,
    relations: bool,
}

fn kinds_of(block: &PrimitiveBlock) -> Kinds {
    let mut k = Kinds::default();
    for g in block.groups() {
        k.nodes |= g.dense_nodes().len() > 0 || g.nodes().len() > 0;
        k.ways |= g.ways().len() > 0;
        k.relations |= g.relations().len() > 0;
    }
    k
}

/// Pass one's work on a block: its runnable ways.
fn ways_of(block: &PrimitiveBlock) -> WayBatch {
    let mut batch = WayBatch::default();
    let mut tags = WayTags::default();
    for group in block.groups() {
        for way in group.ways() {
            tags.clear();
            for (k, v) in way.tags() {
                tags.offer(k, v);
            }
            if let Some(class) = tags.classify()
                && way.raw_refs().len() >= 2
            {
                batch.add(way.id(), class, way.refs());
            }
        }
    }
    batch
}

/// Wanted nodes of a block: rank, lat and lon (1e-7°), in file order.
type Found = Vec<(u32, i32, i32)>;

/// Pass two's work on a block: the wanted nodes' ranks and coordinates, in file order.
/// Ids that go up (a sorted block) are matched by a forward walk through the set.
fn nodes_of(block: &PrimitiveBlock, set: &IdSet) -> Found {
    let mut out = Vec::new();
    let mut cursor = None;
    let mut last = i64::MIN;
    let mut offer = |id: i64, lat: i32, lon: i32| {
        let rank = if id >= last {
            last = id;
            cursor
                .get_or_insert_with(|| set.cursor_from(id))
                .advance_to(set, id)
        } else {
            set.rank(id)
        };
        if let Some(r) = rank {
            out.push((r, lat, lon));
        }
    };
    for group in block.groups() {
        for n in group.dense_nodes() {
            offer(n.id(), n.decimicro_lat(), n.decimicro_lon());
        }
        for n in group.nodes() {
            offer(n.id(), n.decimicro_lat(), n.decimicro_lon());
        }
    }
    out
}

/// Decodes one data block from its bytes and runs `work` on it, on any thread; a
/// decoder panic is caught.
fn decode<T>(
    bytes: &[u8],
    pos: &BlockPos,
    total: u64,
    work: impl Fn(&PrimitiveBlock) -> T,
) -> Result<(T, Kinds), MapErrorKind> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut reader = BlobReader::new(bytes);
        let blob = match reader.next() {
            Some(b) => b.map_err(|e| pbf_error(&e, pos, total))?,
            None => return Err(corrupt(pos, "empty block")),
        };
        match blob.decode().map_err(|e| pbf_error(&e, pos, total))? {
            BlobDecode::OsmData(block) => Ok((work(&block), kinds_of(&block))),
            _ => Err(corrupt(pos, "not a data block")),
        }
    }))
    .unwrap_or_else(|_| Err(corrupt(pos, "undecodable block")))
}

/// The first data block holding ways or relations in a file sorted by type (all its
/// nodes come before), by binary search; `data.len()` when there is none.
fn first_non_node_block(
    raw: &mut RawBlocks,
    data: &[BlockPos],
    path: &Path,
) -> Result<usize, MapError> {
    let (mut lo, mut hi) = (0usize, data.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let Some(pos) = data.get(mid) else {
            break;
        };
        let bytes = raw.read(pos).map_err(|e| MapError::io(path, &e))?;
        let (kinds, _) =
            decode(&bytes, pos, u64::MAX, kinds_of).map_err(|k| MapError::new(path, k))?;
        if kinds.ways || kinds.relations {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(lo)
}

/// What the OSMHeader block says.
struct Header {
    required: Vec<String>,
    bbox: Option<BoundsE7>,
    sorted: bool,
}

fn read_header(bytes: &[u8], pos: &BlockPos) -> Result<Header, MapErrorKind> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut reader = BlobReader::new(bytes);
        let blob = match reader.next() {
            Some(b) => b.map_err(|e| pbf_error(&e, pos, u64::MAX))?,
            None => return Err(corrupt(pos, "empty header block")),
        };
        match blob.decode().map_err(|e| pbf_error(&e, pos, u64::MAX))? {
            BlobDecode::OsmHeader(h) => {
                let sorted = h
                    .optional_features()
                    .iter()
                    .any(|f| f == "Sort.Type_then_ID");
                Ok(Header {
                    required: h.required_features().to_vec(),
                    bbox: h.bbox().map(|b| BoundsE7 {
                        min_lat: to_e7(b.bottom.min(b.top)),
                        min_lon: to_e7(b.left.min(b.right)),
                        max_lat: to_e7(b.bottom.max(b.top)),
                        max_lon: to_e7(b.left.max(b.right)),
                    }),
                    sorted,
                })
            }
            _ => Err(corrupt(pos, "the first block is not an OSMHeader")),
        }
    }))
    .unwrap_or_else(|_| Err(corrupt(pos, "undecodable header block")))
}

fn corrupt(pos: &BlockPos, what: &str) -> MapErrorKind {
    MapErrorKind::CorruptPbf {
        message: format!("{what} at byte {}", pos.offset),
    }
}

/// Sorts osmpbf's errors into ours. The blocks were listed whole, so an end of data
/// inside one means damage, unless the block is the file's last.
fn pbf_error(e: &osmpbf::Error, pos: &BlockPos, total: u64) -> MapErrorKind {
    use osmpbf::ErrorKind;
    match e.kind() {
        ErrorKind::Io(io) if io.kind() != std::io::ErrorKind::UnexpectedEof => {
            MapErrorKind::Unreadable {
                message: io.to_string(),
            }
        }
        _ if pos.offset + pos.len >= total => MapErrorKind::TruncatedPbf {
            message: format!("the last block is incomplete ({e})"),
        },
        _ => MapErrorKind::CorruptPbf {
            message: format!("{e} in the block at byte {}", pos.offset),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::super::index::SourceStamp;
    use super::super::test_pbf::{Group, pbf};
    use super::*;

    /// 400 nodes on a grid; three highways and a building over them.
    /// Blocks of nodes, of ways and of relations.
    type Parts = (Vec<Vec<Group>>, Vec<Vec<Group>>, Vec<Vec<Group>>);

    fn map_parts() -> Parts {
        let nodes: Vec<Vec<Group>> = (0..10)
            .map(|b| {
                vec![Group::Nodes(
                    (0..40)
                        .map(|k| {
                            let id = 1 + b * 40 + k;
                            (id, 470_000_000 + id * 37, 80_000_000 + (id % 20) * 501)
                        })
                        .collect(),
                )]
            })
            .collect();
        let ways = vec![
            vec![Group::Ways(vec![
                (10, 2, (1..=120).collect()),
                (11, 4, vec![5, 6, 7, 5]),
            ])],
            vec![Group::Ways(vec![
                (12, 3, (100..=300).step_by(3).collect()),
                (13, 2, vec![399, 400, 401, 1]),
            ])],
        ];
        let relations = vec![vec![Group::Relations(vec![1, 2])]];
        (nodes, ways, relations)
    }

    fn build(bytes: &[u8], name: &str) -> Result<Vec<u8>, MapError> {
        let dir = std::env::temp_dir().join(format!("easyrun-pbf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let nodes = read(&path, Collector::in_memory(), Store::memory(), &mut |_| {})?;
        let out = nodes
            .finish(SourceStamp::default(), &mut |_| {})
            .map_err(|k| MapError::new(&path, k))?;
        let _ = std::fs::remove_file(&path);
        Ok(out.into_vec().unwrap())
    }

    #[test]
    fn sorted_unsorted_and_shuffled_files_give_the_same_index() {
        let (nodes, ways, relations) = map_parts();
        let sorted: Vec<Vec<Group>> = nodes.into_iter().chain(ways).chain(relations).collect();
        let bytes = pbf(true, &sorted);
        let a = build(&bytes, "sorted.osm.pbf").unwrap();
        let idx = super::super::index::MapIndex::open(a.clone(), true).unwrap();
        // The building is not kept; node 401 is missing, so way 13 loses its end.
        assert_eq!(idx.counts().ways, 4);
        assert_eq!(idx.ways_missing_nodes, 1);
        assert_eq!(build(&pbf(false, &sorted), "plain.osm.pbf").unwrap(), a);
        // Ways before nodes, relations between: fine without the sort flag.
        let mut shuffled = sorted;
        shuffled.rotate_left(10);
        shuffled.swap(1, 5);
        assert_eq!(
            build(&pbf(false, &shuffled), "shuffled.osm.pbf").unwrap(),
            a
        );
    }

    #[test]
    fn the_index_does_not_depend_on_the_thread_count() {
        let (nodes, ways, relations) = map_parts();
        let blocks: Vec<Vec<Group>> = ways.into_iter().chain(nodes).chain(relations).collect();
        let bytes = pbf(false, &blocks);
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| build(&bytes, &format!("threads-{threads}.osm.pbf")).unwrap())
        };
        let one = on(1);
        assert_eq!(on(3), one);
        assert_eq!(on(8), one);
    }

    #[test]
    fn the_first_block_of_ways_is_found_by_search() {
        let dir = std::env::temp_dir().join(format!("easyrun-pbf-search-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.osm.pbf");
        for node_blocks in [0usize, 1, 2, 7, 10] {
            let (nodes, ways, relations) = map_parts();
            let blocks: Vec<Vec<Group>> = nodes
                .into_iter()
                .take(node_blocks)
                .chain(ways)
                .chain(relations)
                .collect();
            std::fs::write(&path, pbf(true, &blocks)).unwrap();
            let total = std::fs::metadata(&path).unwrap().len();
            let list = list_blocks(&path, total).unwrap();
            let data: Vec<BlockPos> = list
                .iter()
                .copied()
                .filter(|b| b.kind == BlockKind::Data)
                .collect();
            let mut raw = RawBlocks::open(&path).unwrap();
            assert_eq!(
                first_non_node_block(&mut raw, &data, &path).unwrap(),
                node_blocks
            );
        }
        // A block holding the last nodes and the first ways, as two groups.
        let (mut nodes, ways, _) = map_parts();
        let last = nodes.pop().unwrap().pop().unwrap();
        let mut mixed = vec![last];
        mixed.extend(ways.into_iter().flatten());
        let mut blocks = nodes;
        blocks.push(mixed);
        let bytes = pbf(true, &blocks);
        let (n2, w2, _) = map_parts();
        let plain: Vec<Vec<Group>> = n2.into_iter().chain(w2).collect();
        assert_eq!(
            build(&bytes, "mixed.osm.pbf").unwrap(),
            build(&pbf(false, &plain), "plain2.osm.pbf").unwrap()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
