//! Tests of the workout evidence: lap intensity, lap shape, planned workouts, efforts.

use super::*;
use crate::history::testkit::{lap, shape_lap};
use crate::model::LapIntensity::{Active, Cooldown, Interval, Rest, Warmup};
use crate::model::WorkoutStep;

fn rule() -> IntervalsRule {
    IntervalsRule::default()
}

#[test]
fn work_blocks_need_rest_between_them() {
    let mut laps = vec![lap(Warmup, 15.0)];
    for _ in 0..5 {
        laps.push(lap(Active, 3.0));
        laps.push(lap(Rest, 2.0));
    }
    laps.push(lap(Cooldown, 10.0));
    assert_eq!(work_blocks(&laps, 30.0), 5);
    assert_eq!(work_blocks(&[lap(Active, 3.0), lap(Active, 3.0)], 30.0), 1);
    assert_eq!(
        work_blocks(
            &[lap(Active, 3.0), lap(Cooldown, 3.0), lap(Active, 3.0)],
            30.0
        ),
        1
    );
    assert_eq!(work_blocks(&[], 30.0), 0);
}

/// time-jump.fit's shape: 1 km warm-up laps, 6 × (3 min fast, 2 min jog), cool-down.
fn time_jump(with_hr: bool) -> Vec<LapFacts> {
    let hr = |bpm| with_hr.then_some(bpm);
    let mut laps = vec![
        shape_lap(295.0 / 60.0, 295.0, hr(118)),
        shape_lap(324.0 / 60.0, 324.0, hr(125)),
    ];
    for (work, jog) in [
        (264.0, 396.0),
        (264.0, 388.0),
        (256.0, 380.0),
        (272.0, 406.0),
        (277.0, 423.0),
        (282.0, 412.0),
    ] {
        laps.push(shape_lap(3.05, work, hr(150)));
        laps.push(shape_lap(2.05, jog, hr(140)));
    }
    laps.push(shape_lap(342.0 / 60.0, 342.0, hr(138)));
    laps.push(shape_lap(374.0 / 60.0, 374.0, hr(140)));
    laps
}

#[test]
fn alternating_fast_and_slow_laps_are_repetitions() {
    assert_eq!(lap_shape_reps(&time_jump(true), &rule()), 6);
    assert_eq!(lap_shape_reps(&time_jump(false), &rule()), 6);
}

#[test]
fn a_steady_or_hilly_run_has_no_lap_shape() {
    // Steady 1 km auto-laps, ±5 %.
    let steady: Vec<LapFacts> = [300.0, 310.0, 295.0, 305.0, 300.0, 315.0, 298.0]
        .iter()
        .map(|&p| shape_lap(p / 60.0, p, Some(150)))
        .collect();
    assert_eq!(lap_shape_reps(&steady, &rule()), 0);
    // A hilly course in 5-min laps: the slow (uphill) laps are the hard ones.
    let hilly: Vec<LapFacts> = (0..8)
        .map(|i| {
            if i % 2 == 0 {
                shape_lap(5.0, 270.0, Some(140))
            } else {
                shape_lap(5.0, 380.0, Some(160))
            }
        })
        .collect();
    assert_eq!(lap_shape_reps(&hilly, &rule()), 0);
    // Auto-laps by distance alternating by chance say nothing, with or without HR.
    let auto: Vec<LapFacts> = (0..9)
        .map(|i| {
            let pace = if i % 2 == 0 { 260.0 } else { 340.0 };
            shape_lap(pace / 60.0, pace, Some(if i % 2 == 0 { 160 } else { 145 }))
        })
        .collect();
    assert_eq!(lap_shape_reps(&auto, &rule()), 0);
    // Standing with the timer running between runs is a pause, not a recovery.
    let stops: Vec<LapFacts> = (0..7)
        .map(|i| {
            if i % 2 == 0 {
                shape_lap(6.0, 310.0, Some(155))
            } else {
                LapFacts {
                    intensity: None,
                    timer_s: Some(240.0),
                    distance_m: Some(40.0),
                    avg_hr_bpm: Some(125),
                }
            }
        })
        .collect();
    assert_eq!(lap_shape_reps(&stops, &rule()), 0);
}

fn step(index: u32, intensity: Option<LapIntensity>, duration: StepDuration) -> WorkoutStep {
    WorkoutStep {
        index,
        intensity,
        duration,
    }
}

#[test]
fn planned_workouts_unroll_their_repeats() {
    let t = |s| StepDuration::Time { s };
    // Warm-up, (3 min interval, 2 min recovery) repeated 5 times, cool-down.
    let workout = PlannedWorkout {
        name: Some("5x3".into()),
        steps: vec![
            step(0, Some(Warmup), t(600.0)),
            step(1, Some(Interval), t(180.0)),
            step(2, Some(LapIntensity::Recovery), t(120.0)),
            step(
                3,
                None,
                StepDuration::Repeat {
                    from_step: 1,
                    times: 5,
                },
            ),
            step(4, Some(Cooldown), StepDuration::Open),
        ],
    };
    assert_eq!(planned_blocks(&workout, 30.0), 5);
    // A plain run: warm-up, 40 min active, cool-down.
    let plain = PlannedWorkout {
        name: Some("Wahoo Workout".into()),
        steps: vec![
            step(0, Some(Warmup), t(600.0)),
            step(1, Some(Active), t(2400.0)),
            step(2, Some(Cooldown), t(600.0)),
        ],
    };
    assert_eq!(planned_blocks(&plain, 30.0), 1);
    // A repeat pointing forward or at itself cannot loop.
    let odd = PlannedWorkout {
        name: None,
        steps: vec![
            step(0, Some(Active), t(60.0)),
            step(
                1,
                None,
                StepDuration::Repeat {
                    from_step: 1,
                    times: 1000,
                },
            ),
            step(
                2,
                None,
                StepDuration::Repeat {
                    from_step: 9,
                    times: 1000,
                },
            ),
        ],
    };
    assert_eq!(planned_blocks(&odd, 30.0), 1);
}

fn effort(start_s: u32, len_s: u32) -> Effort {
    Effort {
        start_s,
        len_s,
        speed_ratio: 1.4,
        peak_hr_bpm: Some(170.0),
        hr_rise_bpm: Some(30.0),
    }
}

#[test]
fn efforts_repeat_in_length_and_rhythm() {
    // FR70-intervals: three 75-s runs 13–15 min apart.
    let fr70 = [effort(901, 76), effort(1661, 72), effort(2565, 67)];
    assert_eq!(effort_reps(&fr70, &rule()), 3);
    // Irregular lengths (a walk/run) or rhythm (a hilly run) are no workout.
    let lengths = [effort(900, 126), effort(1300, 82), effort(1700, 64)];
    assert_eq!(effort_reps(&lengths, &rule()), 0);
    let rhythm = [
        effort(900, 90),
        effort(1100, 90),
        effort(2400, 90),
        effort(2600, 90),
    ];
    assert_eq!(effort_reps(&rhythm, &rule()), 0);
    // Too little work in all: three 50-s bursts.
    let short = [effort(900, 50), effort(1200, 50), effort(1500, 50)];
    assert_eq!(effort_reps(&short, &rule()), 0);
    assert_eq!(effort_reps(&[], &rule()), 0);
}
