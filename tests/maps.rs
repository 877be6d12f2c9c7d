//! Surface from the map on the project's town fixtures (`tests/maps/`, written by
//! `cargo run -p easyrun-testkit --example make_maps`): the XML and its osmium-made PBF
//! twin read the same, the shares of each noisy GPX run match the truth of its legs, the
//! matcher keeps to a sidewalk beside a road and to a dirt path beside another, and bad
//! maps are typed errors that leave the run without a map surface. The command line's
//! side is in tests/cli_maps.rs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};

use easyrun::clean;
use easyrun::ingest;
use easyrun::model::Activity;
use easyrun::surface::{self, Map, MapErrorKind, NoMapSurface, Params, surface_from_maps};
use easyrun_testkit::town::{self, ORIGIN, town_runs, ways};

use common::temp_dir;

/// Shares must match the truth of the legs within this, as a fraction of distance.
const SHARE_TOLERANCE: f64 = 0.05;

fn maps_dir() -> PathBuf {
    common::repo().join("tests/maps")
}

fn open(path: &Path, cache_dir: Option<&Path>) -> Result<Map, surface::MapError> {
    surface::open(path, cache_dir, &mut |_| {})
}

fn activity(name: &str) -> Activity {
    let raw = ingest::read_path(&maps_dir().join("runs").join(name))
        .into_iter()
        .next()
        .unwrap()
        .unwrap();
    clean::clean(&raw)
}

#[test]
fn fixtures_are_what_the_generator_writes() {
    let xml = town::osm_xml(ORIGIN, &town::town_ways());
    assert_eq!(
        std::fs::read_to_string(maps_dir().join("town.osm")).unwrap(),
        xml,
        "tests/maps/town.osm is stale: cargo run -p easyrun-testkit --example make_maps"
    );
    for run in town_runs() {
        let bytes = easyrun_testkit::gpx::encode(
            &town::run_activity(ORIGIN, &run),
            easyrun_testkit::gpx::GpxFlavour::Strava,
        );
        assert_eq!(
            std::fs::read(maps_dir().join("runs").join(run.name)).unwrap(),
            bytes,
            "{} is stale",
            run.name
        );
    }
}

/// Every way of an index: OSM id, class, and its vertices' node index and position.
type IndexWay = (i64, easyrun::surface::WayClass, Vec<(u32, i32, i32)>);

fn index_ways(map: &Map) -> Vec<IndexWay> {
    (0..map.index.counts().ways as u32)
        .map(|w| {
            let (id, range, class) = map.index.way(w).unwrap();
            let vertices = range.map(|r| map.index.vertex(r).unwrap()).collect();
            (id, class, vertices)
        })
        .collect()
}

#[test]
fn xml_and_pbf_twin_read_the_same() {
    let xml = open(&maps_dir().join("town.osm"), None).unwrap();
    let pbf = open(&maps_dir().join("town.osm.pbf"), None).unwrap();
    // 12 highways; the three buildings are not kept.
    assert_eq!(xml.index.counts().ways, 12);
    assert_eq!(xml.index.counts(), pbf.index.counts());
    assert_eq!(index_ways(&xml), index_ways(&pbf));
    assert_eq!(xml.index.ways_missing_nodes, 0);
    // Bounds: the XML's <bounds>; osmium carries them into the PBF header.
    let (bx, bp) = (xml.index.bounds.unwrap(), pbf.index.bounds.unwrap());
    assert!((bx.min_lat - bp.min_lat).abs() <= 1 && (bx.max_lon - bp.max_lon).abs() <= 1);
    let x = index_ways(&xml);
    let classes: Vec<(i64, &str, &str)> = x
        .iter()
        .map(|(id, class, _)| {
            (
                *id,
                class.surface.as_str(),
                if class.evidence.is_tagged() {
                    "tagged"
                } else {
                    "inferred"
                },
            )
        })
        .collect();
    assert_eq!(
        classes,
        vec![
            (ways::HIGH_STREET, "paved", "tagged"),
            (ways::SIDEWALK, "paved", "tagged"),
            (ways::CROSSING_WEST, "paved", "inferred"),
            (ways::CROSSING_EAST, "paved", "inferred"),
            (ways::MILL_LANE, "paved", "inferred"),
            (ways::RING_ROAD, "paved", "inferred"),
            (ways::DIRT_PATH, "unpaved", "tagged"),
            (ways::DIRT_LINK_SOUTH, "unpaved", "tagged"),
            (ways::DIRT_LINK_NORTH, "unpaved", "tagged"),
            (ways::FOREST_TRACK, "unpaved", "tagged"),
            (ways::GRASS_PATH, "unpaved", "tagged"),
            (ways::UNTAGGED_PATH, "unknown", "inferred"),
        ]
    );
}

fn shares_of(run: &str, map: &Map) -> easyrun::surface::MapSurface {
    surface_from_maps(
        &activity(run),
        std::slice::from_ref(map),
        &Params::default(),
    )
    .unwrap()
}

