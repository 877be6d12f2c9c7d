//! Time zones: an IANA zone with its daylight-saving rules from the tz database bundled
//! by jiff (the same answer on every machine, whatever its /usr/share/zoneinfo), and the
//! zone at a position from tzf-rs's embedded boundary data (feature `timezones`).

use std::fmt;

use crate::model::{Position, Timestamp};

/// An IANA time zone (`America/Denver`), its rules from the bundled tz database.
#[derive(Clone)]
pub struct Zone {
    name: String,
    tz: jiff::tz::TimeZone,
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Zone").field(&self.name).finish()
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Zone {
    /// The zone `name` names (case-insensitive, as the tz database spells it back:
    /// `europe/berlin` is `Europe/Berlin`); `None` when the database has no such zone.
    pub fn named(name: &str) -> Option<Zone> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let tz = jiff::tz::TimeZone::get(name).ok()?;
        let name = tz.iana_name().unwrap_or(name).to_string();
        Some(Zone { name, tz })
    }

    /// The zone's IANA name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Local minus UTC at `t`, seconds (daylight saving included).
    pub fn offset_s_at(&self, t: Timestamp) -> i32 {
        jiff::Timestamp::from_millisecond(t.unix_ms())
            .map(|ts| self.tz.to_offset(ts).seconds())
            .unwrap_or(0)
    }

    /// Whether this is a nautical zone (`Etc/GMT+2`): the boundary data's answer for a
    /// position at sea, off every country.
    pub fn is_nautical(&self) -> bool {
        self.name.starts_with("Etc/")
    }
}

/// What the boundary data says about a position.
#[derive(Debug, Clone, PartialEq)]
pub enum AtPosition {
    /// On land (or within a country's waters): its zone.
    Zone(Zone),
    /// In no country's zone: at sea (a nautical `Etc/` zone) or no answer.
    Outside,
    /// Not a position on Earth (latitude beyond ±90°, longitude beyond ±180°, NaN).
    Invalid,
    /// easyrun was built without the `timezones` feature: no boundary data.
    Unavailable,
}

/// Whether `p` is a position on Earth that a GPS would report (the 0°/0° "null island"
/// of a receiver without a fix is none).
pub fn plausible(p: &Position) -> bool {
    p.lat_deg.is_finite()
        && p.lon_deg.is_finite()
        && p.lat_deg.abs() <= 90.0
        && p.lon_deg.abs() <= 180.0
        && !(p.lat_deg == 0.0 && p.lon_deg == 0.0)
}

/// The time zone at `p`, from the embedded boundary data (a few microseconds; the data
/// is opened once per process, in a few milliseconds).
pub fn zone_at(p: &Position) -> AtPosition {
    if !plausible(p) {
        return AtPosition::Invalid;
    }
    lookup(p)
}

#[cfg(feature = "timezones")]
fn lookup(p: &Position) -> AtPosition {
    use std::sync::LazyLock;
    // The low-memory finder reads the embedded bytes in place: opening it costs a few
    // milliseconds (the polygon-expanding `DefaultFinder` costs ~200 ms and 35 MB), a
    // query about a microsecond (docs/decisions.md §20).
    static FINDER: LazyLock<tzf_rs::EmbeddedFinder> = LazyLock::new(tzf_rs::EmbeddedFinder::new);
    let name = FINDER.get_tz_name(p.lon_deg, p.lat_deg);
    match Zone::named(name) {
        Some(zone) if !zone.is_nautical() => AtPosition::Zone(zone),
        _ => AtPosition::Outside,
    }
}

#[cfg(not(feature = "timezones"))]
fn lookup(_: &Position) -> AtPosition {
    AtPosition::Unavailable
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap_or_default()
    }

    #[test]
    fn zones_follow_daylight_saving() {
        let Some(denver) = Zone::named("america/denver") else {
            unreachable!("the bundled tz database has America/Denver")
        };
        assert_eq!(denver.name(), "America/Denver");
        // US DST began 2024-03-10 at 02:00 local (09:00 UTC).
        assert_eq!(denver.offset_s_at(at("2024-03-10T08:59:59Z")), -7 * 3600);
        assert_eq!(denver.offset_s_at(at("2024-03-10T09:00:00Z")), -6 * 3600);
        let kathmandu =
            Zone::named("Asia/Kathmandu").map(|z| z.offset_s_at(at("2024-06-01T00:00:00Z")));
        assert_eq!(kathmandu, Some(5 * 3600 + 45 * 60));
        assert_eq!(Zone::named("Mars/Olympus_Mons"), None);
        assert_eq!(Zone::named("  "), None);
    }

    #[test]
    fn implausible_positions_are_no_positions() {
        for (lat_deg, lon_deg) in [(0.0, 0.0), (91.0, 10.0), (10.0, 181.0), (f64::NAN, 1.0)] {
            assert_eq!(zone_at(&Position { lat_deg, lon_deg }), AtPosition::Invalid);
        }
    }

    #[cfg(feature = "timezones")]
    #[test]
    fn positions_give_their_zone() {
        let name = |lat_deg, lon_deg| match zone_at(&Position { lat_deg, lon_deg }) {
            AtPosition::Zone(z) => z.name().to_string(),
            other => format!("{other:?}"),
        };
        assert_eq!(name(40.015, -105.27), "America/Denver"); // Boulder
        assert_eq!(name(-33.86, 151.21), "Australia/Sydney");
        assert_eq!(name(52.52, 13.40), "Europe/Berlin");
        assert_eq!(name(27.70, 85.32), "Asia/Kathmandu");
        // Mid-Atlantic: a nautical zone, so no land zone.
        assert_eq!(name(0.5, -30.0), "Outside");
    }
}
