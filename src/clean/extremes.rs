//! The lowest and highest value of a sliding window, in O(1) amortised per step: two
//! monotonic queues (Lemire 2006, "Streaming maximum-minimum filter using no more than
//! three comparisons per element"). The cleaning filters ask first whether a window's
//! range is small enough that its median cannot mark the value, and sort only when not.
//!
//! Values enter in increasing position order; NaN never enters (like `f32::min` and
//! `f32::max`, which ignore it).

/// Lowest and highest of the values pushed since the last [`Extremes::evict_before`].
#[derive(Debug, Default)]
pub struct Extremes {
    low: Queue,
    high: Queue,
}

/// A double-ended queue for the monotonic queues: a `Vec` and the index of its front.
/// Cheaper than a `VecDeque` here (no wrap-around arithmetic; the dropped front is
/// reclaimed once it is [`COMPACT_AT`] long, amortised O(1)).
#[derive(Debug, Default)]
struct Queue {
    items: Vec<(usize, f32)>,
    head: usize,
}

/// Length of dropped front at which a [`Queue`] moves its live items down.
const COMPACT_AT: usize = 64;

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
}
