//! Aerobic decoupling (Pa:HR) and cardiac drift between the two halves of a run: did
//! holding the pace cost more heart rate as the run went on?
//!
//! Formula (Friel, "The Triathlete's Training Bible"; TrainingPeaks Pa:HR, same sign):
//!
//! - efficiency factor `EF = v̄ / HR̄` per half, with `v̄` the mean GRADE-ADJUSTED speed
//!   (Minetti, see [`super::gap`]) and `HR̄` the mean usable heart rate of that half;
//! - decoupling `D% = 100·(EF₁ − EF₂)/EF₁`: positive = efficiency lost (more HR per unit
//!   of speed late in the run). Friel: < 5 % good, 5–10 % moderate, > 10 % poor;
//! - cardiac drift `100·(HR̄₂ − HR̄₁)/HR̄₁` and speed change `100·(v̄₂ − v̄₁)/v̄₁`, so
//!   the verdict can say which of the two moved.
//!
//! Choices (shared/DOMAIN.md §3 lists how tools differ):
//!
//! - Halves of MOVING time, not of sample count: the first [`WARMUP_S`] moving seconds
//!   are dropped (HR kinetics), the rest is split into two halves of equal moving time
//!   (with an odd count the middle second belongs to neither).
//! - GAP is used always, not only on hilly runs: on flat ground the factor is 1 (and
//!   seconds without grade, e.g. indoors, count as flat), so there is no flat/hilly
//!   switch whose threshold would change the number.
//! - Each half's speed and HR are means over the seconds that have them, as
//!   TrainingPeaks averages each half before dividing.
//!
//! Quality gates, each giving [`Decoupling::NotApplicable`]: fewer than
//! [`MIN_ANALYSED_S`] moving seconds after the warm-up; usable HR on fewer than
//! [`MIN_HR_COVERAGE`] of those seconds; speed on fewer than [`MIN_SPEED_COVERAGE`] of
//! them, or a half whose mean speed is not positive.

use serde::{Deserialize, Serialize};

use super::gap::gap_speed_mps;
use super::series;
use crate::model::Activity;

/// Moving seconds dropped at the start (HR kinetics), 10 min.
pub const WARMUP_S: u32 = 600;
/// Moving seconds needed after the warm-up, 20 min.
pub const MIN_ANALYSED_S: u32 = 1200;
/// Share of analysed seconds that must carry usable HR.
pub const MIN_HR_COVERAGE: f64 = 0.8;
/// Share of analysed seconds that must carry speed.
pub const MIN_SPEED_COVERAGE: f64 = 0.8;

/// Decoupling and drift of a run that passed the quality gates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drift {
    /// Moving seconds dropped as warm-up.
    pub warmup_s: u32,
    /// Moving seconds after the warm-up (both halves, plus an odd middle second).
    pub analysed_s: u32,
    /// Share of analysed seconds with usable HR, 0..=1.
    pub hr_coverage: f64,
    pub first_half_hr_bpm: f64,
    pub second_half_hr_bpm: f64,
    pub first_half_gap_speed_mps: f64,
    pub second_half_gap_speed_mps: f64,
    /// Pa:HR decoupling, %: positive = efficiency lost.
    pub decoupling_pct: f64,
    /// HR change from the first half to the second, %.
    pub cardiac_drift_pct: f64,
    /// Grade-adjusted speed change from the first half to the second, %.
    pub speed_change_pct: f64,
}

/// Why decoupling was not computed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum DriftGate {
    /// Too little moving time after the warm-up.
    TooShort { analysed_s: u32, min_s: u32 },
    /// Too few analysed seconds with usable heart rate.
    HrCoverage { coverage: f64, min_coverage: f64 },
    /// Too few analysed seconds with speed, or a half without forward speed.
    NoSpeed { coverage: f64, min_coverage: f64 },
}

/// Decoupling, or why it does not apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Decoupling {
    Applicable(Drift),
    NotApplicable(DriftGate),
}

