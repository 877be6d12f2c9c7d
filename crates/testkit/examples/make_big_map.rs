//! A synthetic country-sized OpenStreetMap extract for the index bench, as OPL text on
//! stdout (osmium's line format), to be packed into a PBF by osmium-tool the way
//! Geofabrik publishes extracts (version, timestamp and changeset; no user names):
//!
//! ```sh
//! cargo run --release -p easyrun-testkit --example make_big_map -- 330 \
//!   | osmium cat -F opl - -f pbf,add_metadata=version+timestamp+changeset \
//!       --output-header=sorting=Type_then_ID -o big.osm.pbf
//! ```
//!
//! The argument is the side of the square region in 1-km tiles (330 → 108 900 km²,
//! about 71 M nodes, 11 M ways and 0.1 M relations: a PBF of about 700 MB, 9.8 bytes a
//! node, the size of a mid-sized European country's extract). What makes it resemble a real extract, so that the
//! build cost measured on it carries over (docs/performance.md):
//!
//! - **A minority of nodes on highways** (≈ 25 %): each tile has two crossing streets and
//!   eight minor highways (residential, service, footway, path, track, cycleway), and
//!   ninety buildings (squares and L shapes), three land-use polygons and a stream.
//! - **Tags on ways**, few on nodes: streets carry name, maxspeed, lanes, lit; about a
//!   third of the highways a `surface` (the share HeiGIT found in OSM), some tracks only
//!   a `tracktype`; buildings an address; a hiking route relation per tile.
//! - **Ids in edit order, not space order**: each tile's highways, buildings and
//!   land use are three "edits" whose node and way ids are handed out in a scrambled
//!   order over the whole region, so consecutive blocks of the file jump across the
//!   country as they do in OSM, and a way's nodes are consecutive ids.
//! - **Irregular positions and metadata**: every node is jittered by about a metre, and
//!   each edit has its own changeset and timestamp with some objects edited again later
//!   (versions 1–6), so the file compresses to ≈ 8–10 bytes a node as real ones do.
//!
//! Deterministic: tiles are drawn from a seeded SplitMix64; nodes are written first
//! (sorted by id), then ways, then relations.

#![allow(clippy::indexing_slicing)]

use std::io::{self, BufWriter, Write};

use easyrun::model::Timestamp;
use easyrun_testkit::synth::SplitMix64;

const ORIGIN: (f64, f64) = (46.0, 6.0);
const TILE_M: f64 = 1000.0;
const STREET_STEP_M: f64 = 30.0;
/// Edits per tile: highways, buildings, land use.
const EDITS: usize = 3;

/// A way: node positions in its edit's node list, and tags.
type EditWay = (Vec<usize>, Vec<(&'static str, String)>);

/// One edit of a tile: nodes `(x, y, tag)` and ways over them.
#[derive(Default)]
struct Edit {
    nodes: Vec<(f64, f64, Option<&'static str>)>,
    ways: Vec<EditWay>,
}

impl Edit {
    fn add(&mut self, x: f64, y: f64) -> usize {
        self.nodes.push((x, y, None));
        self.nodes.len() - 1
    }
}

fn deg(x: f64, y: f64) -> (f64, f64) {
    let lat = ORIGIN.0 + (y / 6_371_008.8).to_degrees();
    let lon = ORIGIN.1 + (x / (6_371_008.8 * ORIGIN.0.to_radians().cos())).to_degrees();
    (lat, lon)
}

const SURFACES: [&str; 8] = [
    "asphalt",
    "asphalt",
    "paving_stones",
    "concrete",
    "gravel",
    "dirt",
    "grass",
    "compacted",
];
const MINOR: [&str; 6] = [
    "residential",
    "service",
    "footway",
    "path",
    "track",
    "cycleway",
];
const STREET_NAMES: [&str; 8] = [
    "Hauptstrasse",
    "Bahnhofstrasse",
    "Dorfstrasse",
    "Kirchweg",
    "Schulstrasse",
    "Lindenweg",
    "Rue du Lac",
    "Chemin des Vignes",
];

fn pick<'a>(rng: &mut SplitMix64, from: &[&'a str]) -> &'a str {
    from[(rng.next_u64() % from.len() as u64) as usize]
}

