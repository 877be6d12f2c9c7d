//! Tests of classification and recovery placement: the issue's week, names, windows,
//! each class rule, non-running activities and input order.

use super::*;
use crate::history::testkit::{Tweak, assert_close, lap, run, shape_lap};
use crate::history::{LapFacts, SportSource, TraceFacts};
use crate::model::LapIntensity::{Active, Cooldown, Rest, Warmup};
use crate::model::Sport;

fn classes(placements: &[Placement]) -> Vec<Class> {
    placements.iter().map(|p| p.class).collect()
}

fn place(facts: &[RunFacts]) -> Vec<Placement> {
    classify(facts, &HistoryConfig::default())
}

/// The placement of the `i`-th activity (tests know how many there are).
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

fn intervals_laps() -> Vec<LapFacts> {
    let mut laps = vec![lap(Warmup, 15.0)];
    for _ in 0..5 {
        laps.push(lap(Active, 3.0));
        laps.push(lap(Rest, 2.0));
    }
    laps.push(lap(Cooldown, 10.0));
    laps
}

/// The issue's scenario: Saturday long run, Sunday recovery, Tuesday evening intervals,
/// Wednesday recovery, an easy Friday and the next Saturday's long run.
fn scenario_week() -> Vec<RunFacts> {
    vec![
        run("sat-long.fit", "2024-03-09T08:00:00Z", 110).named("Long run"),
        run("sun.fit", "2024-03-10T08:30:00Z", 35).named("Morning Run"),
        run("tue-intervals.fit", "2024-03-12T18:00:00Z", 50)
            .named("Evening Run")
            .hard_min(12)
            .with_laps(intervals_laps())
            .elapsed_min(60),
        run("wed.fit", "2024-03-13T07:00:00Z", 40).named("Morning Run"),
        run("fri.fit", "2024-03-15T07:00:00Z", 40).named("Morning Run"),
        run("sat2-long.fit", "2024-03-16T08:00:00Z", 115).named("Long run"),
    ]
}

#[test]
fn the_issue_week() {
    let p = place(&scenario_week());
    assert_eq!(
        classes(&p),
        [
            Class::Long,
            Class::Recovery,
            Class::Intervals,
            Class::Recovery,
            Class::Easy,
            Class::Long
        ]
    );

    let sun = nth(&p, 1);
    assert_eq!(sun.intent, Some(Intent::Placement));
    let sun_from = from(&sun);
    assert_eq!((sun_from.index, sun_from.class), (0, Class::Long));
    assert_eq!(sun_from.source, "sat-long.fit");
    // Saturday ended 09:50; Sunday started 08:30: 22 h 40 min.
    assert_close(sun_from.hours_since_end, 22.0 + 40.0 / 60.0, 1e-9);

    let wed = nth(&p, 3);
    assert_eq!(wed.intent, Some(Intent::Placement));
    let wed_from = from(&wed);
    assert_eq!((wed_from.index, wed_from.class), (2, Class::Intervals));
    // Tuesday's session ended 19:00 (60 min elapsed); Wednesday started 07:00.
    assert_close(wed_from.hours_since_end, 12.0, 1e-9);

    for i in [0, 2, 4, 5] {
        let other = nth(&p, i);
        assert_eq!((other.intent, other.recovers_from), (None, None), "run {i}");
    }
}

#[test]
fn usual_run_is_the_median_without_races() {
    let facts = scenario_week();
    // 35, 40, 40, 50, 110, 115 min → (40 + 50) / 2.
    assert_eq!(
        usual_run_s(&facts, &HistoryConfig::default()),
        Some(45.0 * 60.0)
    );
    let mut with_race = facts;
    with_race.push(run("race.fit", "2024-03-17T09:00:00Z", 200).named("Marathon"));
    // The marathon is left out: unchanged.
    assert_eq!(
        usual_run_s(&with_race, &HistoryConfig::default()),
        Some(45.0 * 60.0)
    );
    assert_eq!(usual_run_s(&[], &HistoryConfig::default()), None);
}

