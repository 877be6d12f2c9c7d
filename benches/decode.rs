//! Decode throughput per format on one core, against the crates a naive build would use:
//! easyrun's FIT decoder vs `fitparser`, easyrun's GPX reader vs the `gpx` crate (which
//! reads less: it drops the extensions holding heart rate) and vs the quick-xml reader
//! it replaced (`gpx::read_quick_xml`), and the TCX reader vs its quick-xml one.
//! Input: a synthetic 1 h run at 1 Hz with position, altitude, HR and cadence, made by
//! the project's own writer. Ratios: `python3 benches/ratios.py` after a run.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use easyrun::model::Timestamp;
use easyrun_testkit::{fit, gpx, synth::RunSpec, tcx};

fn one_hour_run() -> easyrun::RawActivity {
    // 2025-06-01T07:00:00Z, 60 min at 5:30 /km.
    RunSpec::new(Timestamp::from_unix_s(1_748_761_200), 3600)
        .pace(330.0)
        .hr(130.0, 142.0)
        .seed(7)
        .build()
}

fn bench_fit(c: &mut Criterion) {
    let bytes = fit::encode(&one_hour_run(), &fit::FitOptions::garmin(3990));
    let mut g = c.benchmark_group("fit");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("easyrun", |b| {
        b.iter(|| easyrun::ingest::fit::read(black_box(&bytes), "bench.fit"))
    });
    g.bench_function("crc_only", |b| {
        b.iter(|| easyrun::ingest::fit::crc::crc16(black_box(&bytes)))
    });
    g.sample_size(10);
    g.bench_function("fitparser", |b| {
        b.iter(|| fitparser::from_bytes(black_box(&bytes)))
    });
    g.finish();
}

fn bench_gpx(c: &mut Criterion) {
    let bytes = gpx::encode(&one_hour_run(), gpx::GpxFlavour::GarminConnect);
    let mut g = c.benchmark_group("gpx");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("easyrun", |b| {
        b.iter(|| easyrun::ingest::gpx::read(black_box(&bytes), "bench.gpx"))
    });
    g.bench_function("quick_xml", |b| {
        b.iter(|| easyrun::ingest::gpx::read_quick_xml(black_box(&bytes), "bench.gpx"))
    });
    g.sample_size(20);
    g.bench_function("gpx_crate", |b| {
        b.iter(|| ::gpx::read(std::io::Cursor::new(black_box(&bytes))))
    });
    g.finish();
}

fn bench_tcx(c: &mut Criterion) {
    let bytes = tcx::encode(&one_hour_run());
    let mut g = c.benchmark_group("tcx");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("easyrun", |b| {
        b.iter(|| easyrun::ingest::tcx::read(black_box(&bytes), "bench.tcx"))
    });
    g.bench_function("quick_xml", |b| {
        b.iter(|| easyrun::ingest::tcx::read_quick_xml(black_box(&bytes), "bench.tcx"))
    });
    g.finish();
}

criterion_group!(benches, bench_fit, bench_gpx, bench_tcx);
criterion_main!(benches);
