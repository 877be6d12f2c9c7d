//! The map fixtures: a small fictional town written as OSM XML, and GPX runs over it
//! with realistic GPS noise, so the map surface can be tested against known truth.
//!
//! The town (origin 46.95 N, 7.44 E; x east, y north, metres):
//! - High Street (`residential`, `surface=asphalt`) along y = 0, x 0–1200, with a
//!   sidewalk (`footway=sidewalk`, `surface=paving_stones`) 8 m north of it from x 100
//!   to 1100, joined by crossings at both ends;
//! - Mill Lane (`residential`, no surface: paved by inference) along x = 0, y 0–1000;
//! - Ring Road (`primary`, no surface) along x = 1200, y 0–1000, and 15 m east of it a
//!   dirt path (`path`, `surface=dirt`) from y 50 to 950, joined at both ends;
//! - Forest Track (`track`, only `tracktype=grade3`) along y = 1000, x 0–1200;
//! - across the park at y = 500: a grass footway (`surface=grass`) from x 0 to 600 and
//!   an untagged path from 600 to 1200;
//! - buildings (not highways: must be ignored).
//!
//! The `.osm.pbf` twin is made from the XML with osmium-tool (Debian package
//! `osmium-tool`): `osmium cat tests/maps/town.osm -o tests/maps/town.osm.pbf`; see
//! `crates/testkit/examples/make_maps.rs`.
//!
//! GPS noise is a first-order autoregressive wander per axis (correlation 0.95 from
//! one second to the next, as phone and watch fixes drift rather than jump), with the
//! standard deviation the run asks for.

use std::fmt::Write as _;

use easyrun::model::{Position, RawActivity, Timestamp};

use crate::synth::{RunSpec, SplitMix64};

/// South-west corner of the town.
pub const ORIGIN: (f64, f64) = (46.95, 7.44);
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Metres → degrees around `origin`.
pub fn to_deg(origin: (f64, f64), x: f64, y: f64) -> (f64, f64) {
    let lat = origin.0 + (y / EARTH_RADIUS_M).to_degrees();
    let lon = origin.1 + (x / (EARTH_RADIUS_M * origin.0.to_radians().cos())).to_degrees();
    (lat, lon)
}

/// A way of the fixture map: its tags and its vertices in metres.
#[derive(Debug, Clone, PartialEq)]
pub struct TownWay {
    pub id: i64,
    pub tags: Vec<(&'static str, &'static str)>,
    pub points: Vec<(f64, f64)>,
}

/// Ids of the town's ways.
pub mod ways {
    pub const HIGH_STREET: i64 = 100;
    pub const SIDEWALK: i64 = 101;
    pub const CROSSING_WEST: i64 = 102;
    pub const CROSSING_EAST: i64 = 103;
    pub const MILL_LANE: i64 = 110;
    pub const RING_ROAD: i64 = 120;
    pub const DIRT_PATH: i64 = 121;
    pub const DIRT_LINK_SOUTH: i64 = 122;
    pub const DIRT_LINK_NORTH: i64 = 123;
    pub const FOREST_TRACK: i64 = 130;
    pub const GRASS_PATH: i64 = 140;
    pub const UNTAGGED_PATH: i64 = 141;
}

/// Points every `step` metres from `a` to `b` (both included).
fn line(a: (f64, f64), b: (f64, f64), step: f64) -> Vec<(f64, f64)> {
    let len = (b.0 - a.0).hypot(b.1 - a.1);
    let n = (len / step).ceil().max(1.0) as usize;
    (0..=n)
        .map(|i| {
            let f = i as f64 / n as f64;
            (a.0 + f * (b.0 - a.0), a.1 + f * (b.1 - a.1))
        })
        .collect()
}

