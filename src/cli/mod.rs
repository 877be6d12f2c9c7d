//! What each command does with its arguments, and the exit codes.

pub mod args;
mod maps;
mod output;
mod progress;
mod regress;

pub use regress::regress;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use easyrun::analyze::{Settings, analyze};
use easyrun::batch;
use easyrun::history::HistoryConfig;
use easyrun::report::html::{self, HtmlOptions};
use easyrun::report::scan::{self as scan_report, ScanFormat};
use easyrun::scan::{self, ScanConfig};

use easyrun::ingest::IngestResult;
use easyrun::ingest::export::Labels;
use easyrun::judge::{RuleSet, Verdict};
use easyrun::profile::{ProfileError, ProfileFlags, discover_profile_file};
use easyrun::report::check::{self as check_report, CheckFormat, CheckItem};
use easyrun::report::inspect::{self, InspectFormat};
use easyrun::report::schema::CheckRecord;
use progress::Progress;

use args::{
    CheckArgs, FailOn, InspectArgs, OutputFormat, ProfileArgs, ReportArgs, ScanArgs, ScanFormatArg,
};

/// Exit codes shared by all commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// All read; every judged run passed or warned.
    Ok = 0,
    /// Some run failed (or warned, with `--strict`).
    Fail = 1,
    /// A file could not be read, or the command line was wrong (takes precedence).
    Unreadable = 2,
    /// Some run could not be judged (and none failed).
    Unknown = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

pub fn inspect(args: &InspectArgs) -> io::Result<Exit> {
    let expanded = batch::expand(&args.paths);
    let mut items: Vec<inspect::InspectItem> = expanded.errors.into_iter().map(Err).collect();
    items.extend(batch::with_jobs(args.jobs, || {
        batch::map_files(&expanded.files, inspect::summarize)
    }));
    let format = match args.format {
        OutputFormat::Text => InspectFormat::Text,
        OutputFormat::Json => InspectFormat::Json,
        OutputFormat::Jsonl => InspectFormat::Jsonl,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    inspect::write(&mut out, &items, format)?;
    out.flush()?;
    Ok(if items.iter().any(Result::is_err) {
        Exit::Unreadable
    } else {
        Exit::Ok
    })
}

/// Profile flags and file, resolved once for the whole command.
fn settings(p: &ProfileArgs) -> Result<Settings, ProfileError> {
    let flags = ProfileFlags {
        max_hr: p.max_hr,
        rest_hr: p.rest_hr,
        lthr: p.lthr,
        age: p.age,
        sex: p.sex,
        zones: p.zones,
        phase: p.phase,
    };
    flags.validate()?;
    let profile_file = discover_profile_file(p.profile.as_deref())?
        .map(|(path, file)| (path.display().to_string(), file));
    let mut map_paths = p.maps.clone();
    if let Some((_, file)) = &profile_file {
        map_paths.extend(file.maps.iter().cloned());
    }
    Ok(Settings {
        flags,
        profile_file,
        rules: RuleSet::default(),
        keep_series: false,
        maps: Arc::new(maps::open_all(&map_paths)),
        map_params: Default::default(),
    })
}

/// Ingest + analysis of one result, as `check` keeps it.
fn check_item(result: IngestResult, settings: &Settings) -> CheckItem {
    match result {
        Err(e) => CheckItem::Failed {
            source: e.source_name.clone(),
            kind: e.error.kind(),
            message: e.to_string(),
        },
        Ok(raw) => match analyze(&raw, settings) {
            Ok(a) => CheckItem::Judged(Box::new(CheckRecord::of(&a))),
            Err(e) => CheckItem::Failed {
                source: raw.source.clone(),
                kind: e.kind(),
                message: format!("{}: {e}", raw.source),
            },
        },
    }
}

pub fn check(args: &CheckArgs) -> io::Result<Exit> {
    let settings = match settings(&args.profile) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("easyrun: {e}");
            return Ok(Exit::Unreadable);
        }
    };
    let expanded = batch::expand(&args.paths);
    let mut items: Vec<CheckItem> = expanded
        .errors
        .into_iter()
        .map(|e| check_item(Err(e), &settings))
        .collect();
    items.extend(batch::with_jobs(args.jobs, || {
        batch::map_files(&expanded.files, |r| check_item(r, &settings))
    }));
    let format = match args.format {
        OutputFormat::Text => CheckFormat::Text {
            color: io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        },
        OutputFormat::Json => CheckFormat::Json,
        OutputFormat::Jsonl => CheckFormat::Jsonl,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    check_report::write(&mut out, &items, format)?;
    out.flush()?;
    Ok(check_exit(&items, args.strict))
}

