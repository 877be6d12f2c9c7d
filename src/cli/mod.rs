//! The command line on top of the library: what each command does with its arguments,
//! its exit status, and the one place errors are printed. Commands return an [`Exit`]
//! or a [`CliError`]; [`run`] turns either into the process status.

pub mod args;
mod color;
mod commands;
mod help;
mod history;
mod manpage;
mod maps;
mod notes;
mod output;
mod progress;
mod regress;
mod shell;
mod target;

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use easyrun::analyze::Settings;
use easyrun::history::HistoryConfig;
use easyrun::judge::RuleSet;
use easyrun::profile::{ProfileError, ProfileFlags, discover_profile_file};
use easyrun::regress::RegressError;
use easyrun::scan::{self, ScanConfig, Scope};

use args::{BatchArgs, Cli, Command, FLAGS, HistoryArgs, ProfileArgs};
use color::Colors;
use progress::ProgressLine;

/// Exit codes shared by all commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// All read; every judged run passed or warned.
    Ok = 0,
    /// Some run failed (or warned, with `--strict`); `regress`: differences.
    Fail = 1,
    /// A file could not be read, or the settings, a baseline or manifest, or the command
    /// line were wrong (takes precedence).
    Unreadable = 2,
    /// Some run could not be judged (and none failed).
    Unknown = 3,
    /// The output (stdout, `-o FILE`, `--junit FILE`, the baseline being re-pinned) could
    /// not be written (or must not be: an input of the run): nothing is wrong with the
    /// input.
    OutputFailed = 4,
    /// Nothing to judge: the paths held no activity at all (an empty folder, only side
    /// files) and nothing failed to read; or `check --latest` found no run among them.
    /// One meaning for every command that gives it.
    NoActivities = 5,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Why a command stopped before it could give its own status.
#[derive(Debug)]
pub enum CliError {
    /// The profile flags or file are wrong.
    Settings(ProfileError),
    /// A baseline or manifest cannot be read or is broken; `hint` says what to do.
    Regress {
        error: RegressError,
        hint: Option<&'static str>,
    },
    /// Writing the output to `target` (a path, or `stdout`) failed.
    Output { target: String, error: io::Error },
    /// Something the command needs from its environment (the current folder).
    Environment {
        what: &'static str,
        error: io::Error,
    },
    /// Nothing to judge (exit 5, as [`CliError::NoActivities`]): `check --latest` found
    /// activities among `paths` but no run (`activities` found, `undated` of them set
    /// aside for a start that cannot be true).
    NoRun {
        paths: String,
        activities: usize,
        undated: usize,
    },
    /// `check --latest` without paths and no `history = [...]` in a profile file.
    NoHistoryPaths,
    /// The history cache folder cannot be listed or cleared.
    Cache { dir: PathBuf, error: io::Error },
    /// Nothing to read: `paths` held no activity (`skipped` files or members were not
    /// activities) and no file failed.
    NoActivities { paths: String, skipped: usize },
}

impl CliError {
    fn exit(&self) -> Exit {
        match self {
            CliError::Output { .. } => Exit::OutputFailed,
            CliError::NoRun { .. } | CliError::NoActivities { .. } => Exit::NoActivities,
            CliError::Settings(_)
            | CliError::Regress { .. }
            | CliError::Environment { .. }
            | CliError::NoHistoryPaths
            | CliError::Cache { .. } => Exit::Unreadable,
        }
    }

