//! Histories for checking one run in context (`easyrun check --history`, `--latest`,
//! the runner's baseline): deterministic folders with known answers.
//!
//! - [`long_and_after`]: a history with a long run on Saturday and, outside it, the
//!   Sunday-morning run after it (placement: recovers from the long run, 22.7 h after
//!   its end). The history also holds an interval session reaching 176 bpm, so a max-HR
//!   estimate exists without configured thresholds.
//! - [`baseline`]: two weeks of easy 40-min runs at 6:30 /km, heart rate 124–126, and
//!   two runs to check after them at the same pace: `forced.fit` at 137 bpm (12 above
//!   the usual, under the ceiling of 141 that `--max-hr 190 --rest-hr 50` give) and
//!   `normal.fit` at 126; `recovery_jog.gpx` is `forced.fit` named "Recovery jog", so
//!   `scan` judges it.
//! - [`latest`]: three runs whose names, formats and write order do not follow their
//!   start times; the newest is `aa_newest.gpx`.

use std::io;
use std::path::Path;

use easyrun::model::{Lap, LapIntensity, RawActivity, SubSport, Timestamp};

use super::fit::{self, FitOptions};
use super::gpx::{self, GpxFlavour};
use super::synth::RunSpec;
use super::tcx;

/// The flags the expected answers assume (ceiling 141 bpm, Karvonen).
pub const FLAGS: &[&str] = &["--max-hr", "190", "--rest-hr", "50"];

/// The easy runs' pace, s/km (6:30 /km).
pub const EASY_PACE_S_PER_KM: f64 = 390.0;
/// `forced.fit`'s steady heart rate, bpm.
pub const FORCED_HR_BPM: f64 = 137.0;
/// The easy runs' steady heart rates, bpm (by day: 124, 125, 126, …).
pub const EASY_HR_BPM: [f64; 3] = [124.0, 125.0, 126.0];

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap_or_default()
}

fn garmin() -> FitOptions {
    FitOptions::garmin(3990)
}

/// A flat trail run of `minutes` at `pace`, HR steady at `hr` after the warm-up.
fn steady(start: &str, minutes: u32, pace: f64, hr: f64, seed: u64) -> RawActivity {
    RunSpec::new(at(start), minutes * 60)
        .pace(pace)
        .hr(hr, hr)
        .sub_sport(Some(SubSport::Trail))
        .name("Morning Run")
        .seed(seed)
        .build()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(name), bytes)
}

/// `dir/history/` (easy runs, intervals, Saturday's long run) and `dir/sunday.fit`.
pub fn long_and_after(dir: &Path) -> io::Result<()> {
    let history = dir.join("history");
    for (k, day) in ["2025-06-02", "2025-06-04", "2025-06-05"]
        .iter()
        .enumerate()
    {
        let run = steady(
            &format!("{day}T06:30:00Z"),
            40,
            380.0,
            126.0,
            100 + k as u64,
        );
        write(
            &history,
            &format!("easy_{day}.fit"),
            &fit::encode(&run, &garmin()),
        )?;
    }
    // Tuesday evening: 15 min warm-up, 5 × (3 min hard, 2 min jog), 10 min cool-down.
    let mut spec = RunSpec::new(at("2025-06-03T17:00:00Z"), 50 * 60)
        .pace(360.0)
        .hr(138.0, 142.0)
        .sub_sport(Some(SubSport::Track))
        .name("Evening Run")
        .seed(110);
    for rep in 0..5u32 {
        spec = spec.surge(15 * 60 + rep * 300, 180, 1.6);
    }
    let mut intervals = spec.build();
    let t0 = intervals.start_time;
    let lap = |from_s: u32, len_s: u32, intensity| Lap {
        start_time: Some(Timestamp(t0.0 + i64::from(from_s) * 1000)),
        elapsed_s: Some(f64::from(len_s)),
        timer_s: Some(f64::from(len_s)),
        distance_m: None,
        avg_hr_bpm: None,
        max_hr_bpm: None,
        intensity: Some(intensity),
    };
    let mut laps = vec![lap(0, 900, LapIntensity::Warmup)];
    for rep in 0..5u32 {
        laps.push(lap(900 + rep * 300, 180, LapIntensity::Active));
        laps.push(lap(1080 + rep * 300, 120, LapIntensity::Rest));
    }
    laps.push(lap(2400, 600, LapIntensity::Cooldown));
    intervals.laps = laps;
    write(
        &history,
        "intervals.fit",
        &fit::encode(&intervals, &garmin()),
    )?;
    // Saturday 07:00, 110 min: ends 08:50.
    let long = RunSpec::new(at("2025-06-07T07:00:00Z"), 110 * 60)
        .pace(360.0)
        .hr(128.0, 136.0)
        .sub_sport(Some(SubSport::Trail))
        .name("Long Run")
        .seed(120)
        .build();
    write(
        &history,
        "long_saturday.fit",
        &fit::encode(&long, &garmin()),
    )?;
    // Sunday 07:30: 22 h 40 min after the long run's end.
    let sunday = steady("2025-06-08T07:30:00Z", 35, 390.0, 125.0, 130);
    write(dir, "sunday.fit", &fit::encode(&sunday, &garmin()))
}

