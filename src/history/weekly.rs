//! History, weekly totals: per ISO-8601 week (of the local start date), running volume
//! and the share of running time below the conversational ceiling — the 80/20 check
//! (about 80 % of training time easy). docs/history.md explains the numbers.

use std::collections::BTreeMap;

use serde::Serialize;

use super::classify::is_running;
use super::{Class, Placement, RunFacts};
use crate::model::Timestamp;
use crate::model::time::{civil_from_days, days_from_civil};

const MS_PER_DAY: i64 = 86_400_000;

/// One ISO week of the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekSummary {
    pub iso_year: i32,
    /// 1–53.
    pub iso_week: u32,
    /// Running activities started in the week.
    pub runs: usize,
    /// Their moving time, seconds.
    pub moving_s: u64,
    /// Their distance, metres.
    pub distance_m: f64,
    /// Their moving time with usable HR below / at-or-above the conversational ceiling,
    /// seconds (runs without thresholds or HR add nothing here).
    pub below_ceiling_s: u64,
    pub above_ceiling_s: u64,
    /// below / (below + above); `None` when no running time had usable HR.
    pub below_share: Option<f64>,
    /// Every activity of the week by class, non-running ones (`other`) included.
    pub by_class: BTreeMap<Class, usize>,
}

/// ISO-8601 week of an instant's calendar date read as UTC (pass a run's local wall
/// clock, [`crate::model::LocalTime::wall_clock`], for its local week): weeks start on Monday and week 1 is the one
/// holding the year's first Thursday, so the ISO year can differ from the calendar
/// year near New Year (2020-12-31 is 2020-W53; 2021-01-03 too; 2021-01-04 is 2021-W01).
pub fn iso_week(t: Timestamp) -> (i32, u32) {
    let days = t.unix_ms().div_euclid(MS_PER_DAY);
    // 1970-01-01 was a Thursday: days since a Monday, 0 = Monday.
    let since_monday = (days + 3).rem_euclid(7);
    let thursday = days - since_monday + 3;
    let (year, _, _) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
    (
        i32::try_from(year).unwrap_or(i32::MAX),
        u32::try_from(week).unwrap_or(0),
    )
}

