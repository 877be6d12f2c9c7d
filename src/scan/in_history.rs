//! [`super::Scope::InHistory`] and [`super::Scope::Latest`]: runs judged in the context
//! of a history, the way `scan` would judge them in it — the session each recovers
//! from and the hours since, its class, the history's max-HR estimate when no max HR
//! is known, and the runner's own baseline (`elevated_hr`) — while only the judged
//! runs are analysed in full. The history contributes its facts, from the history
//! cache ([`super::cache`]) where it has them, read otherwise.
//!
//! The history and the checked files together are the batch: the estimate is taken
//! over all of them, a checked file that also lies in the history counts once (by
//! canonical path), and a history recording of the same run as a checked one (its
//! `.gpx` twin) gives way to it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use super::cache::{CachedActivity, FileId, HistoryCache, Outcome};
use super::duplicates::{Recording, same_run};
use super::passes::{add_elevated_hr, apply_label, judge_as_run, place_timing};
use super::{
    Entry, HistoryContext, Progress, Scan, ScanConfig, ScanError, Skipped, not_an_activity,
    parallel, undated,
};
use crate::analyze::{Analysis, Analyzed, analyze_raw};
use crate::error::IngestError;
use crate::history::{self, Class, Placement, RunFacts, baseline};
use crate::ingest::labels::Labels;
use crate::model::Format;
use crate::profile::ProfileError;
use crate::walk::{self, Expanded};

/// One activity of the combined history.
struct Item {
    facts: RunFacts,
    format: Format,
    /// No max HR of its own: the estimate stands in.
    needs_fallback: bool,
    /// The estimate its facts (and analysis) were computed with.
    fallback_bpm: Option<f64>,
    /// Why it could not be judged (no thresholds), when known.
    error: Option<ProfileError>,
    /// Index of its file in the batch's file list.
    file: usize,
    /// Its place among its file's outcomes (the cache keeps the file's order).
    ordinal: usize,
    /// A history activity's analysis, for the cache.
    analysis: Option<Box<Analysis>>,
    /// A checked run: its analysis and place in input order.
    checked: Option<Checked>,
}

struct Checked {
    analysis: Option<Analysis>,
    input_index: usize,
}

impl Recording for Item {
    fn facts(&self) -> &RunFacts {
        &self.facts
    }
    fn input_index(&self) -> usize {
        self.checked.as_ref().map_or(0, |c| c.input_index)
    }
}

/// A file of the batch.
struct File {
    path: PathBuf,
    /// Checked (judged) or history.
    checked: bool,
    id: Option<FileId>,
    /// Read in this batch, with no error: its outcomes go to the cache.
    cacheable: bool,
    /// Its members that hold no activity, with their place among its outcomes.
    skipped: Vec<(usize, Skipped)>,
    /// Its outcomes so far.
    outcomes: usize,
}

