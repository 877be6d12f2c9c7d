//! One gzip member inflated in a single call by libdeflate (docs/decisions.md §36),
//! about twice the speed of the streaming inflater on the members of an export. It
//! needs the decompressed size up front (the trailer's ISIZE) and the whole member in
//! memory, so it only ever takes the common case: the input is exactly one member of
//! that size. Anything else (more members, trailing bytes, another size, bad data)
//! gives `None`, and the caller reads the input the streaming way, which decides what
//! it holds and reports every error as before.

use libdeflate_sys::{
    libdeflate_alloc_decompressor, libdeflate_free_decompressor, libdeflate_gzip_decompress_ex,
    libdeflate_result_LIBDEFLATE_SUCCESS,
};

/// The decompressed content of `bytes` when it is exactly one gzip member (checksum and
/// size verified by libdeflate) of `size` bytes; `None` otherwise.
pub(crate) fn one_member(bytes: &[u8], size: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(size);
    let mut in_used = 0usize;
    let mut out_len = 0usize;
    // SAFETY: libdeflate reads at most `bytes.len()` bytes from `bytes` and writes at
    // most `size` bytes into `out`'s spare capacity (`out` was made with at least that
    // much); the decompressor is allocated and freed here, used by this thread alone.
    // On success it has written exactly `out_len` bytes from the start of `out`, which
    // is checked to be `size` before the length is set.
    let done = unsafe {
        let decompressor = libdeflate_alloc_decompressor();
        if decompressor.is_null() {
            return None;
        }
        let result = libdeflate_gzip_decompress_ex(
            decompressor,
            bytes.as_ptr().cast(),
            bytes.len(),
            out.as_mut_ptr().cast(),
            size,
            &mut in_used,
            &mut out_len,
        );
        libdeflate_free_decompressor(decompressor);
        let whole = result == libdeflate_result_LIBDEFLATE_SUCCESS
            && in_used == bytes.len()
            && out_len == size
            && out.capacity() >= size;
        if whole {
            out.set_len(size);
        }
        whole
    };
    done.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(content: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(content).ok();
        e.finish().unwrap_or_default()
    }

    #[test]
    fn one_member_of_the_stated_size_is_inflated() {
        let content: Vec<u8> = (0..100_000u32).flat_map(|i| (i % 251).to_le_bytes()).collect();
        assert_eq!(one_member(&gz(&content), content.len()), Some(content));
        assert_eq!(one_member(&gz(b""), 0), Some(Vec::new()));
    }

    #[test]
    fn anything_but_exactly_one_member_of_that_size_is_left_to_the_stream() {
        let a = gz(b"first member ");
        let mut two = a.clone();
        two.extend(gz(b"second"));
        // Two members, even when the first has the size asked for.
        assert_eq!(one_member(&two, 13), None);
        assert_eq!(one_member(&two, 19), None);
        // Trailing bytes after the member.
        let mut trailing = a.clone();
        trailing.extend(b"junk");
        assert_eq!(one_member(&trailing, 13), None);
        // Another size: too small a buffer, or a larger one than the content.
        assert_eq!(one_member(&a, 12), None);
        assert_eq!(one_member(&a, 14), None);
        // A damaged checksum, a truncated member, not gzip.
        let mut bad = a.clone();
        let at = bad.len() - 6;
        bad[at] ^= 1;
        assert_eq!(one_member(&bad, 13), None);
        assert_eq!(one_member(&a[..a.len() - 3], 13), None);
        assert_eq!(one_member(b"plain text", 10), None);
    }
}
