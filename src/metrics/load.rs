//! Training load from heart rate: Banister TRIMP and HRSS, used to find the "hard
//! session" a recovery run should follow and to show that a recovery run was light.
//!
//! - Banister TRIMP (Banister 1991, "Modeling elite athletic performance"; weighting
//!   from Morton, Fitz-Clarke & Banister 1990, J Appl Physiol 69:1171):
//!   `TRIMP = Σ Δt_min · HRr · a · e^(b·HRr)`, `HRr = (HR − HRrest)/(HRmax − HRrest)`
//!   clamped to [0, 1], men `a = 0.64, b = 1.92`, women `a = 0.86, b = 1.67`. Summed
//!   per usable moving second (`Δt = 1/60 min`): a TRIMP from the average HR undercounts
//!   intervals (shared/DOMAIN.md §4).
//! - Unknown sex: the mean of the male and female weightings,
//!   `½·(0.64·e^(1.92x) + 0.86·e^(1.67x))`: neither sex's curve is favoured, and it lies
//!   between the two over the whole HRr range (the female curve is 5–34 % above the
//!   male one, most at low HRr).
//! - HRSS (TRIMP normalised as in TrainingPeaks' hrTSS / GoldenCheetah's TRIMP(100)):
//!   `HRSS = 100 · TRIMP / TRIMP(60 min at LTHR)`, so an hour at threshold scores 100
//!   whatever the athlete. Without a known LTHR it is estimated as
//!   [`LTHR_FRACTION_OF_MAX`] · HRmax: the lactate threshold of trained runners lies
//!   around 85–92 % of HRmax (a rule of thumb, not a measurement; the result says
//!   which LTHR it used and where from).
//!
//! Gates ([`Load::NotApplicable`]): HRmax or resting HR unknown, HRmax not above
//! resting HR, no usable moving HR.

use serde::{Deserialize, Serialize};

use super::zones::MovingHr;
use crate::model::Activity;
use crate::profile::{AthleteProfile, Sex};

/// Banister weighting for men: `a · e^(b·HRr)`.
pub const MALE_A: f64 = 0.64;
pub const MALE_B: f64 = 1.92;
/// Banister weighting for women.
pub const FEMALE_A: f64 = 0.86;
pub const FEMALE_B: f64 = 1.67;
/// LTHR estimate from HRmax when the profile has none.
pub const LTHR_FRACTION_OF_MAX: f64 = 0.89;

/// Which Banister weighting was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    Male,
    Female,
    /// Sex unknown: mean of the two curves.
    MeanOfBoth,
}

impl Weighting {
    pub fn of(sex: Option<Sex>) -> Weighting {
        match sex {
            Some(Sex::Male) => Weighting::Male,
            Some(Sex::Female) => Weighting::Female,
            None => Weighting::MeanOfBoth,
        }
    }

    /// `y(HRr)` such that one minute at `HRr` adds `HRr · y(HRr)`.
    pub fn factor(self, hrr: f64) -> f64 {
        let curve = |a: f64, b: f64| a * (b * hrr).exp();
        match self {
            Weighting::Male => curve(MALE_A, MALE_B),
            Weighting::Female => curve(FEMALE_A, FEMALE_B),
            Weighting::MeanOfBoth => 0.5 * (curve(MALE_A, MALE_B) + curve(FEMALE_A, FEMALE_B)),
        }
    }

    /// TRIMP of one minute at heart rate `hr_bpm`.
    pub fn trimp_per_min(self, hr_bpm: f64, rest_bpm: f64, max_bpm: f64) -> f64 {
        let hrr = ((hr_bpm - rest_bpm) / (max_bpm - rest_bpm)).clamp(0.0, 1.0);
        hrr * self.factor(hrr)
    }
}

/// Where the LTHR behind HRSS came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LthrBasis {
    /// The athlete profile's LTHR.
    Profile,
    /// [`LTHR_FRACTION_OF_MAX`] · HRmax.
    FractionOfMax,
}

/// Load of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trimp {
    /// Banister TRIMP (minute-weighted, unitless).
    pub trimp: f64,
    /// 100 · TRIMP / TRIMP(60 min at LTHR); `None` when the LTHR is at or below rest.
    pub hrss: Option<f64>,
    pub weighting: Weighting,
    pub lthr_bpm: f64,
    pub lthr_basis: LthrBasis,
    /// Moving seconds with usable HR that were summed.
    pub hr_moving_s: u32,
}

/// Why load was not computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum LoadGate {
    MissingMaxHr,
    MissingRestHr,
    /// HRmax at or below resting HR: no heart-rate reserve.
    NoHeartRateReserve,
    /// No usable moving HR.
    NoHr,
}

