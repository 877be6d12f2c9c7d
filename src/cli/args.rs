//! Command-line arguments (clap derive), kept apart from what the commands do.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{ArgGroup, Parser, Subcommand, ValueEnum};
use easyrun::local_time::Zone;
use easyrun::profile::{Choice, Phase, Sex, Units, ZoneModel};
use easyrun::setting::{Setting, SettingNames};

/// easyrun: tells runners the truth about their recovery runs.
#[derive(Debug, Parser)]
#[command(name = "easyrun", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// When to color the output: auto (on a terminal, unless NO_COLOR is set;
    /// CLICOLOR_FORCE forces it), always, never. Words say everything colors do.
    #[arg(long, value_enum, value_name = "WHEN", global = true, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    #[command(subcommand)]
    pub command: Command,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Summarise every activity in FIT/GPX/TCX files, archives and folders, values as
    /// recorded.
    Inspect(InspectArgs),
    /// Judge runs meant as recovery runs against the coaching rule: a verdict, reasons
    /// and the numbers behind them.
    Check(CheckArgs),
    /// Scan a folder or export: classify every activity, find the recovery runs by their
    /// place in the week (or their name) and judge them, week by week.
    Scan(ScanArgs),
    /// Scan as `scan` does and compare with a committed baseline and/or hand-written
    /// expectations, for CI: exit 0 no differences, 1 differences, 2 broken baseline,
    /// manifest or usage.
    Regress(RegressArgs),
    /// Write one self-contained HTML page (inline SVG charts, no scripts) from the same
    /// scan: recovery runs worst first, the weeks' 80/20 picture, every activity, and
    /// charts per run.
    Report(ReportArgs),
    /// Show or clear the history cache (the facts and analyses `check --history`, `scan`
    /// and `report` keep of every file of a history).
    Cache(CacheArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions(CompletionsArgs),
    /// Print the manual page (roff, section 1) to stdout.
    Manpage(ManpageArgs),
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
    /// Accepted as by every command (this one shows no progress).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct ManpageArgs {
    /// Accepted as by every command (this one shows no progress).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, clap::Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: CacheAction,
    /// Accepted as by every command (this one shows no progress).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum CacheAction {
    /// The cache folder and its files: size, history files and activities held.
    Info,
    /// Remove every cache file (nothing else in the folder).
    Clear,
}

/// When `scan` exits non-zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only when a file could not be read (exit 2).
    Error,
    /// Also when a judged recovery run failed (exit 1).
    Fail,
    /// Also when one warned or could not be judged (exit 1 / 3).
    Warn,
    /// Never.
    Never,
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Folders (recursive), files, .gz and .zip archives, Strava and Garmin exports.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormatArg::Text)]
    pub format: ScanFormatArg,
    /// Write to FILE (atomically: a temporary file renamed when complete).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// What makes the exit status non-zero.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub units: UnitsArgs,
    #[command(flatten)]
    pub batch: BatchArgs,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Folders (recursive), files, .gz and .zip archives, Strava and Garmin exports.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Write the page to FILE (atomically); stdout without it.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The page's title.
    #[arg(long, default_value = "Recovery run report")]
    pub title: String,
    /// Besides the recovery runs, draw charts for this many of the most recent runs.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub recent: usize,
    /// Draw charts for at most this many recovery runs (the most recent).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_recovery_charts: usize,
    #[command(flatten)]
    pub units: UnitsArgs,
    #[command(flatten)]
    pub batch: BatchArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormatArg {
    Text,
    Json,
    Jsonl,
    Csv,
}

/// How `scan` and `report` run their batch: the history settings, the named workouts,
/// the progress line, worker threads.
#[derive(Debug, Clone, clap::Args)]
pub struct BatchArgs {
    #[command(flatten)]
    pub history: HistoryArgs,
    /// Names of planned workouts, which keep their class after a long run:
    /// KIND=WORDS with KIND tempo, intervals or long, words comma-separated (replaces
    /// that kind's default list; repeatable).
    #[arg(long, value_name = "KIND=WORDS")]
    pub workout_words: Vec<easyrun::history::WorkoutWordsSpec>,
    /// No progress display (errors and warnings still go to stderr).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Neither read nor write the history cache (the result is the same).
    #[arg(long)]
    pub no_cache: bool,
    #[command(flatten)]
    pub jobs: JobsArgs,
}

