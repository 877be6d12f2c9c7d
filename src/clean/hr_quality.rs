//! Heart-rate quality, second by second: placeholders and impossible values, spikes,
//! short dropouts bridged, and optical cadence lock. What is excluded is flagged, never
//! silently dropped, so reports can say how much of a run could not be judged.
//! References: shared/DOMAIN.md §6.

use crate::model::{HrFlag, Second, Span};

/// Plausible heart rate for a human at exercise, bpm (0 and 255 are placeholders).
pub const HR_MIN_BPM: f32 = 30.0;
pub const HR_MAX_BPM: f32 = 230.0;
/// A value this far from the 5-s rolling median of its neighbours is a spike, bpm.
pub const SPIKE_DEVIATION_BPM: f32 = 15.0;
/// Longest run of bad seconds bridged by interpolation.
pub const MAX_BRIDGE_S: usize = 10;
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

/// Counts of what was flagged, in seconds.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct HrReport {
    pub interpolated_s: u32,
    pub missing_s: u32,
    pub implausible_s: u32,
    pub spike_s: u32,
    pub cadence_lock_s: u32,
    pub cadence_lock_spans: Vec<Span>,
}

/// Flags every second's heart rate and fills `hr_bpm` with the usable values.
pub fn assess(seconds: &mut [Second]) -> HrReport {
    flag_placeholders(seconds);
    flag_spikes(seconds);
    bridge_short_gaps(seconds);
    let spans = flag_cadence_lock(seconds);
    let mut r = HrReport {
        cadence_lock_spans: spans,
        ..HrReport::default()
    };
    for s in seconds.iter_mut() {
        s.hr_bpm = if s.hr_flag.usable() { s.hr_bpm } else { None };
        match s.hr_flag {
            HrFlag::Ok => {}
            HrFlag::Interpolated => r.interpolated_s += 1,
            HrFlag::Missing => r.missing_s += 1,
            HrFlag::Implausible => r.implausible_s += 1,
            HrFlag::Spike => r.spike_s += 1,
            HrFlag::CadenceLock => r.cadence_lock_s += 1,
        }
    }
    r
}

fn flag_placeholders(seconds: &mut [Second]) {
    for s in seconds.iter_mut() {
        (s.hr_flag, s.hr_bpm) = match s.hr_raw_bpm {
            None => (HrFlag::Missing, None),
            Some(v) if v <= 0.0 => (HrFlag::Missing, None),
            Some(v) if !(HR_MIN_BPM..=HR_MAX_BPM).contains(&v) => (HrFlag::Implausible, None),
            Some(v) => (HrFlag::Ok, Some(v)),
        };
    }
}

/// A spike is a value far from the median of the 5 surrounding seconds (itself
/// included): a heart does not jump 15 bpm away from its neighbourhood and back.
fn flag_spikes(seconds: &mut [Second]) {
    let vals: Vec<Option<f32>> = seconds.iter().map(|s| s.hr_bpm).collect();
    for (i, s) in seconds.iter_mut().enumerate() {
        let Some(v) = s.hr_bpm else { continue };
        // At most 5 values: a stack buffer, not an allocation per second (this loop was
        // the cleaner's hot spot).
        let mut buffer = [0.0f32; 5];
        let mut len = 0;
        let (mut low, mut high) = (v, v);
        let neighbours = vals.get(i.saturating_sub(2)..(i + 3).min(vals.len()));
        for (slot, value) in buffer
            .iter_mut()
            .zip(neighbours.unwrap_or_default().iter().flatten())
        {
            *slot = *value;
            len += 1;
            low = low.min(*value);
            high = high.max(*value);
        }
        // Value and median both lie in [low, high]: a window narrower than the spike
        // deviation cannot hold a spike, and needs no sort (most windows).
        if len < 3 || high - low < SPIKE_DEVIATION_BPM {
            continue;
        }
        let window = buffer.get_mut(..len).unwrap_or_default();
        window.sort_unstable_by(f32::total_cmp);
        let median = window.get(len / 2).copied().unwrap_or(v);
        if (v - median).abs() >= SPIKE_DEVIATION_BPM {
            s.hr_flag = HrFlag::Spike;
            s.hr_bpm = None;
        }
    }
}

/// Bridges runs of at most [`MAX_BRIDGE_S`] unusable seconds between usable ones, on
/// consecutive grid seconds, by linear interpolation.
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
            s.hr_flag = HrFlag::Interpolated;
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
        let r = assess(&mut s);
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
        let r = assess(&mut s);
        assert_eq!(r.spike_s, 0, "bridged spikes count as interpolated");
        assert_eq!(r.interpolated_s, 1);
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
        let r = assess(&mut s);
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
        let r = assess(&mut s);
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
        let r = assess(&mut s);
        assert!(
            r.cadence_lock_spans.is_empty(),
            "{:?}",
            r.cadence_lock_spans
        );
    }
}
