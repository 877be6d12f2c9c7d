//! Prints the cleaned 1 Hz grid of each activity as CSV, for reading a run second by
//! second (labelling surges and heart-rate artifacts): `cargo run --release --example
//! dump_seconds FILE...`. Columns: source, t_s, moving, raw HR, usable HR, HR flag,
//! speed (m/s), distance (m), smoothed altitude (m), grade, cadence (steps/min).

use std::io::Write;
use std::path::Path;

fn main() -> std::io::Result<()> {
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    writeln!(
        out,
        "source,t_s,moving,hr_raw,hr,hr_flag,speed_mps,distance_m,altitude_m,grade,cadence_spm"
    )?;
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.3}"));
    for arg in std::env::args().skip(1) {
        for result in easyrun::ingest::read_path(Path::new(&arg)) {
            let Ok(raw) = result else { continue };
            let activity = easyrun::clean::clean(&raw);
            for s in &activity.seconds {
                writeln!(
                    out,
                    "{},{},{},{},{},{:?},{},{},{},{},{}",
                    activity.header.source,
                    s.t_s,
                    u8::from(s.moving),
                    opt(s.hr_raw_bpm.map(f64::from)),
                    opt(s.hr_bpm.map(f64::from)),
                    s.hr_flag,
                    opt(s.speed_mps.map(f64::from)),
                    opt(s.distance_m),
                    opt(s.altitude_m.map(f64::from)),
                    opt(s.grade.map(f64::from)),
                    opt(s.cadence_spm.map(f64::from)),
                )?;
            }
        }
    }
    Ok(())
}