/// How a batch places runs in their history, shared by `scan`, `report` and `regress`.
#[derive(Debug, Clone, clap::Args)]
pub struct HistoryArgs {
    /// Hours after the end of a long or hard session in which a run counts as a
    /// recovery run.
    #[arg(long, value_name = "HOURS", default_value_t = 24.0)]
    pub recovery_window_h: f64,
    /// Words in an activity's name or type that mark it as a recovery run
    /// (comma-separated; replaces the default list).
    #[arg(long, value_name = "WORDS", value_delimiter = ',')]
    pub recovery_words: Option<Vec<String>>,
}

/// Worker threads, shared by every command.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct JobsArgs {
    /// Worker threads (0 = one per core). Output is the same for any value.
    #[arg(long, short = 'j', default_value_t = 0)]
    pub jobs: usize,
}

/// The command line's names of the library's settings, for messages ("give --max-hr").
pub const FLAGS: SettingNames = SettingNames(flag);

fn flag(setting: Setting) -> &'static str {
    match setting {
        Setting::MaxHr => "--max-hr",
        Setting::RestHr => "--rest-hr",
        Setting::Lthr => "--lthr",
        Setting::Age => "--age",
        Setting::Sex => "--sex",
        Setting::Zones => "--zones",
        Setting::Phase => "--phase",
        Setting::ProfileFile => "--profile",
        Setting::RecoveryWindow => "--recovery-window-h",
        Setting::RecoveryWords => "--recovery-words",
    }
}

/// The words of one of the library's choices (`--zones lthr`), with their meanings in
/// `--help`: the list is the library's, never a copy.
fn choice<T: Choice + Clone + Send + Sync>() -> impl TypedValueParser<Value = T> {
    let values = T::ALL.iter().map(|v| {
        let value = PossibleValue::new(v.as_str());
        match v.describe() {
            Some(help) => value.help(help),
            None => value,
        }
    });
    PossibleValuesParser::new(values).try_map(|word| T::from_word(&word).ok_or("not a choice"))
}

/// The athlete profile, shared by `check` and the batch commands.
#[derive(Debug, Clone, clap::Args)]
pub struct ProfileArgs {
    /// Maximum heart rate, bpm.
    #[arg(long, value_name = "BPM")]
    pub max_hr: Option<f64>,
    /// Resting heart rate, bpm.
    #[arg(long, value_name = "BPM")]
    pub rest_hr: Option<f64>,
    /// Lactate-threshold heart rate, bpm.
    #[arg(long, value_name = "BPM")]
    pub lthr: Option<f64>,
    /// Age in years (MAF zones; Tanaka HRmax when a model needs it).
    #[arg(long, value_name = "YEARS")]
    pub age: Option<f64>,
    /// Sex, for the TRIMP weighting.
    #[arg(long, value_parser = choice::<Sex>())]
    pub sex: Option<Sex>,
    /// Zone model (default: the most specific the known thresholds allow).
    #[arg(long, value_parser = choice::<ZoneModel>())]
    pub zones: Option<ZoneModel>,
    /// Training phase: base allows 45 min recovery runs, build and peak 75.
    #[arg(long, value_parser = choice::<Phase>())]
    pub phase: Option<Phase>,
    /// Profile file (default: ./easyrun.toml, then the user's config directory).
    #[arg(long, value_name = "PATH")]
    pub profile: Option<PathBuf>,
    /// OpenStreetMap file (.osm or .osm.pbf) to judge the surface from; repeatable.
    /// Its index is built once into the user's cache (~/.cache/easyrun/maps).
    #[arg(long = "map", value_name = "FILE")]
    pub maps: Vec<PathBuf>,
    /// Your usual time zone (tz database name, e.g. America/Denver), for runs whose file
    /// and start position do not say theirs (default: `timezone` in the profile file).
    #[arg(long, value_name = "ZONE", value_parser = time_zone)]
    pub timezone: Option<Zone>,
}

/// A zone of the tz database, named case-insensitively.
fn time_zone(name: &str) -> Result<Zone, String> {
    Zone::named(name).ok_or_else(|| {
        "not a time zone of the tz database (like America/Denver or Europe/Berlin)".to_string()
    })
}

