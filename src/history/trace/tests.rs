//! Tests of the trace facts on hand-built 1 Hz activities: efforts, sustained spans,
//! the levels of each zone model.

use super::*;
use crate::model::{ActivityHeader, CleaningReport, Format, HrFlag, Timestamp};
use crate::profile::{AthleteProfile, Source, Sourced};

/// One moving second at `speed` with a usable `hr` (or none) on a `grade`.
fn sec(t_s: u32, speed: f32, hr: Option<f32>, grade: Option<f32>) -> Second {
    Second {
        t_s,
        moving: true,
        hr_raw_bpm: hr,
        hr_bpm: hr,
        hr_flag: if hr.is_some() {
            HrFlag::Ok
        } else {
            HrFlag::Missing
        },
        speed_mps: Some(speed),
        distance_m: None,
        altitude_m: None,
        grade,
        cadence_spm: Some(170.0),
        position: None,
    }
}

fn activity(seconds: Vec<Second>) -> Activity {
    Activity {
        header: ActivityHeader {
            start_time: Timestamp::from_unix_s(0),
            ..ActivityHeader::new("t.fit", Format::Fit)
        },
        t0: Timestamp::from_unix_s(0),
        elapsed_s: seconds.len() as f64,
        stated_distance_m: None,
        seconds,
        laps: Vec::new(),
        watch_hr: None,
        has_gps: false,
        cleaning: CleaningReport::default(),
    }
}

fn hrr() -> Intensity {
    let s = |v| Some(Sourced::new(v, Source::Flag));
    let profile = AthleteProfile {
        max_hr_bpm: s(190.0),
        rest_hr_bpm: s(50.0),
        ..AthleteProfile::default()
    };
    let zones = HrZones::build(ZoneModel::Hrr, &profile).unwrap_or_else(|_| unreachable!());
    Intensity::of(&zones)
}

/// 60 min at 3 m/s, HR 140; `reps` efforts of `len_s` at `factor` × speed every
/// `every_s` from minute 10, heart rate climbing 0.25 bpm/s during each (and easing
/// after), on `grade`, with or without HR.
fn workout(reps: u32, len_s: u32, every_s: u32, factor: f32, grade: f32, hr: bool) -> Activity {
    let mut seconds = Vec::new();
    let mut bpm: f32 = 140.0;
    for t in 0..3600u32 {
        let in_effort = t >= 600 && (t - 600) / every_s < reps && (t - 600) % every_s < len_s;
        let speed = if in_effort { 3.0 * factor } else { 3.0 };
        bpm = if in_effort {
            (bpm + 0.25).min(175.0)
        } else {
            (bpm - 0.2).max(140.0)
        };
        seconds.push(sec(t, speed, hr.then_some(bpm), Some(grade)));
    }
    activity(seconds)
}

#[test]
fn the_levels_of_each_zone_model() {
    let i = hrr();
    assert_eq!(
        (i.tempo_floor_bpm, i.threshold_bpm, i.ceiling_bpm),
        (162.0, 176.0, 141.0)
    );
    let s = |v| Some(Sourced::new(v, Source::Flag));
    let seiler = AthleteProfile {
        max_hr_bpm: s(200.0),
        ..AthleteProfile::default()
    };
    let z = HrZones::build(ZoneModel::Seiler, &seiler).unwrap_or_else(|_| unreachable!());
    let i = Intensity::of(&z);
    assert!((i.tempo_floor_bpm - 170.0).abs() < 1e-9, "85 % of 200");
    assert!((i.threshold_bpm - 176.0).abs() < 1e-9, "88 % of 200 (VT2)");
    let lthr = AthleteProfile {
        lthr_bpm: s(170.0),
        ..AthleteProfile::default()
    };
    let z = HrZones::build(ZoneModel::Lthr, &lthr).unwrap_or_else(|_| unreachable!());
    let i = Intensity::of(&z);
    assert!((i.tempo_floor_bpm - 161.5).abs() < 1e-9 && (i.threshold_bpm - 170.0).abs() < 1e-9);
}

#[test]
fn repeated_efforts_are_found_with_their_heart_rate() {
    let a = workout(5, 120, 360, 1.3, 0.0, true);
    let t = TraceFacts::of(&a, Some(&hrr()));
    let starts: Vec<u32> = t.efforts.iter().map(|e| e.start_s).collect();
    assert_eq!(t.efforts.len(), 5, "{starts:?}");
    for (e, expected) in t.efforts.iter().zip([600u32, 960, 1320, 1680, 2040]) {
        // The smoothing window shifts the edges by at most half its width.
        assert!(e.start_s.abs_diff(expected) <= 11, "{e:?}");
        assert!((100..=140).contains(&e.len_s), "{e:?}");
        assert!((1.2..=1.35).contains(&e.speed_ratio), "{e:?}");
        assert!(e.hr_rise_bpm.is_some_and(|r| r >= 20.0), "{e:?}");
    }
}

#[test]
fn no_efforts_on_downhills_at_the_start_or_without_contrast() {
    let downhill = workout(5, 120, 360, 1.3, -0.05, true);
    assert!(TraceFacts::of(&downhill, Some(&hrr())).efforts.is_empty());
    // Without heart rate a 1.3× stretch counts, a 1.2× one does not.
    let no_hr = workout(5, 120, 360, 1.3, 0.0, false);
    assert_eq!(TraceFacts::of(&no_hr, Some(&hrr())).efforts.len(), 5);
    let weak = workout(5, 120, 360, 1.2, 0.0, false);
    assert!(TraceFacts::of(&weak, Some(&hrr())).efforts.is_empty());
    // The first five minutes: GPS settles, the heart climbs from rest.
    let mut early: Vec<Second> = (0..1800u32)
        .map(|t| {
            let fast = (60..180).contains(&t);
            sec(
                t,
                if fast { 4.0 } else { 3.0 },
                Some(120.0 + (t.min(180) as f32) / 4.0),
                None,
            )
        })
        .collect();
    early.truncate(1800);
    assert!(
        TraceFacts::of(&activity(early), Some(&hrr()))
            .efforts
            .is_empty()
    );
}

