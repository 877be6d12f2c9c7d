//! History, dates that cannot be true: a start before any device could have recorded
//! it, after the file was created, or in the future. Such an activity is flagged with
//! the reason, kept out of every relation in time (duplicates, sessions, recovery-run
//! placement) and out of the weeks, so one file dated 2037 or 1990 neither makes
//! weeks of its own nor stretches a chart over decades. docs/history.md lists the rules.
//!
//! The start checked is whatever the reader and the cleaner made of the file (FIT
//! device-uptime timestamps placed where the file allows it); a start they could not
//! place reads as 1989–1998 and is caught here as before any FIT device.

use serde::Serialize;

use super::RunFacts;
use crate::model::{Format, Timestamp};

/// 1989-12-31T00:00:00Z, the FIT epoch (FIT `date_time` 0): no sports device recorded
/// an activity before it (GPS receivers for sport and heart-rate loggers that write
/// files came later still).
pub const FIT_EPOCH: Timestamp = Timestamp(631_065_600_000);

/// 2005-01-01T00:00:00Z: no device wrote FIT activity files before (the first, Garmin's
/// Edge 500 and Forerunner 310XT, date from 2009; the floor leaves years of margin).
/// A FIT start before it is device uptime read as a date.
pub const FIT_DEVICES_FROM: Timestamp = Timestamp(1_104_537_600_000);

/// How far a start may lie after the file's creation or the machine clock (time zones,
/// a clock a little off): one day.
pub const FUTURE_MARGIN_MS: i64 = 86_400_000;

/// Why a start cannot be true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StartIssue {
    /// Before the FIT epoch, 1989-12-31 (any format).
    BeforeFitEpoch,
    /// A FIT file before any device wrote FIT files (2005): device uptime read as a date.
    BeforeDevice,
    /// More than a day after the file says it was created.
    AfterFileCreated,
    /// More than a day after the machine's clock.
    InFuture,
}

impl StartIssue {
    /// The stable code.
    pub fn as_str(self) -> &'static str {
        match self {
            StartIssue::BeforeFitEpoch => "before_fit_epoch",
            StartIssue::BeforeDevice => "before_device",
            StartIssue::AfterFileCreated => "after_file_created",
            StartIssue::InFuture => "in_future",
        }
    }
}

/// An implausible start: the reason and a sentence naming the dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImplausibleStart {
    /// Why.
    pub code: StartIssue,
    /// The start and what it contradicts, in words.
    pub message: String,
}

/// Whether `f`'s start can be true: `None` when it can, else why not. `now` is the
/// machine's clock (`None`: not checked, so results stay reproducible).
pub fn check_start(f: &RunFacts, now: Option<Timestamp>) -> Option<ImplausibleStart> {
    let start = f.start_time;
    let issue = |code: StartIssue, message: String| Some(ImplausibleStart { code, message });
    if start < FIT_EPOCH {
        return issue(
            StartIssue::BeforeFitEpoch,
            format!(
                "starts {start}, before 1989-12-31 (the FIT epoch): no device recorded activities then"
            ),
        );
    }
    if f.format == Some(Format::Fit) && start < FIT_DEVICES_FROM {
        return issue(
            StartIssue::BeforeDevice,
            format!(
                "starts {start}, before any device wrote FIT files (2005): likely seconds since the watch was switched on, read as a date"
            ),
        );
    }
    if let Some(created) = f.created
        && start.unix_ms() > created.unix_ms().saturating_add(FUTURE_MARGIN_MS)
    {
        return issue(
            StartIssue::AfterFileCreated,
            format!("starts {start}, after the file was created ({created})"),
        );
    }
    if let Some(now) = now
        && start.unix_ms() > now.unix_ms().saturating_add(FUTURE_MARGIN_MS)
    {
        return issue(
            StartIssue::InFuture,
            format!("starts {start}, in the future (the clock says {now})"),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::testkit::{at, run};

    fn issue(
        start: &str,
        format: Option<Format>,
        created: Option<&str>,
        now: Option<&str>,
    ) -> Option<StartIssue> {
        let mut f = run("a", start, 30);
        f.format = format;
        f.created = created.map(at);
        check_start(&f, now.map(at)).map(|i| i.code)
    }

    #[test]
    fn the_floors_are_the_dates_they_say() {
        assert_eq!(FIT_EPOCH, Timestamp::from_fit(0));
        assert_eq!(FIT_EPOCH, at("1989-12-31T00:00:00Z"));
        assert_eq!(FIT_DEVICES_FROM, at("2005-01-01T00:00:00Z"));
    }

    #[test]
    fn before_any_device() {
        // GPSBabel's 1901 GPX.
        assert_eq!(
            issue("1901-12-13T20:45:52Z", Some(Format::Gpx), None, None),
            Some(StartIssue::BeforeFitEpoch)
        );
        // FIT uptime timestamps read as dates: 1989-12-31T00:00:02, 1990-07.
        for start in [
            "1989-12-31T00:00:02Z",
            "1990-07-09T07:00:41Z",
            "2004-12-31T23:59:59Z",
        ] {
            assert_eq!(
                issue(start, Some(Format::Fit), None, None),
                Some(StartIssue::BeforeDevice),
                "{start}"
            );
        }
        // A TCX of a 2007 Forerunner 305 and a 1990s GPX are possible.
        assert_eq!(
            issue("2007-08-07T02:42:41Z", Some(Format::Tcx), None, None),
            None
        );
        assert_eq!(
            issue("1998-05-01T10:00:00Z", Some(Format::Gpx), None, None),
            None
        );
        assert_eq!(
            issue("2009-06-01T10:00:00Z", Some(Format::Fit), None, None),
            None
        );
    }

    #[test]
    fn after_the_file_or_the_clock() {
        let now = Some("2026-12-01T19:00:00Z");
        // A session start of 2037 in a file of 2017.
        let f = issue(
            "2037-07-31T16:14:31Z",
            Some(Format::Fit),
            Some("2017-08-01T16:14:32Z"),
            now,
        );
        assert_eq!(f, Some(StartIssue::AfterFileCreated));
        assert_eq!(
            issue("2037-07-31T16:14:31Z", Some(Format::Gpx), None, now),
            Some(StartIssue::InFuture)
        );
        // Without a clock, no future.
        assert_eq!(
            issue("2037-07-31T16:14:31Z", Some(Format::Gpx), None, None),
            None
        );
        // Within a day of the clock or of the file's creation: fine (time zones).
        assert_eq!(
            issue("2026-12-02T12:00:00Z", Some(Format::Fit), None, now),
            None
        );
        assert_eq!(
            issue(
                "2025-03-02T06:00:00Z",
                Some(Format::Fit),
                Some("2025-03-01T08:00:00Z"),
                now
            ),
            None
        );
        // A file created long after the run (an app's re-export): fine.
        assert_eq!(
            issue(
                "2019-03-02T06:00:00Z",
                Some(Format::Fit),
                Some("2024-01-01T00:00:00Z"),
                now
            ),
            None
        );
    }

    #[test]
    fn the_message_names_the_dates() {
        let mut f = run("a.fit", "2037-07-31T16:14:31Z", 30);
        f.created = Some(at("2017-08-01T16:14:32Z"));
        let i = check_start(&f, None).map(|i| i.message).unwrap_or_default();
        assert_eq!(
            i,
            "starts 2037-07-31T16:14:31Z, after the file was created (2017-08-01T16:14:32Z)"
        );
    }
}
