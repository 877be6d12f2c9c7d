//! Map bench (docs/performance.md, "Surface from the map"). Uses only `surface::open`
//! and the index's counts, so `benches/maps.sh` can build this same file against an
//! older revision and compare in one run.
//!
//! - `bench_maps build FILE CACHE` builds FILE's index into the empty directory CACHE
//!   and prints the counts, the index size, the build time and the process's peak
//!   resident memory (VmHWM, Linux) as `key=value` lines.
//! - `bench_maps reopen FILE CACHE` opens it again from CACHE (memory map + checksum).
//! - `bench_maps match` matches an 80-minute run over the town fixture and prints the
//!   cost per hour of running, with the ratio to cleaning + analysing the same
//!   activity measured in the same run.

use std::path::Path;
use std::time::Instant;

use easyrun::analyze::Settings;
use easyrun::clean;
use easyrun::surface::{self, Params, surface_from_maps};
use easyrun_testkit::town::{ORIGIN, TownRun, run_activity, town_runs};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || -> ! {
        eprintln!("usage: bench_maps build FILE CACHE | reopen FILE CACHE | match");
        std::process::exit(2);
    };
    match (args.first().map(String::as_str), args.get(1), args.get(2)) {
        (Some("build"), Some(file), Some(cache)) => build(Path::new(file), Path::new(cache)),
        (Some("reopen"), Some(file), Some(cache)) => reopen(Path::new(file), Path::new(cache)),
        (Some("match"), _, _) => matching(),
        _ => usage(),
    }
}

/// Peak resident set of this process so far, MB (Linux: VmHWM), else 0.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn build(path: &Path, cache: &Path) {
    let _ = std::fs::remove_dir_all(cache);
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let started = Instant::now();
    let mut last = None;
    let opened = surface::open(path, Some(cache), &mut |p| {
        if last != Some(p.phase) {
            eprintln!(
                "{:>7.1} s  {}  (peak RSS so far {:.0} MB)",
                started.elapsed().as_secs_f64(),
                p.phase.as_str(),
                peak_rss_mb()
            );
            last = Some(p.phase);
        }
    });
    let build_s = started.elapsed().as_secs_f64();
    let peak = peak_rss_mb();
    match opened {
        Ok(map) => {
            let c = map.index.counts();
            println!("map_mb={:.1}", size as f64 / 1e6);
            println!("build_s={build_s:.1}");
            println!("peak_rss_mb={peak:.0}");
            println!("index_mb={:.1}", map.index.len_bytes() as f64 / 1e6);
            println!(
                "counts: {} ways, {} nodes, {} vertices, {} chunks; cached: {}",
                c.ways,
                c.nodes,
                c.refs,
                c.chunks,
                map.cache_file.is_some()
            );
        }
        Err(e) => {
            println!("error: {e}");
            std::process::exit(1);
        }
    }
}

fn reopen(path: &Path, cache: &Path) {
    let t = Instant::now();
    let again = surface::open(path, Some(cache), &mut |_| {});
    println!("reopen_s={:.3}", t.elapsed().as_secs_f64());
    println!("rebuilt={}", again.map(|m| m.built).unwrap_or(true));
    let _ = std::fs::remove_dir_all(cache);
}

fn matching() {
    // The repository's tests/maps (this file lives in crates/testkit/examples).
    let kit = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = kit.ancestors().nth(2).unwrap_or(kit).join("tests/maps");
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
    println!("match_ms_per_h={:.2}", match_s * 1e3 / hours);
    println!("analyse_ms={:.2}", analyse_s * 1e3);
    println!("match_over_analyse={:.2}", match_s / analyse_s);
    println!("matching {hours:.2} h of running: {:.2} ms", match_s * 1e3);
    if let Some(Ok(s)) = shares {
        println!(
            "shares: paved {:.3}, unpaved {:.3}, unknown {:.3}",
            s.shares.paved, s.shares.unpaved, s.shares.unknown
        );
    }
}
