//! Scenario fixtures: synthetic runs that each keep or break one clause of the coaching
//! rule, with the verdict and reason codes `easyrun check` must give them. [`generate`]
//! writes every file under `fixtures/scenarios/` and the [`ScenarioManifest`] as
//! `manifest.json`; `tests/check_scenarios.rs` runs the built binary on each entry.
//!
//! Each scenario hits its rule far from the threshold and stays far from every other
//! one: easy runs are flat, steady, 30–40 min, on trail (not street) with heart rate
//! ~17 bpm under the ceiling; the numbers each rule looks at are checked against the
//! thresholds, with margins, by this module's unit tests (an independent re-computation
//! from the written bytes, read back and cleaned).
//!
//! Deterministic: the same code writes the same bytes. Run
//! `cargo run -p easyrun-testkit --example make_scenarios` after changing anything here.

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::fit::{self, FitOptions};
use super::gpx::{self, GpxFlavour};
use super::synth::{HillPacing, RunSpec};
use super::tcx;
use easyrun::model::{Sport, SubSport, Timestamp};

/// Tolerance for `moving_s`, seconds.
pub const MOVING_TOLERANCE_S: f64 = 30.0;

/// Expected verdicts and codes are the judge's own types, so a renamed code cannot
/// drift apart from the manifest.
pub use easyrun::judge::{ReasonCode as Code, Verdict};

/// What `easyrun check` must say about each scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioManifest {
    /// Manifest layout version.
    pub version: u32,
    /// How to read the entries (for people).
    pub notes: Vec<String>,
    pub scenarios: Vec<Scenario>,
}

/// One judgement: a file, the flags, the expected outcome. A file may be judged by
/// several entries (with different flags).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Unique name of the entry.
    pub name: String,
    /// File, relative to the scenarios folder.
    pub path: String,
    /// Arguments for `easyrun check` before the file.
    pub flags: Vec<String>,
    pub verdict: Verdict,
    /// Every reason's code (info ones included), sorted by name, no duplicates.
    pub codes: Vec<String>,
    /// Why, in one line.
    pub why: String,
    /// Moving time the output must report, seconds (± [`MOVING_TOLERANCE_S`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moving_s: Option<f64>,
}

/// How a scenario file is encoded.
#[derive(Debug, Clone)]
pub(crate) enum Encoding {
    Fit(FitOptions),
    /// GPX keeping one sample every `every_s` seconds (smart recording), so a 25-min
    /// run stays small.
    Gpx {
        flavour: GpxFlavour,
        every_s: i64,
    },
    /// TCX keeping one sample every `every_s` seconds, without the speed and cadence
    /// extensions (speed is then derived from `DistanceMeters`).
    Tcx {
        every_s: i64,
    },
}

/// One judgement of a file.
#[derive(Debug, Clone)]
pub(crate) struct Judgement {
    pub(crate) name: &'static str,
    pub(crate) flags: Vec<String>,
    pub(crate) verdict: Verdict,
    pub(crate) codes: Vec<Code>,
    pub(crate) why: &'static str,
    /// Whether the entry states the moving time (the spec's `duration_s`).
    pub(crate) states_moving: bool,
}

/// One scenario file and the judgements made on it.
#[derive(Debug, Clone)]
pub(crate) struct ScenarioFile {
    pub(crate) path: &'static str,
    pub(crate) spec: RunSpec,
    pub(crate) encoding: Encoding,
    pub(crate) judgements: Vec<Judgement>,
}

impl ScenarioFile {
    pub(crate) fn bytes(&self) -> Vec<u8> {
        let mut run = self.spec.build();
        match &self.encoding {
            Encoding::Fit(options) => fit::encode(&run, options),
            Encoding::Gpx { flavour, every_s } => {
                super::thin(&mut run, *every_s);
                gpx::encode(&run, *flavour)
            }
            Encoding::Tcx { every_s } => {
                super::thin(&mut run, *every_s);
                for s in &mut run.samples {
                    s.speed_mps = None;
                    s.cadence_spm = None;
                }
                tcx::encode(&run)
            }
        }
    }
}

