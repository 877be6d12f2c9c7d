//! The runner's units in every human-facing output (text, CSV, HTML): distance in km or
//! mi, pace per km or per mile, speed in km/h or mph, elevation and climbing in m or ft.
//! The one place numbers are converted for showing; JSON stays SI (docs/output-schema.md).
//! Renderers call these; the pace-or-speed choice per sport is `report/rate.rs`'s
//! ([`Units::rate_text`] formats its answer).

use std::borrow::Cow;

use super::schema::CheckRecord;
use crate::judge::{Reason, ReasonCode};
use crate::profile::Units;

use super::rate::Rate;
use super::round_to;

/// Metres in an international mile.
pub const M_PER_MI: f64 = 1609.344;
/// Metres in an international foot.
pub const M_PER_FT: f64 = 0.3048;

/// `m:ss` of whole seconds (rounded).
fn mss(s: f64) -> String {
    let s = s.round().max(0.0) as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

impl Units {
    /// Metres in one distance unit (1000 or 1609.344).
    pub fn m_per_distance_unit(self) -> f64 {
        match self {
            Units::Metric => 1000.0,
            Units::Imperial => M_PER_MI,
        }
    }

    /// `km` or `mi`.
    pub fn distance_unit(self) -> &'static str {
        match self {
            Units::Metric => "km",
            Units::Imperial => "mi",
        }
    }

    /// Metres as km or mi.
    pub fn distance(self, m: f64) -> f64 {
        m / self.m_per_distance_unit()
    }

    /// `4.34 km`, `2.70 mi`: `decimals` places and the unit.
    pub fn distance_text(self, m: f64, decimals: usize) -> String {
        format!("{:.decimals$} {}", self.distance(m), self.distance_unit())
    }

    /// A pace in seconds per km as seconds per km or per mile.
    pub fn pace_s(self, s_per_km: f64) -> f64 {
        s_per_km * self.m_per_distance_unit() / 1000.0
    }

    /// `/km` or `/mi`.
    pub fn pace_unit(self) -> &'static str {
        match self {
            Units::Metric => "/km",
            Units::Imperial => "/mi",
        }
    }

    /// `min/km` or `min/mi`, for axes and headings.
    pub fn pace_axis_unit(self) -> &'static str {
        match self {
            Units::Metric => "min/km",
            Units::Imperial => "min/mi",
        }
    }

    /// `5:46` (per km) or `9:17` (per mile), without the unit.
    pub fn pace_value(self, s_per_km: f64) -> String {
        mss(self.pace_s(s_per_km))
    }

    /// `5:46 /km`, `9:17 /mi`.
    pub fn pace_text(self, s_per_km: f64) -> String {
        format!("{} {}", self.pace_value(s_per_km), self.pace_unit())
    }

    /// `km/h` or `mph`.
    pub fn speed_unit(self) -> &'static str {
        match self {
            Units::Metric => "km/h",
            Units::Imperial => "mph",
        }
    }

    /// Metres per second as km/h or mph.
    pub fn speed(self, mps: f64) -> f64 {
        mps * 3600.0 / self.m_per_distance_unit()
    }

    /// `27.3 km/h`, `17.0 mph`.
    pub fn speed_text(self, mps: f64) -> String {
        format!("{:.1} {}", self.speed(mps), self.speed_unit())
    }

    /// A [`Rate`] (pace or speed, chosen by sport in `report/rate.rs`) in these units:
    /// `5:46 /km` or `9:17 /mi`; `24.1 km/h` or `15.0 mph`.
    pub fn rate_text(self, rate: Rate) -> String {
        match rate {
            Rate::Pace { s_per_km } => self.pace_text(s_per_km),
            Rate::Speed { km_h } => self.speed_text(km_h / 3.6),
        }
    }

    /// A [`Rate`] for a table cell: a pace without its unit (`9:17`, the column says
    /// `/mi`), a speed with it (`15.0 mph`).
    pub fn rate_cell(self, rate: Rate) -> String {
        match rate {
            Rate::Pace { s_per_km } => self.pace_value(s_per_km),
            Rate::Speed { .. } => self.rate_text(rate),
        }
    }

    /// `m` or `ft`.
    pub fn elevation_unit(self) -> &'static str {
        match self {
            Units::Metric => "m",
            Units::Imperial => "ft",
        }
    }

    /// Metres of height as m or ft.
    pub fn elevation(self, m: f64) -> f64 {
        match self {
            Units::Metric => m,
            Units::Imperial => m / M_PER_FT,
        }
    }

    /// `120 m`, `394 ft` (whole units).
    pub fn elevation_text(self, m: f64) -> String {
        format!("{:.0} {}", self.elevation(m), self.elevation_unit())
    }

    /// `m/km` or `ft/mi`.
    pub fn climb_rate_unit(self) -> &'static str {
        match self {
            Units::Metric => "m/km",
            Units::Imperial => "ft/mi",
        }
    }

    /// Metres of climbing per km as m/km or ft/mi (1 m/km = 5.28 ft/mi).
    pub fn climb_rate(self, m_per_km: f64) -> f64 {
        self.elevation(m_per_km) * self.m_per_distance_unit() / 1000.0
    }

    /// CSV column names, unit-suffixed: `distance_m` stays `distance_m` in metric (SI, as
    /// in JSON) and becomes `distance_mi` in imperial; likewise `pace_s_per_km` →
    /// `pace_s_per_mi` and `ascent_m` → `ascent_ft`.
    pub fn csv_column(self, si_name: &'static str) -> &'static str {
        match (self, si_name) {
            (Units::Imperial, "distance_m") => "distance_mi",
            (Units::Imperial, "pace_s_per_km") => "pace_s_per_mi",
            (Units::Imperial, "ascent_m") => "ascent_ft",
            _ => si_name,
        }
    }

    /// A CSV distance: metres (SI, 1 decimal) or miles (3 decimals).
    pub fn csv_distance(self, m: f64) -> f64 {
        match self {
            Units::Metric => m,
            Units::Imperial => round_to(self.distance(m), 3),
        }
    }

    /// A CSV pace: seconds per km or per mile, 1 decimal.
    pub fn csv_pace(self, s_per_km: f64) -> f64 {
        round_to(self.pace_s(s_per_km), 1)
    }

    /// A CSV elevation: metres or feet, 1 decimal.
    pub fn csv_elevation(self, m: f64) -> f64 {
        round_to(self.elevation(m), 1)
    }

    /// A reason's message in these units. The judge words its messages in SI; the one
    /// that quotes distances (`hilly`: "62 m of climbing (12 m/km, …") is re-worded
    /// from its numbers in imperial. Every other message is unit-free.
    pub fn reason_message<'a>(self, reason: &'a Reason, figures: &MessageFigures) -> Cow<'a, str> {
        let message = reason.message.as_str();
        if self == Units::Metric {
            return Cow::Borrowed(message);
        }
        match reason.code {
            ReasonCode::Hilly => {
                // "{ascent} m of climbing ({per_km} m/km, {steep} % …): advice": keep the
                // advice.
                let (Some(per_km), Some((_, advice))) = (reason.value, message.split_once("): "))
                else {
                    return Cow::Borrowed(message);
                };
                Cow::Owned(format!(
                    "{} of climbing ({:.0} {}, {:.0} % of distance steeper than 4 %): {advice}",
                    self.elevation_text(figures.ascent_m.unwrap_or(0.0)),
                    self.climb_rate(per_km),
                    self.climb_rate_unit(),
                    figures.steep_share.unwrap_or(0.0) * 100.0
                ))
            }
            ReasonCode::HardSurface => {
                // From the map: "{paved} % of the run on paved ground (longest paved
                // stretch {km} km, from the map): advice". The sport's version has no
                // distance and stays as it is.
                let (Some(longest_m), Some(share), Some((_, advice))) = (
                    figures.longest_paved_m,
                    reason.value,
                    message
                        .split_once("from the map): ")
                        .filter(|(head, _)| head.contains("longest paved stretch")),
                ) else {
                    return Cow::Borrowed(message);
                };
                Cow::Owned(format!(
                    "{:.0} % of the run on paved ground (longest paved stretch {}, from the map): {advice}",
                    share * 100.0,
                    self.distance_text(longest_m, 1)
                ))
            }
            _ => Cow::Borrowed(message),
        }
    }
}

