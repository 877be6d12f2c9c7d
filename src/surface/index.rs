//! The on-disk map index: one flat little-endian file that is memory-mapped and read in
//! place. A fixed header (magic, version, counts, the map's bounds, the source file's
//! size and mtime, a checksum), then sections whose sizes follow from the counts, in
//! the order the builder ([`super::build`]) writes them:
//!
//! | section | record | bytes |
//! | --- | --- | --- |
//! | coords | lat, lon of each node, i32 1e-7° | 8 |
//! | refs | node index of each way vertex, u32 | 4 |
//! | ways | osm id i64, first vertex u32, kind u8, surface u8, evidence u8, pad | 16 |
//! | chunks | way u32, first vertex u32, segments u32 (≤ [`CHUNK_SEGMENTS`]) | 12 |
//! | tree boxes | [`rtree`] boxes over the chunks, 4 × i32 | 16 |
//! | tree ids | chunk of each leaf, u32 | 4 |
//!
//! A file whose size, magic, version or checksum is wrong does not open; the cache then
//! rebuilds it. Shared nodes keep one index, which is how the matcher sees junctions.

use super::class::{Evidence, SurfaceClass, WayClass, WayKind};
use super::collect::BoundsE7;
use super::rtree::{self, Rect, Store};

pub const MAGIC: [u8; 8] = *b"EZRNMAP\0";
/// Bump on any change to the layout or to what the builder keeps (tag mapping too):
/// old cache files then rebuild.
pub const FORMAT_VERSION: u32 = 2;
pub const HEADER_LEN: usize = 104;
/// Segments per R-tree item: short enough for tight boxes, long enough to keep the
/// tree a fraction of the geometry.
pub const CHUNK_SEGMENTS: usize = 8;

pub const WAY_LEN: usize = 16;
pub const REF_LEN: usize = 4;
pub const COORD_LEN: usize = 8;
pub const CHUNK_LEN: usize = 12;
pub const BOX_LEN: usize = 16;
pub const ID_LEN: usize = 4;

/// The counts that fix the layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Ways kept (highways and the like).
    pub ways: usize,
    /// Way vertices (node references, in way order).
    pub refs: usize,
    /// Distinct nodes the ways use.
    pub nodes: usize,
    /// Chunks of consecutive segments the R-tree indexes.
    pub chunks: usize,
}

/// Byte offsets of the sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub coords: usize,
    pub refs: usize,
    pub ways: usize,
    pub chunks: usize,
    pub boxes: usize,
    pub ids: usize,
    pub end: usize,
}

pub fn align8(v: usize) -> usize {
    v.div_ceil(8) * 8
}

impl Counts {
    /// Where each section starts (`None` when the counts overflow).
    pub(crate) fn layout(&self) -> Option<Layout> {
        let coords = HEADER_LEN;
        let refs = align8(coords.checked_add(self.nodes.checked_mul(COORD_LEN)?)?);
        let ways = align8(refs.checked_add(self.refs.checked_mul(REF_LEN)?)?);
        let chunks = align8(ways.checked_add(self.ways.checked_mul(WAY_LEN)?)?);
        let boxes = align8(chunks.checked_add(self.chunks.checked_mul(CHUNK_LEN)?)?);
        let ids = align8(boxes.checked_add(rtree::tree_boxes(self.chunks).checked_mul(BOX_LEN)?)?);
        let end = align8(ids.checked_add(self.chunks.checked_mul(ID_LEN)?)?);
        Some(Layout {
            coords,
            refs,
            ways,
            chunks,
            boxes,
            ids,
            end,
        })
    }
}

/// Identity of the map file an index was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SourceStamp {
    pub size: u64,
    pub mtime_ns: i64,
}

/// A chunk: up to [`CHUNK_SEGMENTS`] consecutive segments of one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub way: u32,
    pub first_ref: u32,
    pub segments: u32,
}

