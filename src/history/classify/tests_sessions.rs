//! Tests of classification across runs: sessions across files, planned sessions after
//! a long run, named and configured workouts, triathlons, near-best races, inferred
//! sports.

use super::*;
use crate::history::testkit::{Tweak, assert_close, run};
use crate::history::{
    InferredFrom, SessionRole, SportSource, WorkoutKind, WorkoutWords, WorkoutWordsError,
    WorkoutWordsSpec,
};
use crate::model::LapIntensity::Active;
use crate::model::Sport;

fn classes(placements: &[Placement]) -> Vec<Class> {
    placements.iter().map(|p| p.class).collect()
}

fn place(facts: &[RunFacts]) -> Vec<Placement> {
    classify(facts, &HistoryConfig::default())
}

fn nth(placements: &[Placement], i: usize) -> Placement {
    placements
        .get(i)
        .cloned()
        .unwrap_or_else(|| unreachable!("no placement {i}"))
}

fn from(p: &Placement) -> RecoversFrom {
    p.recovers_from
        .clone()
        .unwrap_or_else(|| unreachable!("{p:?} recovers from nothing"))
}

#[test]
fn warm_up_race_and_cool_down_are_one_session() {
    // A long run on Saturday; on Sunday a warm-up, a 5 km run hard and a cool-down as
    // three files minutes apart; an easy run in the evening.
    let p = place(&[
        run("long.fit", "2024-03-09T08:00:00Z", 100),
        run("warm.fit", "2024-03-10T08:30:00Z", 15),
        run("race.fit", "2024-03-10T08:55:00Z", 20)
            .hard_min(18)
            .km(5.0),
        run("cool.fit", "2024-03-10T09:20:00Z", 10),
        run("evening.fit", "2024-03-10T18:00:00Z", 30),
    ]);
    assert_eq!(
        classes(&p),
        [
            Class::Long,
            Class::Easy,
            Class::Race,
            Class::Easy,
            Class::Recovery
        ]
    );
    for (i, role) in [
        (1, SessionRole::WarmUp),
        (2, SessionRole::Main),
        (3, SessionRole::CoolDown),
    ] {
        let part = nth(&p, i)
            .session
            .unwrap_or_else(|| unreachable!("no session"));
        assert_eq!((part.role, part.main_index, part.parts), (role, 2, 3));
        // No part is a recovery run, though all start within 24 h of the long run.
        assert_eq!(nth(&p, i).intent, None);
    }
    assert_eq!(nth(&p, 1).class_reason, ClassReason::SessionPart);
    assert_eq!(nth(&p, 2).class_reason, ClassReason::RaceDay);
    // The evening run recovers from the session, measured from the cool-down's end.
    let evening = from(&nth(&p, 4));
    assert_eq!((evening.index, evening.class), (2, Class::Race));
    assert_close(evening.hours_since_end, 18.0 - 9.5, 1e-9);
}

#[test]
fn a_planned_hard_session_after_a_long_run_keeps_its_class() {
    let p = place(&[
        run("long.fit", "2024-03-09T08:00:00Z", 100),
        // Its own warm-up: the tempo run is planned, not a recovery run run too hard.
        run("warm.fit", "2024-03-10T08:00:00Z", 12),
        run("tempo.fit", "2024-03-10T08:15:00Z", 30)
            .hard_min(22)
            .km(6.2),
        // Named workouts, the morning after.
        run("named-tempo.fit", "2024-03-16T08:00:00Z", 40).named("Tempo"),
        run("named-iv.fit", "2024-03-16T18:00:00Z", 40).named("Intervalos en pista"),
        run("reps.fit", "2024-03-17T07:00:00Z", 40).named("6x800"),
        run("fartlek.fit", "2024-03-17T18:00:00Z", 40).named("Fartlek"),
        // A recovery word wins over a workout word.
        run("easy-tempo.fit", "2024-03-18T07:00:00Z", 40).named("Easy tempo"),
    ]);
    let got: Vec<(Class, ClassReason, Option<Intent>)> = p
        .iter()
        .map(|p| (p.class, p.class_reason, p.intent))
        .skip(2)
        .collect();
    assert_eq!(
        got,
        [
            (Class::Tempo, ClassReason::TempoSustained, None),
            (Class::Tempo, ClassReason::TempoName, None),
            (Class::Intervals, ClassReason::IntervalsName, None),
            (Class::Intervals, ClassReason::IntervalsName, None),
            (Class::Intervals, ClassReason::IntervalsName, None),
            (
                Class::Recovery,
                ClassReason::RecoveryName,
                Some(Intent::Name)
            ),
        ]
    );
}

