//! A packed Hilbert R-tree over integer boxes (the flatbush layout: items sorted by the
//! Hilbert value of their centres, then each level the boxes of 16 consecutive nodes of
//! the level below). Its shape follows from the item count alone, so the file stores
//! only boxes and item ids, and a query on a memory-mapped file reads them with bounds
//! checks: a damaged index gives wrong answers, never undefined behaviour.

/// Children per node.
pub const NODE_SIZE: usize = 16;

/// `[min_x, min_y, max_x, max_y]` (x = longitude, y = latitude, 1e-7 degrees).
pub type Rect = [i32; 4];

/// Boxes per level, leaves first, for `n` items.
pub fn level_sizes(n: usize) -> Vec<usize> {
    let mut sizes = vec![n];
    let mut count = n;
    while count > 1 {
        count = count.div_ceil(NODE_SIZE);
        sizes.push(count);
    }
    sizes
}

/// Total boxes stored for `n` items.
pub fn tree_boxes(n: usize) -> usize {
    level_sizes(n).iter().sum()
}

/// A built tree: every level's boxes (leaves first) and the item id of each leaf.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packed {
    pub boxes: Vec<Rect>,
    pub ids: Vec<u32>,
}

/// Builds the tree over `items` (their ids are their positions).
#[cfg(test)]
pub fn build(items: &[Rect]) -> Packed {
    let n = items.len();
    if n == 0 {
        return Packed {
            boxes: Vec::new(),
            ids: Vec::new(),
        };
    }
    let ext = items.iter().fold(EMPTY, |e, r| union(e, *r));
    let mut order: Vec<(u32, u32)> = items
        .iter()
        .enumerate()
        .map(|(i, r)| (hilbert_key(*r, ext), i as u32))
        .collect();
    order.sort_unstable();
    let mut boxes = Vec::with_capacity(tree_boxes(n));
    let mut ids = Vec::with_capacity(n);
    let mut upper = Upper::default();
    for &(_, i) in &order {
        ids.push(i);
        let r = items.get(i as usize).copied().unwrap_or(ext);
        boxes.push(r);
        upper.push(r);
    }
    boxes.extend(upper.finish());
    Packed { boxes, ids }
}

/// The box that contains nothing (the identity of [`union`]).
pub const EMPTY: Rect = [i32::MAX, i32::MAX, i32::MIN, i32::MIN];

/// The sort key of an item: the Hilbert value of its box's centre within `ext`, the
/// extent of all items.
pub fn hilbert_key(r: Rect, ext: Rect) -> u32 {
    let w = (i64::from(ext[2]) - i64::from(ext[0])).max(1) as f64;
    let h = (i64::from(ext[3]) - i64::from(ext[1])).max(1) as f64;
    let max = f64::from(u16::MAX);
    let cx = (i64::from(r[0]) + i64::from(r[2])) as f64 / 2.0 - f64::from(ext[0]);
    let cy = (i64::from(r[1]) + i64::from(r[3])) as f64 / 2.0 - f64::from(ext[1]);
    let x = (cx / w * max).clamp(0.0, max) as u32;
    let y = (cy / h * max).clamp(0.0, max) as u32;
    hilbert(x, y)
}

/// The levels above the leaves, built as the leaves stream past in tree order: the
/// first level is gathered here (one box per [`NODE_SIZE`] leaves), the rest follow
/// from it, so a tree over a file of leaves needs memory for 1/15 of its boxes.
#[derive(Debug, Default)]
pub struct Upper {
    level1: Vec<Rect>,
    open: Option<(Rect, usize)>,
    leaves: usize,
}

impl Upper {
    pub fn push(&mut self, r: Rect) {
        self.leaves += 1;
        let (u, k) = self.open.take().unwrap_or((EMPTY, 0));
        let (u, k) = (union(u, r), k + 1);
        if k == NODE_SIZE {
            self.level1.push(u);
        } else {
            self.open = Some((u, k));
        }
    }

    /// The boxes of every level above the leaves, lowest first (empty for one leaf).
    pub fn finish(mut self) -> Vec<Rect> {
        if self.leaves <= 1 {
            return Vec::new();
        }
        if let Some((u, _)) = self.open.take() {
            self.level1.push(u);
        }
        let mut out = self.level1;
        let mut level_start = 0;
        let mut level_len = out.len();
        while level_len > 1 {
            let next_len = level_len.div_ceil(NODE_SIZE);
            for k in 0..next_len {
                let from = level_start + k * NODE_SIZE;
                let to = (from + NODE_SIZE).min(level_start + level_len);
                let u = out
                    .get(from..to)
                    .unwrap_or_default()
                    .iter()
                    .fold(EMPTY, |u, r| union(u, *r));
                out.push(u);
            }
            level_start += level_len;
            level_len = next_len;
        }
        out
    }
}

