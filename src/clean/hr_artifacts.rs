//! Heart-rate artifacts found by physiology rather than by a neighbourhood median alone:
//! a working heart changes by a few bpm per second at most, so a rise or fall faster than
//! that is the sensor, not the runner.
//!
//! - **Swing and return** ([`flag_swings`]): a jump of at least [`JUMP_BPM`] within
//!   [`JUMP_WINDOW_S`] s, a plateau, and a jump back (again at least [`RETURN_JUMP_BPM`]
//!   within [`JUMP_WINDOW_S`] s) to within [`RETURN_TOLERANCE_BPM`] of where it started,
//!   within [`SWING_MAX_S`] s. Upward (a strap losing contact reads the step rate or
//!   noise) and downward (an optical sensor halving) alike. shared/DOMAIN.md §9:
//!   "swings of 50–100 bpm for 3–15 s".
//! - **Spikes** ([`flag_spikes`]): values at least [`SPIKE_DEVIATION_BPM`] off the
//!   centred [`SPIKE_WINDOW_HALF_S`]·2+1 s rolling median, or at least
//!   [`SPIKE_EDGE_BPM`] off it and entered or left by a step faster than
//!   [`RATE_LIMIT_BPM_PER_S`] (the intervals.icu forum's "> 10 bpm/s" criterion); then
//!   grown over the neighbours still [`SPIKE_EDGE_BPM`] off, which catches the ramps
//!   interpolation draws into a spike. A 31-s median is its own baseline for any spike
//!   up to 15 s, where a 5-s median is beaten by a 3-s spike. GoldenCheetah's "Fix HR
//!   spikes" tool, by contrast, only caps values above a fixed limit.
//! - **Erratic trace** ([`is_erratic`]): after the two above, fast changes (a 1-s step
//!   over [`RATE_LIMIT_BPM_PER_S`] or [`JUMP_BPM`] within [`JUMP_WINDOW_S`] s) that are
//!   still there, at least [`ERRATIC_MIN_EVENTS`] of them and at least
//!   [`ERRATIC_MIN_PER_HOUR`] per hour: the sensor never settled, and no part of the
//!   trace can be told apart from the artifacts.
//!
//! The first [`SETTLE_S`] s of every stretch (after a start or a pause) are not searched
//! for jumps: straps settle and a heart really does climb fast from rest.

use super::extremes::WindowExtremes;
use super::total_order::{from_total_key, total_key, total_key32};
use crate::model::{HrFlag, Second};

/// A step between consecutive seconds faster than this is not a heart, bpm/s.
pub const RATE_LIMIT_BPM_PER_S: f32 = 10.0;
/// A jump: at least this change…
pub const JUMP_BPM: f32 = 25.0;
/// …within this many seconds (≈ 3 bpm/s sustained: a heart at work needs 10–20 s).
pub const JUMP_WINDOW_S: usize = 8;
/// The jump back of a swing: at least this change within [`JUMP_WINDOW_S`].
pub const RETURN_JUMP_BPM: f32 = 20.0;
/// The jump back ends within this of the level before the swing, bpm.
pub const RETURN_TOLERANCE_BPM: f32 = 15.0;
/// Longest swing, seconds (longer plateaus may be real and are left to the erratic test).
pub const SWING_MAX_S: usize = 300;
/// Spikes: half-width of the centred rolling median, seconds (window 31 s).
pub const SPIKE_WINDOW_HALF_S: u32 = 15;
/// Values this far off the rolling median are spikes, bpm.
pub const SPIKE_DEVIATION_BPM: f32 = 20.0;
/// Values this far off it belong to a spike when a too-fast step touches them, bpm.
pub const SPIKE_EDGE_BPM: f32 = 8.0;
/// Seconds after a start or pause not searched for jumps.
pub const SETTLE_S: usize = 30;
/// Fast changes closer than this are one event, seconds.
pub const EVENT_MERGE_S: u32 = 15;
/// An erratic trace has at least this many fast-change events…
pub const ERRATIC_MIN_EVENTS: usize = 4;
/// …and at least this many per hour of recording.
pub const ERRATIC_MIN_PER_HOUR: f64 = 4.0;

/// What the three searches read of a series that they never change: each second's
/// time, the stretches of consecutive grid seconds and which seconds are settled.
pub(crate) struct Layout {
    t_s: Vec<u32>,
    stretches: Vec<(usize, usize)>,
    settled: Vec<bool>,
}

impl Layout {
    pub(crate) fn of(seconds: &[Second]) -> Layout {
        Layout {
            t_s: seconds.iter().map(|s| s.t_s).collect(),
            stretches: stretches(seconds),
            settled: settled(seconds),
        }
    }
}

/// The usable heart rate as two plain arrays, kept in step with `hr_bpm` as seconds are
/// flagged: the value (0 where there is none) and whether there is one. One pass over
/// the seconds instead of one per search, and windows read without an `Option` each.
pub(crate) struct Hr {
    value: Vec<f32>,
    has: Vec<bool>,
}

impl Hr {
    pub(crate) fn of(seconds: &[Second]) -> Hr {
        let mut hr = Hr {
            value: Vec::with_capacity(seconds.len()),
            has: Vec::with_capacity(seconds.len()),
        };
        for s in seconds {
            hr.value.push(s.hr_bpm.unwrap_or(0.0));
            hr.has.push(s.hr_bpm.is_some());
        }
        hr
    }

    fn get(&self, i: usize) -> Option<f32> {
        match (self.has.get(i), self.value.get(i)) {
            (Some(true), Some(&v)) => Some(v),
            _ => None,
        }
    }