#[test]
fn shares_match_the_truth_of_every_run() {
    let map = open(&maps_dir().join("town.osm.pbf"), None).unwrap();
    for run in town_runs() {
        let s = shares_of(run.name, &map);
        let (paved, unpaved, unknown) = run.truth();
        println!(
            "{}: paved {:.3} (truth {paved:.3}), unpaved {:.3} ({unpaved:.3}), unknown {:.3} ({unknown:.3}), off map {:.3}, confidence {:.2}, σ {:.1} m, longest paved {:.0} m",
            run.name,
            s.shares.paved,
            s.shares.unpaved,
            s.shares.unknown,
            s.off_map_share,
            s.confidence,
            s.gps_sigma_m,
            s.longest_paved_m
        );
        let sum = s.shares.paved + s.shares.unpaved + s.shares.unknown;
        assert!((sum - 1.0).abs() < 1e-9);
        for (what, got, want) in [
            ("paved", s.shares.paved, paved),
            ("unpaved", s.shares.unpaved, unpaved),
            ("unknown", s.shares.unknown, unknown),
        ] {
            assert!(
                (got - want).abs() <= SHARE_TOLERANCE,
                "{}: {what} {got:.3} vs truth {want:.3}",
                run.name
            );
        }
        assert!(
            s.confidence > 0.8,
            "{}: confidence {}",
            run.name,
            s.confidence
        );
    }
}

#[test]
fn the_loop_keeps_to_the_sidewalk_and_the_dirt_path() {
    let map = open(&maps_dir().join("town.osm"), None).unwrap();
    // At 5 m of noise the sidewalk 8 m from the road is told apart; at 8 m the two are
    // within one σ of each other and the matcher may keep to either, both paved.
    for (name, min_sidewalk) in [
        ("loop_sidewalk_dirt_track.gpx", 0.9),
        ("loop_noisy_8m.gpx", 0.5),
    ] {
        let a = activity(name);
        let points: Vec<(f64, f64)> = a
            .seconds
            .iter()
            .filter(|s| s.moving)
            .filter_map(|s| s.position.map(|p| (p.lat_deg, p.lon_deg)))
            .step_by(4)
            .collect();
        let m = surface::match_points(&map.index, &points, &Params::default());
        // Points whose true position is mid-sidewalk (x 200–1000 on y = 8) and mid-dirt
        // path (y 150–850 at x = 1215): 6:00/km = 2.78 m/s, every 4th second.
        let true_xy = |i: usize| {
            let d = i as f64 * 4.0 * 1000.0 / 360.0;
            if d < 108.0 {
                (d, 0.0)
            } else if (108.0..1108.0).contains(&d) {
                (100.0 + d - 108.0, 8.0)
            } else {
                (-1.0, -1.0)
            }
        };
        let (mut sidewalk, mut street, mut paved, mut total) = (0, 0, 0, 0);
        for (i, p) in m.points.iter().enumerate() {
            let (x, _) = true_xy(i);
            if (200.0..1000.0).contains(&x) {
                total += 1;
                if p.surface() == easyrun::surface::SurfaceClass::Paved {
                    paved += 1;
                }
                match p.way.map(|w| w.0) {
                    Some(ways::SIDEWALK) => sidewalk += 1,
                    Some(ways::HIGH_STREET) => street += 1,
                    _ => {}
                }
            }
        }
        let share = sidewalk as f64 / total as f64;
        println!(
            "{name}: {share:.2} of sidewalk points matched to the sidewalk, {street} to the street"
        );
        assert!(total > 50);
        assert!(share >= min_sidewalk, "{name}: sidewalk share {share}");
        assert!(
            sidewalk + street >= total - 2,
            "{name}: {sidewalk} + {street} of {total}"
        );
        assert!(paved >= total - 1, "{name}: {paved} of {total} paved");
        // The dirt path runs 15 m beside Ring Road: nearly every point there is on it.
        let dirt = m
            .points
            .iter()
            .filter(|p| p.way.map(|w| w.0) == Some(ways::DIRT_PATH))
            .count();
        let ring = m
            .points
            .iter()
            .filter(|p| p.way.map(|w| w.0) == Some(ways::RING_ROAD))
            .count();
        println!("{name}: dirt path {dirt} points, Ring Road {ring}");
        assert!(
            dirt > 50 && ring <= dirt / 20,
            "{name}: dirt {dirt} ring {ring}"
        );
    }
}

#[test]
fn a_run_leaving_the_map_is_unknown_off_the_map() {
    let map = open(&maps_dir().join("town.osm"), None).unwrap();
    let s = shares_of("leaves_the_map.gpx", &map);
    let (_, _, unknown) = town_runs()
        .into_iter()
        .find(|r| r.name == "leaves_the_map.gpx")
        .unwrap()
        .truth();
    assert!(
        (s.off_map_share - unknown).abs() <= SHARE_TOLERANCE,
        "{s:?}"
    );
    assert!(
        s.shares.unpaved < 0.02,
        "open country is not invented: {s:?}"
    );
}

