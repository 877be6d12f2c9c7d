//! Order statistics of a sliding subset of a fixed list of values: the values sorted
//! once, and the members kept as a bitset over their ranks. Inserting or removing a
//! value is one flag per index (is it a member?) and, when that changes, one bit flip
//! and one block count per list (no loop, no branch on the data: the windows of a long
//! run change by several values per second), and the k-th smallest member is
//! found by counting members block by block ([`BLOCK_WORDS`] words each), then bits
//! word by word (`popcount`), then selecting within the word. Against copying the
//! window and selecting in it, the answer is exactly the same: the value at index k of
//! the members sorted by [`f64::total_cmp`] (ties are equal values, so how they are
//! broken does not change the value returned).

/// Words of the member bitset per counted block (512 ranks).
const BLOCK_WORDS: usize = 8;

/// The members of a subset of the indices of `N` lists of values of one length (the
/// same indices for every list: one second's raw and GAP speed), each list's order
/// statistics kept apart. One rank lookup per update gives the ranks in every list.
pub struct RankedWindows<const N: usize> {
    /// Rank of each index in each list (position in that list's `sorted`).
    rank: Vec<[u32; N]>,
    /// Each list's order statistics.
    lists: [Ranked; N],
    /// Whether each index is a member.
    member: Vec<bool>,
    /// Number of members.
    len: usize,
}

/// One list's values in rank order and which ranks are members.
struct Ranked {
    /// The values in rank order (by `total_cmp`, ties by index).
    sorted: Vec<f64>,
    /// Bit `r % 64` of word `r / 64`: whether the value of rank `r` is a member.
    members: Vec<u64>,
    /// Number of members in each block of [`BLOCK_WORDS`] words of `members`.
    block_members: Vec<u32>,
}

/// The members of a subset of `values`, addressed by index into `values`.
#[cfg(test)]
pub type RankedWindow = RankedWindows<1>;

impl<const N: usize> RankedWindows<N> {
    /// An empty window over `lists` (of one length; a longer list's extra values are
    /// never members).
    pub fn new(lists: [&[f64]; N]) -> RankedWindows<N> {
        let n = lists.iter().map(|v| v.len()).min().unwrap_or(0);
        let mut rank = vec![[0u32; N]; n];
        let lists = std::array::from_fn(|j| {
            let values = lists
                .get(j)
                .map_or(&[][..], |v| v.get(..n).unwrap_or_default());
            let order = rank_order(values);
            for (r, &i) in order.iter().enumerate() {
                if let Some(slot) = rank.get_mut(i as usize).and_then(|ranks| ranks.get_mut(j)) {
                    // `rank_order` only orders lists whose indices fit u32.
                    *slot = r as u32;
                }
            }
            let words = values.len().div_ceil(64);
            Ranked {
                sorted: order
                    .into_iter()
                    .map(|i| values.get(i as usize).copied().unwrap_or(f64::NAN))
                    .collect(),
                members: vec![0; words],
                block_members: vec![0; words.div_ceil(BLOCK_WORDS)],
            }
        });
        RankedWindows {
            member: vec![false; rank.len()],
            rank,
            lists,
            len: 0,
        }
    }

    /// Number of members.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Makes index `i` a member.
    #[inline]
    pub fn insert(&mut self, i: usize) {
        self.add(i, true);
    }

    /// Removes index `i` from the members.
    #[inline]
    pub fn remove(&mut self, i: usize) {
        self.add(i, false);
    }

    #[inline]
    fn add(&mut self, i: usize, insert: bool) {
        // Index `i` is a member of every list or of none: one flag says which, and
        // only a change flips the lists' bits (a value inserted twice or removed when
        // absent changes nothing).
        let (Some(ranks), Some(member)) = (self.rank.get(i), self.member.get_mut(i)) else {
            return;
        };
        if *member == insert {
            return;
        }
        *member = insert;
        for (list, &r) in self.lists.iter_mut().zip(ranks) {
            list.flip(r, insert);
        }
        if insert {
            self.len += 1;
        } else {
            self.len -= 1;
        }
    }

    /// The k-th smallest member (0-based) of each list, `None` when there are not more
    /// than k.
    #[inline]
    pub fn kth(&self, k: usize) -> Option<[f64; N]> {
        if k >= self.len {
            return None;
        }
        let mut out = [0.0; N];
        for (slot, list) in out.iter_mut().zip(&self.lists) {
            *slot = list.kth(k)?;
        }
        Some(out)
    }
}

