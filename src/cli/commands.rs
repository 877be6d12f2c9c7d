//! `inspect`, `check`, `scan` and `report`: each runs the library's batch and renders
//! it, and says with which exit status the command ends.

use easyrun::judge::Verdict;
use easyrun::report::check::{self as check_report, CheckFormat, CheckItem};
use easyrun::report::html::{self, HtmlOptions};
use easyrun::report::inspect::{self, InspectFormat};
use easyrun::report::scan::{self as scan_report, ScanFormat};
use easyrun::scan::{self, Scope};

use super::args::{
    CheckArgs, FLAGS, FailOn, InspectArgs, OutputFormat, ReportArgs, ScanArgs, ScanFormatArg,
};
use super::color::Colors;
use super::progress::ProgressLine;
use super::{
    CliError, Exit, batch_history, batch_inputs, config, finish, history, history_config, notes,
    output, scan_paths, settings, shown_paths,
};

/// Exit 0 when every file was read, 2 when any failed, 5 when there was nothing to
/// read.
pub fn inspect(args: &InspectArgs, colors: Colors) -> Result<Exit, CliError> {
    let progress = ProgressLine::new(args.quiet);
    let items = scan::read_each(&args.paths, args.jobs.jobs, &progress, inspect::summarize);
    drop(progress);
    for e in items.iter().filter_map(|i| i.as_ref().err()) {
        notes::error(&format!("{e} [{}]", e.error.kind()), colors);
    }
    let format = match args.format {
        OutputFormat::Text => InspectFormat::Text,
        OutputFormat::Json => InspectFormat::Json,
        OutputFormat::Jsonl => InspectFormat::Jsonl,
    };
    let written = output::write_output(None, |mut out| inspect::write(&mut out, &items, format));
    let exit = if items.iter().any(Result::is_err) {
        Exit::Unreadable
    } else {
        Exit::Ok
    };
    if items.is_empty() {
        finish(written, exit)?;
        return Err(no_activities(&args.paths, 0));
    }
    finish(written, exit)
}

/// The error for a run that found nothing to read in `paths`.
fn no_activities(paths: &[std::path::PathBuf], skipped: usize) -> CliError {
    CliError::NoActivities {
        paths: shown_paths(paths),
        skipped,
    }
}

/// Whether a batch found no activity and no error at all (only skipped files, or
/// nothing).
fn found_nothing(scan: &scan::Scan) -> bool {
    scan.entries.is_empty() && scan.duplicates.is_empty() && scan.errors.is_empty()
}