/// Judges the activities of `checked` (none with `latest`: then the newest run of the
/// history) in the history of `history_paths`.
pub(super) fn run(
    checked: &Expanded,
    history_paths: &[PathBuf],
    latest: bool,
    config: &ScanConfig,
    progress: &dyn Progress,
) -> Scan {
    let history_walk = walk::expand(history_paths);
    let mut scan = Scan {
        files: checked.files.len(),
        ..Scan::default()
    };
    for (i, e) in checked.errors.iter().enumerate() {
        scan.errors.push(ScanError::of_ingest(e, i));
    }
    for e in &history_walk.errors {
        scan.history_errors.push(ScanError::of_ingest(e, 0));
    }
    let (labels, label_errors) = Labels::from_expanded(&history_walk);
    let (checked_labels, checked_label_errors) = Labels::from_expanded(checked);
    for e in label_errors.iter().chain(&checked_label_errors) {
        scan.history_errors.push(ScanError::of_ingest(e, 0));
    }

    let mut files: Vec<File> = Vec::new();
    let mut checked_canonical = HashSet::new();
    for path in &checked.files {
        let id = FileId::of(path);
        if let Some(id) = &id {
            checked_canonical.insert(id.canonical().to_string());
        }
        files.push(File::new(path.clone(), true, id));
    }
    for path in &history_walk.files {
        let id = FileId::of(path);
        if id
            .as_ref()
            .is_some_and(|id| checked_canonical.contains(id.canonical()))
        {
            continue;
        }
        files.push(File::new(path.clone(), false, id));
    }

    let mut cache = config
        .cache
        .as_deref()
        .map(|dir| HistoryCache::open(dir, &config.settings));
    let mut items: Vec<Item> = Vec::new();
    let mut to_read: Vec<usize> = Vec::new();
    // The history files' outcomes the cache holds (checked files are always read).
    let mut held: Vec<Option<Vec<Outcome>>> = match &mut cache {
        Some(cache) => {
            let history: Vec<usize> = (0..files.len())
                .filter(|&i| files.get(i).is_some_and(|f| !f.checked))
                .collect();
            let asked: Vec<_> = history
                .iter()
                .filter_map(|&i| files.get(i))
                .map(|f| (f.id.as_ref(), f.path.as_path()))
                .collect();
            let got = parallel::with_jobs(config.jobs, asked.len(), || cache.get_all(&asked));
            let mut held: Vec<Option<Vec<Outcome>>> = files.iter().map(|_| None).collect();
            for (i, outcomes) in history.into_iter().zip(got) {
                if let Some(slot) = held.get_mut(i) {
                    *slot = outcomes;
                }
            }
            held
        }
        None => Vec::new(),
    };
    held.resize_with(files.len(), || None);
    for ((index, file), hit) in files.iter_mut().enumerate().zip(held) {
        match hit {
            Some(outcomes) => {
                for (ordinal, outcome) in outcomes.into_iter().enumerate() {
                    match outcome {
                        Outcome::Activity(a) => items.push(Item::cached(*a, index, ordinal)),
                        Outcome::Skipped(s) => {
                            scan.skipped.push(s.clone());
                            file.skipped.push((ordinal, s));
                        }
                    }
                    file.outcomes += 1;
                }
            }
            None => to_read.push(index),
        }
    }

    // Read the checked files and the history files the cache did not have.
    let paths: Vec<PathBuf> = to_read
        .iter()
        .filter_map(|&i| files.get(i))
        .map(|f| f.path.clone())
        .collect();
    progress.start(paths.len());
    let settings = &config.settings;
    let results = parallel::with_jobs(config.jobs, paths.len(), || {
        parallel::map_files(&paths, progress, |k, r| {
            (
                k,
                r.map(|raw| (raw.format, analyze_raw(&raw, settings, None))),
            )
        })
    });
    let mut input_index = checked.errors.len();
    let mut failed_files = BTreeSet::new();
    for (k, result) in results {
        let Some(&index) = to_read.get(k) else {
            continue;
        };
        let is_checked = files.get(index).is_some_and(|f| f.checked);
        let ordinal = files.get_mut(index).map_or(0, |f| {
            f.outcomes += 1;
            f.outcomes - 1
        });
        match result {
            Ok((format, analyzed)) => {
                let needs_fallback = analyzed.analysis.is_err();
                let (analysis, error) = match analyzed.analysis {
                    Ok(a) => (Some(a), None),
                    Err(e) => (None, Some(e)),
                };
                let (checked, analysis) = if is_checked {
                    let checked = Checked {
                        analysis,
                        input_index,
                    };
                    (Some(checked), None)
                } else {
                    (None, analysis.map(Box::new))
                };
                items.push(Item {
                    format,
                    facts: analyzed.facts,
                    needs_fallback,
                    fallback_bpm: None,
                    error,
                    file: index,
                    ordinal,
                    analysis,
                    checked,
                });
            }
            Err(e) if is_checked => {
                failed_files.insert(index);
                scan.errors.push(ScanError::of_ingest(&e, input_index));
            }
            Err(e) => match not_an_activity(&e) {
                Some(skipped) => {
                    if let Some(f) = files.get_mut(index) {
                        f.skipped.push((ordinal, skipped.clone()));
                    }
                    scan.skipped.push(skipped);
                }
                None => {
                    failed_files.insert(index);
                    scan.history_errors.push(ScanError::of_ingest(&e, 0));
                }
            },
        }
        if is_checked {
            input_index += 1;
        }
    }
    for &index in &to_read {
        if let Some(f) = files.get_mut(index) {
            f.cacheable = !f.checked && !failed_files.contains(&index);
        }
    }

    // The estimate over the whole batch, and the activities to analyse again with it.
    if items.iter().any(|i| i.needs_fallback) {
        let facts: Vec<RunFacts> = items.iter().map(|i| i.facts.clone()).collect();
        scan.max_hr_estimate = history::estimate_max_hr(&facts);
    }
    let estimate = scan.max_hr_estimate.as_ref().map(|e| e.bpm);
    let redo: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            i.needs_fallback
                && (i.fallback_bpm != estimate || (estimate.is_none() && i.error.is_none()))
        })
        .map(|(k, _)| k)
        .collect();
    reanalyse(&mut items, &redo, &mut files, estimate, config);

    // Keep what was read for the next time.
    if let Some(cache) = &mut cache {
        parallel::with_jobs(config.jobs, files.len(), || store(cache, &files, &items));
    }
    scan.cache = cache.map(HistoryCache::finish);

    // Activities without thresholds cannot be judged or placed.
    let mut kept: Vec<Item> = Vec::new();
    for mut item in items {
        // Still without thresholds after the estimate (none, or a model it cannot
        // serve): an error of check for a checked run, of the history otherwise.
        let Some(e) = item.error.take() else {
            if !item.needs_fallback || estimate.is_some() {
                kept.push(item);
            }
            continue;
        };
        let error = ScanError {
            kind: e.kind(),
            message: format!(
                "{}: {}",
                item.facts.source,
                e.describe(config.setting_names)
            ),
            source: item.facts.source.clone(),
            input_index: item.checked.as_ref().map_or(0, |c| c.input_index),
        };
        match item.checked {
            Some(_) => scan.errors.push(error),
            None => scan.history_errors.push(error),
        }
    }
    for item in &mut kept {
        let label = labels
            .get(&item.facts.source)
            .or_else(|| checked_labels.get(&item.facts.source));
        if let Some(label) = label {
            let analysis = item.checked.as_mut().and_then(|c| c.analysis.as_mut());
            apply_label(&mut item.facts, analysis, label);
        }
    }

    let (items, mut duplicates) = combine(kept);
    // Duplicates out, every activity classified; implausible starts apart, as in scan.
    let placed = undated::place(items, config);
    let (mut items, placements) = (placed.runs, placed.placements);
    // Runs that do not say where they were take their neighbours' zone, as in scan.
    local_times_from_neighbours(&mut items);
    duplicates.extend(placed.duplicates);
    duplicates.sort_by(|a, b| a.source.cmp(&b.source));
    scan.duplicates = duplicates;
    scan.warnings = placed.warnings;
    let facts: Vec<RunFacts> = items.iter().map(|i| i.facts.clone()).collect();
    let summary = history::summarize(&placements, &[]);
    scan.history = Some(HistoryContext {
        files: history_walk.files.len(),
        activities: facts.len(),
        runs: placements
            .iter()
            .filter(|p| p.class != Class::Other)
            .count(),
        by_class: summary.by_class,
    });

    let mut judged: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| i.checked.is_some())
        .map(|(k, _)| k)
        .collect();
    if latest {
        judged = newest_run(&facts, &placements).into_iter().collect();
        if let Some(&k) = judged.first()
            && let Some(item) = items.get_mut(k)
        {
            match analyse_latest(item, &files, estimate, &labels, config) {
                Ok(()) => {}
                Err(e) => {
                    scan.errors.push(ScanError::of_ingest(&e, 0));
                    judged.clear();
                }
            }
        }
    }
    for k in judged {
        let (Some(item), Some(placement)) = (items.get_mut(k), placements.get(k)) else {
            continue;
        };
        let Some(Checked {
            analysis: Some(mut analysis),
            input_index,
        }) = item.checked.take()
        else {
            continue;
        };
        if placement.intent.is_some() {
            // History knows it is a run (labelled or inferred) where the file did not say.
            judge_as_run(&mut analysis.assessment);
            place_timing(&mut analysis, placement, config.history.recovery_window_h);
        }
        analysis.header.local = item.facts.local.clone();
        let check = baseline::compare(&facts, &placements, k, &config.baseline);
        add_elevated_hr(&mut analysis, check.as_ref(), &config.baseline);
        scan.entries.push(Entry {
            analysis,
            placement: Some(placement.clone()),
            baseline: check,
            judged: true,
            input_index,
        });
    }
    scan.entries.sort_by_key(|e| e.input_index);
    scan.errors.sort_by_key(|e| e.input_index);
    scan.history_errors.sort_by(|a, b| a.source.cmp(&b.source));
    for path in &history_walk.skipped {
        scan.skipped.push(Skipped {
            source: path.display().to_string(),
            reason: "side file of an export".to_string(),
        });
    }
    scan.skipped.sort_by(|a, b| a.source.cmp(&b.source));
    scan
}