    /// Flags second `i` as `flag` (its heart rate no longer usable); whether it had one.
    fn flag(&mut self, seconds: &mut [Second], i: usize, flag: HrFlag) -> bool {
        let Some(s) = seconds.get_mut(i) else {
            return false;
        };
        if s.hr_bpm.is_none() {
            return false;
        }
        s.hr_flag = flag;
        s.hr_bpm = None;
        if let Some(h) = self.has.get_mut(i) {
            *h = false;
        }
        true
    }
}

/// Index ranges of consecutive grid seconds (no hole).
fn stretches(seconds: &[Second]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=seconds.len() {
        let broken = match (seconds.get(i - 1), seconds.get(i)) {
            (Some(a), Some(b)) => b.t_s != a.t_s + 1,
            _ => true,
        };
        if broken {
            out.push((start, i));
            start = i;
        }
    }
    out
}

/// For each second, whether it lies at least [`SETTLE_S`] s after the last second that
/// was not moving (a start, a stop at a light): straps settle and hearts climb fast
/// from rest, so no jump is looked for before.
fn settled(seconds: &[Second]) -> Vec<bool> {
    let mut since = 0usize;
    seconds
        .iter()
        .map(|s| {
            since = if s.moving { since + 1 } else { 0 };
            since > SETTLE_S
        })
        .collect()
}

/// Whether [`jump_by`] would find a change of at least [`JUMP_BPM`] into `i`, over a
/// value array and its presence array (values where `has` is false are ignored): one
/// of the changes reaches it and none is NaN (which `total_cmp` ranks above every
/// number). Cheaper than finding the largest, and most seconds have none; no branch
/// per value.
#[inline]
fn big_jump_in(value: &[f32], has: &[bool], i: usize, from: usize) -> bool {
    let (Some(&v), Some(true)) = (value.get(i), has.get(i)) else {
        return false;
    };
    let lo = i.saturating_sub(JUMP_WINDOW_S).max(from).min(i);
    let (Some(ps), Some(hs)) = (value.get(lo..i), has.get(lo..i)) else {
        return false;
    };
    let test = |(big, nan): (bool, bool), (&p, &h): (&f32, &bool)| {
        let d = (v - p).abs();
        (big | (h & (d >= JUMP_BPM)), nan | (h & d.is_nan()))
    };
    // A whole window as arrays: the same tests, unrolled.
    let (big, nan) = match (
        <&[f32; JUMP_WINDOW_S]>::try_from(ps),
        <&[bool; JUMP_WINDOW_S]>::try_from(hs),
    ) {
        (Ok(ps), Ok(hs)) => ps.iter().zip(hs).fold((false, false), test),
        _ => ps.iter().zip(hs).fold((false, false), test),
    };
    big & !nan
}

/// The largest change into `i` from the values of the `JUMP_WINDOW_S` seconds before it
/// (within its stretch, from `from` on), signed; `(change, from index)`. Ties go to the
/// later second.
fn jump_by(at: impl Fn(usize) -> Option<f32>, i: usize, from: usize) -> Option<(f32, usize)> {
    let v = at(i)?;
    let lo = i.saturating_sub(JUMP_WINDOW_S).max(from);
    (lo..i)
        .filter_map(|k| at(k).map(|p| (v - p, k)))
        .max_by(|a, b| a.0.abs().total_cmp(&b.0.abs()))
}

/// Key of an empty slot: after every value.
const NO_KEY: u64 = u64::MAX;

/// Sorts five keys (an optimal 9-comparator network, no branch).
#[inline]
fn sort5(w: &mut [u64; 5]) {
    #[inline]
    fn cas(w: &mut [u64; 5], a: usize, b: usize) {
        if let (Some(&x), Some(&y)) = (w.get(a), w.get(b)) {
            if let Some(s) = w.get_mut(a) {
                *s = x.min(y);
            }
            if let Some(s) = w.get_mut(b) {
                *s = x.max(y);
            }
        }
    }
    for (a, b) in [
        (0, 1),
        (3, 4),
        (2, 4),
        (2, 3),
        (0, 3),
        (0, 2),
        (1, 4),
        (1, 3),
        (1, 2),
    ] {
        cas(w, a, b);
    }
}

/// Centred 5-s medians of the usable values of one stretch (at least 3 values): 1–2 s
/// blips do not make or break a swing. Read from a copy of the stretch's values taken
/// before any of its seconds is flagged, computed only where asked for, indexed from
/// the stretch's start. Each window is five keys (an empty slot or a second outside
/// the stretch sorts last), sorted by a network: the present values in `total_cmp`
/// order, whose middle one the sort of the values picks.
struct Medians {
    /// The values' [`total_key`]s ([`NO_KEY`] where there is none), two empty slots
    /// before and after.
    keys: Vec<u64>,
    value: Vec<f32>,
    has: Vec<bool>,
    done: Vec<bool>,
}

impl Medians {
    fn of(hr: &Hr, start: usize, end: usize) -> Medians {
        let n = end.saturating_sub(start);
        let mut keys = Vec::with_capacity(n + 4);
        keys.extend([NO_KEY; 2]);
        for i in start..end {
            keys.push(hr.get(i).map_or(NO_KEY, total_key));
        }
        keys.extend([NO_KEY; 2]);
        Medians {
            keys,
            value: vec![0.0; n],
            has: vec![false; n],
            done: vec![false; n],
        }
    }

    /// The stretch's value at `k` (as copied).
    fn raw(&self, k: usize) -> Option<f32> {
        self.keys
            .get(k + 2)
            .copied()
            .filter(|&x| x != NO_KEY)
            .map(from_total_key)
    }

