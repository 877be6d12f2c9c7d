//! A synthetic country-sized OpenStreetMap extract for the index bench, as OPL text on
//! stdout (osmium's line format), to be packed into a PBF by osmium-tool:
//!
//! ```sh
//! cargo run --release --example make_big_map -- 300 | osmium cat -F opl - -o big.osm.pbf
//! ```
//!
//! The argument is the side of the square region in 1-km tiles (300 → 90 000 km², about
//! 38 M nodes and 6.5 M ways, a PBF of a few hundred MB). Each tile has two crossing
//! streets, eight minor highways (residential, service, footway, path, track, cycleway),
//! sixty buildings and two land-use areas; about a third of the highways carry a
//! `surface` tag (the share HeiGIT found in OSM), so the proportions of highway to other
//! data resemble a real extract. Deterministic: tiles are drawn from a seeded SplitMix64,
//! nodes written first (sorted by id), then ways.

#![allow(clippy::indexing_slicing)]

use std::io::{self, BufWriter, Write};

use easyrun::write::synth::SplitMix64;

const ORIGIN: (f64, f64) = (46.0, 6.0);
const TILE_M: f64 = 1000.0;
const STREET_STEP_M: f64 = 30.0;

/// A way: node positions in the tile's list, and tags.
type TileWay = (Vec<usize>, Vec<(&'static str, String)>);

struct Tile {
    nodes: Vec<(f64, f64, Option<&'static str>)>,
    ways: Vec<TileWay>,
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

fn tile(tx: usize, ty: usize) -> Tile {
    let mut rng = SplitMix64::new(((tx as u64) << 32) ^ ty as u64 ^ 0xB16_3A9);
    let (x0, y0) = (tx as f64 * TILE_M, ty as f64 * TILE_M);
    let mut t = Tile {
        nodes: Vec::new(),
        ways: Vec::new(),
    };
    let add = |t: &mut Tile, x: f64, y: f64| {
        t.nodes.push((x, y, None));
        t.nodes.len() - 1
    };
    let n = (TILE_M / STREET_STEP_M) as usize;
    // Two streets crossing at a shared node in the middle.
    let centre = add(&mut t, x0 + 500.0, y0 + 500.0);
    let mut ew = Vec::new();
    let mut ns = Vec::new();
    for i in 0..=n {
        let f = i as f64 * STREET_STEP_M;
        ew.push(if i == n / 2 {
            centre
        } else {
            add(&mut t, x0 + f, y0 + 500.0)
        });
    }
    for i in 0..=n {
        let f = i as f64 * STREET_STEP_M;
        ns.push(if i == n / 2 {
            centre
        } else {
            add(&mut t, x0 + 500.0, y0 + f)
        });
    }
    let surface_tag = |rng: &mut SplitMix64| {
        (rng.next_f64() < 0.33)
            .then(|| SURFACES[(rng.next_u64() % SURFACES.len() as u64) as usize].to_string())
    };
    for (refs, class) in [(ew, "secondary"), (ns, "tertiary")] {
        let mut tags = vec![
            ("highway", class.to_string()),
            ("name", format!("Street {tx}-{ty}")),
        ];
        if let Some(s) = surface_tag(&mut rng) {
            tags.push(("surface", s));
        }
        t.ways.push((refs, tags));
    }
    // Minor highways: wandering lines of 12 nodes.
    for _ in 0..8 {
        let (mut x, mut y) = (x0 + rng.next_f64() * TILE_M, y0 + rng.next_f64() * TILE_M);
        let heading = rng.next_f64() * std::f64::consts::TAU;
        let mut refs = Vec::new();
        for _ in 0..12 {
            refs.push(add(&mut t, x, y));
            let h = heading + 0.3 * rng.gauss();
            x += 25.0 * h.cos();
            y += 25.0 * h.sin();
        }
        let kind = MINOR[(rng.next_u64() % MINOR.len() as u64) as usize];
        let mut tags = vec![("highway", kind.to_string())];
        if let Some(s) = surface_tag(&mut rng) {
            tags.push(("surface", s));
        } else if kind == "track" && rng.next_f64() < 0.5 {
            tags.push(("tracktype", format!("grade{}", 1 + rng.next_u64() % 5)));
        }
        t.ways.push((refs, tags));
    }
    // Buildings: closed squares.
    for b in 0..60 {
        let (x, y) = (x0 + rng.next_f64() * 980.0, y0 + rng.next_f64() * 980.0);
        let s = 8.0 + rng.next_f64() * 12.0;
        let ring = [
            add(&mut t, x, y),
            add(&mut t, x + s, y),
            add(&mut t, x + s, y + s),
            add(&mut t, x, y + s),
        ];
        let mut refs = ring.to_vec();
        refs.push(ring[0]);
        t.ways.push((
            refs,
            vec![
                ("building", "yes".to_string()),
                ("addr:housenumber", format!("{}", b + 1)),
            ],
        ));
    }
    // Land use: two irregular polygons of ten nodes.
    for kind in ["farmland", "forest"] {
        let (cx, cy) = (x0 + rng.next_f64() * TILE_M, y0 + rng.next_f64() * TILE_M);
        let mut refs = Vec::new();
        for k in 0..10 {
            let a = k as f64 / 10.0 * std::f64::consts::TAU;
            let r = 80.0 + 40.0 * rng.next_f64();
            refs.push(add(&mut t, cx + r * a.cos(), cy + r * a.sin()));
        }
        if let Some(&first) = refs.first() {
            refs.push(first);
        }
        t.ways.push((refs, vec![("landuse", kind.to_string())]));
    }
    // A few tagged points (shops, benches) that no way uses.
    for _ in 0..4 {
        let (x, y) = (x0 + rng.next_f64() * TILE_M, y0 + rng.next_f64() * TILE_M);
        t.nodes.push((x, y, Some("amenity=bench")));
    }
    t
}

fn main() -> io::Result<()> {
    let side: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(300);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    // Pass 1: nodes (ids in order), remembering each tile's first id.
    let mut first_ids = Vec::with_capacity(side * side);
    let mut next_id: u64 = 1;
    for ty in 0..side {
        for tx in 0..side {
            let t = tile(tx, ty);
            first_ids.push(next_id);
            for (x, y, tag) in &t.nodes {
                let (lat, lon) = deg(*x, *y);
                match tag {
                    Some(tag) => writeln!(out, "n{next_id} v1 T{tag} x{lon:.7} y{lat:.7}")?,
                    None => writeln!(out, "n{next_id} v1 T x{lon:.7} y{lat:.7}")?,
                }
                next_id += 1;
            }
        }
    }
    // Pass 2: ways.
    let mut way_id: u64 = 1;
    for ty in 0..side {
        for tx in 0..side {
            let t = tile(tx, ty);
            let base = first_ids.get(ty * side + tx).copied().unwrap_or(0);
            for (refs, tags) in &t.ways {
                write!(out, "w{way_id} v1 T")?;
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
                    write!(out, "n{}", base + *r as u64)?;
                }
                out.write_all(b"\n")?;
                way_id += 1;
            }
        }
    }
    out.flush()
}