/// Flags of the standard athlete: HRmax 190, resting 50 → Karvonen ceiling
/// 50 + 0.65·140 = 141 bpm; base phase (limit 45 min, fail beyond 60).
pub(crate) const KARVONEN_BASE: [&str; 6] =
    ["--max-hr", "190", "--rest-hr", "50", "--phase", "base"];
/// The same athlete in the build phase (limit 75 min, fail beyond 100).
pub(crate) const KARVONEN_BUILD: [&str; 6] =
    ["--max-hr", "190", "--rest-hr", "50", "--phase", "build"];
/// A runner known by LTHR 190 → ceiling 0.85·190 = 161.5 bpm; base phase.
pub(crate) const LTHR_BASE: [&str; 4] = ["--lthr", "190", "--phase", "base"];

fn judged(
    name: &'static str,
    flags: &[&str],
    verdict: Verdict,
    codes: &[Code],
    why: &'static str,
) -> Judgement {
    let mut codes = codes.to_vec();
    codes.sort_by_key(|c| c.as_str());
    codes.dedup();
    Judgement {
        name,
        flags: flags.iter().map(|f| (*f).to_string()).collect(),
        verdict,
        codes,
        why,
        states_moving: true,
    }
}

/// Scenario `index` starts at 06:30 UTC, three days after the one before (so no run
/// falls within 24 h of another if they are ever judged together).
fn start(index: i64) -> Timestamp {
    let first = Timestamp::parse_rfc3339("2025-04-01T06:30:00Z").unwrap_or_default();
    Timestamp(first.0 + index * 3 * 86_400_000)
}

/// The proper recovery run: trail, flat, 6:30/km with a gentle wander (1.5 %), heart
/// rate settling at 124 (17 bpm under the 141 ceiling) and barely drifting, 170
/// steps/min, auto-lap every km. Position and altitude noise are halved from the
/// generator's defaults so that grade-adjusted and GPS-derived speed stay well under
/// the surge threshold.
fn easy(index: i64, minutes: u32) -> RunSpec {
    RunSpec::new(start(index), minutes * 60)
        .sub_sport(Some(SubSport::Trail))
        .pace(390.0)
        .warmup(95.0, 300)
        .hr(124.0, 125.0)
        .cadence(170.0)
        .pace_variation(0.015)
        .sensor_noise(0.5, 0.15)
        .seed(0x5CE0_0000 + index as u64)
}

