//! [`super::Scope::History`]: a whole export through the pipeline. Pass 1 reads, cleans and
//! analyses every file in parallel and keeps a compact digest per activity; activities
//! without any threshold wait for the history's max-HR estimate and are analysed again
//! in pass 2 (their files re-read: cheaper than keeping samples). Then, in time order:
//! the export's labels applied, duplicates dropped, every activity classified, intended
//! recovery runs judged, weeks summed.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::cache::{CachedActivity, FileId, HistoryCache, Outcome};
use super::duplicates::Run;
use super::{
    BatchPhase, Entry, Progress, Scan, ScanConfig, ScanError, Skipped, not_an_activity, parallel,
    undated,
};
use crate::analyze::{Analysis, Analyzed, analyze_raw};
use crate::history::baseline::{BaselineCheck, BaselineConfig};
use crate::history::{self, RunFacts, VerdictSummary};
use crate::ingest::labels::{Label, Labels};
use crate::judge::elevated::{HrAtPace, with_elevated_hr};
use crate::judge::{Assessment, ReasonCode};
use crate::local_time;
use crate::model::Format;
use crate::walk::Expanded;

/// Pass-1 result of one activity.
struct Digest {
    file_index: usize,
    input_index: usize,
    format: Format,
    /// No max HR of its own: the history's estimate stands in.
    needs_fallback: bool,
    /// The estimate it was analysed with.
    fallback_bpm: Option<f64>,
    analyzed: Analyzed,
    /// Served from the history cache, as held there (nothing to store again).
    cached: bool,
}

