//! Any bytes into the TCX reader: a typed error or activities, never a panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(activities) = easyrun::ingest::tcx::read(data, "fuzz.tcx") {
        assert!(activities.iter().all(|a| !a.samples.is_empty()));
    }
});
