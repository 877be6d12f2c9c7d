//! Grade-adjusted speed and pace (GAP): the flat-ground speed with the same energy cost
//! as the actual speed on the actual grade. Drift, surges and pace variability use it.
//!
//! Formula: Minetti et al. 2002 ("Energy cost of walking and running at extreme uphill
//! and downhill slopes", J Appl Physiol 93:1039–1046), the cost of running per unit
//! distance as a function of the gradient `i` (rise/run):
//!
//! `Cr(i) = 155.4·i⁵ − 30.4·i⁴ − 43.3·i³ + 46.3·i² + 19.5·i + 3.6`  (J·kg⁻¹·m⁻¹)
//!
//! fitted over −0.45 ≤ i ≤ 0.45; `i` is clamped to that range. The GAP speed factor is
//! `Cr(i) / Cr(0)`, so GAP speed = speed · Cr(i)/3.6: factor 1 on the flat, 1.30 at
//! +5 %, 1.658 at +10 %, 2.50 at +20 %, 0.598 at −10 %, minimum ≈ 0.495 near −18 %,
//! 1.12 at −45 %. A second without grade (indoor runs carry no altitude, hence no
//! grade) counts as flat.
//!
//! Note: Strava's 2017 HR-based model gives much less credit downhill (−10 % → 0.876);
//! Minetti is the published energy-cost model and the one easyrun uses.

use crate::model::{Activity, Second};

/// Steepest gradient (either sign) the Minetti polynomial was fitted for.
pub const MINETTI_MAX_GRADE: f64 = 0.45;

/// Energy cost of running on `grade` (rise/run), J·kg⁻¹·m⁻¹ (Minetti et al. 2002).
pub fn minetti_cost_j_per_kg_m(grade: f64) -> f64 {
    let i = if grade.is_finite() {
        grade.clamp(-MINETTI_MAX_GRADE, MINETTI_MAX_GRADE)
    } else {
        0.0
    };
    ((((155.4 * i - 30.4) * i - 43.3) * i + 46.3) * i + 19.5) * i + 3.6
}

/// Grade-adjusted speed, m/s: `speed · Cr(grade)/Cr(0)`.
pub fn grade_adjusted_speed(speed_mps: f64, grade: f64) -> f64 {
    speed_mps * minetti_cost_j_per_kg_m(grade) / minetti_cost_j_per_kg_m(0.0)
}

/// A second's grade-adjusted speed, m/s (`None` without speed; flat without grade).
pub fn gap_speed_mps(s: &Second) -> Option<f64> {
    let speed = f64::from(s.speed_mps?);
    Some(grade_adjusted_speed(speed, s.grade.map_or(0.0, f64::from)))
}

/// Mean grade-adjusted pace over moving seconds, s/km.
///
/// The moving pace (moving seconds per moving kilometre) scaled by `Σ speed / Σ GAP
/// speed` over moving seconds with speed, so on flat ground it equals the average pace
/// exactly and the difference between the two is due to grade alone. `None` without
/// moving distance or speed.
pub fn mean_gap_pace_s_per_km(activity: &Activity) -> Option<f64> {
    let distance_km = activity.moving_distance_m() / 1000.0;
    let (speed_sum, gap_sum) = activity
        .seconds
        .iter()
        .filter(|s| s.moving)
        .filter_map(|s| Some((f64::from(s.speed_mps?), gap_speed_mps(s)?)))
        .fold((0.0, 0.0), |(a, b), (v, g)| (a + v, b + g));
    if distance_km <= 0.0 || gap_sum <= 0.0 {
        return None;
    }
    Some(f64::from(activity.moving_s()) / distance_km * speed_sum / gap_sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::{Columns, assert_close, assert_some_close};

    /// The polynomial written out term by term, to check the Horner form.
    fn minetti(i: f64) -> f64 {
        155.4 * i.powi(5) - 30.4 * i.powi(4) - 43.3 * i.powi(3) + 46.3 * i.powi(2) + 19.5 * i + 3.6
    }

    #[test]
    fn factor_is_one_on_the_flat_and_follows_the_polynomial() {
        assert_close(grade_adjusted_speed(3.0, 0.0), 3.0, 1e-12);
        // +10 %: Cr = 0.001554 − 0.00304 − 0.0433 + 0.463 + 1.95 + 3.6 = 5.968214.
        assert_close(grade_adjusted_speed(1.0, 0.10), 5.968214 / 3.6, 1e-12);
        assert_close(grade_adjusted_speed(1.0, 0.10), minetti(0.10) / 3.6, 1e-12);
        assert_close(
            grade_adjusted_speed(1.0, -0.10),
            minetti(-0.10) / 3.6,
            1e-12,
        );
        // −10 %: Cr = −0.001554 − 0.00304 + 0.0433 + 0.463 − 1.95 + 3.6 = 2.151706.
        assert_close(grade_adjusted_speed(1.0, -0.10), 2.151706 / 3.6, 1e-12);
    }

    #[test]
    fn grade_is_clamped_to_the_fitted_range() {
        assert_close(
            grade_adjusted_speed(1.0, 0.8),
            minetti(MINETTI_MAX_GRADE) / 3.6,
            1e-12,
        );
        assert_close(
            grade_adjusted_speed(1.0, -0.8),
            minetti(-MINETTI_MAX_GRADE) / 3.6,
            1e-12,
        );
        assert_close(grade_adjusted_speed(2.0, f64::NAN), 2.0, 1e-12);
    }

    #[test]
    fn gap_pace_equals_pace_on_the_flat_and_is_faster_uphill() {
        // Moving distance counts the steps after the first second: 999 steps of 3 m.
        let pace_s_per_km = 1000.0 / (999.0 * 3.0 / 1000.0);
        let c = Columns::steady(1000, 3.0, 140.0);
        assert_some_close(mean_gap_pace_s_per_km(&c.build()), pace_s_per_km, 1e-9);
        let mut c = Columns::steady(1000, 3.0, 140.0);
        c.grade = vec![Some(0.10); 1000];
        let gap = mean_gap_pace_s_per_km(&c.build());
        assert_some_close(gap, pace_s_per_km * 3.6 / minetti(f64::from(0.10f32)), 1e-9);
        assert!(gap.is_some_and(|g| g < pace_s_per_km));
    }

    #[test]
    fn gap_pace_needs_distance() {
        let mut c = Columns::steady(100, 3.0, 140.0);
        c.speed_mps.clear();
        assert_eq!(mean_gap_pace_s_per_km(&c.build()), None);
    }
}
