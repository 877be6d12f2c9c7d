//! The lowest and highest value of a window of consecutive positions, for the cleaning
//! filters, which ask first whether a window's range is small enough that its median
//! cannot mark the value, and sort only when not.
//!
//! [`WindowExtremes`] answers any window `[lo, hi)` from a sparse table (Bentley 1980;
//! the "sparse table" of range-minimum queries: level `k` holds the lowest and highest
//! of every run of `2^k` positions, and a window of width `w` is the union of two runs
//! of the largest `2^k ≤ w`). The filters' windows are at most 31 positions wide, so
//! four levels above the values suffice; building them is a few branch-free passes the
//! compiler vectorises, and a query is four loads. It replaced [`Extremes`], two
//! monotonic queues (Lemire 2006, "Streaming maximum-minimum filter using no more than
//! three comparisons per element") whose pops are a branch on the data per value, and
//! which is kept as the tests' reference.
//!
//! Values that are absent or NaN are never in a window (like `f32::min` and `f32::max`,
//! which ignore NaN).

/// The lowest and highest value of any window of consecutive positions of a list of
/// optional values (module docs).
#[derive(Debug, Default)]
pub struct WindowExtremes {
    /// Level `k` (0 = the values): the lowest value of positions `j .. j + 2^k` at `j`
    /// (`+∞` where there is none), for every `j` with `j + 2^k ≤ len`.
    low: Vec<Vec<f32>>,
    /// The same for the highest value (`−∞` where there is none).
    high: Vec<Vec<f32>>,
}

impl WindowExtremes {
    /// The table of `values` for windows up to `max_width` positions wide (wider ones
    /// are answered too, a run of `2^k` positions at a time).
    pub fn new(values: impl Iterator<Item = Option<f32>>, max_width: usize) -> WindowExtremes {
        let (mut low0, mut high0) = (Vec::new(), Vec::new());
        low0.reserve(values.size_hint().0);
        high0.reserve(values.size_hint().0);
        for v in values {
            let x = v.unwrap_or(f32::NAN);
            let none = x.is_nan();
            low0.push(if none { f32::INFINITY } else { x });
            high0.push(if none { f32::NEG_INFINITY } else { x });
        }
        let levels = (usize::BITS - max_width.max(1).leading_zeros()) as usize;
        let mut low = Vec::with_capacity(levels);
        let mut high = Vec::with_capacity(levels);
        low.push(low0);
        high.push(high0);
        for k in 1..levels {
            let half = 1usize << (k - 1);
            let (Some(l), Some(h)) = (low.last(), high.last()) else {
                break;
            };
            // No NaN is stored, so the comparisons pick as `f32::min` and `max` would
            // (up to the sign of a zero, which no filter's test can tell).
            let l = pairwise(l, half, |a, b| if b < a { b } else { a });
            let h = pairwise(h, half, |a, b| if b > a { b } else { a });
            if l.is_empty() {
                break;
            }
            low.push(l);
            high.push(h);
        }
        WindowExtremes { low, high }
    }

    /// `(lowest, highest)` of the values at positions `lo..hi` (cut to the list), `None`
    /// when the window holds no value.
    #[inline]
    pub fn range(&self, lo: usize, hi: usize) -> Option<(f32, f32)> {
        let len = self.low.first().map_or(0, Vec::len);
        let hi = hi.min(len);
        if lo >= hi {
            return None;
        }
        let width = hi - lo;
        // The largest level whose runs fit the window and that the table holds.
        let k = ((usize::BITS - 1 - width.leading_zeros()) as usize)
            .min(self.low.len().saturating_sub(1));
        let run = 1usize << k;
        let (Some(low), Some(high)) = (self.low.get(k), self.high.get(k)) else {
            return None;
        };
        let at = |start: usize| match (low.get(start), high.get(start)) {
            (Some(&l), Some(&h)) => (l, h),
            _ => (f32::INFINITY, f32::NEG_INFINITY),
        };
        let both = |(l, h): (f32, f32), (m, g): (f32, f32)| {
            (if m < l { m } else { l }, if g > h { g } else { h })
        };
        // The run from `lo` and the run ending at `hi` (overlapping is harmless): the
        // whole window when it is at most two runs wide, always so up to `max_width`.
        let mut range = both(at(lo), at(hi - run));
        // A wider window: the runs between, one at a time.
        let mut start = lo + run;
        while start + run < hi {
            range = both(range, at(start));
            start += run;
        }
        let (lowest, highest) = range;
        (lowest <= highest).then_some((lowest, highest))
    }
}

/// `pick` of the values `half` positions apart: the next level of a sparse table.
#[inline]
fn pairwise(level: &[f32], half: usize, pick: impl Fn(f32, f32) -> f32) -> Vec<f32> {
    let later = level.get(half..).unwrap_or_default();
    level
        .get(..later.len())
        .unwrap_or_default()
        .iter()
        .zip(later)
        .map(|(&a, &b)| pick(a, b))
        .collect()
}

/// Lowest and highest of the values pushed since the last [`Extremes::evict_before`]:
/// the monotonic queues [`WindowExtremes`] replaced, the reference of the tests.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct Extremes {
    low: Queue,
    high: Queue,
}

/// A double-ended queue for the monotonic queues: a `Vec` and the index of its front.
/// Cheaper than a `VecDeque` here (no wrap-around arithmetic; the dropped front is
/// reclaimed once it is [`COMPACT_AT`] long, amortised O(1)).
#[cfg(test)]
#[derive(Debug, Default)]
struct Queue {
    items: Vec<(usize, f32)>,
    head: usize,
}

