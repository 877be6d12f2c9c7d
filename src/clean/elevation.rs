//! Altitude: dropped indoors (treadmill altitude is junk: flat by definition), told apart
//! by its noise, smoothed and given a hysteresis accordingly, and turned into a grade over
//! a distance window, never sample to sample. References: shared/DOMAIN.md §5.
//!
//! **Which altitude is it.** A barometric altimeter reads to the metre with a few
//! decimetres of jitter (FIT stores 0.2 m steps); a watch's own filtered GPS altitude
//! (Forerunner 110/310XT/410) behaves the same at that scale; raw GPS or phone altitude
//! wanders by metres from second to second. The file's product does not settle it (a
//! table of barometric models is never complete, GPX/TCX exports of barometric watches
//! carry the same altitude, and phone apps replace theirs with map elevation), so the
//! **noise signature** does: the robust standard deviation (1.4826 × median absolute
//! deviation) of each recorded altitude from the mean of the records within
//! ±[`NOISE_HALF_WINDOW_S`] s. On the corpus barometric and watch-filtered traces read
//! 0.01–0.66 m, raw GPS traces of old Forerunner 305/Edge 305 units 0.7–1.3 m, a phone
//! with 3–10 m of wander 1.2–4.1 m. Up to [`SMOOTH_MAX_NOISE_M`] the altitude is
//! treated as **barometric** (`AltitudeTreatment::Barometric`), above as **GPS**.
//! The signature cannot see slow wander, so a phone app ([`phone_recorded`]) gets the
//! GPS treatment whatever its signature. Watches without a barometer (Forerunner
//! 110/225/630/735XT) filter their GPS altitude so that it reads like a barometric trace;
//! treated as such, easyrun's ascent matches their own totals (median 0.97 of the
//! watch's figure on the corpus), while the GPS treatment read 0.35–0.88 of it — so no
//! product table overrides the signature for them. Before any of it, placeholder values far from their neighbours (a
//! Forerunner 410 TCX opens with altitude 0 m among 1120 m) are dropped
//! ([`ALTITUDE_OUTLIER_M`]).
//!
//! - Barometric: ±[`SMOOTH_HALF_BAROMETRIC_S`] s moving average, grade over
//!   [`GRADE_WINDOW_M`], hysteresis [`BAROMETRIC_HYSTERESIS_M`] — metre-level climbing
//!   counts (a gentle 95-min run with 24 m of 3-m rises reads its 24 m, not 0), and the
//!   ascent matches the watches' own totals (corpus: docs/metrics.md).
//! - GPS: a moving average over distance, a hysteresis and a grade window that all grow
//!   with the measured noise σ — ± max([`GPS_SMOOTH_MIN_M`], [`GPS_SMOOTH_PER_NOISE_M`] ×
//!   σ) m, max([`GPS_HYSTERESIS_M`], [`GPS_HYSTERESIS_PER_NOISE`] × σ) and
//!   max([`GRADE_WINDOW_M`], [`GPS_GRADE_WINDOW_PER_NOISE_M`] × σ) — so that wander
//!   never reads as climbing (Strava counts GPS climbs only beyond ~10 m) while a
//!   moderately noisy watch trace keeps the treatment it always had (σ ≈ 0.8 m: ±50 m,
//!   5 m, 160 m).

use super::extremes::WindowExtremes;
use super::total_order::{from_total_key, total_key32};
use crate::model::{AltitudeTreatment, Format, Sample, Second, SubSport};

