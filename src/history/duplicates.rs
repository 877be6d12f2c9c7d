//! History: the same run recorded twice (a `.fit` and its `.gpx` twin, watch and phone,
//! an export holding both). Device names differ between formats (a FIT says
//! `garmin/fr255`, its GPX twin `Garmin Connect`), so devices are not compared: two
//! recordings starting within 2 s whose distances agree within 5 %, or overlapping in
//! time for 80 % of the shorter one with distances within 10 %, are one run. The
//! richer copy is kept: more heart-rate samples, then more positions, then more laps,
//! then the format (FIT, TCX, GPX), then the first by source.

use std::cmp::Ordering;

use super::RunFacts;
use crate::model::Format;

/// Start times this close are the same run (seconds).
pub const DUPLICATE_START_S: i64 = 2;
/// …when their moving distances agree within this share (or neither has distance).
pub const DUPLICATE_DISTANCE_SHARE: f64 = 0.05;

/// Two recordings overlapping for at least this share of the shorter one's span…
pub const DUPLICATE_OVERLAP_SHARE: f64 = 0.8;
/// …with distances within this share are one run (a watch and a phone started a
/// minute apart).
pub const DUPLICATE_OVERLAP_DISTANCE_SHARE: f64 = 0.1;

/// Whether `a` and `b` are recordings of one run: starts within 2 s and distances
/// within 5 % (or both without distance), or spans overlapping by 80 % of the shorter
/// with distances within 10 %.
pub fn same_run(a: &RunFacts, b: &RunFacts) -> bool {
    let dt = (a.start_time.unix_ms() - b.start_time.unix_ms()).abs() / 1000;
    let (da, db) = (a.distance_m, b.distance_m);
    let within = |share: f64| da.max(db) < 1.0 || (da - db).abs() <= share * da.max(db);
    if dt <= DUPLICATE_START_S && within(DUPLICATE_DISTANCE_SHARE) {
        return true;
    }
    let span = |f: &RunFacts| {
        (
            f.start_time.unix_ms(),
            f.end_time.unix_ms().max(f.start_time.unix_ms()),
        )
    };
    let ((a0, a1), (b0, b1)) = (span(a), span(b));
    let overlap = (a1.min(b1) - a0.max(b0)).max(0);
    let shorter = (a1 - a0).min(b1 - b0);
    shorter > 0
        && overlap as f64 >= DUPLICATE_OVERLAP_SHARE * shorter as f64
        && within(DUPLICATE_OVERLAP_DISTANCE_SHARE)
}

fn format_rank(f: Option<Format>) -> u8 {
    match f {
        Some(Format::Fit) => 0,
        Some(Format::Tcx) => 1,
        Some(Format::Gpx) => 2,
        None => 3,
    }
}

/// How `a` compares with `b` as a copy to keep: `Greater` when `a` is richer.
pub fn richness(a: &RunFacts, b: &RunFacts) -> Ordering {
    a.hr_samples
        .cmp(&b.hr_samples)
        .then(a.position_samples.cmp(&b.position_samples))
        .then(a.laps.len().cmp(&b.laps.len()))
        .then(format_rank(b.format).cmp(&format_rank(a.format)))
        .then(b.source.cmp(&a.source))
}