/// A streaming checksum: four multiply-rotate lanes over little-endian u64 words, fast
/// enough to verify a few hundred MB at open (docs/performance.md). It guards against
/// damage, not tampering.
#[derive(Debug, Clone)]
pub struct Checksum {
    lanes: [u64; 4],
    pending: Vec<u8>,
    len: u64,
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

impl Default for Checksum {
    fn default() -> Self {
        Checksum {
            lanes: [K, K ^ 1, K ^ 2, K ^ 3],
            pending: Vec::with_capacity(32),
            len: 0,
        }
    }
}

impl Checksum {
    pub fn update(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len() as u64;
        if !self.pending.is_empty() {
            let need = 32 - self.pending.len();
            let take = need.min(bytes.len());
            let (head, rest) = bytes.split_at(take);
            self.pending.extend_from_slice(head);
            bytes = rest;
            if self.pending.len() == 32 {
                let block = std::mem::take(&mut self.pending);
                self.block(&block);
                self.pending = block;
                self.pending.clear();
            }
        }
        let mut blocks = bytes.chunks_exact(32);
        for b in &mut blocks {
            self.block(b);
        }
        self.pending.extend_from_slice(blocks.remainder());
    }

    fn block(&mut self, b: &[u8]) {
        for (lane, w) in self.lanes.iter_mut().zip(b.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(w);
            *lane = (*lane ^ u64::from_le_bytes(word))
                .wrapping_mul(K)
                .rotate_left(29);
        }
    }

    pub fn finish(mut self) -> u64 {
        let mut tail = std::mem::take(&mut self.pending);
        tail.resize(32, 0);
        self.block(&tail);
        let mut h = self.len.wrapping_mul(K);
        for lane in self.lanes {
            h = (h ^ lane).wrapping_mul(K).rotate_left(31);
        }
        h
    }
}

/// The header of an index with these counts, bounds and source, over a body (all
/// that follows the header) whose checksum is `body_sum`.
pub fn header_bytes(
    counts: Counts,
    bounds: Option<BoundsE7>,
    stamp: SourceStamp,
    ways_missing_nodes: u64,
    body_sum: u64,
) -> Vec<u8> {
    let mut h = Vec::with_capacity(HEADER_LEN);
    h.extend_from_slice(&MAGIC);
    h.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    h.extend_from_slice(&0u32.to_le_bytes());
    for c in [counts.ways, counts.refs, counts.nodes, counts.chunks] {
        h.extend_from_slice(&(c as u64).to_le_bytes());
    }
    let b = bounds.unwrap_or(BoundsE7 {
        min_lat: 0,
        min_lon: 0,
        max_lat: -1,
        max_lon: -1,
    });
    for v in [b.min_lat, b.min_lon, b.max_lat, b.max_lon] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h.extend_from_slice(&stamp.size.to_le_bytes());
    h.extend_from_slice(&stamp.mtime_ns.to_le_bytes());
    h.extend_from_slice(&ways_missing_nodes.to_le_bytes());
    // 88: the checksum of the 88 bytes above and of the body's checksum (at 96).
    let mut sum = Checksum::default();
    sum.update(&h);
    sum.update(&body_sum.to_le_bytes());
    h.extend_from_slice(&sum.finish().to_le_bytes());
    h.extend_from_slice(&body_sum.to_le_bytes());
    h.resize(HEADER_LEN, 0);
    h
}

/// Why a file is not a usable index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    TooShort,
    BadMagic,
    OtherVersion(u32),
    WrongSize { expected: u64, actual: u64 },
    BadChecksum,
}

/// An opened index over any bytes (a memory map, or a buffer when no cache is
/// writable).
#[derive(Debug)]
pub struct MapIndex<B: AsRef<[u8]>> {
    bytes: B,
    counts: Counts,
    layout: Layout,
    /// The map's declared bounds (XML `<bounds>`, PBF header), else the extent of the
    /// nodes it keeps.
    pub bounds: Option<BoundsE7>,
    /// The map file's identity the index was built from (its cache key).
    pub(crate) stamp: SourceStamp,
    /// Ways some of whose nodes the file lacks (a cut extract): they are split where
    /// the nodes are missing.
    pub ways_missing_nodes: u64,
}

fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le_i32(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

impl<B: AsRef<[u8]>> MapIndex<B> {
    /// Checks and opens `bytes` as an index (`verify`: also the full checksum).
    pub(crate) fn open(bytes: B, verify: bool) -> Result<Self, OpenError> {
        let b = bytes.as_ref();
        let header = b.get(..HEADER_LEN).ok_or(OpenError::TooShort)?;
        if header.get(..8) != Some(MAGIC.as_slice()) {
            return Err(OpenError::BadMagic);
        }
        let version = le_u32(header, 8).ok_or(OpenError::TooShort)?;
        if version != FORMAT_VERSION {
            return Err(OpenError::OtherVersion(version));
        }
        let count = |at| {
            le_u64(header, at)
                .and_then(|v| usize::try_from(v).ok())
                .ok_or(OpenError::TooShort)
        };
        let counts = Counts {
            ways: count(16)?,
            refs: count(24)?,
            nodes: count(32)?,
            chunks: count(40)?,
        };
        let layout = counts.layout().ok_or(OpenError::WrongSize {
            expected: u64::MAX,
            actual: b.len() as u64,
        })?;
        if layout.end != b.len() {
            return Err(OpenError::WrongSize {
                expected: layout.end as u64,
                actual: b.len() as u64,
            });
        }
        let stored = le_u64(header, 88).ok_or(OpenError::TooShort)?;
        let body_sum = le_u64(header, 96).ok_or(OpenError::TooShort)?;
        let mut hsum = Checksum::default();
        hsum.update(header.get(..88).unwrap_or_default());
        hsum.update(&body_sum.to_le_bytes());
        if hsum.finish() != stored {
            return Err(OpenError::BadChecksum);
        }
        if verify {
            let mut sum = Checksum::default();
            sum.update(b.get(HEADER_LEN..).unwrap_or_default());
            if sum.finish() != body_sum {
                return Err(OpenError::BadChecksum);
            }
        }
        let i = |at| le_i32(header, at).unwrap_or(0);
        let bounds = BoundsE7 {
            min_lat: i(48),
            min_lon: i(52),
            max_lat: i(56),
            max_lon: i(60),
        };
        let bounds = (bounds.min_lat <= bounds.max_lat).then_some(bounds);
        let stamp = SourceStamp {
            size: le_u64(header, 64).unwrap_or(0),
            mtime_ns: le_u64(header, 72).unwrap_or(0) as i64,
        };
        let ways_missing_nodes = le_u64(header, 80).unwrap_or(0);
        Ok(MapIndex {
            bytes,
            counts,
            layout,
            bounds,
            stamp,
            ways_missing_nodes,
        })
    }

    fn b(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// How many ways, vertices, nodes and chunks it holds.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Size of the index, bytes.
    pub fn len_bytes(&self) -> usize {
        self.b().len()
    }

    /// Way `w`: its OSM id, vertex range in the refs, and class.
    pub fn way(&self, w: u32) -> Option<(i64, std::ops::Range<u32>, WayClass)> {
        let w = w as usize;
        if w >= self.counts.ways {
            return None;
        }
        let at = self.layout.ways + w * WAY_LEN;
        let b = self.b();
        let id = le_u64(b, at)? as i64;
        let first = le_u32(b, at + 8)?;
        let end = if w + 1 < self.counts.ways {
            le_u32(b, at + WAY_LEN + 8)?
        } else {
            self.counts.refs as u32
        };
        let class = WayClass {
            kind: WayKind::from_u8(*b.get(at + 12)?),
            surface: SurfaceClass::from_u8(*b.get(at + 13)?),
            evidence: Evidence::from_u8(*b.get(at + 14)?),
        };
        Some((id, first..end.max(first), class))
    }

    /// Node index of vertex `r`.
    pub fn node_of(&self, r: u32) -> Option<u32> {
        if r as usize >= self.counts.refs {
            return None;
        }
        le_u32(self.b(), self.layout.refs + r as usize * REF_LEN)
    }

    /// `(lat_e7, lon_e7)` of node `n`.
    pub fn coord(&self, n: u32) -> Option<(i32, i32)> {
        if n as usize >= self.counts.nodes {
            return None;
        }
        let at = self.layout.coords + n as usize * COORD_LEN;
        Some((le_i32(self.b(), at)?, le_i32(self.b(), at + 4)?))
    }

    /// Vertex `r`'s node index and position.
    pub fn vertex(&self, r: u32) -> Option<(u32, i32, i32)> {
        let n = self.node_of(r)?;
        let (lat, lon) = self.coord(n)?;
        Some((n, lat, lon))
    }

    /// Chunk `c`: its way and run of segments.
    pub(crate) fn chunk(&self, c: u32) -> Option<Chunk> {
        if c as usize >= self.counts.chunks {
            return None;
        }
        let at = self.layout.chunks + c as usize * CHUNK_LEN;
        let b = self.b();
        Some(Chunk {
            way: le_u32(b, at)?,
            first_ref: le_u32(b, at + 4)?,
            segments: le_u32(b, at + 8)?.min(CHUNK_SEGMENTS as u32),
        })
    }

    /// Chunks whose boxes meet `q` (`[min_lon, min_lat, max_lon, max_lat]`).
    pub(crate) fn search(&self, q: Rect, out: &mut Vec<u32>) {
        rtree::search(self, self.counts.chunks, q, out);
    }
}

impl<B: AsRef<[u8]>> Store for MapIndex<B> {
    fn rect(&self, i: usize) -> Option<Rect> {
        let at = self.layout.boxes + i.checked_mul(BOX_LEN)?;
        if at + BOX_LEN > self.layout.ids {
            return None;
        }
        let b = self.b();
        Some([
            le_i32(b, at)?,
            le_i32(b, at + 4)?,
            le_i32(b, at + 8)?,
            le_i32(b, at + 12)?,
        ])
    }

    fn id(&self, i: usize) -> Option<u32> {
        if i >= self.counts.chunks {
            return None;
        }
        le_u32(self.b(), self.layout.ids + i * ID_LEN)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::super::collect::Collector;
    use super::super::spill::Store;
    use super::*;

    fn built() -> Vec<u8> {
        let class = WayClass {
            kind: WayKind::Path,
            surface: SurfaceClass::Unpaved,
            evidence: Evidence::SurfaceTag,
        };
        let mut c = Collector::in_memory();
        // A 20-vertex way (three chunks) and a short one sharing its last node.
        c.add_way(100, class, 1..=20).unwrap();
        c.add_way(200, class, [20, 21]).unwrap();
        let mut n = c.into_nodes(Store::memory()).unwrap();
        for id in 1..=21 {
            n.add_node(
                id,
                470_000_000 + id as i32 * 100,
                80_000_000 + id as i32 * 50,
            )
            .unwrap();
        }
        let stamp = SourceStamp {
            size: 1234,
            mtime_ns: 99,
        };
        n.finish(stamp, &mut |_| {}).unwrap().into_vec().unwrap()
    }

    #[test]
    fn round_trip() {
        let idx = MapIndex::open(built(), true).unwrap();
        assert_eq!(
            idx.counts(),
            Counts {
                ways: 2,
                refs: 22,
                nodes: 21,
                chunks: 4
            }
        );
        assert_eq!(idx.stamp.size, 1234);
        let (id, range, class) = idx.way(1).unwrap();
        assert_eq!((id, range), (200, 20..22));
        assert_eq!(class.surface, SurfaceClass::Unpaved);
        // Junction: the last vertex of way 0 and the first of way 1 are one node.
        assert_eq!(idx.node_of(19), idx.node_of(20));
        assert_eq!(idx.vertex(0), Some((0, 470_000_100, 80_000_050)));
        let mut out = Vec::new();
        let (lat, lon) = (470_001_000, 80_000_500); // node 10
        idx.search([lon - 1, lat - 1, lon + 1, lat + 1], &mut out);
        out.sort_unstable();
        let chunks: Vec<Chunk> = out.iter().map(|&c| idx.chunk(c).unwrap()).collect();
        assert_eq!(
            chunks,
            vec![Chunk {
                way: 0,
                first_ref: 8,
                segments: 8
            }]
        );
        assert!(idx.way(2).is_none() && idx.coord(21).is_none());
    }

    #[test]
    fn damage_is_detected() {
        let good = built();
        let mut flipped = good.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0x40;
        assert_eq!(
            MapIndex::open(flipped, true).err(),
            Some(OpenError::BadChecksum)
        );
        let cut = good[..good.len() - 8].to_vec();
        assert!(matches!(
            MapIndex::open(cut, false).err(),
            Some(OpenError::WrongSize { .. })
        ));
        let mut header = good.clone();
        header[20] ^= 1;
        assert!(MapIndex::open(header, false).is_err());
        let mut version = good.clone();
        version[8] = 99;
        assert_eq!(
            MapIndex::open(version, false).err(),
            Some(OpenError::OtherVersion(99))
        );
        assert_eq!(
            MapIndex::open(b"EZRNMAP".to_vec(), false).err(),
            Some(OpenError::TooShort)
        );
        assert_eq!(
            MapIndex::open(vec![0u8; 200], false).err(),
            Some(OpenError::BadMagic)
        );
    }

    #[test]
    fn checksum_does_not_depend_on_write_boundaries() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 31 % 251) as u8).collect();
        let mut a = Checksum::default();
        a.update(&data);
        let mut b = Checksum::default();
        for piece in data.chunks(7) {
            b.update(piece);
        }
        assert_eq!(a.finish(), b.finish());
    }
}