    /// Computes the medians of `lo..hi` not computed yet.
    fn ensure(&mut self, lo: usize, hi: usize) {
        for k in lo..hi.min(self.done.len()) {
            if self.done.get(k) != Some(&false) {
                continue;
            }
            let mut w = [NO_KEY; 5];
            if let Some(window) = self.keys.get(k..k + 5) {
                w.copy_from_slice(window);
            }
            let len = w.iter().filter(|&&x| x != NO_KEY).count();
            let here = w.get(2).is_some_and(|&x| x != NO_KEY);
            let ok = here && len >= 3;
            if ok {
                sort5(&mut w);
            }
            if let (Some(v), Some(h), Some(d)) = (
                self.value.get_mut(k),
                self.has.get_mut(k),
                self.done.get_mut(k),
            ) {
                *v = if ok {
                    w.get(len / 2).copied().map_or(0.0, from_total_key)
                } else {
                    0.0
                };
                *h = ok;
                *d = true;
            }
        }
    }

    /// The median at `k` ([`Medians::ensure`]d before).
    fn at(&self, k: usize) -> Option<f32> {
        match (self.has.get(k), self.value.get(k)) {
            (Some(true), Some(&v)) => Some(v),
            _ => None,
        }
    }
}

/// Flags swing-and-return artifacts; returns the number of seconds flagged. Jumps and
/// the plateau are read on the 5-s median; the plateau must stay clear of the level it
/// left (at least [`RETURN_TOLERANCE_BPM`] away) until the jump back.
pub fn flag_swings(seconds: &mut [Second]) -> u32 {
    let layout = Layout::of(seconds);
    let mut hr = Hr::of(seconds);
    flag_swings_in(seconds, &layout, &mut hr)
}

/// [`flag_swings`] on a series' [`Layout`] and [`Hr`] (kept in step).
///
/// A jump into `i` is looked for on the medians of `i − 8 ..= i`, each the median of
/// values within `i − 10 ..= i + 2`. Every median that is a number is one of those
/// values, so when the values that are numbers span less than [`JUMP_BPM`] (rounded
/// subtraction is monotonic: no difference of two of them exceeds the span) no jump
/// can reach it, and a NaN median rules the jump out anyway: those seconds (most) need
/// no median at all, only the window's extremes.
pub(crate) fn flag_swings_in(seconds: &mut [Second], layout: &Layout, hr: &mut Hr) -> u32 {
    let mut flagged = 0;
    let ok = &layout.settled;
    for &(start, end) in &layout.stretches {
        let n = end - start;
        if n <= SETTLE_S {
            continue;
        }
        let mut med = Medians::of(hr, start, end);
        // The values of the medians of `i − 8 ..= i`: positions `i − 10 .. i + 3`.
        const REACH: usize = JUMP_WINDOW_S + 2;
        let extremes = WindowExtremes::new((0..n).map(|k| med.raw(k)), REACH + 3);
        let mut i = SETTLE_S;
        while i < n {
            if ok.get(start + i) != Some(&true) {
                i += 1;
                continue;
            }
            let window = extremes.range(i.saturating_sub(REACH), i + 3);
            if window.is_none_or(|(lo, hi)| hi - lo < JUMP_BPM) {
                i += 1;
                continue;
            }
            med.ensure(i.saturating_sub(JUMP_WINDOW_S), i + 1);
            let wanted = big_jump_in(&med.value, &med.has, i, 0);
            let Some((jump, from)) = wanted.then(|| jump_by(|k| med.at(k), i, 0)).flatten() else {
                i += 1;
                continue;
            };
            let Some(level) = med.at(from).filter(|_| jump.abs() >= JUMP_BPM) else {
                i += 1;
                continue;
            };
            let up = jump > 0.0;
            let away = |v: f32| {
                if up {
                    v > level + RETURN_TOLERANCE_BPM
                } else {
                    v < level - RETURN_TOLERANCE_BPM
                }
            };
            // Walk the plateau; it ends where the value comes back near `level`.
            let mut j = i;
            while j < n && j < i + SWING_MAX_S {
                med.ensure(j, j + 1);
                if !med.at(j).is_none_or(away) {
                    break;
                }
                j += 1;
            }
            if j < n {
                med.ensure(j.saturating_sub(JUMP_WINDOW_S).max(i), j + 1);
            }
            let fast_back = j < n
                && jump_by(|k| med.at(k), j, i).is_some_and(|(step, _)| {
                    if up {
                        step <= -RETURN_JUMP_BPM
                    } else {
                        step >= RETURN_JUMP_BPM
                    }
                });
            if !fast_back {
                i += 1;
                continue;
            }
            // Flag from the first second after `level` up to the first one back near
            // it: both ramps belong to the swing.
            let len = j.saturating_sub(from + 1);
            let flag = if len as u32 <= SPIKE_WINDOW_HALF_S {
                HrFlag::Spike
            } else {
                HrFlag::Swing
            };
            for k in start + from + 1..start + j {
                if hr.flag(seconds, k, flag) {
                    flagged += 1;
                }
            }
            i = j + 1;
        }
    }
    flagged
}

/// Flags spikes (see the module docs); returns the number of seconds flagged.
pub fn flag_spikes(seconds: &mut [Second]) -> u32 {
    let layout = Layout::of(seconds);
    let mut hr = Hr::of(seconds);
    flag_spikes_in(seconds, &layout, &mut hr)
}