/// Length of dropped front at which a [`Queue`] moves its live items down.
#[cfg(test)]
const COMPACT_AT: usize = 64;

#[cfg(test)]
impl Queue {
    #[inline]
    fn back(&self) -> Option<f32> {
        if self.items.len() > self.head {
            self.items.last().map(|&(_, v)| v)
        } else {
            None
        }
    }

    #[inline]
    fn front(&self) -> Option<(usize, f32)> {
        self.items.get(self.head).copied()
    }

    #[inline]
    fn pop_front(&mut self) {
        self.head += 1;
        if self.head >= COMPACT_AT {
            self.items.drain(..self.head);
            self.head = 0;
        }
    }
}

#[cfg(test)]
impl Extremes {
    pub fn new() -> Extremes {
        Extremes::default()
    }

    /// Adds the value at `position` (positions increase from push to push).
    #[inline]
    pub fn push(&mut self, position: usize, value: f32) {
        if value.is_nan() {
            return;
        }
        while self.low.back().is_some_and(|v| v >= value) {
            self.low.items.pop();
        }
        self.low.items.push((position, value));
        while self.high.back().is_some_and(|v| v <= value) {
            self.high.items.pop();
        }
        self.high.items.push((position, value));
    }

    /// Drops the values at positions before `position`.
    #[inline]
    pub fn evict_before(&mut self, position: usize) {
        while self.low.front().is_some_and(|(p, _)| p < position) {
            self.low.pop_front();
        }
        while self.high.front().is_some_and(|(p, _)| p < position) {
            self.high.pop_front();
        }
    }

    /// `(lowest, highest)`, `None` when the window holds no value.
    #[inline]
    pub fn range(&self) -> Option<(f32, f32)> {
        match (self.low.front(), self.high.front()) {
            (Some((_, lo)), Some((_, hi))) => Some((lo, hi)),
            _ => None,
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use easyrun_testkit::synth::SplitMix64;

    #[test]
    fn range_matches_a_fold_over_every_window() {
        let mut rng = SplitMix64::new(3);
        let values: Vec<Option<f32>> = (0..2000)
            .map(|_| match rng.next_u64() % 10 {
                0 => None,
                1 => Some(f32::NAN),
                2 => Some(120.0),
                _ => Some(100.0 + 80.0 * rng.next_f64() as f32),
            })
            .collect();
        for half in [0usize, 1, 5, 15] {
            let mut e = Extremes::new();
            let mut next = 0;
            for i in 0..values.len() {
                let hi = (i + half + 1).min(values.len());
                while next < hi {
                    if let Some(v) = values[next] {
                        e.push(next, v);
                    }
                    next += 1;
                }
                let lo = i.saturating_sub(half);
                e.evict_before(lo);
                let window = values[lo..hi].iter().flatten().filter(|v| !v.is_nan());
                let want = window.fold(None, |acc: Option<(f32, f32)>, &x| {
                    Some(acc.map_or((x, x), |(a, b)| (a.min(x), b.max(x))))
                });
                assert_eq!(e.range(), want, "half {half}, at {i}");
            }
        }
    }

    fn fold(values: &[Option<f32>]) -> Option<(f32, f32)> {
        values
            .iter()
            .flatten()
            .filter(|v| !v.is_nan())
            .fold(None, |acc: Option<(f32, f32)>, &x| {
                Some(acc.map_or((x, x), |(a, b)| (a.min(x), b.max(x))))
            })
    }

    #[test]
    fn window_extremes_match_a_fold_over_every_window() {
        let mut rng = SplitMix64::new(9);
        for n in [0usize, 1, 2, 3, 31, 32, 33, 200] {
            let values: Vec<Option<f32>> = (0..n)
                .map(|_| match rng.next_u64() % 12 {
                    0 | 1 => None,
                    2 => Some(f32::NAN),
                    3 => Some(120.0),
                    4 => Some(f32::INFINITY),
                    5 => Some(f32::NEG_INFINITY),
                    _ => Some(100.0 + 80.0 * rng.next_f64() as f32),
                })
                .collect();
            for max_width in [1usize, 2, 13, 31, 32] {
                let table = WindowExtremes::new(values.iter().copied(), max_width);
                for lo in 0..=n {
                    // Wider than the table was built for, and past the end, too.
                    for hi in lo..=(lo + 70).min(n + 3) {
                        let want = fold(&values[lo..hi.min(n)]);
                        assert_eq!(
                            table.range(lo, hi),
                            want,
                            "n {n}, width {max_width}, {lo}..{hi}"
                        );
                    }
                }
                assert_eq!(table.range(n + 1, n + 5), None);
            }
        }
    }

    #[test]
    fn window_extremes_and_the_queues_agree_on_sliding_windows() {
        let mut rng = SplitMix64::new(4);
        let values: Vec<Option<f32>> = (0..3000)
            .map(|_| match rng.next_u64() % 8 {
                0 => None,
                _ => Some(60.0 + 120.0 * rng.next_f64() as f32),
            })
            .collect();
        let table = WindowExtremes::new(values.iter().copied(), 31);
        let mut e = Extremes::new();
        let mut next = 0;
        for i in 0..values.len() {
            let hi = (i + 16).min(values.len());
            while next < hi {
                if let Some(v) = values[next] {
                    e.push(next, v);
                }
                next += 1;
            }
            let lo = i.saturating_sub(15);
            e.evict_before(lo);
            assert_eq!(table.range(lo, hi), e.range(), "at {i}");
        }
    }
}
