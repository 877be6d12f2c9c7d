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
#[allow(clippy::indexing_slicing)]
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

/// The quantile this file had: a selection by `f64::total_cmp` on the widened values.
fn quantile_reference(values: &mut [f64], q: f64) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
    let (_, kth, _) = values.select_nth_unstable_by(rank - 1, f64::total_cmp);
    Some(*kth)
}

#[test]
fn quantiles_of_order_keys_are_the_total_cmp_quantiles() {
    use easyrun_testkit::synth::SplitMix64;
    let mut rng = SplitMix64::new(75);
    for case in 0..500usize {
        let n = case % 90;
        let values: Vec<f32> = (0..n)
            .map(|_| match rng.next_u64() % 6 {
                // Ties, both zeros, negative values (the key's flipped half).
                0 => (rng.next_u64() % 3) as f32,
                1 => -0.0,
                2 => -(4.0 * rng.next_f64()) as f32,
                _ => (4.0 * rng.next_f64()) as f32,
            })
            .collect();
        let keys: Vec<u32> = values.iter().map(|&v| order_key(v)).collect();
        let wide: Vec<f64> = values.iter().map(|&v| f64::from(v)).collect();
        for (q, r) in [(0.5, 0.75), (0.1, 0.9), (0.5, 0.5), (0.0, 1.0)] {
            let want = (
                quantile_reference(&mut wide.clone(), q).map(f64::to_bits),
                quantile_reference(&mut wide.clone(), r).map(f64::to_bits),
            );
            let one = quantile(&mut keys.clone(), q).map(f64::to_bits);
            let (a, b) = quantiles(&mut keys.clone(), q, r);
            assert_eq!(one, want.0, "{values:?}");
            assert_eq!(
                (a.map(f64::to_bits), b.map(f64::to_bits)),
                want,
                "{values:?}"
            );
        }
    }
}

/// The trace facts as main computed them before this file walked the moving seconds
/// once (two walks per file, collected buffers, prefix sums by index): the reference
/// the whole of [`TraceFacts::of`] must match.
mod reference {
    #![allow(clippy::indexing_slicing)]
    use super::super::{
        BRIDGE_S, EFFORT_ENTRY_RATIO, EFFORT_MAX_S, EFFORT_MERGE_S, EFFORT_MIN_GRADE,
        EFFORT_MIN_HR_RISE_BPM, EFFORT_MIN_RATIO, EFFORT_MIN_RATIO_NO_HR, EFFORT_MIN_S,
        EFFORT_SKIP_S, HR_SMOOTH_S, PAUSE_BREAK_S, SMOOTH_S,
    };
    use super::super::{Effort, Intensity, TraceFacts};
    use crate::model::{Activity, Second};

    pub(super) fn of(activity: &Activity, intensity: Option<&Intensity>) -> TraceFacts {
        let moving: Vec<&Second> = activity.seconds.iter().filter(|s| s.moving).collect();
        let mut speeds: Vec<f64> = moving
            .iter()
            .filter_map(|s| s.speed_mps.map(f64::from))
            .filter(|v| v.is_finite() && *v >= 0.0)
            .collect();
        let mut cadence: Vec<f64> = moving
            .iter()
            .filter_map(|s| s.cadence_spm.map(f64::from))
            .filter(|c| c.is_finite() && *c > 0.0)
            .collect();
        let p50 = quantile(&mut speeds, 0.5);
        let hr = activity.seconds.iter().any(|s| s.hr_bpm.is_some());
        let ceiling = if hr {
            intensity.map(|i| i.ceiling_bpm)
        } else {
            None
        };
        let efforts = match p50 {
            Some(median) if median > 0.3 => efforts(&moving, activity, median, hr, ceiling),
            _ => Vec::new(),
        };
        let block = intensity.map(|i| sustained(&moving, i.tempo_floor_bpm));
        TraceFacts {
            speed_p50_mps: p50,
            speed_p75_mps: quantile(&mut speeds, 0.75),
            cadence_p50_spm: quantile(&mut cadence, 0.5),
            efforts,
            tempo_block_s: block.map(|b| b.0),
            tempo_block_hr_bpm: block.and_then(|b| b.1),
            threshold_bpm: intensity.map(|i| i.threshold_bpm),
        }
    }

    /// The `q` quantile of `values` (nearest rank); `None` when empty. Reorders `values`
    /// (a selection, not a sort: the value is the sorted order's).
    fn quantile(values: &mut [f64], q: f64) -> Option<f64> {
        let n = values.len();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        let (_, kth, _) = values.select_nth_unstable_by(rank - 1, f64::total_cmp);
        Some(*kth)
    }