/// Half-window of the noise signature, seconds.
pub const NOISE_HALF_WINDOW_S: f64 = 10.0;
/// Altitude noise up to which a trace is barometric-grade, metres.
pub const SMOOTH_MAX_NOISE_M: f64 = 0.7;
/// Fewest recorded altitudes (with a full window) for a signature; below it the format
/// decides (FIT: barometric, GPX/TCX: GPS).
pub const NOISE_MIN_SAMPLES: usize = 60;
/// Centred moving-average half-width of barometric altitude, seconds.
pub const SMOOTH_HALF_BAROMETRIC_S: usize = 5;
/// GPS altitude is averaged over distance, ± max([`GPS_SMOOTH_MIN_M`],
/// [`GPS_SMOOTH_PER_NOISE_M`] × σ) metres along the track: its wander is correlated over
/// tens of seconds, and a window in distance smooths a rider's and a runner's hills alike.
pub const GPS_SMOOTH_MIN_M: f64 = 50.0;
pub const GPS_SMOOTH_PER_NOISE_M: f64 = 60.0;
/// Hysteresis of barometric altitude, metres.
pub const BAROMETRIC_HYSTERESIS_M: f64 = 2.0;
/// Smallest hysteresis of GPS altitude, metres (DOMAIN §5).
pub const GPS_HYSTERESIS_M: f64 = 5.0;
/// GPS hysteresis per metre of measured noise.
pub const GPS_HYSTERESIS_PER_NOISE: f64 = 4.0;
/// Grade is rise over run across this much distance centred on the second, metres
/// (DOMAIN §5: 50–100 m; the upper end, since ±1 m of altitude noise over 50 m already
/// reads as ±2 % and would make flat runs look steep).
pub const GRADE_WINDOW_M: f64 = 100.0;
/// GPS grade window per metre of measured noise, metres (σ = 2.5 m: 500 m).
pub const GPS_GRADE_WINDOW_PER_NOISE_M: f64 = 200.0;
/// Grades beyond this are clamped (Minetti's data range, ±45 %).
pub const GRADE_LIMIT: f64 = 0.45;

/// An altitude further than this from the median of its ±15 s neighbours is a
/// placeholder or a glitch, not terrain, metres.
pub const ALTITUDE_OUTLIER_M: f32 = 50.0;

/// Whether the activity was recorded by a phone app (GPX/TCX creator, FIT manufacturer
/// `strava`): phone altitude is GPS (or a map's) altitude.
pub fn phone_recorded(manufacturer: Option<&str>, product: Option<&str>) -> bool {
    let creator = product.unwrap_or("").to_ascii_lowercase();
    manufacturer == Some("strava")
        || ["android", "iphone", "runkeeper", "opentracks", "runtastic"]
            .iter()
            .any(|k| creator.contains(k))
}

/// How one activity's altitude was read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AltitudeReport {
    pub treatment: AltitudeTreatment,
    /// The noise signature, metres (when there were enough records).
    pub noise_m: Option<f64>,
    /// Hysteresis for ascent and descent, metres.
    pub hysteresis_m: f64,
    /// Distance window of the grade, metres.
    pub grade_window_m: f64,
}

/// Whether the activity happened indoors, where altitude and position mean nothing.
pub fn is_indoor(sub_sport: Option<&SubSport>) -> bool {
    matches!(
        sub_sport,
        Some(SubSport::Treadmill | SubSport::IndoorRunning | SubSport::VirtualActivity)
    )
}

/// The noise signature of the recorded altitudes (module docs), metres; `None` with
/// fewer than [`NOISE_MIN_SAMPLES`] records that have a full window.
pub fn noise_m(samples: &[Sample]) -> Option<f64> {
    let pts: Vec<(f64, f64)> = samples
        .iter()
        .filter_map(|s| s.altitude_m.map(|a| (s.time.0 as f64 / 1000.0, a)))
        .collect();
    let (mut lo, mut hi) = (0usize, 0usize);
    let mut sum = 0.0;
    let mut deviations = Vec::with_capacity(pts.len());
    for &(t, a) in &pts {
        while let Some(&(th, ah)) = pts.get(hi)
            && th <= t + NOISE_HALF_WINDOW_S
        {
            sum += ah;
            hi += 1;
        }
        while let Some(&(tl, al)) = pts.get(lo)
            && tl < t - NOISE_HALF_WINDOW_S
        {
            sum -= al;
            lo += 1;
        }
        let n = hi - lo;
        if n >= 5 {
            // Kept as bits: an absolute value has no sign bit, and on such values (NaN
            // included) the bits' integer order is `total_cmp`'s.
            deviations.push((a - sum / n as f64).abs().to_bits());
        }
    }
    if deviations.len() < NOISE_MIN_SAMPLES {
        return None;
    }
    // The median by selection (the sorted order's middle value, without the sort).
    let mid = deviations.len() / 2;
    let (_, median, _) = deviations.select_nth_unstable(mid);
    Some(1.4826 * f64::from_bits(*median))
}

