//! Any bytes into the GPX reader: a typed error or activities, never a panic or hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(activities) = easyrun::ingest::gpx::read(data, "fuzz.gpx") {
        assert!(activities.iter().all(|a| !a.samples.is_empty()));
    }
});
