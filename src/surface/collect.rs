//! What the readers hand the index builder: the runnable ways (class and node list) and
//! the coordinates of just the nodes they use. Both readers feed a [`Collector`] in two
//! phases — ways first, then nodes — so a PBF extract is streamed twice and only the
//! highway nodes' coordinates are ever held (8 bytes each), never the whole extract.

use super::class::WayClass;
use super::idset::{IdSet, IdSetBuilder, WalkState, get_varint, put_varint, unzigzag, zigzag};

/// A way in the collected map: an OSM way, or a piece of one where nodes were missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WayRecord {
    pub osm_id: i64,
    pub class: WayClass,
    /// Index of its first node in [`MapData::refs`]; it runs to the next way's.
    pub first_ref: u32,
}

/// A rectangle in OSM fixed point (1e-7 degrees).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundsE7 {
    pub min_lat: i32,
    pub min_lon: i32,
    pub max_lat: i32,
    pub max_lon: i32,
}

impl BoundsE7 {
    pub fn contains(&self, lat_e7: i32, lon_e7: i32) -> bool {
        (self.min_lat..=self.max_lat).contains(&lat_e7)
            && (self.min_lon..=self.max_lon).contains(&lon_e7)
    }

    fn extend(b: &mut Option<BoundsE7>, lat: i32, lon: i32) {
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

/// The collected map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapData {
    pub ways: Vec<WayRecord>,
    /// Node index of each way vertex, way after way.
    pub refs: Vec<u32>,
    /// `[lat_e7, lon_e7]` per node index.
    pub coords: Vec<[i32; 2]>,
    /// The area the file says it covers (`<bounds>`, the PBF header's bbox), else the
    /// extent of its highway nodes.
    pub bounds: Option<BoundsE7>,
    /// Ways dropped or split because the file lacks some of their nodes.
    pub ways_missing_nodes: u64,
}

impl MapData {
    /// The node range of way `i` in `refs`.
    pub fn way_refs(&self, i: usize) -> &[u32] {
        let start = self.ways.get(i).map_or(0, |w| w.first_ref as usize);
        let end = self
            .ways
            .get(i + 1)
            .map_or(self.refs.len(), |w| w.first_ref as usize);
        self.refs.get(start..end).unwrap_or_default()
    }
}

/// A way as read in phase one: its node ids, delta-coded.
#[derive(Debug, Clone, Copy)]
struct PendingWay {
    osm_id: i64,
    class: WayClass,
    /// Byte offset of its refs in `ref_bytes`, and how many.
    offset: usize,
    count: u32,
}

/// Phase one: ways.
#[derive(Debug, Default)]
pub struct Collector {
    ways: Vec<PendingWay>,
    ref_bytes: Vec<u8>,
    ids: IdSetBuilder,
    declared_bounds: Option<BoundsE7>,
}

impl Collector {
    pub fn set_declared_bounds(&mut self, b: BoundsE7) {
        self.declared_bounds = Some(b);
    }

    /// A runnable way and its node ids in order.
    pub fn add_way(&mut self, osm_id: i64, class: WayClass, refs: impl IntoIterator<Item = i64>) {
        let offset = self.ref_bytes.len();
        let mut prev = 0i64;
        let mut count = 0u32;
        for id in refs {
            put_varint(&mut self.ref_bytes, zigzag(id.wrapping_sub(prev)));
            prev = id;
            self.ids.push(id);
            count = count.saturating_add(1);
        }
        self.ways.push(PendingWay {
            osm_id,
            class,
            offset,
            count,
        });
    }

    pub fn way_count(&self) -> usize {
        self.ways.len()
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.ways.capacity() * std::mem::size_of::<PendingWay>()
            + self.ref_bytes.capacity()
            + self.ids.heap_bytes()
    }

    /// Ends phase one: the set of nodes phase two must find.
    pub fn into_nodes(self) -> NodeCollector {
        let set = self.ids.finish();
        let n = set.len();
        NodeCollector {
            ways: self.ways,
            ref_bytes: self.ref_bytes,
            coords: vec![[0, 0]; n],
            found: vec![0u64; n.div_ceil(64)],
            cursor: set_cursor(&set),
            set,
            last_id: i64::MIN,
            declared_bounds: self.declared_bounds,
        }
    }
}

/// Where the ascending walk through the set stands: the id at `rank`, and the walk
/// positioned after it.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    rank: usize,
    value: Option<i64>,
    walk: WalkState,
}

fn set_cursor(set: &IdSet) -> Cursor {
    let mut walk = WalkState::default();
    let value = set.step(&mut walk);
    Cursor {
        rank: 0,
        value,
        walk,
    }
}

/// Phase two: nodes.
#[derive(Debug)]
pub struct NodeCollector {
    ways: Vec<PendingWay>,
    ref_bytes: Vec<u8>,
    set: IdSet,
    coords: Vec<[i32; 2]>,
    found: Vec<u64>,
    cursor: Cursor,
    last_id: i64,
    declared_bounds: Option<BoundsE7>,
}

impl NodeCollector {
    /// Nodes phase two is looking for.
    pub fn wanted(&self) -> usize {
        self.set.len()
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.ways.capacity() * std::mem::size_of::<PendingWay>()
            + self.ref_bytes.capacity()
            + self.set.heap_bytes()
            + self.coords.capacity() * 8
            + self.found.capacity() * 8
    }