impl Decoupling {
    /// Why it was not computed, in words (`None` when applicable).
    pub fn gate(&self) -> Option<&'static str> {
        match self {
            Decoupling::Applicable(_) => None,
            Decoupling::NotApplicable(DriftGate::TooShort { .. }) => {
                Some("under 20 min after the 10-min warm-up")
            }
            Decoupling::NotApplicable(DriftGate::HrCoverage { .. }) => {
                Some("too little usable heart rate after the warm-up")
            }
            Decoupling::NotApplicable(DriftGate::NoSpeed { .. }) => {
                Some("too little speed after the warm-up")
            }
        }
    }

    /// The drift numbers, when applicable.
    pub fn drift(&self) -> Option<&Drift> {
        match self {
            Decoupling::Applicable(d) => Some(d),
            Decoupling::NotApplicable(_) => None,
        }
    }
}

/// Decoupling with the default warm-up ([`WARMUP_S`]).
pub fn decoupling(activity: &Activity) -> Decoupling {
    decoupling_after(activity, WARMUP_S)
}

/// Decoupling after dropping the first `warmup_s` moving seconds.
pub fn decoupling_after(activity: &Activity, warmup_s: u32) -> Decoupling {
    decoupling_with(activity, activity.moving_s(), warmup_s)
}

/// [`decoupling_after`] with the activity's moving seconds already counted
/// (`Activity::moving_s`). One walk over the moving seconds after the warm-up, nothing
/// collected (a run too short walks nothing).
pub(crate) fn decoupling_with(activity: &Activity, moving_s: u32, warmup_s: u32) -> Decoupling {
    let mut sums = DriftSums::new(moving_s, warmup_s);
    if sums.too_short().is_none() {
        let moving = activity.seconds.iter().filter(|s| s.moving);
        for (i, s) in moving.enumerate().skip(warmup_s as usize) {
            sums.add(i, series::usable_hr(s), s.speed_mps.is_some(), || {
                gap_speed_mps(s)
            });
        }
    }
    sums.decoupling()
}

/// The decoupling's counts and sums, kept one moving second at a time (so a walk over
/// the seconds that does other work can keep them): the HR and speed coverage after the
/// warm-up, and each half's HR and GAP speed summed in time order ([`series::Mean`]).
/// Sums a gate then leaves unused are simply not read.
#[derive(Debug, Clone)]
pub(crate) struct DriftSums {
    moving_s: usize,
    warmup_s: u32,
    /// Analysed seconds (after the warm-up) and the half's length: the first `half`
    /// and the last `half` (an odd middle one is in neither).
    n: usize,
    half: usize,
    hr_n: usize,
    speed_n: usize,
    hr_first: series::Mean,
    hr_second: series::Mean,
    v_first: series::Mean,
    v_second: series::Mean,
}

impl DriftSums {
    pub(crate) fn new(moving_s: u32, warmup_s: u32) -> DriftSums {
        let moving_s = moving_s as usize;
        let n = moving_s.saturating_sub(warmup_s as usize);
        DriftSums {
            moving_s,
            warmup_s,
            n,
            half: n / 2,
            hr_n: 0,
            speed_n: 0,
            hr_first: series::Mean::default(),
            hr_second: series::Mean::default(),
            v_first: series::Mean::default(),
            v_second: series::Mean::default(),
        }
    }

    /// The gate of a run too short to measure, known before any second is added.
    fn too_short(&self) -> Option<Decoupling> {
        let analysed_s = self.n as u32;
        (analysed_s < MIN_ANALYSED_S).then_some(Decoupling::NotApplicable(DriftGate::TooShort {
            analysed_s,
            min_s: MIN_ANALYSED_S,
        }))
    }

    /// Adds the `i`-th moving second (from 0, warm-up included): its usable HR, whether
    /// it has a speed, and its GAP speed (`Some` exactly when it has a speed; asked only
    /// for the halves).
    pub(crate) fn add(
        &mut self,
        i: usize,
        hr: Option<f64>,
        has_speed: bool,
        gap: impl FnOnce() -> Option<f64>,
    ) {
        let Some(j) = i.checked_sub(self.warmup_s as usize) else {
            return;
        };
        self.hr_n += usize::from(hr.is_some());
        self.speed_n += usize::from(has_speed);
        let (hr_mean, v_mean) = if j < self.half {
            (&mut self.hr_first, &mut self.v_first)
        } else if j >= self.n - self.half {
            (&mut self.hr_second, &mut self.v_second)
        } else {
            return;
        };
        if let Some(h) = hr {
            hr_mean.add(h);
        }
        if let Some(g) = gap() {
            v_mean.add(g);
        }
    }

