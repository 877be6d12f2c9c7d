//! Heart-rate quality, second by second: placeholders, impossible values and values
//! above the athlete's known max, swings and spikes ([`super::hr_artifacts`]), short
//! gaps bridged, an erratic trace, and optical cadence lock. What is excluded is flagged,
//! never silently dropped, so reports can say how much of a run could not be judged and
//! how much of it was bridged. References: shared/DOMAIN.md §6 and §9.

use super::hr_artifacts;
use crate::model::{HrFlag, Second, Span};

/// Plausible heart rate for a human at exercise, bpm (0 and 255 are placeholders).
pub const HR_MIN_BPM: f32 = 30.0;
pub const HR_MAX_BPM: f32 = 230.0;
/// Values more than this above the athlete's known max HR are artifacts, bpm: a measured
/// max can exceed a configured one by a few beats, not by this many.
pub const ABOVE_MAX_MARGIN_BPM: f32 = 10.0;
/// Longest run of bad seconds bridged by interpolation (spikes and dropouts up to
/// ~15 s, shared/DOMAIN.md §9).
pub const MAX_BRIDGE_S: usize = 15;
/// Cadence lock: |HR − steps/min| at most this, bpm…
pub const LOCK_TOLERANCE_BPM: f32 = 5.0;
/// …for at least this long, seconds…
pub const LOCK_MIN_S: usize = 60;
/// …entered by a jump of at least this many bpm within [`LOCK_ENTRY_WINDOW_S`]…
pub const LOCK_ENTRY_JUMP_BPM: f32 = 15.0;
pub const LOCK_ENTRY_WINDOW_S: usize = 20;
/// …or held this tightly (|HR − cadence| ≤ 2 bpm on this share of a span of at least
/// [`LOCK_TIGHT_MIN_S`]): a real heart does not shadow the step rate that closely.
pub const LOCK_TIGHT_SHARE: f64 = 0.9;
pub const LOCK_TIGHT_MIN_S: usize = 180;

/// Counts of what was flagged, in seconds (each second counted once, by its final flag).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct HrReport {
    /// Dropouts bridged by interpolation.
    pub interpolated_s: u32,
    pub missing_s: u32,
    pub implausible_s: u32,
    pub above_max_s: u32,
    pub spike_s: u32,
    pub swing_s: u32,
    pub erratic_s: u32,
    /// Artifacts (spikes, swings, values above max) bridged by interpolation.
    pub bridged_s: u32,
    pub cadence_lock_s: u32,
    pub cadence_lock_spans: Vec<Span>,
    /// Spans of rejected values (artifacts, bridged or not), merged across 5 s.
    pub artifact_spans: Vec<Span>,
}

/// Flags every second's heart rate and fills `hr_bpm` with the usable values.
/// `known_max_hr_bpm` is the athlete's max HR when one is known (flag, profile, watch).
pub fn assess(seconds: &mut [Second], known_max_hr_bpm: Option<f32>) -> HrReport {
    flag_placeholders(seconds, known_max_hr_bpm);
    // Cadence lock first: a lock is a swing onto the step rate, and saying so is worth
    // more than calling it a swing.
    let spans = flag_cadence_lock(seconds);
    // Times and moving do not change from here on; the usable heart rate is kept in
    // step with the seconds by the three searches.
    let layout = hr_artifacts::Layout::of(seconds);
    let mut hr = hr_artifacts::Hr::of(seconds);
    hr_artifacts::flag_swings_in(seconds, &layout, &mut hr);
    hr_artifacts::flag_spikes_in(seconds, &layout, &mut hr);
    let erratic = hr_artifacts::is_erratic_in(&layout, &hr);
    if erratic {
        for s in seconds.iter_mut() {
            if s.hr_bpm.is_some() {
                s.hr_flag = HrFlag::Erratic;
                s.hr_bpm = None;
            }
        }
    } else {
        bridge_short_gaps(seconds);
    }
    let mut r = HrReport {
        cadence_lock_spans: spans,
        ..HrReport::default()
    };
    let mut artifacts = Spans::new(5);
    for s in seconds.iter_mut() {
        s.hr_bpm = if s.hr_flag.usable() { s.hr_bpm } else { None };
        let is_artifact = matches!(
            s.hr_flag,
            HrFlag::AboveMax | HrFlag::Spike | HrFlag::Swing | HrFlag::Bridged
        );
        if is_artifact {
            artifacts.add(s.t_s);
        }
        match s.hr_flag {
            HrFlag::Ok => {}
            HrFlag::Interpolated => r.interpolated_s += 1,
            HrFlag::Missing => r.missing_s += 1,
            HrFlag::Implausible => r.implausible_s += 1,
            HrFlag::AboveMax => r.above_max_s += 1,
            HrFlag::Spike => r.spike_s += 1,
            HrFlag::Swing => r.swing_s += 1,
            HrFlag::Erratic => r.erratic_s += 1,
            HrFlag::Bridged => r.bridged_s += 1,
            HrFlag::CadenceLock => r.cadence_lock_s += 1,
        }
    }
    r.artifact_spans = artifacts.spans;
    r
}

