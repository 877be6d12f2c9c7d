//! A sorted set of OSM node ids in 1–2 bytes per id: blocks of 64 ids, each a raw
//! first id followed by varint deltas. The rank of an id (its position in the set) is
//! the node's index in the map index, so a country's highway nodes fit in tens of MB
//! instead of the 8 bytes per id of a plain vector (docs/performance.md). The builder
//! sorts ids in runs it writes to scratch and merges them once, so building the set
//! takes little more memory than the set.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::spill::{Appender, Scratch, SeqReader, Store};
pub use super::varint::{get_varint, put_varint, unzigzag, zigzag};

/// Ids per block: a lookup decodes at most this many varints.
const BLOCK: usize = 64;

/// Ids gathered before they are sorted and written out as a run (8 MB).
const BUFFER: usize = 1 << 20;

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
        IdSet::from_sorted_within(ids, 0, 0)
    }

    /// [`IdSet::from_sorted`] into room for `max_len` ids and `max_bytes` of deltas, so
    /// a large set grows without copies (reserved room that is never written costs no
    /// memory).
    fn from_sorted_within(
        ids: impl Iterator<Item = i64>,
        max_len: usize,
        max_bytes: usize,
    ) -> IdSet {
        let blocks = max_len.div_ceil(BLOCK);
        let mut set = IdSet {
            firsts: Vec::with_capacity(blocks),
            offsets: Vec::with_capacity(blocks),
            bytes: Vec::with_capacity(max_bytes),
            len: 0,
        };
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

    /// Bytes held.
    #[cfg(test)]
    pub fn heap_bytes(&self) -> usize {
        self.firsts.capacity() * 8 + self.offsets.capacity() * 4 + self.bytes.capacity()
    }

    /// The ids in increasing order.
    #[cfg(test)]
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
        self.rank_near(id, &mut RankHint::default())
    }

    /// The block that would hold `id`, if any (its first id is at most `id`).
    fn block_of(&self, id: i64) -> Option<usize> {
        match self.firsts.binary_search(&id) {
            Ok(b) => Some(b),
            Err(0) => None,
            Err(b) => Some(b - 1),
        }
    }

    /// [`IdSet::rank`], going on from where the previous lookup stopped (`hint`): the
    /// nodes of one way are mostly consecutive ids, so most lookups neither search
    /// nor decode more than a varint or two.
    pub fn rank_near(&self, id: i64, h: &mut RankHint) -> Option<u32> {
        let in_block = self.firsts.get(h.block).is_some_and(|&f| f <= id)
            && self.firsts.get(h.block + 1).is_none_or(|&f| id < f);
        if !in_block || id < h.value {
            if !in_block {
                h.block = self.block_of(id)?;
            }
            h.index = 0;
            h.value = *self.firsts.get(h.block)?;
            h.pos = *self.offsets.get(h.block)? as usize;
        }
        let in_block = (self.len - h.block * BLOCK).min(BLOCK);
        while h.value < id && h.index + 1 < in_block {
            let mut pos = h.pos;
            let v = h
                .value
                .wrapping_add(get_varint(&self.bytes, &mut pos)? as i64);
            if v > id {
                break;
            }
            (h.value, h.pos, h.index) = (v, pos, h.index + 1);
        }
        if h.value == id {
            u32::try_from(h.block * BLOCK + h.index).ok()
        } else {
            None
        }
    }
}

/// Where the last [`IdSet::rank_near`] lookup stopped: a block, and an id in it with
/// its position.
#[derive(Debug, Clone, Copy)]
pub struct RankHint {
    block: usize,
    index: usize,
    value: i64,
    pos: usize,
}

impl Default for RankHint {
    fn default() -> Self {
        RankHint {
            block: usize::MAX,
            index: 0,
            value: i64::MAX,
            pos: 0,
        }
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
#[cfg(test)]
pub struct IdIter<'a> {
    set: &'a IdSet,
    state: WalkState,
}

#[cfg(test)]
impl Iterator for IdIter<'_> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        self.set.step(&mut self.state)
    }
}

/// Gathers ids in any order, with repeats, into an [`IdSet`]: each 1 M ids (8 MB) are
/// sorted and written to scratch as a run of varint deltas; [`IdSetBuilder::finish`]
/// merges the runs into the set in one pass.
#[derive(Debug)]
pub struct IdSetBuilder {
    scratch: Scratch,
    /// Ids per run.
    run_len: usize,
    runs: Option<(Store, Appender)>,
    /// Start, end (bytes) and count of each run.
    bounds: Vec<(u64, u64, u64)>,
    buffer: Vec<i64>,
}

impl Default for IdSetBuilder {
    fn default() -> Self {
        IdSetBuilder::new(Scratch::Memory)
    }
}

impl IdSetBuilder {
    pub fn new(scratch: Scratch) -> IdSetBuilder {
        IdSetBuilder {
            scratch,
            run_len: BUFFER,
            runs: None,
            bounds: Vec::new(),
            buffer: Vec::new(),
        }
    }

    pub fn push(&mut self, id: i64) -> std::io::Result<()> {
        self.buffer.push(id);
        if self.buffer.len() >= self.run_len {
            self.spill()?;
        }
        Ok(())
    }

