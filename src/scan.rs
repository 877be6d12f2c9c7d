//! The scan driver: a whole export through the pipeline. Pass 1 reads, cleans and
//! analyses every file in parallel and keeps a compact digest per activity; activities
//! without any threshold wait for the history's max-HR estimate and are analysed again
//! in pass 2 (their files re-read: cheaper than keeping samples). Then, in time order:
//! duplicates dropped, every activity classified, intended recovery runs judged, weeks
//! summed. Output does not depend on thread count or file-system order.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::atomic::AtomicUsize;

use serde::Serialize;

use crate::analyze::{Analysis, Settings};
use crate::batch;
use crate::clean;
use crate::error::ReadError;
use crate::history::{
    self, Class, HistoryConfig, HistorySummary, LapFacts, MaxHrEstimate, Placement, RunFacts,
    VerdictSummary, WeekSummary,
};
use crate::ingest::IngestResult;
use crate::ingest::export::{Label, Labels};
use crate::judge::Assessment;
use crate::metrics::zones::{seconds_at_or_above, sustained_max_hr_bpm};
use crate::model::{Format, RawActivity, Timestamp};
use crate::profile::{ProfileError, require_zones};
use crate::report::schema::CheckRecord;
use crate::report::series::SeriesPoint;

/// What a scan is told.
#[derive(Debug, Clone, Default)]
pub struct ScanConfig {
    pub settings: Settings,
    pub history: HistoryConfig,
}

/// A file or member that holds no activity (Garmin monitoring/sleep/settings files,
/// Strava routes): counted, not an error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub source: String,
    pub reason: String,
}

/// A file that could not be read, or an activity that could not be analysed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanError {
    pub source: String,
    pub kind: &'static str,
    pub message: String,
}

/// The same run recorded twice (a `.fit` and its `.gpx` twin, or watch and phone).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    pub source: String,
    pub duplicate_of: String,
}

/// One activity of the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Everything `check` reports; `verdict` is null and `reasons` empty when the run is
    /// not judged as a recovery run.
    #[serde(flatten)]
    pub record: CheckRecord,
    #[serde(flatten)]
    pub placement: Placement,
    /// Whether the run was judged as a recovery run.
    pub judged: bool,
    /// The rule's judgement of the run as a recovery run, kept also for runs `scan` does
    /// not judge (not in scan output: `regress` pins it for every activity).
    #[serde(skip)]
    pub assessment: Assessment,
    /// The run's downsampled curves, when the scan kept them (`Settings::keep_series`),
    /// for charts; not part of the wire format.
    #[serde(skip)]
    pub series: Option<Vec<SeriesPoint>>,
}

/// The result of a scan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scan {
    /// Activities in time order (duplicates excluded).
    pub entries: Vec<Entry>,
    pub duplicates: Vec<Duplicate>,
    pub skipped: Vec<Skipped>,
    pub errors: Vec<ScanError>,
    /// The max HR estimated from the history, when some activity needed it.
    pub max_hr_estimate: Option<MaxHrEstimate>,
    pub weeks: Vec<WeekSummary>,
    pub summary: HistorySummary,
    /// Files read.
    pub files: usize,
}

/// Pass-1 result of one activity.
struct Digest {
    file_index: usize,
    facts: RunFacts,
    analysis: Option<Analysis>,
    /// Why the activity could not be analysed yet (no thresholds).
    pending: Option<ProfileError>,
}

enum Outcome {
    Activity(Box<Digest>),
    Skipped(Skipped),
    Error(ScanError),
}

fn error_of(source: &str, e: &ReadError, message: String) -> Outcome {
    if let ReadError::NotAnActivity { what } = e {
        return Outcome::Skipped(Skipped {
            source: source.to_string(),
            reason: what.clone(),
        });
    }
    Outcome::Error(ScanError {
        source: source.to_string(),
        kind: e.kind(),
        message,
    })
}