#[test]
fn sustained_spans_bridge_short_dips() {
    // 20 min at 170 with a 40-s dip to 150 every 5 min, then easy.
    let with_dips: Vec<Second> = (0..2400u32)
        .map(|t| {
            let hr = if t < 1200 && t % 300 >= 260 {
                150.0
            } else if t < 1200 {
                170.0
            } else {
                140.0
            };
            sec(t, 3.0, Some(hr), None)
        })
        .collect();
    let t = TraceFacts::of(&activity(with_dips), Some(&hrr()));
    let block = t.tempo_block_s.unwrap_or_default();
    assert!((1100..=1260).contains(&block), "{block}");
    assert!(
        t.tempo_block_hr_bpm
            .is_some_and(|h| (162.0..176.0).contains(&h))
    );
    assert_eq!(t.threshold_bpm, Some(176.0));
    // Three-minute dips split it.
    let long_dips: Vec<Second> = (0..2400u32)
        .map(|t| {
            sec(
                t,
                3.0,
                Some(if t % 600 >= 420 { 140.0 } else { 170.0 }),
                None,
            )
        })
        .collect();
    let block = TraceFacts::of(&activity(long_dips), Some(&hrr()))
        .tempo_block_s
        .unwrap_or_default();
    assert!(block <= 480, "{block}");
    // Without zones there are no intensity figures.
    let none = TraceFacts::of(&workout(1, 60, 60, 1.0, 0.0, true), None);
    assert_eq!((none.tempo_block_s, none.threshold_bpm), (None, None));
}

#[test]
fn speed_and_cadence_quantiles() {
    let seconds: Vec<Second> = (0..100u32)
        .map(|t| sec(t, (t + 1) as f32 / 10.0, None, None))
        .collect();
    let t = TraceFacts::of(&activity(seconds), None);
    assert_eq!(t.speed_p50_mps.map(|v| (v * 10.0).round()), Some(50.0));
    assert_eq!(t.speed_p75_mps.map(|v| (v * 10.0).round()), Some(75.0));
    assert_eq!(t.cadence_p50_spm, Some(170.0));
    let empty = TraceFacts::of(&activity(Vec::new()), Some(&hrr()));
    assert_eq!((empty.speed_p50_mps, empty.efforts.len()), (None, 0));
}

/// The prefix-sum smoothing this file had before it walked the prefixes with iterators:
/// the reference the new one must match bit for bit.
fn smoothed_reference(values: &[Option<f64>], window: usize) -> Vec<Option<f64>> {
    let half = window / 2;
    let mut prefix = vec![0.0];
    let mut counts = vec![0usize];
    let (mut sum, mut n) = (0.0, 0usize);
    for v in values {
        if let Some(v) = v {
            sum += v;
            n += 1;
        }
        prefix.push(sum);
        counts.push(n);
    }
    (0..values.len())
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(values.len());
            let s = prefix[hi] - prefix[lo];
            let c = counts[hi] - counts[lo];
            (c > 0).then(|| s / c as f64)
        })
        .collect()
}

fn bits(values: &[Option<f64>]) -> Vec<Option<u64>> {
    values.iter().map(|v| v.map(f64::to_bits)).collect()
}

#[test]
fn smoothing_matches_the_reference_bit_for_bit() {
    use easyrun_testkit::synth::SplitMix64;
    let mut rng = SplitMix64::new(16);
    for case in 0..600usize {
        // Short series (shorter than the window, empty), holes, NaN, signed zeros.
        let n = case % 150;
        let values: Vec<Option<f64>> = (0..n)
            .map(|_| match rng.next_u64() % 10 {
                0 => None,
                1 => Some(f64::NAN),
                2 => Some(-0.0),
                3 => Some(f64::from((rng.next_u64() % 4) as u32)),
                _ => Some(3.0 * rng.next_f64() + 1e-3 * rng.gauss()),
            })
            .collect();
        let values: Vec<Option<f64>> = match case % 3 {
            0 => values
                .into_iter()
                .map(|v| v.filter(|v| !v.is_nan()))
                .collect(),
            _ => values,
        };
        for window in [1, 2, 3, SMOOTH_S, HR_SMOOTH_S, 400] {
            assert_eq!(
                bits(&smoothed(&values, window)),
                bits(&smoothed_reference(&values, window)),
                "window {window}: {values:?}"
            );
        }
    }
}

#[test]
fn two_quantiles_from_one_selection_are_each_quantile() {
    use easyrun_testkit::synth::SplitMix64;
    let mut rng = SplitMix64::new(75);
    for case in 0..500usize {
        let n = case % 90;
        let values: Vec<f64> = (0..n)
            .map(|_| match rng.next_u64() % 5 {
                // Ties and both zeros.
                0 => f64::from((rng.next_u64() % 3) as u32),
                1 => -0.0,
                _ => 4.0 * rng.next_f64(),
            })
            .collect();
        for (q, r) in [(0.5, 0.75), (0.1, 0.9), (0.5, 0.5), (0.0, 1.0)] {
            let want = (
                quantile(&mut values.clone(), q).map(f64::to_bits),
                quantile(&mut values.clone(), r).map(f64::to_bits),
            );
            let (a, b) = quantiles(&mut values.clone(), q, r);
            assert_eq!(
                (a.map(f64::to_bits), b.map(f64::to_bits)),
                want,
                "{values:?}"
            );
        }
    }
}
