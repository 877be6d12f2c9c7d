//! A run's start on its local clock, as the human outputs show it: `2024-03-10 07:05
//! -06:00`, or `… UTC` when no source gave a local time (marked as such), and where the
//! clock came from. The wire record ([`LocalTimeRecord`]) keeps `start_time` UTC beside
//! the local start, its offset and source.

use serde::Serialize;

use crate::model::{ActivityHeader, LocalInstant, LocalTime, LocalTimeSource};

/// The local clock of a record's start, flattened into check and scan records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalTimeRecord {
    /// The start on the local clock, RFC 3339 with its offset.
    pub local_start_time: LocalInstant,
    /// Local minus UTC at the start, seconds.
    pub utc_offset_s: i32,
    /// Where the offset came from.
    pub local_time_source: LocalTimeSource,
    /// The IANA time zone, when known.
    pub time_zone: Option<String>,
    /// What was ignored on the way (an offset no clock can have, a position at sea).
    pub local_time_note: Option<String>,
}

impl LocalTimeRecord {
    /// The record of `h`'s start.
    pub fn of(h: &ActivityHeader) -> LocalTimeRecord {
        let LocalTime {
            utc_offset_s,
            source,
            zone,
            note,
        } = h.local.clone();
        LocalTimeRecord {
            local_start_time: h.local_start(),
            utc_offset_s,
            local_time_source: source,
            time_zone: zone,
            local_time_note: note,
        }
    }

    /// Whether no source gave a local time (the times are UTC).
    pub fn is_utc_fallback(&self) -> bool {
        self.local_time_source == LocalTimeSource::Utc
    }

    /// `+01:00`, or `UTC` when no source gave a local time.
    pub fn zone_label(&self) -> String {
        if self.is_utc_fallback() {
            "UTC".to_string()
        } else {
            self.local_start_time.offset_text()
        }
    }

    /// `2024-03-10`, the local date.
    pub fn date(&self) -> String {
        let (y, m, d, ..) = self.local_start_time.fields();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// `07:05`, the local time of day.
    pub fn time(&self) -> String {
        let (_, _, _, h, min, _) = self.local_start_time.fields();
        format!("{h:02}:{min:02}")
    }

    /// `Sun`: the local weekday.
    pub fn weekday(&self) -> &'static str {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        // 1970-01-01 was a Thursday.
        let i = self.local_start_time.day_number().rem_euclid(7);
        usize::try_from(i)
            .ok()
            .and_then(|i| DAYS.get(i))
            .copied()
            .unwrap_or("")
    }

    /// `2024-03-10 07:05 -06:00` (or `… UTC`).
    pub fn stamp(&self) -> String {
        format!("{} {} {}", self.date(), self.time(), self.zone_label())
    }

    /// `Sun 2024-03-10 07:05 -06:00` (or `… UTC`).
    pub fn day_stamp(&self) -> String {
        format!("{} {}", self.weekday(), self.stamp())
    }

    /// Where the clock came from, in words: `-06:00 (America/Denver) from the start
    /// position`, `unknown: times in UTC`, with the note after a semicolon.
    pub fn describe(&self) -> String {
        let mut s = if self.is_utc_fallback() {
            "unknown (no offset in the file, no usable position, no time zone configured): \
             times in UTC"
                .to_string()
        } else {
            let zone = self
                .time_zone
                .as_deref()
                .map_or(String::new(), |z| format!(" ({z})"));
            format!(
                "UTC{}{zone} from {}",
                self.local_start_time.offset_text(),
                self.local_time_source.describe()
            )
        };
        if let Some(note) = &self.local_time_note {
            s.push_str("; ");
            s.push_str(note);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Timestamp};

    fn header(start: &str, local: LocalTime) -> ActivityHeader {
        ActivityHeader {
            start_time: Timestamp::parse_rfc3339(start).unwrap_or_default(),
            local,
            ..ActivityHeader::new("a.gpx", Format::Gpx)
        }
    }

    #[test]
    fn local_stamps_with_their_offset_or_utc() {
        let denver = LocalTime {
            utc_offset_s: -6 * 3600,
            source: LocalTimeSource::StartPosition,
            zone: Some("America/Denver".into()),
            note: None,
        };
        let r = LocalTimeRecord::of(&header("2024-03-10T13:05:00Z", denver));
        assert_eq!(r.day_stamp(), "Sun 2024-03-10 07:05 -06:00");
        assert_eq!(
            r.describe(),
            "UTC-06:00 (America/Denver) from the start position"
        );
        assert_eq!(r.local_start_time.to_string(), "2024-03-10T07:05:00-06:00");
        let utc = LocalTimeRecord::of(&header("2024-03-11T02:00:00Z", LocalTime::utc()));
        assert_eq!(utc.day_stamp(), "Mon 2024-03-11 02:00 UTC");
        assert!(utc.describe().ends_with("times in UTC"));
    }
}
