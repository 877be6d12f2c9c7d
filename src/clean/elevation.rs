//! Altitude: dropped indoors (treadmill altitude is junk: flat by definition), smoothed
//! outdoors — lightly for device (usually barometric) altitude, more for GPS altitude —
//! and turned into a grade over a distance window, never sample to sample.
//! References: shared/DOMAIN.md §5.

use crate::model::{AltitudeTreatment, Format, Second, SubSport};

/// Centred moving-average half-widths, seconds: device (FIT) and GPS (GPX/TCX) altitude.
pub const SMOOTH_HALF_DEVICE_S: usize = 5;
pub const SMOOTH_HALF_GPS_S: usize = 15;
/// Grade is rise over run across this much distance centred on the second, metres
/// (DOMAIN §5: 50–100 m; the upper end, since ±1 m of altitude noise over 50 m already
/// reads as ±2 % and would make flat runs look steep).
pub const GRADE_WINDOW_M: f64 = 100.0;
/// Grades beyond this are clamped (Minetti's data range, ±45 %).
pub const GRADE_LIMIT: f64 = 0.45;

/// Whether the activity happened indoors, where altitude and position mean nothing.
pub fn is_indoor(sub_sport: Option<&SubSport>) -> bool {
    matches!(
        sub_sport,
        Some(SubSport::Treadmill | SubSport::IndoorRunning | SubSport::VirtualActivity)
    )
}

/// Smooths altitude and computes grade in place; returns the treatment applied.
pub fn process(seconds: &mut [Second], format: Format, indoor: bool) -> AltitudeTreatment {
    if !seconds.iter().any(|s| s.altitude_m.is_some()) {
        return AltitudeTreatment::None;
    }
    if indoor {
        for s in seconds.iter_mut() {
            s.altitude_m = None;
            s.grade = None;
        }
        return AltitudeTreatment::IgnoredIndoor;
    }
    let (treatment, half) = match format {
        Format::Fit => (AltitudeTreatment::Device, SMOOTH_HALF_DEVICE_S),
        Format::Gpx | Format::Tcx => (AltitudeTreatment::Gps, SMOOTH_HALF_GPS_S),
    };
    smooth(seconds, half);
    grade(seconds);
    treatment
}

/// Centred moving average over contiguous grid seconds (a hole ends the window).
fn smooth(seconds: &mut [Second], half: usize) {
    let raw: Vec<(u32, Option<f32>)> = seconds.iter().map(|s| (s.t_s, s.altitude_m)).collect();
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

/// Grade at each second: altitude change over the distance from the nearest second at
/// least half a window behind to the nearest at least half a window ahead.
fn grade(seconds: &mut [Second]) {
    let half = GRADE_WINDOW_M / 2.0;
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
        if run < GRADE_WINDOW_M * 0.8 || d - dl < half * 0.8 || dh - d < half * 0.8 {
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
            process(&mut s, Format::Fit, false),
            AltitudeTreatment::Device
        );
        let g = s[150].grade.unwrap_or_default();
        assert!((g - 0.05).abs() < 1e-3, "{g}");
        assert_eq!(s[2].grade, None, "no full window at the start");
    }

    #[test]
    fn indoor_altitude_is_dropped() {
        let mut s = climb(100, 0.05);
        assert_eq!(
            process(&mut s, Format::Fit, true),
            AltitudeTreatment::IgnoredIndoor
        );
        assert!(
            s.iter()
                .all(|x| x.altitude_m.is_none() && x.grade.is_none())
        );
        assert!(is_indoor(Some(&SubSport::Treadmill)));
        assert!(!is_indoor(Some(&SubSport::Trail)));
    }

    #[test]
    fn smoothing_removes_noise_but_not_the_trend() {
        let mut s = climb(400, 0.0);
        for (i, x) in s.iter_mut().enumerate() {
            x.altitude_m = Some(100.0 + if i % 2 == 0 { 1.0 } else { -1.0 });
        }
        process(&mut s, Format::Gpx, false);
        let a = s[200].altitude_m.unwrap_or_default();
        assert!((a - 100.0).abs() < 0.1, "{a}");
    }
}
