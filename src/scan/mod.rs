//! The batch driver, and the library's one entry for a whole batch: [`run_batch`]
//! walks the paths, reads and analyses every file in parallel (the per-file pipeline of
//! [`analyze`](mod@crate::analyze)) and returns the complete result: every activity,
//! the files that could not be read, the side files passed over and, in a history
//! scan, the classes, the recovery runs' placement, duplicates, the max-HR estimate and
//! the weeks. `check`, `scan`, `report` and `regress` all call it; output does not
//! depend on thread count or file-system order.

pub mod cache;
mod duplicates;
mod in_history;
mod parallel;
mod passes;
mod undated;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use serde::Serialize;

use crate::analyze::{Analysis, Analyzed, Settings, analyze_raw};
use crate::error::{IngestError, ReadError};
use crate::history::baseline::{BaselineCheck, BaselineConfig};
use crate::history::{
    Class, HistoryConfig, HistorySummary, ImplausibleStart, MaxHrEstimate, Placement, WeekSummary,
};
use crate::ingest::IngestResult;
use crate::model::Timestamp;
use crate::setting::SettingNames;
use crate::walk;

use cache::CacheReport;
use parallel::with_jobs;
pub use parallel::{MAX_JOBS, threads_for};

/// How the activities of a batch are judged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// In their history (`scan`, `report`, `regress`): an export's labels, the max-HR
    /// estimate for activities without thresholds, duplicates left out, every activity
    /// classified, the intended recovery runs judged, weeks summed. Files and members
    /// that hold no activity are skipped.
    #[default]
    History,
    /// Each activity on its own (`check`): every one judged as a recovery run, in input
    /// order; no labels, estimate, duplicates or classes, and a file that holds no
    /// activity is an error.
    EachActivity,
    /// Each activity of the batch's paths judged as a recovery run (as
    /// [`Scope::EachActivity`], in input order) within the history of these paths, as a
    /// history scan of both would place it: its class, the session it recovers from,
    /// the history's max-HR estimate, the runner's baseline (`check --history`). The
    /// history's facts come from the cache where it has them; its unreadable files are
    /// reported in [`Scan::history_errors`] and skipped.
    InHistory(Vec<PathBuf>),
    /// The newest run among the batch's paths judged in the context of the rest
    /// (`check --latest`); no entry when they hold no run.
    Latest,
}

/// What a batch is told.
#[derive(Debug, Clone, Default)]
pub struct ScanConfig {
    /// What the runner told easyrun: thresholds, profile file, rules, curves kept.
    pub settings: Settings,
    /// How runs are placed in their history.
    pub history: HistoryConfig,
    /// How the runner's own baseline is made (`elevated_hr`).
    pub baseline: BaselineConfig,
    /// Whether activities are judged in their history or each on its own.
    pub scope: Scope,
    /// Worker threads (0 = one per core; at most [`MAX_JOBS`], and never more than
    /// there are files). The result is the same for any value.
    pub jobs: usize,
    /// The history cache's folder ([`cache::default_dir`]); `None`: no cache. The result
    /// is the same with or without it.
    pub cache: Option<PathBuf>,
    /// How error messages name the settings to give (a command line: its flags).
    pub setting_names: SettingNames,
    /// The machine's clock, for starts in the future (`history::dates`); `None` leaves
    /// that check out, so a result never depends on when it was computed.
    pub clock: Option<Timestamp>,
}

/// What a long batch tells its caller while it runs (the library never prints).
pub trait Progress: Sync {
    /// `files` files are about to be read.
    fn start(&self, files: usize) {
        let _ = files;
    }
    /// One more file has been read and analysed (in the first pass, then again in
    /// [`BatchPhase::Rereading`]).
    fn file_done(&self) {}
    /// The batch has moved on to `phase`.
    fn phase(&self, phase: BatchPhase) {
        let _ = phase;
    }
}

/// What a history batch does after its first pass over the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchPhase {
    /// Pass 2: `files` files read again for the activities that waited for the
    /// history's max-HR estimate.
    Rereading {
        /// Files to read again.
        files: usize,
    },
    /// The history: duplicates, classes, recovery-run placement, verdicts and weeks of
    /// `activities` activities.
    History {
        /// Activities read.
        activities: usize,
    },
}