/// One outcome of a file, in the file's order: an activity (its digest) or a member
/// that is none.
enum Slot {
    Activity(usize),
    Skipped(Skipped),
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
///
/// With the history cache, a file it holds unchanged is not read: its activities' facts
/// and analyses come from the cache, and only the history's passes run over them. An
/// activity analysed with the history's max-HR estimate is served only while the
/// estimate is the same; otherwise its file is read again in pass 2, as the files
/// whose activities had no thresholds at all.
fn scan_files(
    files: &[PathBuf],
    first_index: usize,
    labels: &Labels,
    config: &ScanConfig,
    progress: &dyn Progress,
) -> (Scan, usize) {
    let settings = &config.settings;
    let mut cache = config
        .cache
        .as_deref()
        .map(|dir| HistoryCache::open(dir, settings));
    let ids: Vec<Option<FileId>> = match cache {
        Some(_) => files.iter().map(|f| FileId::of(f)).collect(),
        None => Vec::new(),
    };
    let mut held: Vec<Option<Vec<Outcome>>> = match &mut cache {
        Some(cache) => {
            let asked: Vec<_> = files
                .iter()
                .enumerate()
                .map(|(i, f)| (ids.get(i).and_then(Option::as_ref), f.as_path()))
                .collect();
            cache.get_all(&asked)
        }
        None => Vec::new(),
    };
    held.resize_with(files.len(), || None);
    let was_held: Vec<bool> = held.iter().map(Option::is_some).collect();
    let to_read: Vec<usize> = (0..files.len())
        .filter(|&i| held.get(i).is_some_and(Option::is_none))
        .collect();
    let paths: Vec<PathBuf> = to_read
        .iter()
        .filter_map(|&i| files.get(i).cloned())
        .collect();
    for _ in 0..files.len() - paths.len() {
        progress.file_done();
    }
    let results = parallel::map_files(&paths, progress, |k, r| {
        let read = r.map(|raw| (raw.format, analyze_raw(&raw, settings, None)));
        (to_read.get(k).copied().unwrap_or(0), read)
    });
    let mut scan = Scan {
        files: files.len(),
        ..Scan::default()
    };
    let mut digests = Vec::new();
    let mut slots: Vec<Vec<Slot>> = files.iter().map(|_| Vec::new()).collect();
    let mut failed_files = BTreeSet::new();
    let mut results = results.into_iter().peekable();
    let mut outcomes = 0;
    for (file_index, held) in held.into_iter().enumerate() {
        let mut push = |slot: Slot| {
            if let Some(s) = slots.get_mut(file_index) {
                s.push(slot);
            }
        };
        if let Some(held) = held {
            for outcome in held {
                let input_index = first_index + outcomes;
                outcomes += 1;
                match outcome {
                    Outcome::Activity(a) => {
                        let a = *a;
                        if settings.keep_series
                            && let Some(path) = files.get(file_index)
                        {
                            // Curves are never cached: read again when drawn.
                            scan.curves_pending
                                .insert(a.facts.source.clone(), path.clone());
                        }
                        push(Slot::Activity(digests.len()));
                        digests.push(Digest {
                            file_index,
                            input_index,
                            format: a.format,
                            needs_fallback: a.needs_fallback,
                            fallback_bpm: a.fallback_bpm,
                            analyzed: Analyzed {
                                facts: a.facts,
                                analysis: Ok(*a.analysis),
                            },
                            cached: true,
                        });
                    }
                    Outcome::Skipped(skipped) => {
                        scan.skipped.push(skipped.clone());
                        push(Slot::Skipped(skipped));
                    }
                }
            }
            continue;
        }
        while let Some((_, result)) = results.next_if(|(i, _)| *i == file_index) {
            let input_index = first_index + outcomes;
            outcomes += 1;
            match result {
                Ok((format, analyzed)) => {
                    push(Slot::Activity(digests.len()));
                    digests.push(Digest {
                        file_index,
                        input_index,
                        format,
                        needs_fallback: analyzed.analysis.is_err(),
                        fallback_bpm: None,
                        analyzed,
                        cached: false,
                    });
                }
                Err(e) => match not_an_activity(&e) {
                    Some(skipped) => {
                        scan.skipped.push(skipped.clone());
                        push(Slot::Skipped(skipped));
                    }
                    None => {
                        failed_files.insert(file_index);
                        scan.errors.push(ScanError::of_ingest(&e, input_index));
                    }
                },
            }
        }
    }
    // The history's estimate, when some activity has no max HR of its own: from the
    // facts, which need no thresholds (cached or read).
    if digests.iter().any(|d| d.needs_fallback) {
        let facts: Vec<RunFacts> = digests.iter().map(|d| d.analyzed.facts.clone()).collect();
        scan.max_hr_estimate = history::estimate_max_hr(&facts);
    }
    second_pass(
        files,
        &mut digests,
        scan.max_hr_estimate.as_ref().map(|e| e.bpm),
        config,
        progress,
    );
    if let Some(mut cache) = cache {
        store(
            &mut cache,
            files,
            &ids,
            &digests,
            &slots,
            &was_held,
            &failed_files,
        );
        scan.cache = Some(cache.finish());
    }
    progress.phase(BatchPhase::History {
        activities: digests.len(),
    });

    // Still without thresholds: errors that say how to give them.
    let mut analysed: Vec<Run> = Vec::new();
    for mut d in digests {
        if let Some(label) = labels.get(&d.analyzed.facts.source) {
            let a = &mut d.analyzed;
            apply_label(&mut a.facts, a.analysis.as_mut().ok(), label);
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
    let baselines = history::baseline::compare_all(&facts, &placements, &config.baseline);
    for (run, check) in kept.iter_mut().zip(&baselines) {
        add_elevated_hr(&mut run.analysis, check.as_ref(), &config.baseline);
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
        .zip(baselines)
        .map(|((run, placement), baseline)| Entry {
            judged: placement.intent.is_some(),
            analysis: run.analysis,
            placement: Some(placement),
            baseline,
            input_index: run.input_index,
        })
        .collect();
    scan.duplicates = duplicates;
    scan.skipped.sort_by(|a, b| a.source.cmp(&b.source));
    scan.errors.sort_by(|a, b| a.source.cmp(&b.source));
    (scan, outcomes)
}

/// Pass 2: activities without thresholds, analysed again with the history's max-HR
/// estimate `estimate_bpm` (their files re-read), and cached activities that were
/// analysed with another estimate than this one (or with one, when there is none now).
fn second_pass(
    files: &[PathBuf],
    digests: &mut [Digest],
    estimate_bpm: Option<f64>,
    config: &ScanConfig,
    progress: &dyn Progress,
) {
    let pending = |d: &Digest| {
        if d.cached {
            d.needs_fallback && d.fallback_bpm != estimate_bpm
        } else {
            d.analyzed.analysis.is_err() && estimate_bpm.is_some()
        }
    };
    if !digests.iter().any(pending) {
        return;
    }
    let pending_files: BTreeSet<usize> = digests
        .iter()
        .filter(|d| pending(d))
        .map(|d| d.file_index)
        .collect();
    let pending_sources: BTreeSet<&str> = digests
        .iter()
        .filter(|d| pending(d))
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
            Some(analyze_raw(&raw, settings, estimate_bpm))
        }
        _ => None,
    });
    let mut by_source: HashMap<String, Analyzed> = redone
        .into_iter()
        .flatten()
        .map(|a| (a.facts.source.clone(), a))
        .collect();
    for d in digests.iter_mut() {
        if pending(d)
            && let Some(new) = by_source.remove(&d.analyzed.facts.source)
        {
            d.analyzed = new;
            d.fallback_bpm = estimate_bpm;
            d.cached = false;
        }
    }
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
pub(super) fn judge_as_run(assessment: &mut Assessment) {
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
pub(super) fn place_timing(analysis: &mut Analysis, placement: &history::Placement, window_h: f64) {
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

/// Every file read without error whose activities could all be judged, with their facts
/// and analyses (before labels: the export's labels are read afresh each time), into
/// the cache, its outcomes in the file's order; files served from it unchanged are left
/// as they are held.
fn store(
    cache: &mut HistoryCache,
    files: &[PathBuf],
    ids: &[Option<FileId>],
    digests: &[Digest],
    slots: &[Vec<Slot>],
    held: &[bool],
    failed_files: &BTreeSet<usize>,
) {
    let mut stored: Vec<(&FileId, &Path)> = Vec::new();
    let mut stored_slots: Vec<&[Slot]> = Vec::new();
    for (index, (path, id)) in files.iter().zip(ids).enumerate() {
        let Some(id) = id else {
            continue;
        };
        let slots = slots.get(index).map_or(&[][..], Vec::as_slice);
        let activities = || {
            slots.iter().filter_map(|s| match s {
                Slot::Activity(k) => digests.get(*k),
                Slot::Skipped(_) => None,
            })
        };
        let unchanged = held.get(index).copied().unwrap_or(false) && activities().all(|d| d.cached);
        // An activity that cannot be judged even with the estimate is an error, and
        // errors are never cached.
        if failed_files.contains(&index)
            || unchanged
            || activities().any(|d| d.analyzed.analysis.is_err())
        {
            continue;
        }
        stored.push((id, path.as_path()));
        stored_slots.push(slots);
    }
    cache.put_all(&stored, |k| {
        let slots = stored_slots.get(k).copied().unwrap_or_default();
        slots
            .iter()
            .filter_map(|s| match s {
                Slot::Activity(k) => {
                    let d = digests.get(*k)?;
                    let analysis = d.analyzed.analysis.as_ref().ok()?;
                    Some(Outcome::Activity(Box::new(CachedActivity {
                        facts: d.analyzed.facts.clone(),
                        analysis: Box::new(analysis.clone()),
                        format: d.format,
                        needs_fallback: d.needs_fallback,
                        fallback_bpm: d.fallback_bpm,
                    })))
                }
                Slot::Skipped(skipped) => Some(Outcome::Skipped(skipped.clone())),
            })
            .collect()
    });
}

/// The `elevated_hr` warning added to `analysis` when its baseline check found the run
/// clearly above the runner's usual heart rate at its pace.
pub(super) fn add_elevated_hr(
    analysis: &mut Analysis,
    check: Option<&BaselineCheck>,
    config: &BaselineConfig,
) {
    if let Some(c) = check.and_then(BaselineCheck::elevated) {
        let x = HrAtPace {
            run_hr_bpm: c.run.hr_bpm,
            gap_pace_s_per_km: c.run.gap_pace_s_per_km(),
            usual_hr_bpm: c.usual_hr_bpm,
            threshold_bpm: c.threshold_bpm,
            spread_bpm: c.spread_bpm,
            baseline_runs: c.runs,
            window_days: config.window_days,
        };
        analysis.assessment = with_elevated_hr(&analysis.assessment, &x);
    }
}

/// An export's label on an activity's facts (and its analysis, when judged).
pub(super) fn apply_label(facts: &mut RunFacts, analysis: Option<&mut Analysis>, label: &Label) {
    if let Some(name) = &label.name {
        facts.name = Some(name.clone());
        if let Some(analysis) = analysis {
            analysis.header.name = Some(name.clone());
        }
    }
    facts.activity_type.clone_from(&label.activity_type);
    facts.perceived_exertion = label.perceived_exertion;
}