/// Smooths altitude and computes grade in place, by the altitude's `noise_m` signature
/// (else the format); returns what was applied.
pub fn process(
    seconds: &mut [Second],
    format: Format,
    noise_m: Option<f64>,
    gps_device: bool,
    indoor: bool,
) -> AltitudeReport {
    let report = |treatment, hysteresis_m, grade_window_m| AltitudeReport {
        treatment,
        noise_m,
        hysteresis_m,
        grade_window_m,
    };
    if !seconds.iter().any(|s| s.altitude_m.is_some()) {
        return report(
            AltitudeTreatment::None,
            BAROMETRIC_HYSTERESIS_M,
            GRADE_WINDOW_M,
        );
    }
    if indoor {
        for s in seconds.iter_mut() {
            s.altitude_m = None;
            s.grade = None;
        }
        return report(
            AltitudeTreatment::IgnoredIndoor,
            BAROMETRIC_HYSTERESIS_M,
            GRADE_WINDOW_M,
        );
    }
    drop_outliers(seconds);
    let barometric = !gps_device
        && match noise_m {
            Some(n) => n <= SMOOTH_MAX_NOISE_M,
            None => format == Format::Fit,
        };
    let out = if barometric {
        report(
            AltitudeTreatment::Barometric,
            BAROMETRIC_HYSTERESIS_M,
            GRADE_WINDOW_M,
        )
    } else {
        let n = noise_m.unwrap_or(0.0);
        report(
            AltitudeTreatment::Gps,
            GPS_HYSTERESIS_M.max(GPS_HYSTERESIS_PER_NOISE * n),
            GRADE_WINDOW_M.max(GPS_GRADE_WINDOW_PER_NOISE_M * n),
        )
    };
    if barometric {
        smooth(seconds, SMOOTH_HALF_BAROMETRIC_S);
    } else {
        let half_m = GPS_SMOOTH_MIN_M.max(GPS_SMOOTH_PER_NOISE_M * noise_m.unwrap_or(0.0));
        smooth_over_distance(seconds, half_m);
    }
    grade(seconds, out.grade_window_m);
    out
}

/// Drops altitudes further than [`ALTITUDE_OUTLIER_M`] from the median of the
/// altitudes within ±15 grid positions (placeholders, glitches).
fn drop_outliers(seconds: &mut [Second]) {
    const HALF: usize = 15;
    let raw: Vec<Option<f32>> = seconds.iter().map(|s| s.altitude_m).collect();
    let mut window: Vec<u32> = Vec::with_capacity(2 * HALF + 1);
    let extremes = WindowExtremes::new(raw.iter().copied(), 2 * HALF + 1);
    for (i, s) in seconds.iter_mut().enumerate() {
        let hi = (i + HALF + 1).min(raw.len());
        let lo = i.saturating_sub(HALF);
        let Some(a) = s.altitude_m else { continue };
        // The median lies between the window's lowest and highest value, so when both
        // are within the limit of `a` it cannot be an outlier: no sort (most seconds).
        if let Some((low, high)) = extremes.range(lo, hi)
            && a - low <= ALTITUDE_OUTLIER_M
            && high - a <= ALTITUDE_OUTLIER_M
        {
            continue;
        }
        // The median by selection on total-order keys: the element the sort of the
        // values by `total_cmp` puts in the middle, bit for bit.
        window.clear();
        window.extend(
            raw.get(lo..hi)
                .unwrap_or_default()
                .iter()
                .flatten()
                .map(|&x| total_key32(x)),
        );
        if !window.is_empty() {
            let mid = window.len() / 2;
            let (_, median, _) = window.select_nth_unstable(mid);
            if (a - from_total_key(u64::from(*median))).abs() > ALTITUDE_OUTLIER_M {
                s.altitude_m = None;
            }
        }
    }
}

