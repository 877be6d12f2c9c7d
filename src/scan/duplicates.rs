//! Duplicates: the same run recorded twice (a `.fit` and its `.gpx` twin, or watch and
//! phone) is kept once, the richer copy (`history::duplicates`, docs/history.md).

use super::Duplicate;
use crate::analyze::Analysis;
use crate::history::{self, RunFacts};

/// One analysed activity on its way to the history.
pub(super) struct Run {
    pub(super) facts: RunFacts,
    pub(super) analysis: Analysis,
    pub(super) input_index: usize,
}

pub(super) use history::duplicates::same_run;

/// A recording of a run on its way to the history (an analysed [`Run`], or the facts a
/// history keeps of one).
pub(super) trait Recording {
    /// Its facts (start, distance, richness).
    fn facts(&self) -> &RunFacts;
    /// Its place in input order (warnings are reported there).
    fn input_index(&self) -> usize;
}

impl Recording for Run {
    fn facts(&self) -> &RunFacts {
        &self.facts
    }
    fn input_index(&self) -> usize {
        self.input_index
    }
}

/// Keeps the richer copy of each run recorded twice (`history::duplicates`).
pub(super) fn drop_duplicates<T: Recording>(sorted: Vec<T>) -> (Vec<T>, Vec<Duplicate>) {
    let (kept, dropped) = history::duplicates::dedup(sorted, |r| r.facts());
    let duplicates = dropped
        .into_iter()
        .map(|(source, duplicate_of)| Duplicate {
            source,
            duplicate_of,
        })
        .collect();
    (kept, duplicates)
}
