//! The run's local clock: the offset from UTC in force at its start, where that offset
//! came from, and the offsets a file states (FIT `activity.local_timestamp`,
//! `device_settings`). Instants stay UTC everywhere ([`Timestamp`]); local time is only
//! for showing a start and for calendar days and weeks. docs/local-time.md.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::time::{Timestamp, civil_from_days};

/// Which field of a file stated an offset from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetField {
    /// FIT `activity.local_timestamp` minus `activity.timestamp`.
    ActivityLocalTimestamp,
    /// FIT `device_settings.time_zone_offset` (quarter hours) or `time_offset` (seconds).
    DeviceSettings,
}

impl OffsetField {
    /// The FIT message and field, as messages name it (`activity.local_timestamp`).
    pub fn fit_name(self) -> &'static str {
        match self {
            OffsetField::ActivityLocalTimestamp => "activity.local_timestamp",
            OffsetField::DeviceSettings => "device_settings",
        }
    }
}

/// An offset from UTC as a file states it, not yet checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StatedOffset {
    /// Local minus UTC, seconds, as stated.
    pub utc_offset_s: i64,
    /// The field that stated it.
    pub field: OffsetField,
}

/// Where a run's local time came from, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalTimeSource {
    /// The FIT file's `activity.local_timestamp` (its offset from `activity.timestamp`).
    FileLocalTimestamp,
    /// The FIT file's `device_settings` time-zone offset.
    FileDeviceSettings,
    /// The time zone at the run's start position (embedded boundary data), with its
    /// daylight-saving rules from the tz database.
    StartPosition,
    /// The time zone of the runner's nearest runs in time that know theirs (a treadmill
    /// or a run without positions, in a batch).
    NeighbouringRuns,
    /// The configured time zone (`timezone` in easyrun.toml, `--timezone`).
    Configured,
    /// Nothing said: the time is shown in UTC.
    Utc,
}

impl LocalTimeSource {
    /// Every source, best first.
    pub const ALL: [LocalTimeSource; 6] = [
        LocalTimeSource::FileLocalTimestamp,
        LocalTimeSource::FileDeviceSettings,
        LocalTimeSource::StartPosition,
        LocalTimeSource::NeighbouringRuns,
        LocalTimeSource::Configured,
        LocalTimeSource::Utc,
    ];

    /// The wire word (`file_local_timestamp`, `start_position`, `utc`…).
    pub fn as_str(self) -> &'static str {
        match self {
            LocalTimeSource::FileLocalTimestamp => "file_local_timestamp",
            LocalTimeSource::FileDeviceSettings => "file_device_settings",
            LocalTimeSource::StartPosition => "start_position",
            LocalTimeSource::NeighbouringRuns => "neighbouring_runs",
            LocalTimeSource::Configured => "configured",
            LocalTimeSource::Utc => "utc",
        }
    }

    /// How a report says it ("the file's local timestamp").
    pub fn describe(self) -> &'static str {
        match self {
            LocalTimeSource::FileLocalTimestamp => "the file's local timestamp",
            LocalTimeSource::FileDeviceSettings => "the watch's time-zone setting",
            LocalTimeSource::StartPosition => "the start position",
            LocalTimeSource::NeighbouringRuns => "the neighbouring runs",
            LocalTimeSource::Configured => "the configured time zone",
            LocalTimeSource::Utc => "no source: UTC",
        }
    }

    /// Whether the activity itself says where or when it was (file or position), so
    /// that its neighbours may borrow its zone.
    pub fn is_own(self) -> bool {
        matches!(
            self,
            LocalTimeSource::FileLocalTimestamp
                | LocalTimeSource::FileDeviceSettings
                | LocalTimeSource::StartPosition
        )
    }
}

/// The local clock of one activity's start. (De)serialised for the history cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTime {
    /// Local minus UTC at the start, seconds (0 for [`LocalTimeSource::Utc`]).
    pub utc_offset_s: i32,
    /// Where the offset came from.
    pub source: LocalTimeSource,
    /// The IANA time zone, when known (position, configuration, neighbours).
    pub zone: Option<String>,
    /// What was ignored on the way, for the reports (an offset that is no whole quarter
    /// hour, a start position at sea).
    pub note: Option<String>,
}