/// Centred moving average over contiguous grid seconds (a hole ends the window).
fn smooth(seconds: &mut [Second], half: usize) {
    let raw: Vec<(u32, Option<f32>)> = seconds.iter().map(|s| (s.t_s, s.altitude_m)).collect();
    // The altitudes as f64 with -0.0 where there is none (x + (-0.0) is x for every x:
    // summing every slot of a window adds its altitudes in order, bit for bit), and
    // how many there are before each position.
    let altitude: Vec<f64> = raw
        .iter()
        .map(|&(_, a)| a.map_or(-0.0, f64::from))
        .collect();
    let mut before = Vec::with_capacity(raw.len() + 1);
    before.push(0u32);
    let mut count = 0u32;
    for &(_, a) in &raw {
        count += u32::from(a.is_some());
        before.push(count);
    }
    for (i, s) in seconds.iter_mut().enumerate() {
        if s.altitude_m.is_none() {
            continue;
        }
        let lo = i.saturating_sub(half);
        let hi = (i + half + 1).min(raw.len());
        let window = raw.get(lo..hi).unwrap_or_default();
        // Grid times strictly increase, so a window whose ends are as far apart in
        // seconds as in places has no hole: every value counts, no test per value.
        let contiguous = match (window.first(), window.last()) {
            (Some(first), Some(last)) => (last.0 - first.0) as usize == window.len() - 1,
            _ => false,
        };
        let (mut sum, mut n) = (0.0f64, 0u32);
        if contiguous {
            let window = altitude.get(lo..hi).unwrap_or_default();
            // The usual width as an array: the same additions, unrolled.
            sum = match <&[f64; 2 * SMOOTH_HALF_BAROMETRIC_S + 1]>::try_from(window) {
                Ok(w) => w.iter().fold(sum, |acc, &a| acc + a),
                Err(_) => window.iter().fold(sum, |acc, &a| acc + a),
            };
            n = before.get(hi).copied().unwrap_or(0) - before.get(lo).copied().unwrap_or(0);
        } else {
            for (k, &(t, a)) in window.iter().enumerate() {
                let dist_s = (lo + k).abs_diff(i) as u32;
                if t.abs_diff(s.t_s) != dist_s {
                    continue; // across a hole
                }
                if let Some(a) = a {
                    sum += f64::from(a);
                    n += 1;
                }
            }
        }
        if n > 0 {
            s.altitude_m = Some((sum / f64::from(n)) as f32);
        }
    }
}

/// Centred moving average over ±`half_m` of distance within contiguous grid seconds (a
/// hole ends the window); seconds without a distance fall back to ±15 s.
fn smooth_over_distance(seconds: &mut [Second], half_m: f64) {
    if !seconds.iter().any(|s| s.distance_m.is_some()) {
        smooth(seconds, 15);
        return;
    }
    let raw: Vec<(u32, Option<f64>, Option<f32>)> = seconds
        .iter()
        .map(|s| (s.t_s, s.distance_m, s.altitude_m))
        .collect();
    // Stretch boundaries: a new stretch where the grid has a hole.
    let mut stretch_start = Vec::with_capacity(raw.len());
    let mut current = 0usize;
    for i in 0..raw.len() {
        let joined =
            i > 0 && matches!((raw.get(i - 1), raw.get(i)), (Some(a), Some(b)) if b.0 == a.0 + 1);
        if !joined {
            current = i;
        }
        stretch_start.push(current);
    }
    let (mut lo, mut hi) = (0usize, 0usize);
    let (mut sum, mut n) = (0.0f64, 0u32);
    for (i, s) in seconds.iter_mut().enumerate() {
        let (Some(&(_, Some(d), Some(_))), Some(&start)) = (raw.get(i), stretch_start.get(i))
        else {
            continue;
        };
        let inside = |k: usize| {
            raw.get(k)
                .is_some_and(|&(_, dk, _)| dk.is_some_and(|dk| (dk - d).abs() <= half_m))
                && stretch_start.get(k) == Some(&start)
        };
        if hi < i {
            (lo, hi, sum, n) = (i, i, 0.0, 0);
        }
        // Grow the front while inside, shrink the back while outside (distance never
        // decreases on the grid).
        while hi < raw.len() && inside(hi) {
            if let Some(&(_, _, Some(a))) = raw.get(hi) {
                sum += f64::from(a);
                n += 1;
            }
            hi += 1;
        }
        while lo < i && !inside(lo) {
            if let Some(&(_, _, Some(a))) = raw.get(lo) {
                sum -= f64::from(a);
                n = n.saturating_sub(1);
            }
            lo += 1;
        }
        if n > 0 {
            s.altitude_m = Some((sum / f64::from(n)) as f32);
        }
    }
}