/// No progress display.
impl Progress for () {}

/// A file or member that holds no activity (Garmin monitoring/sleep/settings files,
/// Strava routes, side files of an export): counted, not an error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    /// The file, or `archive.zip/member`.
    pub source: String,
    /// What it is instead of an activity.
    pub reason: String,
}

/// A file that could not be read, or an activity that could not be analysed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanError {
    /// The file, or `archive.zip/member`, or the activity.
    pub source: String,
    /// A stable snake_case code ([`crate::ReadError::kind`], [`crate::profile::ProfileError::kind`]).
    pub kind: &'static str,
    /// The message, naming the source.
    pub message: String,
    /// This outcome's place in input order (see [`Entry::input_index`]).
    #[serde(skip)]
    pub input_index: usize,
}

/// Something a batch read but doubts: an activity whose start cannot be true.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScanWarning {
    /// The file, member or activity.
    pub source: String,
    /// A stable snake_case code: for a start that cannot be true, its
    /// [`crate::history::StartIssue`] (`before_fit_epoch`, `before_device`,
    /// `after_file_created`, `in_future`).
    pub kind: &'static str,
    /// The message, naming the source.
    pub message: String,
    /// This outcome's place in input order (see [`Entry::input_index`]).
    #[serde(skip)]
    pub input_index: usize,
}

impl ScanWarning {
    /// `source`'s start cannot be true: left out of the weeks and of every relation in
    /// time.
    pub fn implausible_start(
        source: &str,
        issue: &ImplausibleStart,
        input_index: usize,
    ) -> ScanWarning {
        ScanWarning {
            source: source.to_string(),
            kind: issue.code.as_str(),
            message: format!(
                "{source}: {}; left out of the weeks and of recovery-run placement",
                issue.message
            ),
            input_index,
        }
    }
}

/// The same run recorded twice (a `.fit` and its `.gpx` twin, or watch and phone).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    /// The recording left out.
    pub source: String,
    /// The recording kept for the same run.
    pub duplicate_of: String,
}

/// One activity of the batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The activity judged as a recovery run (for every activity: `regress` pins the
    /// verdict even of runs `scan` does not judge), with its curves when the scan kept
    /// them (`Settings::keep_series`).
    pub analysis: Analysis,
    /// Its place in the history ([`Scope::History`] only).
    pub placement: Option<Placement>,
    /// What the runner's own baseline says of it (runs judged in a history).
    pub baseline: Option<BaselineCheck>,
    /// Whether the run is judged as a recovery run (reports show its verdict only then):
    /// the intended recovery runs of a history, every run of [`Scope::EachActivity`].
    pub judged: bool,
    /// This outcome's place in input order: walk errors first, then each file's results
    /// in sorted-path order and the file's own order (activities and errors share the
    /// count, so `check` can print them as they came).
    pub input_index: usize,
}

/// The complete result of a batch.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scan {
    /// Activities: in time order, duplicates excluded ([`Scope::History`]); in input
    /// order ([`Scope::EachActivity`]).
    pub entries: Vec<Entry>,
    /// Recordings left out as the same run as another, by source.
    pub duplicates: Vec<Duplicate>,
    /// Sorted by source.
    pub skipped: Vec<Skipped>,
    /// Sorted by source ([`Scope::History`]); in input order ([`Scope::EachActivity`]).
    pub errors: Vec<ScanError>,
    /// Activities read but doubted (a start that cannot be true), in the order of
    /// `entries`.
    pub warnings: Vec<ScanWarning>,
    /// The max HR estimated from the history, when some activity needed it.
    pub max_hr_estimate: Option<MaxHrEstimate>,
    /// Week-by-week totals (ISO weeks).
    pub weeks: Vec<WeekSummary>,
    /// Classes and recovery-run counts of the whole history.
    pub summary: HistorySummary,
    /// Files read.
    pub files: usize,
    /// [`Scope::InHistory`], [`Scope::Latest`]: the history's files that could not be
    /// read (skipped), by source.
    pub history_errors: Vec<ScanError>,
    /// [`Scope::InHistory`], [`Scope::Latest`]: the history the runs were judged in.
    pub history: Option<HistoryContext>,
    /// What the history cache did, when one was used.
    pub cache: Option<CacheReport>,
    /// Activities whose curves were asked for (`Settings::keep_series`) but not kept,
    /// because the history cache served them (curves are never cached): their source
    /// and the file to read them from ([`read_curves`]).
    pub curves_pending: BTreeMap<String, PathBuf>,
}