/// Spans of consecutive flagged seconds, merged across gaps of at most `max_gap_s`,
/// built as the flagged seconds come (in time order).
struct Spans {
    max_gap_s: u32,
    spans: Vec<Span>,
}

impl Spans {
    fn new(max_gap_s: u32) -> Spans {
        Spans {
            max_gap_s,
            spans: Vec::new(),
        }
    }

    fn add(&mut self, t_s: u32) {
        match self.spans.last_mut() {
            Some(last) if t_s <= last.end_s + self.max_gap_s => last.end_s = t_s + 1,
            _ => self.spans.push(Span {
                start_s: t_s,
                end_s: t_s + 1,
            }),
        }
    }
}

fn flag_placeholders(seconds: &mut [Second], known_max_hr_bpm: Option<f32>) {
    let above = known_max_hr_bpm.map_or(f32::INFINITY, |m| m + ABOVE_MAX_MARGIN_BPM);
    for s in seconds.iter_mut() {
        (s.hr_flag, s.hr_bpm) = match s.hr_raw_bpm {
            None => (HrFlag::Missing, None),
            Some(v) if v <= 0.0 => (HrFlag::Missing, None),
            Some(v) if !(HR_MIN_BPM..=HR_MAX_BPM).contains(&v) => (HrFlag::Implausible, None),
            Some(v) if v > above => (HrFlag::AboveMax, None),
            Some(v) => (HrFlag::Ok, Some(v)),
        };
    }
}

