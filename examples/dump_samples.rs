//! Prints the samples of each activity as read, before any cleaning, as CSV (for
//! reading a file's time base, distance and speed streams): `cargo run --release
//! --example dump_samples FILE...`. A `#` line per activity gives its stated start,
//! elapsed, timer and distance, its sessions and timer events.

use std::io::Write;
use std::path::Path;

fn main() -> std::io::Result<()> {
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.3}"));
    let deg = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.7}"));
    for arg in std::env::args().skip(1) {
        for result in easyrun::ingest::read_path(Path::new(&arg)) {
            let raw = match result {
                Ok(raw) => raw,
                Err(e) => {
                    writeln!(out, "# error: {e}")?;
                    continue;
                }
            };
            writeln!(
                out,
                "# {} start={} elapsed={} timer={} distance={} device={:?}/{:?} sessions={:?} timer_events={:?}",
                raw.source,
                raw.start_time,
                opt(raw.elapsed_s),
                opt(raw.timer_s),
                opt(raw.distance_m),
                raw.manufacturer,
                raw.product,
                raw.sessions,
                raw.timer_events,
            )?;
            writeln!(
                out,
                "i,time,unix_s,hr,speed_mps,distance_m,altitude_m,lat,lon"
            )?;
            for (i, s) in raw.samples.iter().enumerate() {
                writeln!(
                    out,
                    "{i},{},{:.3},{},{},{},{},{},{}",
                    s.time,
                    s.time.0 as f64 / 1000.0,
                    s.hr_bpm.map_or(String::new(), |v| v.to_string()),
                    opt(s.speed_mps),
                    opt(s.distance_m),
                    opt(s.altitude_m),
                    deg(s.position.map(|p| p.lat_deg)),
                    deg(s.position.map(|p| p.lon_deg)),
                )?;
            }
        }
    }
    Ok(())
}