/// The town's highways.
pub fn town_ways() -> Vec<TownWay> {
    use ways::*;
    let w = |id, tags: &[(&'static str, &'static str)], points| TownWay {
        id,
        tags: tags.to_vec(),
        points,
    };
    vec![
        w(
            HIGH_STREET,
            &[
                ("highway", "residential"),
                ("name", "High Street"),
                ("surface", "asphalt"),
            ],
            line((0.0, 0.0), (1200.0, 0.0), 50.0),
        ),
        w(
            SIDEWALK,
            &[
                ("highway", "footway"),
                ("footway", "sidewalk"),
                ("surface", "paving_stones"),
            ],
            line((100.0, 8.0), (1100.0, 8.0), 50.0),
        ),
        w(
            CROSSING_WEST,
            &[("highway", "footway"), ("footway", "crossing")],
            vec![(100.0, 8.0), (100.0, 0.0)],
        ),
        w(
            CROSSING_EAST,
            &[("highway", "footway"), ("footway", "crossing")],
            vec![(1100.0, 8.0), (1100.0, 0.0)],
        ),
        w(
            MILL_LANE,
            &[("highway", "residential"), ("name", "Mill Lane")],
            line((0.0, 0.0), (0.0, 1000.0), 50.0),
        ),
        w(
            RING_ROAD,
            &[("highway", "primary"), ("name", "Ring Road")],
            line((1200.0, 0.0), (1200.0, 1000.0), 50.0),
        ),
        w(
            DIRT_PATH,
            &[("highway", "path"), ("surface", "dirt")],
            line((1215.0, 50.0), (1215.0, 950.0), 50.0),
        ),
        w(
            DIRT_LINK_SOUTH,
            &[("highway", "path"), ("surface", "dirt")],
            vec![(1200.0, 0.0), (1215.0, 50.0)],
        ),
        w(
            DIRT_LINK_NORTH,
            &[("highway", "path"), ("surface", "dirt")],
            vec![(1215.0, 950.0), (1200.0, 1000.0)],
        ),
        w(
            FOREST_TRACK,
            &[("highway", "track"), ("tracktype", "grade3")],
            line((0.0, 1000.0), (1200.0, 1000.0), 50.0),
        ),
        w(
            GRASS_PATH,
            &[("highway", "footway"), ("surface", "grass")],
            line((0.0, 500.0), (600.0, 500.0), 50.0),
        ),
        w(
            UNTAGGED_PATH,
            &[("highway", "path")],
            line((600.0, 500.0), (1200.0, 500.0), 50.0),
        ),
    ]
}

/// OSM XML of `ways` around `origin`, with `<bounds>` 100 m beyond the ways and a
/// few buildings. Nodes at the same position (rounded to 1 cm) are one node, which is
/// how ways join.
pub fn osm_xml(origin: (f64, f64), ways: &[TownWay]) -> String {
    let mut nodes: Vec<((i64, i64), i64)> = Vec::new();
    let node_id = |p: (f64, f64), nodes: &mut Vec<((i64, i64), i64)>| -> i64 {
        let key = ((p.0 * 100.0).round() as i64, (p.1 * 100.0).round() as i64);
        if let Some(&(_, id)) = nodes.iter().find(|(k, _)| *k == key) {
            return id;
        }
        let id = 1000 + nodes.len() as i64;
        nodes.push((key, id));
        id
    };
    let mut way_refs: Vec<Vec<i64>> = Vec::new();
    for w in ways {
        way_refs.push(w.points.iter().map(|&p| node_id(p, &mut nodes)).collect());
    }
    // Buildings: closed squares, tagged building=yes.
    let mut buildings: Vec<(i64, Vec<i64>)> = Vec::new();
    for (i, &(bx, by)) in [(300.0, 40.0), (700.0, 40.0), (300.0, 700.0)]
        .iter()
        .enumerate()
    {
        let ring = [
            (bx, by),
            (bx + 20.0, by),
            (bx + 20.0, by + 15.0),
            (bx, by + 15.0),
        ];
        let mut refs: Vec<i64> = ring.iter().map(|&p| node_id(p, &mut nodes)).collect();
        if let Some(&first) = refs.first() {
            refs.push(first);
        }
        buildings.push((900 + i as i64, refs));
    }
    let all = ways.iter().flat_map(|w| w.points.iter());
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in all {
        x0 = x0.min(x);
        y0 = y0.min(y);
        x1 = x1.max(x);
        y1 = y1.max(y);
    }
    let (min_lat, min_lon) = to_deg(origin, x0 - 100.0, y0 - 100.0);
    let (max_lat, max_lon) = to_deg(origin, x1 + 100.0, y1 + 100.0);
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<osm version=\"0.6\" generator=\"easyrun fixtures\">\n");
    let _ = writeln!(
        x,
        " <bounds minlat=\"{min_lat:.7}\" minlon=\"{min_lon:.7}\" maxlat=\"{max_lat:.7}\" maxlon=\"{max_lon:.7}\"/>"
    );
    for &((kx, ky), id) in &nodes {
        let (lat, lon) = to_deg(origin, kx as f64 / 100.0, ky as f64 / 100.0);
        let _ = writeln!(
            x,
            " <node id=\"{id}\" version=\"1\" lat=\"{lat:.7}\" lon=\"{lon:.7}\"/>"
        );
    }
    for (w, refs) in ways.iter().zip(&way_refs) {
        let _ = writeln!(x, " <way id=\"{}\" version=\"1\">", w.id);
        for r in refs {
            let _ = writeln!(x, "  <nd ref=\"{r}\"/>");
        }
        for (k, v) in &w.tags {
            let _ = writeln!(x, "  <tag k=\"{k}\" v=\"{v}\"/>");
        }
        x.push_str(" </way>\n");
    }
    for (id, refs) in &buildings {
        let _ = writeln!(x, " <way id=\"{id}\" version=\"1\">");
        for r in refs {
            let _ = writeln!(x, "  <nd ref=\"{r}\"/>");
        }
        x.push_str("  <tag k=\"building\" v=\"yes\"/>\n </way>\n");
    }
    x.push_str("</osm>\n");
    x
}

