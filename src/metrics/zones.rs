//! Heart-rate intensity of a run: time in zones, time above the recovery ceiling (with
//! the spans that broke it), and clean average and maximum heart rate.
//!
//! Inputs are moving seconds with usable heart rate (`HrFlag::usable`: recorded or
//! briefly interpolated; spikes, dropouts and cadence lock are excluded by cleaning).
//!
//! - Time in zone `z`: the number of such seconds with `zone_of(hr) == z`; zones are
//!   half-open `[lo, hi)` (shared/DOMAIN.md §2), boundaries from `src/profile/zones.rs`.
//! - Above the ceiling: `hr ≥ ceiling_bpm` (the ceiling is the HR "at or above which a
//!   recovery run is no longer conversational"). `share = above_s / hr_moving_s`.
//!   Spans: runs of consecutive above-ceiling seconds, merged when the gap between them
//!   is at most [`SPAN_MAX_GAP_S`] s, then kept when at least [`SPAN_MIN_S`] s long
//!   (merge first, so two 6-s breaches 3 s apart are one 15-s span). A hole in the
//!   grid, a second below the ceiling or a second without usable HR ends a run.
//! - Clean average HR: the mean of usable moving HR.
//! - Clean max HR: the maximum of the centered 5-s rolling median of usable moving HR,
//!   never the raw 1 Hz maximum (shared/DOMAIN.md §6: a 5-s median before any max). A
//!   window needs [`MAX_HR_MIN_VALUES`] values, so one value beside a hole cannot set
//!   the maximum on its own.

use serde::{Deserialize, Serialize};

use super::series::{self, Point};
use crate::model::{Activity, Span};
use crate::profile::HrZones;

/// Above-ceiling runs separated by at most this many seconds are one span.
pub const SPAN_MAX_GAP_S: u32 = 5;
/// Shortest above-ceiling span reported, seconds (after merging).
pub const SPAN_MIN_S: u32 = 10;
/// Half-width of the centered rolling median used for the clean maximum, seconds
/// (window `2·2 + 1 = 5` s).
pub const MAX_HR_MEDIAN_HALF_S: u32 = 2;
/// Values a 5-s window needs before its median counts (a majority of the window).
pub const MAX_HR_MIN_VALUES: usize = 3;

/// Moving time per heart-rate zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneTimes {
    /// Zone names, as in [`HrZones::names`].
    #[serde(deserialize_with = "crate::profile::zones::zone_names")]
    pub names: Vec<&'static str>,
    /// Moving seconds with usable HR in each zone (same order as `names`).
    pub seconds: Vec<u32>,
    /// Moving seconds with usable HR (the sum of `seconds`).
    pub hr_moving_s: u32,
}

/// Moving time at or above the recovery ceiling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CeilingShare {
    pub ceiling_bpm: f64,
    /// Moving seconds with usable HR at or above the ceiling.
    pub above_s: u32,
    /// Moving seconds with usable HR.
    pub hr_moving_s: u32,
    /// `above_s / hr_moving_s` in 0..=1; `None` without usable HR.
    pub share: Option<f64>,
    /// Above-ceiling spans (merged, at least [`SPAN_MIN_S`] long), in time order.
    pub spans: Vec<Span>,
}

/// The usable moving heart rate of one activity, selected once and shared by every
/// metric that reads it (zones, ceiling, average, maximum, load): `metrics::compute`
/// makes one selection instead of one per metric.
#[derive(Debug, Clone, PartialEq)]
pub struct MovingHr {
    points: Vec<Point>,
}

impl MovingHr {
    /// The moving seconds of `activity` with usable, finite HR, in time order.
    pub fn of(activity: &Activity) -> MovingHr {
        MovingHr {
            points: series::moving_points(&activity.seconds, series::usable_hr),
        }
    }

    /// How many seconds were selected.
    pub fn len_s(&self) -> u32 {
        self.points.len() as u32
    }

    pub(crate) fn points(&self) -> &[Point] {
        &self.points
    }
}

/// Moving seconds with usable HR.
pub fn hr_moving_s(activity: &Activity) -> u32 {
    activity
        .seconds
        .iter()
        .filter(|s| s.moving && series::usable_hr(s).is_some())
        .count() as u32
}

/// Moving seconds with usable HR per zone of `zones`.
pub fn time_in_zones(activity: &Activity, zones: &HrZones) -> ZoneTimes {
    time_in_zones_of(&MovingHr::of(activity), zones)
}

