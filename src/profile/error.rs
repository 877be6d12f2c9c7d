//! Typed errors of profile resolution: a profile file that cannot be read or is wrong
//! (always with its path and line), a setting out of range, and thresholds that are
//! missing so no zones can be built (the message says which settings to give).

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

use super::{Source, ZoneModel};
use crate::setting::{Setting, SettingNames};

/// Why the athlete profile could not be read or completed. Messages name the settings
/// to give by their keys (`max_hr`); [`ProfileError::describe`] names them as the
/// caller does (a command line: `--max-hr`).
#[derive(Debug)]
pub enum ProfileError {
    /// The profile file asked for does not exist.
    NotFound {
        /// The path asked for.
        path: PathBuf,
    },
    /// The profile file exists but cannot be read.
    Io {
        /// The file.
        path: PathBuf,
        /// Why it cannot be read.
        source: std::io::Error,
    },
    /// The profile file is wrong at `line` (1-based).
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong there.
        problem: FileProblem,
    },
    /// A value given for `setting` outside its plausible range.
    OutOfRange {
        /// Which setting.
        setting: Setting,
        /// The value given.
        value: f64,
        /// The lowest plausible value.
        min: f64,
        /// The highest plausible value.
        max: f64,
    },
    /// No source gave any threshold a zone model could use.
    NoThresholds,
    /// The zone model asked for needs a threshold no source gave.
    ModelNeeds {
        /// The model in force.
        model: ZoneModel,
        /// Where the model came from.
        model_source: Source,
        /// The threshold that is missing (`MaxHr`, `RestHr`, `Lthr` or `Age`).
        missing: Setting,
    },
    /// Resting HR at or above max HR: heart-rate reserve zones would be meaningless.
    RestNotBelowMax {
        /// Resting heart rate, bpm.
        rest_bpm: f64,
        /// Where it came from.
        rest_source: Source,
        /// Maximum heart rate, bpm.
        max_bpm: f64,
        /// Where it came from.
        max_source: Source,
    },
}

impl ProfileError {
    /// Stable snake_case code for output.
    pub fn kind(&self) -> &'static str {
        match self {
            ProfileError::NotFound { .. } => "not_found",
            ProfileError::Io { .. } => "io",
            ProfileError::Invalid { problem, .. } => problem.kind(),
            ProfileError::OutOfRange { .. } => "flag_out_of_range",
            ProfileError::NoThresholds => "no_thresholds",
            ProfileError::ModelNeeds { .. } => "model_needs_threshold",
            ProfileError::RestNotBelowMax { .. } => "rest_not_below_max",
        }
    }

    /// The message, naming the settings to give with `names`.
    pub fn describe(&self, names: SettingNames) -> String {
        let name = |s: Setting| names.of(s);
        match self {
            ProfileError::NotFound { path } => {
                format!("profile file {} does not exist", path.display())
            }
            ProfileError::Io { path, source } => {
                format!("cannot read profile file {}: {source}", path.display())
            }
            ProfileError::Invalid {
                path,
                line,
                problem,
            } => format!("{}:{line}: {problem}", path.display()),
            ProfileError::OutOfRange {
                setting,
                value,
                min,
                max,
            } => format!("{} {value}: out of range {min}..={max}", name(*setting)),
            ProfileError::NoThresholds => format!(
                "no heart-rate thresholds: give {} (and {}), or {}, or {}, or put them in \
                 easyrun.toml (see docs/profile.md); the activity file carries no usable \
                 watch HR settings",
                name(Setting::MaxHr),
                name(Setting::RestHr),
                name(Setting::Lthr),
                name(Setting::Age)
            ),
            ProfileError::ModelNeeds {
                model,
                model_source,
                missing,
            } => {
                let give = match missing {
                    Setting::MaxHr => format!(
                        "{} (or {} for the Tanaka estimate)",
                        name(Setting::MaxHr),
                        name(Setting::Age)
                    ),
                    other => name(*other).to_string(),
                };
                format!(
                    "zone model {} (from {}) needs {key}: give {give}, or put {key} in \
                     easyrun.toml (see docs/profile.md), or choose another model with {}",
                    model.as_str(),
                    model_source.describe(),
                    name(Setting::Zones),
                    key = missing.key(),
                )
            }
            ProfileError::RestNotBelowMax {
                rest_bpm,
                rest_source,
                max_bpm,
                max_source,
            } => format!(
                "resting heart rate {rest_bpm} bpm (from {}) is not below max heart rate \
                 {max_bpm} bpm (from {}): fix one of them",
                rest_source.describe(),
                max_source.describe()
            ),
        }
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(SettingNames::KEYS))
    }
}

