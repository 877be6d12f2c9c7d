//! Zone boundaries in bpm for each model, and the conversational ceiling (the aerobic
//! threshold proxy of the model) a recovery run should stay under. References:
//! shared/DOMAIN.md §2; docs/metrics.md states the defaults.

use serde::{Deserialize, Serialize};

use super::{AthleteProfile, Sourced, ZoneModel};
use crate::setting::Setting;

/// Zones resolved to bpm. Zone `i` is `[lower_bpm[i], lower_bpm[i+1])`; the first zone
/// starts at 0 (time below the model's first bound counts there) and the last is open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HrZones {
    /// The model the zones come from.
    pub model: ZoneModel,
    /// The zones' names (of [`ZONE_NAMES`]).
    #[serde(deserialize_with = "zone_names")]
    pub names: Vec<&'static str>,
    /// Lower bound of each zone, bpm (the first starts at 0).
    pub lower_bpm: Vec<f64>,
    /// Heart rate at or above which a recovery run is no longer conversational.
    pub ceiling_bpm: f64,
}

/// Every zone name of every model: the table `names` are read back from (the history
/// cache; docs/decisions.md §32).
pub const ZONE_NAMES: &[&str] = &[
    "z1",
    "z2",
    "z3",
    "z4",
    "z5",
    "z5a",
    "z5b",
    "z5c",
    "below_maf_range",
    "maf_range",
    "above_maf",
];

/// `names` read back from [`ZONE_NAMES`].
pub(crate) fn zone_names<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<&'static str>, D::Error> {
    crate::model::interned::many(d, ZONE_NAMES)
}

/// Why zones could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZonesError {
    /// The model needs a threshold the profile lacks.
    Missing(Setting),
}

/// Recovery ceiling per model, as a fraction of that model's reference:
/// %HRmax 5-zone: 75 % HRmax (DOMAIN: 70–75 % for a recovery run; the upper end, so only
/// clear breaches count); Karvonen: 65 % HRR (≈ 75 % HRmax at typical rest/max);
/// Friel: 85 % LTHR (top of running Z1, the recovery zone); Seiler: 82 % HRmax (VT1);
/// MAF: 180 − age.
pub const CEILING_HRMAX_FRACTION: f64 = 0.75;
/// Karvonen ceiling, share of heart-rate reserve above rest.
pub const CEILING_HRR_FRACTION: f64 = 0.65;
/// Friel ceiling, share of LTHR.
pub const CEILING_LTHR_FRACTION: f64 = 0.85;
/// Seiler ceiling (VT1), share of HRmax.
pub const CEILING_SEILER_FRACTION: f64 = 0.82;

impl HrZones {
    /// Builds the zones of `model` from `profile`.
    pub fn build(model: ZoneModel, profile: &AthleteProfile) -> Result<HrZones, ZonesError> {
        let v = |s: &Option<Sourced<f64>>| s.as_ref().map(|s| s.value);
        let max = v(&profile.max_hr_bpm);
        let rest = v(&profile.rest_hr_bpm);
        let lthr = v(&profile.lthr_bpm);
        let age = v(&profile.age_years);
        match model {
            ZoneModel::Hrmax => {
                let max = max.ok_or(ZonesError::Missing(Setting::MaxHr))?;
                Ok(HrZones {
                    model,
                    names: vec!["z1", "z2", "z3", "z4", "z5"],
                    lower_bpm: [0.0, 0.6, 0.7, 0.8, 0.9].iter().map(|p| p * max).collect(),
                    ceiling_bpm: CEILING_HRMAX_FRACTION * max,
                })
            }
            ZoneModel::Hrr => {
                let max = max.ok_or(ZonesError::Missing(Setting::MaxHr))?;
                let rest = rest.ok_or(ZonesError::Missing(Setting::RestHr))?;
                let at = |p: f64| rest + p * (max - rest);
                Ok(HrZones {
                    model,
                    names: vec!["z1", "z2", "z3", "z4", "z5"],
                    lower_bpm: vec![0.0, at(0.6), at(0.7), at(0.8), at(0.9)],
                    ceiling_bpm: at(CEILING_HRR_FRACTION),
                })
            }
            ZoneModel::Lthr => {
                let l = lthr.ok_or(ZonesError::Missing(Setting::Lthr))?;
                Ok(HrZones {
                    model,
                    names: vec!["z1", "z2", "z3", "z4", "z5a", "z5b", "z5c"],
                    lower_bpm: [0.0, 0.85, 0.90, 0.95, 1.00, 1.03, 1.07]
                        .iter()
                        .map(|p| p * l)
                        .collect(),
                    ceiling_bpm: CEILING_LTHR_FRACTION * l,
                })
            }
            ZoneModel::Seiler => {
                let max = max.ok_or(ZonesError::Missing(Setting::MaxHr))?;
                Ok(HrZones {
                    model,
                    names: vec!["z1", "z2", "z3"],
                    lower_bpm: vec![0.0, 0.82 * max, 0.88 * max],
                    ceiling_bpm: CEILING_SEILER_FRACTION * max,
                })
            }
            ZoneModel::Maf => {
                let age = age.ok_or(ZonesError::Missing(Setting::Age))?;
                let maf = 180.0 - age;
                Ok(HrZones {
                    model,
                    names: vec!["below_maf_range", "maf_range", "above_maf"],
                    lower_bpm: vec![0.0, maf - 10.0, maf],
                    ceiling_bpm: maf,
                })
            }
        }
    }

