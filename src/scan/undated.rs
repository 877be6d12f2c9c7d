//! Activities whose start cannot be true (`history::dates`): before any device, after
//! the file was created, in the future. Their date relates them to nothing, so they are
//! left out of the duplicates, sessions and recovery-run placement the rest of the
//! history goes through, classified each on its own evidence (name, laps, workout,
//! duration, effort), flagged, and merged back in time order; `history::weekly` leaves
//! them out of the weeks.

use super::duplicates::{Recording, drop_duplicates};
use super::{Duplicate, ScanConfig, ScanWarning};
use crate::history::{self, ImplausibleStart, Placement};

/// The history's activities in time order with their placements, the duplicates left
/// out and a warning per implausible start.
pub(super) struct Placed<T> {
    pub(super) runs: Vec<T>,
    pub(super) placements: Vec<Placement>,
    pub(super) duplicates: Vec<Duplicate>,
    pub(super) warnings: Vec<ScanWarning>,
}

/// Classifies `sorted` (time order) as `history::classify` does, the implausible starts
/// apart.
pub(super) fn place<T: Recording>(sorted: Vec<T>, config: &ScanConfig) -> Placed<T> {
    let mut dated = Vec::with_capacity(sorted.len());
    let mut undated: Vec<(T, ImplausibleStart)> = Vec::new();
    for run in sorted {
        match history::check_start(run.facts(), config.clock) {
            None => dated.push(run),
            Some(issue) => undated.push((run, issue)),
        }
    }
    let (kept, duplicates) = drop_duplicates(dated);
    let facts: Vec<_> = kept.iter().map(|r| r.facts().clone()).collect();
    let placements = history::classify(&facts, &config.history);
    let warnings = undated
        .iter()
        .map(|(run, issue)| warning(run, issue))
        .collect();
    if undated.is_empty() {
        return Placed {
            runs: kept,
            placements,
            duplicates,
            warnings,
        };
    }
    let dated_len = kept.len();
    let mut all: Vec<(T, Placement, Option<usize>)> = kept
        .into_iter()
        .zip(placements)
        .enumerate()
        .map(|(i, (run, placement))| (run, placement, Some(i)))
        .collect();
    for (run, issue) in undated {
        // Alone: nothing before it to recover from, no session, no twin.
        let alone = history::classify(std::slice::from_ref(run.facts()), &config.history);
        if let Some(mut placement) = alone.into_iter().next() {
            placement.implausible_start = Some(issue);
            all.push((run, placement, None));
        }
    }
    all.sort_by(|a, b| {
        let (fa, fb) = (a.0.facts(), b.0.facts());
        (fa.start_time, &fa.source).cmp(&(fb.start_time, &fb.source))
    });
    // Placements point into the dated list: re-point them into the merged one.
    let mut moved = vec![0; dated_len];
    for (k, (_, _, old)) in all.iter().enumerate() {
        if let Some(slot) = old.and_then(|o| moved.get_mut(o)) {
            *slot = k;
        }
    }
    let at = |i: usize| moved.get(i).copied().unwrap_or(i);
    let (mut runs, mut placements) = (Vec::with_capacity(all.len()), Vec::with_capacity(all.len()));
    for (run, mut placement, _) in all {
        if let Some(from) = placement.recovers_from.as_mut() {
            from.index = at(from.index);
        }
        if let Some(session) = placement.session.as_mut() {
            session.main_index = at(session.main_index);
        }
        runs.push(run);
        placements.push(placement);
    }
    Placed {
        runs,
        placements,
        duplicates,
        warnings,
    }
}

/// The warning that a run's start was set aside.
pub(super) fn warning<T: Recording>(run: &T, issue: &ImplausibleStart) -> ScanWarning {
    ScanWarning::implausible_start(&run.facts().source, issue, run.input_index())
}
