#![allow(clippy::indexing_slicing)]

use super::*;
use crate::history::testkit::{Tweak, run};
use crate::history::{ClassReason, SportSource};
use crate::model::Sport;

fn point(v: f64, hr: f64) -> Option<SteadyHr> {
    Some(SteadyHr {
        gap_speed_mps: v,
        hr_bpm: hr,
        blocks: 20,
    })
}

fn placed(class: Class) -> Placement {
    Placement {
        class,
        class_reason: ClassReason::Easy,
        intent: None,
        recovers_from: None,
        sport: Some(Sport::Running),
        sport_source: SportSource::Recorded,
        sport_inferred_from: None,
        session: None,
        implausible_start: None,
    }
}

/// Runs on consecutive mornings from 2025-03-01, each with a steady point.
fn days(points: &[(f64, f64)]) -> Vec<RunFacts> {
    points
        .iter()
        .enumerate()
        .map(|(d, &(v, hr))| {
            let mut f = run(
                &format!("day{d:02}.fit"),
                &format!("2025-03-{:02}T07:00:00Z", d + 1),
                40,
            );
            f.steady = point(v, hr);
            f
        })
        .collect()
}

fn easy_all(n: usize) -> Vec<Placement> {
    vec![placed(Class::Easy); n]
}

/// 6:30 /km.
const V: f64 = 1000.0 / 390.0;

fn two_weeks_then(hr: f64) -> (Vec<RunFacts>, Vec<Placement>) {
    let hrs = [
        135.0, 136.0, 134.0, 135.5, 136.5, 134.5, 135.0, 135.0, 136.0, 134.0,
    ];
    let mut pts: Vec<(f64, f64)> = hrs.iter().map(|&h| (V, h)).collect();
    pts.push((V, hr));
    let facts = days(&pts);
    let mut placements = easy_all(facts.len());
    if let Some(last) = placements.last_mut() {
        *last = placed(Class::Recovery);
    }
    (facts, placements)
}

#[test]
fn a_run_13_bpm_above_the_usual_at_its_pace_is_elevated() {
    let (facts, placements) = two_weeks_then(148.0);
    let check = compare(&facts, &placements, 10, &BaselineConfig::default());
    let Some(BaselineCheck::Compared(c)) = check else {
        unreachable!("{check:?}")
    };
    assert_eq!(c.runs, 10);
    assert!((c.usual_hr_bpm - 135.0).abs() < 1e-9, "{c:?}");
    assert!((c.excess_bpm - 13.0).abs() < 1e-9);
    // Residuals 0, 1, 1, 0.5, 1.5, 0.5, 0, 0, 1, 1: median 0.75, σ = 1.11 → floor 2.
    assert!((c.spread_bpm - 2.0).abs() < 1e-9);
    assert!((c.threshold_bpm - 7.0).abs() < 1e-9);
    assert!(!c.own_slope, "one pace: no slope of their own");
    assert!(c.elevated);
    assert!(check_elevated(&facts, &placements, 10));
}

fn check_elevated(facts: &[RunFacts], placements: &[Placement], i: usize) -> bool {
    compare(facts, placements, i, &BaselineConfig::default())
        .is_some_and(|c| c.elevated().is_some())
}

#[test]
fn a_few_beats_above_the_usual_is_a_normal_day() {
    let (facts, placements) = two_weeks_then(141.0);
    assert!(!check_elevated(&facts, &placements, 10));
    let (facts, placements) = two_weeks_then(142.0);
    assert!(
        check_elevated(&facts, &placements, 10),
        "7 bpm: the threshold"
    );
}

#[test]
fn a_wide_day_to_day_spread_raises_the_threshold() {
    let hrs = [130.0, 140.0, 128.0, 142.0, 135.0, 131.0, 139.0];
    let mut pts: Vec<(f64, f64)> = hrs.iter().map(|&h| (V, h)).collect();
    pts.push((V, 146.0));
    let facts = days(&pts);
    let placements = easy_all(facts.len());
    let Some(BaselineCheck::Compared(c)) = compare(&facts, &placements, 7, &Default::default())
    else {
        unreachable!()
    };
    // Median 135; |residuals| 5, 5, 7, 7, 0, 4, 4 → median 5, σ = 7.41.
    assert!((c.spread_bpm - 1.4826 * 5.0).abs() < 1e-9);
    assert!((c.excess_bpm - 11.0).abs() < 1e-9);
    assert!(!c.elevated, "11 bpm is within this runner's spread");
}

#[test]
fn too_few_runs_old_runs_later_runs_and_sessions_do_not_make_a_baseline() {
    let (mut facts, mut placements) = two_weeks_then(148.0);
    // Four runs only.
    let few: Vec<RunFacts> = facts[6..].to_vec();
    let check = compare(&few, &placements[6..], 4, &BaselineConfig::default());
    assert!(
        matches!(
            check,
            Some(BaselineCheck::TooFewRuns {
                runs: 4,
                needed: 5,
                ..
            })
        ),
        "{check:?}"
    );
    // Long runs and intervals are no steady easy running.
    for p in placements.iter_mut().take(7) {
        p.class = Class::Long;
    }
    let check = compare(&facts, &placements, 10, &BaselineConfig::default());
    assert!(matches!(
        check,
        Some(BaselineCheck::TooFewRuns { runs: 3, .. })
    ));
    // Runs after the run do not count; neither do runs more than 42 days before.
    let placements = easy_all(facts.len());
    let check = compare(&facts, &placements, 3, &BaselineConfig::default());
    assert!(matches!(
        check,
        Some(BaselineCheck::TooFewRuns { runs: 3, .. })
    ));
    for f in facts.iter_mut().take(8) {
        f.start_time = crate::model::Timestamp(f.start_time.unix_ms() - 40 * 86_400_000);
    }
    facts.sort_by_key(|f| f.start_time);
    let check = compare(&facts, &placements, 10, &BaselineConfig::default());
    assert!(matches!(
        check,
        Some(BaselineCheck::TooFewRuns { runs: 2, .. })
    ));
}