#[test]
fn recovery_by_name_outside_any_window() {
    let p = place(&[
        run("a.fit", "2024-03-01T07:00:00Z", 40),
        run("b.fit", "2024-03-04T07:00:00Z", 30).named("Récup footing"),
        run("c.fit", "2024-03-06T07:00:00Z", 30).named("Shake-out"),
        run("d.fit", "2024-03-08T07:00:00Z", 30).typed("Recovery Run"),
        // "easy" inside another word is not the word.
        run("e.fit", "2024-03-09T07:00:00Z", 30).named("Uneasy legs"),
    ]);
    assert_eq!(
        classes(&p),
        [
            Class::Easy,
            Class::Recovery,
            Class::Recovery,
            Class::Recovery,
            Class::Easy
        ]
    );
    let b = nth(&p, 1);
    assert_eq!((b.intent, b.recovers_from), (Some(Intent::Name), None));
}

#[test]
fn recovery_by_name_inside_a_window_names_the_session() {
    let p = place(&[
        run("long.fit", "2024-03-09T08:00:00Z", 120),
        run("easy.fit", "2024-03-09T18:00:00Z", 30).named("Easy jog"),
    ]);
    let easy = nth(&p, 1);
    assert_eq!(easy.intent, Some(Intent::Name));
    let f = from(&easy);
    assert_eq!((f.index, f.class), (0, Class::Long));
    assert_close(f.hours_since_end, 8.0, 1e-9);
}

#[test]
fn a_run_25_h_after_a_long_run_is_easy() {
    let p = place(&[
        run("long.fit", "2024-03-09T08:00:00Z", 100),
        // Long run ended 09:40; 25 h later.
        run("late.fit", "2024-03-10T10:40:00Z", 35),
        // Exactly 24 h counts.
        run("edge-long.fit", "2024-03-16T08:00:00Z", 100),
        run("edge.fit", "2024-03-17T09:40:00Z", 35),
    ]);
    assert_eq!(
        classes(&p),
        [Class::Long, Class::Easy, Class::Long, Class::Recovery]
    );
    assert_close(from(&nth(&p, 3)).hours_since_end, 24.0, 1e-9);
}

#[test]
fn the_most_recent_long_or_hard_session_is_the_one() {
    let p = place(&[
        run("long.fit", "2024-03-09T07:00:00Z", 100),
        run("race.fit", "2024-03-09T16:00:00Z", 25).named("Parkrun"),
        run("next.fit", "2024-03-10T08:00:00Z", 30),
    ]);
    let f = from(&nth(&p, 2));
    assert_eq!(
        (f.index, f.class, f.source.as_str()),
        (1, Class::Race, "race.fit")
    );
    assert_close(f.hours_since_end, 15.0 + 35.0 / 60.0, 1e-9);
}

#[test]
fn race_by_name() {
    let p = place(&[
        run("a.fit", "2024-03-02T09:00:00Z", 21).named("Parkrun #412"),
        run("b.fit", "2024-03-10T09:00:00Z", 95).named("Paris Half Marathon"),
        run("c.fit", "2024-03-17T09:00:00Z", 45).named("Club 10K"),
        run("d.fit", "2024-03-24T09:00:00Z", 30).named("Race day!"),
        // A recovery word in the same name wins: the runner jogged it.
        run("e.fit", "2024-03-30T09:00:00Z", 30).named("Easy 5k"),
        // Words inside other words do not count.
        run("f.fit", "2024-04-06T09:00:00Z", 30).named("Terrace loop"),
    ]);
    assert_eq!(
        classes(&p),
        [
            Class::Race,
            Class::Race,
            Class::Race,
            Class::Race,
            Class::Recovery,
            Class::Easy
        ]
    );
}

#[test]
fn race_by_effort() {
    let mut rpe = run("rpe.fit", "2024-03-09T09:00:00Z", 40);
    rpe.perceived_exertion = Some(9.0);
    let p = place(&[
        // 20 of 22 min sustained at or over the threshold over 5 km: a race by heart
        // rate, whatever the name.
        run("hr.fit", "2024-03-02T09:00:00Z", 22)
            .named("Morning Run")
            .threshold_min(20)
            .km(5.0),
        rpe,
        // At the threshold but only 6 min of it: not a race (a short hard effort).
        run("short.fit", "2024-03-16T09:00:00Z", 10).threshold_min(6),
        // 30 min at the threshold over 7.2 km, not a race distance and not far above
        // it: the threshold run of the issue is tempo.
        run("threshold.fit", "2024-03-23T09:00:00Z", 35)
            .threshold_min(30)
            .km(7.2),
    ]);
    assert_eq!(
        classes(&p),
        [Class::Race, Class::Race, Class::Easy, Class::Tempo]
    );
    let reasons: Vec<ClassReason> = p.iter().map(|p| p.class_reason).collect();
    assert_eq!(
        reasons,
        [
            ClassReason::RaceEffort,
            ClassReason::RaceExertion,
            ClassReason::Easy,
            ClassReason::TempoSustained
        ]
    );
}

