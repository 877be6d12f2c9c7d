//! Writes the map fixtures under `tests/maps/`: the town as OSM XML (`town.osm`), the
//! same town placed in another country (`elsewhere.osm`, a map of the wrong area), and
//! the GPX runs over it (`runs/*.gpx`). With osmium-tool installed (Debian package
//! `osmium-tool`) it also makes the PBF twin:
//! `osmium cat tests/maps/town.osm -o tests/maps/town.osm.pbf --overwrite`.
//!
//! Run: `cargo run -p easyrun-testkit --example make_maps [DIR]` (default: the
//! repository's `tests/maps/`). Same code, same bytes; commit the result.

use std::path::{Path, PathBuf};
use std::process::Command;

use easyrun_testkit::gpx::{self, GpxFlavour};
use easyrun_testkit::town::{ORIGIN, osm_xml, run_activity, town_runs, town_ways};

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(repo_maps_dir);
    let dir = dir.as_path();
    std::fs::create_dir_all(dir.join("runs"))?;
    std::fs::write(dir.join("town.osm"), osm_xml(ORIGIN, &town_ways()))?;
    std::fs::write(
        dir.join("elsewhere.osm"),
        osm_xml((52.52, 13.40), &town_ways()),
    )?;
    for run in town_runs() {
        let activity = run_activity(ORIGIN, &run);
        std::fs::write(
            dir.join("runs").join(run.name),
            gpx::encode(&activity, GpxFlavour::Strava),
        )?;
    }
    let status = Command::new("osmium")
        .arg("cat")
        .arg(dir.join("town.osm"))
        .arg("-o")
        .arg(dir.join("town.osm.pbf"))
        .arg("--overwrite")
        .status();
    match status {
        Ok(s) if s.success() => println!("wrote {} (with town.osm.pbf)", dir.display()),
        _ => eprintln!("osmium-tool not found: town.osm.pbf left as it was"),
    }
    Ok(())
}

/// The repository's `tests/maps/`.
fn repo_maps_dir() -> PathBuf {
    let kit = Path::new(env!("CARGO_MANIFEST_DIR"));
    kit.ancestors().nth(2).unwrap_or(kit).join("tests/maps")
}