/// The three edits of tile (`tx`, `ty`), in metres from the region's corner.
fn tile(tx: usize, ty: usize) -> [Edit; EDITS] {
    let mut rng = SplitMix64::new(((tx as u64) << 32) ^ ty as u64 ^ 0xB16_3A9);
    let (x0, y0) = (tx as f64 * TILE_M, ty as f64 * TILE_M);
    let mut edits: [Edit; EDITS] = Default::default();
    let [roads, buildings, land] = &mut edits;
    let surface_tag =
        |rng: &mut SplitMix64| (rng.next_f64() < 0.33).then(|| pick(rng, &SURFACES).to_string());
    // Two streets crossing at a shared node in the middle.
    let n = (TILE_M / STREET_STEP_M) as usize;
    let centre = roads.add(x0 + 500.0, y0 + 500.0);
    for (class, along_x) in [("secondary", true), ("tertiary", false)] {
        let mut refs = Vec::new();
        for i in 0..=n {
            let f = i as f64 * STREET_STEP_M;
            refs.push(if i == n / 2 {
                centre
            } else if along_x {
                roads.add(x0 + f, y0 + 500.0)
            } else {
                roads.add(x0 + 500.0, y0 + f)
            });
        }
        let mut tags = vec![
            ("highway", class.to_string()),
            ("name", pick(&mut rng, &STREET_NAMES).to_string()),
            (
                "maxspeed",
                ["50", "60", "80"][(rng.next_u64() % 3) as usize].to_string(),
            ),
            ("lanes", "2".to_string()),
        ];
        if rng.next_f64() < 0.4 {
            tags.push(("lit", "yes".to_string()));
        }
        if let Some(s) = surface_tag(&mut rng) {
            tags.push(("surface", s));
        }
        roads.ways.push((refs, tags));
    }
    // Minor highways: wandering lines of 12 nodes.
    for _ in 0..8 {
        let (mut x, mut y) = (x0 + rng.next_f64() * TILE_M, y0 + rng.next_f64() * TILE_M);
        let heading = rng.next_f64() * std::f64::consts::TAU;
        let mut refs = Vec::new();
        for _ in 0..12 {
            refs.push(roads.add(x, y));
            let h = heading + 0.3 * rng.gauss();
            let step = 15.0 + 20.0 * rng.next_f64();
            x += step * h.cos();
            y += step * h.sin();
        }
        let kind = pick(&mut rng, &MINOR);
        let mut tags = vec![("highway", kind.to_string())];
        if kind == "residential" {
            tags.push(("name", pick(&mut rng, &STREET_NAMES).to_string()));
        }
        if let Some(s) = surface_tag(&mut rng) {
            tags.push(("surface", s));
        } else if kind == "track" && rng.next_f64() < 0.5 {
            tags.push(("tracktype", format!("grade{}", 1 + rng.next_u64() % 5)));
        }
        roads.ways.push((refs, tags));
    }
    // Tagged points near the roads (crossings, benches, a tree or two).
    for tag in ["highway=crossing", "amenity=bench", "natural=tree"] {
        let (x, y) = (x0 + rng.next_f64() * TILE_M, y0 + rng.next_f64() * TILE_M);
        roads.nodes.push((x, y, Some(tag)));
    }
    // Buildings: squares and L shapes, closed rings, most with an address.
    for b in 0..90 {
        let (x, y) = (x0 + rng.next_f64() * 980.0, y0 + rng.next_f64() * 980.0);
        let s = 8.0 + rng.next_f64() * 12.0;
        let corners: Vec<(f64, f64)> = if rng.next_f64() < 0.3 {
            let h = s / 2.0;
            vec![(0.0, 0.0), (s, 0.0), (s, h), (h, h), (h, s), (0.0, s)]
        } else {
            vec![(0.0, 0.0), (s, 0.0), (s, s), (0.0, s)]
        };
        let ring: Vec<usize> = corners
            .iter()
            .map(|(dx, dy)| buildings.add(x + dx, y + dy))
            .collect();
        let mut refs = ring.clone();
        refs.push(ring[0]);
        let mut tags = vec![("building", "yes".to_string())];
        if rng.next_f64() < 0.7 {
            tags.push(("addr:housenumber", format!("{}", b + 1)));
            tags.push(("addr:street", pick(&mut rng, &STREET_NAMES).to_string()));
        }
        buildings.ways.push((refs, tags));
    }
    // Land use: three irregular polygons of twenty nodes, and a stream.
    for kind in ["farmland", "forest", "meadow"] {
        let (cx, cy) = (x0 + rng.next_f64() * TILE_M, y0 + rng.next_f64() * TILE_M);
        let mut refs = Vec::new();
        for k in 0..20 {
            let a = k as f64 / 20.0 * std::f64::consts::TAU;
            let r = 80.0 + 60.0 * rng.next_f64();
            refs.push(land.add(cx + r * a.cos(), cy + r * a.sin()));
        }
        if let Some(&first) = refs.first() {
            refs.push(first);
        }
        land.ways.push((refs, vec![("landuse", kind.to_string())]));
    }
    let (mut x, mut y) = (x0 + rng.next_f64() * TILE_M, y0);
    let mut refs = Vec::new();
    for _ in 0..15 {
        refs.push(land.add(x, y));
        x += 20.0 * rng.gauss();
        y += 60.0 + 10.0 * rng.next_f64();
    }
    land.ways
        .push((refs, vec![("waterway", "stream".to_string())]));
    edits
}

