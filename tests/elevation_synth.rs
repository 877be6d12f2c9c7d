//! Honest elevation on synthetic runs written by the project's own writers: barometric
//! altitude counts metre-level climbing, phone altitude wander never makes a flat run
//! hilly, and real hills on a noisy phone still read hilly (docs/metrics.md, Terrain).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use easyrun::metrics::{TerrainClass, terrain};
use easyrun::model::{AltitudeTreatment, Position, RawActivity, Timestamp};
use easyrun_testkit::fit::{FitOptions, encode as fit_encode};
use easyrun_testkit::gpx::{GpxFlavour, encode as gpx_encode};
use easyrun_testkit::synth::RunSpec;

const VIENNA: Position = Position {
    lat_deg: 48.2,
    lon_deg: 16.37,
};

fn start() -> Timestamp {
    Timestamp::parse_rfc3339("2025-03-11T06:30:00Z").unwrap()
}

fn read(name: &str, bytes: &[u8]) -> RawActivity {
    easyrun::ingest::read_bytes(name, bytes)
        .into_iter()
        .next()
        .unwrap()
        .unwrap()
}

fn terrain_of(raw: &RawActivity) -> (terrain::Terrain, AltitudeTreatment) {
    let a = easyrun::clean::clean(raw);
    (
        terrain::terrain(&a, a.cleaning.altitude_hysteresis_m, false),
        a.cleaning.altitude,
    )
}

#[test]
fn a_gentle_barometric_run_keeps_its_24_metres() {
    // 95 min at 6:00 /km on 3-m rises every 2 km (≈ 24 m in all), FIT altitude with a
    // barometer's 0.1 m jitter.
    for seed in [1, 2] {
        let run = RunSpec::new(start(), 95 * 60)
            .pace(360.0)
            .sensor_noise(0.0, 0.1)
            .hilly(1.5, 2000.0)
            .route(VIENNA, 3000.0)
            .seed(seed)
            .build();
        let raw = read("gentle.fit", &fit_encode(&run, &FitOptions::default()));
        let (t, treatment) = terrain_of(&raw);
        assert_eq!(treatment, AltitudeTreatment::Barometric);
        let ascent = t.ascent_m.unwrap();
        assert!((18.0..=26.0).contains(&ascent), "seed {seed}: {ascent} m");
        assert_eq!(t.class, Some(TerrainClass::Flat));
    }
}

#[test]
fn phone_altitude_wander_never_makes_a_flat_run_hilly() {
    // 45 min flat, 5–8 m of position noise and 3–10 m of correlated altitude wander.
    for (gps_m, alt_m) in [(5.0, 3.0), (5.0, 6.0), (8.0, 10.0)] {
        for seed in [1, 2, 3] {
            let run = RunSpec::new(start(), 45 * 60)
                .pace(360.0)
                .sensor_noise(gps_m, alt_m)
                .route(VIENNA, 1500.0)
                .seed(seed)
                .build();
            let raw = read("phone.gpx", &gpx_encode(&run, GpxFlavour::Gpx10));
            let (t, treatment) = terrain_of(&raw);
            assert_eq!(treatment, AltitudeTreatment::Gps, "{alt_m} m");
            assert_eq!(
                t.class,
                Some(TerrainClass::Flat),
                "{alt_m} m wander, seed {seed}: {:?} m, steep {:?}",
                t.ascent_m,
                t.steep_share
            );
        }
    }
}

#[test]
fn real_hills_under_phone_noise_still_read_hilly() {
    // ±15 m every km (30 m/km of climbing) under 6 m of wander.
    let run = RunSpec::new(start(), 45 * 60)
        .pace(360.0)
        .sensor_noise(5.0, 6.0)
        .hilly(15.0, 1000.0)
        .route(VIENNA, 1500.0)
        .seed(7)
        .build();
    let raw = read("hilly_phone.gpx", &gpx_encode(&run, GpxFlavour::Gpx10));
    let (t, _) = terrain_of(&raw);
    assert_eq!(t.class, Some(TerrainClass::Hilly), "{:?}", t.ascent_m);
}