    /// Offers a node; kept when a way uses it. Files sorted by id (the norm for PBF
    /// extracts and API exports) are matched by a forward walk; others by lookup.
    pub fn add_node(&mut self, id: i64, lat_e7: i32, lon_e7: i32) {
        let rank = if id >= self.last_id {
            self.last_id = id;
            self.advance_to(id)
        } else {
            self.set.rank(id).map(|r| r as usize)
        };
        if let Some(r) = rank
            && let Some(c) = self.coords.get_mut(r)
        {
            *c = [lat_e7, lon_e7];
            if let Some(w) = self.found.get_mut(r / 64) {
                *w |= 1 << (r % 64);
            }
        }
    }

    fn advance_to(&mut self, id: i64) -> Option<usize> {
        while let Some(v) = self.cursor.value {
            if v >= id {
                break;
            }
            self.cursor.rank += 1;
            self.cursor.value = self.set.step(&mut self.cursor.walk);
        }
        (self.cursor.value == Some(id)).then_some(self.cursor.rank)
    }

    fn has(&self, rank: usize) -> bool {
        self.found
            .get(rank / 64)
            .is_some_and(|w| w & (1 << (rank % 64)) != 0)
    }

    /// Ends phase two: ways become node-index lists, split where a node is missing
    /// (an extract cut at its border); pieces of fewer than two nodes are dropped.
    pub fn finish(self) -> MapData {
        let mut data = MapData::default();
        let mut extent = None;
        for w in &self.ways {
            let mut pos = w.offset;
            let mut prev = 0i64;
            let mut piece_start = data.refs.len();
            let mut missing = false;
            for _ in 0..w.count {
                let Some(delta) = get_varint(&self.ref_bytes, &mut pos) else {
                    break;
                };
                let id = prev.wrapping_add(unzigzag(delta));
                prev = id;
                let rank = self.set.rank(id).map(|r| r as usize);
                match rank.filter(|&r| self.has(r)) {
                    Some(r) => {
                        if let Some(&[lat, lon]) = self.coords.get(r) {
                            BoundsE7::extend(&mut extent, lat, lon);
                        }
                        data.refs.push(r as u32);
                    }
                    None => {
                        missing = true;
                        close_piece(&mut data, w, piece_start);
                        piece_start = data.refs.len();
                    }
                }
            }
            close_piece(&mut data, w, piece_start);
            if missing {
                data.ways_missing_nodes += 1;
            }
        }
        data.coords = self.coords;
        data.bounds = self.declared_bounds.or(extent);
        data
    }
}

/// Keeps `data.refs[start..]` as a way when it has at least two nodes.
fn close_piece(data: &mut MapData, w: &PendingWay, start: usize) {
    if data.refs.len() >= start + 2 {
        data.ways.push(WayRecord {
            osm_id: w.osm_id,
            class: w.class,
            first_ref: start as u32,
        });
    } else {
        data.refs.truncate(start);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::super::class::{Evidence, SurfaceClass, WayKind};
    use super::*;

    const PAVED: WayClass = WayClass {
        kind: WayKind::Road,
        surface: SurfaceClass::Paved,
        evidence: Evidence::SurfaceTag,
    };

    #[test]
    fn ways_become_node_indices_and_split_at_missing_nodes() {
        let mut c = Collector::default();
        c.add_way(1, PAVED, [10, 20, 30]);
        c.add_way(2, PAVED, [30, 40, 99, 50, 60, 98]);
        let mut n = c.into_nodes();
        assert_eq!(n.wanted(), 8);
        // 99 and 98 are not in the file; 5 is not wanted.
        for (id, lat) in [(5, 0), (10, 1), (20, 2), (30, 3), (40, 4), (50, 5), (60, 6)] {
            n.add_node(id, lat, -lat);
        }
        let data = n.finish();
        assert_eq!(data.ways.len(), 3);
        assert_eq!(data.ways_missing_nodes, 1);
        let lats = |i: usize| -> Vec<i32> {
            data.way_refs(i)
                .iter()
                .map(|&r| data.coords[r as usize][0])
                .collect()
        };
        assert_eq!(lats(0), vec![1, 2, 3]);
        assert_eq!(lats(1), vec![3, 4]);
        assert_eq!(lats(2), vec![5, 6]);
        // The shared node 30 has one index.
        assert_eq!(data.way_refs(0)[2], data.way_refs(1)[0]);
        let b = data.bounds.unwrap_or(BoundsE7 {
            min_lat: 0,
            min_lon: 0,
            max_lat: 0,
            max_lon: 0,
        });
        assert_eq!((b.min_lat, b.max_lat, b.min_lon, b.max_lon), (1, 6, -6, -1));
    }

    #[test]
    fn unsorted_nodes_are_found_by_lookup() {
        let mut c = Collector::default();
        c.add_way(1, PAVED, [3, 1, 2]);
        let mut n = c.into_nodes();
        for (id, lat) in [(3, 30), (1, 10), (2, 20)] {
            n.add_node(id, lat, 0);
        }
        let data = n.finish();
        let lats: Vec<i32> = data
            .way_refs(0)
            .iter()
            .map(|&r| data.coords[r as usize][0])
            .collect();
        assert_eq!(lats, vec![30, 10, 20]);
    }
}
