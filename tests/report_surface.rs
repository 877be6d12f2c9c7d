//! The report's surface strip over the town fixtures (`tests/maps/`): with `--map` each
//! run's chart has a strip whose stretches follow the legs the generator ran (known
//! second by second: a steady 6:00/km along the legs), a legend and words in the
//! chart's description; without a map there is no strip and nothing is invented.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::Path;

use common::{code, easyrun_with, repo, stderr, temp_dir};
use easyrun_testkit::town::{TownRun, town_runs};

/// Share of the run's seconds whose strip class must be the true class. The matcher
/// is judged on distance shares within 5 % (tests/cli_maps.rs); the strip adds the
/// bucket rounding at each change of surface (a few seconds per change).
const AGREEMENT_MIN: f64 = 0.9;

/// `(class, start_s, end_s)` of every stretch of the strip, in page order.
fn strip(html: &str) -> Vec<(String, u32, u32)> {
    let attr = |rest: &str, name: &str| -> u32 {
        let from = rest.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let len = rest[from..].find('"').unwrap();
        rest[from..from + len].parse().unwrap()
    };
    html.split("<rect class=\"surf surf-")
        .skip(1)
        .map(|rest| {
            let class = rest[..rest.find('"').unwrap()].to_string();
            (class, attr(rest, "data-start-s"), attr(rest, "data-end-s"))
        })
        .collect()
}

/// The true class at second `t_s` of `run` (the generator's runner: 1000/360 m/s).
fn truth_at(run: &TownRun, t_s: u32) -> &'static str {
    let mut d = f64::from(t_s) * 1000.0 / 360.0;
    for l in &run.legs {
        let len = (l.to.0 - l.from.0).hypot(l.to.1 - l.from.1);
        if d < len {
            return l.truth;
        }
        d -= len;
    }
    run.legs.last().unwrap().truth
}

fn report(path: &str, map: bool, cache: &Path) -> String {
    let page = cache.join(format!("{}-{map}.html", Path::new(path).display()).replace('/', "_"));
    let mut args = vec!["report", "--max-hr", "190", "--rest-hr", "50", "-q"];
    if map {
        args.extend(["--map", "tests/maps/town.osm"]);
    }
    args.extend(["-o", page.to_str().unwrap(), path]);
    let out = easyrun_with(
        repo(),
        &args,
        &[("XDG_CACHE_HOME", cache.to_str().unwrap())],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    std::fs::read_to_string(&page).unwrap()
}

#[test]
fn the_strip_follows_the_surfaces_the_runs_were_on() {
    let cache = temp_dir("surface-strip");
    for run in town_runs() {
        let path = format!("tests/maps/runs/{}", run.name);
        let html = report(&path, true, &cache);
        let stretches = strip(&html);
        assert!(!stretches.is_empty(), "{}: no strip", run.name);
        // At most one stretch per curve bucket, in time order, never overlapping.
        assert!(stretches.len() <= 600);
        for pair in stretches.windows(2) {
            assert!(pair[0].2 <= pair[1].1, "{}: {pair:?}", run.name);
        }
        let end_s = stretches.last().unwrap().2;
        let mut agree = 0u32;
        let mut covered = 0u32;
        for t in 0..end_s {
            if let Some((class, _, _)) = stretches.iter().find(|s| s.1 <= t && t < s.2) {
                covered += 1;
                agree += u32::from(class == truth_at(&run, t));
            }
        }
        let agreement = f64::from(agree) / f64::from(covered);
        assert!(
            agreement >= AGREEMENT_MIN,
            "{}: {agreement:.3} of {covered} s agree: {stretches:?}",
            run.name
        );
        // The run moves throughout: the strip covers nearly all of it.
        assert!(
            f64::from(covered) >= 0.97 * f64::from(end_s),
            "{}",
            run.name
        );
        // Every surface the run spent a minute on has its stretch and legend entry.
        for class in ["paved", "unpaved", "unknown"] {
            let true_s = (0..end_s).filter(|&t| truth_at(&run, t) == class).count();
            if true_s >= 60 {
                assert!(
                    stretches.iter().any(|s| s.0 == class && s.2 - s.1 >= 30),
                    "{}: no {class} stretch: {stretches:?}",
                    run.name
                );
                assert!(
                    html.contains(&format!("<span class=\"key key-surf-{class}\"></span>")),
                    "{}: no {class} legend",
                    run.name
                );
            }
        }
        // Titled in words, and told in the chart's description with the shares.
        let clock = |s: u32| {
            if s >= 3600 {
                format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
            } else {
                format!("{:02}:{:02}", s / 60, s % 60)
            }
        };
        for (class, start_s, end_s) in &stretches {
            let title = format!(
                "<title>{class} {}–{}</title>",
                clock(*start_s),
                clock(*end_s)
            );
            assert!(html.contains(&title), "{}: {title}", run.name);
        }
        assert!(html.contains("Surface from the map: "), "{}", run.name);
        assert!(html.contains("elevation and surface of"), "{}", run.name);
    }
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn without_a_map_there_is_no_strip() {
    let cache = temp_dir("surface-strip-none");
    let html = report("tests/maps/runs/park_grass_untagged.gpx", false, &cache);
    assert!(strip(&html).is_empty());
    assert!(!html.contains("Surface from the map"));
    assert!(!html.contains("key-surf-paved\"></span>"));
    assert!(html.contains("Heart rate, pace and elevation of"));
    let _ = std::fs::remove_dir_all(&cache);
}
