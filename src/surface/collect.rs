//! What the readers hand the index builder, in two phases — ways first, then nodes — so
//! a PBF extract is streamed twice and little of it is ever in memory
//! (docs/performance.md, "Surface from the map"):
//!
//! 1. [`Collector`]: each runnable way goes to a scratch file as its class and
//!    delta-coded node ids; the ids also go into a compact [`IdSet`] (about 2 bytes an
//!    id), whose ranks become the node indices of the index.
//! 2. [`NodeCollector`]: each wanted node's coordinates are written straight into the
//!    index file at its rank (a forward walk in a sorted file), and a bit marks it found.
//!
//! [`NodeCollector::finish`] then turns the ways into the rest of the index
//! ([`super::build`]).

use super::build;
use super::class::{Evidence, SurfaceClass, WayClass, WayKind};
use super::error::MapErrorKind;
use super::idset::{Cursor, IdSet, IdSetBuilder};
use super::index::{HEADER_LEN, SourceStamp};
use super::progress::Progress;
use super::spill::{Appender, Scratch, SeqReader, Store};
use super::varint::{put_varint, unzigzag, zigzag};

/// A rectangle in OSM fixed point (1e-7 degrees).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundsE7 {
    /// Southern edge.
    pub min_lat: i32,
    /// Western edge.
    pub min_lon: i32,
    /// Northern edge.
    pub max_lat: i32,
    /// Eastern edge.
    pub max_lon: i32,
}

impl BoundsE7 {
    /// Whether the point (in 1e-7 degrees) lies inside, edges included.
    pub fn contains(&self, lat_e7: i32, lon_e7: i32) -> bool {
        (self.min_lat..=self.max_lat).contains(&lat_e7)
            && (self.min_lon..=self.max_lon).contains(&lon_e7)
    }

    pub(crate) fn extend(b: &mut Option<BoundsE7>, lat: i32, lon: i32) {
        match b {
            None => {
                *b = Some(BoundsE7 {
                    min_lat: lat,
                    min_lon: lon,
                    max_lat: lat,
                    max_lon: lon,
                })
            }
            Some(b) => {
                b.min_lat = b.min_lat.min(lat);
                b.min_lon = b.min_lon.min(lon);
                b.max_lat = b.max_lat.max(lat);
                b.max_lon = b.max_lon.max(lon);
            }
        }
    }
}

/// Ways as phase one writes them: a way's OSM id (zigzag varint), kind, surface and
/// evidence bytes, its node count (varint), then its node ids as zigzag varint deltas.
/// Readers that decode in parallel fill one per block and hand it over whole.
#[derive(Debug, Default)]
pub struct WayBatch {
    pub bytes: Vec<u8>,
    pub ids: Vec<i64>,
    pub ways: u64,
}

impl WayBatch {
    pub fn add(&mut self, osm_id: i64, class: WayClass, refs: impl IntoIterator<Item = i64>) {
        put_varint(&mut self.bytes, zigzag(osm_id));
        self.bytes.extend_from_slice(&[
            class.kind.to_u8(),
            class.surface.to_u8(),
            class.evidence.to_u8(),
        ]);
        let start = self.ids.len();
        self.ids.extend(refs);
        let ids = self.ids.get(start..).unwrap_or_default();
        put_varint(&mut self.bytes, ids.len() as u64);
        let mut prev = 0i64;
        for &id in ids {
            put_varint(&mut self.bytes, zigzag(id.wrapping_sub(prev)));
            prev = id;
        }
        self.ways += 1;
    }

    pub fn clear(&mut self) {
        self.bytes.clear();
        self.ids.clear();
        self.ways = 0;
    }
}

/// A way read back from the scratch file.
#[derive(Debug, Clone, Default)]
pub struct PendingWay {
    pub osm_id: i64,
    pub class: Option<WayClass>,
    pub ids: Vec<i64>,
}

/// Reads the next way of a [`WayBatch`] stream into `way`; `false` at the end.
pub fn read_pending(
    r: &mut SeqReader,
    store: &Store,
    way: &mut PendingWay,
) -> std::io::Result<bool> {
    let bad = || std::io::Error::other("damaged scratch file of ways");
    let Some(id) = r.varint(store)? else {
        return Ok(false);
    };
    way.osm_id = unzigzag(id);
    let class = r.take(store, 3)?.ok_or_else(bad)?;
    way.class = match class {
        &[k, s, e] => Some(WayClass {
            kind: WayKind::from_u8(k),
            surface: SurfaceClass::from_u8(s),
            evidence: Evidence::from_u8(e),
        }),
        _ => None,
    };
    let count = r.varint(store)?.ok_or_else(bad)?;
    way.ids.clear();
    let mut prev = 0i64;
    for _ in 0..count {
        prev = prev.wrapping_add(unzigzag(r.varint(store)?.ok_or_else(bad)?));
        way.ids.push(prev);
    }
    Ok(true)
}

