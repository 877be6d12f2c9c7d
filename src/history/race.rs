//! History: a race's evidence beyond its name — a performance near the runner's best
//! (Riegel's equivalent times), a standard race distance run hard after its own
//! warm-up, a triathlon's run leg. docs/history.md "Race, tempo, long".

use super::RunFacts;

/// Riegel's fatigue exponent (Riegel 1981, "Athletic records and human endurance",
/// American Scientist 69:285–290): T₂ = T₁ · (D₂/D₁)^1.06.
pub const RIEGEL_EXPONENT: f64 = 1.06;
/// The equivalent distance, metres.
pub const EQUIVALENT_M: f64 = 10_000.0;
/// Distances Riegel's formula is used on, metres (below, sprint physiology; above,
/// ultra pacing).
pub const RIEGEL_MIN_M: f64 = 3_000.0;
pub const RIEGEL_MAX_M: f64 = 43_000.0;
/// Nobody runs 10 km faster than this (world record 26:11, 2020): a faster equivalent
/// is a ride or a GPS error, not a best, seconds.
pub const FASTEST_10K_S: f64 = 26.0 * 60.0;
/// Standard race distances, metres: 5 km, 8 km, 10 km, 15 km, 10 miles, half, marathon.
pub const RACE_DISTANCES_M: [f64; 7] = [
    5_000.0, 8_000.0, 10_000.0, 15_000.0, 16_093.4, 21_097.5, 42_195.0,
];

/// The run's 10 km-equivalent time by Riegel, seconds, for runs of 3–43 km with ten
/// minutes of moving time; `None` otherwise or when implausibly fast.
pub fn equivalent_10k_s(f: &RunFacts) -> Option<f64> {
    let d = f.distance_m;
    if !d.is_finite() || !(RIEGEL_MIN_M..=RIEGEL_MAX_M).contains(&d) || f.moving_s < 600 {
        return None;
    }
    let t = f64::from(f.moving_s) * (EQUIVALENT_M / d).powf(RIEGEL_EXPONENT);
    (t >= FASTEST_10K_S).then_some(t)
}

/// Whether `d` is a standard race distance within `tolerance` (a share).
pub fn standard_distance(d: f64, tolerance: f64) -> bool {
    d.is_finite()
        && RACE_DISTANCES_M
            .iter()
            .any(|r| (d - r).abs() <= tolerance * r)
}

/// For each of `candidates` (indexes into `facts`, in time order, the runs that may
/// be compared), whether its equivalent time is within `margin` of the best
/// equivalent among the candidates starting within `window_days` before or after it,
/// when at least `min_runs` candidates (itself included) lie in that window. Returns
/// the indexes that are near their best.
pub fn near_best(
    facts: &[RunFacts],
    candidates: &[usize],
    window_days: f64,
    margin: f64,
    min_runs: usize,
) -> Vec<usize> {
    let eq: Vec<(i64, f64, usize)> = candidates
        .iter()
        .filter_map(|&i| {
            let f = facts.get(i)?;
            Some((f.start_time.unix_ms(), equivalent_10k_s(f)?, i))
        })
        .collect();
    let window_ms = (window_days * 86_400_000.0) as i64;
    let mut out = Vec::new();
    let mut lo = 0usize;
    let mut hi = 0usize;
    for &(t, time, i) in &eq {
        while eq.get(lo).is_some_and(|e| e.0 < t - window_ms) {
            lo += 1;
        }
        while eq.get(hi).is_some_and(|e| e.0 <= t + window_ms) {
            hi += 1;
        }
        let window = eq.get(lo..hi).unwrap_or_default();
        if window.len() < min_runs {
            continue;
        }
        let best = window.iter().map(|e| e.1).fold(f64::INFINITY, f64::min);
        if time <= best * (1.0 + margin) {
            out.push(i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::testkit::run;

    fn at(f: RunFacts, km: f64, minutes: f64) -> RunFacts {
        let mut f = f;
        f.distance_m = km * 1000.0;
        f.moving_s = (minutes * 60.0) as u32;
        f
    }

    #[test]
    fn riegel_equivalents() {
        let five = at(run("a", "2024-01-01T09:00:00Z", 20), 5.0, 20.0);
        // 20:00 for 5 km ≈ 41:42 for 10 km (2^1.06 = 2.085).
        let t = equivalent_10k_s(&five).unwrap_or_default();
        assert!((t - 1200.0 * 2f64.powf(1.06)).abs() < 1e-6);
        assert_eq!(
            equivalent_10k_s(&at(five.clone(), 2.0, 8.0)),
            None,
            "too short"
        );
        assert_eq!(
            equivalent_10k_s(&at(five, 10.0, 20.0)),
            None,
            "faster than the record"
        );
        assert!(standard_distance(10_120.0, 0.03) && !standard_distance(7_000.0, 0.03));
    }

    #[test]
    fn near_the_best_of_the_window() {
        let mut facts: Vec<RunFacts> = (1..=9)
            .map(|d| {
                at(
                    run(&format!("e{d}"), &format!("2024-03-0{d}T07:00:00Z"), 50),
                    10.0,
                    55.0,
                )
            })
            .collect();
        facts.push(at(run("race", "2024-03-10T09:00:00Z", 40), 10.0, 40.0));
        facts.push(at(run("tempo", "2024-03-12T09:00:00Z", 30), 7.0, 30.0));
        let all: Vec<usize> = (0..facts.len()).collect();
        let near = near_best(&facts, &all, 183.0, 0.03, 8);
        assert_eq!(
            near,
            vec![9],
            "the 40-min 10 km; the 7 km tempo's equivalent is 44 min"
        );
        assert!(
            near_best(&facts, &all, 183.0, 0.03, 20).is_empty(),
            "too few runs to compare"
        );
    }
}