/// Facts that need no thresholds.
fn base_facts(raw: &RawActivity, activity: &crate::model::Activity) -> RunFacts {
    let end_ms = (activity.elapsed_s * 1000.0).round() as i64;
    RunFacts {
        source: raw.source.clone(),
        start_time: raw.start_time,
        end_time: Timestamp(raw.start_time.0.saturating_add(end_ms)),
        sport: raw.sport.clone(),
        sub_sport: raw.sub_sport.clone(),
        name: raw.name.clone(),
        activity_type: None,
        perceived_exertion: None,
        moving_s: activity.moving_s(),
        distance_m: activity.moving_distance_m(),
        hr_moving_s: 0,
        hard_s: None,
        below_ceiling_s: None,
        above_ceiling_s: None,
        avg_hr_bpm: None,
        sustained_max_hr_bpm: sustained_max_hr_bpm(activity),
        laps: raw
            .laps
            .iter()
            .map(|l| LapFacts {
                intensity: l.intensity,
                timer_s: l.timer_s,
                distance_m: l.distance_m,
                avg_hr_bpm: l.avg_hr_bpm,
            })
            .collect(),
        surges: 0,
    }
}

/// Analyses `raw`; `fallback_max_hr` is the history's estimate (pass 2).
fn digest(
    file_index: usize,
    raw: &RawActivity,
    settings: &Settings,
    fallback_max_hr: Option<f64>,
) -> Digest {
    let profile = settings.profile_for(raw, fallback_max_hr);
    let activity = clean::clean_with(raw, settings.known_max_hr_bpm(&profile));
    let mut facts = base_facts(raw, &activity);
    match require_zones(&profile) {
        Ok(zones) => {
            facts.hard_s = Some(seconds_at_or_above(&activity, zones.hard_bpm()));
            let analysis = settings.analyze_cleaned(&activity, profile, zones);
            let m = &analysis.metrics;
            facts.hr_moving_s = m.hr_moving_s;
            facts.avg_hr_bpm = m.avg_hr_bpm;
            facts.surges = m.surges.len();
            if let Some(c) = &m.ceiling {
                facts.above_ceiling_s = Some(c.above_s);
                facts.below_ceiling_s = Some(c.hr_moving_s.saturating_sub(c.above_s));
            }
            Digest {
                file_index,
                facts,
                analysis: Some(analysis),
                pending: None,
            }
        }
        Err(e) => Digest {
            file_index,
            facts,
            analysis: None,
            pending: Some(e),
        },
    }
}

fn outcome(
    file_index: usize,
    result: IngestResult,
    settings: &Settings,
    fallback: Option<f64>,
) -> Outcome {
    match result {
        Err(e) => {
            let message = e.to_string();
            error_of(&e.source_name, &e.error, message)
        }
        Ok(raw) => Outcome::Activity(Box::new(digest(file_index, &raw, settings, fallback))),
    }
}

