//! [`super::Scope::History`]: a whole export through the pipeline. Pass 1 reads, cleans and
//! analyses every file in parallel and keeps a compact digest per activity; activities
//! without any threshold wait for the history's max-HR estimate and are analysed again
//! in pass 2 (their files re-read: cheaper than keeping samples). Then, in time order:
//! the export's labels applied, duplicates dropped, every activity classified, intended
//! recovery runs judged, weeks summed.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use super::duplicates::Run;
use super::{
    BatchPhase, Entry, Progress, Scan, ScanConfig, ScanError, not_an_activity, parallel, undated,
};
use crate::analyze::{Analysis, Analyzed, analyze_raw};
use crate::history::{self, VerdictSummary};
use crate::ingest::labels::{Label, Labels};
use crate::judge::{Assessment, ReasonCode};
use crate::local_time;
use crate::walk::Expanded;

/// Pass-1 result of one activity.
struct Digest {
    file_index: usize,
    input_index: usize,
    analyzed: Analyzed,
}

/// [`super::Scope::History`] over a walk: labels read, files scanned on `config.jobs`
/// threads, and the walk's and labels' errors added.
pub(super) fn history(expanded: &Expanded, config: &ScanConfig, progress: &dyn Progress) -> Scan {
    let (labels, label_errors) = Labels::from_expanded(expanded);
    let walk_errors = expanded.errors.len();
    let (mut scan, outcomes) = parallel::with_jobs(config.jobs, expanded.files.len(), || {
        scan_files(&expanded.files, walk_errors, &labels, config, progress)
    });
    let walk = expanded.errors.iter().enumerate();
    let labels = label_errors
        .iter()
        .enumerate()
        .map(|(i, e)| (walk_errors + outcomes + i, e));
    for (input_index, e) in walk.chain(labels) {
        scan.errors.push(ScanError::of_ingest(e, input_index));
    }
    scan.errors.sort_by(|a, b| a.source.cmp(&b.source));
    scan
}

/// Scans `files` (already expanded and sorted); their results are numbered in input
/// order from `first_index`. Returns the scan and the number of results read.
fn scan_files(
    files: &[PathBuf],
    first_index: usize,
    labels: &Labels,
    config: &ScanConfig,
    progress: &dyn Progress,
) -> (Scan, usize) {
    let settings = &config.settings;
    let results = parallel::map_files(files, progress, |i, r| {
        (i, r.map(|raw| analyze_raw(&raw, settings, None)))
    });
    let outcomes = results.len();
    let mut scan = Scan {
        files: files.len(),
        ..Scan::default()
    };
    let mut digests = Vec::new();
    for (k, (file_index, result)) in results.into_iter().enumerate() {
        let input_index = first_index + k;
        match result {
            Ok(analyzed) => digests.push(Digest {
                file_index,
                input_index,
                analyzed,
            }),
            Err(e) => match not_an_activity(&e) {
                Some(skipped) => scan.skipped.push(skipped),
                None => scan.errors.push(ScanError::of_ingest(&e, input_index)),
            },
        }
    }
    scan.max_hr_estimate = second_pass(files, &mut digests, config, progress);
    progress.phase(BatchPhase::History {
        activities: digests.len(),
    });

    // Still without thresholds: errors that say how to give them.
    let mut analysed: Vec<Run> = Vec::new();
    for mut d in digests {
        if let Some(label) = labels.get(&d.analyzed.facts.source) {
            apply_label(&mut d.analyzed, label);
        }
        let Analyzed { facts, analysis } = d.analyzed;
        match analysis {
            Ok(analysis) => analysed.push(Run {
                facts,
                analysis,
                input_index: d.input_index,
            }),
            Err(e) => scan.errors.push(ScanError {
                kind: e.kind(),
                message: format!("{}: {}", facts.source, e.describe(config.setting_names)),
                source: facts.source,
                input_index: d.input_index,
            }),
        }
    }

    // Time order, independent of file order; then duplicates out.
    analysed.sort_by(|a, b| {
        (a.facts.start_time, &a.facts.source).cmp(&(b.facts.start_time, &b.facts.source))
    });
    // Duplicates out, every activity classified; implausible starts apart (undated.rs).
    let placed = undated::place(analysed, config);
    let (mut kept, placements, duplicates) = (placed.runs, placed.placements, placed.duplicates);
    scan.warnings = placed.warnings;
    local_times_from_neighbours(&mut kept);

    let facts: Vec<_> = kept.iter().map(|r| r.facts.clone()).collect();
    scan.weeks = history::weekly(&facts, &placements);
    for (run, placement) in kept.iter_mut().zip(&placements) {
        if placement.intent.is_some() {
            // History knows it is a run (labelled or inferred) where the file did not say.
            judge_as_run(&mut run.analysis.assessment);
            place_timing(
                &mut run.analysis,
                placement,
                config.history.recovery_window_h,
            );
        }
    }
    let verdicts: Vec<Option<VerdictSummary>> = kept
        .iter()
        .zip(&placements)
        .map(|(run, placement)| {
            let a = &run.analysis.assessment;
            placement.intent.is_some().then(|| VerdictSummary {
                verdict: a.verdict.as_str().to_string(),
                codes: a
                    .reasons
                    .iter()
                    .map(|r| r.code.as_str().to_string())
                    .collect(),
            })
        })
        .collect();
    scan.summary = history::summarize(&placements, &verdicts);
    scan.entries = kept
        .into_iter()
        .zip(placements)
        .map(|(run, placement)| Entry {
            judged: placement.intent.is_some(),
            analysis: run.analysis,
            placement: Some(placement),
            input_index: run.input_index,
        })
        .collect();
    scan.duplicates = duplicates;
    scan.skipped.sort_by(|a, b| a.source.cmp(&b.source));
    scan.errors.sort_by(|a, b| a.source.cmp(&b.source));
    (scan, outcomes)
}

