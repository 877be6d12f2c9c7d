//! Typed errors of profile resolution: a profile file that cannot be read or is wrong
//! (always with its path and line), a flag out of range, and thresholds that are missing
//! so no zones can be built (the message says how to give them).

use std::path::PathBuf;

use thiserror::Error;

use super::{Source, ZoneModel};

/// Why the athlete profile could not be read or completed.
#[derive(Debug, Error)]
pub enum ProfileError {
    /// `--profile PATH` names a file that does not exist.
    #[error("profile file {} does not exist", path.display())]
    NotFound { path: PathBuf },
    /// The profile file exists but cannot be read.
    #[error("cannot read profile file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The profile file is wrong at `line` (1-based).
    #[error("{}:{line}: {problem}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        problem: FileProblem,
    },
    /// A command-line value outside its plausible range.
    #[error("{flag} {value}: out of range {min}..={max}")]
    FlagOutOfRange {
        flag: &'static str,
        value: f64,
        min: f64,
        max: f64,
    },
    /// No source gave any threshold a zone model could use.
    #[error(
        "no heart-rate thresholds: give --max-hr (and --rest-hr), or --lthr, or --age, or \
         put them in easyrun.toml (see docs/profile.md); the activity file carries no \
         usable watch HR settings"
    )]
    NoThresholds,
    /// The zone model asked for needs a threshold no source gave.
    #[error(
        "zone model {} (from {}) needs {missing}: give {}, or put {missing} in easyrun.toml \
         (see docs/profile.md), or choose another model with --zones",
        model.as_str(),
        model_source.describe(),
        flag_hint(missing)
    )]
    ModelNeeds {
        model: ZoneModel,
        model_source: Source,
        /// The profile key that is missing (`max_hr`, `rest_hr`, `lthr`, `age`).
        missing: &'static str,
    },
    /// Resting HR at or above max HR: heart-rate reserve zones would be meaningless.
    #[error(
        "resting heart rate {rest_bpm} bpm (from {}) is not below max heart rate {max_bpm} \
         bpm (from {}): fix one of them",
        rest_source.describe(),
        max_source.describe()
    )]
    RestNotBelowMax {
        rest_bpm: f64,
        rest_source: Source,
        max_bpm: f64,
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
            ProfileError::FlagOutOfRange { .. } => "flag_out_of_range",
            ProfileError::NoThresholds => "no_thresholds",
            ProfileError::ModelNeeds { .. } => "model_needs_threshold",
            ProfileError::RestNotBelowMax { .. } => "rest_not_below_max",
        }
    }
}

/// The flag(s) that give a profile key, for messages.
fn flag_hint(key: &str) -> &'static str {
    match key {
        "max_hr" => "--max-hr (or --age for the Tanaka estimate)",
        "rest_hr" => "--rest-hr",
        "lthr" => "--lthr",
        "age" => "--age",
        _ => "the missing value",
    }
}

/// What is wrong at one line of a profile file.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FileProblem {
    /// Not valid TOML (toml's own message).
    #[error("invalid TOML: {message}")]
    Syntax { message: String },
    /// A key easyrun does not know (a typo is the usual cause).
    #[error("unknown key `{key}` {section} (expected one of {expected})")]
    UnknownKey {
        key: String,
        /// `at the top level` or `in [[period]]`.
        section: &'static str,
        expected: &'static str,
    },
    /// A value of the wrong TOML type.
    #[error("`{key}` must be {expected}, not {found}")]
    WrongType {
        key: String,
        expected: &'static str,
        /// What the file has, with its article (`an integer`).
        found: &'static str,
    },
    /// A number outside its plausible range.
    #[error("`{key}` = {value} is out of range {min}..={max}")]
    OutOfRange {
        key: &'static str,
        value: f64,
        min: f64,
        max: f64,
    },
    /// A word that is not one of the choices.
    #[error("`{key}` = \"{value}\" is not one of {choices}")]
    BadChoice {
        key: &'static str,
        value: String,
        choices: &'static str,
    },
    /// A date that is not `YYYY-MM-DD` or does not exist.
    #[error("`{key}` = {value} is not a date like 2024-01-31")]
    BadDate { key: &'static str, value: String },
    /// A period whose `from` is after its `until`.
    #[error("period starts ({from}) after it ends ({until})")]
    EmptyRange { from: String, until: String },
    /// Two periods overlap in time and both set the same key: which one applies would
    /// be a guess.
    #[error(
        "this period overlaps the period at line {other_line} and both set `{key}`: make \
         the date ranges disjoint or set `{key}` in only one"
    )]
    Overlap {
        key: &'static str,
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
            FileProblem::EmptyRange { .. } => "empty_range",
            FileProblem::Overlap { .. } => "overlap",
        }
    }
}