    /// `easyrun … | head` closes the pipe early: that is not an error.
    fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Output { error, .. } if error.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Settings(e) => f.write_str(&e.describe(FLAGS)),
            // The hint is a line of its own ([`run`] prints it after the error).
            CliError::Regress { error, .. } => write!(f, "{error}"),
            CliError::Output { target, error } => {
                write!(f, "cannot write {target}: {}", output::cause(target, error))
            }
            CliError::Environment { what, error } => write!(f, "cannot read {what}: {error}"),
            CliError::NoRun {
                paths,
                activities,
                undated: 0,
            } => write!(
                f,
                "no run found in {paths} ({activities} other activities): nothing to check"
            ),
            CliError::NoRun {
                paths,
                activities,
                undated,
            } => write!(
                f,
                "no run found in {paths} ({activities} activities, {undated} of them set aside: \
                 a start that cannot be true): nothing to check"
            ),
            CliError::NoHistoryPaths => f.write_str(
                "--latest needs folders: give them (easyrun check --latest ~/Garmin/Activities) \
                 or set history = [\"...\"] in easyrun.toml (docs/history.md)",
            ),
            CliError::Cache { dir, error } => {
                write!(f, "cannot use the history cache {}: {error}", dir.display())
            }
            CliError::NoActivities { paths, skipped } => {
                write!(f, "no activities found in {paths}")?;
                match skipped {
                    0 => Ok(()),
                    1 => write!(f, " (1 file or member skipped: not an activity)"),
                    n => write!(f, " ({n} files or members skipped: not activities)"),
                }
            }
        }
    }
}

/// easyrun's clap definition with each command's examples and exit statuses after
/// its options: what `--help`, `easyrun completions` and `easyrun manpage` read.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    help::decorate(Cli::command())
}

/// Parses the process's arguments (help, version and usage errors exit here, in the
/// colors `--color` asks for) and runs the command.
pub fn main() -> ExitCode {
    use clap::FromArgMatches;
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = command()
        .color(color::clap_choice(&args))
        .get_matches_from(args);
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => run(&cli),
        Err(e) => e.exit(),
    }
}

/// Runs the command `cli` names; the one place that prints an error.
pub fn run(cli: &Cli) -> ExitCode {
    let colors = Colors::detect(cli.color);
    let result = match &cli.command {
        Command::Inspect(args) => commands::inspect(args, colors),
        Command::Check(args) => commands::check(args, colors),
        Command::Scan(args) => commands::scan(args, colors),
        Command::Regress(args) => regress::regress(args, colors),
        Command::Report(args) => commands::report(args, colors),
        Command::Completions(args) => shell::completions(args),
        Command::Manpage(_) => shell::manpage(),
        Command::Cache(args) => history::cache(args),
    };
    match result {
        Ok(exit) => exit.into(),
        // Commands give their own status for a closed pipe ([`finish`]); one that
        // reaches here closed before anything was judged.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            // Paths and messages quote file names and content: the notes escape them
            // for the terminal.
            notes::error(&e.to_string(), colors);
            if let CliError::Regress {
                hint: Some(hint), ..
            } = &e
            {
                notes::note(hint);
            }
            e.exit().into()
        }
    }
}

/// The command's status once its output is `written`: a closed pipe (`easyrun … |
/// head`) is no error, and the status is the one the run would have had.
fn finish(written: Result<(), CliError>, exit: Exit) -> Result<Exit, CliError> {
    match written {
        Ok(()) => Ok(exit),
        Err(e) if e.is_broken_pipe() => Ok(exit),
        Err(e) => Err(e),
    }
}

/// How messages name a path the user gave: exact, bytes that are not UTF-8 kept
/// losslessly ([`easyrun::walk::source_name`]); the printer escapes it.
fn shown_path(path: &std::path::Path) -> String {
    easyrun::walk::source_name(path)
}

