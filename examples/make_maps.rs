//! Writes the map fixtures under `tests/maps/`: the town as OSM XML (`town.osm`), the
//! same town placed in another country (`elsewhere.osm`, a map of the wrong area), and
//! the GPX runs over it (`runs/*.gpx`). With osmium-tool installed (Debian package
//! `osmium-tool`) it also makes the PBF twin:
//! `osmium cat tests/maps/town.osm -o tests/maps/town.osm.pbf --overwrite`.
//!
//! Run: `cargo run --example make_maps`.

use std::path::Path;
use std::process::Command;

use easyrun::write::gpx::{self, GpxFlavour};
use easyrun::write::town::{ORIGIN, osm_xml, run_activity, town_runs, town_ways};

fn main() -> std::io::Result<()> {
    let dir = Path::new("tests/maps");
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
        .args([
            "cat",
            "tests/maps/town.osm",
            "-o",
            "tests/maps/town.osm.pbf",
            "--overwrite",
        ])
        .status();
    match status {
        Ok(s) if s.success() => println!("wrote tests/maps (with town.osm.pbf)"),
        _ => eprintln!("osmium-tool not found: town.osm.pbf left as it was"),
    }
    Ok(())
}