#[test]
fn tempo_by_sustained_hard_time() {
    let p = place(&[
        run("tempo.fit", "2024-03-05T18:00:00Z", 50).hard_min(20),
        run("steady.fit", "2024-03-08T18:00:00Z", 50).hard_min(10),
    ]);
    assert_eq!(classes(&p), [Class::Tempo, Class::Easy]);
    assert_eq!(nth(&p, 0).class_reason, ClassReason::TempoSustained);
}

#[test]
fn intervals_by_laps_and_by_efforts() {
    let strides: Vec<LapFacts> = (0..6)
        .flat_map(|_| [lap(Active, 20.0 / 60.0), lap(Rest, 1.0)])
        .collect();
    let auto_laps: Vec<LapFacts> = (0..8).map(|_| lap(Active, 5.0)).collect();
    // 6 × 3 min at 4:25/km with 2-min jogs at 6:40, no intensity on the laps.
    let mut shaped = vec![shape_lap(10.0, 330.0, Some(130))];
    for _ in 0..6 {
        shaped.push(shape_lap(3.0, 265.0, Some(155)));
        shaped.push(shape_lap(2.0, 400.0, Some(140)));
    }
    shaped.push(shape_lap(10.0, 360.0, Some(135)));
    let mut irregular = run("irregular.fit", "2024-03-14T18:00:00Z", 45);
    irregular.trace.efforts = run("x", "2024-03-14T18:00:00Z", 45)
        .efforts(3, 120, 300)
        .trace
        .efforts;
    if let Some(e) = irregular.trace.efforts.get_mut(2) {
        e.start_s += 900;
    }
    let p = place(&[
        run("iv.fit", "2024-03-02T18:00:00Z", 50).with_laps(intervals_laps()),
        run("strides.fit", "2024-03-05T18:00:00Z", 45).with_laps(strides),
        run("auto.fit", "2024-03-07T18:00:00Z", 40).with_laps(auto_laps),
        run("fartlek.fit", "2024-03-09T18:00:00Z", 45).efforts(5, 120, 300),
        run("shaped.fit", "2024-03-11T18:00:00Z", 50).with_laps(shaped),
        irregular,
    ]);
    assert_eq!(
        classes(&p),
        [
            Class::Intervals,
            Class::Easy,
            Class::Easy,
            Class::Intervals,
            Class::Intervals,
            Class::Easy
        ]
    );
    assert_eq!(nth(&p, 0).class_reason, ClassReason::IntervalsLapIntensity);
    assert_eq!(nth(&p, 3).class_reason, ClassReason::IntervalsEfforts);
    assert_eq!(nth(&p, 4).class_reason, ClassReason::IntervalsLapShape);
}

#[test]
fn a_steady_long_run_stays_long_whatever_its_surges() {
    let p = place(&[run("long.fit", "2024-03-02T08:00:00Z", 100).efforts(4, 90, 600)]);
    assert_eq!(
        (nth(&p, 0).class, nth(&p, 0).class_reason),
        (Class::Long, ClassReason::LongDuration)
    );
}

#[test]
fn long_by_the_relative_rule_and_by_the_floor() {
    let mut facts: Vec<RunFacts> = (1..=9)
        .map(|d| run(&format!("r{d}.fit"), &format!("2024-03-0{d}T07:00:00Z"), 30))
        .collect();
    // Usual run 30 min: 70 min is ≥ 1.5 × usual and ≥ 60 min.
    facts.push(run("seventy.fit", "2024-03-12T07:00:00Z", 70));
    // 55 min is ≥ 1.5 × usual but under 60 min.
    facts.push(run("fifty-five.fit", "2024-03-15T07:00:00Z", 55));
    let p = place(&facts);
    assert_eq!(nth(&p, 9).class, Class::Long);
    assert_eq!(nth(&p, 10).class, Class::Easy);

    // A runner whose usual run is 80 min: 100 min is not 1.5 × that, but over the floor.
    let mut big: Vec<RunFacts> = (1..=5)
        .map(|d| run(&format!("b{d}.fit"), &format!("2024-03-0{d}T07:00:00Z"), 80))
        .collect();
    big.push(run("hundred.fit", "2024-03-08T07:00:00Z", 100));
    big.push(run("eighty-nine.fit", "2024-03-11T07:00:00Z", 89));
    let p = place(&big);
    assert_eq!(nth(&p, 5).class, Class::Long);
    assert_eq!(nth(&p, 6).class, Class::Easy);
}