impl std::error::Error for ProfileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ProfileError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What is wrong at one line of a profile file.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FileProblem {
    /// Not valid TOML (toml's own message).
    #[error("invalid TOML: {message}")]
    Syntax {
        /// toml's message.
        message: String,
    },
    /// A key easyrun does not know (a typo is the usual cause).
    #[error("unknown key `{key}` {section} (expected one of {expected})")]
    UnknownKey {
        /// The key as written.
        key: String,
        /// `at the top level` or `in [[period]]`.
        section: &'static str,
        /// The keys that are known there.
        expected: &'static str,
    },
    /// A value of the wrong TOML type.
    #[error("`{key}` must be {expected}, not {found}")]
    WrongType {
        /// The key.
        key: String,
        /// What it must be (`a number`).
        expected: &'static str,
        /// What the file has, with its article (`an integer`).
        found: &'static str,
    },
    /// A number outside its plausible range.
    #[error("`{key}` = {value} is out of range {min}..={max}")]
    OutOfRange {
        /// The key.
        key: &'static str,
        /// The value as written.
        value: f64,
        /// The lowest plausible value.
        min: f64,
        /// The highest plausible value.
        max: f64,
    },
    /// A word that is not one of the choices.
    #[error("`{key}` = \"{value}\" is not one of {choices}")]
    BadChoice {
        /// The key.
        key: &'static str,
        /// The word as written.
        value: String,
        /// The words allowed.
        choices: &'static str,
    },
    /// A date that is not `YYYY-MM-DD` or does not exist.
    #[error("`{key}` = {value} is not a date like 2024-01-31")]
    BadDate {
        /// The key (`from`, `until`).
        key: &'static str,
        /// The value as written.
        value: String,
    },
    /// A `timezone` the tz database does not know.
    #[error(
        "`timezone` = \"{value}\" is no time zone of the tz database (like \"America/Denver\" or \"Europe/Berlin\")"
    )]
    UnknownTimeZone {
        /// The name as written.
        value: String,
    },
    /// A period whose `from` is after its `until`.
    #[error("period starts ({from}) after it ends ({until})")]
    EmptyRange {
        /// The period's start, as written.
        from: String,
        /// The period's end, as written.
        until: String,
    },
    /// Two periods overlap in time and both set the same key: which one applies would
    /// be a guess.
    #[error(
        "this period overlaps the period at line {other_line} and both set `{key}`: make \
         the date ranges disjoint or set `{key}` in only one"
    )]
    Overlap {
        /// The key both set.
        key: &'static str,
        /// The line of the other period.
        other_line: usize,
    },
}

impl FileProblem {
    /// Stable snake_case code for output.
    pub fn kind(&self) -> &'static str {
        match self {
            FileProblem::Syntax { .. } => "syntax",
            FileProblem::UnknownKey { .. } => "unknown_key",
            FileProblem::WrongType { .. } => "wrong_type",
            FileProblem::OutOfRange { .. } => "out_of_range",
            FileProblem::BadChoice { .. } => "bad_choice",
            FileProblem::BadDate { .. } => "bad_date",
            FileProblem::UnknownTimeZone { .. } => "unknown_time_zone",
            FileProblem::EmptyRange { .. } => "empty_range",
            FileProblem::Overlap { .. } => "overlap",
        }
    }
}