/// Bridges runs of at most [`MAX_BRIDGE_S`] unusable seconds between usable ones, on
/// consecutive grid seconds, by linear interpolation. A bridged dropout is
/// `Interpolated`; a bridged artifact (spike, swing, above max) is `Bridged`. Values
/// the placeholder test called impossible (below 30, above 230) are bridged too.
fn bridge_short_gaps(seconds: &mut [Second]) {
    let n = seconds.len();
    let mut i = 0;
    while i < n {
        let usable = |k: usize| seconds.get(k).is_some_and(|s| s.hr_bpm.is_some());
        if usable(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && !usable(i) {
            i += 1;
        }
        let (Some(before), Some(after)) = (
            start.checked_sub(1).and_then(|k| seconds.get(k)).copied(),
            seconds.get(i).copied(),
        ) else {
            continue;
        };
        let len = i - start;
        let contiguous = after.t_s - before.t_s == (len + 1) as u32;
        if len > MAX_BRIDGE_S || !contiguous {
            continue;
        }
        let (Some(a), Some(b)) = (before.hr_bpm, after.hr_bpm) else {
            continue;
        };
        for (k, s) in seconds
            .get_mut(start..i)
            .unwrap_or_default()
            .iter_mut()
            .enumerate()
        {
            let f = (k + 1) as f32 / (len + 1) as f32;
            s.hr_bpm = Some(a + (b - a) * f);
            s.hr_flag = match s.hr_flag {
                HrFlag::Missing => HrFlag::Interpolated,
                _ => HrFlag::Bridged,
            };
        }
    }
}

/// Finds spans where HR sits on the step rate and flags them. A candidate span is a run
/// of ≥ [`LOCK_MIN_S`] seconds with |HR − cadence| ≤ [`LOCK_TOLERANCE_BPM`] (gaps of up
/// to 5 s tolerated). It is a lock when entered by a jump of ≥ [`LOCK_ENTRY_JUMP_BPM`]
/// within [`LOCK_ENTRY_WINDOW_S`] s (the optical sensor jumping onto arm swing), or
/// when HR shadows cadence within 2 bpm on ≥ 90 % of a span of ≥ 3 min. A hard run
/// whose true HR happens to equal the cadence neither jumps onto it nor shadows it.
fn flag_cadence_lock(seconds: &mut [Second]) -> Vec<Span> {
    let near = |s: &Second, tol: f32| match (s.hr_bpm, s.cadence_spm) {
        (Some(h), Some(c)) if c > 0.0 => (h - c).abs() <= tol,
        _ => false,
    };
    let n = seconds.len();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < n {
        if !seconds.get(i).is_some_and(|s| near(s, LOCK_TOLERANCE_BPM)) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut miss = 0;
        let mut j = i + 1;
        while j < n && miss <= 5 {
            if seconds.get(j).is_some_and(|s| near(s, LOCK_TOLERANCE_BPM)) {
                end = j + 1;
                miss = 0;
            } else {
                miss += 1;
            }
            j += 1;
        }
        i = end;
        let len = end - start;
        if len < LOCK_MIN_S {
            continue;
        }
        let span_secs = seconds.get(start..end).unwrap_or_default();
        let tight = span_secs.iter().filter(|s| near(s, 2.0)).count() as f64 / len as f64;
        let entry_hr = span_secs
            .iter()
            .take(10)
            .filter_map(|s| s.hr_bpm)
            .fold(f32::MIN, f32::max);
        let before_min = seconds
            .get(start.saturating_sub(LOCK_ENTRY_WINDOW_S)..start)
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.hr_bpm)
            .fold(f32::MAX, f32::min);
        let jumped = before_min < f32::MAX && entry_hr - before_min >= LOCK_ENTRY_JUMP_BPM;
        let shadows = len >= LOCK_TIGHT_MIN_S && tight >= LOCK_TIGHT_SHARE;
        if !(jumped || shadows) {
            continue;
        }
        for s in seconds.get_mut(start..end).unwrap_or_default() {
            if s.hr_flag.usable() {
                s.hr_flag = HrFlag::CadenceLock;
                s.hr_bpm = None;
            }
        }
        let t = |k: usize| seconds.get(k).map_or(0, |s| s.t_s);
        spans.push(Span {
            start_s: t(start),
            end_s: t(end - 1) + 1,
        });
    }
    spans
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn secs(hr: &[Option<f32>]) -> Vec<Second> {
        hr.iter()
            .enumerate()
            .map(|(i, &h)| Second {
                t_s: i as u32,
                hr_raw_bpm: h,
                ..Second::default()
            })
            .collect()
    }

    #[test]
    fn placeholders_and_impossible_values_are_flagged() {
        let mut s = secs(&[Some(0.0), Some(255.0), Some(140.0), None, Some(20.0)]);
        let r = assess(&mut s, None);
        assert_eq!(s[1].hr_flag, HrFlag::Implausible);
        assert_eq!(s[4].hr_flag, HrFlag::Implausible);
        assert_eq!(s[0].hr_flag, HrFlag::Missing);
        // The lone 140 cannot bridge anything; the missing second between 140 and a
        // bad value stays missing.
        assert_eq!(r.implausible_s, 2);
        assert_eq!(s[2].hr_bpm, Some(140.0));
    }

    #[test]
    fn a_spike_is_excluded_and_bridged() {
        let mut hr: Vec<Option<f32>> = vec![Some(140.0); 30];
        hr[15] = Some(185.0);
        let mut s = secs(&hr);
        let r = assess(&mut s, None);
        assert_eq!(r.spike_s, 0, "bridged spikes are counted as bridged");
        assert_eq!(r.bridged_s, 1);
        assert_eq!(s[15].hr_bpm, Some(140.0));
        assert!(s.iter().filter_map(|x| x.hr_bpm).all(|v| v == 140.0));
    }

    #[test]
    fn short_dropouts_bridge_and_long_ones_stay_missing() {
        let mut hr: Vec<Option<f32>> = (0..100).map(|i| Some(120.0 + i as f32 * 0.1)).collect();
        for h in &mut hr[10..14] {
            *h = None;
        }
        for h in &mut hr[40..70] {
            *h = None;
        }
        let mut s = secs(&hr);
        let r = assess(&mut s, None);
        assert_eq!(r.interpolated_s, 4);
        assert_eq!(r.missing_s, 30);
        assert!((s[12].hr_bpm.unwrap_or(0.0) - 121.2).abs() < 1e-3);
        assert_eq!(s[50].hr_bpm, None);
    }

    #[test]
    fn a_jump_onto_the_step_rate_is_a_cadence_lock() {
        // 5 min at HR 135, cadence 172; then the sensor jumps to 172 for 3 min; back.
        let mut s: Vec<Second> = (0..660)
            .map(|i| {
                let locked = (300..480).contains(&i);
                Second {
                    t_s: i,
                    hr_raw_bpm: Some(if locked {
                        172.0 + (i % 3) as f32 - 1.0
                    } else {
                        135.0
                    }),
                    cadence_spm: Some(172.0),
                    ..Second::default()
                }
            })
            .collect();
        let r = assess(&mut s, None);
        assert_eq!(
            r.cadence_lock_spans,
            vec![Span {
                start_s: 300,
                end_s: 480
            }]
        );
        assert_eq!(r.cadence_lock_s, 180);
        assert_eq!(s[400].hr_bpm, None);
        assert_eq!(s[200].hr_bpm, Some(135.0));
    }

    #[test]
    fn a_hard_run_near_cadence_without_a_jump_is_not_a_lock() {
        // HR climbs steadily from 150 to 178 over 20 min while cadence holds 172: it
        // crosses the step rate but neither jumps onto it nor shadows it.
        let mut s: Vec<Second> = (0..1200)
            .map(|i| Second {
                t_s: i,
                hr_raw_bpm: Some(150.0 + 28.0 * i as f32 / 1200.0),
                cadence_spm: Some(172.0),
                ..Second::default()
            })
            .collect();
        let r = assess(&mut s, None);
        assert!(
            r.cadence_lock_spans.is_empty(),
            "{:?}",
            r.cadence_lock_spans
        );
    }
}
