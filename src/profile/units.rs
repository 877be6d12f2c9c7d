//! The runner's units: what distances, paces, speeds and elevations are shown in. A
//! choice of presentation only: every number is computed, judged and written to JSON in
//! SI units (docs/output-schema.md).

use serde::Serialize;

use super::Choice;

/// Metric (km, min/km, km/h, m) or imperial (mi, min/mi, mph, ft).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Units {
    /// Kilometres, minutes per km, km/h, metres.
    #[default]
    Metric,
    /// Miles, minutes per mile, mph, feet.
    Imperial,
}

impl Units {
    /// The word for the units (`metric`, `imperial`).
    pub fn as_str(self) -> &'static str {
        match self {
            Units::Metric => "metric",
            Units::Imperial => "imperial",
        }
    }
}

impl Choice for Units {
    const ALL: &'static [Self] = &[Units::Metric, Units::Imperial];

    fn as_str(self) -> &'static str {
        Units::as_str(self)
    }

    fn describe(self) -> Option<&'static str> {
        Some(match self {
            Units::Metric => "km, min/km, km/h, m",
            Units::Imperial => "mi, min/mi, mph, ft",
        })
    }
}