/// Every scenario file, in manifest order.
pub(crate) fn scenario_files() -> Vec<ScenarioFile> {
    use Code::*;
    use Verdict::{Fail, Pass, Unknown, Warn};
    let fit = Encoding::Fit(FitOptions {
        compressed_timestamps: true,
        ..FitOptions::garmin(fit::PRODUCT_FR255)
    });
    let file = |path, spec, encoding: &Encoding, judgements| ScenarioFile {
        path,
        spec,
        encoding: encoding.clone(),
        judgements,
    };
    let base = &KARVONEN_BASE;
    let easy_why = "35 min flat trail run at 6:30/km, HR 124 (ceiling 141), steady: nothing to say";
    vec![
        file(
            "easy_trail.fit",
            easy(0, 35),
            &fit,
            vec![judged("easy_fit", base, Pass, &[], easy_why)],
        ),
        file(
            "easy_trail_strava.gpx",
            easy(0, 25),
            &Encoding::Gpx {
                flavour: GpxFlavour::Strava,
                every_s: 4,
            },
            vec![judged(
                "easy_gpx",
                base,
                Pass,
                &[],
                "the easy run (25 min, a point every 4 s) as a Strava GPX, <type>trail_running</type>: speed from positions",
            )],
        ),
        file(
            "easy_trail.tcx",
            easy(0, 25),
            &Encoding::Tcx { every_s: 5 },
            vec![judged(
                "easy_tcx",
                base,
                Pass,
                &[SurfaceUnknown],
                "the easy run (25 min, a point every 5 s, no speed or cadence) as TCX: no sub-sport, so the surface is unknown (an info reason) and the run passes",
            )],
        ),
        file(
            "too_hard.fit",
            easy(1, 35)
                .pace(300.0)
                .warmup(100.0, 240)
                .hr(155.0, 158.0)
                .cadence(178.0),
            &fit,
            vec![judged(
                "too_hard",
                base,
                Fail,
                &[TooHard],
                "HR 155–158 for 30 min against a 141 ceiling: ~90 % of moving time above it, mean above it",
            )],
        ),
        file(
            "long_70min.fit",
            easy(2, 70).hr(123.0, 125.0),
            &fit,
            vec![
                judged(
                    "too_long_base",
                    base,
                    Fail,
                    &[TooLong],
                    "70 min moving in the base phase: beyond 1.33 × 45 min",
                ),
                judged(
                    "long_in_build",
                    &KARVONEN_BUILD,
                    Pass,
                    &[],
                    "the same 70 min in the build phase: within the 75 min limit",
                ),
            ],
        ),
        file(
            "long_50min.fit",
            easy(3, 50),
            &fit,
            vec![judged(
                "too_long_warn",
                base,
                Warn,
                &[TooLong],
                "50 min moving in the base phase: over 45 min, under 60",
            )],
        ),
        file(
            "hilly.fit",
            easy(4, 35)
                .pace(420.0)
                .hr(120.0, 121.0)
                .hilly(12.0, 800.0)
                .hill_pacing(HillPacing::EvenEffort),
            &fit,
            vec![judged(
                "hilly",
                base,
                Fail,
                &[Hilly],
                "±12 m hills every 800 m: 30 m ascent per km, ~70 % of distance steeper than 4 %; even effort (GAP steady, HR 120)",
            )],
        ),
        file(
            "surges.fit",
            easy(5, 36)
                .hr(118.0, 119.0)
                .surge(780, 60, 1.35)
                .surge(1350, 60, 1.35)
                .surge(1920, 60, 1.35),
            &fit,
            vec![judged(
                "surges",
                base,
                Fail,
                &[Surges],
                "three 60-s pickups to 1.35 × the pace (HR +15 bpm, still under the ceiling): ≥ 3 surges",
            )],
        ),
        file(
            "hr_drift.fit",
            easy(6, 40).warmup(90.0, 120).hr(96.0, 154.0),
            &fit,
            vec![judged(
                "hr_drift",
                &LTHR_BASE,
                Fail,
                &[HrDrift],
                "HR climbs 96 → 154 at an even pace: Pa:HR decoupling ~15 % (LTHR 190: ceiling 161.5, never reached)",
            )],
        ),
        file(
            "cadence_lock_most.fit",
            easy(7, 35).cadence(172.0).cadence_lock(240, 1900),
            &fit,
            vec![judged(
                "cadence_lock_most",
                base,
                Unknown,
                &[HrUnreliable],
                "from minute 4 to the end the HR reading sits on the step rate (172): ~89 % locked, intensity cannot be judged",
            )],
        ),
        file(
            "cadence_lock_short.fit",
            easy(8, 35).cadence(172.0).cadence_lock(360, 150),
            &fit,
            vec![judged(
                "cadence_lock_short",
                base,
                Pass,
                &[HrUnreliable],
                "a 2.5-min cadence lock early on (7 % of the run) is excluded and reported as info; the rest is easy",
            )],
        ),
        file(
            "treadmill.fit",
            easy(9, 35).treadmill(),
            &fit,
            vec![judged(
                "treadmill",
                base,
                Pass,
                &[],
                "easy 35 min on a treadmill: no GPS, no altitude, foot-pod speed",
            )],
        ),
        file(
            "no_hr.fit",
            easy(10, 35).without_hr(),
            &fit,
            vec![judged(
                "no_hr",
                base,
                Unknown,
                &[NoHr],
                "no heart rate recorded: intensity unknown",
            )],
        ),
        file(
            "paused_timer.fit",
            easy(11, 35).pause(1050, 600, false),
            &fit,
            vec![judged(
                "paused_timer",
                base,
                Pass,
                &[],
                "35 min moving with a 10-min timer stop in the middle: moving time excludes it (45 min elapsed)",
            )],
        ),
        file(
            "paused_standing.fit",
            easy(12, 35).standstill(1050, 600),
            &fit,
            vec![judged(
                "paused_standing",
                base,
                Pass,
                &[],
                "35 min moving with 10 min standing still, timer running (speed 0): not moving time",
            )],
        ),
        file(
            "hr_artifacts.fit",
            easy(13, 35)
                .hr_spikes(15)
                .hr_gap(300, 4)
                .hr_gap(700, 8)
                .hr_gap(1100, 6)
                .hr_gap(1500, 3)
                .hr_gap(1800, 7)
                .hr_gap(2000, 5),
            &fit,
            vec![judged(
                "hr_artifacts",
                base,
                Pass,
                &[],
                "15 one-second spikes (+40–70 bpm) and six 3–8 s dropouts, all bridged by cleaning; the clean max HR stays at the true 129, not the raw 194",
            )],
        ),
        file(
            "road_run.fit",
            easy(14, 35).sub_sport(Some(SubSport::Street)),
            &fit,
            vec![judged(
                "road_run",
                base,
                Warn,
                &[HardSurface],
                "the easy run on the road (sub_sport street)",
            )],
        ),
        file(
            "bike_ride.fit",
            easy(15, 35)
                .sport(Sport::Cycling, None)
                .pace(150.0)
                .cadence(85.0)
                .hr(125.0, 126.0),
            &fit,
            vec![Judgement {
                states_moving: false,
                ..judged(
                    "bike_ride",
                    base,
                    Unknown,
                    &[NotARun],
                    "an easy 35-min ride at 24 km/h: not a run",
                )
            }],
        ),
        file(
            "too_short.fit",
            easy(16, 15),
            &fit,
            vec![judged(
                "too_short",
                base,
                Pass,
                &[TooShort],
                "15 min easy: shorter than 20 min is information, never a fault",
            )],
        ),
    ]
}