    /// Heart rate at or above which time counts as hard ("at or above threshold, Z4+",
    /// DOMAIN §4): the lower bound of Z4 in the 5- and 7-zone models (80 % HRmax,
    /// 80 % HRR, 95 % LTHR), Seiler's Z3 (88 % HRmax, above VT2); MAF has no threshold
    /// zone, so 15 bpm above the MAF number stands in.
    pub fn hard_bpm(&self) -> f64 {
        let lower = |i: usize| self.lower_bpm.get(i).copied();
        match self.model {
            ZoneModel::Hrmax | ZoneModel::Hrr | ZoneModel::Lthr => lower(3),
            ZoneModel::Seiler => lower(2),
            ZoneModel::Maf => Some(self.ceiling_bpm + 15.0),
        }
        .unwrap_or(self.ceiling_bpm)
    }

    /// Index of the zone holding `bpm`.
    pub fn zone_of(&self, bpm: f64) -> usize {
        self.lower_bpm
            .iter()
            .rposition(|&lo| bpm >= lo)
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Source;

    fn profile(
        max: Option<f64>,
        rest: Option<f64>,
        lthr: Option<f64>,
        age: Option<f64>,
    ) -> AthleteProfile {
        let s = |v: Option<f64>| v.map(|v| Sourced::new(v, Source::Flag));
        AthleteProfile {
            max_hr_bpm: s(max),
            rest_hr_bpm: s(rest),
            lthr_bpm: s(lthr),
            age_years: s(age),
            ..AthleteProfile::default()
        }
    }

    #[test]
    fn boundaries_follow_each_model() {
        let p = profile(Some(190.0), Some(50.0), Some(170.0), Some(40.0));
        let z = HrZones::build(ZoneModel::Hrmax, &p).unwrap_or_else(|_| unreachable!());
        assert_eq!(z.lower_bpm, vec![0.0, 114.0, 133.0, 152.0, 171.0]);
        assert!((z.ceiling_bpm - 142.5).abs() < 1e-9);
        assert_eq!(z.zone_of(133.0), 2, "boundaries are half-open [lo, hi)");
        assert_eq!(z.zone_of(132.9), 1);
        let z = HrZones::build(ZoneModel::Hrr, &p).unwrap_or_else(|_| unreachable!());
        assert!((z.ceiling_bpm - 141.0).abs() < 1e-9, "50 + 0.65·140");
        let z = HrZones::build(ZoneModel::Lthr, &p).unwrap_or_else(|_| unreachable!());
        assert!((z.ceiling_bpm - 144.5).abs() < 1e-9);
        assert_eq!(z.zone_of(200.0), 6);
        let z = HrZones::build(ZoneModel::Maf, &p).unwrap_or_else(|_| unreachable!());
        assert_eq!(z.ceiling_bpm, 140.0);
        let z = HrZones::build(ZoneModel::Seiler, &p).unwrap_or_else(|_| unreachable!());
        assert!((z.ceiling_bpm - 155.8).abs() < 1e-9);
        assert!((z.hard_bpm() - 167.2).abs() < 1e-9, "88 % of 190");
        let z = HrZones::build(ZoneModel::Hrmax, &p).unwrap_or_else(|_| unreachable!());
        assert_eq!(z.hard_bpm(), 152.0);
    }

    #[test]
    fn missing_thresholds_are_named() {
        let p = profile(None, None, None, None);
        assert_eq!(
            HrZones::build(ZoneModel::Hrr, &p),
            Err(ZonesError::Missing(Setting::MaxHr))
        );
        assert_eq!(
            HrZones::build(ZoneModel::Maf, &p),
            Err(ZonesError::Missing(Setting::Age))
        );
    }

    #[test]
    fn default_model_prefers_the_most_specific_threshold() {
        let m = |p: &AthleteProfile| p.effective_zone_model().map(|m| m.value);
        assert_eq!(
            m(&profile(Some(190.0), Some(50.0), Some(170.0), None)),
            Some(ZoneModel::Lthr)
        );
        assert_eq!(
            m(&profile(Some(190.0), Some(50.0), None, None)),
            Some(ZoneModel::Hrr)
        );
        assert_eq!(
            m(&profile(Some(190.0), None, None, None)),
            Some(ZoneModel::Hrmax)
        );
        assert_eq!(
            m(&profile(None, None, None, Some(40.0))),
            Some(ZoneModel::Maf)
        );
        assert_eq!(m(&profile(None, None, None, None)), None);
    }
}
