//! The session-truth fixture (issue 11): what each activity was, as `scan` must say it
//! — workouts with and without lap intensity, from a planned workout and from the trace
//! only; a threshold run; a 5 km race with its warm-up and cool-down as three files
//! after a long run; a run named "Tempo" the morning after a long run; typeless GPX
//! runs (named, unnamed) and a typeless ride; a triathlon in one FIT file; a duplicate
//! pair whose poorer copy (FIT, no heart rate) used to win; an activity nothing tells
//! the sport of; a typeless GPX recovery run, judged all the same. Written to
//! `fixtures/session_truth/` with `expected.json`
//! (`cargo run -p easyrun-testkit --example make_session_truth`); `tests/session_truth.rs`
//! scans it.
//!
//! Deterministic: the same code writes the same bytes.

use std::io;
use std::path::Path;

use serde::Serialize;

use easyrun::model::{
    Lap, LapIntensity, PlannedWorkout, RawActivity, Session, Sport, StepDuration, SubSport,
    Timestamp, WorkoutStep,
};

use super::fit::{self, FitOptions};
use super::gpx::{self, GpxFlavour};
use super::synth::RunSpec;
use super::tcx;

/// The flags the expectations assume (HRR zones: ceiling 141, Z4 162, Z5 176 bpm).
pub const FLAGS: &[&str] = &["--max-hr", "190", "--rest-hr", "50"];

/// What `scan` must say about one activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expected {
    /// File name, with `#N` for the N-th activity of a multisport file.
    pub file: String,
    pub class: &'static str,
    pub class_reason: &'static str,
    pub sport: Option<&'static str>,
    pub sport_source: &'static str,
    pub judged: bool,
    /// `session.role`, for recordings of a session of several.
    pub session_role: Option<&'static str>,
    /// For judged runs: the file of the session it recovers from, and the verdict.
    pub recovers_from: Option<&'static str>,
    pub verdict: Option<&'static str>,
}

/// Everything `scan` must say about the folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectedScan {
    pub flags: Vec<&'static str>,
    pub activities: Vec<Expected>,
    /// (dropped copy, kept copy).
    pub duplicates: Vec<(&'static str, &'static str)>,
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap_or_default()
}

/// An easy trail run, HR 124–129 (under the 141 ceiling).
fn easy(start: &str, minutes: u32, seed: u64) -> RunSpec {
    RunSpec::new(at(start), minutes * 60)
        .pace(380.0)
        .hr(124.0, 129.0)
        .sub_sport(Some(SubSport::Trail))
        .seed(seed)
}

/// 15 min warm-up, 5 × (3 min at 1.6 × speed / 2 min jog), 10 min cool-down.
fn intervals(start: &str, seed: u64) -> RawActivity {
    let mut spec = RunSpec::new(at(start), 50 * 60)
        .pace(360.0)
        .hr(128.0, 132.0)
        .sub_sport(Some(SubSport::Track))
        .laps_every(None)
        .seed(seed);
    for rep in 0..5u32 {
        spec = spec.surge(15 * 60 + rep * 300, 180, 1.6);
    }
    spec.build()
}

/// Laps at the workout's boundaries (seconds from the start), with the distance the
/// samples cover, and intensities when given.
fn workout_laps(raw: &RawActivity, intensities: bool) -> Vec<Lap> {
    let t0 = raw.start_time;
    let distance_at = |s: u32| {
        let t = Timestamp(t0.0 + i64::from(s) * 1000);
        raw.samples
            .iter()
            .take_while(|x| x.time <= t)
            .filter_map(|x| x.distance_m)
            .last()
            .unwrap_or(0.0)
    };
    let lap = |from_s: u32, len_s: u32, intensity| Lap {
        start_time: Some(Timestamp(t0.0 + i64::from(from_s) * 1000)),
        elapsed_s: Some(f64::from(len_s)),
        timer_s: Some(f64::from(len_s)),
        distance_m: Some(distance_at(from_s + len_s) - distance_at(from_s)),
        avg_hr_bpm: None,
        max_hr_bpm: None,
        intensity: intensities.then_some(intensity),
    };
    let mut laps = vec![lap(0, 900, LapIntensity::Warmup)];
    for rep in 0..5u32 {
        laps.push(lap(900 + rep * 300, 180, LapIntensity::Active));
        laps.push(lap(1080 + rep * 300, 120, LapIntensity::Rest));
    }
    laps.push(lap(2400, 600, LapIntensity::Cooldown));
    laps
}