    fn usable_hr(s: &Second) -> Option<f64> {
        s.hr_bpm.map(f64::from).filter(|v| v.is_finite())
    }

    /// Longest sustained span of moving seconds whose heart rate (usable HR, smoothed over
    /// [`HR_SMOOTH_S`]) is at or above `bpm`: a span goes on through dips (below, or no
    /// usable HR) of at most [`BRIDGE_S`] moving seconds, and ends at a recording gap over
    /// [`PAUSE_BREAK_S`]. Returns the seconds at or above `bpm` in the best span and their
    /// mean (smoothed) HR.
    fn sustained(moving: &[&Second], bpm: f64) -> (u32, Option<f64>) {
        let raw: Vec<Option<f64>> = moving.iter().map(|s| usable_hr(s)).collect();
        let hr = smoothed(&raw, HR_SMOOTH_S);
        let mut best = (0u32, 0.0f64);
        let mut current = (0u32, 0.0f64);
        let mut dip = 0u32;
        let mut last_t: Option<u32> = None;
        for (s, h) in moving.iter().zip(&hr) {
            if last_t.is_some_and(|t| s.t_s.saturating_sub(t) > PAUSE_BREAK_S) {
                current = (0, 0.0);
                dip = 0;
            }
            last_t = Some(s.t_s);
            // A second without usable HR of its own is a dip, whatever its neighbours say.
            match h.filter(|_| usable_hr(s).is_some()) {
                Some(h) if h >= bpm => {
                    if dip > BRIDGE_S {
                        current = (0, 0.0);
                    }
                    dip = 0;
                    current = (current.0 + 1, current.1 + h);
                    if current.0 > best.0 {
                        best = current;
                    }
                }
                _ => dip += 1,
            }
        }
        let mean = (best.0 > 0).then(|| best.1 / f64::from(best.0));
        (best.0, mean)
    }

    /// Efforts: stretches of moving time whose speed (smoothed over [`SMOOTH_S`] s) stays at
    /// or above [`EFFORT_ENTRY_RATIO`] × the median moving speed, merged across gaps under
    /// [`EFFORT_MERGE_S`] s, lasting [`EFFORT_MIN_S`]–[`EFFORT_MAX_S`], with a mean speed
    /// of at least [`EFFORT_MIN_RATIO`] × median, starting after the first
    /// [`EFFORT_SKIP_S`] moving seconds, not downhill (mean grade ≥ [`EFFORT_MIN_GRADE`]).
    /// With heart rate, the heart must answer: a rise of [`EFFORT_MIN_HR_RISE_BPM`] and a
    /// peak over the conversational ceiling (run/walk and downhills are faster than the
    /// median too, but easy). Without heart rate, the stretch must be at least
    /// [`EFFORT_MIN_RATIO_NO_HR`] × median.
    fn efforts(
        moving: &[&Second],
        activity: &Activity,
        median: f64,
        has_hr: bool,
        ceiling_bpm: Option<f64>,
    ) -> Vec<Effort> {
        let raw: Vec<Option<f64>> = moving
            .iter()
            .map(|s| s.speed_mps.map(f64::from).filter(|v| v.is_finite()))
            .collect();
        let smooth = smoothed(&raw, SMOOTH_S);
        let entry = EFFORT_ENTRY_RATIO * median;
        // Candidate spans as index ranges into `moving`.
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut open: Option<usize> = None;
        for (i, v) in smooth.iter().enumerate() {
            let above = v.is_some_and(|v| v >= entry);
            match (above, open) {
                (true, None) => open = Some(i),
                (false, Some(start)) => {
                    spans.push((start, i));
                    open = None;
                }
                _ => {}
            }
        }
        if let Some(start) = open {
            spans.push((start, smooth.len()));
        }
        let t = |i: usize| moving.get(i).map_or(0, |s| s.t_s);
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for span in spans {
            match merged.last_mut() {
                Some(last)
                    if t(span.0).saturating_sub(t(last.1.saturating_sub(1))) <= EFFORT_MERGE_S =>
                {
                    last.1 = span.1;
                }
                _ => merged.push(span),
            }
        }
        merged
            .into_iter()
            .filter(|(a, _)| *a >= EFFORT_SKIP_S)
            .filter_map(|(a, b)| {
                effort(moving, activity, &raw, (a, b), median, has_hr, ceiling_bpm)
            })
            .collect()
    }