/// Runs a scan over `files` (already expanded and sorted). `labels` are the export's
/// metadata (Strava `activities.csv`): its names, types and perceived exertion take
/// precedence over the file's own name. `done` counts finished files of pass 1 for a
/// progress display.
pub fn scan(files: &[PathBuf], labels: &Labels, config: &ScanConfig, done: &AtomicUsize) -> Scan {
    let settings = &config.settings;
    let outcomes = batch::map_files_indexed(files, done, |i, r| outcome(i, r, settings, None));
    let mut digests = Vec::new();
    let mut skipped = Vec::new();
    let mut errors = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Activity(d) => digests.push(*d),
            Outcome::Skipped(s) => skipped.push(s),
            Outcome::Error(e) => errors.push(e),
        }
    }

    // Pass 2: activities without thresholds, with the history's estimate.
    let mut max_hr_estimate = None;
    if digests.iter().any(|d| d.pending.is_some()) {
        let facts: Vec<RunFacts> = digests.iter().map(|d| d.facts.clone()).collect();
        max_hr_estimate = history::estimate_max_hr(&facts);
        let pending_files: BTreeSet<usize> = digests
            .iter()
            .filter(|d| d.pending.is_some())
            .map(|d| d.file_index)
            .collect();
        let pending_sources: BTreeSet<String> = digests
            .iter()
            .filter(|d| d.pending.is_some())
            .map(|d| d.facts.source.clone())
            .collect();
        if let Some(est) = &max_hr_estimate {
            let subset: Vec<PathBuf> = pending_files
                .iter()
                .filter_map(|&i| files.get(i).cloned())
                .collect();
            let index_of: Vec<usize> = pending_files.iter().copied().collect();
            let again = AtomicUsize::new(0);
            let redone = batch::map_files_indexed(&subset, &again, |i, r| match r {
                Ok(raw) if pending_sources.contains(&raw.source) => Some(digest(
                    index_of.get(i).copied().unwrap_or(i),
                    &raw,
                    settings,
                    Some(est.bpm),
                )),
                _ => None,
            });
            let mut by_source: HashMap<String, Digest> = redone
                .into_iter()
                .flatten()
                .map(|d| (d.facts.source.clone(), d))
                .collect();
            for d in &mut digests {
                if d.pending.is_some()
                    && let Some(new) = by_source.remove(&d.facts.source)
                {
                    *d = new;
                }
            }
        }
    }

    // Still without thresholds: errors that say how to give them.
    let mut analysed: Vec<(RunFacts, Analysis)> = Vec::new();
    for mut d in digests {
        if let Some(label) = labels.get(&d.facts.source) {
            apply_label(&mut d, label);
        }
        match (d.analysis, d.pending) {
            (Some(a), _) => analysed.push((d.facts, a)),
            (None, Some(e)) => errors.push(ScanError {
                source: d.facts.source.clone(),
                kind: e.kind(),
                message: format!("{}: {e}", d.facts.source),
            }),
            (None, None) => {}
        }
    }

    // Time order, independent of file order; then duplicates out.
    analysed.sort_by(|a, b| (a.0.start_time, &a.0.source).cmp(&(b.0.start_time, &b.0.source)));
    let (kept, duplicates) = drop_duplicates(analysed);

    let facts: Vec<RunFacts> = kept.iter().map(|(f, _)| f.clone()).collect();
    let placements = history::classify(&facts, &config.history);
    let weeks = history::weekly(&facts, &placements);
    let mut verdicts = Vec::with_capacity(kept.len());
    let mut entries = Vec::with_capacity(kept.len());
    for ((_, mut analysis), placement) in kept.into_iter().zip(placements) {
        let judged = placement.intent.is_some();
        if judged {
            place_timing(&mut analysis, &placement, config.history.recovery_window_h);
        }
        let mut record = CheckRecord::of(&analysis);
        if judged {
            verdicts.push(Some(VerdictSummary {
                verdict: analysis.assessment.verdict.as_str().to_string(),
                codes: analysis
                    .assessment
                    .reasons
                    .iter()
                    .map(|r| r.code.as_str().to_string())
                    .collect(),
            }));
        } else {
            record.verdict = None;
            record.reasons.clear();
            verdicts.push(None);
        }
        entries.push(Entry {
            record,
            placement,
            judged,
            assessment: analysis.assessment.clone(),
            series: analysis.series.take(),
        });
    }
    let placements: Vec<Placement> = entries.iter().map(|e| e.placement.clone()).collect();
    let summary = history::summarize(&placements, &verdicts);
    skipped.sort_by(|a, b| a.source.cmp(&b.source));
    errors.sort_by(|a, b| a.source.cmp(&b.source));
    Scan {
        entries,
        duplicates,
        skipped,
        errors,
        max_hr_estimate,
        weeks,
        summary,
        files: files.len(),
    }
}

