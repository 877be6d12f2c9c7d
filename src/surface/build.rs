//! The last step of an index build: the ways of phase one become the refs, ways, chunks
//! and R-tree sections of the index file whose coordinates phase two wrote
//! ([`super::collect`]), streamed through scratch files so memory stays bounded
//! (docs/performance.md):
//!
//! 1. Each way's node ids become ranks (node indices) through the id set; a way is
//!    split where the file lacks a node (an extract cut at its border). Refs go
//!    straight into the index; way records, chunks (≤ [`CHUNK_SEGMENTS`] segments) and
//!    chunk boxes go to scratch files. Chunk boxes read coordinates through a bounded
//!    page cache over the index file.
//! 2. The id set is dropped; ways and chunks are copied into the index.
//! 3. The chunks and their boxes are sorted by the Hilbert value of the boxes (in runs
//!    of 8 MB merged from scratch), the leaf boxes written in that order, then the
//!    levels above them (1/15 of the boxes, gathered as the leaves pass) and the leaf
//!    ids.
//!
//! The body's checksum is taken as it is written, in file order; the header goes last.

use super::collect::{BoundsE7, PendingWay, io_error, read_pending};
use super::error::MapErrorKind;
use super::idset::{IdSet, RankHint};
use super::index::{
    self, BOX_LEN, CHUNK_LEN, CHUNK_SEGMENTS, COORD_LEN, Checksum, Counts, HEADER_LEN, SourceStamp,
    WAY_LEN, align8,
};
use super::progress::{Phase, Progress};
use super::rtree::{self, EMPTY, Rect, Upper};
use super::spill::{Appender, PageCache, RecordSorter, Scratch, SeqReader, Store};

/// Page size and pages of the coordinate cache (4 MB): a way's nodes are mostly
/// consecutive ids, so its coordinates are mostly on one page.
const PAGE: usize = 4096;
const PAGES: usize = 1024;
/// A tree record while sorting: Hilbert key and chunk id (big-endian, so bytes sort
/// as the pair), then the chunk's box.
const TREE_REC: usize = 8 + BOX_LEN;
/// Bytes of tree records sorted in memory at a time.
const SORT_RUN: usize = 8 << 20;
/// Ways between progress reports.
const REPORT_EVERY: u64 = 1 << 16;

/// What phase two hands over.
#[derive(Debug)]
pub struct Parts {
    /// The index file, its coordinates section written.
    pub out: Store,
    /// The coordinates section's checksum when it was written in order.
    pub coords_sum: Option<Checksum>,
    pub nodes: u64,
    pub set: IdSet,
    /// A bit per rank: the node was in the file.
    pub found: Vec<u64>,
    /// Phase one's ways ([`super::collect::WayBatch`] records).
    pub pending: Store,
    pub pending_ways: u64,
    pub bounds: Option<BoundsE7>,
    pub stamp: SourceStamp,
}

/// The body of the index being written: sequential writes after the header, with the
/// checksum of everything in file order.
struct Body {
    app: Appender,
    sum: Checksum,
}

impl Body {
    fn put(&mut self, out: &mut Store, bytes: &[u8]) -> std::io::Result<()> {
        self.sum.update(bytes);
        self.app.put(out, bytes)
    }

    fn pad_to(&mut self, out: &mut Store, at: usize) -> std::io::Result<()> {
        let pad = (at as u64).saturating_sub(self.app.position());
        for _ in 0..pad {
            self.put(out, &[0])?;
        }
        Ok(())
    }

    /// Copies a whole scratch store into the body.
    fn copy(&mut self, out: &mut Store, from: &Store) -> std::io::Result<()> {
        let mut r = SeqReader::new(0, from.len());
        while let Some(piece) = r.chunk(from)? {
            self.sum.update(piece);
            self.app.put(out, piece)?;
        }
        Ok(())
    }
}

/// Counts of the converted ways.
#[derive(Debug, Default)]
struct Tally {
    ways: u64,
    refs: u64,
    chunks: u64,
    missing: u64,
    extent: Option<Rect>,
}

/// The scratch files of step 1 and their writers.
struct Side {
    ways: Store,
    ways_app: Appender,
    chunks: Store,
    chunks_app: Appender,
    boxes: Store,
    boxes_app: Appender,
}

fn too_large(what: &str, n: u64) -> MapErrorKind {
    MapErrorKind::TooLarge {
        what: format!("{n} {what}"),
    }
}

