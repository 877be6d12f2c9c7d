//! A run that does not say where it was (a treadmill, a recording without positions)
//! takes the zone of the runner's nearest runs in time that do: within a week, the
//! runner is most likely where those runs were. This outranks the configured zone (the
//! runner's usual one) and UTC. A file clock on UTC with no position to confirm it is
//! weak evidence (watches that were never told their zone write local = UTC): it yields
//! to neighbours whose clock is not on UTC at that instant, and lends nothing.

use crate::model::{LocalTime, LocalTimeSource, Timestamp, local::offset_text};

use super::Zone;

/// How far in time, either way, the run lending its zone may be.
pub const NEIGHBOUR_WINDOW_S: i64 = 7 * 86_400;

/// For each of `runs` (start, local time; any order) whose local time is not its own
/// (configured or UTC): the clock of the nearest run in time, within
/// [`NEIGHBOUR_WINDOW_S`], whose local time comes from its file or position — that run's
/// zone at this start when it has one (daylight saving follows), else its offset.
/// `None` where nothing changes.
pub fn borrow(runs: &[(Timestamp, &LocalTime)]) -> Vec<Option<LocalTime>> {
    let mut own: Vec<(Timestamp, &LocalTime)> = runs
        .iter()
        .filter(|(_, l)| l.source.is_own() && !weak(l))
        .copied()
        .collect();
    own.sort_by_key(|(t, _)| *t);
    runs.iter()
        .map(|(start, local)| {
            if local.source.is_own() && !weak(local) {
                return None;
            }
            let lender = nearest(&own, *start)?;
            let utc_offset_s = match lender.zone.as_deref().and_then(Zone::named) {
                Some(z) => z.offset_s_at(*start),
                None => lender.utc_offset_s,
            };
            let mut note = local.note.clone();
            if weak(local) {
                if utc_offset_s == 0 {
                    return None;
                }
                let said = format!(
                    "the file's clock says UTC, the neighbouring runs {}: theirs is used",
                    match &lender.zone {
                        Some(z) => format!("{z} ({})", offset_text(utc_offset_s)),
                        None => offset_text(utc_offset_s),
                    }
                );
                note = Some(match note {
                    Some(n) => format!("{n}; {said}"),
                    None => said,
                });
            }
            Some(LocalTime {
                utc_offset_s,
                source: LocalTimeSource::NeighbouringRuns,
                zone: lender.zone.clone(),
                note,
            })
        })
        .collect()
}

/// A file's clock on UTC that no position confirmed (no zone named).
fn weak(l: &LocalTime) -> bool {
    matches!(
        l.source,
        LocalTimeSource::FileLocalTimestamp | LocalTimeSource::FileDeviceSettings
    ) && l.utc_offset_s == 0
        && l.zone.is_none()
}

/// The run of `own` (sorted by start) nearest to `t` within the window; the earlier on
/// a tie.
fn nearest<'a>(own: &[(Timestamp, &'a LocalTime)], t: Timestamp) -> Option<&'a LocalTime> {
    let i = own.partition_point(|(s, _)| *s < t);
    let gap = |k: usize| {
        own.get(k)
            .map(|(s, l)| ((s.unix_ms() - t.unix_ms()).abs() / 1000, *l))
    };
    let before = i.checked_sub(1).and_then(gap);
    let after = gap(i);
    let best = match (before, after) {
        (Some(b), Some(a)) => Some(if a.0 < b.0 { a } else { b }),
        (b, a) => b.or(a),
    }?;
    (best.0 <= NEIGHBOUR_WINDOW_S).then_some(best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap_or_default()
    }

    fn local(source: LocalTimeSource, offset_h: i32, zone: Option<&str>) -> LocalTime {
        LocalTime {
            utc_offset_s: offset_h * 3600,
            source,
            zone: zone.map(str::to_string),
            note: None,
        }
    }

    #[test]
    fn a_treadmill_run_takes_the_nearest_zone_with_its_daylight_saving() {
        use LocalTimeSource::*;
        // A week in Denver: Saturday before the US DST change by position, a treadmill
        // run on Monday after it, a Tokyo run ten days later.
        let sat = local(StartPosition, -7, Some("America/Denver"));
        let mon = LocalTime::utc();
        let tokyo = local(StartPosition, 9, Some("Asia/Tokyo"));
        let runs = [
            (at("2024-03-09T15:00:00Z"), &sat),
            (at("2024-03-11T13:00:00Z"), &mon),
            (at("2024-03-21T00:00:00Z"), &tokyo),
        ];
        let got = borrow(&runs);
        assert_eq!(got.first(), Some(&None), "a run with its own zone keeps it");
        let monday = got.get(1).cloned().flatten();
        assert_eq!(
            monday
                .as_ref()
                .map(|l| (l.utc_offset_s, l.source, l.zone.as_deref())),
            Some((-6 * 3600, NeighbouringRuns, Some("America/Denver"))),
            "Denver's zone, on summer time by Monday"
        );
    }

    #[test]
    fn a_neighbour_without_a_zone_lends_its_offset_and_far_runs_lend_nothing() {
        use LocalTimeSource::*;
        let watch = local(FileLocalTimestamp, 2, None);
        let configured = local(Configured, 1, Some("Europe/Berlin"));
        let alone = LocalTime::utc();
        let runs = [
            (at("2024-06-01T06:00:00Z"), &watch),
            (at("2024-06-05T06:00:00Z"), &configured),
            (at("2024-07-01T06:00:00Z"), &alone),
        ];
        let got = borrow(&runs);
        assert_eq!(
            got.get(1)
                .cloned()
                .flatten()
                .map(|l| (l.utc_offset_s, l.source)),
            Some((2 * 3600, NeighbouringRuns))
        );
        assert_eq!(got.get(2), Some(&None), "30 days away is no neighbour");
    }

    #[test]
    fn a_file_clock_on_utc_without_a_position_yields_to_its_neighbours() {
        use LocalTimeSource::*;
        let berlin = local(StartPosition, 1, Some("Europe/Berlin"));
        let unset = local(FileLocalTimestamp, 0, None);
        let london = local(FileLocalTimestamp, 0, Some("Europe/London"));
        let runs = [
            (at("2024-01-10T07:00:00Z"), &berlin),
            (at("2024-01-11T18:00:00Z"), &unset),
        ];
        let got = borrow(&runs);
        let treadmill = got.get(1).cloned().flatten();
        assert_eq!(
            treadmill.as_ref().map(|l| (l.utc_offset_s, l.source)),
            Some((3600, NeighbouringRuns))
        );
        assert_eq!(
            treadmill.and_then(|l| l.note).as_deref(),
            Some(
                "the file's clock says UTC, the neighbouring runs Europe/Berlin (+01:00): \
                 theirs is used"
            )
        );
        // Neighbours on UTC too (London in winter): the file's clock stands; and a
        // clock on UTC lends nothing.
        let runs = [
            (at("2024-01-10T07:00:00Z"), &london),
            (at("2024-01-11T18:00:00Z"), &unset),
        ];
        assert_eq!(borrow(&runs), vec![None, None]);
        let runs = [
            (at("2024-01-10T07:00:00Z"), &unset),
            (at("2024-01-11T18:00:00Z"), &LocalTime::utc()),
        ];
        assert_eq!(borrow(&runs), vec![None, None]);
    }
}