impl Ranked {
    /// Flips the member bit of rank `r`, which is clear when `insert` and set when not
    /// (the window's own flag decides), and counts it in its block.
    #[inline]
    fn flip(&mut self, r: u32, insert: bool) {
        let w = r as usize / 64;
        let (Some(word), Some(block)) = (
            self.members.get_mut(w),
            self.block_members.get_mut(w / BLOCK_WORDS),
        ) else {
            return;
        };
        *word ^= 1u64 << (r % 64);
        if insert {
            *block += 1;
        } else {
            *block -= 1;
        }
    }

    /// The k-th smallest member (0-based), `None` when there are not more than k.
    #[inline]
    fn kth(&self, k: usize) -> Option<f64> {
        // Members are one per value, and `rank_order` keeps the count in u32.
        let mut remaining = u32::try_from(k).ok()?;
        for (b, &count) in self.block_members.iter().enumerate() {
            if remaining >= count {
                remaining -= count;
                continue;
            }
            let first = b * BLOCK_WORDS;
            let words = self.members.get(first..)?.iter().take(BLOCK_WORDS);
            for (w, &word) in (first..).zip(words) {
                let count = word.count_ones();
                if remaining < count {
                    // Clear the `remaining` lowest members of the word: the next is it.
                    let mut bits = word;
                    for _ in 0..remaining {
                        bits &= bits - 1;
                    }
                    return self
                        .sorted
                        .get(w * 64 + bits.trailing_zeros() as usize)
                        .copied();
                }
                remaining -= count;
            }
            return None;
        }
        None
    }
}