/// Phase one: ways.
#[derive(Debug)]
pub struct Collector {
    scratch: Scratch,
    pending: Store,
    app: Appender,
    ways: u64,
    ids: IdSetBuilder,
    one: WayBatch,
    declared_bounds: Option<BoundsE7>,
}

impl Collector {
    /// A collector keeping its scratch files in `scratch`.
    pub fn new(scratch: Scratch) -> Result<Collector, MapErrorKind> {
        let pending = scratch.store("ways").map_err(|e| io_error(&scratch, &e))?;
        Ok(Collector {
            ids: IdSetBuilder::new(scratch.clone()),
            scratch,
            pending,
            app: Appender::new(0),
            ways: 0,
            one: WayBatch::default(),
            declared_bounds: None,
        })
    }

    /// A collector with everything in memory (small maps, tests).
    pub fn in_memory() -> Collector {
        Collector {
            scratch: Scratch::Memory,
            pending: Store::memory(),
            app: Appender::new(0),
            ways: 0,
            ids: IdSetBuilder::default(),
            one: WayBatch::default(),
            declared_bounds: None,
        }
    }

    pub fn set_declared_bounds(&mut self, b: BoundsE7) {
        self.declared_bounds = Some(b);
    }

    /// A runnable way and its node ids in order.
    pub fn add_way(
        &mut self,
        osm_id: i64,
        class: WayClass,
        refs: impl IntoIterator<Item = i64>,
    ) -> Result<(), MapErrorKind> {
        let mut one = std::mem::take(&mut self.one);
        one.clear();
        one.add(osm_id, class, refs);
        let r = self.add_batch(&one);
        self.one = one;
        r
    }

    /// The ways of a [`WayBatch`], in its order.
    pub fn add_batch(&mut self, batch: &WayBatch) -> Result<(), MapErrorKind> {
        self.app
            .put(&mut self.pending, &batch.bytes)
            .map_err(|e| io_error(&self.scratch, &e))?;
        for &id in &batch.ids {
            self.ids.push(id).map_err(|e| io_error(&self.scratch, &e))?;
        }
        self.ways += batch.ways;
        Ok(())
    }

    /// Ends phase one: the set of nodes phase two must find, and the index file
    /// (`out`) sized for their coordinates.
    pub fn into_nodes(mut self, mut out: Store) -> Result<NodeCollector, MapErrorKind> {
        let scratch = self.scratch.clone();
        let io = |e: std::io::Error| io_error(&scratch, &e);
        self.app.flush(&mut self.pending).map_err(io)?;
        let set = self.ids.finish().map_err(io)?;
        let n = set.len();
        if u32::try_from(n).is_err() {
            return Err(MapErrorKind::TooLarge {
                what: format!("{n} highway nodes"),
            });
        }
        let coords_end = HEADER_LEN as u64 + n as u64 * 8;
        out.reserve_zeroed(coords_end).map_err(io)?;
        Ok(NodeCollector {
            scratch: self.scratch,
            pending: self.pending,
            ways: self.ways,
            found: vec![0u64; n.div_ceil(64)],
            cursor: set.cursor_from(i64::MIN),
            set,
            last_id: i64::MIN,
            out,
            sink: CoordSink::default(),
            extent: None,
            declared_bounds: self.declared_bounds,
        })
    }
}

/// A write error of a scratch or index file, as a map error.
pub(crate) fn io_error(scratch: &Scratch, e: &std::io::Error) -> MapErrorKind {
    match scratch.dir() {
        Some(dir) => MapErrorKind::CacheWrite {
            cache: dir.to_path_buf(),
            message: e.to_string(),
        },
        None => MapErrorKind::TooLarge {
            what: e.to_string(),
        },
    }
}

/// Phase two: nodes.
#[derive(Debug)]
pub struct NodeCollector {
    scratch: Scratch,
    pending: Store,
    ways: u64,
    set: IdSet,
    found: Vec<u64>,
    cursor: Cursor,
    last_id: i64,
    out: Store,
    sink: CoordSink,
    /// Of the nodes found.
    extent: Option<BoundsE7>,
    declared_bounds: Option<BoundsE7>,
}

impl NodeCollector {
    /// The wanted node ids (their ranks are what [`NodeCollector::add_ranked`] takes).
    pub fn set(&self) -> &IdSet {
        &self.set
    }

    /// Offers a node; kept when a way uses it. Files sorted by id (the norm for PBF
    /// extracts and API exports) are matched by a forward walk; others by lookup.
    pub fn add_node(&mut self, id: i64, lat_e7: i32, lon_e7: i32) -> Result<(), MapErrorKind> {
        let rank = if id >= self.last_id {
            self.last_id = id;
            self.cursor.advance_to(&self.set, id)
        } else {
            self.set.rank(id)
        };
        match rank {
            Some(r) => self.add_ranked(r, lat_e7, lon_e7),
            None => Ok(()),
        }
    }

