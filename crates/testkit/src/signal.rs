//! Signal-truth fixtures (issue 10): synthetic files of what real watches and phones do
//! to heart rate, pace, time and altitude, each with the verdict and reason codes
//! `easyrun check` must give it. [`generate`] writes every file under
//! `fixtures/signal/` and a manifest in the scenarios' format ([`ScenarioManifest`]);
//! `tests/check_scenarios.rs` judges both folders with the built binary and
//! `tests/signal_fixtures.rs` checks the numbers behind each verdict.
//!
//! - heart-rate artifacts: spikes of 1–15 s at 200–240 bpm over an easy run with the
//!   max HR given; a swing and return (the reading jumps 60 bpm for 40 s);
//! - pace that is not a pickup: a run/walk trail run; a city run with stops at lights,
//!   the timer running; a power-hiked hilly trail run at steady heart rate (terrain
//!   fails, no surges); a phone GPX with metres of position noise and wandering altitude
//!   (no surges, not hilly);
//! - time: smart recording (a record every 1–7 s); FIT device-uptime timestamps, placed
//!   by `timestamp_correlation` and with nothing to place them; a clock set back mid-run
//!   and a clock that jumps a year forward.
//!
//! Deterministic: the same code writes the same bytes. Run
//! `cargo run -p easyrun-testkit --example make_signal` after changing anything here.

use std::io;
use std::path::Path;

use easyrun::model::{RawActivity, SubSport, Timestamp};

use super::fit::{self, FitOptions};
use super::gpx::{self, GpxFlavour};
use super::scenarios::{Code, KARVONEN_BASE, Scenario, ScenarioManifest, Verdict};
use super::synth::{HillPacing, RunSpec};

/// One signal fixture: its file, how it is made, and what `check` must say.
pub struct SignalFile {
    /// File name under `fixtures/signal/`.
    pub path: &'static str,
    /// The run before encoding (after any time rewrite), for tests that compare.
    pub run: RawActivity,
    /// The encoded bytes.
    pub bytes: Vec<u8>,
    /// Expected verdict with `--max-hr 190 --rest-hr 50 --phase base`.
    pub verdict: Verdict,
    /// Expected reason codes, sorted by name.
    pub codes: Vec<Code>,
    /// Moving time the output must report, seconds.
    pub moving_s: f64,
    /// Why, in one line.
    pub why: &'static str,
}

/// Fixture `index` starts at 07:00 UTC, three days after the one before.
fn start(index: i64) -> Timestamp {
    let first = Timestamp::parse_rfc3339("2025-06-02T07:00:00Z").unwrap_or_default();
    Timestamp(first.0 + index * 3 * 86_400_000)
}

/// An easy trail run: flat, 6:30/km with a gentle wander, HR settling at 124 (17 bpm
/// under the 141 ceiling), 170 steps/min, light sensor noise.
fn easy(index: i64, minutes: u32) -> RunSpec {
    RunSpec::new(start(index), minutes * 60)
        .sub_sport(Some(SubSport::Trail))
        .pace(390.0)
        .warmup(95.0, 300)
        .hr(124.0, 125.0)
        .cadence(170.0)
        .pace_variation(0.015)
        .sensor_noise(0.5, 0.15)
        .seed(0x5161_0000 + index as u64)
}

fn garmin_fit() -> FitOptions {
    FitOptions::garmin(fit::PRODUCT_FR255)
}

/// Keeps records 1–7 s apart (a deterministic cycle of gaps), and the last, as Garmin's
/// smart recording does.
fn smart_recording(run: &mut RawActivity) {
    const GAPS_S: [i64; 9] = [1, 4, 7, 2, 5, 3, 6, 1, 7];
    let Some(t0) = run.samples.first().map(|s| s.time.0) else {
        return;
    };
    let last = run.samples.len().saturating_sub(1);
    let mut next_ms = t0;
    let mut k = 0usize;
    let mut i = 0usize;
    run.samples.retain(|s| {
        let keep = s.time.0 >= next_ms || i == last;
        if s.time.0 >= next_ms {
            next_ms = s.time.0 + 1000 * GAPS_S.get(k % GAPS_S.len()).copied().unwrap_or(1);
            k += 1;
        }
        i += 1;
        keep
    });
}