/// An integer whose order is [`f64::total_cmp`]'s (the same transform as its source:
/// negative values have their magnitude bits flipped).
fn total_key(v: f64) -> i64 {
    let bits = v.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// A 32-bit key that never orders two values against [`f64::total_cmp`] (`a` before
/// `b` implies `coarse_key(a) <= coarse_key(b)`), but may tie distinct values: the
/// value rounded to `f32` (rounding is monotonic, and keeps the sign of zeros and
/// infinities), in `f32`'s total order, unsigned. NaNs sort outside everything, as in
/// `total_cmp`: negative first, positive last.
fn coarse_key(v: f64) -> u32 {
    if v.is_nan() {
        return if v.is_sign_negative() { 0 } else { u32::MAX };
    }
    crate::clean::total_order::total_key32(v as f32)
}

/// Bits of key per radix pass.
const DIGIT_BITS: u32 = 11;
/// Radix passes: the coarse key is cut to `PASSES · DIGIT_BITS` bits.
const PASSES: u32 = 2;

/// The index of every value in rank order: by [`f64::total_cmp`], ties by index.
///
/// A least-significant-digit radix sort (stable, so ties stay in index order) in at
/// most [`PASSES`] passes, on a key that never contradicts that order but may tie
/// distinct values: the [`coarse_key`] less the smallest one, its lowest bits dropped
/// until what is left spans `PASSES · DIGIT_BITS` bits (speeds of a run span a few
/// million `f32` steps: 8–16 steps share a key), skipping a pass whose digit is the
/// same for every key. Runs of equal keys are then ordered by their exact key, stably.
fn rank_order(values: &[f64]) -> Vec<u32> {
    let Ok(n) = u32::try_from(values.len()) else {
        // Never for a run's seconds (times are u32): order them the slow way.
        let mut order: Vec<(i64, usize)> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| (total_key(v), i))
            .collect();
        order.sort_unstable();
        return order.into_iter().map(|(_, i)| i as u32).collect();
    };
    let coarse: Vec<u32> = values.iter().map(|&v| coarse_key(v)).collect();
    let (lowest, highest) = coarse
        .iter()
        .fold((u32::MAX, 0), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    let span_bits = u32::BITS - highest.saturating_sub(lowest).leading_zeros();
    let dropped = span_bits.saturating_sub(PASSES * DIGIT_BITS);
    // The key in the high half, the index in the low half: sorting by the high half
    // stably keeps index order within ties.
    let mut order: Vec<u64> = (0..n)
        .zip(&coarse)
        .map(|(i, &k)| (u64::from((k - lowest) >> dropped) << 32) | u64::from(i))
        .collect();
    let mut scratch = vec![0u64; order.len()];
    let mut count = vec![0u32; 1 << DIGIT_BITS];
    for pass in 0..(span_bits - dropped).div_ceil(DIGIT_BITS) {
        if radix_pass(&order, &mut scratch, &mut count, 32 + pass * DIGIT_BITS) {
            std::mem::swap(&mut order, &mut scratch);
        }
    }
    order_tied_runs(&mut order, values);
    order.into_iter().map(|x| x as u32).collect()
}

/// One stable counting-sort pass of `from` into `to` by the digit at `shift`; `false`
/// (and `to` untouched) when every key has the same digit.
fn radix_pass(from: &[u64], to: &mut [u64], count: &mut [u32], shift: u32) -> bool {
    let mask = (1usize << DIGIT_BITS) - 1;
    let digit = |x: u64| ((x >> shift) as usize) & mask;
    count.fill(0);
    for &x in from {
        if let Some(c) = count.get_mut(digit(x)) {
            *c += 1;
        }
    }
    if count.iter().any(|&c| c as usize == from.len()) {
        return false;
    }
    // Counts become each digit's first slot.
    let mut next = 0u32;
    for c in count.iter_mut() {
        let here = *c;
        *c = next;
        next += here;
    }
    for &x in from {
        if let Some(at) = count.get_mut(digit(x)) {
            if let Some(slot) = to.get_mut(*at as usize) {
                *slot = x;
            }
            *at += 1;
        }
    }
    true
}

/// Within each run of equal keys (high halves) of the sorted `order`, in index order
/// inside the run, puts the entries in exact order ([`total_key`] of their value, ties
/// by index: a stable sort).
fn order_tied_runs(order: &mut [u64], values: &[f64]) {
    let exact = |x: u64| total_key(values.get(x as u32 as usize).copied().unwrap_or(f64::NAN));
    for run in order.chunk_by_mut(|a, b| a >> 32 == b >> 32) {
        if run.len() > 1 {
            run.sort_by_key(|&x| exact(x));
        }
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use easyrun_testkit::synth::SplitMix64;

    fn select(members: &[f64], k: usize) -> Option<f64> {
        let mut v = members.to_vec();
        if k >= v.len() {
            return None;
        }
        let (_, kth, _) = v.select_nth_unstable_by(k, f64::total_cmp);
        Some(*kth)
    }

    #[test]
    fn kth_matches_selection_on_random_windows_with_ties() {
        let mut rng = SplitMix64::new(7);
        for case in 0..200u32 {
            let n = 1 + (case % 97) as usize;
            let values: Vec<f64> = (0..n)
                .map(|_| match rng.next_u64() % 3 {
                    0 => (3 + rng.next_u64() % 3) as f64,
                    _ => 5.0 * rng.next_f64(),
                })
                .collect();
            let mut w = RankedWindow::new([&values]);
            let mut member = vec![false; n];
            for _ in 0..300 {
                let i = (rng.next_u64() % n as u64) as usize;
                if member[i] {
                    w.remove(i);
                } else {
                    w.insert(i);
                }
                member[i] = !member[i];
                // Now and then the same again, which changes nothing (inserting a
                // member, removing an absent one, an index past the list).
                match rng.next_u64() % 8 {
                    0 if member[i] => w.insert(i),
                    0 => w.remove(i),
                    1 => w.insert(n + 3),
                    2 => w.remove(n),
                    _ => {}
                }
                let members: Vec<f64> = (0..n).filter(|&j| member[j]).map(|j| values[j]).collect();
                assert_eq!(w.len(), members.len());
                for k in [
                    0,
                    members.len() / 3,
                    members.len().saturating_sub(1),
                    members.len(),
                ] {
                    assert_eq!(
                        w.kth(k).map(|[v]| v.to_bits()),
                        select(&members, k).map(f64::to_bits),
                        "case {case}, k {k}, {members:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn rank_order_is_the_sorted_order_with_ties_by_index() {
        let mut rng = SplitMix64::new(11);
        let odd = [
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.0,
            -0.0,
            1e300,
            -1e300,
            f64::MIN_POSITIVE / 4.0,
            -f64::MIN_POSITIVE / 4.0,
        ];
        for n in [0usize, 1, 2, 17, 500, 3000, 5000] {
            let values: Vec<f64> = (0..n)
                .map(|_| match rng.next_u64() % 7 {
                    0 => 3.0,
                    1 => -(rng.next_f64() * 4.0),
                    2 => f64::from((rng.next_f64() * 6.0) as f32),
                    // Distinct values that round to one f32 (ties of the coarse key).
                    3 => 3.0 + (rng.next_u64() % 64) as f64 * 1e-12,
                    4 if n > 100 => odd[(rng.next_u64() % odd.len() as u64) as usize],
                    _ => rng.next_f64() * 6.0,
                })
                .collect();
            let mut want: Vec<(i64, usize)> = values
                .iter()
                .enumerate()
                .map(|(i, &v)| (total_key(v), i))
                .collect();
            want.sort_unstable();
            let got: Vec<usize> = rank_order(&values)
                .into_iter()
                .map(|i| i as usize)
                .collect();
            assert_eq!(
                got,
                want.into_iter().map(|(_, i)| i).collect::<Vec<_>>(),
                "n {n}"
            );
        }
    }

    #[test]
    fn kth_matches_selection_across_count_blocks() {
        // 3 000 values: six blocks of counted ranks, a window sliding over them as the
        // surge baselines slide (values enter at the front, leave at the back).
        let mut rng = SplitMix64::new(3);
        let values: Vec<f64> = (0..3000)
            .map(|_| f64::from((2.0 + 2.0 * rng.next_f64()) as f32))
            .collect();
        let mut w = RankedWindow::new([&values]);
        for i in 0..values.len() {
            w.insert(i);
            if i >= 700 {
                w.remove(i - 700);
            }
            if i % 37 == 0 {
                let from = i.saturating_sub(699);
                let members = &values[from..=i];
                for k in [0, members.len() * 45 / 100, members.len() - 1] {
                    assert_eq!(
                        w.kth(k).map(|[v]| v.to_bits()),
                        select(members, k).map(f64::to_bits),
                        "i {i}, k {k}"
                    );
                }
            }
        }
    }

    #[test]
    fn coarse_key_never_contradicts_total_cmp() {
        let v = [
            f64::NEG_INFINITY,
            -1e300,
            -3.5,
            -f64::MIN_POSITIVE / 4.0,
            -0.0,
            0.0,
            f64::MIN_POSITIVE / 4.0,
            2.0,
            2.0 + 1e-15,
            1e300,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for a in v {
            for b in v {
                if a.total_cmp(&b).is_lt() {
                    assert!(coarse_key(a) <= coarse_key(b), "{a} {b}");
                }
            }
        }
    }

    #[test]
    fn total_key_orders_like_total_cmp() {
        let v = [
            f64::NEG_INFINITY,
            -3.5,
            -0.0,
            0.0,
            f64::MIN_POSITIVE,
            2.0,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for a in v {
            for b in v {
                assert_eq!(total_key(a).cmp(&total_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn a_pair_of_lists_answers_as_two_windows() {
        let mut rng = SplitMix64::new(5);
        let a: Vec<f64> = (0..900).map(|_| 2.0 + rng.next_f64()).collect();
        let b: Vec<f64> = (0..900).map(|_| (3 + rng.next_u64() % 4) as f64).collect();
        let mut pair = RankedWindows::new([&a, &b]);
        let (mut wa, mut wb) = (RankedWindow::new([&a]), RankedWindow::new([&b]));
        for i in 0..a.len() {
            for (j, insert) in [(i, true), (i.saturating_sub(300), false)] {
                if insert {
                    pair.insert(j);
                    wa.insert(j);
                    wb.insert(j);
                } else {
                    pair.remove(j);
                    wa.remove(j);
                    wb.remove(j);
                }
            }
            assert_eq!(pair.len(), wa.len());
            let k = pair.len() * 45 / 100;
            let want = wa.kth(k).zip(wb.kth(k)).map(|([x], [y])| [x, y]);
            assert_eq!(pair.kth(k), want, "i {i}");
        }
    }

    #[test]
    fn empty_window_has_no_order_statistic() {
        let w = RankedWindow::new([&[]]);
        assert_eq!(w.kth(0), None);
        let mut w = RankedWindow::new([&[2.0, 1.0]]);
        assert_eq!(w.kth(0), None);
        w.insert(0);
        w.insert(1);
        assert_eq!(w.kth(0), Some([1.0]));
        assert_eq!(w.kth(1), Some([2.0]));
        w.remove(1);
        assert_eq!(w.kth(0), Some([2.0]));
    }
}