/// [`flag_spikes`] on a series' [`Layout`] and [`Hr`] (kept in step).
pub(crate) fn flag_spikes_in(seconds: &mut [Second], layout: &Layout, hr: &mut Hr) -> u32 {
    const WIDTH: usize = 2 * SPIKE_WINDOW_HALF_S as usize + 1;
    let times = &layout.t_s;
    let n = times.len().min(hr.has.len()).min(hr.value.len());
    let time = |k: usize| times.get(k).copied();
    // |value − median| where there is one, else 0 (what an absent deviation counts as).
    let mut deviation = vec![0.0f32; n];
    let extremes = WindowExtremes::new((0..n).map(|k| hr.get(k)), WIDTH);
    let (mut lo, mut hi) = (0usize, 0usize);
    // Values present in [lo, hi).
    let mut len = 0usize;
    for i in 0..n {
        let (Some(t), Some(v)) = (time(i), hr.get(i)) else {
            continue;
        };
        let from = t.saturating_sub(SPIKE_WINDOW_HALF_S);
        let to = t.saturating_add(SPIKE_WINDOW_HALF_S);
        while time(lo).is_some_and(|tl| tl < from) {
            if lo < hi && hr.has.get(lo) == Some(&true) {
                len -= 1;
            }
            lo += 1;
        }
        if hi < lo {
            hi = lo;
            len = 0;
        }
        while let Some(th) = time(hi)
            && th <= to
        {
            if hr.get(hi).is_some() {
                len += 1;
            }
            hi += 1;
        }
        if len < 8 {
            continue;
        }
        if let Some((low, high)) = extremes.range(lo, hi)
            && v - low < SPIKE_EDGE_BPM
            && high - v < SPIKE_EDGE_BPM
        {
            // The median lies in [low, high], so it is within SPIKE_EDGE_BPM of the
            // value: below every threshold the deviation is compared with, as 0 is.
            // No sort.
            continue;
        }
        // The median by selection on total-order keys: the element the sort of the
        // values by `total_cmp` puts in the middle, bit for bit.
        let mut buffer = [0u32; WIDTH];
        let present = (lo..hi).filter_map(|k| hr.get(k));
        for (slot, x) in buffer.iter_mut().zip(present) {
            *slot = total_key32(x);
        }
        let width = len.min(WIDTH);
        let window = buffer.get_mut(..width).unwrap_or_default();
        let median = if window.is_empty() {
            v
        } else {
            let (_, middle, _) = window.select_nth_unstable(width / 2);
            from_total_key(u64::from(*middle))
        };
        if let Some(d) = deviation.get_mut(i) {
            *d = (v - median).abs();
        }
    }
    let step = |i: usize, j: usize| -> bool {
        match (time(i), hr.get(i), time(j), hr.get(j)) {
            (Some(ta), Some(a), Some(tb), Some(b)) => {
                tb == ta + 1 && (b - a).abs() > RATE_LIMIT_BPM_PER_S
            }
            _ => false,
        }
    };
    let dev = |i: usize| deviation.get(i).copied().unwrap_or(0.0);
    let mut core: Vec<bool> = (0..n)
        .map(|i| {
            let d = dev(i);
            d >= SPIKE_DEVIATION_BPM
                || (d >= SPIKE_EDGE_BPM && (step(i.wrapping_sub(1), i) || step(i, i + 1)))
        })
        .collect();
    // Grow each spike over consecutive neighbours still clearly off the median.
    for i in 0..n {
        if !core.get(i).copied().unwrap_or(false) {
            continue;
        }
        let mut j = i + 1;
        while j < n
            && !core.get(j).copied().unwrap_or(true)
            && dev(j) >= SPIKE_EDGE_BPM
            && time(j) == time(j - 1).map(|t| t + 1)
        {
            if let Some(c) = core.get_mut(j) {
                *c = true;
            }
            j += 1;
        }
        let mut k = i;
        while k > 0
            && !core.get(k - 1).copied().unwrap_or(true)
            && dev(k - 1) >= SPIKE_EDGE_BPM
            && time(k) == time(k - 1).map(|t| t + 1)
        {
            if let Some(c) = core.get_mut(k - 1) {
                *c = true;
            }
            k -= 1;
        }
    }
    let mut flagged = 0;
    for (i, spike) in core.into_iter().enumerate() {
        if spike && hr.flag(seconds, i, HrFlag::Spike) {
            flagged += 1;
        }
    }
    flagged
}

/// Fast-change events left in the usable trace, and the recorded hours searched.
pub fn fast_changes(seconds: &[Second]) -> (usize, f64) {
    fast_changes_in(&Layout::of(seconds), &Hr::of(seconds))
}

/// [`fast_changes`] on a series' [`Layout`] and [`Hr`].
pub(crate) fn fast_changes_in(layout: &Layout, hr: &Hr) -> (usize, f64) {
    let mut events = 0;
    let mut searched_s = 0usize;
    let mut last_event: Option<u32> = None;
    let ok = &layout.settled;
    for &(start, end) in &layout.stretches {
        searched_s += end.saturating_sub(start + SETTLE_S);
        for i in start + SETTLE_S..end {
            if ok.get(i) != Some(&true) {
                continue;
            }
            let one_step = matches!(
                (hr.get(i - 1), hr.get(i)),
                (Some(a), Some(b)) if (b - a).abs() > RATE_LIMIT_BPM_PER_S
            );
            let jump = big_jump_in(&hr.value, &hr.has, i, start);
            if !(one_step || jump) {
                continue;
            }
            let t = layout.t_s.get(i).copied().unwrap_or(0);
            if last_event.is_none_or(|l| t > l + EVENT_MERGE_S) {
                events += 1;
            }
            last_event = Some(t);
        }
    }
    (events, searched_s as f64 / 3600.0)
}

/// Whether the usable trace still changes faster than a heart too often to trust.
pub fn is_erratic(seconds: &[Second]) -> bool {
    is_erratic_in(&Layout::of(seconds), &Hr::of(seconds))
}

