//! A sorted set of OSM node ids in about 2 bytes per id: blocks of 64 ids, each a raw
//! first id followed by varint deltas. The rank of an id (its position in the set) is
//! the node's index in the map index, so a country's highway nodes fit in tens of MB
//! instead of the 8 bytes per id of a plain vector (docs/performance.md).

/// Ids per block: a lookup decodes at most this many varints.
const BLOCK: usize = 64;

/// Ids gathered before they are sorted and merged into the set.
const BUFFER: usize = 1 << 21;

/// Appends `v` as a LEB128 varint.
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a LEB128 varint at `*pos`, advancing it; `None` past the end or on overflow.
pub fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0u32;
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        if shift >= 64 {
            return None;
        }
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
    }
}

pub fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

pub fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// A sorted set of distinct ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdSet {
    firsts: Vec<i64>,
    offsets: Vec<u32>,
    bytes: Vec<u8>,
    len: usize,
}

impl IdSet {
    /// Builds from ids in strictly increasing order.
    fn from_sorted(ids: impl Iterator<Item = i64>) -> IdSet {
        let mut set = IdSet::default();
        let mut prev = 0i64;
        for id in ids {
            if set.len.is_multiple_of(BLOCK) {
                set.firsts.push(id);
                set.offsets.push(set.bytes.len() as u32);
            } else {
                put_varint(&mut set.bytes, id.wrapping_sub(prev) as u64);
            }
            prev = id;
            set.len += 1;
        }
        set
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.firsts.capacity() * 8 + self.offsets.capacity() * 4 + self.bytes.capacity()
    }

    /// The ids in increasing order.
    pub fn iter(&self) -> IdIter<'_> {
        IdIter {
            set: self,
            state: WalkState::default(),
        }
    }

    /// The next id of a walk kept outside the set (see [`WalkState`]).
    pub fn step(&self, st: &mut WalkState) -> Option<i64> {
        if st.index >= self.len {
            return None;
        }
        let v = if st.index.is_multiple_of(BLOCK) {
            let b = st.index / BLOCK;
            st.pos = *self.offsets.get(b)? as usize;
            *self.firsts.get(b)?
        } else {
            st.prev
                .wrapping_add(get_varint(&self.bytes, &mut st.pos)? as i64)
        };
        st.prev = v;
        st.index += 1;
        Some(v)
    }

    /// The rank of `id`, if present.
    pub fn rank(&self, id: i64) -> Option<u32> {
        let mut hint = usize::MAX;
        self.rank_near(id, &mut hint)
    }

    /// The block that would hold `id`, if any (its first id is at most `id`).
    fn block_of(&self, id: i64) -> Option<usize> {
        match self.firsts.binary_search(&id) {
            Ok(b) => Some(b),
            Err(0) => None,
            Err(b) => Some(b - 1),
        }
    }

    /// [`IdSet::rank`], starting from the block of the previous lookup (`hint`): the
    /// nodes of one way are mostly consecutive ids, so most lookups skip the search.
    pub fn rank_near(&self, id: i64, hint: &mut usize) -> Option<u32> {
        let in_hint = self.firsts.get(*hint).is_some_and(|&f| f <= id)
            && self.firsts.get(*hint + 1).is_none_or(|&f| id < f);
        if !in_hint {
            *hint = self.block_of(id)?;
        }
        let block = *hint;
        let mut value = *self.firsts.get(block)?;
        if value == id {
            return u32::try_from(block * BLOCK).ok();
        }
        let mut pos = *self.offsets.get(block)? as usize;
        let in_block = (self.len - block * BLOCK).min(BLOCK);
        for i in 1..in_block {
            value = value.wrapping_add(get_varint(&self.bytes, &mut pos)? as i64);
            if value == id {
                return u32::try_from(block * BLOCK + i).ok();
            }
            if value > id {
                return None;
            }
        }
        None
    }
}

/// A forward walk through an [`IdSet`] matching non-decreasing ids (the nodes of a
/// sorted file) to ranks without a search per id.
#[derive(Debug, Clone, Copy)]
pub struct Cursor {
    /// Rank of `value`.
    rank: usize,
    value: Option<i64>,
    walk: WalkState,
}

impl IdSet {
    /// A cursor for ids from `id` on (starts at the block that would hold `id`).
    pub fn cursor_from(&self, id: i64) -> Cursor {
        let block = self.block_of(id).unwrap_or(0);
        let mut walk = WalkState {
            index: block * BLOCK,
            pos: 0,
            prev: 0,
        };
        let value = self.step(&mut walk);
        Cursor {
            rank: block * BLOCK,
            value,
            walk,
        }
    }
}

impl Cursor {
    /// The rank of `id` if present; `id` must not be below the previous one asked.
    pub fn advance_to(&mut self, set: &IdSet, id: i64) -> Option<u32> {
        while let Some(v) = self.value {
            if v >= id {
                break;
            }
            self.rank += 1;
            self.value = set.step(&mut self.walk);
        }
        if self.value == Some(id) {
            u32::try_from(self.rank).ok()
        } else {
            None
        }
    }
}