/// 5 × (3 min interval, 2 min recovery) between a warm-up and a cool-down, as a watch
/// stores the planned workout.
fn planned_intervals() -> PlannedWorkout {
    let step = |index, intensity, duration| WorkoutStep {
        index,
        intensity,
        duration,
    };
    PlannedWorkout {
        name: Some("Track Tuesday".into()),
        steps: vec![
            step(
                0,
                Some(LapIntensity::Warmup),
                StepDuration::Time { s: 900.0 },
            ),
            step(
                1,
                Some(LapIntensity::Interval),
                StepDuration::Time { s: 180.0 },
            ),
            step(
                2,
                Some(LapIntensity::Recovery),
                StepDuration::Time { s: 120.0 },
            ),
            step(
                3,
                None,
                StepDuration::Repeat {
                    from_step: 1,
                    times: 5,
                },
            ),
            step(4, Some(LapIntensity::Cooldown), StepDuration::Open),
        ],
    }
}

/// A swim, a transition, a ride, a transition and a run in one file, one session each.
fn triathlon(start: &str) -> RawActivity {
    let t0 = at(start);
    let leg = |offset_s: i64, minutes: u32, sport: Sport, pace: f64, hr: (f64, f64), seed: u64| {
        let mut spec = RunSpec::new(Timestamp(t0.0 + offset_s * 1000), minutes * 60)
            .pace(pace)
            .hr(hr.0, hr.1)
            .sport(sport.clone(), None)
            .laps_every(None)
            .seed(seed);
        spec.warmup_s = 60;
        let mut raw = spec.build();
        if sport != Sport::Running {
            for s in &mut raw.samples {
                s.cadence_spm = None;
            }
        }
        raw
    };
    let transition = || Sport::Other("transition".into());
    let legs = [
        leg(0, 25, Sport::Swimming, 1500.0, (140.0, 150.0), 31),
        leg(25 * 60 + 1, 3, transition(), 1000.0, (140.0, 140.0), 32),
        leg(28 * 60 + 2, 60, Sport::Cycling, 111.0, (150.0, 155.0), 33),
        leg(88 * 60 + 3, 2, transition(), 1000.0, (150.0, 150.0), 34),
        leg(90 * 60 + 4, 40, Sport::Running, 270.0, (165.0, 170.0), 35),
    ];
    let mut raw = RawActivity::new("triathlon.fit", easyrun::model::Format::Fit);
    raw.start_time = t0;
    // The writer halves running cadence by the file's sport; only the run has any.
    raw.sport = Some(Sport::Running);
    let mut offset_m = 0.0;
    for l in legs {
        let last_m = l
            .samples
            .iter()
            .rev()
            .find_map(|s| s.distance_m)
            .unwrap_or(0.0);
        raw.sessions.push(Session {
            sport: l.sport.clone(),
            sub_sport: None,
            start_time: Some(l.start_time),
            elapsed_s: l.elapsed_s,
            timer_s: l.timer_s,
            distance_m: Some(last_m),
            avg_hr_bpm: None,
            max_hr_bpm: None,
            ascent_m: None,
            descent_m: None,
        });
        raw.samples.extend(l.samples.into_iter().map(|mut s| {
            s.distance_m = s.distance_m.map(|d| d + offset_m);
            s
        }));
        offset_m += last_m;
    }
    raw
}

/// Smart recording: a sample every `every_s` seconds keeps the XML files small.
fn thinned(mut run: RawActivity, every_s: i64) -> RawActivity {
    super::thin(&mut run, every_s);
    run
}

/// A GPX file without `<type>` (and without `<name>` when `name` is `None`): what most
/// phone apps and converters write.
fn untyped_gpx(run: &RawActivity, name: Option<&str>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&gpx::encode(run, GpxFlavour::GarminConnect)).into_owned();
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("<type>") {
            continue;
        }
        if trimmed.starts_with("<name>") && name.is_none() {
            continue;
        }
        out.push_str(line);
    }
    out.into_bytes()
}

fn expect(
    file: &str,
    class: &'static str,
    class_reason: &'static str,
    sport: Option<&'static str>,
    sport_source: &'static str,
) -> Expected {
    Expected {
        file: file.to_string(),
        class,
        class_reason,
        sport,
        sport_source,
        judged: false,
        session_role: None,
        recovers_from: None,
        verdict: None,
    }
}

