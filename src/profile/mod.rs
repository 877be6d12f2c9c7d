//! The athlete profile: heart-rate thresholds, zone model and training phase, each with
//! the source it came from (a report always says where a threshold came from).

pub mod error;
pub mod file;
pub mod resolve;
pub mod units;
pub mod zones;

use serde::{Deserialize, Serialize};

pub use error::{FileProblem, ProfileError};
pub use file::{Date, PartialProfile, Period, ProfileFile};
pub use resolve::{ProfileFlags, discover_profile_file, require_zones, resolve};
pub use units::Units;
pub use zones::HrZones;

/// Where a threshold came from, in order of trust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// A profile file (its path).
    ProfileFile(String),
    /// The watch's own settings stored in the activity file.
    Watch,
    /// Estimated from the runner's history.
    HistoryEstimate,
    /// An age formula (Tanaka 208 − 0.7·age).
    AgeFormula,
    /// easyrun's documented default.
    Default,
}

impl Source {
    /// Short human wording for reports.
    pub fn describe(&self) -> String {
        match self {
            Source::Flag => "command line".to_string(),
            Source::ProfileFile(path) => format!("profile {path}"),
            Source::Watch => "watch settings in the file".to_string(),
            Source::HistoryEstimate => "estimated from history".to_string(),
            Source::AgeFormula => "age formula (Tanaka)".to_string(),
            Source::Default => "default".to_string(),
        }
    }
}

/// A value with its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub source: Source,
}

impl<T> Sourced<T> {
    /// `value` from `source`.
    pub fn new(value: T, source: Source) -> Self {
        Sourced { value, source }
    }
}

/// A setting whose value is one word of a fixed list: the words the profile file (and
/// a command line) accept.
pub trait Choice: Copy + Sized + 'static {
    /// Every value, in the order the words are listed.
    const ALL: &'static [Self];

    /// The word for the value.
    fn as_str(self) -> &'static str;

    /// What the value means, in a few words, when that is not obvious from the word.
    fn describe(self) -> Option<&'static str> {
        None
    }

    /// The value `word` names, exactly as listed.
    fn from_word(word: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == word)
    }
}

/// Heart-rate zone models (shared/DOMAIN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneModel {
    /// 5 zones at 50/60/70/80/90 % of HRmax (Garmin/Polar default).
    Hrmax,
    /// Karvonen: percentages of heart-rate reserve.
    Hrr,
    /// Friel running zones, % of lactate-threshold HR.
    Lthr,
    /// Seiler 3 zones: < 82 % / 82–87 % / ≥ 88 % HRmax.
    Seiler,
    /// Maffetone: 180 − age.
    Maf,
}

impl ZoneModel {
    /// The word for the model (`hrmax`, `lthr`…).
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneModel::Hrmax => "hrmax",
            ZoneModel::Hrr => "hrr",
            ZoneModel::Lthr => "lthr",
            ZoneModel::Seiler => "seiler",
            ZoneModel::Maf => "maf",
        }
    }
}

impl Choice for ZoneModel {
    const ALL: &'static [Self] = &[
        ZoneModel::Hrmax,
        ZoneModel::Hrr,
        ZoneModel::Lthr,
        ZoneModel::Seiler,
        ZoneModel::Maf,
    ];

    fn as_str(self) -> &'static str {
        ZoneModel::as_str(self)
    }

    fn describe(self) -> Option<&'static str> {
        Some(match self {
            ZoneModel::Hrmax => "5 zones at 50/60/70/80/90 % of HRmax (Garmin/Polar default)",
            ZoneModel::Hrr => "Karvonen: percentages of heart-rate reserve",
            ZoneModel::Lthr => "Friel running zones, % of lactate-threshold HR",
            ZoneModel::Seiler => "Seiler 3 zones: < 82 % / 82–87 % / ≥ 88 % HRmax",
            ZoneModel::Maf => "Maffetone: 180 − age",
        })
    }
}

/// Training phase: sets the recovery run's duration limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Base: recovery runs up to 45 min.
    Base,
    /// Build: recovery runs up to 75 min.
    Build,
    /// Peak: recovery runs up to 75 min.
    Peak,
}

impl Phase {
    /// The word for the phase.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Base => "base",
            Phase::Build => "build",
            Phase::Peak => "peak",
        }
    }
}

impl Choice for Phase {
    const ALL: &'static [Self] = &[Phase::Base, Phase::Build, Phase::Peak];

    fn as_str(self) -> &'static str {
        Phase::as_str(self)
    }
}

/// Sex, for the Banister TRIMP weighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Male.
    Male,
    /// Female.
    Female,
}

impl Sex {
    /// The word for the sex.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

impl Choice for Sex {
    const ALL: &'static [Self] = &[Sex::Male, Sex::Female];

    fn as_str(self) -> &'static str {
        Sex::as_str(self)
    }
}

/// The thresholds and choices every judgement of one activity uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AthleteProfile {
    /// Maximum heart rate, bpm.
    pub max_hr_bpm: Option<Sourced<f64>>,
    /// Resting heart rate, bpm.
    pub rest_hr_bpm: Option<Sourced<f64>>,
    /// Lactate-threshold heart rate, bpm.
    pub lthr_bpm: Option<Sourced<f64>>,
    /// Age, years.
    pub age_years: Option<Sourced<f64>>,
    /// Sex, for the TRIMP weighting.
    pub sex: Option<Sourced<Sex>>,
    /// `None`: pick from what is known (see [`AthleteProfile::effective_zone_model`]).
    pub zone_model: Option<Sourced<ZoneModel>>,
    /// Training phase (sets the duration limit).
    pub phase: Sourced<Phase>,
}

impl Default for AthleteProfile {
    fn default() -> Self {
        AthleteProfile {
            max_hr_bpm: None,
            rest_hr_bpm: None,
            lthr_bpm: None,
            age_years: None,
            sex: None,
            zone_model: None,
            phase: Sourced::new(Phase::Base, Source::Default),
        }
    }
}

impl AthleteProfile {
    /// The zone model to use: the one asked for, else the most specific one the most
    /// trusted source allows. Thresholds from the command line outrank a profile file,
    /// which outranks the watch; within one source LTHR (Friel) comes before HRmax with
    /// resting HR (Karvonen), HRmax alone, then age (MAF). So `--max-hr --rest-hr` gives
    /// Karvonen zones even when the watch stored an LTHR.
    pub fn effective_zone_model(&self) -> Option<Sourced<ZoneModel>> {
        if let Some(m) = &self.zone_model {
            return Some(m.clone());
        }
        let rank = |s: &Source| match s {
            Source::Flag => 0,
            Source::ProfileFile(_) => 1,
            Source::Watch => 2,
            Source::HistoryEstimate => 3,
            Source::AgeFormula | Source::Default => 4,
        };
        let mut candidates: Vec<(usize, usize, ZoneModel, &Source)> = Vec::new();
        if let Some(l) = &self.lthr_bpm {
            candidates.push((rank(&l.source), 0, ZoneModel::Lthr, &l.source));
        }
        if let Some(m) = &self.max_hr_bpm {
            if self.rest_hr_bpm.is_some() {
                candidates.push((rank(&m.source), 1, ZoneModel::Hrr, &m.source));
            }
            candidates.push((rank(&m.source), 2, ZoneModel::Hrmax, &m.source));
        }
        if let Some(a) = &self.age_years {
            candidates.push((rank(&a.source), 3, ZoneModel::Maf, &a.source));
        }
        candidates
            .into_iter()
            .min_by_key(|c| (c.0, c.1))
            .map(|(_, _, model, source)| Sourced::new(model, source.clone()))
    }
}
