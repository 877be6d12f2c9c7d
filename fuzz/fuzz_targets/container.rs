//! Any bytes through sniffing and the gzip/zip containers with small caps.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = easyrun::ingest::Limits {
        max_decompressed_bytes: 1 << 20,
        max_nesting: 3,
        ..Default::default()
    };
    let _ = easyrun::ingest::read_bytes_with("fuzz.bin", data, limits);
});