/// Writes every scenario file and `manifest.json` into `dir` (created if needed) and
/// returns the manifest. Existing files of the same names are overwritten; others are
/// left.
pub fn generate(dir: &Path) -> io::Result<ScenarioManifest> {
    std::fs::create_dir_all(dir)?;
    let mut scenarios = Vec::new();
    for file in scenario_files() {
        std::fs::write(dir.join(file.path), file.bytes())
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", file.path)))?;
        for j in &file.judgements {
            scenarios.push(Scenario {
                name: j.name.to_string(),
                path: file.path.to_string(),
                flags: j.flags.clone(),
                verdict: j.verdict,
                codes: j.codes.iter().map(|c| c.as_str().to_string()).collect(),
                why: j.why.to_string(),
                moving_s: j.states_moving.then_some(f64::from(file.spec.duration_s)),
            });
        }
    }
    let manifest = ScenarioManifest {
        version: 1,
        notes: vec![
            "Written by `cargo run -p easyrun-testkit --example make_scenarios` (crates/testkit/src/scenarios.rs); do not edit by hand.".into(),
            "Each entry: run `easyrun check --format json <flags> <path>`; the one activity must have this verdict and exactly these reason codes (info ones included, sorted).".into(),
            "Exit status: 0 for pass and warn, 1 for fail, 3 for unknown.".into(),
            "moving_s: the moving time the output must report (± 30 s), when listed.".into(),
            "Ceilings: --max-hr 190 --rest-hr 50 → Karvonen 141 bpm; --lthr 190 → 161.5 bpm. Phase limits: base 45 min (fail > 60), build 75 min (fail > 100).".into(),
        ],
        scenarios,
    };
    let mut json = serde_json::to_string_pretty(&manifest).map_err(io::Error::other)?;
    json.push('\n');
    std::fs::write(dir.join("manifest.json"), json)?;
    Ok(manifest)
}

#[cfg(test)]
mod tests;