    /// The decoupling, or the gate that stops it.
    pub(crate) fn decoupling(&self) -> Decoupling {
        if let Some(gate) = self.too_short() {
            return gate;
        }
        let DriftSums {
            moving_s,
            warmup_s,
            n,
            hr_n,
            speed_n,
            hr_first,
            hr_second,
            v_first,
            v_second,
            ..
        } = *self;
        let analysed_s = n as u32;
        let share = |count: usize| count as f64 / n as f64;
        let hr_coverage = share(hr_n);
        if hr_coverage < MIN_HR_COVERAGE {
            return Decoupling::NotApplicable(DriftGate::HrCoverage {
                coverage: hr_coverage,
                min_coverage: MIN_HR_COVERAGE,
            });
        }
        let speed_coverage = share(speed_n);
        let no_speed = DriftGate::NoSpeed {
            coverage: speed_coverage,
            min_coverage: MIN_SPEED_COVERAGE,
        };
        if speed_coverage < MIN_SPEED_COVERAGE {
            return Decoupling::NotApplicable(no_speed);
        }
        let (Some(hr1), Some(hr2)) = (hr_first.get(), hr_second.get()) else {
            // Unreachable with 80 % coverage (each half then has at least 60 %), kept total.
            return Decoupling::NotApplicable(DriftGate::HrCoverage {
                coverage: hr_coverage,
                min_coverage: MIN_HR_COVERAGE,
            });
        };
        let (Some(v1), Some(v2)) = (v_first.get(), v_second.get()) else {
            return Decoupling::NotApplicable(no_speed);
        };
        if v1 <= 0.0 || v2 <= 0.0 || hr1 <= 0.0 || hr2 <= 0.0 {
            return Decoupling::NotApplicable(no_speed);
        }
        let (ef1, ef2) = (v1 / hr1, v2 / hr2);
        Decoupling::Applicable(Drift {
            warmup_s: (moving_s as u32).min(warmup_s),
            analysed_s,
            hr_coverage,
            first_half_hr_bpm: hr1,
            second_half_hr_bpm: hr2,
            first_half_gap_speed_mps: v1,
            second_half_gap_speed_mps: v2,
            decoupling_pct: 100.0 * (ef1 - ef2) / ef1,
            cardiac_drift_pct: 100.0 * (hr2 - hr1) / hr1,
            speed_change_pct: 100.0 * (v2 - v1) / v1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::gap::grade_adjusted_speed;
    use crate::metrics::testkit::{Columns, assert_close};
    use crate::model::Second;

    /// 10 min warm-up at 120 bpm, then two 15-min halves at the given HR and speed.
    fn two_halves(hr1: f32, v1: f32, hr2: f32, v2: f32) -> Columns {
        let mut c = Columns::steady(600 + 1800, v1, 120.0);
        for (i, (h, v)) in c.hr_bpm.iter_mut().zip(c.speed_mps.iter_mut()).enumerate() {
            match i {
                0..600 => {}
                600..1500 => *h = Some(hr1),
                _ => (*h, *v) = (Some(hr2), Some(v2)),
            }
        }
        c
    }

    fn applicable(d: Decoupling) -> Drift {
        match d {
            Decoupling::Applicable(d) => d,
            Decoupling::NotApplicable(gate) => unreachable!("gated: {gate:?}"),
        }
    }

    #[test]
    fn same_pace_more_heart_rate_is_positive_decoupling() {
        let d = applicable(decoupling(&two_halves(140.0, 3.0, 147.0, 3.0).build()));
        // EF₁ = 3/140, EF₂ = 3/147: D = 100·(1 − 140/147) = 4.7619 %.
        assert_close(d.decoupling_pct, 100.0 * (1.0 - 140.0 / 147.0), 1e-9);
        assert_close(d.cardiac_drift_pct, 5.0, 1e-9);
        assert_close(d.speed_change_pct, 0.0, 1e-9);
        assert_eq!((d.warmup_s, d.analysed_s), (600, 1800));
        assert_close(d.first_half_hr_bpm, 140.0, 1e-9);
        assert_close(d.second_half_gap_speed_mps, 3.0, 1e-6);
    }

    #[test]
    fn warm_up_is_excluded() {
        // A hot warm-up (HR 120 vs 140) would tilt the halves if it were counted.
        let d = applicable(decoupling(&two_halves(140.0, 3.0, 140.0, 3.0).build()));
        assert_close(d.decoupling_pct, 0.0, 1e-9);
    }

    #[test]
    fn slowing_at_the_same_heart_rate_is_decoupling_too() {
        let d = applicable(decoupling(&two_halves(140.0, 3.0, 140.0, 2.7).build()));
        assert_close(d.decoupling_pct, 10.0, 1e-5);
        assert_close(d.speed_change_pct, -10.0, 1e-5);
        assert_close(d.cardiac_drift_pct, 0.0, 1e-9);
    }

    #[test]
    fn a_climb_in_the_second_half_is_grade_adjusted() {
        // Second half up a 5 % grade, slower by exactly the Minetti factor: same effort.
        let uphill = (3.0 / grade_adjusted_speed(1.0, f64::from(0.05f32))) as f32;
        let mut c = two_halves(140.0, 3.0, 140.0, uphill);
        c.grade = (0..2400)
            .map(|i| Some(if i < 1500 { 0.0 } else { 0.05 }))
            .collect();
        let d = applicable(decoupling(&c.build()));
        assert_close(d.decoupling_pct, 0.0, 1e-4);
        assert_close(d.speed_change_pct, 0.0, 1e-4);
    }

    #[test]
    fn short_runs_are_not_applicable() {
        let c = Columns::steady(600 + 1199, 3.0, 140.0);
        assert_eq!(
            decoupling(&c.build()),
            Decoupling::NotApplicable(DriftGate::TooShort {
                analysed_s: 1199,
                min_s: 1200
            })
        );
        // Stopped seconds do not count as moving time.
        let mut c = Columns::steady(2400, 3.0, 140.0);
        c.moving
            .iter_mut()
            .skip(1000)
            .take(601)
            .for_each(|m| *m = false);
        assert!(matches!(
            decoupling(&c.build()),
            Decoupling::NotApplicable(DriftGate::TooShort {
                analysed_s: 1199,
                ..
            })
        ));
    }

    #[test]
    fn poor_hr_coverage_and_missing_speed_are_not_applicable() {
        let mut c = Columns::steady(2400, 3.0, 140.0);
        // 400 of the 1800 analysed seconds without HR: 77.8 % coverage.
        c.hr_bpm
            .iter_mut()
            .skip(1000)
            .take(400)
            .for_each(|h| *h = None);
        assert!(matches!(
            decoupling(&c.build()),
            Decoupling::NotApplicable(DriftGate::HrCoverage { coverage, .. })
                if (coverage - 1400.0 / 1800.0).abs() < 1e-12
        ));
        let mut c = Columns::steady(2400, 3.0, 140.0);
        c.speed_mps.clear();
        assert!(matches!(
            decoupling(&c.build()),
            Decoupling::NotApplicable(DriftGate::NoSpeed { coverage, .. }) if coverage == 0.0
        ));
        let c = Columns::steady(2400, 0.0, 140.0);
        assert!(matches!(
            decoupling(&c.build()),
            Decoupling::NotApplicable(DriftGate::NoSpeed { .. })
        ));
    }

    #[test]
    fn serializes_with_status_and_reason() {
        let json = serde_json::to_value(decoupling(&Columns::steady(10, 3.0, 140.0).build()))
            .unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"status": "not_applicable", "reason": "too_short",
                "analysed_s": 0, "min_s": 1200})
        );
        let json = serde_json::to_value(decoupling(&Columns::steady(2400, 3.0, 140.0).build()))
            .unwrap_or_default();
        assert_eq!(json.get("status"), Some(&serde_json::json!("applicable")));
        assert_eq!(json.get("decoupling_pct"), Some(&serde_json::json!(0.0)));
    }