/// Load, or why it does not apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Load {
    Applicable(Trimp),
    NotApplicable(LoadGate),
}

impl Load {
    /// The load numbers, when applicable.
    pub fn trimp(&self) -> Option<&Trimp> {
        match self {
            Load::Applicable(t) => Some(t),
            Load::NotApplicable(_) => None,
        }
    }
}

/// Whether there is a heart-rate reserve (false for NaN thresholds too).
fn has_reserve(rest_bpm: f64, max_bpm: f64) -> bool {
    max_bpm.partial_cmp(&rest_bpm) == Some(std::cmp::Ordering::Greater)
}

/// Banister TRIMP over usable moving seconds; `None` without a heart-rate reserve
/// (`max_bpm ≤ rest_bpm`) or without usable moving HR.
pub fn banister_trimp(
    activity: &Activity,
    rest_bpm: f64,
    max_bpm: f64,
    sex: Option<Sex>,
) -> Option<f64> {
    banister_trimp_of(&MovingHr::of(activity), rest_bpm, max_bpm, sex)
}

/// [`banister_trimp`] from a selection of usable moving HR made once.
pub fn banister_trimp_of(
    hr: &MovingHr,
    rest_bpm: f64,
    max_bpm: f64,
    sex: Option<Sex>,
) -> Option<f64> {
    if !has_reserve(rest_bpm, max_bpm) {
        return None;
    }
    let weighting = Weighting::of(sex);
    let points = hr.points();
    // One `exp` per second was a tenth of all metrics; heart rate is mostly whole bpm,
    // so each whole value is computed once (same function, same bits).
    let mut whole_bpm: [Option<f64>; 256] = [None; 256];
    let mut per_second = |hr: f64| {
        let term = |hr| weighting.trimp_per_min(hr, rest_bpm, max_bpm) / 60.0;
        // `hr` is a whole non-negative bpm exactly when it survives the round trip
        // through `usize` (cheaper than `fract`, a call to `trunc`; -0.0 and NaN
        // behave as there).
        match whole_bpm.get_mut(hr as usize) {
            Some(slot) if (hr as usize) as f64 == hr => *slot.get_or_insert_with(|| term(hr)),
            _ => term(hr),
        }
    };
    (!points.is_empty()).then(|| points.iter().map(|p| per_second(p.value)).sum())
}

/// TRIMP and HRSS with the profile's thresholds.
pub fn load(activity: &Activity, profile: &AthleteProfile) -> Load {
    load_of(&MovingHr::of(activity), profile)
}