/// [`time_in_zones`] from a selection made once.
pub fn time_in_zones_of(hr: &MovingHr, zones: &HrZones) -> ZoneTimes {
    let mut seconds = vec![0u32; zones.lower_bpm.len().max(1)];
    let points = hr.points();
    let bounds = &zones.lower_bpm;
    // On ascending bounds the bounds at or below a value are a prefix of them, so the
    // last bound at or below a value (`HrZones::zone_of`) is one less than how many
    // are: counted without a branch on the value.
    let ascending = bounds.is_sorted_by(|a, b| a <= b);
    for p in points {
        let zone = if ascending {
            let at_or_below: usize = bounds.iter().map(|&lo| usize::from(p.value >= lo)).sum();
            at_or_below.saturating_sub(1)
        } else {
            zones.zone_of(p.value)
        };
        if let Some(slot) = seconds.get_mut(zone) {
            *slot += 1;
        }
    }
    ZoneTimes {
        names: zones.names.clone(),
        seconds,
        hr_moving_s: points.len() as u32,
    }
}

/// Moving time with usable HR at or above `ceiling_bpm`, and the spans that breached it.
pub fn above_ceiling(activity: &Activity, ceiling_bpm: f64) -> CeilingShare {
    above_ceiling_of(&MovingHr::of(activity), ceiling_bpm)
}

/// [`above_ceiling`] from a selection made once.
pub fn above_ceiling_of(hr: &MovingHr, ceiling_bpm: f64) -> CeilingShare {
    let points = hr.points();
    let hr_moving_s = points.len() as u32;
    let above_s = points.iter().filter(|p| p.value >= ceiling_bpm).count() as u32;
    let flags = points.iter().map(|p| (p.t_s, p.value >= ceiling_bpm));
    let spans = series::merge_close(series::runs(flags), SPAN_MAX_GAP_S)
        .into_iter()
        .filter(|s| s.len_s() >= SPAN_MIN_S)
        .collect();
    CeilingShare {
        ceiling_bpm,
        above_s,
        hr_moving_s,
        share: (hr_moving_s > 0).then(|| f64::from(above_s) / f64::from(hr_moving_s)),
        spans,
    }
}

/// Mean of usable moving HR, bpm.
pub fn clean_average_hr_bpm(activity: &Activity) -> Option<f64> {
    clean_average_hr_bpm_of(&MovingHr::of(activity))
}

/// [`clean_average_hr_bpm`] from a selection made once.
pub fn clean_average_hr_bpm_of(hr: &MovingHr) -> Option<f64> {
    series::mean(hr.points().iter().map(|p| p.value))
}

/// Maximum of the centered 5-s rolling median of usable moving HR, bpm.
pub fn clean_max_hr_bpm(activity: &Activity) -> Option<f64> {
    clean_max_hr_bpm_of(&MovingHr::of(activity))
}

/// [`clean_max_hr_bpm`] from a selection made once.
pub fn clean_max_hr_bpm_of(hr: &MovingHr) -> Option<f64> {
    const WIDTH: usize = 2 * MAX_HR_MEDIAN_HALF_S as usize + 1;
    let points = hr.points();
    let mut best: Option<f64> = None;
    // The window is `points[lo..hi]` (both ends only move forward: points are in time
    // order), with `above` of its values over the best so far kept as it slides.
    let mut above = Above::default();
    let (mut lo, mut hi) = (0usize, 0usize);
    for p in points {
        let from = p.t_s.saturating_sub(MAX_HR_MEDIAN_HALF_S);
        let to = p.t_s.saturating_add(MAX_HR_MEDIAN_HALF_S);
        while let Some(q) = points.get(lo)
            && q.t_s < from
        {
            above.leave(lo < hi, q.value, best);
            lo += 1;
        }
        hi = hi.max(lo);
        while let Some(q) = points.get(hi)
            && q.t_s <= to
        {
            above.enter(q.value, best);
            hi += 1;
        }
        let window = points.get(lo..hi).unwrap_or_default();
        let n = window.len();
        // A median above the best so far needs more than half the window above it;
        // most windows have not, and skip the selection.
        if n < MAX_HR_MIN_VALUES || (best.is_some() && above.n < n - n / 2) {
            continue;
        }
        let mut values = [0.0f64; WIDTH];
        for (slot, p) in values.iter_mut().zip(window) {
            *slot = p.value;
        }
        if let Some(m) = series::median_in_place(values.get_mut(..n).unwrap_or_default()) {
            best = Some(best.map_or(m, |b| b.max(m)));
            above.recount(window, best);
        }
    }
    best
}