    /// The collecting version this file had (a `Vec` of the analysed seconds, a walk
    /// per figure): the reference the two-walk one must match bit for bit.
    fn reference_decoupling_after(activity: &Activity, warmup_s: u32) -> Decoupling {
        let analysed: Vec<&Second> = activity
            .seconds
            .iter()
            .filter(|s| s.moving)
            .skip(warmup_s as usize)
            .collect();
        let n = analysed.len();
        let analysed_s = n as u32;
        if analysed_s < MIN_ANALYSED_S {
            return Decoupling::NotApplicable(DriftGate::TooShort {
                analysed_s,
                min_s: MIN_ANALYSED_S,
            });
        }
        let share = |count: usize| count as f64 / n as f64;
        let hr_coverage = share(analysed.iter().filter_map(|s| series::usable_hr(s)).count());
        if hr_coverage < MIN_HR_COVERAGE {
            return Decoupling::NotApplicable(DriftGate::HrCoverage {
                coverage: hr_coverage,
                min_coverage: MIN_HR_COVERAGE,
            });
        }
        let speed_coverage = share(analysed.iter().filter_map(|s| gap_speed_mps(s)).count());
        let no_speed = DriftGate::NoSpeed {
            coverage: speed_coverage,
            min_coverage: MIN_SPEED_COVERAGE,
        };
        if speed_coverage < MIN_SPEED_COVERAGE {
            return Decoupling::NotApplicable(no_speed);
        }
        let half = n / 2;
        let first = analysed.get(..half).unwrap_or_default();
        let second = analysed.get(n - half..).unwrap_or_default();
        let hr = |part: &[&Second]| series::mean(part.iter().filter_map(|s| series::usable_hr(s)));
        let speed = |part: &[&Second]| series::mean(part.iter().filter_map(|s| gap_speed_mps(s)));
        let (Some(hr1), Some(hr2)) = (hr(first), hr(second)) else {
            // Unreachable with 80 % coverage (each half then has at least 60 %), kept total.
            return Decoupling::NotApplicable(DriftGate::HrCoverage {
                coverage: hr_coverage,
                min_coverage: MIN_HR_COVERAGE,
            });
        };
        let (Some(v1), Some(v2)) = (speed(first), speed(second)) else {
            return Decoupling::NotApplicable(no_speed);
        };
        if v1 <= 0.0 || v2 <= 0.0 || hr1 <= 0.0 || hr2 <= 0.0 {
            return Decoupling::NotApplicable(no_speed);
        }
        let (ef1, ef2) = (v1 / hr1, v2 / hr2);
        Decoupling::Applicable(Drift {
            warmup_s: activity.moving_s().min(warmup_s),
            analysed_s,
            hr_coverage,
            first_half_hr_bpm: hr1,
            second_half_hr_bpm: hr2,
            first_half_gap_speed_mps: v1,
            second_half_gap_speed_mps: v2,
            decoupling_pct: 100.0 * (ef1 - ef2) / ef1,
            cardiac_drift_pct: 100.0 * (hr2 - hr1) / hr1,
            speed_change_pct: 100.0 * (v2 - v1) / v1,
        })
    }