/// A stretch of a fixture run: a straight line in metres and the true surface class
/// under it (`"paved"`, `"unpaved"`, `"unknown"`; open ground and outside the map are
/// `"unknown"`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Leg {
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub truth: &'static str,
}

/// A fixture run: its file name, legs, GPS noise and seed.
#[derive(Debug, Clone, PartialEq)]
pub struct TownRun {
    pub name: &'static str,
    pub legs: Vec<Leg>,
    pub gps_sigma_m: f64,
    pub seed: u64,
}

impl TownRun {
    /// True shares of distance per class: (paved, unpaved, unknown).
    pub fn truth(&self) -> (f64, f64, f64) {
        let mut t = [0.0f64; 3];
        for l in &self.legs {
            let d = (l.to.0 - l.from.0).hypot(l.to.1 - l.from.1);
            let i = match l.truth {
                "paved" => 0,
                "unpaved" => 1,
                _ => 2,
            };
            if let Some(slot) = t.get_mut(i) {
                *slot += d;
            }
        }
        let sum = t.iter().sum::<f64>().max(1e-9);
        (t[0] / sum, t[1] / sum, t[2] / sum)
    }
}

fn leg(from: (f64, f64), to: (f64, f64), truth: &'static str) -> Leg {
    Leg { from, to, truth }
}

/// The fixture runs.
pub fn town_runs() -> Vec<TownRun> {
    vec![
        // High Street's sidewalk east, the dirt path beside Ring Road north, the forest
        // track west, Mill Lane south.
        TownRun {
            name: "loop_sidewalk_dirt_track.gpx",
            legs: vec![
                leg((0.0, 0.0), (100.0, 0.0), "paved"),
                leg((100.0, 0.0), (100.0, 8.0), "paved"),
                leg((100.0, 8.0), (1100.0, 8.0), "paved"),
                leg((1100.0, 8.0), (1100.0, 0.0), "paved"),
                leg((1100.0, 0.0), (1200.0, 0.0), "paved"),
                leg((1200.0, 0.0), (1215.0, 50.0), "unpaved"),
                leg((1215.0, 50.0), (1215.0, 950.0), "unpaved"),
                leg((1215.0, 950.0), (1200.0, 1000.0), "unpaved"),
                leg((1200.0, 1000.0), (0.0, 1000.0), "unpaved"),
                leg((0.0, 1000.0), (0.0, 0.0), "paved"),
            ],
            gps_sigma_m: 5.0,
            seed: 0x0051_DE00,
        },
        // The same loop with a poor phone's 8 m of noise.
        TownRun {
            name: "loop_noisy_8m.gpx",
            legs: vec![
                leg((0.0, 0.0), (100.0, 0.0), "paved"),
                leg((100.0, 0.0), (100.0, 8.0), "paved"),
                leg((100.0, 8.0), (1100.0, 8.0), "paved"),
                leg((1100.0, 8.0), (1100.0, 0.0), "paved"),
                leg((1100.0, 0.0), (1200.0, 0.0), "paved"),
                leg((1200.0, 0.0), (1215.0, 50.0), "unpaved"),
                leg((1215.0, 50.0), (1215.0, 950.0), "unpaved"),
                leg((1215.0, 950.0), (1200.0, 1000.0), "unpaved"),
                leg((1200.0, 1000.0), (0.0, 1000.0), "unpaved"),
                leg((0.0, 1000.0), (0.0, 0.0), "paved"),
            ],
            gps_sigma_m: 8.0,
            seed: 0x0B15_E800,
        },
        // Mill Lane north, the grass footway and the untagged path east across the
        // park, Ring Road south, High Street west.
        TownRun {
            name: "park_grass_untagged.gpx",
            legs: vec![
                leg((0.0, 0.0), (0.0, 500.0), "paved"),
                leg((0.0, 500.0), (600.0, 500.0), "unpaved"),
                leg((600.0, 500.0), (1200.0, 500.0), "unknown"),
                leg((1200.0, 500.0), (1200.0, 0.0), "paved"),
                leg((1200.0, 0.0), (0.0, 0.0), "paved"),
            ],
            gps_sigma_m: 5.0,
            seed: 0x0000_9A4C,
        },
        // Out of the town to the east, over open country beyond the map, and back.
        TownRun {
            name: "leaves_the_map.gpx",
            legs: vec![
                leg((600.0, 0.0), (1200.0, 0.0), "paved"),
                leg((1200.0, 0.0), (1200.0, 300.0), "paved"),
                leg((1200.0, 300.0), (2400.0, 300.0), "unknown"),
                leg((2400.0, 300.0), (1200.0, 300.0), "unknown"),
                leg((1200.0, 300.0), (1200.0, 0.0), "paved"),
            ],
            gps_sigma_m: 5.0,
            seed: 0x0FF0_0FF0,
        },
        // Off Mill Lane onto the open field (no way within 100 m of most of it) and
        // back.
        TownRun {
            name: "open_field.gpx",
            legs: vec![
                leg((0.0, 100.0), (0.0, 250.0), "paved"),
                leg((0.0, 250.0), (600.0, 250.0), "unknown"),
                leg((600.0, 250.0), (600.0, 400.0), "unknown"),
                leg((600.0, 400.0), (0.0, 400.0), "unknown"),
                leg((0.0, 400.0), (0.0, 100.0), "paved"),
            ],
            gps_sigma_m: 5.0,
            seed: 0x00F1_E1D0,
        },
    ]
}