/// The history a run was judged in ([`Scope::InHistory`], [`Scope::Latest`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct HistoryContext {
    /// Files of the history's paths.
    pub files: usize,
    /// Activities of the history and the judged runs together (duplicates out).
    pub activities: usize,
    /// Of which runs.
    pub runs: usize,
    /// Activities by class.
    pub by_class: BTreeMap<Class, usize>,
}

impl ScanError {
    fn of_ingest(e: &IngestError, input_index: usize) -> ScanError {
        ScanError {
            source: e.source_name.clone(),
            kind: e.error.kind(),
            message: e.to_string(),
            input_index,
        }
    }
}

/// Runs a batch end to end: walks `paths` (files, folders, archives, exports), reads
/// and analyses every activity under `config`, and returns the complete result.
/// `progress` hears how many files there are and when each is done.
pub fn run_batch(paths: &[PathBuf], config: &ScanConfig, progress: &dyn Progress) -> Scan {
    let expanded = walk::expand(paths);
    let mut scan = match &config.scope {
        Scope::History => {
            progress.start(expanded.files.len());
            passes::history(&expanded, config, progress)
        }
        Scope::EachActivity => {
            progress.start(expanded.files.len());
            each_activity(&expanded, config, progress)
        }
        Scope::InHistory(history) => in_history::run(&expanded, history, false, config, progress),
        Scope::Latest => {
            return in_history::run(&walk::Expanded::default(), paths, true, config, progress);
        }
    };
    for path in &expanded.skipped {
        scan.skipped.push(Skipped {
            source: walk::source_name(path),
            reason: "side file of an export".to_string(),
        });
    }
    for (path, what) in &expanded.special {
        scan.skipped.push(Skipped {
            source: walk::source_name(path),
            reason: format!("not a regular file: {what}"),
        });
    }
    scan.skipped.sort_by(|a, b| a.source.cmp(&b.source));
    scan
}

/// Reads every activity of `paths` as recorded, in input order (walk errors first), and
/// maps each result with `per_result` in parallel on `jobs` threads (`inspect`).
/// `progress` hears how many files there are and when each is done.
pub fn read_each<T, F>(
    paths: &[PathBuf],
    jobs: usize,
    progress: &dyn Progress,
    per_result: F,
) -> Vec<T>
where
    T: Send,
    F: Fn(IngestResult) -> T + Sync + Send,
{
    let expanded = walk::expand(paths);
    progress.start(expanded.files.len());
    let mut out: Vec<T> = expanded
        .errors
        .into_iter()
        .map(Err)
        .map(&per_result)
        .collect();
    out.extend(with_jobs(jobs, expanded.files.len(), || {
        parallel::map_files(&expanded.files, progress, |_, r| per_result(r))
    }));
    out
}