    /// The effort over `moving[a..b]`, when it qualifies.
    fn effort(
        moving: &[&Second],
        activity: &Activity,
        raw: &[Option<f64>],
        (a, b): (usize, usize),
        median: f64,
        has_hr: bool,
        ceiling_bpm: Option<f64>,
    ) -> Option<Effort> {
        let len_s = u32::try_from(b.saturating_sub(a)).unwrap_or(u32::MAX);
        if !(EFFORT_MIN_S..=EFFORT_MAX_S).contains(&len_s) {
            return None;
        }
        let speeds: Vec<f64> = raw.get(a..b)?.iter().flatten().copied().collect();
        let mean = speeds.iter().sum::<f64>() / speeds.len().max(1) as f64;
        let speed_ratio = mean / median;
        let start = moving.get(a)?;
        let end_t = moving.get(b.saturating_sub(1))?.t_s;
        // `seconds` are in time order.
        let window = |from: u32, to: u32| {
            let lo = activity.seconds.partition_point(|s| s.t_s < from);
            let hi = activity.seconds.partition_point(|s| s.t_s < to);
            activity
                .seconds
                .get(lo..hi)
                .unwrap_or_default()
                .iter()
                .filter_map(usable_hr)
        };
        let before: Vec<f64> = window(start.t_s.saturating_sub(60), start.t_s).collect();
        let peak = window(start.t_s, end_t + 31)
            .fold(None, |m: Option<f64>, h| Some(m.map_or(h, |m| m.max(h))));
        let pre = (!before.is_empty()).then(|| before.iter().sum::<f64>() / before.len() as f64);
        let rise = peak.zip(pre).map(|(p, b)| p - b);
        let grades: Vec<f64> = moving
            .get(a..b)?
            .iter()
            .filter_map(|s| s.grade.map(f64::from))
            .collect();
        let downhill = !grades.is_empty()
            && grades.iter().sum::<f64>() / (grades.len() as f64) < EFFORT_MIN_GRADE;
        let ok = !downhill
            && if has_hr {
                speed_ratio >= EFFORT_MIN_RATIO
                    && rise.is_some_and(|r| r >= EFFORT_MIN_HR_RISE_BPM)
                    && peak.zip(ceiling_bpm).is_none_or(|(p, c)| p >= c)
            } else {
                speed_ratio >= EFFORT_MIN_RATIO_NO_HR
            };
        ok.then_some(Effort {
            start_s: start.t_s,
            len_s,
            speed_ratio,
            peak_hr_bpm: peak,
            hr_rise_bpm: rise,
        })
    }

    /// Centred moving mean over `window` values, ignoring missing ones.
    fn smoothed(values: &[Option<f64>], window: usize) -> Vec<Option<f64>> {
        let half = window / 2;
        let mut prefix = Vec::with_capacity(values.len() + 1);
        let mut counts = Vec::with_capacity(values.len() + 1);
        prefix.push(0.0);
        counts.push(0usize);
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
                let s =
                    prefix.get(hi).copied().unwrap_or(0.0) - prefix.get(lo).copied().unwrap_or(0.0);
                let c = counts.get(hi).copied().unwrap_or(0) - counts.get(lo).copied().unwrap_or(0);
                (c > 0).then(|| s / c as f64)
            })
            .collect()
    }
}

#[test]
fn the_facts_match_mains_version_bit_for_bit() {
    use easyrun_testkit::synth::SplitMix64;
    let mut rng = SplitMix64::new(61);
    let mut with_efforts = 0;
    for case in 0..60u32 {
        let mut a = workout(
            3 + case % 4,
            60 + 20 * (case % 5),
            300,
            1.3,
            0.0,
            case % 7 != 0,
        );
        for s in &mut a.seconds {
            match rng.next_u64() % 40 {
                0 => s.moving = false,
                1 => s.hr_bpm = None,
                2 => s.speed_mps = None,
                3 => s.cadence_spm = Some(f32::NAN),
                4 => s.speed_mps = Some(-0.0),
                5 => s.grade = Some(-0.05),
                _ => {}
            }
            if let Some(v) = &mut s.speed_mps {
                *v *= (1.0 + 0.05 * rng.gauss()) as f32;
            }
            if let Some(h) = &mut s.hr_bpm {
                *h = (*h + (2.0 * rng.gauss()) as f32).round();
            }
        }
        // A pause longer than PAUSE_BREAK_S half-way.
        let half = a.seconds.len() / 2;
        for s in a.seconds.iter_mut().skip(half) {
            s.t_s += 400 * (case % 2);
        }
        for intensity in [None, Some(hrr())] {
            let got = TraceFacts::of(&a, intensity.as_ref());
            let want = reference::of(&a, intensity.as_ref());
            with_efforts += usize::from(!want.efforts.is_empty());
            assert_eq!(format!("{got:?}"), format!("{want:?}"), "case {case}");
        }
    }
    assert!(with_efforts > 30, "only {with_efforts} with efforts");
}