impl File {
    fn new(path: PathBuf, checked: bool, id: Option<FileId>) -> File {
        File {
            path,
            checked,
            id,
            cacheable: false,
            skipped: Vec::new(),
            outcomes: 0,
        }
    }
}

impl Item {
    fn cached(a: CachedActivity, file: usize, ordinal: usize) -> Item {
        Item {
            facts: a.facts,
            format: a.format,
            needs_fallback: a.needs_fallback,
            fallback_bpm: a.fallback_bpm,
            error: None,
            file,
            ordinal,
            analysis: Some(a.analysis),
            checked: None,
        }
    }
}

/// Analyses the activities at `redo` again with the history's `estimate` (their files
/// re-read); their files' outcomes go to the cache again.
fn reanalyse(
    items: &mut [Item],
    redo: &[usize],
    files: &mut [File],
    estimate: Option<f64>,
    config: &ScanConfig,
) {
    if redo.is_empty() {
        return;
    }
    let file_set: BTreeSet<usize> = redo
        .iter()
        .filter_map(|&k| items.get(k))
        .map(|i| i.file)
        .collect();
    let sources: HashSet<String> = redo
        .iter()
        .filter_map(|&k| items.get(k))
        .map(|i| i.facts.source.clone())
        .collect();
    let file_list: Vec<usize> = file_set.into_iter().collect();
    let paths: Vec<PathBuf> = file_list
        .iter()
        .filter_map(|&f| files.get(f))
        .map(|f| f.path.clone())
        .collect();
    let settings = &config.settings;
    let mut redone: HashMap<String, Analyzed> =
        parallel::with_jobs(config.jobs, paths.len(), || {
            parallel::map_files(&paths, &(), |_, r| match r {
                Ok(raw) if sources.contains(&raw.source) => {
                    Some((raw.source.clone(), analyze_raw(&raw, settings, estimate)))
                }
                _ => None,
            })
        })
        .into_iter()
        .flatten()
        .collect();
    for &k in redo {
        let Some(item) = items.get_mut(k) else {
            continue;
        };
        let Some(new) = redone.remove(&item.facts.source) else {
            continue;
        };
        item.facts = new.facts;
        item.fallback_bpm = estimate;
        match new.analysis {
            Ok(a) => {
                item.error = None;
                match &mut item.checked {
                    Some(c) => c.analysis = Some(a),
                    None => item.analysis = Some(Box::new(a)),
                }
            }
            Err(e) => {
                item.error = Some(e);
                item.analysis = None;
            }
        }
        if let Some(f) = files.get_mut(item.file)
            && !f.checked
            && f.id.is_some()
        {
            f.cacheable = true;
        }
    }
}

