#![no_main]
//! Differential: the GPX and TCX readers (fast walker, quick-xml fallback) must return
//! exactly what the quick-xml readers return, for any input.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    assert_eq!(
        easyrun::ingest::gpx::read(data, "fuzz.gpx"),
        easyrun::ingest::gpx::read_quick_xml(data, "fuzz.gpx")
    );
    assert_eq!(
        easyrun::ingest::tcx::read(data, "fuzz.tcx"),
        easyrun::ingest::tcx::read_quick_xml(data, "fuzz.tcx")
    );
});