/// The figures a reason's message is rewritten from in other units than the judge's
/// metric text (the message itself holds them rounded).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MessageFigures {
    /// Ascent, metres (`hilly`).
    pub ascent_m: Option<f64>,
    /// Share of distance steeper than 4 % (`hilly`).
    pub steep_share: Option<f64>,
    /// The map's longest paved stretch, metres (`hard_surface` from a map).
    pub longest_paved_m: Option<f64>,
}

impl MessageFigures {
    /// The figures of one record.
    pub fn of(record: &CheckRecord) -> MessageFigures {
        MessageFigures {
            ascent_m: record.ascent_m,
            steep_share: record.steep_share,
            longest_paved_m: record.surface_map.as_ref().map(|m| m.longest_paved_m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::Severity;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b} (± {tol})");
    }

    #[test]
    fn conversions() {
        let (m, i) = (Units::Metric, Units::Imperial);
        close(i.distance(M_PER_MI * 3.1), 3.1, 1e-12);
        close(m.distance(4340.0), 4.34, 1e-12);
        // 5:46 /km is 9:17 /mi (346 × 1.609344 = 556.8 s).
        assert_eq!(m.pace_text(346.0), "5:46 /km");
        assert_eq!(i.pace_text(346.0), "9:17 /mi");
        // 10 m/s is 36 km/h, 22.37 mph.
        assert_eq!(m.speed_text(10.0), "36.0 km/h");
        assert_eq!(i.speed_text(10.0), "22.4 mph");
        let ride = Rate::Speed { km_h: 24.14 };
        assert_eq!(m.rate_text(ride), "24.1 km/h");
        assert_eq!(i.rate_text(ride), "15.0 mph");
        assert_eq!(i.rate_cell(Rate::Pace { s_per_km: 346.0 }), "9:17");
        assert_eq!(i.rate_cell(ride), "15.0 mph");
        assert_eq!(i.elevation_text(100.0), "328 ft");
        close(i.climb_rate(10.0), 52.8, 1e-9);
        close(m.climb_rate(10.0), 10.0, 1e-12);
        assert_eq!(i.csv_column("distance_m"), "distance_mi");
        assert_eq!(m.csv_column("distance_m"), "distance_m");
        assert_eq!(i.csv_column("moving_s"), "moving_s");
        close(i.csv_distance(5000.0), 3.107, 1e-12);
    }

    #[test]
    fn the_hilly_message_is_reworded_in_imperial() {
        let reason = Reason {
            code: ReasonCode::Hilly,
            severity: Severity::Fail,
            message: "62 m of climbing (25 m/km, 30 % of distance steeper than 4 %): recovery \
                      runs belong on flat ground"
                .to_string(),
            value: Some(25.0),
            threshold: Some(20.0),
            unit: "m_per_km",
            spans: Vec::new(),
        };
        let figures = MessageFigures {
            ascent_m: Some(62.0),
            steep_share: Some(0.3),
            longest_paved_m: None,
        };
        assert_eq!(
            Units::Imperial.reason_message(&reason, &figures),
            "203 ft of climbing (132 ft/mi, 30 % of distance steeper than 4 %): recovery runs \
             belong on flat ground"
        );
        assert_eq!(
            Units::Metric.reason_message(&reason, &figures),
            reason.message
        );
    }

    #[test]
    fn the_map_hard_surface_message_is_reworded_in_imperial() {
        let map = crate::surface::MapSurface {
            map: "town.osm".to_string(),
            shares: crate::surface::SurfaceShares {
                paved: 0.8,
                unpaved: 0.15,
                unknown: 0.05,
            },
            tagged_share: 0.9,
            inferred_share: 0.05,
            off_map_share: 0.05,
            longest_paved_m: 4200.0,
            moving_distance_m: 8000.0,
            confidence: 0.9,
            gps_sigma_m: 5.0,
            stretches: Vec::new(),
        };
        let reason = crate::judge::rules::hard_surface_from_map(&map)
            .unwrap_or_else(|| unreachable!("80 % paved warns"));
        let figures = MessageFigures {
            longest_paved_m: Some(4200.0),
            ..MessageFigures::default()
        };
        assert!(
            reason.message.contains("longest paved stretch 4.2 km"),
            "{}",
            reason.message
        );
        let imperial = Units::Imperial.reason_message(&reason, &figures);
        assert!(
            imperial.starts_with(
                "80 % of the run on paved ground (longest paved stretch 2.6 mi, from the map): soft ground"
            ),
            "{imperial}"
        );
        assert_eq!(
            Units::Metric.reason_message(&reason, &figures),
            reason.message
        );
        // Without the map's figure the message is left as the judge wrote it.
        assert_eq!(
            Units::Imperial.reason_message(&reason, &MessageFigures::default()),
            reason.message
        );
    }
}