/// Writes the index; returns the finished file (or buffer).
pub fn write_index(
    parts: Parts,
    scratch: &Scratch,
    progress: &mut dyn FnMut(Progress),
) -> Result<Store, MapErrorKind> {
    let io = |e: std::io::Error| io_error(scratch, &e);
    let Parts {
        mut out,
        coords_sum,
        nodes,
        set,
        found,
        pending,
        pending_ways,
        bounds,
        stamp,
    } = parts;
    let n_nodes = usize::try_from(nodes).map_err(|_| too_large("nodes", nodes))?;
    let coords_end = HEADER_LEN + n_nodes * COORD_LEN;
    let sum = match coords_sum {
        Some(s) => s,
        None => checksum_of(&out, HEADER_LEN as u64, coords_end as u64).map_err(io)?,
    };
    let refs_at = align8(coords_end);
    let mut body = Body {
        app: Appender::new(coords_end as u64),
        sum,
    };
    body.pad_to(&mut out, refs_at).map_err(io)?;

    // 1. Ways to ranks.
    let side = Side {
        ways: scratch.store("way-records").map_err(io)?,
        ways_app: Appender::new(0),
        chunks: scratch.store("chunks").map_err(io)?,
        chunks_app: Appender::new(0),
        boxes: scratch.store("chunk-boxes").map_err(io)?,
        boxes_app: Appender::new(0),
    };
    let mut w = Writer {
        scratch,
        out,
        body,
        side,
        coords: PageCache::new(HEADER_LEN as u64, coords_end as u64, PAGE, PAGES),
        tally: Tally::default(),
    };
    let mut reader = SeqReader::new(0, pending.len());
    let mut way = PendingWay::default();
    let mut piece: Vec<u32> = Vec::new();
    let mut hint = RankHint::default();
    let has = |r: u32| {
        found
            .get(r as usize / 64)
            .is_some_and(|w| w & (1 << (r % 64)) != 0)
    };
    let mut done = 0u64;
    while read_pending(&mut reader, &pending, &mut way).map_err(io)? {
        let Some(class) = way.class else {
            continue;
        };
        piece.clear();
        let mut missing = false;
        for &id in &way.ids {
            match set.rank_near(id, &mut hint).filter(|&r| has(r)) {
                Some(r) => piece.push(r),
                None => {
                    missing = true;
                    w.close_piece(&piece, way.osm_id, class)?;
                    piece.clear();
                }
            }
        }
        w.close_piece(&piece, way.osm_id, class)?;
        w.tally.missing += u64::from(missing);
        done += 1;
        if done.is_multiple_of(REPORT_EVERY) {
            progress(Progress {
                phase: Phase::Index,
                done_bytes: stamp.size * done / pending_ways.max(1) / 2,
                total_bytes: stamp.size,
            });
        }
    }
    drop(set);
    drop(found);
    drop(pending);
    let Writer {
        mut out,
        mut body,
        side,
        tally,
        ..
    } = w;
    let Side {
        mut ways,
        mut ways_app,
        mut chunks,
        mut chunks_app,
        mut boxes,
        mut boxes_app,
    } = side;
    ways_app.flush(&mut ways).map_err(io)?;
    chunks_app.flush(&mut chunks).map_err(io)?;
    boxes_app.flush(&mut boxes).map_err(io)?;
    let count = |v: u64, what: &str| usize::try_from(v).map_err(|_| too_large(what, v));
    let counts = Counts {
        ways: count(tally.ways, "ways")?,
        refs: count(tally.refs, "vertices")?,
        nodes: n_nodes,
        chunks: count(tally.chunks, "chunks")?,
    };
    let layout = counts
        .layout()
        .ok_or_else(|| too_large("bytes of index", u64::MAX))?;

    // 2. Way records and chunks.
    body.pad_to(&mut out, layout.ways).map_err(io)?;
    body.copy(&mut out, &ways).map_err(io)?;
    drop(ways);
    body.pad_to(&mut out, layout.chunks).map_err(io)?;
    body.copy(&mut out, &chunks).map_err(io)?;
    drop(chunks);
    progress(Progress {
        phase: Phase::Index,
        done_bytes: stamp.size * 3 / 4,
        total_bytes: stamp.size,
    });

    // 3. The R-tree: chunks sorted by Hilbert key (then id), their boxes alongside.
    let ext = tally.extent.unwrap_or(EMPTY);
    let mut sorter = RecordSorter::<TREE_REC>::new(scratch.clone(), SORT_RUN / TREE_REC);
    let mut r = SeqReader::new(0, boxes.len());
    let mut id = 0u32;
    while let Some(b) = r.take(&boxes, BOX_LEN).map_err(io)? {
        let mut rec = [0u8; TREE_REC];
        rec[..4].copy_from_slice(&rtree::hilbert_key(rect_of(b), ext).to_be_bytes());
        rec[4..8].copy_from_slice(&id.to_be_bytes());
        rec[8..].copy_from_slice(b);
        sorter.push(rec).map_err(io)?;
        id += 1;
    }
    drop(boxes);
    body.pad_to(&mut out, layout.boxes).map_err(io)?;
    let mut ids = scratch.store("tree-ids").map_err(io)?;
    let mut ids_app = Appender::new(0);
    let mut upper = Upper::default();
    sorter
        .finish(|rec| {
            let b = rec.get(8..).unwrap_or_default();
            upper.push(rect_of(b));
            body.put(&mut out, b)?;
            let id = u32::from_be_bytes([rec[4], rec[5], rec[6], rec[7]]);
            ids_app.put(&mut ids, &id.to_le_bytes())
        })
        .map_err(io)?;
    ids_app.flush(&mut ids).map_err(io)?;
    for r in upper.finish() {
        body.put(&mut out, &rect_bytes(r)).map_err(io)?;
    }
    body.pad_to(&mut out, layout.ids).map_err(io)?;
    body.copy(&mut out, &ids).map_err(io)?;
    drop(ids);
    body.pad_to(&mut out, layout.end).map_err(io)?;
    body.app.flush(&mut out).map_err(io)?;
    debug_assert_eq!(body.app.position(), layout.end as u64);
    let header = index::header_bytes(counts, bounds, stamp, tally.missing, body.sum.finish());
    out.write_at(0, &header).map_err(io)?;
    Ok(out)
}

