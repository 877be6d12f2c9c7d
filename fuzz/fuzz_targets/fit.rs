//! Any bytes into the FIT reader: a typed error or an activity, never a panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = easyrun::ingest::fit::read(data, "fuzz.fit") {
        assert!(!a.samples.is_empty());
    }
});
