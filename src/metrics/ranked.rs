//! Order statistics of a sliding subset of a fixed list of values: the values sorted
//! once, and the members kept as a bitset over their ranks. Inserting or removing a
//! value is one bit (no loop, no branch on the data: the windows of a long run change
//! by several values per second), and the k-th smallest member is found by counting
//! bits word by word (`popcount`), then selecting within the word. Against copying the
//! window and selecting in it, the answer is exactly the same: the value at index k of
//! the members sorted by [`f64::total_cmp`] (ties are equal values, so how they are
//! broken does not change the value returned).

/// The members of a subset of `values`, addressed by index into `values`.
pub struct RankedWindow {
    /// The values in rank order (by `total_cmp`, ties by index).
    sorted: Vec<f64>,
    /// Rank of each value (position in `sorted`).
    rank: Vec<usize>,
    /// Bit `r % 64` of word `r / 64`: whether the value of rank `r` is a member.
    members: Vec<u64>,
    /// Number of members.
    len: usize,
}

impl RankedWindow {
    /// An empty window over `values`.
    pub fn new(values: &[f64]) -> RankedWindow {
        let order = radix_order(values);
        let mut rank = vec![0; values.len()];
        for (r, &(_, i)) in order.iter().enumerate() {
            if let Some(slot) = rank.get_mut(i) {
                *slot = r;
            }
        }
        RankedWindow {
            sorted: order
                .into_iter()
                .map(|(_, i)| values.get(i).copied().unwrap_or(f64::NAN))
                .collect(),
            rank,
            members: vec![0; values.len().div_ceil(64)],
            len: 0,
        }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Makes value `i` a member.
    pub fn insert(&mut self, i: usize) {
        self.add(i, true);
    }

    /// Removes value `i` from the members.
    pub fn remove(&mut self, i: usize) {
        self.add(i, false);
    }

    fn add(&mut self, i: usize, insert: bool) {
        let Some(&r) = self.rank.get(i) else { return };
        let Some(word) = self.members.get_mut(r / 64) else {
            return;
        };
        let bit = 1u64 << (r % 64);
        let was = *word & bit != 0;
        if insert {
            *word |= bit;
        } else {
            *word &= !bit;
        }
        // A value inserted twice or removed when absent changes nothing.
        self.len = self.len + usize::from(insert && !was) - usize::from(!insert && was);
    }

    /// The k-th smallest member (0-based), `None` when there are not more than k.
    pub fn kth(&self, k: usize) -> Option<f64> {
        if k >= self.len {
            return None;
        }
        let mut remaining = k as u32;
        for (w, &word) in self.members.iter().enumerate() {
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
        None
    }
}

/// An integer whose order is [`f64::total_cmp`]'s (the same transform as its source:
/// negative values have their magnitude bits flipped).
fn total_key(v: f64) -> i64 {
    let bits = v.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// Bits of key per radix pass.
const DIGIT_BITS: u32 = 11;
const PASSES: u32 = 64u32.div_ceil(DIGIT_BITS);

/// `(key, index)` of every value in rank order: `total_key` as an unsigned key (sign
/// bit flipped), sorted by a least-significant-digit radix sort (stable, so ties stay
/// in index order). A pass whose digit is the same for every key is skipped: speeds
/// share their sign and exponent, and those that were `f32` their low mantissa bits.
fn radix_order(values: &[f64]) -> Vec<(u64, usize)> {
    let key = |v: f64| (total_key(v) as u64) ^ (1 << 63);
    let mut order: Vec<(u64, usize)> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| (key(v), i))
        .collect();
    let buckets = 1usize << DIGIT_BITS;
    let digit = |k: u64, pass: u32| ((k >> (pass * DIGIT_BITS)) as usize) & (buckets - 1);
    let mut counts = vec![0usize; buckets * PASSES as usize];
    for &(k, _) in &order {
        for pass in 0..PASSES {
            if let Some(c) = counts.get_mut(pass as usize * buckets + digit(k, pass)) {
                *c += 1;
            }
        }
    }
    let mut scratch = vec![(0u64, 0usize); order.len()];
    for pass in 0..PASSES {
        let Some(count) = counts.get_mut(pass as usize * buckets..(pass as usize + 1) * buckets)
        else {
            continue;
        };
        if count.contains(&order.len()) {
            continue;
        }
        // Counts become each bucket's first slot.
        let mut next = 0;
        for c in count.iter_mut() {
            let n = *c;
            *c = next;
            next += n;
        }
        for &(k, i) in &order {
            if let Some(at) = count.get_mut(digit(k, pass)) {
                if let Some(slot) = scratch.get_mut(*at) {
                    *slot = (k, i);
                }
                *at += 1;
            }
        }
        std::mem::swap(&mut order, &mut scratch);
    }
    order
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
            let mut w = RankedWindow::new(&values);
            let mut member = vec![false; n];
            for _ in 0..300 {
                let i = (rng.next_u64() % n as u64) as usize;
                if member[i] {
                    w.remove(i);
                } else {
                    w.insert(i);
                }
                member[i] = !member[i];
                let members: Vec<f64> = (0..n).filter(|&j| member[j]).map(|j| values[j]).collect();
                assert_eq!(w.len(), members.len());
                for k in [
                    0,
                    members.len() / 3,
                    members.len().saturating_sub(1),
                    members.len(),
                ] {
                    assert_eq!(
                        w.kth(k).map(f64::to_bits),
                        select(&members, k).map(f64::to_bits),
                        "case {case}, k {k}, {members:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn radix_order_is_the_sorted_order_with_ties_by_index() {
        let mut rng = SplitMix64::new(11);
        for n in [0usize, 1, 2, 17, 500, 3000] {
            let values: Vec<f64> = (0..n)
                .map(|_| match rng.next_u64() % 5 {
                    0 => 3.0,
                    1 => -(rng.next_f64() * 4.0),
                    2 => f64::from((rng.next_f64() * 6.0) as f32),
                    _ => rng.next_f64() * 6.0,
                })
                .collect();
            let mut want: Vec<(i64, usize)> = values
                .iter()
                .enumerate()
                .map(|(i, &v)| (total_key(v), i))
                .collect();
            want.sort_unstable();
            let got: Vec<usize> = radix_order(&values).into_iter().map(|(_, i)| i).collect();
            assert_eq!(
                got,
                want.into_iter().map(|(_, i)| i).collect::<Vec<_>>(),
                "n {n}"
            );
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
    fn empty_window_has_no_order_statistic() {
        let w = RankedWindow::new(&[]);
        assert_eq!(w.kth(0), None);
        let mut w = RankedWindow::new(&[2.0, 1.0]);
        assert_eq!(w.kth(0), None);
        w.insert(0);
        w.insert(1);
        assert_eq!(w.kth(0), Some(1.0));
        assert_eq!(w.kth(1), Some(2.0));
        w.remove(1);
        assert_eq!(w.kth(0), Some(2.0));
    }
}