/// Per-week totals by the local start date, sorted by (ISO year, week). `placements` are [`super::classify()`]'s
/// answer for `facts` (same order and length): running means a class other than
/// `other` (activities without a placement fall back to [`is_running`] and are left out
/// of `by_class`). Time and distance are of running activities only; other activities
/// are counted in `by_class` only, so cross-training neither inflates the volume nor
/// moves the 80/20 share. An activity whose start cannot be true (its placement's
/// `implausible_start`) is in no week: its date says nothing about when it was run.
pub fn weekly(facts: &[RunFacts], placements: &[Placement]) -> Vec<WeekSummary> {
    let mut weeks: BTreeMap<(i32, u32), WeekSummary> = BTreeMap::new();
    for (i, f) in facts.iter().enumerate() {
        if placements
            .get(i)
            .is_some_and(|p| p.implausible_start.is_some())
        {
            continue;
        }
        // The runner's week: a Sunday-evening run in California is Sunday's.
        let (iso_year, iso_week) = iso_week(f.local.wall_clock(f.start_time));
        let week = weeks
            .entry((iso_year, iso_week))
            .or_insert_with(|| WeekSummary {
                iso_year,
                iso_week,
                runs: 0,
                moving_s: 0,
                distance_m: 0.0,
                below_ceiling_s: 0,
                above_ceiling_s: 0,
                below_share: None,
                by_class: BTreeMap::new(),
            });
        let class = placements.get(i).map(|p| p.class);
        if let Some(class) = class {
            *week.by_class.entry(class).or_insert(0) += 1;
        }
        let running = class.map_or_else(|| is_running(f), |c| c != Class::Other);
        if !running {
            continue;
        }
        week.runs += 1;
        week.moving_s += u64::from(f.moving_s);
        if f.distance_m.is_finite() && f.distance_m > 0.0 {
            week.distance_m += f.distance_m;
        }
        week.below_ceiling_s += u64::from(f.below_ceiling_s.unwrap_or(0));
        week.above_ceiling_s += u64::from(f.above_ceiling_s.unwrap_or(0));
    }
    weeks
        .into_values()
        .map(|mut w| {
            let covered_s = w.below_ceiling_s + w.above_ceiling_s;
            w.below_share = (covered_s > 0).then(|| w.below_ceiling_s as f64 / covered_s as f64);
            w
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::testkit::{Tweak, assert_close, at, run};
    use crate::history::{HistoryConfig, classify};

    fn week_of(text: &str) -> (i32, u32) {
        iso_week(at(text))
    }

    #[test]
    fn iso_weeks_around_new_year() {
        assert_eq!(week_of("2020-12-31T12:00:00Z"), (2020, 53));
        assert_eq!(week_of("2021-01-03T23:59:59Z"), (2020, 53));
        assert_eq!(week_of("2021-01-04T00:00:00Z"), (2021, 1));
        assert_eq!(week_of("2019-12-30T00:00:00Z"), (2020, 1));
        assert_eq!(week_of("2018-12-31T00:00:00Z"), (2019, 1));
        assert_eq!(week_of("2016-01-03T00:00:00Z"), (2015, 53));
        assert_eq!(week_of("2024-12-29T23:00:00Z"), (2024, 52));
        assert_eq!(week_of("2024-03-10T08:30:00Z"), (2024, 10));
        assert_eq!(week_of("2024-03-11T00:00:00Z"), (2024, 11));
        assert_eq!(week_of("1970-01-01T00:00:00Z"), (1970, 1));
        assert_eq!(week_of("1969-12-28T00:00:00Z"), (1969, 52));
    }

    #[test]
    fn weekly_totals_and_the_80_20_share() {
        let facts = vec![
            // ISO week 10 of 2024 (Mon 4 – Sun 10 March).
            run("sat-long.fit", "2024-03-09T08:00:00Z", 110),
            run("sun.fit", "2024-03-10T08:30:00Z", 35),
            // Week 11.
            run("tue.fit", "2024-03-12T18:00:00Z", 50).hard_min(20),
            run("ride.fit", "2024-03-13T12:00:00Z", 90).typed("Ride"),
            run("wed.fit", "2024-03-13T07:00:00Z", 40),
            run("nohr.fit", "2024-03-15T07:00:00Z", 30),
        ];
        let mut facts = facts;
        if let Some(nohr) = facts.last_mut() {
            nohr.below_ceiling_s = None;
            nohr.above_ceiling_s = None;
        }
        let placements = classify(&facts, &HistoryConfig::default());
        let weeks = weekly(&facts, &placements);
        assert_eq!(weeks.len(), 2);
        let (Some(w10), Some(w11)) = (weeks.first(), weeks.get(1)) else {
            unreachable!("two weeks")
        };
        assert_eq!((w10.iso_year, w10.iso_week, w10.runs), (2024, 10, 2));
        assert_eq!(w10.moving_s, 145 * 60);
        assert_eq!(w10.below_share, Some(1.0));
        assert_eq!(
            w10.by_class,
            BTreeMap::from([(Class::Recovery, 1), (Class::Long, 1)])
        );

        assert_eq!((w11.iso_week, w11.runs), (11, 3));
        // The ride counts in by_class only.
        assert_eq!(w11.moving_s, 120 * 60);
        assert_close(w11.distance_m, 120.0 * 60.0 * 1000.0 / 360.0, 1e-6);
        assert_eq!(
            (w11.below_ceiling_s, w11.above_ceiling_s),
            (70 * 60, 20 * 60)
        );
        assert_close(w11.below_share.unwrap_or(f64::NAN), 70.0 / 90.0, 1e-12);
        assert_eq!(
            w11.by_class,
            BTreeMap::from([
                (Class::Recovery, 1),
                (Class::Easy, 1),
                (Class::Tempo, 1),
                (Class::Other, 1)
            ])
        );
    }

    #[test]
    fn weeks_follow_the_local_date() {
        use crate::model::{LocalTime, LocalTimeSource};
        let clock = |offset_h: i32, zone: &str| LocalTime {
            utc_offset_s: offset_h * 3600,
            source: LocalTimeSource::StartPosition,
            zone: Some(zone.to_string()),
            note: None,
        };
        let mut facts = vec![
            // Sunday 2024-03-10 19:00 in California: Monday 02:00 UTC, week 11 in UTC.
            run("la.gpx", "2024-03-11T02:00:00Z", 40),
            // Monday 2024-03-11 06:00 in Sydney: Sunday 19:00 UTC, week 10 in UTC.
            run("sydney.gpx", "2024-03-10T19:00:00Z", 40),
        ];
        if let [la, sydney] = facts.as_mut_slice() {
            la.local = clock(-7, "America/Los_Angeles");
            sydney.local = clock(11, "Australia/Sydney");
        }
        let utc_weeks: Vec<(i32, u32)> = facts.iter().map(|f| iso_week(f.start_time)).collect();
        assert_eq!(utc_weeks, [(2024, 11), (2024, 10)]);
        let weeks = weekly(&facts, &[]);
        let got: Vec<(u32, usize)> = weeks.iter().map(|w| (w.iso_week, w.runs)).collect();
        assert_eq!(got, [(10, 1), (11, 1)]);
        // Which run is in which week: the Californian Sunday in week 10.
        let only_la = weekly(facts.get(..1).unwrap_or_default(), &[]);
        assert_eq!(only_la.first().map(|w| w.iso_week), Some(10));
    }

    #[test]
    fn implausible_starts_make_no_week() {
        let facts = vec![
            run("a.fit", "2024-03-05T07:00:00Z", 30),
            run("b.fit", "2037-07-31T16:14:31Z", 60),
            run("c.gpx", "1901-12-13T20:45:52Z", 45),
        ];
        let mut placements = classify(&facts, &HistoryConfig::default());
        for p in placements.iter_mut().skip(1) {
            p.implausible_start = Some(crate::history::ImplausibleStart {
                code: crate::history::StartIssue::InFuture,
                message: String::new(),
            });
        }
        let weeks = weekly(&facts, &placements);
        assert_eq!(weeks.len(), 1);
        assert_eq!(
            weeks
                .first()
                .map(|w| (w.iso_year, w.iso_week, w.runs, w.moving_s)),
            Some((2024, 10, 1, 1800))
        );
    }

    #[test]
    fn no_usable_hr_gives_no_share() {
        let mut facts = vec![run("a.fit", "2024-03-05T07:00:00Z", 30)];
        if let Some(f) = facts.first_mut() {
            f.below_ceiling_s = None;
            f.above_ceiling_s = None;
        }
        let weeks = weekly(&facts, &[]);
        assert_eq!(
            weeks.first().map(|w| (w.runs, w.below_share)),
            Some((1, None))
        );
        assert!(weeks.first().is_some_and(|w| w.by_class.is_empty()));
    }
}