/// [`load`] from a selection of usable moving HR made once.
pub fn load_of(hr: &MovingHr, profile: &AthleteProfile) -> Load {
    let Some(max_bpm) = profile.max_hr_bpm.as_ref().map(|s| s.value) else {
        return Load::NotApplicable(LoadGate::MissingMaxHr);
    };
    let Some(rest_bpm) = profile.rest_hr_bpm.as_ref().map(|s| s.value) else {
        return Load::NotApplicable(LoadGate::MissingRestHr);
    };
    if !has_reserve(rest_bpm, max_bpm) {
        return Load::NotApplicable(LoadGate::NoHeartRateReserve);
    }
    let sex = profile.sex.as_ref().map(|s| s.value);
    let Some(trimp) = banister_trimp_of(hr, rest_bpm, max_bpm, sex) else {
        return Load::NotApplicable(LoadGate::NoHr);
    };
    let (lthr_bpm, lthr_basis) = match &profile.lthr_bpm {
        Some(l) => (l.value, LthrBasis::Profile),
        None => (LTHR_FRACTION_OF_MAX * max_bpm, LthrBasis::FractionOfMax),
    };
    let weighting = Weighting::of(sex);
    let hour_at_lthr = 60.0 * weighting.trimp_per_min(lthr_bpm, rest_bpm, max_bpm);
    Load::Applicable(Trimp {
        trimp,
        hrss: (hour_at_lthr > 0.0).then(|| 100.0 * trimp / hour_at_lthr),
        weighting,
        lthr_bpm,
        lthr_basis,
        hr_moving_s: hr.len_s(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::{Columns, assert_close, assert_some_close};
    use crate::profile::{Source, Sourced};

    fn profile(lthr: Option<f64>, sex: Option<Sex>) -> AthleteProfile {
        let s = |v: f64| Some(Sourced::new(v, Source::Flag));
        AthleteProfile {
            max_hr_bpm: s(190.0),
            rest_hr_bpm: s(50.0),
            lthr_bpm: lthr.and_then(s),
            sex: sex.map(|x| Sourced::new(x, Source::Flag)),
            ..AthleteProfile::default()
        }
    }

    fn applicable(l: Load) -> Trimp {
        match l {
            Load::Applicable(t) => t,
            Load::NotApplicable(gate) => unreachable!("gated: {gate:?}"),
        }
    }

    #[test]
    fn an_hour_at_lthr_is_hrss_100() {
        for sex in [Some(Sex::Male), Some(Sex::Female), None] {
            let activity = Columns::steady(3600, 3.0, 170.0).build();
            let t = applicable(load(&activity, &profile(Some(170.0), sex)));
            assert_some_close(t.hrss, 100.0, 1e-9);
            assert_eq!(t.lthr_basis, LthrBasis::Profile);
        }
    }

    #[test]
    fn constant_heart_rate_gives_the_closed_form() {
        // 30 min at 150 bpm, rest 50, max 190: HRr = 100/140 = 5/7.
        let activity = Columns::steady(1800, 3.0, 150.0).build();
        let x: f64 = 5.0 / 7.0;
        let male = 30.0 * x * 0.64 * (1.92 * x).exp();
        assert_close(male, 54.047_679_67, 1e-6);
        let female = 30.0 * x * 0.86 * (1.67 * x).exp();
        let trimp = |sex| banister_trimp(&activity, 50.0, 190.0, sex);
        assert_some_close(trimp(Some(Sex::Male)), male, 1e-9);
        assert_some_close(trimp(Some(Sex::Female)), female, 1e-9);
        assert_some_close(trimp(None), 0.5 * (male + female), 1e-9);
    }

    #[test]
    fn hrr_is_clamped_and_unusable_seconds_do_not_count() {
        let mut c = Columns::steady(600, 3.0, 40.0); // below rest: HRr 0
        c.hr_bpm.iter_mut().skip(300).for_each(|h| *h = Some(250.0)); // above max: HRr 1
        c.moving.iter_mut().skip(540).for_each(|m| *m = false);
        let trimp = banister_trimp(&c.build(), 50.0, 190.0, Some(Sex::Male));
        assert_some_close(trimp, 4.0 * 0.64 * 1.92f64.exp(), 1e-9);
    }

    #[test]
    fn lthr_falls_back_to_a_fraction_of_max() {
        let activity = Columns::steady(3600, 3.0, 0.89 * 190.0).build();
        let t = applicable(load(&activity, &profile(None, Some(Sex::Female))));
        assert_eq!(t.lthr_basis, LthrBasis::FractionOfMax);
        assert_close(t.lthr_bpm, 169.1, 1e-9);
        assert_some_close(t.hrss, 100.0, 1e-4); // HR column is f32
    }

    #[test]
    fn gates() {
        let activity = Columns::steady(600, 3.0, 150.0).build();
        let mut p = profile(None, None);
        p.rest_hr_bpm = None;
        assert_eq!(
            load(&activity, &p),
            Load::NotApplicable(LoadGate::MissingRestHr)
        );
        p.max_hr_bpm = None;
        assert_eq!(
            load(&activity, &p),
            Load::NotApplicable(LoadGate::MissingMaxHr)
        );
        let mut p = profile(None, None);
        p.rest_hr_bpm = Some(Sourced::new(200.0, Source::Flag));
        assert_eq!(
            load(&activity, &p),
            Load::NotApplicable(LoadGate::NoHeartRateReserve)
        );
        let mut c = Columns::steady(600, 3.0, 150.0);
        c.hr_bpm.clear();
        assert_eq!(
            load(&c.build(), &profile(None, None)),
            Load::NotApplicable(LoadGate::NoHr)
        );
    }

    #[test]
    fn the_whole_bpm_cache_gives_the_uncached_sum_bit_for_bit() {
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(3);
        for case in 0..60usize {
            let n = 50 + 40 * case;
            let mut c = Columns::steady(n, 3.0, 140.0);
            c.hr_bpm = (0..n)
                .map(|_| {
                    Some(match rng.next_u64() % 4 {
                        // Fractional (interpolated) values, values past the table.
                        0 => (100.0 + 90.0 * rng.next_f64()) as f32,
                        1 if case % 3 == 0 => 300.0,
                        _ => (120 + rng.next_u64() % 60) as f32,
                    })
                })
                .collect();
            let hr = MovingHr::of(&c.build());
            for sex in [None, Some(Sex::Female)] {
                let w = Weighting::of(sex);
                let want: f64 = hr
                    .points()
                    .iter()
                    .map(|p| w.trimp_per_min(p.value, 50.0, 190.0) / 60.0)
                    .sum();
                let got = banister_trimp_of(&hr, 50.0, 190.0, sex);
                assert_eq!(got.map(f64::to_bits), Some(want.to_bits()), "case {case}");
            }
        }
    }
}
