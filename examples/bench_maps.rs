//! Map bench (docs/performance.md, "Surface from the map"):
//!
//! - `bench_maps index FILE` builds FILE's index into a fresh temporary cache and
//!   prints the counts, the index size and the build time (run it under
//!   `/usr/bin/time -v` for the peak RSS: `benches/maps.sh` does).
//! - `bench_maps match` matches an 80-minute run over the town fixture and prints the
//!   cost per hour of running, with the ratio to cleaning + analysing the same
//!   activity measured in the same run.

use std::time::Instant;

use easyrun::analyze::Settings;
use easyrun::clean;
use easyrun::surface::{self, Params, surface_from_maps};
use easyrun::write::town::{ORIGIN, TownRun, run_activity, town_runs};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("index") => {
            let Some(path) = args.get(1) else {
                eprintln!("usage: bench_maps index FILE");
                std::process::exit(2);
            };
            index(path);
        }
        Some("match") => matching(),
        _ => {
            eprintln!("usage: bench_maps index FILE | bench_maps match");
            std::process::exit(2);
        }
    }
}

fn index(path: &str) {
    let cache = std::env::temp_dir().join(format!("easyrun-bench-maps-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let started = Instant::now();
    let mut last = None;
    let opened = surface::open(std::path::Path::new(path), Some(&cache), &mut |p| {
        if last != Some(p.phase) {
            eprintln!(
                "{:>7.1} s  {}",
                started.elapsed().as_secs_f64(),
                p.phase.as_str()
            );
            last = Some(p.phase);
        }
    });
    let build_s = started.elapsed().as_secs_f64();
    match opened {
        Ok(map) => {
            let c = map.index.counts();
            println!(
                "map {path}: {:.1} MB; index {:.1} MB ({:.2} of the map); {} ways, {} nodes, {} vertices, {} chunks; built in {build_s:.1} s",
                size as f64 / 1e6,
                map.index.len_bytes() as f64 / 1e6,
                map.index.len_bytes() as f64 / size.max(1) as f64,
                c.ways,
                c.nodes,
                c.refs,
                c.chunks
            );
            let t = Instant::now();
            drop(map);
            let again = surface::open(std::path::Path::new(path), Some(&cache), &mut |_| {});
            println!(
                "reopen from cache (mmap + checksum): {:.3} s, built again: {}",
                t.elapsed().as_secs_f64(),
                again.map(|m| m.built).unwrap_or(true)
            );
        }
        Err(e) => println!("error: {e}"),
    }
    let _ = std::fs::remove_dir_all(&cache);
}

fn matching() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/maps");
    let map = match surface::open(&dir.join("town.osm.pbf"), None, &mut |_| {}) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    // Three laps of the fixture loop: about 80 minutes at 6:00/km.
    let lap = town_runs()
        .into_iter()
        .next()
        .map(|r| r.legs)
        .unwrap_or_default();
    let run = TownRun {
        name: "three_laps.gpx",
        legs: [lap.clone(), lap.clone(), lap].concat(),
        gps_sigma_m: 5.0,
        seed: 3,
    };
    let raw = run_activity(ORIGIN, &run);
    let activity = clean::clean(&raw);
    let hours = f64::from(activity.moving_s()) / 3600.0;
    let maps = vec![map];
    let params = Params::default();
    let settings = Settings {
        flags: easyrun::profile::ProfileFlags {
            max_hr: Some(190.0),
            rest_hr: Some(50.0),
            ..Default::default()
        },
        ..Default::default()
    };
    let reps = 20;
    // Baseline: clean + analyse the same raw activity, no map.
    let t = Instant::now();
    for _ in 0..reps {
        let _ = std::hint::black_box(easyrun::analyze::analyze(&raw, &settings));
    }
    let analyse_s = t.elapsed().as_secs_f64() / f64::from(reps);
    let t = Instant::now();
    let mut shares = None;
    for _ in 0..reps {
        shares = Some(std::hint::black_box(surface_from_maps(
            &activity, &maps, &params,
        )));
    }
    let match_s = t.elapsed().as_secs_f64() / f64::from(reps);
    println!(
        "matching {hours:.2} h of running: {:.2} ms ({:.2} ms per hour); clean + analyse the same run {:.2} ms; matching/analysis = {:.2}",
        match_s * 1e3,
        match_s * 1e3 / hours,
        analyse_s * 1e3,
        match_s / analyse_s
    );
    if let Some(Ok(s)) = shares {
        println!(
            "shares: paved {:.3}, unpaved {:.3}, unknown {:.3}",
            s.shares.paved, s.shares.unpaved, s.shares.unknown
        );
    }
}