/// What distances, paces, speeds and elevations are shown in, shared by `check`,
/// `scan` and `report` (JSON stays SI).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct UnitsArgs {
    /// Units of distance, pace, speed and elevation in text, CSV and HTML (default:
    /// `units` in the profile file, else metric); JSON is always SI.
    #[arg(long, value_parser = choice::<Units>())]
    pub units: Option<Units>,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Activity files (or archives, folders). With --latest: the history's folders
    /// (default: `history = [...]` in easyrun.toml).
    #[arg(required_unless_present = "latest")]
    pub paths: Vec<PathBuf>,
    /// Judge each FILE in the history of PATH (folders, archives, exports, as `scan`
    /// reads them): the session it recovers from, its class, the max-HR estimate, your
    /// own baseline (`elevated_hr`). Put the files first: PATH... takes the rest.
    #[arg(long, value_name = "PATH", num_args = 1.., conflicts_with = "latest")]
    pub history: Option<Vec<PathBuf>>,
    /// Judge the newest run among PATH... in the context of the rest.
    #[arg(long)]
    pub latest: bool,
    /// Neither read nor write the history cache (the result is the same).
    #[arg(long)]
    pub no_cache: bool,
    #[command(flatten)]
    pub placement: HistoryArgs,
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Treat `warn` as a failure (exit 1).
    #[arg(long)]
    pub strict: bool,
    /// No progress display (errors and warnings still go to stderr).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub units: UnitsArgs,
    #[command(flatten)]
    pub jobs: JobsArgs,
}

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Files, folders (recursive), .gz and .zip archives.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// No progress display (errors still go to stderr).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub jobs: JobsArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Jsonl,
}

#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("against").required(true).multiple(true).args(["baseline", "expect"])))]
pub struct RegressArgs {
    /// Folders (recursive), files, archives and exports, read exactly as `scan` reads them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The baseline (JSON) to compare with, or to write with --update; its entries are
    /// keyed by path relative to its folder.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// (Re)write the baseline from this scan (atomically, keeping its tolerances) instead
    /// of failing on its differences, which are still shown.
    #[arg(long, requires = "baseline")]
    pub update: bool,
    /// A manifest (TOML) of hand-written expectations; with or without --baseline.
    #[arg(long, value_name = "FILE")]
    pub expect: Option<PathBuf>,
    #[command(flatten)]
    pub profile: ProfileArgs,
    #[command(flatten)]
    pub history: HistoryArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RegressFormatArg::Text)]
    pub format: RegressFormatArg,
    /// Also write JUnit XML to FILE (one test case per file), atomically.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// No progress display (errors still go to stderr).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    #[command(flatten)]
    pub jobs: JobsArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegressFormatArg {
    Text,
    Json,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn every_setting_is_named_by_a_real_flag() {
        let command = Cli::command();
        let longs: Vec<String> = command
            .get_subcommands()
            .flat_map(|c| c.get_arguments())
            .filter_map(|a| a.get_long())
            .map(|l| format!("--{l}"))
            .collect();
        for setting in [
            Setting::MaxHr,
            Setting::RestHr,
            Setting::Lthr,
            Setting::Age,
            Setting::Sex,
            Setting::Zones,
            Setting::Phase,
            Setting::ProfileFile,
            Setting::RecoveryWindow,
            Setting::RecoveryWords,
        ] {
            let name = FLAGS.of(setting);
            assert!(longs.iter().any(|l| l == name), "{setting:?}: {name}");
        }
    }

    #[test]
    fn choices_are_the_library_words() {
        let zones = Cli::command()
            .find_subcommand("check")
            .and_then(|c| c.get_arguments().find(|a| a.get_long() == Some("zones")))
            .map(|a| a.get_possible_values())
            .unwrap_or_default();
        let words: Vec<&str> = zones.iter().map(|v| v.get_name()).collect();
        assert_eq!(words, ["hrmax", "hrr", "lthr", "seiler", "maf"]);
        let parsed = Cli::try_parse_from(["easyrun", "check", "--zones", "lthr", "x.fit"]);
        assert!(matches!(
            parsed.map(|c| c.command),
            Ok(Command::Check(CheckArgs {
                profile: ProfileArgs {
                    zones: Some(ZoneModel::Lthr),
                    ..
                },
                ..
            }))
        ));
    }
}