/// Every history file read or analysed again in this batch whose activities could all
/// be judged, into the cache, its outcomes in the file's order.
fn store(cache: &mut HistoryCache, files: &[File], items: &[Item]) {
    let mut by_file: BTreeMap<usize, Vec<(usize, Option<Outcome>)>> = BTreeMap::new();
    for item in items {
        // An activity that cannot be judged even with the estimate is an error, and
        // errors are never cached.
        let outcome = match (&item.error, &item.analysis) {
            (None, Some(analysis)) => Some(Outcome::Activity(Box::new(CachedActivity {
                facts: item.facts.clone(),
                analysis: analysis.clone(),
                format: item.format,
                needs_fallback: item.needs_fallback,
                fallback_bpm: item.fallback_bpm,
            }))),
            _ => None,
        };
        by_file
            .entry(item.file)
            .or_default()
            .push((item.ordinal, outcome));
    }
    let mut stored: Vec<(&FileId, &std::path::Path)> = Vec::new();
    let mut stored_outcomes: Vec<Vec<Outcome>> = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let (true, Some(id)) = (file.cacheable, &file.id) else {
            continue;
        };
        let mut outcomes = by_file.remove(&index).unwrap_or_default();
        outcomes.extend(
            file.skipped
                .iter()
                .map(|(k, s)| (*k, Some(Outcome::Skipped(s.clone())))),
        );
        outcomes.sort_by_key(|(k, _)| *k);
        let Some(outcomes) = outcomes.into_iter().map(|(_, o)| o).collect() else {
            continue;
        };
        stored.push((id, file.path.as_path()));
        stored_outcomes.push(outcomes);
    }
    cache.put_all(&stored, |k| {
        stored_outcomes.get(k).cloned().unwrap_or_default()
    });
}