/// The paths as a message lists them.
fn shown_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| shown_path(p))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every file a run over `paths` reads (the walk's files and export metadata), plus
/// `extra` (a profile file, a baseline or manifest read): what no output may replace.
fn run_inputs(paths: &[PathBuf], extra: &[Option<&std::path::Path>]) -> target::Inputs {
    let expanded = easyrun::walk::expand(paths);
    let metadata = expanded
        .skipped
        .iter()
        .filter(|p| easyrun::walk::layout::is_metadata_path(p));
    let extra: Vec<PathBuf> = extra.iter().flatten().map(|p| p.to_path_buf()).collect();
    target::Inputs::of(expanded.files.iter().chain(metadata).chain(&extra))
}

/// What no output of a batch over `paths` may replace: its files, the profile file and
/// the maps (see [`profile_inputs`]). Gathered only when an output file exists
/// ([`target::resolve`]): for stdout or a new file a scan walks its folders once, not
/// twice (the walk and a stat and realpath of every file: ~40 ms on the main thread
/// before the workers start, for 3000 files).
fn batch_inputs(paths: &[PathBuf], p: &ProfileArgs) -> target::Inputs {
    let own = profile_inputs(p);
    let extra: Vec<Option<&std::path::Path>> = own.iter().map(|f| Some(f.as_path())).collect();
    run_inputs(paths, &extra)
}

/// The files the profile settings read: the profile file — given with `--profile` or
/// found (./easyrun.toml, the user's config folder) — the maps it names and the maps of
/// the command line. A profile file that cannot be read adds nothing here: settings
/// report it.
fn profile_inputs(p: &ProfileArgs) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = p.maps.clone();
    if let Ok(Some((path, file))) = discover_profile_file(p.profile.as_deref()) {
        files.push(path);
        files.extend(file.maps);
    } else if let Some(path) = &p.profile {
        files.push(path.clone());
    }
    files
}

/// Profile flags and file, resolved once for the whole command, and the maps they name
/// opened (notes on stderr, in `colors`).
fn settings(p: &ProfileArgs, colors: Colors) -> Result<Settings, CliError> {
    let flags = ProfileFlags {
        max_hr: p.max_hr,
        rest_hr: p.rest_hr,
        lthr: p.lthr,
        age: p.age,
        sex: p.sex,
        zones: p.zones,
        phase: p.phase,
    };
    flags.validate().map_err(CliError::Settings)?;
    let profile_file = discover_profile_file(p.profile.as_deref())
        .map_err(CliError::Settings)?
        .map(|(path, file)| (shown_path(&path), file));
    let mut map_paths = p.maps.clone();
    if let Some((_, file)) = &profile_file {
        map_paths.extend(file.maps.iter().cloned());
    }
    let timezone = p.timezone.clone().or_else(|| {
        profile_file
            .as_ref()
            .and_then(|(_, file)| file.timezone.clone())
    });
    Ok(Settings {
        flags,
        profile_file,
        rules: RuleSet::default(),
        keep_series: false,
        maps: Arc::new(maps::open_all(&map_paths, colors)),
        map_params: Default::default(),
        timezone,
    })
}

/// The history settings `scan`, `regress` and `report` take from their flags.
fn history_config(h: &HistoryArgs) -> HistoryConfig {
    let mut history = HistoryConfig {
        recovery_window_h: h.recovery_window_h,
        ..HistoryConfig::default()
    };
    if let Some(words) = &h.recovery_words {
        history.recovery_words = words.iter().map(|w| w.trim().to_lowercase()).collect();
    }
    history
}

/// The history settings of `scan` and `report`: [`history_config`] and the named
/// workouts' words.
fn batch_history(b: &BatchArgs) -> HistoryConfig {
    let mut history = history_config(&b.history);
    for spec in &b.workout_words {
        history.workout_words.apply(spec);
    }
    history
}

/// The batch every command runs, with the command line's names for settings.
fn config(settings: Settings, history: HistoryConfig, scope: Scope, jobs: usize) -> ScanConfig {
    ScanConfig {
        settings,
        history,
        baseline: Default::default(),
        scope,
        jobs,
        cache: None,
        setting_names: FLAGS,
        clock: Some(now()),
    }
}

/// The machine's clock: starts more than a day after it are flagged.
fn now() -> easyrun::Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    easyrun::Timestamp(ms)
}

/// Runs the batch of `paths` with `progress` showing its phases: the one way `check`,
/// `scan`, `regress` and `report` read their files.
fn scan_paths(paths: &[PathBuf], config: &ScanConfig, progress: &ProgressLine) -> scan::Scan {
    scan::run_batch(paths, config, progress)
}