/// `check FILE...`, `check FILE... --history PATH...`, `check --latest [PATH...]`.
pub fn check(args: &CheckArgs, colors: Colors) -> Result<Exit, CliError> {
    let settings = settings(&args.profile, colors)?;
    let units = settings.units(args.units.units);
    let (scope, paths) = if args.latest {
        let paths = history::latest_paths(&args.paths, &settings)?;
        (Scope::Latest, paths)
    } else if let Some(history) = &args.history {
        (Scope::InHistory(history.clone()), args.paths.clone())
    } else {
        (Scope::EachActivity, args.paths.clone())
    };
    let in_history = scope != Scope::EachActivity;
    let mut config = config(
        settings,
        history_config(&args.placement),
        scope,
        args.jobs.jobs,
    );
    if in_history {
        config.cache = history::cache_dir(args.no_cache);
    }
    let progress = ProgressLine::new(args.quiet);
    let result = scan_paths(&paths, &config, &progress);
    drop(progress);
    notes::batch(&result, colors);
    if args.latest && result.entries.is_empty() && result.errors.is_empty() {
        let activities = result.history.as_ref().map_or(0, |h| h.activities);
        if activities == 0 {
            return Err(no_activities(&paths, result.skipped.len()));
        }
        return Err(CliError::NoRun {
            paths: shown_paths(&paths),
            activities,
            // A latest batch warns of nothing but starts set aside.
            undated: result.warnings.len(),
        });
    }
    let items = CheckItem::all(&result, config.history.recovery_window_h);
    let format = match args.format {
        OutputFormat::Text => CheckFormat::Text {
            color: colors.stdout,
            units,
        },
        OutputFormat::Json => CheckFormat::Json,
        OutputFormat::Jsonl => CheckFormat::Jsonl,
    };
    let written = output::write_output(None, |mut out| {
        check_report::write(&mut out, &items, format)
    });
    let exit = finish(written, check_exit(&items, args.strict))?;
    if found_nothing(&result) {
        return Err(no_activities(&paths, result.skipped.len()));
    }
    Ok(exit)
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

pub fn scan(args: &ScanArgs, colors: Colors) -> Result<Exit, CliError> {
    // The output is checked before anything is read (a map index can take minutes).
    let destination = output::destination(args.output.as_deref(), || {
        batch_inputs(&args.paths, &args.profile)
    })?;
    let settings = settings(&args.profile, colors)?;
    let units = settings.units(args.units.units);
    let placement = batch_history(&args.batch);
    let mut config = config(settings, placement, Scope::History, args.batch.jobs.jobs);
    config.cache = history::cache_dir(args.batch.no_cache);
    let progress = ProgressLine::new(args.batch.quiet);
    let result = scan_paths(&args.paths, &config, &progress);
    let format = match args.format {
        // Color only on the terminal itself: never into a file.
        ScanFormatArg::Text => ScanFormat::Text {
            color: colors.stdout && args.output.is_none(),
        },
        ScanFormatArg::Json => ScanFormat::Json,
        ScanFormatArg::Jsonl => ScanFormat::Jsonl,
        ScanFormatArg::Csv => ScanFormat::Csv,
    };
    progress.writing(&output::target_name(args.output.as_deref()));
    let written = destination.write(|out| scan_report::write(out, &result, format, units));
    drop(progress);
    notes::batch(&result, colors);
    let exit = finish(written, scan_exit(&result, args.fail_on))?;
    if found_nothing(&result) {
        return Err(no_activities(&args.paths, result.skipped.len()));
    }
    Ok(exit)
}

/// The exit status `check` would give, counted only from the `--fail-on` level up:
/// `error` → 2 for unreadable files only; `fail` → also 1 for a failed recovery run;
/// `warn` → also 1 for a warning and 3 for an unjudgeable one; `never` → 0.
fn scan_exit(scan: &scan::Scan, fail_on: FailOn) -> Exit {
    let judged: Vec<Verdict> = scan
        .placed()
        .map(|(e, _)| e)
        .filter(|e| e.judged)
        .map(|e| e.analysis.assessment.verdict)
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
pub fn report(args: &ReportArgs, colors: Colors) -> Result<Exit, CliError> {
    let destination = output::destination(args.output.as_deref(), || {
        batch_inputs(&args.paths, &args.profile)
    })?;
    let mut settings = settings(&args.profile, colors)?;
    settings.keep_series = true;
    let units = settings.units(args.units.units);
    let placement = batch_history(&args.batch);
    let mut config = config(settings, placement, Scope::History, args.batch.jobs.jobs);
    config.cache = history::cache_dir(args.batch.no_cache);
    let progress = ProgressLine::new(args.batch.quiet);
    let mut result = scan_paths(&args.paths, &config, &progress);
    let options = HtmlOptions {
        title: args.title.clone(),
        recent_runs: args.recent,
        max_recovery_runs: args.max_recovery_charts,
        generator: Some(format!("easyrun {}", env!("CARGO_PKG_VERSION"))),
        setting_names: FLAGS,
        units,
    };
    // The runs the page draws: their curves, where the history cache served them
    // without (curves are never cached).
    let charted = html::charted(&result, &options);
    scan::read_curves(&mut result, &charted, &config, &progress);
    progress.writing(&output::target_name(args.output.as_deref()));
    let written = destination.write(|out| html::write(out, &result, &options));
    drop(progress);
    notes::batch(&result, colors);
    let exit = finish(written, scan_exit(&result, FailOn::Error))?;
    if found_nothing(&result) {
        return Err(no_activities(&args.paths, result.skipped.len()));
    }
    Ok(exit)
}