    /// Writes the buffer out as a sorted run.
    fn spill(&mut self) -> std::io::Result<()> {
        self.buffer.sort_unstable();
        self.buffer.dedup();
        let (store, app) = match &mut self.runs {
            Some(r) => r,
            None => self
                .runs
                .insert((self.scratch.store("node-ids")?, Appender::new(0))),
        };
        let start = app.position();
        let mut bytes = Vec::with_capacity(1 << 16);
        let mut prev = 0i64;
        for &id in &self.buffer {
            put_varint(&mut bytes, zigzag(id.wrapping_sub(prev)));
            prev = id;
            if bytes.len() >= 1 << 16 {
                app.put(store, &bytes)?;
                bytes.clear();
            }
        }
        app.put(store, &bytes)?;
        self.bounds
            .push((start, app.position(), self.buffer.len() as u64));
        self.buffer.clear();
        Ok(())
    }

    pub fn finish(mut self) -> std::io::Result<IdSet> {
        let mut set = if self.bounds.is_empty() {
            self.buffer.sort_unstable();
            self.buffer.dedup();
            IdSet::from_sorted(self.buffer.iter().copied())
        } else {
            self.spill()?;
            self.buffer = Vec::new();
            let Some((mut store, mut app)) = self.runs.take() else {
                return Ok(IdSet::default());
            };
            app.flush(&mut store)?;
            merge_runs(&store, &self.bounds)?
        };
        set.firsts.shrink_to_fit();
        set.offsets.shrink_to_fit();
        set.bytes.shrink_to_fit();
        Ok(set)
    }
}

/// One sorted run being merged.
struct Run {
    reader: SeqReader,
    left: u64,
    prev: i64,
}

impl Run {
    fn next(&mut self, store: &Store) -> std::io::Result<Option<i64>> {
        if self.left == 0 {
            return Ok(None);
        }
        let d = self
            .reader
            .varint(store)?
            .ok_or_else(|| std::io::Error::other("a run of node ids ends early"))?;
        self.left -= 1;
        self.prev = self.prev.wrapping_add(unzigzag(d));
        Ok(Some(self.prev))
    }
}

/// The union of the sorted runs, without repeats, as a set.
fn merge_runs(store: &Store, bounds: &[(u64, u64, u64)]) -> std::io::Result<IdSet> {
    let mut runs: Vec<Run> = bounds
        .iter()
        .map(|&(start, end, count)| Run {
            reader: SeqReader::new(start, end),
            left: count,
            prev: 0,
        })
        .collect();
    let mut heap = BinaryHeap::with_capacity(runs.len());
    for (i, run) in runs.iter_mut().enumerate() {
        if let Some(v) = run.next(store)? {
            heap.push(Reverse((v, i)));
        }
    }
    let mut error = None;
    let mut last = None;
    let merged = std::iter::from_fn(|| {
        loop {
            let Reverse((v, i)) = heap.pop()?;
            match runs.get_mut(i).map(|r| r.next(store)) {
                Some(Ok(Some(next))) => heap.push(Reverse((next, i))),
                Some(Ok(None)) | None => {}
                Some(Err(e)) => {
                    error = Some(e);
                    return None;
                }
            }
            if last != Some(v) {
                last = Some(v);
                return Some(v);
            }
        }
    });
    // Each id's delta in the union is at most its delta in its run, so the runs' bytes
    // bound the set's.
    let max_len = bounds.iter().map(|b| b.2 as usize).sum();
    let max_bytes = bounds.iter().map(|b| (b.1 - b.0) as usize).sum();
    let set = IdSet::from_sorted_within(merged, max_len, max_bytes);
    match error {
        Some(e) => Err(e),
        None => Ok(set),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn set_ranks_every_member_and_nothing_else() {
        let mut b = IdSetBuilder::default();
        // Repeats, any order, negatives (JOSM's unsaved objects), big gaps.
        let ids: Vec<i64> = (0..1000)
            .map(|i: i64| (i * 7919) % 1000 * 1_000_003 - 50_000)
            .chain([5, 5, -3, 12_000_000_000])
            .collect();
        for &id in &ids {
            b.push(id).unwrap();
        }
        let set = b.finish().unwrap();
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
            b.push(id).unwrap();
        }
        let set = b.finish().unwrap();
        let mut hint = RankHint::default();
        for probe in (-10..25_000)
            .step_by(7)
            .chain((-10..25_000).rev().step_by(3))
        {
            assert_eq!(set.rank_near(probe, &mut hint), set.rank(probe), "{probe}");
        }
        let mut rng = easyrun_testkit::synth::SplitMix64::new(3);
        for _ in 0..5000 {
            let probe = (rng.next_u64() % 26_000) as i64 - 10;
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
    fn runs_merge() {
        let mut b = IdSetBuilder::default();
        for id in [10, 30, 20] {
            b.push(id).unwrap();
        }
        b.spill().unwrap();
        for id in [20, 5, 40] {
            b.push(id).unwrap();
        }
        let set = b.finish().unwrap();
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![5, 10, 20, 30, 40]);
        // Many runs in scratch files, repeats across runs.
        let dir = std::env::temp_dir().join(format!("easyrun-idset-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut b = IdSetBuilder::new(Scratch::Dir(dir.clone()));
        b.run_len = 10_000;
        let ids: Vec<i64> = (0..30_077)
            .map(|i| (i * 7919) % 1_000_003 * 13 - 4_000_000)
            .collect();
        for &id in &ids {
            b.push(id).unwrap();
        }
        assert_eq!(b.bounds.len(), 3);
        let set = b.finish().unwrap();
        let mut want = ids.clone();
        want.sort_unstable();
        want.dedup();
        assert_eq!(set.len(), want.len());
        assert!(set.iter().eq(want.iter().copied()));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "scratch left");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