#[test]
fn a_run_without_a_steady_stretch_or_no_run_says_so() {
    let (mut facts, placements) = two_weeks_then(148.0);
    if let Some(last) = facts.last_mut() {
        last.steady = None;
    }
    assert_eq!(
        compare(&facts, &placements, 10, &BaselineConfig::default()),
        Some(BaselineCheck::NoSteadyStretch)
    );
    let ride = facts.pop().map(|f| f.sport(Some(Sport::Cycling)));
    facts.extend(ride);
    let mut placements = placements;
    placements[10] = placed(Class::Other);
    assert_eq!(
        compare(&facts, &placements, 10, &BaselineConfig::default()),
        None
    );
}

#[test]
fn a_pace_far_from_the_baseline_is_not_compared() {
    let (mut facts, placements) = two_weeks_then(160.0);
    if let Some(last) = facts.last_mut() {
        last.steady = point(V + 0.5, 160.0);
    }
    let check = compare(&facts, &placements, 10, &BaselineConfig::default());
    assert!(matches!(
        check,
        Some(BaselineCheck::PaceOutside { runs: 10, .. })
    ));
}

#[test]
fn a_faster_run_expects_more_heart_rate_along_the_default_slope() {
    let (mut facts, placements) = two_weeks_then(0.0);
    // 0.15 m/s faster (6:30 → 6:09 /km): 4.5 bpm more is usual.
    if let Some(last) = facts.last_mut() {
        last.steady = point(V + 0.15, 141.0);
    }
    let Some(BaselineCheck::Compared(c)) = compare(&facts, &placements, 10, &Default::default())
    else {
        unreachable!()
    };
    assert!((c.usual_hr_bpm - 139.5).abs() < 1e-9, "{c:?}");
    assert!(!c.elevated);
}

#[test]
fn the_runners_own_slope_is_fitted_when_their_paces_vary() {
    // HR = 60 + 25·v exactly over 2.5–3.3 m/s, then a run at 2.9 m/s, 12 bpm above.
    let mut pts: Vec<(f64, f64)> = (0..9)
        .map(|k| {
            let v = 2.5 + 0.1 * f64::from(k);
            (v, 60.0 + 25.0 * v)
        })
        .collect();
    pts.push((2.9, 60.0 + 25.0 * 2.9 + 12.0));
    let facts = days(&pts);
    let placements = easy_all(facts.len());
    let Some(BaselineCheck::Compared(c)) = compare(&facts, &placements, 9, &Default::default())
    else {
        unreachable!()
    };
    assert!(c.own_slope);
    assert!((c.slope_bpm_per_mps - 25.0).abs() < 1e-6, "{c:?}");
    assert!((c.excess_bpm - 12.0).abs() < 1e-6);
    assert!(c.elevated);
}

#[test]
fn compare_all_answers_for_every_activity() {
    let (facts, placements) = two_weeks_then(148.0);
    let all = compare_all(&facts, &placements, &BaselineConfig::default());
    assert_eq!(all.len(), 11);
    assert!(matches!(
        all[0],
        Some(BaselineCheck::TooFewRuns { runs: 0, .. })
    ));
    assert!(all[10].as_ref().is_some_and(|c| c.elevated().is_some()));
    assert_eq!(
        all.iter()
            .flatten()
            .filter(|c| c.elevated().is_some())
            .count(),
        1
    );
}

#[test]
fn compare_all_finds_the_same_earlier_runs_as_each_compare() {
    // Sixty runs over two months, out of time order, some on the same morning, varied
    // paces and heart rates, some sessions among them: the sorted index answers
    // exactly as the pass over the whole history.
    let date = |d: usize| {
        let d = d % 45; // days 45 and up: again on an earlier run's morning
        if d < 31 {
            format!("2025-03-{:02}T07:00:00Z", d + 1)
        } else {
            format!("2025-04-{:02}T07:00:00Z", d - 30)
        }
    };
    let mut facts: Vec<RunFacts> = (0..60u32)
        .map(|d| {
            let mut f = run(&format!("run{d:02}.fit"), &date(d as usize), 40);
            let v = V * (1.0 + f64::from(d % 7) * 0.03);
            f.steady = point(v, 130.0 + f64::from(d * 37 % 17));
            f
        })
        .collect();
    let mut placements = easy_all(facts.len());
    facts.swap(3, 40);
    facts.swap(10, 55);
    for k in [5, 17, 33] {
        placements[k] = placed(Class::Tempo);
    }
    let config = BaselineConfig::default();
    let all = compare_all(&facts, &placements, &config);
    let each: Vec<_> = (0..facts.len())
        .map(|i| compare(&facts, &placements, i, &config))
        .collect();
    assert_eq!(all, each);
    assert!(
        all.iter()
            .filter(|c| matches!(c, Some(BaselineCheck::Compared(_))))
            .count()
            > 20,
        "{all:?}"
    );
}

#[test]
fn the_median_is_the_middle_of_the_sorted_values() {
    let sorted_median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    };
    assert_eq!(median(Vec::new()), None);
    for n in 1..40usize {
        let v: Vec<f64> = (0..n)
            .map(|i| ((i * 7919) % 31) as f64 * 0.37 - 4.0)
            .collect();
        assert_eq!(median(v.clone()), Some(sorted_median(v)), "{n}");
    }
    assert_eq!(median(vec![2.0, 1.0]), Some(1.5));
}