    #[test]
    #[allow(clippy::indexing_slicing)]
    fn matches_the_collecting_version_bit_for_bit() {
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(11);
        let mut applicable = 0;
        for case in 0..150usize {
            // Around the gates: too short, short of HR or speed, odd and even counts.
            let n = 1700 + 7 * case;
            let mut c = Columns::steady(n, 3.0, 140.0);
            let (hr_gap, speed_gap) =
                [(0.02, 0.02), (0.25, 0.02), (0.02, 0.25), (0.1, 0.1)][case % 4];
            for i in 0..n {
                c.hr_bpm[i] = (rng.next_f64() >= hr_gap).then(|| {
                    (140.0 + 10.0 * (i as f64 / n as f64) + 3.0 * rng.gauss()).round() as f32
                });
                c.speed_mps[i] = match rng.next_f64() {
                    u if u < speed_gap => None,
                    u if u < speed_gap + 0.002 => Some(-0.0),
                    _ => Some((3.0 + 0.3 * rng.gauss()) as f32),
                };
                c.moving[i] = !rng.next_u64().is_multiple_of(30);
            }
            c.grade = (0..n).map(|_| Some((0.03 * rng.gauss()) as f32)).collect();
            let mut t = 0u32;
            c.t_s = (0..n)
                .map(|_| {
                    t += if rng.next_u64().is_multiple_of(300) {
                        40
                    } else {
                        1
                    };
                    t
                })
                .collect();
            let a = c.build();
            for warmup_s in [0, WARMUP_S, 2000] {
                let want = reference_decoupling_after(&a, warmup_s);
                applicable += usize::from(want.drift().is_some());
                assert_eq!(
                    format!("{:?}", decoupling_after(&a, warmup_s)),
                    format!("{want:?}"),
                    "case {case}, warm-up {warmup_s}"
                );
            }
        }
        assert!(applicable > 40, "only {applicable} applicable");
    }
}
