//! Distance from positions on phone-quality GPX: a synthetic 26-min run on a 1.1 km
//! loop with 5 and 8 m of correlated position noise (AR(1), ρ = 0.9 per second), written
//! as GPX 1.0 by the project's writer and read back. The raw great-circle sum reads
//! +35 % / +85 %; the smoothed track must stay within 4 % of the true distance, and a
//! clean track must read as recorded (docs/metrics.md, distance from positions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use easyrun::model::{Position, Timestamp};
use easyrun_testkit::gpx::{GpxFlavour, encode};
use easyrun_testkit::synth::RunSpec;

/// (true distance, distance read from the GPX, raw great-circle sum of the fixes).
fn measure(noise_m: f64, seed: u64) -> (f64, f64, f64) {
    let start = Timestamp::parse_rfc3339("2025-03-11T06:30:00Z").unwrap();
    let run = RunSpec::new(start, 26 * 60)
        .pace(355.0)
        .sensor_noise(noise_m, 1.0)
        .route(
            Position {
                lat_deg: 48.2,
                lon_deg: 16.37,
            },
            1100.0,
        )
        .seed(seed)
        .build();
    let truth = run.samples.last().and_then(|s| s.distance_m).unwrap();
    let bytes = encode(&run, GpxFlavour::Gpx10);
    let raw = easyrun::ingest::read_bytes("noisy.gpx", &bytes)
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    let fixes: Vec<Position> = raw.samples.iter().filter_map(|s| s.position).collect();
    let raw_sum: f64 = fixes
        .windows(2)
        .map(|w| easyrun::model::geo::haversine_m(w[0], w[1]))
        .sum();
    let activity = easyrun::clean::clean(&raw);
    (truth, activity.moving_distance_m(), raw_sum)
}

#[test]
fn phone_noise_does_not_inflate_the_distance() {
    for noise in [5.0, 8.0] {
        for seed in [1, 2, 3] {
            let (truth, ours, raw) = measure(noise, seed);
            assert!(
                raw > 1.3 * truth,
                "noise {noise} seed {seed}: raw {raw} of {truth}"
            );
            assert!(
                (ours - truth).abs() < 0.04 * truth,
                "noise {noise} seed {seed}: {ours:.0} m of {truth:.0} m"
            );
        }
    }
}

#[test]
fn a_clean_track_reads_as_recorded() {
    let (truth, ours, raw) = measure(0.0, 1);
    assert!((ours - raw).abs() < 0.001 * truth, "{ours} vs raw {raw}");
    assert!((ours - truth).abs() < 0.005 * truth, "{ours} vs {truth}");
}