/// Where a walk through an [`IdSet`] stands: the rank of the next id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WalkState {
    pub index: usize,
    pos: usize,
    prev: i64,
}

/// Iterator over an [`IdSet`].
pub struct IdIter<'a> {
    set: &'a IdSet,
    state: WalkState,
}

impl Iterator for IdIter<'_> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        self.set.step(&mut self.state)
    }
}

/// Gathers ids in any order, with repeats, into an [`IdSet`] with bounded extra memory.
#[derive(Debug, Default)]
pub struct IdSetBuilder {
    set: IdSet,
    buffer: Vec<i64>,
}

impl IdSetBuilder {
    pub fn push(&mut self, id: i64) {
        self.buffer.push(id);
        if self.buffer.len() >= BUFFER {
            self.flush();
        }
    }

    fn flush(&mut self) {
        self.buffer.sort_unstable();
        self.buffer.dedup();
        let old = std::mem::take(&mut self.set);
        let merged = MergeDistinct {
            a: old.iter().peekable(),
            b: self.buffer.iter().copied().peekable(),
        };
        self.set = IdSet::from_sorted(merged);
        self.buffer.clear();
    }

    /// Bytes held (set plus the unsorted buffer).
    pub fn heap_bytes(&self) -> usize {
        self.set.heap_bytes() + self.buffer.capacity() * 8
    }

    pub fn finish(mut self) -> IdSet {
        self.flush();
        self.buffer = Vec::new();
        let mut set = self.set;
        set.firsts.shrink_to_fit();
        set.offsets.shrink_to_fit();
        set.bytes.shrink_to_fit();
        set
    }
}

/// The union of two increasing sequences, without repeats.
struct MergeDistinct<A: Iterator<Item = i64>, B: Iterator<Item = i64>> {
    a: std::iter::Peekable<A>,
    b: std::iter::Peekable<B>,
}

impl<A: Iterator<Item = i64>, B: Iterator<Item = i64>> Iterator for MergeDistinct<A, B> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        match (self.a.peek().copied(), self.b.peek().copied()) {
            (Some(x), Some(y)) if x == y => {
                self.a.next();
                self.b.next()
            }
            (Some(x), Some(y)) if x < y => self.a.next(),
            (Some(_), Some(_)) => self.b.next(),
            (Some(_), None) => self.a.next(),
            (None, _) => self.b.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            put_varint(&mut out, v);
        }
        let mut pos = 0;
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(get_varint(&out, &mut pos), Some(v));
        }
        assert_eq!(get_varint(&out, &mut pos), None);
        for v in [0i64, -1, 1, i64::MIN, i64::MAX, -123_456] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }

    #[test]
    fn set_ranks_every_member_and_nothing_else() {
        let mut b = IdSetBuilder::default();
        // Repeats, any order, negatives (JOSM's unsaved objects), big gaps.
        let ids: Vec<i64> = (0..1000)
            .map(|i: i64| (i * 7919) % 1000 * 1_000_003 - 50_000)
            .chain([5, 5, -3, 12_000_000_000])
            .collect();
        for &id in &ids {
            b.push(id);
        }
        let set = b.finish();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(set.len(), sorted.len());
        assert_eq!(set.iter().collect::<Vec<_>>(), sorted);
        for (rank, &id) in sorted.iter().enumerate() {
            assert_eq!(set.rank(id), Some(rank as u32), "id {id}");
        }
        assert_eq!(set.rank(4), None);
        assert_eq!(set.rank(i64::MIN), None);
        assert_eq!(set.rank(13_000_000_000), None);
        assert!(set.heap_bytes() < sorted.len() * 8);
    }

    #[test]
    fn cursors_and_hints_agree_with_rank() {
        let mut b = IdSetBuilder::default();
        let ids: Vec<i64> = (0..5000).map(|i: i64| i * 3 + (i % 7) * 1000).collect();
        for &id in &ids {
            b.push(id);
        }
        let set = b.finish();
        let mut hint = usize::MAX;
        for probe in (-10..25_000).step_by(7) {
            assert_eq!(set.rank_near(probe, &mut hint), set.rank(probe), "{probe}");
        }
        for start in [-5i64, 0, 1000, 4444, 14_000, 30_000] {
            let mut c = set.cursor_from(start);
            for probe in start..start + 3000 {
                assert_eq!(
                    c.advance_to(&set, probe),
                    set.rank(probe),
                    "{start} {probe}"
                );
            }
        }
    }

    #[test]
    fn flushes_merge() {
        let mut b = IdSetBuilder::default();
        for id in [10, 30, 20] {
            b.push(id);
        }
        b.flush();
        for id in [20, 5, 40] {
            b.push(id);
        }
        let set = b.finish();
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![5, 10, 20, 30, 40]);
    }
}