/// 2 any unreadable (precedence), 1 any fail (or warn when strict), 3 any unknown, else 0.
fn check_exit(items: &[CheckItem], strict: bool) -> Exit {
    let verdicts: Vec<Option<Verdict>> = items.iter().map(CheckItem::verdict).collect();
    if items.iter().any(|i| matches!(i, CheckItem::Failed { .. })) {
        Exit::Unreadable
    } else if verdicts
        .iter()
        .flatten()
        .any(|v| *v == Verdict::Fail || (strict && *v == Verdict::Warn))
    {
        Exit::Fail
    } else if verdicts.iter().flatten().any(|v| *v == Verdict::Unknown) {
        Exit::Unknown
    } else {
        Exit::Ok
    }
}

pub fn scan(args: &ScanArgs) -> io::Result<Exit> {
    let mut settings = match settings(&args.profile) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("easyrun: {e}");
            return Ok(Exit::Unreadable);
        }
    };
    settings.keep_series = false;
    let history = history_config(args.recovery_window_h, args.recovery_words.as_deref());
    let config = ScanConfig { settings, history };
    let result = scan_paths(&args.paths, &config, args.jobs, args.quiet);
    let format = match args.format {
        ScanFormatArg::Text => ScanFormat::Text,
        ScanFormatArg::Json => ScanFormat::Json,
        ScanFormatArg::Jsonl => ScanFormat::Jsonl,
        ScanFormatArg::Csv => ScanFormat::Csv,
    };
    output::write_output(args.output.as_deref(), |out| {
        scan_report::write(out, &result, format)
    })?;
    Ok(scan_exit(&result, args.fail_on))
}

/// The history settings `scan`, `regress` and `report` take from their flags.
fn history_config(recovery_window_h: f64, recovery_words: Option<&[String]>) -> HistoryConfig {
    let mut history = HistoryConfig {
        recovery_window_h,
        ..HistoryConfig::default()
    };
    if let Some(words) = recovery_words {
        history.recovery_words = words.iter().map(|w| w.trim().to_lowercase()).collect();
    }
    history
}

/// Expands `paths` and scans them: the one way `scan`, `regress` and `report` read a
/// folder.
fn scan_paths(paths: &[PathBuf], config: &ScanConfig, jobs: usize, quiet: bool) -> scan::Scan {
    let expanded = batch::expand(paths);
    let (labels, label_errors) = Labels::from_expanded(&expanded);
    let done = Arc::new(AtomicUsize::new(0));
    let progress = Progress::start(Arc::clone(&done), expanded.files.len(), quiet);
    let mut result = batch::with_jobs(jobs, || scan::scan(&expanded.files, &labels, config, &done));
    progress.finish();
    for path in &expanded.skipped {
        result.skipped.push(scan::Skipped {
            source: path.display().to_string(),
            reason: "side file of an export".to_string(),
        });
    }
    result.skipped.sort_by(|a, b| a.source.cmp(&b.source));
    for e in expanded.errors.into_iter().chain(label_errors) {
        result.errors.push(scan::ScanError {
            source: e.source_name.clone(),
            kind: e.error.kind(),
            message: e.to_string(),
        });
    }
    result.errors.sort_by(|a, b| a.source.cmp(&b.source));
    result
}

/// The exit status `check` would give, counted only from the `--fail-on` level up:
/// `error` → 2 for unreadable files only; `fail` → also 1 for a failed recovery run;
/// `warn` → also 1 for a warning and 3 for an unjudgeable one; `never` → 0.
fn scan_exit(scan: &scan::Scan, fail_on: FailOn) -> Exit {
    let judged: Vec<Verdict> = scan
        .entries
        .iter()
        .filter_map(|e| e.record.verdict)
        .collect();
    let any = |v: Verdict| judged.contains(&v);
    match fail_on {
        FailOn::Never => Exit::Ok,
        _ if !scan.errors.is_empty() => Exit::Unreadable,
        FailOn::Error => Exit::Ok,
        FailOn::Fail if any(Verdict::Fail) => Exit::Fail,
        FailOn::Fail => Exit::Ok,
        FailOn::Warn if any(Verdict::Fail) || any(Verdict::Warn) => Exit::Fail,
        FailOn::Warn if any(Verdict::Unknown) => Exit::Unknown,
        FailOn::Warn => Exit::Ok,
    }
}

/// The HTML report: the scan with each run's curves kept. Exit 2 when a file could not
/// be read (the page lists it), else 0: verdicts are the page's business.
pub fn report(args: &ReportArgs) -> io::Result<Exit> {
    let mut settings = match settings(&args.profile) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("easyrun: {e}");
            return Ok(Exit::Unreadable);
        }
    };
    settings.keep_series = true;
    let history = history_config(args.recovery_window_h, args.recovery_words.as_deref());
    let config = ScanConfig { settings, history };
    let result = scan_paths(&args.paths, &config, args.jobs, args.quiet);
    let options = HtmlOptions {
        title: args.title.clone(),
        recent_runs: args.recent,
        max_recovery_runs: args.max_recovery_charts,
        generator: Some(format!("easyrun {}", env!("CARGO_PKG_VERSION"))),
    };
    output::write_output(args.output.as_deref(), |out| {
        html::write(out, &result, &options)
    })?;
    Ok(scan_exit(&result, FailOn::Error))
}