pub fn union(a: Rect, b: Rect) -> Rect {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

fn intersects(a: Rect, b: Rect) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// Read access to stored boxes and ids, wherever they live.
pub trait Store {
    fn rect(&self, i: usize) -> Option<Rect>;
    fn id(&self, i: usize) -> Option<u32>;
}

#[cfg(test)]
impl Store for Packed {
    fn rect(&self, i: usize) -> Option<Rect> {
        self.boxes.get(i).copied()
    }

    fn id(&self, i: usize) -> Option<u32> {
        self.ids.get(i).copied()
    }
}

/// Ids of the items whose boxes intersect `q`, into `out` (cleared first). `n` is the
/// item count the tree was built for.
pub fn search(store: &impl Store, n: usize, q: Rect, out: &mut Vec<u32>) {
    out.clear();
    if n == 0 {
        return;
    }
    let sizes = level_sizes(n);
    let mut starts = Vec::with_capacity(sizes.len());
    let mut s = 0;
    for &len in &sizes {
        starts.push(s);
        s += len;
    }
    let top = sizes.len() - 1;
    // (level, index within level)
    let mut stack: Vec<(usize, usize)> = vec![(top, 0)];
    while let Some((level, k)) = stack.pop() {
        let (Some(&start), Some(&len)) = (starts.get(level), sizes.get(level)) else {
            continue;
        };
        if k >= len {
            continue;
        }
        let Some(r) = store.rect(start + k) else {
            continue;
        };
        if !intersects(r, q) {
            continue;
        }
        if level == 0 {
            if let Some(id) = store.id(k) {
                out.push(id);
            }
            continue;
        }
        let child_len = sizes.get(level - 1).copied().unwrap_or(0);
        let first = k * NODE_SIZE;
        for c in (first..(first + NODE_SIZE).min(child_len)).rev() {
            stack.push((level - 1, c));
        }
    }
}

/// Position of (`x`, `y`) on the Hilbert curve of a 2^16 × 2^16 grid.
pub fn hilbert(x: u32, y: u32) -> u32 {
    let (mut x, mut y) = (x & 0xFFFF, y & 0xFFFF);
    let mut d: u32 = 0;
    let mut s: u32 = 1 << 15;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        d = d.wrapping_add(s.wrapping_mul(s).wrapping_mul((3 * rx) ^ ry));
        if ry == 0 {
            if rx == 1 {
                x = 0xFFFF - x;
                y = 0xFFFF - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s >>= 1;
    }
    d
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use easyrun_testkit::synth::SplitMix64;

    #[test]
    fn hilbert_visits_neighbours() {
        // The first cells of the curve on the 2^16 grid: (0,0), (0,1), (1,1), (1,0) is
        // the order-1 pattern at the finest scale.
        let mut cells: Vec<(u32, (u32, u32))> = (0..4)
            .flat_map(|x| (0..4).map(move |y| (hilbert(x, y), (x, y))))
            .collect();
        cells.sort_unstable();
        for w in cells.windows(2) {
            let (a, b) = (w[0].1, w[1].1);
            let step = a.0.abs_diff(b.0) + a.1.abs_diff(b.1);
            assert_eq!(step, 1, "{a:?} → {b:?}");
        }
    }

    #[test]
    fn search_finds_exactly_the_intersecting_items() {
        let mut rng = SplitMix64::new(7);
        let items: Vec<Rect> = (0..5000)
            .map(|_| {
                let x = (rng.next_f64() * 1e6) as i32;
                let y = (rng.next_f64() * 1e6) as i32;
                let w = (rng.next_f64() * 2e3) as i32;
                let h = (rng.next_f64() * 2e3) as i32;
                [x, y, x + w, y + h]
            })
            .collect();
        let tree = build(&items);
        assert_eq!(tree.boxes.len(), tree_boxes(items.len()));
        let mut out = Vec::new();
        for q in 0..50 {
            let x = q * 20_000;
            let query = [x, x, x + 15_000, x + 9_000];
            search(&tree, items.len(), query, &mut out);
            out.sort_unstable();
            let want: Vec<u32> = (0..items.len() as u32)
                .filter(|&i| intersects(items[i as usize], query))
                .collect();
            assert_eq!(out, want, "query {q}");
        }
        search(&build(&[]), 0, [0, 0, 1, 1], &mut out);
        assert!(out.is_empty());
        let one = build(&[[5, 5, 6, 6]]);
        search(&one, 1, [0, 0, 5, 5], &mut out);
        assert_eq!(out, vec![0]);
    }
}