/// The timing clause of a judged run from its place in the history (check cannot see it).
fn place_timing(analysis: &mut Analysis, placement: &Placement, window_h: f64) {
    let placed = crate::judge::clauses::Placed {
        after: placement
            .recovers_from
            .as_ref()
            .map(|f| (f.source.as_str(), f.hours_since_end)),
        window_h,
    };
    let (clause, reason) =
        crate::judge::clauses::timing_placed(analysis.time_base.start_known(), placed);
    let a = &mut analysis.assessment;
    if let Some(c) = a.clauses.iter_mut().find(|c| c.clause == clause.clause) {
        *c = clause;
    }
    if let Some(r) = reason {
        let mut reasons = std::mem::take(&mut a.reasons);
        reasons.push(r);
        let clauses = std::mem::take(&mut a.clauses);
        *a = crate::judge::Assessment::from_reasons(reasons);
        a.clauses = clauses;
    }
}

fn apply_label(d: &mut Digest, label: &Label) {
    if let Some(name) = &label.name {
        d.facts.name = Some(name.clone());
        if let Some(a) = d.analysis.as_mut() {
            a.name = Some(name.clone());
        }
    }
    d.facts.activity_type.clone_from(&label.activity_type);
    d.facts.perceived_exertion = label.perceived_exertion;
}

/// Start times this close are the same run (seconds).
const DUPLICATE_START_S: i64 = 2;
/// …when their moving distances agree within this share (or neither has distance).
const DUPLICATE_DISTANCE_SHARE: f64 = 0.05;

/// Keeps one activity per recorded run. Device names differ between formats (a FIT
/// says `garmin/fr255`, its GPX twin `Garmin Connect`), so devices are not compared:
/// two recordings starting within 2 s with distances within 5 % are one run. The
/// richest format is kept: FIT, then TCX, then GPX; then the first by source.
fn drop_duplicates(
    sorted: Vec<(RunFacts, Analysis)>,
) -> (Vec<(RunFacts, Analysis)>, Vec<Duplicate>) {
    let rank = |f: Format| match f {
        Format::Fit => 0,
        Format::Tcx => 1,
        Format::Gpx => 2,
    };
    let same = |a: &RunFacts, b: &RunFacts| {
        let dt = (a.start_time.0 - b.start_time.0).abs() / 1000;
        let (da, db) = (a.distance_m, b.distance_m);
        let close = if da.max(db) < 1.0 {
            true
        } else {
            (da - db).abs() <= DUPLICATE_DISTANCE_SHARE * da.max(db)
        };
        dt <= DUPLICATE_START_S && close
    };
    let mut kept: Vec<(RunFacts, Analysis)> = Vec::with_capacity(sorted.len());
    let mut duplicates = Vec::new();
    for item in sorted {
        let twin = kept
            .iter()
            .rev()
            .take_while(|k| (item.0.start_time.0 - k.0.start_time.0) / 1000 <= DUPLICATE_START_S)
            .position(|k| same(&k.0, &item.0))
            .map(|p| kept.len() - 1 - p);
        match twin {
            Some(i) => {
                let Some(existing) = kept.get_mut(i) else {
                    continue;
                };
                if rank(item.1.format) < rank(existing.1.format) {
                    let old = std::mem::replace(existing, item);
                    duplicates.push(Duplicate {
                        source: old.0.source,
                        duplicate_of: existing.0.source.clone(),
                    });
                } else {
                    duplicates.push(Duplicate {
                        source: item.0.source,
                        duplicate_of: existing.0.source.clone(),
                    });
                }
            }
            None => kept.push(item),
        }
    }
    duplicates.sort_by(|a, b| a.source.cmp(&b.source));
    (kept, duplicates)
}

/// Counts of what a scan found, by class (for reports).
pub fn classes(scan: &Scan) -> Vec<(Class, usize)> {
    scan.summary
        .by_class
        .iter()
        .map(|(c, n)| (*c, *n))
        .collect()
}