#[test]
fn workout_word_flags_parse() {
    let spec: WorkoutWordsSpec = "Tempo= Schwelle , Tempolauf,"
        .parse()
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert_eq!(spec.kind, WorkoutKind::Tempo);
    assert_eq!(spec.words, ["schwelle", "tempolauf"]);
    assert_eq!(
        "hills=a".parse::<WorkoutWordsSpec>(),
        Err(WorkoutWordsError::UnknownKind("hills".into()))
    );
    assert!(matches!(
        "tempo".parse::<WorkoutWordsSpec>(),
        Err(WorkoutWordsError::Malformed(_))
    ));
    let mut words = WorkoutWords::default();
    words.apply(&spec);
    assert_eq!(words.tempo, ["schwelle", "tempolauf"]);
    assert!(words.intervals.contains(&"fartlek".to_string()));
}

#[test]
fn a_run_to_a_planned_workout_after_a_long_run_is_no_recovery_run() {
    use crate::model::{PlannedWorkout, StepDuration, WorkoutStep};
    let step = |index, duration| WorkoutStep {
        index,
        intensity: Some(Active),
        duration,
    };
    let mut tempo = run("planned.fit", "2024-03-10T08:00:00Z", 40).hard_min(20);
    tempo.workout = Some(PlannedWorkout {
        name: None,
        steps: vec![
            step(0, StepDuration::Time { s: 600.0 }),
            step(1, StepDuration::Time { s: 1200.0 }),
            step(2, StepDuration::Open),
        ],
    });
    let p = place(&[run("long.fit", "2024-03-09T08:00:00Z", 100), tempo]);
    assert_eq!(
        (nth(&p, 1).class, nth(&p, 1).class_reason, nth(&p, 1).intent),
        (Class::Tempo, ClassReason::TempoSustained, None)
    );
}

#[test]
fn named_workout_words_are_configurable() {
    let mut config = HistoryConfig::default();
    config.workout_words.tempo = vec!["*schnell".into()];
    config.workout_words.long = vec!["sunday special".into()];
    let p = classify(
        &[
            run("long.fit", "2024-03-09T08:00:00Z", 100),
            run("a.fit", "2024-03-10T08:00:00Z", 40).named("Morgenschnell"),
            run("b.fit", "2024-03-10T18:00:00Z", 40).named("Tempo"),
            run("c.fit", "2024-03-11T08:00:00Z", 60).named("Sunday special"),
        ],
        &config,
    );
    assert_eq!(
        classes(&p),
        [Class::Long, Class::Tempo, Class::Recovery, Class::Long]
    );
    assert_eq!(nth(&p, 3).class_reason, ClassReason::LongName);
}

#[test]
fn a_triathlons_run_leg_is_a_race_and_its_bike_leg_other() {
    let p = place(&[
        run("tri.fit#1", "2024-06-01T07:00:00Z", 30).sport(Some(Sport::Swimming)),
        run("tri.fit#2", "2024-06-01T07:30:00Z", 3).sport(Some(Sport::Other("transition".into()))),
        run("tri.fit#3", "2024-06-01T07:33:00Z", 70).sport(Some(Sport::Cycling)),
        run("tri.fit#4", "2024-06-01T08:43:00Z", 2).sport(Some(Sport::Other("transition".into()))),
        run("tri.fit#5", "2024-06-01T08:45:00Z", 40).hard_min(30),
    ]);
    assert_eq!(
        classes(&p),
        [
            Class::Other,
            Class::Other,
            Class::Other,
            Class::Other,
            Class::Race
        ]
    );
    assert_eq!(nth(&p, 4).class_reason, ClassReason::RaceTriathlon);
    let leg = nth(&p, 2)
        .session
        .unwrap_or_else(|| unreachable!("no session"));
    assert_eq!((leg.role, leg.main_index), (SessionRole::OtherSport, 4));
}