/// How many values of a sliding window are above the best so far (all of them while
/// there is none): an integer kept as values enter and leave, recounted when the best
/// changes.
#[derive(Default)]
struct Above {
    n: usize,
}

impl Above {
    fn beats(value: f64, best: Option<f64>) -> bool {
        best.is_none_or(|b| value > b)
    }

    fn enter(&mut self, value: f64, best: Option<f64>) {
        self.n += usize::from(Above::beats(value, best));
    }

    /// `counted`: whether the leaving value had entered (a window emptied by a hole in
    /// time lets its start pass values its end never reached).
    fn leave(&mut self, counted: bool, value: f64, best: Option<f64>) {
        if counted && Above::beats(value, best) {
            self.n = self.n.saturating_sub(1);
        }
    }

    fn recount(&mut self, window: &[Point], best: Option<f64>) {
        self.n = window
            .iter()
            .filter(|p| Above::beats(p.value, best))
            .count();
    }
}

/// Window and step of the sustained maximum, seconds.
pub const SUSTAINED_WINDOW_S: u32 = 60;
pub const SUSTAINED_STEP_S: u32 = 10;

/// Highest median of usable moving HR over 60-s windows of the grid (windows start
/// every 10 s and need at least 45 values): the history's max-HR evidence (DOMAIN §2:
/// the highest 30–60 s rolling median after artifact removal, never the 1 Hz max).
pub fn sustained_max_hr_bpm(activity: &Activity) -> Option<f64> {
    sustained_max_hr_bpm_of(&MovingHr::of(activity))
}

/// [`sustained_max_hr_bpm`] from a selection made once.
pub fn sustained_max_hr_bpm_of(hr: &MovingHr) -> Option<f64> {
    let points = hr.points();
    let mut best: Option<f64> = None;
    let mut lo = 0usize;
    let mut start = points.first()?.t_s;
    let last = points.last()?.t_s;
    let mut hi = 0usize;
    let mut above = Above::default();
    let mut window: Vec<f64> = Vec::with_capacity(SUSTAINED_WINDOW_S as usize);
    while start + SUSTAINED_WINDOW_S <= last + 1 {
        // The window is `points[lo..hi]`: both ends only move forward (points are in
        // time order); `above` counts its values over the best so far.
        while let Some(q) = points.get(lo)
            && q.t_s < start
        {
            above.leave(lo < hi, q.value, best);
            lo += 1;
        }
        hi = hi.max(lo);
        while let Some(q) = points.get(hi)
            && q.t_s < start + SUSTAINED_WINDOW_S
        {
            above.enter(q.value, best);
            hi += 1;
        }
        let inside = points.get(lo..hi).unwrap_or_default();
        let n = inside.len();
        // As in `clean_max_hr_bpm`: a median above the best so far needs more than half
        // the window above it; most windows have not, and skip the selection.
        if n * 4 >= SUSTAINED_WINDOW_S as usize * 3 && (best.is_none() || above.n >= n - n / 2) {
            window.clear();
            window.extend(inside.iter().map(|p| p.value));
            let m = series::median_in_place(&mut window);
            best = match (best, m) {
                (Some(b), Some(m)) => Some(b.max(m)),
                (b, m) => b.or(m),
            };
            above.recount(inside, best);
        }
        start += SUSTAINED_STEP_S;
    }
    best
}

/// Moving seconds with usable HR at or above `bpm`.
pub fn seconds_at_or_above(activity: &Activity, bpm: f64) -> u32 {
    seconds_at_or_above_of(&MovingHr::of(activity), bpm)
}