#[test]
fn a_map_of_the_wrong_area_gives_nothing() {
    let elsewhere = open(&maps_dir().join("elsewhere.osm"), None).unwrap();
    let a = activity("park_grass_untagged.gpx");
    assert_eq!(
        surface_from_maps(&a, std::slice::from_ref(&elsewhere), &Params::default()),
        Err(NoMapSurface::NotCovered)
    );
    // With the right map beside it, the right one is used.
    let town = open(&maps_dir().join("town.osm"), None).unwrap();
    let s = surface_from_maps(&a, &[elsewhere, town], &Params::default()).unwrap();
    assert!(s.map.ends_with("town.osm"), "{}", s.map);
    assert_eq!(
        surface_from_maps(&a, &[], &Params::default()),
        Err(NoMapSurface::NoMaps)
    );
}

#[test]
fn a_run_without_gps_gets_no_map_surface() {
    let start = easyrun::model::Timestamp::parse_rfc3339("2025-05-04T07:00:00Z").unwrap();
    let raw = easyrun_testkit::synth::RunSpec::new(start, 1800)
        .treadmill()
        .build();
    let map = open(&maps_dir().join("town.osm"), None).unwrap();
    assert_eq!(
        surface_from_maps(&clean::clean(&raw), &[map], &Params::default()),
        Err(NoMapSurface::NoGps)
    );
}

#[test]
fn bad_maps_are_typed_errors_naming_the_file() {
    let dir = temp_dir("bad");
    let pbf = std::fs::read(maps_dir().join("town.osm.pbf")).unwrap();
    let kind = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        let e = open(&p, None).expect_err("an error");
        assert_eq!(e.path, p);
        assert!(e.to_string().contains(name), "{e}");
        e.kind
    };
    let truncated = kind("truncated.osm.pbf", &pbf[..pbf.len() * 2 / 3]);
    assert!(
        matches!(truncated, MapErrorKind::TruncatedPbf { .. }),
        "{truncated:?}"
    );
    let mut flipped = pbf.clone();
    for b in flipped.iter_mut().skip(200).take(200) {
        *b ^= 0x5A;
    }
    let corrupt = kind("corrupt.osm.pbf", &flipped);
    assert!(
        matches!(
            corrupt,
            MapErrorKind::CorruptPbf { .. } | MapErrorKind::TruncatedPbf { .. }
        ),
        "{corrupt:?}"
    );
    let gpx = std::fs::read(maps_dir().join("runs/open_field.gpx")).unwrap();
    assert_eq!(kind("run.gpx", &gpx).kind(), "not_osm");
    assert_eq!(kind("empty.osm", b"").kind(), "not_osm");
    assert_eq!(
        kind("noise.bin", &[0xde, 0xad, 0xbe, 0xef, 1, 2, 3]).kind(),
        "not_osm"
    );
    let missing = open(&dir.join("missing.osm.pbf"), None).err().unwrap();
    assert_eq!(missing.kind.kind(), "unreadable");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_index_is_cached_and_a_damaged_one_is_rebuilt() {
    let cache_dir = temp_dir("cache");
    let src = cache_dir.join("town.osm");
    std::fs::copy(maps_dir().join("town.osm"), &src).unwrap();
    // Leftovers of a killed build two days ago are swept; a running build's are not.
    let stale = cache_dir.join(".town.osm-0.idx.1234.0.tmp");
    let fresh = cache_dir.join(".town.osm-0.idx.1235.0.tmp");
    for p in [&stale, &fresh] {
        std::fs::write(p, b"partial").unwrap();
    }
    let two_days = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(two_days)
        .unwrap();
    let first = open(&src, Some(&cache_dir)).unwrap();
    assert!(first.built && first.cache_warning.is_none());
    let cf = first.cache_file.clone().unwrap();
    assert!(cf.starts_with(&cache_dir));
    assert!(!stale.exists() && fresh.exists());
    std::fs::remove_file(&fresh).unwrap();
    // The build leaves the index and nothing else beside the map.
    let mut left: Vec<String> = std::fs::read_dir(&cache_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        vec![
            "town.osm".to_string(),
            cf.file_name().unwrap().to_string_lossy().into_owned(),
        ]
    );
    let counts = first.index.counts();
    drop(first);
    let second = open(&src, Some(&cache_dir)).unwrap();
    assert!(!second.built, "the second open reads the cache");
    assert_eq!(second.index.counts(), counts);
    drop(second);
    // Damage in the middle of the file: caught by the checksum, rebuilt.
    let mut bytes = std::fs::read(&cf).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xFF;
    std::fs::write(&cf, &bytes).unwrap();
    let third = open(&src, Some(&cache_dir)).unwrap();
    assert!(third.built, "a damaged index is rebuilt");
    drop(third);
    // Truncated: rebuilt too.
    let len = std::fs::metadata(&cf).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&cf)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    assert!(open(&src, Some(&cache_dir)).unwrap().built);
    // A cache that cannot be written: the index lives in memory, with a warning.
    let blocker = cache_dir.join("not-a-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let mem = open(&src, Some(&blocker)).unwrap();
    assert!(mem.built && mem.cache_file.is_none() && mem.cache_warning.is_some());
    assert_eq!(mem.index.counts(), counts);
    let _ = std::fs::remove_dir_all(&cache_dir);
}