/// Moves every record and timer event from `from_s` (seconds after the first record)
/// on by `by_s` seconds — the file's clock jumping — leaving the file's stated session
/// (start, elapsed) as the watch lived it.
fn clock_jump(run: &mut RawActivity, from_s: i64, by_s: i64) {
    let Some(t0) = run.samples.first().map(|s| s.time.0) else {
        return;
    };
    let session = fit::derived_session(run);
    let at = t0 + from_s * 1000;
    for s in &mut run.samples {
        if s.time.0 >= at {
            s.time = Timestamp(s.time.0 + by_s * 1000);
        }
    }
    for e in &mut run.timer_events {
        if e.time.0 >= at {
            e.time = Timestamp(e.time.0 + by_s * 1000);
        }
    }
    run.sessions = session.into_iter().collect();
}

/// Every signal fixture, in manifest order.
pub fn signal_files() -> Vec<SignalFile> {
    use Code::*;
    use Verdict::{Fail, Pass, Warn};
    let mut out = Vec::new();
    let mut push = |path, run: RawActivity, bytes, verdict, codes: &[Code], moving_s, why| {
        let mut codes = codes.to_vec();
        codes.sort_by_key(|c| c.as_str());
        out.push(SignalFile {
            path,
            run,
            bytes,
            verdict,
            codes,
            moving_s,
            why,
        });
    };
    let fit_of = |run: &RawActivity| fit::encode(run, &garmin_fit());

    // Spikes of 1–15 s at 200–240 bpm; the max HR is given (190).
    let spec = easy(0, 35)
        .hr_burst(420, 1, 238.0)
        .hr_burst(700, 3, 212.0)
        .hr_burst(1000, 6, 225.0)
        .hr_burst(1300, 10, 240.0)
        .hr_burst(1650, 15, 205.0)
        .hr_burst(1900, 2, 231.0);
    let run = spec.build();
    push(
        "hr_spikes_max_given.fit",
        run.clone(),
        fit_of(&run),
        Pass,
        &[],
        2100.0,
        "an easy 35 min with six HR spikes of 1–15 s at 205–240 bpm: removed (above the given max, faster than a heart), the clean max stays at the true ~127",
    );

    // A swing and return: the reading jumps ~60 bpm within a second and sits there 40 s.
    let run = easy(1, 35).hr_burst(1200, 40, 186.0).build();
    push(
        "hr_swing_return.fit",
        run.clone(),
        fit_of(&run),
        Pass,
        &[],
        2100.0,
        "an easy 35 min whose HR reading swings from 124 to 186 for 40 s and returns: an artifact, not 40 s above the ceiling",
    );

    // Run/walk on trail: 4 min running, 1 min walking, eight times.
    let mut spec = easy(2, 40);
    for k in 0..8u32 {
        spec = spec.walk(240 + 300 * k, 60);
    }
    let run = spec.build();
    push(
        "run_walk_trail.fit",
        run.clone(),
        fit_of(&run),
        Pass,
        &[],
        2400.0,
        "a 40-min trail run/walk (4 min running at 6:30/km, 1 min walking): each run after a walk is a restart, not a surge",
    );

    // A city run with stops at lights, the timer running.
    let mut spec = easy(3, 35).sub_sport(Some(SubSport::Street));
    for (at, len) in [
        (420, 45),
        (780, 30),
        (1100, 75),
        (1400, 40),
        (1750, 60),
        (1950, 35),
    ] {
        spec = spec.standstill(at, len);
    }
    let run = spec.build();
    push(
        "city_lights.fit",
        run.clone(),
        fit_of(&run),
        Warn,
        &[HardSurface],
        2100.0,
        "35 min on city streets with six stops of 30–75 s at lights (timer running): not moving time, and the restarts are not surges; the road is",
    );

    // A power-hiked hilly trail run at steady heart rate.
    let run = easy(4, 40)
        .pace(420.0)
        .hr(128.0, 129.0)
        .hilly(40.0, 1600.0)
        .hill_pacing(HillPacing::EvenEffort)
        .build();
    push(
        "power_hike_hills.fit",
        run.clone(),
        fit_of(&run),
        Fail,
        &[Hilly],
        2400.0,
        "±40 m hills every 1.6 km hiked up at even effort (HR steady 128): terrain fails; the slow climbs and quick descents are not surges",
    );

    // A phone GPX: metres of correlated position noise and wandering altitude.
    let mut run = easy(5, 30).sub_sport(None).sensor_noise(6.0, 6.0).build();
    super::thin(&mut run, 2);
    let bytes = gpx::encode(&run, GpxFlavour::Strava);
    push(
        "phone_noisy.gpx",
        run,
        bytes,
        Pass,
        &[SurfaceUnknown],
        1800.0,
        "30 min easy from a phone: 6 m of position noise and 6 m of altitude wander, a fix every 2 s — no surges, not hilly, distance not inflated",
    );

    // Smart recording: a record every 1–7 s.
    let mut run = easy(6, 35).build();
    smart_recording(&mut run);
    push(
        "smart_recording.fit",
        run.clone(),
        fit_of(&run),
        Pass,
        &[],
        2100.0,
        "an easy 35 min recorded every 1–7 s (smart recording): bridged on the grid, nothing lost",
    );

    // Device-uptime timestamps, nothing to place them.
    let uptime0 = Timestamp::from_fit(16_441_242);
    let run = RunSpec {
        start: uptime0,
        ..easy(7, 35)
    }
    .build();
    push(
        "uptime_unknown_start.fit",
        run.clone(),
        fit::encode(&run, &FitOptions::default()),
        Pass,
        &[StartUnknown],
        2100.0,
        "an easy 35 min whose FIT timestamps are device uptime (< 0x10000000, like a Forerunner 70's) with nothing to date them: judged, start unknown",
    );

    // Device-uptime timestamps with a timestamp_correlation.
    let run = RunSpec {
        start: uptime0,
        ..easy(8, 35)
    }
    .build();
    let options = FitOptions {
        timestamp_correlation: Some((
            Timestamp(start(8).0 + 60_500),
            Timestamp(uptime0.0 + 60_000),
        )),
        ..FitOptions::default()
    };
    push(
        "uptime_correlated.fit",
        run.clone(),
        fit::encode(&run, &options),
        Pass,
        &[],
        2100.0,
        "the same uptime clock with a timestamp_correlation message: placed on the UTC clock, start known",
    );

    // The clock set back 10 min at minute 15 (the distance goes on).
    let mut run = easy(9, 35).build();
    clock_jump(&mut run, 900, -600);
    push(
        "clock_set_back.fit",
        run.clone(),
        fit_of(&run),
        Pass,
        &[TimeRepaired],
        2100.0,
        "the watch's clock steps back 10 min at minute 15 while the run goes on: records re-timed, none dropped, said",
    );

    // The clock jumps a year forward at minute 12.
    let mut run = easy(10, 35).build();
    clock_jump(&mut run, 720, 365 * 86_400);
    push(
        "clock_year_jump.fit",
        run.clone(),
        fit_of(&run),
        Pass,
        &[TimeRepaired],
        2100.0,
        "the clock jumps a year forward at minute 12 with no pause (the session states 35 min): the jump is taken out and said, all 35 min judged",
    );
    out
}

