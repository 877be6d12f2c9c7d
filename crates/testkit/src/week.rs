//! The history fixture: one training week plus the next Saturday, written as separate
//! files whose names do not sort by date, with the classes and verdicts `easyrun scan`
//! must find (`fixtures/history_week/expected.json`).
//!
//! Sat long run → Sun morning easy run (recovery, passes) → Tue evening intervals →
//! Wed morning easy run (recovery, passes) → Fri easy run with no hard session in the
//! 24 h before (easy, not judged) → next Sat long run.

use std::io;
use std::path::Path;

use serde::Serialize;

use easyrun::model::{Lap, LapIntensity, RawActivity, SubSport, Timestamp};

use super::fit::{self, FitOptions};
use super::gpx::{self, GpxFlavour};
use super::synth::RunSpec;
use super::tcx;

/// What `scan` must say about one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expected {
    pub file: &'static str,
    pub start_time: String,
    pub class: &'static str,
    /// `None`: not judged (verdict null).
    pub verdict: Option<&'static str>,
    /// For judged runs: the file of the session it recovers from.
    pub recovers_from: Option<&'static str>,
}

/// The flags the expectations assume.
pub const FLAGS: &[&str] = &["--max-hr", "190", "--rest-hr", "50"];

fn at(y_m_d_h_m: &str) -> Timestamp {
    Timestamp::parse_rfc3339(y_m_d_h_m).unwrap_or_default()
}

fn easy(start: &str, seed: u64) -> RawActivity {
    // 35 min at 6:20 /km, HR 124–129 (ceiling 141 with max 190 / rest 50), on a trail.
    RunSpec::new(at(start), 35 * 60)
        .pace(380.0)
        .hr(124.0, 129.0)
        .sub_sport(Some(SubSport::Trail))
        .name("Morning Run")
        .seed(seed)
        .build()
}

fn long(start: &str, minutes: u32, seed: u64) -> RawActivity {
    RunSpec::new(at(start), minutes * 60)
        .pace(360.0)
        .hr(128.0, 136.0)
        .sub_sport(Some(SubSport::Trail))
        .name("Long Run")
        .seed(seed)
        .build()
}

/// 15 min warm-up, 5 × (3 min hard / 2 min jog), 10 min cool-down, with the laps a
/// watch's workout writes.
fn intervals(start: &str, seed: u64) -> RawActivity {
    let mut spec = RunSpec::new(at(start), 50 * 60)
        .pace(360.0)
        .hr(138.0, 142.0)
        .sub_sport(Some(SubSport::Track))
        .name("Evening Run")
        .seed(seed);
    for rep in 0..5u32 {
        spec = spec.surge(15 * 60 + rep * 300, 180, 1.6);
    }
    let mut raw = spec.build();
    let t0 = raw.start_time;
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
    raw.laps = laps;
    raw
}

/// Smart recording: a sample every `every_s` seconds keeps the XML files small.
fn thinned(mut run: RawActivity, every_s: i64) -> RawActivity {
    super::thin(&mut run, every_s);
    for s in &mut run.samples {
        s.speed_mps = None;
        s.cadence_spm = None;
    }
    run
}

/// Writes the week into `dir` and returns the expectations (also written as
/// `expected.json`).
pub fn generate(dir: &Path) -> io::Result<Vec<Expected>> {
    std::fs::create_dir_all(dir)?;
    let garmin = FitOptions::garmin(3990);
    let files: Vec<(&'static str, Vec<u8>)> = vec![
        (
            "zulu_saturday.fit",
            fit::encode(&long("2025-05-03T07:00:00Z", 110, 11), &garmin),
        ),
        (
            "kilo_sunday.gpx",
            gpx::encode(
                &thinned(easy("2025-05-04T06:30:00Z", 12), 5),
                GpxFlavour::GarminConnect,
            ),
        ),
        (
            "alpha_tuesday.fit",
            fit::encode(&intervals("2025-05-06T16:00:00Z", 13), &garmin),
        ),
        (
            "mike_wednesday.tcx",
            tcx::encode(&thinned(easy("2025-05-07T05:00:00Z", 14), 10)),
        ),
        (
            "bravo_friday.fit",
            fit::encode(&easy("2025-05-09T05:00:00Z", 15), &garmin),
        ),
        (
            "echo_next_saturday.fit",
            fit::encode(&long("2025-05-10T07:00:00Z", 100, 16), &garmin),
        ),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes)?;
    }
    let expected = vec![
        Expected {
            file: "zulu_saturday.fit",
            start_time: "2025-05-03T07:00:00Z".into(),
            class: "long",
            verdict: None,
            recovers_from: None,
        },
        Expected {
            file: "kilo_sunday.gpx",
            start_time: "2025-05-04T06:30:00Z".into(),
            class: "recovery",
            verdict: Some("pass"),
            recovers_from: Some("zulu_saturday.fit"),
        },
        Expected {
            file: "alpha_tuesday.fit",
            start_time: "2025-05-06T16:00:00Z".into(),
            class: "intervals",
            verdict: None,
            recovers_from: None,
        },
        Expected {
            file: "mike_wednesday.tcx",
            start_time: "2025-05-07T05:00:00Z".into(),
            class: "recovery",
            verdict: Some("pass"),
            recovers_from: Some("alpha_tuesday.fit"),
        },
        Expected {
            file: "bravo_friday.fit",
            start_time: "2025-05-09T05:00:00Z".into(),
            class: "easy",
            verdict: None,
            recovers_from: None,
        },
        Expected {
            file: "echo_next_saturday.fit",
            start_time: "2025-05-10T07:00:00Z".into(),
            class: "long",
            verdict: None,
            recovers_from: None,
        },
    ];
    let json = serde_json::to_string_pretty(&expected).map_err(io::Error::other)?;
    std::fs::write(dir.join("expected.json"), json + "\n")?;
    Ok(expected)
}
