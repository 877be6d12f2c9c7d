//! FIT CRC-16 (the FIT SDK's CRC: CRC-16/ARC, reflected polynomial 0xA001, init 0),
//! computed sixteen bytes at a time (slicing-by-16) so checking a file costs little
//! next to decoding it: the CRC carried from one block to the next goes through only
//! two table lookups, the other fourteen depend on the data alone and overlap (about
//! 1.6× slicing-by-8, whose carried chain was the limit).

// Const evaluation: an out-of-bounds index would fail the build, not a run.
#[allow(clippy::indexing_slicing)]
const fn make_tables() -> [[u16; 256]; 16] {
    let mut t = [[0u16; 256]; 16];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u16;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xA001
            } else {
                crc >> 1
            };
            bit += 1;
        }
        t[0][i] = crc;
        i += 1;
    }
    let mut k = 1;
    while k < 16 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

static TABLES: [[u16; 256]; 16] = make_tables();

/// CRC of `bytes`, continuing from `crc` (start with 0).
// Every table index is a byte value into a 256-entry table: always in bounds.
#[allow(clippy::indexing_slicing)]
pub fn update(mut crc: u16, bytes: &[u8]) -> u16 {
    let t = &TABLES;
    let mut chunks = bytes.chunks_exact(16);
    for c in &mut chunks {
        let Ok(&[c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15]) =
            <&[u8; 16]>::try_from(c)
        else {
            continue;
        };
        let lo = u16::from_le_bytes([c0, c1]) ^ crc;
        // The data-only part first: it does not wait for the carried CRC.
        let rest = t[13][usize::from(c2)]
            ^ t[12][usize::from(c3)]
            ^ t[11][usize::from(c4)]
            ^ t[10][usize::from(c5)]
            ^ t[9][usize::from(c6)]
            ^ t[8][usize::from(c7)]
            ^ t[7][usize::from(c8)]
            ^ t[6][usize::from(c9)]
            ^ t[5][usize::from(c10)]
            ^ t[4][usize::from(c11)]
            ^ t[3][usize::from(c12)]
            ^ t[2][usize::from(c13)]
            ^ t[1][usize::from(c14)]
            ^ t[0][usize::from(c15)];
        crc = t[15][usize::from(lo & 0xFF)] ^ t[14][usize::from(lo >> 8)] ^ rest;
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ t[0][usize::from((crc ^ u16::from(b)) & 0xFF)];
    }
    crc
}

/// CRC of `bytes` from 0.
pub fn crc16(bytes: &[u8]) -> u16 {
    update(0, bytes)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_sdk_reference_at_every_length() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 13) as u8).collect();
        for len in 0..data.len() {
            // The writer keeps the SDK's nibble-table algorithm: an independent check.
            let sdk = easyrun_testkit::fit::crc16(0, &data[..len]);
            assert_eq!(crc16(&data[..len]), sdk, "len {len}");
            // Continuing from a CRC, at every split of the bytes.
            let (a, b) = data[..len].split_at(len / 3);
            assert_eq!(update(crc16(a), b), sdk, "len {len}, split");
        }
        // CRC-16/ARC check value.
        assert_eq!(crc16(b"123456789"), 0xBB3D);
    }
}