/// Step 1's state: the index file and its body, the scratch files, the coordinate
/// cache and the counts so far.
struct Writer<'a> {
    scratch: &'a Scratch,
    out: Store,
    body: Body,
    side: Side,
    coords: PageCache,
    tally: Tally,
}

impl Writer<'_> {
    /// Keeps `piece` (ranks) as a way when it has at least two nodes: its record, its
    /// refs, and its chunks with their boxes.
    fn close_piece(
        &mut self,
        piece: &[u32],
        osm_id: i64,
        class: super::class::WayClass,
    ) -> Result<(), MapErrorKind> {
        if piece.len() < 2 {
            return Ok(());
        }
        let t = &mut self.tally;
        let first_ref = u32::try_from(t.refs).map_err(|_| too_large("vertices", t.refs))?;
        let way = u32::try_from(t.ways).map_err(|_| too_large("ways", t.ways))?;
        let scratch = self.scratch;
        let io = |e: std::io::Error| io_error(scratch, &e);
        let side = &mut self.side;
        let mut rec = [0u8; WAY_LEN];
        rec[..8].copy_from_slice(&osm_id.to_le_bytes());
        rec[8..12].copy_from_slice(&first_ref.to_le_bytes());
        rec[12] = class.kind.to_u8();
        rec[13] = class.surface.to_u8();
        rec[14] = class.evidence.to_u8();
        side.ways_app.put(&mut side.ways, &rec).map_err(io)?;
        for r in piece {
            self.body.put(&mut self.out, &r.to_le_bytes()).map_err(io)?;
        }
        let segments = piece.len() - 1;
        let mut s = 0;
        while s < segments {
            let n = (segments - s).min(CHUNK_SEGMENTS);
            let mut r = EMPTY;
            for &node in piece.get(s..=s + n).unwrap_or_default() {
                let c: [u8; COORD_LEN] = self
                    .coords
                    .get(&self.out, u64::from(node) * COORD_LEN as u64)
                    .map_err(io)?;
                let lat = i32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                let lon = i32::from_le_bytes([c[4], c[5], c[6], c[7]]);
                r = rtree::union(r, [lon, lat, lon, lat]);
            }
            let mut chunk = [0u8; CHUNK_LEN];
            chunk[..4].copy_from_slice(&way.to_le_bytes());
            chunk[4..8].copy_from_slice(&(first_ref + s as u32).to_le_bytes());
            chunk[8..].copy_from_slice(&(n as u32).to_le_bytes());
            side.chunks_app.put(&mut side.chunks, &chunk).map_err(io)?;
            side.boxes_app
                .put(&mut side.boxes, &rect_bytes(r))
                .map_err(io)?;
            t.extent = Some(rtree::union(t.extent.unwrap_or(EMPTY), r));
            t.chunks += 1;
            s += n;
        }
        if u32::try_from(t.chunks).is_err() {
            return Err(too_large("chunks", t.chunks));
        }
        t.refs += piece.len() as u64;
        t.ways += 1;
        Ok(())
    }
}