/// Writes every signal fixture and `manifest.json` into `dir` (created if needed) and
/// returns the manifest.
pub fn generate(dir: &Path) -> io::Result<ScenarioManifest> {
    std::fs::create_dir_all(dir)?;
    let mut scenarios = Vec::new();
    for f in signal_files() {
        std::fs::write(dir.join(f.path), &f.bytes)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", f.path)))?;
        scenarios.push(Scenario {
            name: f.path.split('.').next().unwrap_or(f.path).to_string(),
            path: f.path.to_string(),
            flags: KARVONEN_BASE.iter().map(|s| (*s).to_string()).collect(),
            verdict: f.verdict,
            codes: f.codes.iter().map(|c| c.as_str().to_string()).collect(),
            why: f.why.to_string(),
            moving_s: Some(f.moving_s),
        });
    }
    let manifest = ScenarioManifest {
        version: 1,
        notes: vec![
            "Written by `cargo run -p easyrun-testkit --example make_signal` (crates/testkit/src/signal.rs); do not edit by hand.".into(),
            "Each entry: run `easyrun check --format json <flags> <path>`; the one activity must have this verdict and exactly these reason codes (info ones included, sorted).".into(),
            "moving_s: the moving time the output must report (± 30 s).".into(),
        ],
        scenarios,
    };
    let mut json = serde_json::to_string_pretty(&manifest).map_err(io::Error::other)?;
    json.push('\n');
    std::fs::write(dir.join("manifest.json"), json)?;
    Ok(manifest)
}
