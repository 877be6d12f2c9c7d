//! `f32::total_cmp`'s order as integers: windows sorted or selected on these keys give
//! the element a sort of the values by `total_cmp` gives, bit for bit (equal keys are
//! equal bits), with cheaper comparisons and no closure.

/// `f32::total_cmp`'s order as an integer: `a.total_cmp(&b) == key(a).cmp(&key(b))`,
/// and equal keys are equal bits. Below 2^32.
#[inline]
pub(crate) fn total_key(x: f32) -> u64 {
    let b = x.to_bits() as i32;
    let k = b ^ (((b >> 31) as u32) >> 1) as i32;
    (i64::from(k) - i64::from(i32::MIN)) as u64
}

/// [`total_key`] in 32 bits (it is below 2^32).
#[inline]
pub(crate) fn total_key32(x: f32) -> u32 {
    total_key(x) as u32
}

/// The value of a [`total_key`].
#[inline]
pub(crate) fn from_total_key(k: u64) -> f32 {
    let k = (k as i64 + i64::from(i32::MIN)) as i32;
    f32::from_bits((k ^ (((k >> 31) as u32) >> 1) as i32) as u32)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_as_total_cmp_and_give_the_value_back() {
        let xs = [
            f32::NEG_INFINITY,
            -f32::NAN,
            -140.0,
            -0.0,
            0.0,
            1e-40,
            120.5,
            140.0,
            f32::INFINITY,
            f32::NAN,
            f32::from_bits(0x7fff_ffff),
            f32::from_bits(0xffff_ffff),
        ];
        for &a in &xs {
            assert_eq!(from_total_key(total_key(a)).to_bits(), a.to_bits());
            assert_eq!(u64::from(total_key32(a)), total_key(a));
            assert!(total_key(a) < 1 << 32);
            for &b in &xs {
                assert_eq!(total_key(a).cmp(&total_key(b)), a.total_cmp(&b), "{a} {b}");
                assert_eq!(total_key32(a).cmp(&total_key32(b)), a.total_cmp(&b));
            }
        }
    }
}