/// A bijection of `0..n` that scatters neighbours (edit order is not space order).
fn scrambled(i: usize, n: usize) -> usize {
    // 0x9E37_79B1 is prime, so coprime with any region's edit count.
    ((i as u128 * 0x9E37_79B1u128 + 12_345) % n as u128) as usize
}

/// Metadata of an edit: its changeset and time.
fn edit_meta(edit: usize) -> (u64, i64) {
    let mut rng = SplitMix64::new(edit as u64 ^ 0x5EED);
    let changeset = 1_000_000 + rng.next_u64() % 150_000_000;
    // 2008 … 2024
    let t = 1_200_000_000 + (rng.next_u64() % 536_000_000) as i64;
    (changeset, t)
}

/// An object's version and metadata: most are as first mapped, some edited again.
fn object_meta(rng: &mut SplitMix64, edit: (u64, i64)) -> (u64, u64, String) {
    let (mut changeset, mut t) = edit;
    let mut version = 1;
    while version < 6 && rng.next_f64() < 0.3 {
        version += 1;
        changeset += 1 + rng.next_u64() % 20_000_000;
        t += (rng.next_u64() % 100_000_000) as i64;
    }
    let t = Timestamp::from_unix_s(t.min(1_735_000_000)).to_rfc3339();
    (version, changeset, t)
}

fn main() -> io::Result<()> {
    let side: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(330);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    let edits = side * side * EDITS;
    let tile_of = |e: usize| ((e / EDITS) % side, (e / EDITS) / side, e % EDITS);
    let mut jitter = SplitMix64::new(42);
    // Nodes, in id order: edits in a scrambled order, each edit's nodes consecutive.
    let mut first_node = vec![0u64; edits];
    let mut next_id: u64 = 1;
    for k in 0..edits {
        let e = scrambled(k, edits);
        let (tx, ty, g) = tile_of(e);
        let edit = &tile(tx, ty)[g];
        first_node[e] = next_id;
        let meta = edit_meta(e);
        for (x, y, tag) in &edit.nodes {
            let (lat, lon) = deg(x + 0.8 * jitter.gauss(), y + 0.8 * jitter.gauss());
            let (v, c, t) = object_meta(&mut jitter, meta);
            let tag = tag.unwrap_or("");
            writeln!(
                out,
                "n{next_id} v{v} dV c{c} t{t} i0 u T{tag} x{lon:.7} y{lat:.7}"
            )?;
            next_id += 1;
        }
    }
    // Ways, in id order: edits in another scrambled order.
    let mut first_way = vec![0u64; edits];
    let mut way_id: u64 = 1;
    for k in 0..edits {
        let e = scrambled(edits - 1 - k, edits);
        let (tx, ty, g) = tile_of(e);
        let edit = &tile(tx, ty)[g];
        first_way[e] = way_id;
        let meta = edit_meta(e);
        for (refs, tags) in &edit.ways {
            let (v, c, t) = object_meta(&mut jitter, meta);
            write!(out, "w{way_id} v{v} dV c{c} t{t} i0 u T")?;
            for (i, (k, v)) in tags.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write!(out, "{k}={}", v.replace(' ', "%20%"))?;
            }
            out.write_all(b" N")?;
            for (i, r) in refs.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write!(out, "n{}", first_node[e] + *r as u64)?;
            }
            out.write_all(b"\n")?;
            way_id += 1;
        }
    }
    // Relations: a hiking route over each tile's minor highways.
    for t in 0..side * side {
        let e = t * EDITS;
        let (v, c, ts) = object_meta(&mut jitter, edit_meta(e));
        write!(
            out,
            "r{} v{v} dV c{c} t{ts} i0 u Ttype=route,route=hiking,name=Tour%20%{t} M",
            t + 1
        )?;
        // Ways 2..10 of the roads edit are the minor highways.
        for i in 2..10u64 {
            if i > 2 {
                out.write_all(b",")?;
            }
            write!(out, "w{}@", first_way[e] + i)?;
        }
        out.write_all(b"\n")?;
    }
    out.flush()
}