/// Position along the legs at `d` metres (clamped to the route).
fn along(legs: &[Leg], mut d: f64) -> (f64, f64) {
    for l in legs {
        let len = (l.to.0 - l.from.0).hypot(l.to.1 - l.from.1);
        if d <= len && len > 0.0 {
            let f = d / len;
            return (
                l.from.0 + f * (l.to.0 - l.from.0),
                l.from.1 + f * (l.to.1 - l.from.1),
            );
        }
        d -= len;
    }
    legs.last().map_or((0.0, 0.0), |l| l.to)
}

/// The run as an activity: a steady 6:00/km runner along the legs, positions with
/// correlated noise, no sub-sport (so the file says nothing about the surface).
pub fn run_activity(origin: (f64, f64), run: &TownRun) -> RawActivity {
    let length: f64 = run
        .legs
        .iter()
        .map(|l| (l.to.0 - l.from.0).hypot(l.to.1 - l.from.1))
        .sum();
    let pace_s_per_km = 360.0;
    let duration_s = (length / 1000.0 * pace_s_per_km).round().max(60.0) as u32;
    let start = Timestamp::parse_rfc3339("2025-05-04T07:00:00Z").unwrap_or_default();
    let mut activity = RunSpec::new(start, duration_s)
        .pace(pace_s_per_km)
        .pace_variation(0.0)
        .sub_sport(None)
        .sensor_noise(0.0, 0.3)
        .build();
    activity.name = Some(run.name.trim_end_matches(".gpx").replace('_', " "));
    let mut rng = SplitMix64::new(run.seed);
    let rho: f64 = 0.95;
    let innovation = (1.0 - rho * rho).sqrt() * run.gps_sigma_m;
    // Start the wander at its stationary spread.
    let mut nx = run.gps_sigma_m * rng.gauss();
    let mut ny = run.gps_sigma_m * rng.gauss();
    let speed = 1000.0 / pace_s_per_km;
    for (i, s) in activity.samples.iter_mut().enumerate() {
        let d = (i as f64 * speed).min(length);
        let (x, y) = along(&run.legs, d);
        nx = rho * nx + innovation * rng.gauss();
        ny = rho * ny + innovation * rng.gauss();
        let (lat, lon) = to_deg(origin, x + nx, y + ny);
        s.position = Some(Position {
            lat_deg: (lat * 1e7).round() / 1e7,
            lon_deg: (lon * 1e7).round() / 1e7,
        });
        s.distance_m = None;
        s.speed_mps = None;
    }
    activity
}
