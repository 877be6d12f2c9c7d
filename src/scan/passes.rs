//! [`super::Scope::History`]: a whole export through the pipeline. Pass 1 reads, cleans and
//! analyses every file in parallel and keeps a compact digest per activity; activities
//! without any threshold wait for the history's max-HR estimate and are analysed again
//! in pass 2 (their files re-read: cheaper than keeping samples). Then, in time order:
//! the export's labels applied, duplicates dropped, every activity classified, intended
//! recovery runs judged, weeks summed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

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
}

/// What the cache tells a scan before it reads: the history's estimate and the
/// activities that need it (known only when the cache holds every file).
struct Preset {
    estimate: Option<f64>,
    needs: HashSet<String>,
}

impl Preset {
    /// From the cache, when it holds every file of `files` (identified as `ids`).
    fn of(cache: &mut HistoryCache, files: &[PathBuf], ids: &[Option<FileId>]) -> Option<Preset> {
        let mut activities = Vec::new();
        let mut all = true;
        for (path, id) in files.iter().zip(ids) {
            let hit = match id {
                Some(id) => cache.get(id, path),
                None => {
                    cache.count_miss();
                    None
                }
            };
            match hit {
                Some(outcomes) => activities.extend(outcomes.into_iter().filter_map(|o| match o {
                    Outcome::Activity(a) => Some(*a),
                    Outcome::Skipped(_) => None,
                })),
                None => all = false,
            }
        }
        if !all {
            return None;
        }
        let needs: HashSet<String> = activities
            .iter()
            .filter(|a| a.needs_fallback)
            .map(|a| a.facts.source.clone())
            .collect();
        let estimate = if needs.is_empty() {
            None
        } else {
            let facts: Vec<RunFacts> = activities.into_iter().map(|a| a.facts).collect();
            history::estimate_max_hr(&facts).map(|e| e.bpm)
        };
        Some(Preset { estimate, needs })
    }

    fn fallback_for(this: Option<&Preset>, source: &str) -> Option<f64> {
        this.filter(|p| p.needs.contains(source))
            .and_then(|p| p.estimate)
    }
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
    let mut cache = config
        .cache
        .as_deref()
        .map(|dir| HistoryCache::open(dir, settings));
    let ids: Vec<Option<FileId>> = match cache {
        Some(_) => files.iter().map(|f| FileId::of(f)).collect(),
        None => Vec::new(),
    };
    let preset = cache.as_mut().and_then(|c| Preset::of(c, files, &ids));
    let results = parallel::map_files(files, progress, |i, r| {
        let read = r.map(|raw| {
            let fallback = Preset::fallback_for(preset.as_ref(), &raw.source);
            (raw.format, fallback, analyze_raw(&raw, settings, fallback))
        });
        (i, read)
    });
    let outcomes = results.len();
    let mut scan = Scan {
        files: files.len(),
        ..Scan::default()
    };
    let mut digests = Vec::new();
    let mut skipped_by_file: HashMap<usize, Vec<Skipped>> = HashMap::new();
    let mut failed_files = BTreeSet::new();
    for (k, (file_index, result)) in results.into_iter().enumerate() {
        let input_index = first_index + k;
        match result {
            Ok((format, fallback_bpm, analyzed)) => digests.push(Digest {
                file_index,
                input_index,
                format,
                needs_fallback: fallback_bpm.is_some() || analyzed.analysis.is_err(),
                fallback_bpm,
                analyzed,
            }),
            Err(e) => match not_an_activity(&e) {
                Some(skipped) => {
                    skipped_by_file
                        .entry(file_index)
                        .or_default()
                        .push(skipped.clone());
                    scan.skipped.push(skipped);
                }
                None => {
                    failed_files.insert(file_index);
                    scan.errors.push(ScanError::of_ingest(&e, input_index));
                }
            },
        }
    }
    scan.max_hr_estimate = second_pass(files, &mut digests, config, progress);
    if let Some(p) = &preset
        && !p.needs.is_empty()
        && scan.max_hr_estimate.is_none()
    {
        let facts: Vec<RunFacts> = digests.iter().map(|d| d.analyzed.facts.clone()).collect();
        scan.max_hr_estimate = history::estimate_max_hr(&facts);
    }
    if let Some(mut cache) = cache {
        store(
            &mut cache,
            files,
            &ids,
            &digests,
            &skipped_by_file,
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
            d.fallback_bpm = Some(estimate.bpm);
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
/// (before labels: the export's labels are read afresh each time), into the cache.
fn store(
    cache: &mut HistoryCache,
    files: &[PathBuf],
    ids: &[Option<FileId>],
    digests: &[Digest],
    skipped_by_file: &HashMap<usize, Vec<Skipped>>,
    failed_files: &BTreeSet<usize>,
) {
    let mut by_file: HashMap<usize, Vec<Outcome>> = HashMap::new();
    // An activity that cannot be judged even with the estimate is an error, and errors
    // are never cached.
    let unjudged: BTreeSet<usize> = digests
        .iter()
        .filter(|d| d.analyzed.analysis.is_err())
        .map(|d| d.file_index)
        .collect();
    for d in digests {
        by_file
            .entry(d.file_index)
            .or_default()
            .push(Outcome::Activity(Box::new(CachedActivity {
                facts: d.analyzed.facts.clone(),
                format: d.format,
                needs_fallback: d.needs_fallback,
                fallback_bpm: d.fallback_bpm,
            })));
    }
    for (index, (path, id)) in files.iter().zip(ids).enumerate() {
        let Some(id) = id else {
            continue;
        };
        if failed_files.contains(&index) || unjudged.contains(&index) {
            continue;
        }
        let mut outcomes = by_file.remove(&index).unwrap_or_default();
        outcomes.extend(
            skipped_by_file
                .get(&index)
                .into_iter()
                .flatten()
                .cloned()
                .map(Outcome::Skipped),
        );
        cache.put(id, path, &outcomes);
    }
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