/// [`Scope::EachActivity`]: every result judged on its own, in input order.
fn each_activity(expanded: &walk::Expanded, config: &ScanConfig, progress: &dyn Progress) -> Scan {
    let mut scan = Scan {
        files: expanded.files.len(),
        ..Scan::default()
    };
    let walk_errors = expanded.errors.len();
    for (i, e) in expanded.errors.iter().enumerate() {
        scan.errors.push(ScanError::of_ingest(e, i));
    }
    let settings = &config.settings;
    let outcomes = with_jobs(config.jobs, expanded.files.len(), || {
        parallel::map_files(&expanded.files, progress, |_, r| match r {
            Err(e) => Err(e),
            Ok(raw) => Ok(analyze_raw(&raw, settings, None)),
        })
    });
    for (i, outcome) in outcomes.into_iter().enumerate() {
        let input_index = walk_errors + i;
        match outcome {
            Err(e) => scan.errors.push(ScanError::of_ingest(&e, input_index)),
            Ok(Analyzed {
                analysis: Ok(analysis),
                facts,
            }) => {
                if let Some(issue) = crate::history::check_start(&facts, config.clock) {
                    scan.warnings.push(ScanWarning::implausible_start(
                        &facts.source,
                        &issue,
                        input_index,
                    ));
                }
                scan.entries.push(Entry {
                    analysis,
                    placement: None,
                    baseline: None,
                    judged: true,
                    input_index,
                });
            }
            Ok(Analyzed {
                facts,
                analysis: Err(e),
            }) => scan.errors.push(ScanError {
                kind: e.kind(),
                message: format!("{}: {}", facts.source, e.describe(config.setting_names)),
                source: facts.source,
                input_index,
            }),
        }
    }
    scan
}

/// Reads the curves (`Settings::keep_series`) of the entries at `wanted` that the
/// history cache served without them ([`Scan::curves_pending`]): their files are read
/// and those activities analysed again as they were (the same estimate), keeping only
/// the curves. A file that changed or cannot be read meanwhile leaves its entries
/// without curves. Entries not in `wanted` keep none (`report` draws the curves of a
/// few runs only).
pub fn read_curves(
    scan: &mut Scan,
    wanted: &[usize],
    config: &ScanConfig,
    progress: &dyn Progress,
) {
    let mut fallback_by_source: HashMap<String, Option<f64>> = HashMap::new();
    let mut paths: BTreeSet<PathBuf> = BTreeSet::new();
    for &i in wanted {
        let Some(e) = scan.entries.get(i) else {
            continue;
        };
        let source = &e.analysis.header.source;
        if e.analysis.series.is_some() {
            continue;
        }
        let Some(path) = scan.curves_pending.get(source) else {
            continue;
        };
        let estimate = e
            .analysis
            .profile
            .max_hr_bpm
            .as_ref()
            .filter(|m| m.source == crate::profile::Source::HistoryEstimate)
            .map(|m| m.value);
        fallback_by_source.insert(source.clone(), estimate);
        paths.insert(path.clone());
    }
    if paths.is_empty() {
        return;
    }
    let paths: Vec<PathBuf> = paths.into_iter().collect();
    progress.phase(BatchPhase::Rereading { files: paths.len() });
    let settings = Settings {
        keep_series: true,
        ..config.settings.clone()
    };
    let read = with_jobs(config.jobs, paths.len(), || {
        parallel::map_files(&paths, progress, |_, r| {
            let raw = r.ok()?;
            let fallback = *fallback_by_source.get(&raw.source)?;
            let analysis = analyze_raw(&raw, &settings, fallback).analysis.ok()?;
            Some((raw.source.clone(), analysis.series, analysis.surface_strip))
        })
    });
    let mut curves: HashMap<String, _> = read
        .into_iter()
        .flatten()
        .map(|(source, series, strip)| (source, (series, strip)))
        .collect();
    for &i in wanted {
        if let Some(e) = scan.entries.get_mut(i)
            && let Some((series, strip)) = curves.remove(&e.analysis.header.source)
        {
            e.analysis.series = series;
            e.analysis.surface_strip = strip;
            scan.curves_pending.remove(&e.analysis.header.source);
        }
    }
}

impl Scan {
    /// The entries with their place in the history: every entry of a
    /// [`Scope::History`] scan, none of a [`Scope::EachActivity`] one. The renderers of a
    /// history (scan output, the HTML page, regress) read these.
    pub fn placed(&self) -> impl Iterator<Item = (&Entry, &Placement)> {
        self.entries
            .iter()
            .filter_map(|e| e.placement.as_ref().map(|p| (e, p)))
    }
}

/// Why an ingest error is no error for a history: the member holds no activity.
fn not_an_activity(e: &IngestError) -> Option<Skipped> {
    match &e.error {
        ReadError::NotAnActivity { what } => Some(Skipped {
            source: e.source_name.clone(),
            reason: what.clone(),
        }),
        _ => None,
    }
}