    /// A wanted node, by its rank in [`NodeCollector::set`].
    pub fn add_ranked(&mut self, rank: u32, lat_e7: i32, lon_e7: i32) -> Result<(), MapErrorKind> {
        let r = rank as usize;
        let Some(w) = self.found.get_mut(r / 64) else {
            return Ok(());
        };
        *w |= 1 << (r % 64);
        BoundsE7::extend(&mut self.extent, lat_e7, lon_e7);
        self.sink
            .put(&mut self.out, rank, lat_e7, lon_e7)
            .map_err(|e| io_error(&self.scratch, &e))
    }

    /// Ends phase two: writes the rest of the index into the file phase two filled and
    /// returns it, header and all.
    pub fn finish(
        mut self,
        stamp: SourceStamp,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Store, MapErrorKind> {
        let n = self.set.len() as u64;
        let coords_sum = self
            .sink
            .finish(&mut self.out, n)
            .map_err(|e| io_error(&self.scratch, &e))?;
        let parts = build::Parts {
            out: self.out,
            coords_sum,
            nodes: n,
            set: self.set,
            found: self.found,
            pending: self.pending,
            pending_ways: self.ways,
            bounds: self.declared_bounds.or(self.extent),
            stamp,
        };
        build::write_index(parts, &self.scratch, progress)
    }
}

/// Writes coordinates at their rank: runs of consecutive ranks are gathered and
/// written whole, and while ranks only go up (a sorted file) the coordinates section's
/// checksum is taken as it is written. Gaps (nodes a border cut off) stay zero.
#[derive(Debug)]
struct CoordSink {
    run: Vec<u8>,
    run_start: u64,
    next: u64,
    in_order: bool,
    sum: super::index::Checksum,
}

impl Default for CoordSink {
    fn default() -> Self {
        CoordSink {
            run: Vec::with_capacity(1 << 16),
            run_start: 0,
            next: 0,
            in_order: true,
            sum: super::index::Checksum::default(),
        }
    }
}

impl CoordSink {
    fn put(&mut self, out: &mut Store, rank: u32, lat: i32, lon: i32) -> std::io::Result<()> {
        let rank = u64::from(rank);
        let mut rec = [0u8; 8];
        rec[..4].copy_from_slice(&lat.to_le_bytes());
        rec[4..].copy_from_slice(&lon.to_le_bytes());
        if self.in_order && rank >= self.next {
            if rank > self.next {
                self.flush(out)?;
                feed_zeros(&mut self.sum, (rank - self.next) * 8);
                self.run_start = rank;
            }
            self.run.extend_from_slice(&rec);
            self.sum.update(&rec);
            self.next = rank + 1;
            if self.run.len() >= 1 << 16 {
                self.flush(out)?;
                self.run_start = self.next;
            }
            return Ok(());
        }
        // Out of order (an unsorted file, or a node listed twice): positioned writes,
        // and the checksum is taken by reading the section back at the end.
        self.flush(out)?;
        self.in_order = false;
        out.write_at(HEADER_LEN as u64 + rank * 8, &rec)
    }

    fn flush(&mut self, out: &mut Store) -> std::io::Result<()> {
        if !self.run.is_empty() {
            out.write_at(HEADER_LEN as u64 + self.run_start * 8, &self.run)?;
            self.run_start += (self.run.len() / 8) as u64;
            self.run.clear();
        }
        Ok(())
    }

    /// Flushes; the checksum of the whole section of `n` nodes when it was written in
    /// order.
    fn finish(
        &mut self,
        out: &mut Store,
        n: u64,
    ) -> std::io::Result<Option<super::index::Checksum>> {
        self.flush(out)?;
        if !self.in_order {
            return Ok(None);
        }
        let mut sum = std::mem::take(&mut self.sum);
        feed_zeros(&mut sum, n.saturating_sub(self.next) * 8);
        Ok(Some(sum))
    }
}

/// Feeds `len` zero bytes to a checksum.
pub(crate) fn feed_zeros(sum: &mut super::index::Checksum, mut len: u64) {
    const ZEROS: [u8; 4096] = [0; 4096];
    while len > 0 {
        let n = len.min(ZEROS.len() as u64) as usize;
        sum.update(ZEROS.get(..n).unwrap_or_default());
        len -= n as u64;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    const PAVED: WayClass = WayClass {
        kind: WayKind::Road,
        surface: SurfaceClass::Paved,
        evidence: Evidence::SurfaceTag,
    };

    #[test]
    fn pending_ways_read_back() {
        let mut b = WayBatch::default();
        b.add(-7, PAVED, [10, 5, 1 << 40]);
        b.add(9, PAVED, [3, 4]);
        let mut store = Store::memory();
        store.write_at(0, &b.bytes).unwrap();
        let mut r = SeqReader::new(0, store.len());
        let mut w = PendingWay::default();
        assert!(read_pending(&mut r, &store, &mut w).unwrap());
        assert_eq!(
            (w.osm_id, w.class, w.ids.clone()),
            (-7, Some(PAVED), vec![10, 5, 1 << 40])
        );
        assert!(read_pending(&mut r, &store, &mut w).unwrap());
        assert_eq!((w.osm_id, w.ids.clone()), (9, vec![3, 4]));
        assert!(!read_pending(&mut r, &store, &mut w).unwrap());
    }
}
