//! How far a key number may move before it counts as a difference. The baseline file
//! states its tolerances (these defaults are written on the first `--update` and kept by
//! later ones, so a hand-tuned value survives); a field's entry replaces its default.
//!
//! A number within `abs + rel × |expected|` of the baseline's value (boundary included)
//! is the same. The defaults are wide enough for float noise and rounding in reports,
//! and narrow enough that any change of a rule's input a runner would notice shows up:
//!
//! | field | default | why |
//! | --- | --- | --- |
//! | `moving_s` | ±5 s | one pause-detection sample either side |
//! | `distance_m` | ±0.5 % | GPS smoothing; a 5 km run may move 25 m |
//! | `avg_hr_bpm`, `max_hr_bpm` | ±1 bpm | reports round to 0.1 bpm; cleaning may move a beat |
//! | `above_ceiling_share` | ±0.02 | 2 % of moving time: 42 s of a 35 min run |
//! | `decoupling_pct` | ±1 pct-point | the rule's thresholds are 5 and 10 % |
//! | `ascent_m` | ±5 m + 5 % | elevation smoothing on flat and on hilly runs |

use serde::{Deserialize, Deserializer, Serialize};

/// The allowed distance from an expected value: `abs + rel × |expected|`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tolerance {
    /// Absolute part, in the field's unit.
    #[serde(default, deserialize_with = "non_negative")]
    pub abs: f64,
    /// Relative part, a share of the expected value (0.005 = 0.5 %).
    #[serde(default, deserialize_with = "non_negative")]
    pub rel: f64,
}

impl Tolerance {
    /// `abs` + `rel` ×
    /// expected
    /// .
    pub const fn new(abs: f64, rel: f64) -> Tolerance {
        Tolerance { abs, rel }
    }

    /// The largest allowed |got − expected| for `expected`.
    pub fn allowed(&self, expected: f64) -> f64 {
        self.abs + self.rel * expected.abs()
    }

    /// Whether `got` is within the tolerance of `expected`. A relative epsilon absorbs
    /// float error at the boundary (1.7 − 1.2 is not exactly 0.5).
    pub fn accepts(&self, expected: f64, got: f64) -> bool {
        let allowed = self.allowed(expected);
        let eps = 1e-9 * expected.abs().max(1.0);
        (got - expected).abs() <= allowed + eps
    }
}

fn non_negative<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "a tolerance must be a number ≥ 0, not {v}"
        )))
    }
}

/// The tolerance of each compared number (see the module docs for the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tolerances {
    /// Moving time, seconds.
    pub moving_s: Tolerance,
    /// Distance, metres.
    pub distance_m: Tolerance,
    /// Mean HR, bpm.
    pub avg_hr_bpm: Tolerance,
    /// Max HR, bpm.
    pub max_hr_bpm: Tolerance,
    /// Share of moving time above the ceiling.
    pub above_ceiling_share: Tolerance,
    /// Pa:HR decoupling, %.
    pub decoupling_pct: Tolerance,
    /// Ascent, metres.
    pub ascent_m: Tolerance,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            moving_s: Tolerance::new(5.0, 0.0),
            distance_m: Tolerance::new(0.0, 0.005),
            avg_hr_bpm: Tolerance::new(1.0, 0.0),
            max_hr_bpm: Tolerance::new(1.0, 0.0),
            above_ceiling_share: Tolerance::new(0.02, 0.0),
            decoupling_pct: Tolerance::new(1.0, 0.0),
            ascent_m: Tolerance::new(5.0, 0.05),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn boundary_is_within() {
        let t = Tolerance::new(0.5, 0.0);
        assert!(t.accepts(1.2, 1.7));
        assert!(!t.accepts(1.2, 1.71));
    }

    #[test]
    fn ascent_is_absolute_plus_relative() {
        let t = Tolerances::default().ascent_m;
        assert!((t.allowed(100.0) - 10.0).abs() < 1e-12);
        assert!(t.accepts(100.0, 110.0));
        assert!(!t.accepts(100.0, 110.5));
    }

    #[test]
    fn a_stated_field_replaces_its_default_only() {
        let t: Tolerances = serde_json::from_str(r#"{"avg_hr_bpm": {"abs": 2}}"#).unwrap();
        assert_eq!(t.avg_hr_bpm, Tolerance::new(2.0, 0.0));
        assert_eq!(t.moving_s, Tolerances::default().moving_s);
    }

    #[test]
    fn negative_and_unknown_are_refused() {
        assert!(serde_json::from_str::<Tolerances>(r#"{"moving_s": {"abs": -1}}"#).is_err());
        assert!(serde_json::from_str::<Tolerances>(r#"{"pace": {"abs": 1}}"#).is_err());
        assert!(serde_json::from_str::<Tolerances>(r#"{"moving_s": {"absolute": 1}}"#).is_err());
    }
}