/// The forced run (30 min at the easy pace, [`FORCED_HR_BPM`]) under `name`.
pub fn forced(name: &str) -> RawActivity {
    let mut run = steady(
        "2025-09-15T06:30:00Z",
        30,
        EASY_PACE_S_PER_KM,
        FORCED_HR_BPM,
        300,
    );
    run.name = Some(name.to_string());
    run
}

/// `dir/history/` (14 easy runs) and `dir/forced.fit`, the same run named as a recovery
/// run (`dir/recovery_jog.gpx`), and `dir/normal.fit`.
pub fn baseline(dir: &Path) -> io::Result<()> {
    let history = dir.join("history");
    for day in 1..=14u32 {
        let hr = EASY_HR_BPM
            .get(day as usize % EASY_HR_BPM.len())
            .copied()
            .unwrap_or(125.0);
        let start = format!("2025-09-{day:02}T06:30:00Z");
        let run = steady(&start, 40, EASY_PACE_S_PER_KM, hr, 200 + u64::from(day));
        write(
            &history,
            &format!("easy_{day:02}.fit"),
            &fit::encode(&run, &garmin()),
        )?;
    }
    write(
        dir,
        "forced.fit",
        &fit::encode(&forced("Morning Run"), &garmin()),
    )?;
    let named = gpx::encode(&forced("Recovery jog"), GpxFlavour::GarminConnect);
    write(dir, "recovery_jog.gpx", &named)?;
    let normal = steady("2025-09-15T06:30:00Z", 30, EASY_PACE_S_PER_KM, 126.0, 301);
    write(dir, "normal.fit", &fit::encode(&normal, &garmin()))
}

/// `dir/` with three runs; the newest (`aa_newest.gpx`) is written first, so neither
/// names nor modification times follow the start times.
pub fn latest(dir: &Path) -> io::Result<()> {
    let newest = steady("2025-10-03T06:30:00Z", 30, 380.0, 125.0, 400);
    write(
        dir,
        "aa_newest.gpx",
        &gpx::encode(&newest, GpxFlavour::GarminConnect),
    )?;
    let middle = steady("2025-10-02T06:30:00Z", 30, 380.0, 125.0, 401);
    write(dir, "mm_middle.tcx", &tcx::encode(&middle))?;
    let oldest = steady("2025-10-01T06:30:00Z", 30, 380.0, 125.0, 402);
    write(dir, "zz_oldest.fit", &fit::encode(&oldest, &garmin()))
}

/// All three under `dir` (`long_and_after/`, `baseline/`, `latest/`).
pub fn generate(dir: &Path) -> io::Result<()> {
    long_and_after(&dir.join("long_and_after"))?;
    baseline(&dir.join("baseline"))?;
    latest(&dir.join("latest"))
}
