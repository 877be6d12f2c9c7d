//! Duplicates: the same run recorded twice (a `.fit` and its `.gpx` twin, or watch and
//! phone) is kept once (docs/decisions.md §7).

use super::Duplicate;
use crate::analyze::Analysis;
use crate::history::RunFacts;
use crate::model::Format;

/// One analysed activity on its way to the history.
pub(super) struct Run {
    pub(super) facts: RunFacts,
    pub(super) analysis: Analysis,
    pub(super) input_index: usize,
}

/// A recording of a run, as duplicates are told apart.
pub(super) trait Recording {
    /// Its facts (start, distance).
    fn facts(&self) -> &RunFacts;
    /// The format it was read from.
    fn format(&self) -> Format;
}

impl Recording for Run {
    fn facts(&self) -> &RunFacts {
        &self.facts
    }
    fn format(&self) -> Format {
        self.analysis.header.format
    }
}

/// Start times this close are the same run (seconds).
const DUPLICATE_START_S: i64 = 2;
/// …when their moving distances agree within this share (or neither has distance).
const DUPLICATE_DISTANCE_SHARE: f64 = 0.05;

/// Whether `a` and `b` record the same run: starts within 2 s, distances within 5 %.
pub(super) fn same_run(a: &RunFacts, b: &RunFacts) -> bool {
    let dt = (a.start_time.0 - b.start_time.0).abs() / 1000;
    let (da, db) = (a.distance_m, b.distance_m);
    let close = if da.max(db) < 1.0 {
        true
    } else {
        (da - db).abs() <= DUPLICATE_DISTANCE_SHARE * da.max(db)
    };
    dt <= DUPLICATE_START_S && close
}

/// Keeps one activity per recorded run. Device names differ between formats (a FIT
/// says `garmin/fr255`, its GPX twin `Garmin Connect`), so devices are not compared:
/// two recordings starting within 2 s with distances within 5 % are one run. The
/// richest format is kept: FIT, then TCX, then GPX; then the first by source.
pub(super) fn drop_duplicates<T: Recording>(sorted: Vec<T>) -> (Vec<T>, Vec<Duplicate>) {
    let rank = |f: Format| match f {
        Format::Fit => 0,
        Format::Tcx => 1,
        Format::Gpx => 2,
    };
    let mut kept: Vec<T> = Vec::with_capacity(sorted.len());
    let mut duplicates = Vec::new();
    for item in sorted {
        let twin = kept
            .iter()
            .rev()
            .take_while(|k| {
                (item.facts().start_time.0 - k.facts().start_time.0) / 1000 <= DUPLICATE_START_S
            })
            .position(|k| same_run(k.facts(), item.facts()))
            .map(|p| kept.len() - 1 - p);
        match twin {
            Some(i) => {
                let Some(existing) = kept.get_mut(i) else {
                    continue;
                };
                if rank(item.format()) < rank(existing.format()) {
                    let old = std::mem::replace(existing, item);
                    duplicates.push(Duplicate {
                        source: old.facts().source.clone(),
                        duplicate_of: existing.facts().source.clone(),
                    });
                } else {
                    duplicates.push(Duplicate {
                        source: item.facts().source.clone(),
                        duplicate_of: existing.facts().source.clone(),
                    });
                }
            }
            None => kept.push(item),
        }
    }
    duplicates.sort_by(|a, b| a.source.cmp(&b.source));
    (kept, duplicates)
}