/// Writes the files into `dir` and returns the expectations (also written as
/// `expected.json`).
pub fn generate(dir: &Path) -> io::Result<ExpectedScan> {
    std::fs::create_dir_all(dir)?;
    let garmin = FitOptions::garmin(3990);
    let mut files: Vec<(&str, Vec<u8>)> = Vec::new();
    let fit_file = |name, raw: &RawActivity| (name, fit::encode(raw, &garmin));

    // A long run, then the 5 km race day as three files, then an easy evening run.
    files.push(fit_file(
        "a_long_saturday.fit",
        &easy("2023-09-02T07:00:00Z", 95, 1).build(),
    ));
    files.push(fit_file(
        "b_warmup.fit",
        &easy("2023-09-03T07:30:00Z", 12, 2).build(),
    ));
    let race = RunSpec::new(at("2023-09-03T07:50:00Z"), 20 * 60)
        .pace(240.0)
        .hr(160.0, 182.0)
        .warmup(110.0, 90)
        .sub_sport(Some(SubSport::Street))
        .seed(3)
        .build();
    files.push(fit_file("c_race_5k.fit", &race));
    files.push(fit_file(
        "d_cooldown.fit",
        &easy("2023-09-03T08:13:00Z", 10, 4).build(),
    ));
    // A phone app's GPX: no type, judged as the recovery run it was all the same.
    let evening = thinned(easy("2023-09-03T18:00:00Z", 30, 5).build(), 5);
    files.push(("e_evening.gpx", untyped_gpx(&evening, Some("Evening jog"))));

    // A long run, then a run named "Tempo" the next morning; a threshold run.
    files.push(fit_file(
        "f_long_saturday.fit",
        &easy("2023-09-09T07:00:00Z", 95, 6).build(),
    ));
    let tempo = thinned(
        easy("2023-09-10T07:00:00Z", 40, 7)
            .hr(140.0, 150.0)
            .name("Tempo")
            .build(),
        5,
    );
    files.push((
        "g_named_tempo.gpx",
        gpx::encode(&tempo, GpxFlavour::GarminConnect),
    ));
    let mut threshold = RunSpec::new(at("2023-09-12T18:00:00Z"), 35 * 60)
        .pace(270.0)
        .hr(166.0, 172.0)
        .warmup(120.0, 420)
        .seed(8);
    threshold.sub_sport = Some(SubSport::Street);
    files.push(fit_file("h_threshold.fit", &threshold.build()));

    // Workouts: lap intensity, lap shape only, trace only, planned workout only.
    let mut laps = intervals("2023-09-14T18:00:00Z", 9);
    laps.laps = workout_laps(&laps, true);
    files.push(fit_file("i_intervals_laps.fit", &laps));
    let mut shaped = intervals("2023-09-16T18:00:00Z", 10);
    shaped.laps = workout_laps(&shaped, false);
    files.push(fit_file("j_intervals_shape.fit", &shaped));
    let trace = thinned(intervals("2023-09-18T18:00:00Z", 11), 5);
    files.push((
        "k_intervals_trace.gpx",
        gpx::encode(&trace, GpxFlavour::GarminConnect),
    ));
    let mut planned = easy("2023-09-20T18:00:00Z", 45, 12).build();
    planned.workout = Some(planned_intervals());
    files.push(fit_file("l_workout.fit", &planned));

    // Nobody said which sport.
    let corrida = thinned(easy("2023-09-22T07:00:00Z", 35, 13).pace(330.0).build(), 5);
    files.push((
        "m_untyped_run.gpx",
        untyped_gpx(&corrida, Some("Domingo corrida matutina")),
    ));
    let unnamed = thinned(easy("2023-09-23T07:00:00Z", 30, 14).pace(330.0).build(), 5);
    files.push(("n_untyped_run_noname.gpx", untyped_gpx(&unnamed, None)));
    // A ride: pedal cadence (the writer keeps it as it is for a ride).
    let mut ride = easy("2023-09-24T09:00:00Z", 60, 15)
        .pace(144.0)
        .cadence(85.0)
        .sport(Sport::Cycling, None);
    ride.loop_m = 12_000.0;
    let ride = thinned(ride.build(), 5);
    files.push(("o_untyped_ride.gpx", untyped_gpx(&ride, None)));
    let mut still = easy("2023-10-04T12:00:00Z", 10, 16).without_hr().build();
    for s in &mut still.samples {
        s.position = still_position(s.position);
        s.speed_mps = Some(0.0);
        s.distance_m = Some(0.0);
        s.cadence_spm = None;
    }
    let still = thinned(still, 10);
    files.push(("r_unknown.gpx", untyped_gpx(&still, None)));

    // A triathlon in one file.
    files.push(fit_file(
        "p_triathlon.fit",
        &triathlon("2023-09-30T07:00:00Z"),
    ));

    // The same run twice: a FIT without heart rate, a TCX with it.
    let twin = easy("2023-10-02T18:00:00Z", 30, 17).build();
    let mut no_hr = twin.clone();
    for s in &mut no_hr.samples {
        s.hr_bpm = None;
    }
    files.push(fit_file("q_dup_a_no_hr.fit", &no_hr));
    files.push(("q_dup_b_with_hr.tcx", tcx::encode(&thinned(twin, 5))));

    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes)?;
    }
    let expected = expectations();
    let json = serde_json::to_string_pretty(&expected).map_err(io::Error::other)?;
    std::fs::write(dir.join("expected.json"), json + "\n")?;
    Ok(expected)
}