impl Default for LocalTime {
    fn default() -> Self {
        LocalTime::utc()
    }
}

impl LocalTime {
    /// No source: UTC, marked as such.
    pub fn utc() -> LocalTime {
        LocalTime {
            utc_offset_s: 0,
            source: LocalTimeSource::Utc,
            zone: None,
            note: None,
        }
    }

    /// The wall clock at `t` read as if it were UTC: its calendar day is the local day.
    pub fn wall_clock(&self, t: Timestamp) -> Timestamp {
        Timestamp(
            t.unix_ms()
                .saturating_add(i64::from(self.utc_offset_s) * 1000),
        )
    }

    /// `t` on this clock: [`LocalInstant`] formats it with its offset.
    pub fn at(&self, t: Timestamp) -> LocalInstant {
        LocalInstant {
            wall: self.wall_clock(t),
            utc_offset_s: self.utc_offset_s,
        }
    }
}

/// An instant as a local wall clock and its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalInstant {
    /// The wall clock read as UTC.
    pub wall: Timestamp,
    /// Local minus UTC, seconds.
    pub utc_offset_s: i32,
}

impl LocalInstant {
    /// (year, month, day, hour, minute, second) of the wall clock.
    pub fn fields(&self) -> (i64, i64, i64, i64, i64, i64) {
        let secs = self.wall.unix_ms().div_euclid(1000);
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        let sod = secs.rem_euclid(86_400);
        (y, m, d, sod / 3600, (sod / 60) % 60, sod % 60)
    }

    /// Days since 1970-01-01 of the local date.
    pub fn day_number(&self) -> i64 {
        self.wall.unix_ms().div_euclid(86_400_000)
    }

    /// `+01:00`, `-07:00`, `+05:45`, `+00:00`.
    pub fn offset_text(&self) -> String {
        offset_text(self.utc_offset_s)
    }
}

/// `+01:00` for 3600 s; seconds beyond whole minutes are dropped (offsets here are whole
/// quarter hours).
pub fn offset_text(utc_offset_s: i32) -> String {
    let sign = if utc_offset_s < 0 { '-' } else { '+' };
    let a = utc_offset_s.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 3600, (a / 60) % 60)
}

/// RFC 3339 with the local offset: `2024-03-10T08:30:00-07:00` (milliseconds only when
/// not whole).
impl fmt::Display for LocalInstant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d, h, min, s) = self.fields();
        write!(f, "{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}")?;
        let ms = self.wall.unix_ms().rem_euclid(1000);
        if ms != 0 {
            write!(f, ".{ms:03}")?;
        }
        f.write_str(&self.offset_text())
    }
}

impl Serialize for LocalInstant {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap_or_default()
    }

    #[test]
    fn local_instants_carry_their_offset() {
        let denver = LocalTime {
            utc_offset_s: -7 * 3600,
            source: LocalTimeSource::StartPosition,
            zone: Some("America/Denver".into()),
            note: None,
        };
        let t = at("2024-03-11T02:30:00Z");
        assert_eq!(denver.at(t).to_string(), "2024-03-10T19:30:00-07:00");
        // The local day is the 10th, the UTC day the 11th.
        assert_eq!(denver.at(t).day_number() + 1, t.unix_ms() / 86_400_000);
        let kathmandu = LocalTime {
            utc_offset_s: 5 * 3600 + 45 * 60,
            ..LocalTime::utc()
        };
        assert_eq!(
            kathmandu.at(at("2024-01-01T00:00:00.500Z")).to_string(),
            "2024-01-01T05:45:00.500+05:45"
        );
        assert_eq!(
            LocalTime::utc().at(t).to_string(),
            "2024-03-11T02:30:00+00:00"
        );
        assert_eq!(offset_text(-9000), "-02:30");
    }
}