#[test]
fn a_run_near_the_runners_best_is_a_race() {
    // Nine easy 10 km at 5:30/km, a tempo 7 km and one hard 10 km in 40 min.
    let mut facts: Vec<RunFacts> = (1..=9)
        .map(|d| run(&format!("e{d}.fit"), &format!("2024-03-0{d}T07:00:00Z"), 55).km(10.0))
        .collect();
    facts.push(
        run("tempo.fit", "2024-03-12T18:00:00Z", 30)
            .km(7.0)
            .hard_min(25),
    );
    facts.push(
        run("best.fit", "2024-03-16T09:00:00Z", 40)
            .km(10.0)
            .hard_min(36),
    );
    let p = place(&facts);
    assert_eq!(nth(&p, 9).class, Class::Tempo);
    assert_eq!(
        (nth(&p, 10).class, nth(&p, 10).class_reason),
        (Class::Race, ClassReason::RaceNearBest)
    );
}

#[test]
fn unlabelled_runs_are_inferred_and_say_so() {
    let untyped = |source: &str, start: &str, name: Option<&str>| {
        let mut f = run(source, start, 40).sport(None);
        f.format = Some(crate::model::Format::Gpx);
        f.name = name.map(str::to_string);
        f
    };
    let mut ride = untyped("ride.gpx", "2024-03-03T09:00:00Z", None);
    ride.trace.speed_p50_mps = Some(7.5);
    ride.trace.speed_p75_mps = Some(8.5);
    let p = place(&[
        untyped(
            "corrida.gpx",
            "2024-03-02T09:00:00Z",
            Some("Domingo corrida matutina"),
        ),
        ride,
        untyped("move.gpx", "2024-03-04T09:00:00Z", Some("Move")),
    ]);
    assert_eq!(classes(&p), [Class::Easy, Class::Other, Class::Easy]);
    for i in 0..3 {
        assert_eq!(nth(&p, i).sport_source, SportSource::Inferred);
    }
    assert_eq!(nth(&p, 1).sport, Some(Sport::Cycling));
    assert_eq!(nth(&p, 0).sport_inferred_from, Some(InferredFrom::Name));
    assert_eq!(nth(&p, 2).sport_inferred_from, Some(InferredFrom::Speed));
}

#[test]
fn a_recovery_run_with_a_cool_down_file_or_a_walk_is_still_judged() {
    let walk = |source: &str, start: &str| run(source, start, 10).sport(Some(Sport::Walking));
    let p = place(&[
        run("long.fit", "2024-03-09T08:00:00Z", 100),
        // Walked to the park, jogged, walked home: the jog is the recovery run.
        walk("to.fit", "2024-03-10T07:40:00Z"),
        run("jog.fit", "2024-03-10T08:00:00Z", 30),
        run("cool.fit", "2024-03-10T08:35:00Z", 8),
    ]);
    assert_eq!(
        (nth(&p, 2).class, nth(&p, 2).intent),
        (Class::Recovery, Some(Intent::Placement))
    );
    assert_eq!(nth(&p, 3).class_reason, ClassReason::SessionPart);
}

#[test]
fn recordings_made_at_the_same_time_are_no_session() {
    // A watch (35 min) and a phone that recorded only 25 min of it, distances apart.
    let p = place(&[
        run("watch.fit", "2024-03-02T06:30:00Z", 35),
        run("phone.gpx", "2024-03-02T06:30:00Z", 25).km(3.8),
    ]);
    assert_eq!(classes(&p), [Class::Easy, Class::Easy]);
    assert!(p.iter().all(|p| p.session.is_none()));
}