/// [`seconds_at_or_above`] from a selection made once.
pub fn seconds_at_or_above_of(hr: &MovingHr, bpm: f64) -> u32 {
    hr.points().iter().filter(|p| p.value >= bpm).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::{Columns, assert_close, assert_some_close};
    use crate::profile::{AthleteProfile, Source, Sourced, ZoneModel};

    fn from_hr(hr: &[f32]) -> Columns {
        let mut c = Columns::steady(hr.len(), 3.0, 0.0);
        c.hr_bpm = hr.iter().map(|&h| Some(h)).collect();
        c
    }

    /// The definitions, computed the slow way: every window's median from scratch.
    fn reference_maxima(activity: &Activity) -> (Option<f64>, Option<f64>) {
        let points = MovingHr::of(activity).points;
        let window = |from: u32, to: u32| -> Vec<f64> {
            points
                .iter()
                .filter(|p| p.t_s >= from && p.t_s < to)
                .map(|p| p.value)
                .collect()
        };
        let clean = points
            .iter()
            .map(|p| window(p.t_s.saturating_sub(2), p.t_s + 3))
            .filter(|w| w.len() >= MAX_HR_MIN_VALUES)
            .filter_map(series::median)
            .reduce(f64::max);
        let (first, last) = match (points.first(), points.last()) {
            (Some(f), Some(l)) => (f.t_s, l.t_s),
            _ => return (clean, None),
        };
        let sustained = (first..)
            .step_by(SUSTAINED_STEP_S as usize)
            .take_while(|start| start + SUSTAINED_WINDOW_S <= last + 1)
            .map(|start| window(start, start + SUSTAINED_WINDOW_S))
            .filter(|w| w.len() * 4 >= SUSTAINED_WINDOW_S as usize * 3)
            .filter_map(series::median)
            .reduce(f64::max);
        (clean, sustained)
    }

    #[test]
    fn time_in_zones_counts_each_second_in_the_zone_zone_of_gives() {
        use crate::profile::ZoneModel;
        use crate::profile::zones::HrZones;
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(5);
        let hr: Vec<f32> = (0..3000)
            .map(|i| match i % 97 {
                0 => 114.0,
                1 => 171.0,
                _ => (60.0 + 140.0 * rng.next_f64()) as f32,
            })
            .collect();
        let moving = MovingHr::of(&from_hr(&hr).build());
        for lower_bpm in [
            vec![0.0, 114.0, 133.0, 152.0, 171.0],
            vec![0.0, 133.0, 133.0, 171.0],
            // Not ascending (a bound below the one before): zone_of's own search.
            vec![0.0, 150.0, 120.0, 171.0],
            vec![],
        ] {
            let zones = HrZones {
                model: ZoneModel::Hrmax,
                names: vec!["z1"; lower_bpm.len()],
                lower_bpm,
                ceiling_bpm: 140.0,
            };
            let mut want = vec![0u32; zones.lower_bpm.len().max(1)];
            for p in moving.points() {
                if let Some(slot) = want.get_mut(zones.zone_of(p.value)) {
                    *slot += 1;
                }
            }
            assert_eq!(
                time_in_zones_of(&moving, &zones).seconds,
                want,
                "{:?}",
                zones.lower_bpm
            );
        }
    }

    #[test]
    fn maxima_match_their_definitions_on_noisy_runs_with_holes() {
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(7);
        for case in 0..40 {
            let n = 200 + 37 * case;
            let mut c = from_hr(
                &(0..n)
                    .map(|i| {
                        let base = 120.0 + 40.0 * (i as f32 / n as f32);
                        (base + (8.0 * rng.gauss()) as f32).round()
                    })
                    .collect::<Vec<f32>>(),
            );
            // Holes in the grid, dropouts and stops.
            // A hole in time shorter than the sustained window, or longer (which
            // empties it).
            let hole = if case % 2 == 0 { 30 } else { 100 };
            c.t_s = (0..n as u32)
                .map(|i| i + if i > n as u32 / 2 { hole } else { 0 })
                .collect();
            for (hr, moving) in c.hr_bpm.iter_mut().zip(c.moving.iter_mut()) {
                if rng.next_f64() < 0.05 {
                    *hr = None;
                }
                if rng.next_f64() < 0.03 {
                    *moving = false;
                }
            }
            let a = c.build();
            let (clean, sustained) = reference_maxima(&a);
            assert_eq!(
                clean_max_hr_bpm(&a).map(f64::to_bits),
                clean.map(f64::to_bits)
            );
            assert_eq!(
                sustained_max_hr_bpm(&a).map(f64::to_bits),
                sustained.map(f64::to_bits)
            );
        }
    }

    #[test]
    fn sustained_max_ignores_a_short_peak() {
        // 10 min at 150 with a 20-s burst at 190: a 60-s median never sees the burst.
        let hr: Vec<f32> = (0..600)
            .map(|i| {
                if (300..320).contains(&i) {
                    190.0
                } else {
                    150.0
                }
            })
            .collect();
        let a = from_hr(&hr).build();
        assert_some_close(sustained_max_hr_bpm(&a), 150.0, 1e-9);
        assert_eq!(seconds_at_or_above(&a, 180.0), 20);
        // A sustained 2-min effort at 185 is found.
        let hr: Vec<f32> = (0..600)
            .map(|i| {
                if (300..420).contains(&i) {
                    185.0
                } else {
                    150.0
                }
            })
            .collect();
        assert_some_close(sustained_max_hr_bpm(&from_hr(&hr).build()), 185.0, 1e-9);
    }

    fn zones_max_200() -> HrZones {
        let profile = AthleteProfile {
            max_hr_bpm: Some(Sourced::new(200.0, Source::Flag)),
            ..AthleteProfile::default()
        };
        // Lower bounds 0, 120, 140, 160, 180 bpm.
        HrZones::build(ZoneModel::Hrmax, &profile).unwrap_or_else(|_| unreachable!())
    }

    /// HR column from (bpm, seconds) blocks.
    fn blocks(parts: &[(f32, usize)]) -> Vec<Option<f32>> {
        parts
            .iter()
            .flat_map(|&(bpm, n)| std::iter::repeat_n(Some(bpm), n))
            .collect()
    }

    #[test]
    fn time_in_zones_counts_moving_usable_seconds() {
        let mut c = Columns::steady(300, 3.0, 0.0);
        c.hr_bpm = blocks(&[
            (110.0, 60),
            (120.0, 60),
            (139.9, 30),
            (150.0, 50),
            (185.0, 100),
        ]);
        // 10 stopped seconds at 150 and 20 seconds without HR do not count.
        c.moving
            .iter_mut()
            .skip(150)
            .take(10)
            .for_each(|m| *m = false);
        c.hr_bpm.iter_mut().skip(280).for_each(|h| *h = None);
        let t = time_in_zones(&c.build(), &zones_max_200());
        assert_eq!(t.seconds, vec![60, 90, 40, 0, 80]);
        assert_eq!(t.hr_moving_s, 270);
        assert_eq!(t.names, vec!["z1", "z2", "z3", "z4", "z5"]);
    }

    #[test]
    fn ceiling_spans_merge_short_gaps_and_drop_short_breaches() {
        let mut c = Columns::steady(400, 3.0, 140.0);
        let mut set = |from: usize, n: usize, bpm: f32| {
            c.hr_bpm
                .iter_mut()
                .skip(from)
                .take(n)
                .for_each(|h| *h = Some(bpm));
        };
        set(100, 8, 155.0); // 8 s alone: too short for a span, still counted
        set(200, 6, 155.0); // 6 s, gap 4 s, 6 s: one 16-s span
        set(210, 6, 150.0); // exactly at the ceiling counts as above
        set(300, 20, 160.0); // 20 s, then a 6-s gap: separate
        set(326, 10, 160.0);
        let share = above_ceiling(&c.build(), 150.0);
        assert_eq!(share.above_s, 8 + 6 + 6 + 20 + 10);
        assert_eq!(share.hr_moving_s, 400);
        assert_some_close(share.share, 50.0 / 400.0, 1e-12);
        let spans: Vec<(u32, u32)> = share.spans.iter().map(|s| (s.start_s, s.end_s)).collect();
        assert_eq!(spans, vec![(200, 216), (300, 320), (326, 336)]);
    }

    #[test]
    fn ceiling_without_hr_has_no_share() {
        let mut c = Columns::steady(100, 3.0, 0.0);
        c.hr_bpm.clear();
        let share = above_ceiling(&c.build(), 150.0);
        assert_eq!(
            (share.above_s, share.hr_moving_s, share.share),
            (0, 0, None)
        );
        assert!(share.spans.is_empty());
    }

    #[test]
    fn clean_max_ignores_a_one_second_spike_but_keeps_a_plateau() {
        let mut c = Columns::steady(120, 3.0, 140.0);
        if let Some(h) = c.hr_bpm.get_mut(30) {
            *h = Some(200.0);
        }
        let activity = c.build();
        assert_some_close(clean_max_hr_bpm(&activity), 140.0, 1e-9);
        // Mean: 119 seconds at 140 and one at 200.
        assert_some_close(
            clean_average_hr_bpm(&activity),
            (119.0 * 140.0 + 200.0) / 120.0,
            1e-9,
        );
        c.hr_bpm
            .iter_mut()
            .skip(60)
            .take(5)
            .for_each(|h| *h = Some(180.0));
        assert_some_close(clean_max_hr_bpm(&c.build()), 180.0, 1e-9);
    }

    #[test]
    fn clean_hr_is_none_without_usable_hr() {
        let mut c = Columns::steady(60, 3.0, 0.0);
        c.hr_bpm = vec![None; 60];
        if let Some(h) = c.hr_bpm.get_mut(10) {
            *h = Some(150.0);
        }
        let activity = c.build();
        assert_eq!(
            clean_max_hr_bpm(&activity),
            None,
            "one value is not a window"
        );
        assert_close(clean_average_hr_bpm(&activity).unwrap_or(0.0), 150.0, 1e-9);
    }
}
