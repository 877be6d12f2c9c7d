//! UTC instants for the whole pipeline: milliseconds since the Unix epoch, with the
//! FIT epoch conversion and RFC 3339 parsing/formatting done here once.

use std::fmt;

/// Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
pub const FIT_EPOCH_UNIX_S: i64 = 631_065_600;

/// An instant in UTC, milliseconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// From whole seconds since the Unix epoch.
    pub fn from_unix_s(s: i64) -> Self {
        Timestamp(s.saturating_mul(1000))
    }

    /// From a FIT `date_time` (seconds since the FIT epoch, UTC).
    pub fn from_fit(fit_s: u32) -> Self {
        Self::from_unix_s(i64::from(fit_s) + FIT_EPOCH_UNIX_S)
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_ms(self) -> i64 {
        self.0
    }

    /// Seconds (fractional) from `earlier` to `self`.
    pub fn seconds_since(self, earlier: Timestamp) -> f64 {
        (self.0 - earlier.0) as f64 / 1000.0
    }

    /// Parses an XML Schema / RFC 3339 date-time: `YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm]`.
    /// A time without a zone is taken as UTC (GPX/TCX writers that omit it mean UTC).
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        let b = text.trim().as_bytes();
        let num = |from: usize, len: usize| -> Option<i64> {
            let digits = b.get(from..from + len)?;
            let mut v: i64 = 0;
            for &d in digits {
                if !d.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + i64::from(d - b'0');
            }
            Some(v)
        };
        let year = num(0, 4)?;
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let month = num(5, 2)?;
        let day = num(8, 2)?;
        if !matches!(b.get(10), Some(b'T') | Some(b't') | Some(b' ')) {
            return None;
        }
        let hour = num(11, 2)?;
        if b.get(13) != Some(&b':') {
            return None;
        }
        let minute = num(14, 2)?;
        // Seconds are optional in some writers ("2013-02-04T20:38Z").
        let (second, mut i) = if b.get(16) == Some(&b':') {
            (num(17, 2)?, 19)
        } else {
            (0, 16)
        };
        let mut millis: i64 = 0;
        if matches!(b.get(i), Some(b'.') | Some(b',')) {
            i += 1;
            let mut scale = 100;
            while let Some(&d) = b.get(i) {
                if !d.is_ascii_digit() {
                    break;
                }
                millis += i64::from(d - b'0') * scale;
                scale /= 10;
                i += 1;
            }
        }
        let offset_s = match b.get(i) {
            None | Some(b'Z') | Some(b'z') => 0,
            Some(&sign @ (b'+' | b'-')) => {
                let oh = num(i + 1, 2)?;
                let om = if b.get(i + 3) == Some(&b':') {
                    num(i + 4, 2)?
                } else {
                    num(i + 3, 2).unwrap_or(0)
                };
                let off = oh * 3600 + om * 60;
                if sign == b'+' { off } else { -off }
            }
            Some(_) => return None,
        };
        Civil {
            year,
            month,
            day,
            hour,
            minute,
            second,
            millis,
        }
        .to_timestamp(offset_s)
    }

    /// RFC 3339 in UTC with a `Z`; milliseconds only when not whole.
    pub fn to_rfc3339(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.rem_euclid(1000);
        let secs = self.0.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            y,
            m,
            d,
            sod / 3600,
            (sod / 60) % 60,
            sod % 60
        )?;
        if ms != 0 {
            write!(f, ".{ms:03}")?;
        }
        f.write_str("Z")
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The inverse of `Serialize` (RFC 3339, milliseconds kept), for the history cache.
impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse_rfc3339(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 time: {text}")))
    }
}

/// The fields of a date-time as written (RFC 3339 ranges: a leap second and `24:00`
/// accepted).
pub(crate) struct Civil {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    pub millis: i64,
}

impl Civil {
    /// The instant these fields name at `offset_s` east of UTC; `None` when a field is
    /// out of range. The one computation behind every parsed time.
    pub(crate) fn to_timestamp(&self, offset_s: i64) -> Option<Timestamp> {
        let Civil {
            year,
            month,
            day,
            hour,
            minute,
            second,
            millis,
        } = *self;
        if !(1..=12).contains(&month)
            || !(1..=31).contains(&day)
            || hour > 24
            || minute > 59
            || second > 60
        {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_s;
        Some(Timestamp(secs * 1000 + millis))
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Inverse of [`days_from_civil`]: (year, month, day).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_epoch_is_1989_12_31() {
        assert_eq!(Timestamp::from_fit(0).to_string(), "1989-12-31T00:00:00Z");
    }

    #[test]
    fn parses_zones_and_fractions() {
        let t = Timestamp::parse_rfc3339("2013-06-01T17:32:20Z");
        assert_eq!(
            t.map(|t| t.to_string()).as_deref(),
            Some("2013-06-01T17:32:20Z")
        );
        let t = Timestamp::parse_rfc3339("2013-06-01T19:32:20.250+02:00");
        assert_eq!(
            t.map(|t| t.to_string()).as_deref(),
            Some("2013-06-01T17:32:20.250Z")
        );
        let t = Timestamp::parse_rfc3339("2020-12-02T06:08:29");
        assert_eq!(
            t.map(|t| t.to_string()).as_deref(),
            Some("2020-12-02T06:08:29Z")
        );
        assert_eq!(Timestamp::parse_rfc3339("yesterday"), None);
        assert_eq!(Timestamp::parse_rfc3339("2020-13-02T06:08:29Z"), None);
    }

    #[test]
    fn round_trips_far_dates() {
        for s in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T12:00:00Z",
            "2037-07-31T16:14:31Z",
        ] {
            let t = Timestamp::parse_rfc3339(s).map(|t| t.to_string());
            assert_eq!(t.as_deref(), Some(s));
        }
    }
}
