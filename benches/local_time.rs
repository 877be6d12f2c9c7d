//! What a run's local time costs per activity: `local_time::resolve` on a run with a
//! start position (the boundary-data lookup and the tz database's offset), on a FIT run
//! that states its offset (the same, to name the zone), and on a treadmill run (no
//! lookup), against the FIT decode of the same one-hour run as the same-run baseline.
//! The boundary data is opened before the timing (once per process: a few ms).
//! `python3 benches/ratios.py` does not read these; criterion prints the times, and the
//! ratio to `decode_1h_fit` is the figure to compare (docs/decisions.md §20).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use easyrun::local_time::{self, Zone};
use easyrun::model::{OffsetField, Position, StatedOffset, Timestamp};
use easyrun_testkit::{fit, synth::RunSpec};

fn bench_local_time(c: &mut Criterion) {
    // 2025-06-01T07:00:00Z, one hour, in Boulder.
    let start = Timestamp::from_unix_s(1_748_761_200);
    let boulder = Position {
        lat_deg: 40.015,
        lon_deg: -105.27,
    };
    let gpx_like = RunSpec::new(start, 3600).route(boulder, 2000.0).build();
    let mut fit_run = gpx_like.clone();
    fit_run.stated_offsets.push(StatedOffset {
        utc_offset_s: -6 * 3600,
        field: OffsetField::ActivityLocalTimestamp,
    });
    let treadmill = RunSpec::new(start, 3600).treadmill().build();
    let bytes = fit::encode(&fit_run, &fit::FitOptions::garmin(3990));
    let configured = Zone::named("America/Denver");
    // Open the boundary data and parse the zone once, as the first file of a batch does.
    black_box(local_time::resolve(&gpx_like, None));

    let mut g = c.benchmark_group("local_time");
    g.bench_function("decode_1h_fit", |b| {
        b.iter(|| easyrun::ingest::fit::read(black_box(&bytes), "bench.fit"))
    });
    g.bench_function("by_position", |b| {
        b.iter(|| local_time::resolve(black_box(&gpx_like), None))
    });
    g.bench_function("fit_offset_and_zone", |b| {
        b.iter(|| local_time::resolve(black_box(&fit_run), None))
    });
    g.bench_function("treadmill_configured", |b| {
        b.iter(|| local_time::resolve(black_box(&treadmill), configured.as_ref()))
    });
    g.finish();
}

criterion_group!(benches, bench_local_time);
criterion_main!(benches);