/// Every sample at the first one's position: standing still.
fn still_position(p: Option<easyrun::model::Position>) -> Option<easyrun::model::Position> {
    p.map(|_| easyrun::model::Position {
        lat_deg: 47.3769,
        lon_deg: 8.5617,
    })
}

fn expectations() -> ExpectedScan {
    let run = Some("running");
    let mut a = vec![
        expect(
            "a_long_saturday.fit",
            "long",
            "long_duration",
            run,
            "recorded",
        ),
        Expected {
            session_role: Some("warm_up"),
            ..expect("b_warmup.fit", "easy", "session_part", run, "recorded")
        },
        Expected {
            session_role: Some("main"),
            ..expect("c_race_5k.fit", "race", "race_day", run, "recorded")
        },
        Expected {
            session_role: Some("cool_down"),
            ..expect("d_cooldown.fit", "easy", "session_part", run, "recorded")
        },
        Expected {
            judged: true,
            recovers_from: Some("c_race_5k.fit"),
            verdict: Some("pass"),
            ..expect(
                "e_evening.gpx",
                "recovery",
                "recovery_placement",
                run,
                "inferred",
            )
        },
        expect(
            "f_long_saturday.fit",
            "long",
            "long_duration",
            run,
            "recorded",
        ),
        expect("g_named_tempo.gpx", "tempo", "tempo_name", run, "recorded"),
        expect(
            "h_threshold.fit",
            "tempo",
            "tempo_sustained",
            run,
            "recorded",
        ),
        expect(
            "i_intervals_laps.fit",
            "intervals",
            "intervals_lap_intensity",
            run,
            "recorded",
        ),
        expect(
            "j_intervals_shape.fit",
            "intervals",
            "intervals_lap_shape",
            run,
            "recorded",
        ),
        expect(
            "k_intervals_trace.gpx",
            "intervals",
            "intervals_efforts",
            run,
            "recorded",
        ),
        expect(
            "l_workout.fit",
            "intervals",
            "intervals_workout",
            run,
            "recorded",
        ),
        expect("m_untyped_run.gpx", "easy", "easy", run, "inferred"),
        expect("n_untyped_run_noname.gpx", "easy", "easy", run, "inferred"),
        expect(
            "o_untyped_ride.gpx",
            "other",
            "not_running",
            Some("cycling"),
            "inferred",
        ),
    ];
    let legs = [
        ("swimming", "other_sport"),
        ("transition", "other_sport"),
        ("cycling", "other_sport"),
        ("transition", "other_sport"),
    ];
    for (i, (sport, role)) in legs.iter().enumerate() {
        a.push(Expected {
            session_role: Some(role),
            ..expect(
                &format!("p_triathlon.fit#{}", i + 1),
                "other",
                "not_running",
                Some(sport),
                "recorded",
            )
        });
    }
    a.push(Expected {
        session_role: Some("main"),
        ..expect(
            "p_triathlon.fit#5",
            "race",
            "race_triathlon",
            run,
            "recorded",
        )
    });
    a.push(expect(
        "q_dup_b_with_hr.tcx",
        "easy",
        "easy",
        run,
        "recorded",
    ));
    a.push(expect(
        "r_unknown.gpx",
        "other",
        "sport_unknown",
        None,
        "unknown",
    ));
    ExpectedScan {
        flags: FLAGS.to_vec(),
        activities: a,
        duplicates: vec![("q_dup_a_no_hr.fit", "q_dup_b_with_hr.tcx")],
    }
}
