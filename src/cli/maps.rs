//! Opening the `--map` files for a command: each index from the cache or built (with a
//! progress line on stderr while it builds), a bad map reported and left out — the
//! runs are then judged without a map surface. Warnings and notes go through
//! [`super::notes`]; only the progress line is drawn here.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use easyrun::surface::{self, Map, Progress};

use super::color::Colors;
use super::notes;

/// The maps that open; each failure is a warning on stderr (in `colors`), with the
/// map error's code.
pub fn open_all(paths: &[PathBuf], colors: Colors) -> Vec<Map> {
    let cache = surface::default_cache_dir();
    let mut seen = Vec::new();
    let mut maps = Vec::new();
    for path in paths {
        let key = path.canonicalize().unwrap_or_else(|_| path.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let started = Instant::now();
        let tty = std::io::stderr().is_terminal();
        let mut announced = false;
        let mut last_pct = u64::MAX;
        let name = path.display().to_string();
        let mut progress = |p: Progress| {
            if !announced {
                announced = true;
                if !tty {
                    notes::note(&format!("building the map index of {name} (first use)"));
                }
            }
            if tty {
                let pct = (p.done_bytes * 100).checked_div(p.total_bytes).unwrap_or(0);
                if pct != last_pct {
                    last_pct = pct;
                    let mut err = std::io::stderr().lock();
                    let _ = write!(
                        err,
                        "\r  indexing {name}: {} {pct:>3} % · {:.0} s  ",
                        p.phase.as_str(),
                        started.elapsed().as_secs_f64()
                    );
                    let _ = err.flush();
                }
            }
        };
        let opened = surface::open(path, cache.as_deref(), &mut progress);
        if announced && tty {
            eprintln!();
        }
        match opened {
            Ok(map) => {
                if let Some(w) = &map.cache_warning {
                    notes::warning(
                        &format!("map index kept in memory only: {w} [cache_write]"),
                        colors,
                    );
                }
                if map.built {
                    let c = map.index.counts();
                    notes::note(&format!(
                        "indexed {name}: {} ways, {} nodes, {:.1} MB in {:.1} s",
                        c.ways,
                        c.nodes,
                        map.index.len_bytes() as f64 / 1e6,
                        started.elapsed().as_secs_f64()
                    ));
                }
                maps.push(map);
            }
            Err(e) => notes::warning(
                &format!("{e} (runs are judged without it) [{}]", e.kind.kind()),
                colors,
            ),
        }
    }
    maps
}