/// Pass 2: activities without thresholds, analysed again with the history's max-HR
/// estimate (their files re-read). Returns the estimate, when some activity needed it.
fn second_pass(
    files: &[PathBuf],
    digests: &mut [Digest],
    config: &ScanConfig,
    progress: &dyn Progress,
) -> Option<history::MaxHrEstimate> {
    let pending = |d: &&Digest| d.analyzed.analysis.is_err();
    if !digests.iter().any(|d| pending(&d)) {
        return None;
    }
    let facts: Vec<_> = digests.iter().map(|d| d.analyzed.facts.clone()).collect();
    let estimate = history::estimate_max_hr(&facts)?;
    let pending_files: BTreeSet<usize> = digests
        .iter()
        .filter(pending)
        .map(|d| d.file_index)
        .collect();
    let pending_sources: BTreeSet<&str> = digests
        .iter()
        .filter(pending)
        .map(|d| d.analyzed.facts.source.as_str())
        .collect();
    let subset: Vec<PathBuf> = pending_files
        .iter()
        .filter_map(|&i| files.get(i).cloned())
        .collect();
    let settings = &config.settings;
    progress.phase(BatchPhase::Rereading {
        files: subset.len(),
    });
    let redone = parallel::map_files(&subset, progress, |_, r| match r {
        Ok(raw) if pending_sources.contains(raw.source.as_str()) => {
            Some(analyze_raw(&raw, settings, Some(estimate.bpm)))
        }
        _ => None,
    });
    let mut by_source: HashMap<String, Analyzed> = redone
        .into_iter()
        .flatten()
        .map(|a| (a.facts.source.clone(), a))
        .collect();
    for d in digests.iter_mut() {
        if d.analyzed.analysis.is_err()
            && let Some(new) = by_source.remove(&d.analyzed.facts.source)
        {
            d.analyzed = new;
        }
    }
    Some(estimate)
}

/// Runs that do not say where they were (no file offset, no usable position) take the
/// zone of their nearest runs in time that do ([`local_time::neighbours`]).
fn local_times_from_neighbours(runs: &mut [Run]) {
    let borrowed = {
        let clocks: Vec<_> = runs
            .iter()
            .map(|r| (r.facts.start_time, &r.facts.local))
            .collect();
        local_time::neighbours::borrow(&clocks)
    };
    for (run, local) in runs.iter_mut().zip(borrowed) {
        if let Some(local) = local {
            run.analysis.header.local = local.clone();
            run.facts.local = local;
        }
    }
}

/// A run history placed as a recovery run is judged as one even when its file named no
/// sport: the `not_a_run` reason goes, and the verdict follows the other reasons.
fn judge_as_run(assessment: &mut Assessment) {
    if assessment
        .reasons
        .iter()
        .any(|r| r.code == ReasonCode::NotARun)
    {
        let reasons = std::mem::take(&mut assessment.reasons)
            .into_iter()
            .filter(|r| r.code != ReasonCode::NotARun)
            .collect();
        let clauses = std::mem::take(&mut assessment.clauses);
        *assessment = Assessment::from_reasons(reasons);
        assessment.clauses = clauses;
    }
}

/// The timing clause of a judged run from its place in the history (`check` cannot see
/// it): kept after a long or hard session within the window, broken (information) for a
/// run judged by its name that follows none, not checkable when the start is unknown.
fn place_timing(analysis: &mut Analysis, placement: &history::Placement, window_h: f64) {
    let placed = crate::judge::clauses::Placed {
        after: placement
            .recovers_from
            .as_ref()
            .map(|f| (f.source.as_str(), f.hours_since_end)),
        window_h,
    };
    // A start that is unknown or cannot be true relates the run to nothing before it.
    let unplaced = if !analysis.header.time_base.start_known() {
        Some("start unknown: the file's clock counts from the device's power-on".to_string())
    } else {
        placement
            .implausible_start
            .as_ref()
            .map(|i| format!("start implausible: {}", i.message))
    };
    let (clause, reason) = crate::judge::clauses::timing_placed(unplaced.as_deref(), placed);
    let a = &mut analysis.assessment;
    if let Some(c) = a.clauses.iter_mut().find(|c| c.clause == clause.clause) {
        *c = clause;
    }
    if let Some(r) = reason {
        let mut reasons = std::mem::take(&mut a.reasons);
        reasons.push(r);
        let clauses = std::mem::take(&mut a.clauses);
        *a = Assessment::from_reasons(reasons);
        a.clauses = clauses;
    }
}

fn apply_label(a: &mut Analyzed, label: &Label) {
    if let Some(name) = &label.name {
        a.facts.name = Some(name.clone());
        if let Ok(analysis) = a.analysis.as_mut() {
            analysis.header.name = Some(name.clone());
        }
    }
    a.facts.activity_type.clone_from(&label.activity_type);
    a.facts.perceived_exertion = label.perceived_exertion;
}