/// Grade at each second: altitude change over the distance from the nearest second at
/// least half a window behind to the nearest at least half a window ahead.
fn grade(seconds: &mut [Second], window_m: f64) {
    let half = window_m / 2.0;
    let pts: Vec<(Option<f64>, Option<f32>)> = seconds
        .iter()
        .map(|s| (s.distance_m, s.altitude_m))
        .collect();
    let n = pts.len();
    let (mut lo, mut hi) = (0usize, 0usize);
    for (i, s) in seconds.iter_mut().enumerate() {
        s.grade = None;
        let (Some(d), Some(_)) = pts.get(i).copied().unwrap_or((None, None)) else {
            continue;
        };
        let dist = |k: usize| pts.get(k).and_then(|p| p.0);
        // Move `lo` forward while the next point is still ≥ half behind.
        while lo < i && dist(lo + 1).is_some_and(|x| d - x >= half) {
            lo += 1;
        }
        hi = hi.max(i);
        while hi + 1 < n && dist(hi).is_none_or(|x| x - d < half) {
            hi += 1;
        }
        let (Some(dl), Some(dh)) = (dist(lo), dist(hi)) else {
            continue;
        };
        let (Some(al), Some(ah)) = (pts.get(lo).and_then(|p| p.1), pts.get(hi).and_then(|p| p.1))
        else {
            continue;
        };
        let run = dh - dl;
        if run < window_m * 0.8 || d - dl < half * 0.8 || dh - d < half * 0.8 {
            continue;
        }
        let g = (f64::from(ah) - f64::from(al)) / run;
        s.grade = Some(g.clamp(-GRADE_LIMIT, GRADE_LIMIT) as f32);
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// The code the filters replaced (at 0c50f8a), to test them against.
    mod reference {
        use super::super::*;
        use crate::clean::extremes::Extremes;

        /// Centred moving average over contiguous grid seconds (a hole ends the window).
        pub(super) fn smooth(seconds: &mut [Second], half: usize) {
            let raw: Vec<(u32, Option<f32>)> =
                seconds.iter().map(|s| (s.t_s, s.altitude_m)).collect();
            for (i, s) in seconds.iter_mut().enumerate() {
                if s.altitude_m.is_none() {
                    continue;
                }
                let mut sum = 0.0f64;
                let mut n = 0u32;
                let lo = i.saturating_sub(half);
                let hi = (i + half + 1).min(raw.len());
                let window = raw.get(lo..hi).unwrap_or_default();
                // Grid times strictly increase, so a window whose ends are as far apart in
                // seconds as in places has no hole: every value counts, no test per value.
                let contiguous = match (window.first(), window.last()) {
                    (Some(first), Some(last)) => (last.0 - first.0) as usize == window.len() - 1,
                    _ => false,
                };
                for (k, &(t, a)) in window.iter().enumerate() {
                    let dist_s = (lo + k).abs_diff(i) as u32;
                    if !contiguous && t.abs_diff(s.t_s) != dist_s {
                        continue; // across a hole
                    }
                    if let Some(a) = a {
                        sum += f64::from(a);
                        n += 1;
                    }
                }
                if n > 0 {
                    s.altitude_m = Some((sum / f64::from(n)) as f32);
                }
            }
        }

        /// The noise signature of the recorded altitudes (module docs), metres; `None` with
        /// fewer than [`NOISE_MIN_SAMPLES`] records that have a full window.
        pub(super) fn noise_m(samples: &[Sample]) -> Option<f64> {
            let pts: Vec<(f64, f64)> = samples
                .iter()
                .filter_map(|s| s.altitude_m.map(|a| (s.time.0 as f64 / 1000.0, a)))
                .collect();
            let (mut lo, mut hi) = (0usize, 0usize);
            let mut sum = 0.0;
            let mut deviations = Vec::with_capacity(pts.len());
            for &(t, a) in &pts {
                while let Some(&(th, ah)) = pts.get(hi)
                    && th <= t + NOISE_HALF_WINDOW_S
                {
                    sum += ah;
                    hi += 1;
                }
                while let Some(&(tl, al)) = pts.get(lo)
                    && tl < t - NOISE_HALF_WINDOW_S
                {
                    sum -= al;
                    lo += 1;
                }
                let n = hi - lo;
                if n >= 5 {
                    deviations.push((a - sum / n as f64).abs());
                }
            }
            if deviations.len() < NOISE_MIN_SAMPLES {
                return None;
            }
            // The median by selection (the sorted order's middle value, without the sort).
            let mid = deviations.len() / 2;
            let (_, median, _) = deviations.select_nth_unstable_by(mid, f64::total_cmp);
            Some(1.4826 * *median)
        }
        /// Drops altitudes further than [`ALTITUDE_OUTLIER_M`] from the median of the
        /// altitudes within ±15 grid positions (placeholders, glitches).
        pub(super) fn drop_outliers(seconds: &mut [Second]) {
            const HALF: usize = 15;
            let raw: Vec<Option<f32>> = seconds.iter().map(|s| s.altitude_m).collect();
            let mut window: Vec<f32> = Vec::with_capacity(2 * HALF + 1);
            let mut extremes = Extremes::new();
            let mut next = 0;
            for (i, s) in seconds.iter_mut().enumerate() {
                let hi = (i + HALF + 1).min(raw.len());
                while next < hi {
                    if let Some(Some(v)) = raw.get(next) {
                        extremes.push(next, *v);
                    }
                    next += 1;
                }
                let lo = i.saturating_sub(HALF);
                extremes.evict_before(lo);
                let Some(a) = s.altitude_m else { continue };
                // The median lies between the window's lowest and highest value, so when both
                // are within the limit of `a` it cannot be an outlier: no sort (most seconds).
                if let Some((low, high)) = extremes.range()
                    && a - low <= ALTITUDE_OUTLIER_M
                    && high - a <= ALTITUDE_OUTLIER_M
                {
                    continue;
                }
                window.clear();
                window.extend(raw.get(lo..hi).unwrap_or_default().iter().flatten());
                window.sort_by(f32::total_cmp);
                if let Some(&median) = window.get(window.len() / 2)
                    && (a - median).abs() > ALTITUDE_OUTLIER_M
                {
                    s.altitude_m = None;
                }
            }
        }
    }

    /// Altitude series with holes in time, missing values, ±0, repeated values and
    /// (when `odd`) NaN and infinities.
    fn random_altitudes(seed: u64, n: usize, odd: bool) -> Vec<Second> {
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(seed);
        let mut t = 0u32;
        let mut d = 0.0f64;
        let mut a = 300.0f64;
        (0..n)
            .map(|_| {
                t += match rng.next_u64() % 40 {
                    0 => 2 + (rng.next_u64() % 30) as u32,
                    _ => 1,
                };
                d += 3.0 * rng.next_f64();
                a += rng.next_f64() - 0.5;
                let altitude = match rng.next_u64() % 25 {
                    0 | 1 => None,
                    2 => Some(0.0),
                    3 => Some(-0.0),
                    4 => Some(1e-30),
                    5 if odd => Some(f32::NAN),
                    6 if odd => Some(f32::NEG_INFINITY),
                    7 => Some(-2000.0),
                    8 => Some(a.round() as f32),
                    _ => Some(a as f32),
                };
                Second {
                    t_s: t,
                    distance_m: (!rng.next_u64().is_multiple_of(30)).then_some(d),
                    altitude_m: altitude,
                    ..Second::default()
                }
            })
            .collect()
    }

    fn bits(s: &[Second]) -> Vec<(Option<u32>, Option<u32>)> {
        s.iter()
            .map(|x| (x.altitude_m.map(f32::to_bits), x.grade.map(f32::to_bits)))
            .collect()
    }

    #[test]
    fn the_noise_signature_agrees_with_the_code_it_replaced() {
        use crate::model::Timestamp;
        for (seed, odd) in [(7u64, false), (8, true), (9, false)] {
            let samples: Vec<Sample> = random_altitudes(seed, 3000, odd)
                .iter()
                .map(|s| Sample {
                    time: Timestamp(i64::from(s.t_s) * 1000 + i64::from(s.t_s % 7) * 100),
                    altitude_m: s.altitude_m.map(f64::from),
                    ..Sample::default()
                })
                .collect();
            let (got, want) = (noise_m(&samples), reference::noise_m(&samples));
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "seed {seed}");
            assert!(got.is_some());
            let short = samples.get(..40).unwrap_or_default();
            assert_eq!(noise_m(short), reference::noise_m(short));
        }
    }

    #[test]
    fn the_filters_agree_with_the_code_they_replaced() {
        let mut seed = 100;
        for n in [0usize, 1, 2, 5, 11, 12, 31, 32, 200, 4000] {
            for odd in [false, true] {
                for _ in 0..3 {
                    seed += 1;
                    let base = random_altitudes(seed, n, odd);
                    let (mut a, mut b) = (base.clone(), base.clone());
                    drop_outliers(&mut a);
                    reference::drop_outliers(&mut b);
                    assert_eq!(bits(&a), bits(&b), "outliers, seed {seed}");
                    for half in [0usize, 1, 5, 15] {
                        let (mut a, mut b) = (base.clone(), base.clone());
                        smooth(&mut a, half);
                        reference::smooth(&mut b, half);
                        assert_eq!(bits(&a), bits(&b), "smooth {half}, seed {seed}");
                    }
                }
            }
        }
    }

    /// 3 m/s for `n` s on a constant grade.
    fn climb(n: u32, grade: f64) -> Vec<Second> {
        (0..n)
            .map(|i| {
                let d = 3.0 * f64::from(i);
                Second {
                    t_s: i,
                    distance_m: Some(d),
                    altitude_m: Some((100.0 + grade * d) as f32),
                    ..Second::default()
                }
            })
            .collect()
    }

    #[test]
    fn constant_climb_has_its_grade() {
        let mut s = climb(300, 0.05);
        assert_eq!(
            process(&mut s, Format::Fit, None, false, false).treatment,
            AltitudeTreatment::Barometric
        );
        let g = s[150].grade.unwrap_or_default();
        assert!((g - 0.05).abs() < 1e-3, "{g}");
        assert_eq!(s[2].grade, None, "no full window at the start");
    }

    #[test]
    fn indoor_altitude_is_dropped() {
        let mut s = climb(100, 0.05);
        assert_eq!(
            process(&mut s, Format::Fit, None, false, true).treatment,
            AltitudeTreatment::IgnoredIndoor
        );
        assert!(
            s.iter()
                .all(|x| x.altitude_m.is_none() && x.grade.is_none())
        );
        assert!(is_indoor(Some(&SubSport::Treadmill)));
        assert!(phone_recorded(None, Some("StravaGPX Android")));
        assert!(!phone_recorded(Some("garmin"), Some("fr955")));
        assert!(!is_indoor(Some(&SubSport::Trail)));
    }

    #[test]
    fn a_placeholder_altitude_is_dropped_not_climbed() {
        let mut s = climb(300, 0.0);
        s[0].altitude_m = Some(0.0);
        for x in s.iter_mut().skip(1) {
            x.altitude_m = Some(1120.0);
        }
        process(&mut s, Format::Tcx, Some(0.1), false, false);
        assert!(
            s.iter()
                .flat_map(|x| x.altitude_m)
                .all(|a| (a - 1120.0).abs() < 0.01)
        );
    }

    #[test]
    fn a_phone_gets_the_gps_treatment_whatever_its_signature() {
        let mut s = climb(300, 0.0);
        let r = process(&mut s, Format::Tcx, Some(0.1), true, false);
        assert_eq!(r.treatment, AltitudeTreatment::Gps);
        assert_eq!(r.hysteresis_m, GPS_HYSTERESIS_M);
    }

    #[test]
    fn smoothing_removes_noise_but_not_the_trend() {
        let mut s = climb(400, 0.0);
        for (i, x) in s.iter_mut().enumerate() {
            x.altitude_m = Some(100.0 + if i % 2 == 0 { 1.0 } else { -1.0 });
        }
        process(&mut s, Format::Gpx, None, false, false);
        let a = s[200].altitude_m.unwrap_or_default();
        assert!((a - 100.0).abs() < 0.1, "{a}");
    }
}