/// The batch in time order: history recordings of a checked run dropped in its favour
/// (the run the runner asked about is the one judged); the rest goes through `scan`'s
/// duplicates and placement (`undated::place`).
fn combine(items: Vec<Item>) -> (Vec<Item>, Vec<super::Duplicate>) {
    let (checked, rest): (Vec<Item>, Vec<Item>) =
        items.into_iter().partition(|i| i.checked.is_some());
    let mut duplicates = Vec::new();
    let mut all = Vec::with_capacity(rest.len() + checked.len());
    for item in rest {
        match checked.iter().find(|c| same_run(&c.facts, &item.facts)) {
            Some(c) => duplicates.push(super::Duplicate {
                source: item.facts.source,
                duplicate_of: c.facts.source.clone(),
            }),
            None => all.push(item),
        }
    }
    all.extend(checked);
    all.sort_by(|a, b| {
        (a.facts.start_time, &a.facts.source).cmp(&(b.facts.start_time, &b.facts.source))
    });
    (all, duplicates)
}

/// Runs that do not say where they were take the zone of their nearest runs in time
/// that do ([`crate::local_time::neighbours`]), as `scan` gives them.
fn local_times_from_neighbours(items: &mut [Item]) {
    let borrowed = {
        let clocks: Vec<_> = items
            .iter()
            .map(|i| (i.facts.start_time, &i.facts.local))
            .collect();
        crate::local_time::neighbours::borrow(&clocks)
    };
    for (item, local) in items.iter_mut().zip(borrowed) {
        if let Some(local) = local {
            item.facts.local = local;
        }
    }
}

/// The newest run (as history sees it: sport recorded, labelled or inferred): latest
/// start, then last by source. A start that cannot be true (a watch whose clock said
/// 2099, a FIT time read from power-on) is not the newest of anything: those runs are
/// left out (and warned about by `undated::place`).
fn newest_run(facts: &[RunFacts], placements: &[Placement]) -> Option<usize> {
    facts
        .iter()
        .enumerate()
        .filter(|(k, _)| {
            placements
                .get(*k)
                .is_some_and(|p| p.class != Class::Other && p.implausible_start.is_none())
        })
        .max_by(|(_, a), (_, b)| (a.start_time, &a.source).cmp(&(b.start_time, &b.source)))
        .map(|(k, _)| k)
}

/// The newest run's full analysis (its file read again: the history kept facts only).
fn analyse_latest(
    item: &mut Item,
    files: &[File],
    estimate: Option<f64>,
    labels: &Labels,
    config: &ScanConfig,
) -> Result<(), IngestError> {
    let path = files
        .get(item.file)
        .map(|f| f.path.clone())
        .unwrap_or_default();
    let fallback = if item.needs_fallback { estimate } else { None };
    let mut found = None;
    for result in crate::ingest::read_path(&path) {
        let raw = result?;
        if raw.source == item.facts.source {
            found = Some(analyze_raw(&raw, &config.settings, fallback));
            break;
        }
    }
    let Some(mut analyzed) = found else {
        return Err(IngestError::new(
            item.facts.source.clone(),
            crate::error::ReadError::Io {
                message: "the file changed while it was read".to_string(),
            },
        ));
    };
    let mut analysis = analyzed.analysis.ok();
    if let Some(label) = labels.get(&item.facts.source) {
        apply_label(&mut analyzed.facts, analysis.as_mut(), label);
    }
    item.checked = Some(Checked {
        analysis,
        input_index: 0,
    });
    Ok(())
}
