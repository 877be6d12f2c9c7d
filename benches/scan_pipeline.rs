//! The per-file work of `easyrun scan`, in memory and on one core, stage by stage:
//! FIT decode, clean, clean + metrics + judge, and the whole per-file digest (decode,
//! clean, sustained max HR, thresholds, metrics, judge), against `fitparser::from_bytes`
//! on the same bytes as the same-run baseline. `benches/scan.sh` measures the same
//! pipeline end to end on a whole export; this bench is for finding where time goes.
//!
//! Input: a synthetic 1 h run at 1 Hz like the bench export's (rolling hills, a pause,
//! two HR spikes), written by the project's FIT writer. Compare two states with
//! `cargo bench --bench scan_pipeline -- --save-baseline before` and
//! `--baseline before`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use easyrun::analyze::{Analyzed, Settings, analyze, analyze_raw};
use easyrun::clean;
use easyrun::model::Timestamp;
use easyrun::profile::ProfileFlags;
use easyrun_testkit::{fit, synth::RunSpec};

fn one_hour_run() -> easyrun::RawActivity {
    // 2025-06-01T07:00:00Z, 60 min at 5:40 /km.
    RunSpec::new(Timestamp::from_unix_s(1_748_761_200), 3600)
        .pace(340.0)
        .hr(132.0, 140.0)
        .hilly(15.0, 1500.0)
        .pause(1500, 45, false)
        .hr_spikes(2)
        .seed(11)
        .build()
}

fn settings() -> Settings {
    Settings {
        flags: ProfileFlags {
            max_hr: Some(190.0),
            rest_hr: Some(50.0),
            ..ProfileFlags::default()
        },
        ..Settings::default()
    }
}

/// What a batch does with one FIT file's bytes (pass 1, thresholds known): decode, then
/// the per-file pipeline.
fn per_file(bytes: &[u8], settings: &Settings) -> Option<Analyzed> {
    let raw = easyrun::ingest::fit::read(bytes, "bench.fit").ok()?;
    Some(analyze_raw(&raw, settings, None))
}

fn bench_pipeline(c: &mut Criterion) {
    let raw = one_hour_run();
    let bytes = fit::encode(&raw, &fit::FitOptions::garmin(3990));
    let decoded = easyrun::ingest::fit::read(&bytes, "bench.fit");
    let Ok(decoded) = decoded else {
        return;
    };
    let settings = settings();
    let mut g = c.benchmark_group("scan_pipeline");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("decode", |b| {
        b.iter(|| easyrun::ingest::fit::read(black_box(&bytes), "bench.fit"))
    });
    g.bench_function("clean", |b| b.iter(|| clean::clean(black_box(&decoded))));
    g.bench_function("analyze", |b| {
        b.iter(|| analyze(black_box(&decoded), &settings))
    });
    g.bench_function("per_file", |b| {
        b.iter(|| per_file(black_box(&bytes), &settings))
    });
    g.sample_size(10);
    g.bench_function("fitparser", |b| {
        b.iter(|| fitparser::from_bytes(black_box(&bytes)))
    });
    g.finish();
}

criterion_group!(benches, bench_pipeline);
criterion_main!(benches);