#[test]
fn a_ride_is_other_and_never_a_recovery_run() {
    // No sport, no name, no speed: nothing to infer from.
    let mut unknown = run("unknown.fit", "2024-03-09T16:00:00Z", 30).sport(None);
    unknown.trace = TraceFacts::default();
    let p = place(&[
        run("race.fit", "2024-03-09T09:00:00Z", 42).named("City 10k"),
        run("ride.fit", "2024-03-09T13:00:00Z", 60)
            .named("Recovery spin")
            .typed("Ride"),
        run("bike.fit", "2024-03-09T15:00:00Z", 60).sport(Some(Sport::Cycling)),
        unknown,
        // Labelled a run by the export although the file says generic.
        run("labelled.fit", "2024-03-09T17:00:00Z", 20)
            .sport(Some(Sport::Generic))
            .typed("Run"),
    ]);
    assert_eq!(
        classes(&p),
        [
            Class::Race,
            Class::Other,
            Class::Other,
            Class::Other,
            Class::Recovery
        ]
    );
    for i in 1..=3 {
        let other = nth(&p, i);
        assert_eq!((other.intent, other.recovers_from), (None, None));
    }
    assert_eq!(nth(&p, 1).sport_source, SportSource::Label);
    assert_eq!(nth(&p, 2).class_reason, ClassReason::NotRunning);
    assert_eq!(
        (nth(&p, 3).class_reason, nth(&p, 3).sport_source),
        (ClassReason::SportUnknown, SportSource::Unknown)
    );
    assert_eq!(from(&nth(&p, 4)).index, 0);
}

#[test]
fn too_hard_after_a_long_run_stays_a_recovery_run() {
    let p = place(&[
        run("long.fit", "2024-03-09T08:00:00Z", 110),
        // Run at tempo effort the next morning: a recovery run that will fail.
        run("hot.fit", "2024-03-10T08:00:00Z", 40).hard_min(25),
    ]);
    assert_eq!(classes(&p), [Class::Long, Class::Recovery]);
    assert_eq!(nth(&p, 1).intent, Some(Intent::Placement));
}

#[test]
fn planned_sessions_after_a_long_run_keep_their_class() {
    let p = place(&[
        run("long.fit", "2024-03-09T08:00:00Z", 110),
        run("iv.fit", "2024-03-09T18:00:00Z", 50)
            .hard_min(12)
            .with_laps(intervals_laps()),
        run("race.fit", "2024-03-10T09:00:00Z", 22).named("Parkrun"),
        // A back-to-back long run is planned too.
        run("long2.fit", "2024-03-10T16:00:00Z", 95),
    ]);
    assert_eq!(
        classes(&p),
        [Class::Long, Class::Intervals, Class::Race, Class::Long]
    );
    for i in 1..=3 {
        assert_eq!(nth(&p, i).intent, None);
    }
}

#[test]
fn unsorted_input_comes_back_in_input_order() {
    let week = scenario_week();
    let reversed: Vec<RunFacts> = week.iter().rev().cloned().collect();
    let p = place(&reversed);
    assert_eq!(
        classes(&p),
        [
            Class::Long,
            Class::Easy,
            Class::Recovery,
            Class::Intervals,
            Class::Recovery,
            Class::Long
        ]
    );
    // Sunday (input index 4) recovers from Saturday (input index 5).
    assert_eq!(from(&nth(&p, 4)).index, 5);
    assert_eq!(from(&nth(&p, 2)).index, 3);
}

#[test]
fn configured_words_and_window() {
    let config = HistoryConfig {
        recovery_window_h: 36.0,
        recovery_words: vec!["jog".into()],
        ..HistoryConfig::default()
    };
    let p = classify(
        &[
            run("long.fit", "2024-03-09T08:00:00Z", 110),
            run("late.fit", "2024-03-10T18:00:00Z", 35),
            run("easy.fit", "2024-03-14T18:00:00Z", 35).named("Easy"),
            run("jog.fit", "2024-03-15T18:00:00Z", 35).named("Jog"),
        ],
        &config,
    );
    assert_eq!(
        classes(&p),
        [Class::Long, Class::Recovery, Class::Easy, Class::Recovery]
    );
}