/// Keeps one item per recorded run from `sorted` (in start-time order); returns the
/// kept items (in order) and, for each dropped one, its source and the kept twin's.
pub fn dedup<T>(
    sorted: Vec<T>,
    facts: impl Fn(&T) -> &RunFacts,
) -> (Vec<T>, Vec<(String, String)>) {
    let mut kept: Vec<T> = Vec::with_capacity(sorted.len());
    let mut dropped = Vec::new();
    let mut longest_ms = 0i64;
    for item in sorted {
        let f = facts(&item);
        let start = f.start_time.unix_ms();
        // Kept items are in start order; an overlapping twin started at most the
        // longest kept span earlier.
        let twin = kept
            .iter()
            .rev()
            .take_while(|k| {
                let kf = facts(k);
                kf.start_time.unix_ms() + longest_ms >= start
                    || (start - kf.start_time.unix_ms()) / 1000 <= DUPLICATE_START_S
            })
            .position(|k| same_run(facts(k), f))
            .map(|p| kept.len() - 1 - p);
        longest_ms = longest_ms.max(f.end_time.unix_ms() - start);
        let Some(existing) = twin.and_then(|i| kept.get_mut(i)) else {
            kept.push(item);
            continue;
        };
        if richness(facts(&item), facts(existing)) == Ordering::Greater {
            let old = std::mem::replace(existing, item);
            dropped.push((facts(&old).source.clone(), facts(existing).source.clone()));
        } else {
            dropped.push((f.source.clone(), facts(existing).source.clone()));
        }
    }
    dropped.sort();
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::testkit::run;

    fn copy(source: &str, format: Format, hr: u32, positions: u32) -> RunFacts {
        let mut f = run(source, "2024-03-02T09:00:00Z", 30);
        f.format = Some(format);
        f.hr_samples = hr;
        f.position_samples = positions;
        f
    }

    #[test]
    fn the_richer_copy_is_kept() {
        // The poorer copy comes first by source and by format: it used to win.
        let (kept, dropped) = dedup(
            vec![
                copy("a_no_hr.fit", Format::Fit, 0, 1800),
                copy("b_with_hr.tcx", Format::Tcx, 383, 1800),
            ],
            |f| f,
        );
        let kept: Vec<&str> = kept.iter().map(|f| f.source.as_str()).collect();
        assert_eq!(kept, ["b_with_hr.tcx"]);
        assert_eq!(
            dropped,
            vec![("a_no_hr.fit".into(), "b_with_hr.tcx".into())]
        );
        // Equal HR: positions, then format.
        let (kept, _) = dedup(
            vec![
                copy("x.gpx", Format::Gpx, 100, 50),
                copy("y.fit", Format::Fit, 100, 10),
            ],
            |f| f,
        );
        assert_eq!(kept.first().map(|f| f.source.as_str()), Some("x.gpx"));
        let (kept, _) = dedup(
            vec![
                copy("x.gpx", Format::Gpx, 100, 10),
                copy("y.fit", Format::Fit, 100, 10),
            ],
            |f| f,
        );
        assert_eq!(kept.first().map(|f| f.source.as_str()), Some("y.fit"));
    }

    #[test]
    fn different_runs_stay() {
        // The same loop run again two hours later.
        let mut later = copy("later.fit", Format::Fit, 0, 0);
        later.start_time = crate::model::Timestamp(later.start_time.unix_ms() + 7_200_000);
        later.end_time = crate::model::Timestamp(later.end_time.unix_ms() + 7_200_000);
        let mut longer = copy("longer.fit", Format::Fit, 0, 0);
        longer.distance_m *= 1.2;
        let (kept, dropped) = dedup(vec![copy("a.fit", Format::Fit, 0, 0), later, longer], |f| f);
        assert_eq!(kept.len(), 3);
        assert!(dropped.is_empty());
    }

    #[test]
    fn a_watch_and_a_phone_started_apart_are_one_run() {
        // The phone started 40 s before the watch and stopped 30 s after it.
        let watch = copy("watch.fit", Format::Fit, 1800, 1800);
        let mut phone = copy("phone.gpx", Format::Gpx, 0, 1870);
        phone.start_time = crate::model::Timestamp(watch.start_time.unix_ms() - 40_000);
        phone.end_time = crate::model::Timestamp(watch.end_time.unix_ms() + 30_000);
        phone.distance_m *= 1.04;
        let (kept, dropped) = dedup(vec![phone, watch], |f| f);
        assert_eq!(kept.len(), 1);
        assert_eq!(dropped, vec![("phone.gpx".into(), "watch.fit".into())]);
    }
}