/// [`is_erratic`] on a series' [`Layout`] and [`Hr`].
pub(crate) fn is_erratic_in(layout: &Layout, hr: &Hr) -> bool {
    let (events, hours) = fast_changes_in(layout, hr);
    events >= ERRATIC_MIN_EVENTS && hours > 0.0 && events as f64 / hours >= ERRATIC_MIN_PER_HOUR
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// The code the searches replaced (at 0c50f8a), to test them against.
    mod reference {
        use super::super::*;
        use crate::clean::extremes::Extremes;

        /// Index ranges of consecutive grid seconds (no hole).
        fn stretches(seconds: &[Second]) -> Vec<(usize, usize)> {
            let mut out = Vec::new();
            let mut start = 0;
            for i in 1..=seconds.len() {
                let broken = match (seconds.get(i - 1), seconds.get(i)) {
                    (Some(a), Some(b)) => b.t_s != a.t_s + 1,
                    _ => true,
                };
                if broken {
                    out.push((start, i));
                    start = i;
                }
            }
            out
        }

        /// For each second, whether it lies at least [`SETTLE_S`] s after the last second that
        /// was not moving (a start, a stop at a light): straps settle and hearts climb fast
        /// from rest, so no jump is looked for before.
        fn settled(seconds: &[Second]) -> Vec<bool> {
            let mut since = 0usize;
            seconds
                .iter()
                .map(|s| {
                    since = if s.moving { since + 1 } else { 0 };
                    since > SETTLE_S
                })
                .collect()
        }

        fn value(seconds: &[Second], i: usize) -> Option<f32> {
            seconds.get(i).and_then(|s| s.hr_bpm)
        }

        /// The largest change into `i` from the values of the `JUMP_WINDOW_S` seconds before it
        /// (within its stretch, from `from` on), signed; `(change, from index)`.
        fn jump_in(values: &[Option<f32>], i: usize, from: usize) -> Option<(f32, usize)> {
            jump_by(|k| values.get(k).copied().flatten(), i, from)
        }

        /// Whether [`jump_by`] would find a change of at least [`JUMP_BPM`]: one of the
        /// changes reaches it and none is NaN (which `total_cmp` ranks above every number).
        /// Cheaper than finding the largest, and most seconds have none.
        pub(super) fn big_jump_by(
            at: impl Fn(usize) -> Option<f32>,
            i: usize,
            from: usize,
        ) -> bool {
            let Some(v) = at(i) else { return false };
            let lo = i.saturating_sub(JUMP_WINDOW_S).max(from);
            let (mut big, mut nan) = (false, false);
            for p in (lo..i).filter_map(&at) {
                let d = (v - p).abs();
                big |= d >= JUMP_BPM;
                nan |= d.is_nan();
            }
            big && !nan
        }

        /// Centred 5-s median of the usable values of one stretch (at least 3 values): 1–2 s
        /// blips do not make or break a swing.
        fn median5(seconds: &[Second], start: usize, end: usize) -> Vec<Option<f32>> {
            (start..end)
                .map(|i| {
                    value(seconds, i)?;
                    let mut buffer = [0.0f32; 5];
                    let mut len = 0;
                    for (slot, x) in buffer.iter_mut().zip(
                        (i.saturating_sub(2).max(start)..(i + 3).min(end))
                            .filter_map(|k| value(seconds, k)),
                    ) {
                        *slot = x;
                        len += 1;
                    }
                    if len < 3 {
                        return None;
                    }
                    let w = buffer.get_mut(..len).unwrap_or_default();
                    w.sort_unstable_by(f32::total_cmp);
                    w.get(len / 2).copied()
                })
                .collect()
        }

        /// Flags swing-and-return artifacts; returns the number of seconds flagged. Jumps and
        /// the plateau are read on the 5-s median; the plateau must stay clear of the level it
        /// left (at least [`RETURN_TOLERANCE_BPM`] away) until the jump back.
        pub(super) fn flag_swings(seconds: &mut [Second]) -> u32 {
            let mut flagged = 0;
            let ok = settled(seconds);
            for (start, end) in stretches(seconds) {
                let m = median5(seconds, start, end);
                let at = |k: usize| m.get(k).copied().flatten();
                let mut i = SETTLE_S;
                let n = end - start;
                while i < n {
                    let wanted = ok.get(start + i) == Some(&true) && big_jump_by(at, i, 0);
                    let Some((jump, from)) = wanted.then(|| jump_in(&m, i, 0)).flatten() else {
                        i += 1;
                        continue;
                    };
                    let Some(level) = at(from).filter(|_| jump.abs() >= JUMP_BPM) else {
                        i += 1;
                        continue;
                    };
                    let up = jump > 0.0;
                    let away = |v: f32| {
                        if up {
                            v > level + RETURN_TOLERANCE_BPM
                        } else {
                            v < level - RETURN_TOLERANCE_BPM
                        }
                    };
                    // Walk the plateau; it ends where the value comes back near `level`.
                    let mut j = i;
                    while j < n && j < i + SWING_MAX_S && at(j).is_none_or(away) {
                        j += 1;
                    }
                    let fast_back = j < n
                        && jump_in(&m, j, i).is_some_and(|(step, _)| {
                            if up {
                                step <= -RETURN_JUMP_BPM
                            } else {
                                step >= RETURN_JUMP_BPM
                            }
                        });
                    if !fast_back {
                        i += 1;
                        continue;
                    }
                    // Flag from the first second after `level` up to the first one back near
                    // it: both ramps belong to the swing.
                    let len = j.saturating_sub(from + 1);
                    let flag = if len as u32 <= SPIKE_WINDOW_HALF_S {
                        HrFlag::Spike
                    } else {
                        HrFlag::Swing
                    };
                    for s in seconds
                        .get_mut(start + from + 1..start + j)
                        .unwrap_or_default()
                    {
                        if s.hr_bpm.is_some() {
                            s.hr_flag = flag;
                            s.hr_bpm = None;
                            flagged += 1;
                        }
                    }
                    i = j + 1;
                }
            }
            flagged
        }

        /// Flags spikes (see the module docs); returns the number of seconds flagged.
        pub(super) fn flag_spikes(seconds: &mut [Second]) -> u32 {
            const WIDTH: usize = 2 * SPIKE_WINDOW_HALF_S as usize + 1;
            let n = seconds.len();
            let vals: Vec<(u32, Option<f32>)> = seconds.iter().map(|s| (s.t_s, s.hr_bpm)).collect();
            let mut deviation: Vec<Option<f32>> = vec![None; n];
            // Values present before each position: the window's count without visiting it.
            let mut present = Vec::with_capacity(n + 1);
            present.push(0usize);
            for p in &vals {
                present.push(present.last().copied().unwrap_or(0) + usize::from(p.1.is_some()));
            }
            let count = |k: usize| present.get(k).copied().unwrap_or(0);
            let mut extremes = Extremes::new();
            let (mut lo, mut hi) = (0usize, 0usize);
            for i in 0..n {
                let Some(&(t, Some(v))) = vals.get(i) else {
                    continue;
                };
                let from = t.saturating_sub(SPIKE_WINDOW_HALF_S);
                let to = t.saturating_add(SPIKE_WINDOW_HALF_S);
                while vals.get(lo).is_some_and(|p| p.0 < from) {
                    lo += 1;
                }
                hi = hi.max(lo);
                while let Some(&(th, x)) = vals.get(hi)
                    && th <= to
                {
                    if let Some(x) = x {
                        extremes.push(hi, x);
                    }
                    hi += 1;
                }
                extremes.evict_before(lo);
                let len = count(hi) - count(lo);
                if len < 8 {
                    continue;
                }
                if let Some((low, high)) = extremes.range()
                    && v - low < SPIKE_EDGE_BPM
                    && high - v < SPIKE_EDGE_BPM
                {
                    // The median lies in [low, high], so it is within SPIKE_EDGE_BPM of the
                    // value: below every threshold the deviation is compared with, as 0 is.
                    // No sort.
                    if let Some(d) = deviation.get_mut(i) {
                        *d = Some(0.0);
                    }
                    continue;
                }
                let mut buffer = [0.0f32; WIDTH];
                for (slot, x) in buffer.iter_mut().zip(
                    vals.get(lo..hi)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|p| p.1),
                ) {
                    *slot = x;
                }
                let len = len.min(WIDTH);
                let window = buffer.get_mut(..len).unwrap_or_default();
                window.sort_unstable_by(f32::total_cmp);
                let median = window.get(len / 2).copied().unwrap_or(v);
                if let Some(d) = deviation.get_mut(i) {
                    *d = Some(v - median);
                }
            }
            let step = |i: usize, j: usize| -> bool {
                match (vals.get(i), vals.get(j)) {
                    (Some(&(ta, Some(a))), Some(&(tb, Some(b)))) => {
                        tb == ta + 1 && (b - a).abs() > RATE_LIMIT_BPM_PER_S
                    }
                    _ => false,
                }
            };
            let dev = |i: usize| deviation.get(i).copied().flatten().map_or(0.0, f32::abs);
            let mut core: Vec<bool> = (0..n)
                .map(|i| {
                    let d = dev(i);
                    d >= SPIKE_DEVIATION_BPM
                        || (d >= SPIKE_EDGE_BPM && (step(i.wrapping_sub(1), i) || step(i, i + 1)))
                })
                .collect();
            // Grow each spike over consecutive neighbours still clearly off the median.
            for i in 0..n {
                if !core.get(i).copied().unwrap_or(false) {
                    continue;
                }
                let mut j = i + 1;
                while j < n
                    && !core.get(j).copied().unwrap_or(true)
                    && dev(j) >= SPIKE_EDGE_BPM
                    && vals.get(j).map(|p| p.0) == vals.get(j - 1).map(|p| p.0 + 1)
                {
                    if let Some(c) = core.get_mut(j) {
                        *c = true;
                    }
                    j += 1;
                }
                let mut k = i;
                while k > 0
                    && !core.get(k - 1).copied().unwrap_or(true)
                    && dev(k - 1) >= SPIKE_EDGE_BPM
                    && vals.get(k).map(|p| p.0) == vals.get(k - 1).map(|p| p.0 + 1)
                {
                    if let Some(c) = core.get_mut(k - 1) {
                        *c = true;
                    }
                    k -= 1;
                }
            }
            let mut flagged = 0;
            for (s, spike) in seconds.iter_mut().zip(core) {
                if spike && s.hr_bpm.is_some() {
                    s.hr_flag = HrFlag::Spike;
                    s.hr_bpm = None;
                    flagged += 1;
                }
            }
            flagged
        }

        /// Fast-change events left in the usable trace, and the recorded hours searched.
        pub(super) fn fast_changes(seconds: &[Second]) -> (usize, f64) {
            let mut events = 0;
            let mut searched_s = 0usize;
            let mut last_event: Option<u32> = None;
            let ok = settled(seconds);
            for (start, end) in stretches(seconds) {
                searched_s += end.saturating_sub(start + SETTLE_S);
                for i in start + SETTLE_S..end {
                    if ok.get(i) != Some(&true) {
                        continue;
                    }
                    let one_step = matches!(
                        (value(seconds, i - 1), value(seconds, i)),
                        (Some(a), Some(b)) if (b - a).abs() > RATE_LIMIT_BPM_PER_S
                    );
                    let jump = big_jump_by(|k| value(seconds, k), i, start);
                    if !(one_step || jump) {
                        continue;
                    }
                    let t = seconds.get(i).map_or(0, |s| s.t_s);
                    if last_event.is_none_or(|l| t > l + EVENT_MERGE_S) {
                        events += 1;
                    }
                    last_event = Some(t);
                }
            }
            (events, searched_s as f64 / 3600.0)
        }
    }

    fn secs(hr: &[f32]) -> Vec<Second> {
        hr.iter()
            .enumerate()
            .map(|(i, &h)| Second {
                t_s: i as u32,
                hr_raw_bpm: Some(h),
                hr_bpm: Some(h),
                moving: true,
                ..Second::default()
            })
            .collect()
    }

    #[test]
    fn the_quick_jump_test_agrees_with_the_largest_jump() {
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(5);
        let values: Vec<Option<f32>> = (0..5000)
            .map(|_| match rng.next_u64() % 20 {
                0 => None,
                1 => Some(f32::NAN),
                2 => Some(-f32::NAN),
                3 => Some(f32::INFINITY),
                _ => Some(100.0 + 60.0 * rng.next_f64() as f32),
            })
            .collect();
        let at = |k: usize| values.get(k).copied().flatten();
        let value: Vec<f32> = values.iter().map(|v| v.unwrap_or(0.0)).collect();
        let has: Vec<bool> = values.iter().map(Option::is_some).collect();
        for i in 0..values.len() {
            for from in [0, i.saturating_sub(3), i, i + 2] {
                let slow = jump_by(at, i, from).is_some_and(|(d, _)| d.abs() >= JUMP_BPM);
                assert_eq!(
                    reference::big_jump_by(at, i, from),
                    slow,
                    "at {i} from {from}"
                );
                assert_eq!(
                    big_jump_in(&value, &has, i, from),
                    slow,
                    "at {i} from {from}"
                );
            }
        }
    }

    #[test]
    fn keys_sort_before_the_empty_key_and_sort5_sorts() {
        let xs = [
            f32::NEG_INFINITY,
            -f32::NAN,
            -140.0,
            -0.0,
            0.0,
            1e-40,
            120.5,
            140.0,
            f32::INFINITY,
            f32::NAN,
            f32::from_bits(0x7fff_ffff),
            f32::from_bits(0xffff_ffff),
        ];
        for &a in &xs {
            assert!(total_key(a) < NO_KEY);
        }
        // Every 5-tuple over 5 distinct keys plus the empty key (0-1 principle and more).
        let pool = [0u64, 1, 2, 3, 4, NO_KEY];
        for code in 0..6usize.pow(5) {
            let mut w = [0u64; 5];
            let mut c = code;
            for slot in &mut w {
                *slot = pool[c % 6];
                c /= 6;
            }
            let mut want = w;
            want.sort_unstable();
            sort5(&mut w);
            assert_eq!(w, want);
        }
    }

    /// Random series with what the searches must get right: holes in time, stops,
    /// missing values, ties (whole bpm), spikes and swings, and optionally NaN, ±0 and
    /// infinities.
    fn random_series(seed: u64, n: usize, odd_values: bool) -> Vec<Second> {
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(seed);
        let mut t = 0u32;
        let mut level = 140.0f32;
        let mut offset = 0.0f32;
        let mut offset_left = 0u32;
        let mut stop_left = 0u32;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let r = rng.next_u64();
            t += match r % 200 {
                0 => 2 + (rng.next_u64() % 40) as u32,
                1 => 1 + (rng.next_u64() % 3) as u32,
                _ => 1,
            };
            if stop_left > 0 {
                stop_left -= 1;
            } else if r % 500 == 7 {
                stop_left = (rng.next_u64() % 40) as u32;
            }
            level = (level + (rng.next_f64() as f32 - 0.5) * 3.0).clamp(90.0, 190.0);
            if offset_left > 0 {
                offset_left -= 1;
            } else {
                offset = 0.0;
                match rng.next_u64() % 150 {
                    0 => (offset, offset_left) = (60.0, (rng.next_u64() % 15) as u32),
                    1 => (offset, offset_left) = (-55.0, 3 + (rng.next_u64() % 120) as u32),
                    2 => (offset, offset_left) = (30.0, (rng.next_u64() % 60) as u32),
                    _ => {}
                }
            }
            let mut v = (level + offset).round();
            if rng.next_u64().is_multiple_of(7) {
                v += 0.5;
            }
            let hr = match rng.next_u64() % 60 {
                0 | 1 => None,
                2 if odd_values => Some(f32::NAN),
                3 if odd_values => Some(if rng.next_u64().is_multiple_of(2) {
                    0.0
                } else {
                    -0.0
                }),
                4 if odd_values => Some(f32::INFINITY),
                _ => Some(v),
            };
            out.push(Second {
                t_s: t,
                moving: stop_left == 0,
                hr_raw_bpm: hr,
                hr_bpm: hr,
                ..Second::default()
            });
        }
        out
    }

    fn state(s: &[Second]) -> Vec<(HrFlag, Option<u32>)> {
        s.iter()
            .map(|x| (x.hr_flag, x.hr_bpm.map(f32::to_bits)))
            .collect()
    }

    #[test]
    fn the_searches_agree_with_the_code_they_replaced() {
        let mut sizes = vec![0usize, 1, 2, 3, 5, 8, 29, 30, 31, 32, 40, 100];
        sizes.extend([1000, 3000, 7000]);
        let mut seed = 1;
        let mut found = (0, 0, 0);
        for &n in &sizes {
            for odd in [false, true] {
                for _ in 0..4 {
                    seed += 1;
                    let base = random_series(seed, n, odd);
                    let (mut a, mut b) = (base.clone(), base.clone());
                    assert_eq!(
                        flag_swings(&mut a),
                        reference::flag_swings(&mut b),
                        "{seed}"
                    );
                    assert_eq!(state(&a), state(&b), "swings, seed {seed}");
                    let (mut c, mut d) = (base.clone(), base.clone());
                    assert_eq!(
                        flag_spikes(&mut c),
                        reference::flag_spikes(&mut d),
                        "{seed}"
                    );
                    assert_eq!(state(&c), state(&d), "spikes, seed {seed}");
                    let (e, f) = (fast_changes(&base), reference::fast_changes(&base));
                    assert_eq!((e.0, e.1.to_bits()), (f.0, f.1.to_bits()), "seed {seed}");
                    // The chain as hr_quality runs it, on one layout and one trace.
                    let mut g = base.clone();
                    let layout = Layout::of(&g);
                    let mut hr = Hr::of(&g);
                    let swings = flag_swings_in(&mut g, &layout, &mut hr);
                    let spikes = flag_spikes_in(&mut g, &layout, &mut hr);
                    let changes = fast_changes_in(&layout, &hr);
                    let mut h = base.clone();
                    let want_swings = reference::flag_swings(&mut h);
                    let want_spikes = reference::flag_spikes(&mut h);
                    let want_changes = reference::fast_changes(&h);
                    assert_eq!((swings, spikes), (want_swings, want_spikes), "seed {seed}");
                    assert_eq!(changes.0, want_changes.0, "seed {seed}");
                    assert_eq!(state(&g), state(&h), "chain, seed {seed}");
                    found.0 += want_swings;
                    found.1 += want_spikes;
                    found.2 += want_changes.0;
                }
            }
        }
        // The series have what is searched for.
        assert!(found.0 > 100 && found.1 > 100 && found.2 > 20, "{found:?}");
    }

    fn flagged(s: &[Second]) -> Vec<usize> {
        s.iter()
            .enumerate()
            .filter(|(_, x)| x.hr_bpm.is_none())
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn spikes_of_one_to_fifteen_seconds_are_flagged_whole() {
        for len in [1usize, 3, 8, 15] {
            let mut hr = vec![132.0f32; 300];
            for h in &mut hr[150..150 + len] {
                *h = 215.0;
            }
            let mut s = secs(&hr);
            assert_eq!(flag_spikes(&mut s), len as u32, "{len}-s spike");
            assert_eq!(flagged(&s), (150..150 + len).collect::<Vec<_>>());
        }
    }

    #[test]
    fn an_interpolated_ramp_into_a_spike_goes_with_it() {
        // Smart recording: 130, then a sample at 210 four seconds later, back after 4 s.
        let mut hr = vec![130.0f32; 200];
        for (k, h) in hr[100..109].iter_mut().enumerate() {
            let x = 4.0 - (k as f32 - 4.0).abs();
            *h = 130.0 + 20.0 * x;
        }
        let mut s = secs(&hr);
        flag_spikes(&mut s);
        assert_eq!(flagged(&s), (101..108).collect::<Vec<_>>());
    }

    #[test]
    fn a_real_rise_and_fall_is_not_a_spike() {
        // A 90-s pickup: HR 135 → 165 at 1 bpm/s, held, back at 0.7 bpm/s.
        let mut hr = Vec::new();
        hr.extend(std::iter::repeat_n(135.0f32, 200));
        hr.extend((0..30).map(|k| 135.0 + k as f32));
        hr.extend(std::iter::repeat_n(165.0, 60));
        hr.extend((0..43).map(|k| 165.0 - 0.7 * k as f32));
        hr.extend(std::iter::repeat_n(135.0, 200));
        let mut s = secs(&hr);
        assert_eq!(flag_spikes(&mut s), 0);
        assert_eq!(flag_swings(&mut s), 0);
        assert!(!is_erratic(&s));
    }

    #[test]
    fn a_swing_and_return_is_flagged_and_a_step_that_stays_is_not() {
        // 140 → 205 within 5 s, 60 s up there, back to 142 within 4 s.
        let mut hr = vec![140.0f32; 400];
        for (k, h) in hr[100..105].iter_mut().enumerate() {
            *h = 140.0 + 13.0 * (k + 1) as f32;
        }
        for h in &mut hr[105..165] {
            *h = 205.0;
        }
        for (k, h) in hr[165..169].iter_mut().enumerate() {
            *h = 205.0 - 16.0 * (k + 1) as f32;
        }
        for h in &mut hr[169..] {
            *h = 142.0;
        }
        let mut s = secs(&hr);
        let n = flag_swings(&mut s);
        assert!((68..=69).contains(&n), "{n}");
        assert_eq!(s[130].hr_flag, HrFlag::Swing);
        assert_eq!(s[99].hr_flag, HrFlag::Ok);
        assert_eq!(s[200].hr_flag, HrFlag::Ok);
    }

    #[test]
    fn a_trace_jumping_all_the_time_is_erratic() {
        // An hour with a 30-bpm jump up and back every 5 minutes, each held 40 s… and
        // returning too slowly to be a swing.
        let mut hr = vec![140.0f32; 3600];
        for start in (100..3500).step_by(300) {
            for (k, h) in hr[start..start + 120].iter_mut().enumerate() {
                *h = if k < 40 {
                    175.0
                } else {
                    175.0 - (k as f32 - 40.0) * 0.44
                };
            }
        }
        let mut s = secs(&hr);
        flag_swings(&mut s);
        flag_spikes(&mut s);
        assert!(is_erratic(&s));
        assert!(!is_erratic(&secs(&vec![140.0; 3600])));
    }
}