fn rect_bytes(r: Rect) -> [u8; BOX_LEN] {
    let mut b = [0u8; BOX_LEN];
    for (dst, v) in b.chunks_exact_mut(4).zip(r) {
        dst.copy_from_slice(&v.to_le_bytes());
    }
    b
}

fn rect_of(b: &[u8]) -> Rect {
    let mut r = [0i32; 4];
    for (v, src) in r.iter_mut().zip(b.chunks_exact(4)) {
        *v = <[u8; 4]>::try_from(src).map_or(0, i32::from_le_bytes);
    }
    r
}

/// The checksum of `[from, to)` of a store, read in order.
fn checksum_of(store: &Store, from: u64, to: u64) -> std::io::Result<Checksum> {
    let mut sum = Checksum::default();
    let mut r = SeqReader::new(from, to);
    while let Some(piece) = r.chunk(store)? {
        sum.update(piece);
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::super::class::{Evidence, SurfaceClass, WayClass, WayKind};
    use super::super::collect::{Collector, feed_zeros};
    use super::super::index::{MapIndex, SourceStamp};
    use super::super::rtree::{self, Store as _};
    use super::*;
    use easyrun_testkit::synth::SplitMix64;

    const PAVED: WayClass = WayClass {
        kind: WayKind::Road,
        surface: SurfaceClass::Paved,
        evidence: Evidence::SurfaceTag,
    };

    /// Builds an index of `ways` in memory, offering `nodes` in the given order.
    fn build_with(ways: &[(i64, Vec<i64>)], nodes: &[(i64, i32, i32)]) -> Vec<u8> {
        let mut c = Collector::in_memory();
        for (id, refs) in ways {
            c.add_way(*id, PAVED, refs.iter().copied()).unwrap();
        }
        let mut n = c.into_nodes(Store::memory()).unwrap();
        for &(id, lat, lon) in nodes {
            n.add_node(id, lat, lon).unwrap();
        }
        let stamp = SourceStamp {
            size: 1,
            mtime_ns: 2,
        };
        n.finish(stamp, &mut |_| {}).unwrap().into_vec().unwrap()
    }

    fn lats(idx: &MapIndex<Vec<u8>>, w: u32) -> Vec<i32> {
        let (_, range, _) = idx.way(w).unwrap();
        range.map(|r| idx.vertex(r).unwrap().1).collect()
    }

    #[test]
    fn ways_become_node_indices_and_split_at_missing_nodes() {
        let ways = vec![(1, vec![10, 20, 30]), (2, vec![30, 40, 99, 50, 60, 98])];
        // 99 and 98 are not in the file; 5 is not wanted.
        let nodes: Vec<(i64, i32, i32)> =
            [(5, 0), (10, 1), (20, 2), (30, 3), (40, 4), (50, 5), (60, 6)]
                .iter()
                .map(|&(id, lat)| (id, lat, -lat))
                .collect();
        let idx = MapIndex::open(build_with(&ways, &nodes), true).unwrap();
        assert_eq!(idx.counts().ways, 3);
        assert_eq!(idx.counts().nodes, 8);
        assert_eq!(idx.ways_missing_nodes, 1);
        assert_eq!(lats(&idx, 0), vec![1, 2, 3]);
        assert_eq!(lats(&idx, 1), vec![3, 4]);
        assert_eq!(lats(&idx, 2), vec![5, 6]);
        assert_eq!(idx.way(2).map(|w| w.0), Some(2));
        // The shared node 30 has one index.
        assert_eq!(idx.node_of(2), idx.node_of(3));
        let b = idx.bounds.unwrap();
        assert_eq!((b.min_lat, b.max_lat, b.min_lon, b.max_lon), (1, 6, -6, -1));
    }

    /// A random network: ways over a pool of node ids, sharing nodes, some nodes
    /// missing from the file.
    type Network = (Vec<(i64, Vec<i64>)>, Vec<(i64, i32, i32)>);

    fn network(seed: u64) -> Network {
        let mut rng = SplitMix64::new(seed);
        let pool = 20_000i64;
        let ways: Vec<(i64, Vec<i64>)> = (0..3000)
            .map(|w| {
                let start = (rng.next_u64() % pool as u64) as i64;
                let len = 2 + rng.next_u64() % 30;
                let refs = (0..len as i64)
                    .map(|k| {
                        if rng.next_f64() < 0.05 {
                            (rng.next_u64() % pool as u64) as i64
                        } else {
                            (start + k) % pool
                        }
                    })
                    .collect();
                (w * 7 + 1, refs)
            })
            .collect();
        let nodes = (0..pool)
            .filter(|id| id % 97 != 3)
            .map(|id| {
                let lat = 470_000_000 + ((id * 7919) % 100_000) as i32;
                let lon = 80_000_000 + ((id * 104_729) % 100_000) as i32;
                (id * 3, lat, lon)
            })
            .collect();
        let ways = ways
            .into_iter()
            .map(|(id, refs)| (id, refs.into_iter().map(|r| r * 3).collect()))
            .collect();
        (ways, nodes)
    }

    #[test]
    fn files_or_memory_and_any_node_order_give_the_same_index() {
        let (ways, nodes) = network(11);
        let memory = build_with(&ways, &nodes);
        let dir = std::env::temp_dir().join(format!("easyrun-build-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // On disk: the finished index is the temporary file; read it back by keeping it.
        let (mut c, out) = (
            Collector::new(Scratch::Dir(dir.clone())).unwrap(),
            Store::temp_in(&dir, "index-test").unwrap(),
        );
        for (id, refs) in &ways {
            c.add_way(*id, PAVED, refs.iter().copied()).unwrap();
        }
        let mut n = c.into_nodes(out).unwrap();
        for &(id, lat, lon) in &nodes {
            n.add_node(id, lat, lon).unwrap();
        }
        let stamp = SourceStamp {
            size: 1,
            mtime_ns: 2,
        };
        let (_, path) = n
            .finish(stamp, &mut |_| {})
            .unwrap()
            .keep()
            .unwrap()
            .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), memory);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(
            std::fs::read_dir(&dir).unwrap().count(),
            0,
            "scratch files left"
        );
        let _ = std::fs::remove_dir_all(&dir);
        // Nodes out of order and repeated: positioned writes, checksum read back.
        let mut shuffled = nodes.clone();
        let mut rng = SplitMix64::new(5);
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
        }
        shuffled.extend_from_slice(&nodes[..100]);
        assert_eq!(build_with(&ways, &shuffled), memory);
        let idx = MapIndex::open(memory, true).unwrap();
        assert!(idx.ways_missing_nodes > 0);
    }

    #[test]
    fn the_streamed_tree_is_the_packed_tree_of_the_chunks() {
        let (ways, nodes) = network(12);
        let idx = MapIndex::open(build_with(&ways, &nodes), true).unwrap();
        let n = idx.counts().chunks;
        let rects: Vec<Rect> = (0..n as u32)
            .map(|c| {
                let ch = idx.chunk(c).unwrap();
                (ch.first_ref..=ch.first_ref + ch.segments).fold(EMPTY, |r, v| {
                    let (_, lat, lon) = idx.vertex(v).unwrap();
                    rtree::union(r, [lon, lat, lon, lat])
                })
            })
            .collect();
        let tree = rtree::build(&rects);
        let stored: Vec<Rect> = (0..tree.boxes.len())
            .map(|i| idx.rect(i).unwrap())
            .collect();
        let ids: Vec<u32> = (0..n).map(|i| idx.id(i).unwrap()).collect();
        assert_eq!(stored, tree.boxes);
        assert_eq!(ids, tree.ids);
        // Every chunk covers exactly its way's segments.
        let segments: u32 = (0..idx.counts().ways as u32)
            .map(|w| idx.way(w).unwrap().1.len() as u32 - 1)
            .sum();
        let chunked: u32 = (0..n as u32).map(|c| idx.chunk(c).unwrap().segments).sum();
        assert_eq!(chunked, segments);
    }

    #[test]
    fn feed_zeros_is_writing_zeros() {
        let mut a = Checksum::default();
        a.update(&[7; 5]);
        feed_zeros(&mut a, 10_000);
        let mut b = Checksum::default();
        b.update(&[7; 5]);
        b.update(&[0; 10_000]);
        assert_eq!(a.finish(), b.finish());
    }
}
