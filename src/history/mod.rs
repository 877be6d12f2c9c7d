//! History: the activities of a batch in time order — which sport each was (inferred
//! when nobody said), what each one was (class, with the evidence), which recordings
//! make one session (warm-up, main, cool-down), which runs were meant as recovery runs
//! (placement after a long or hard session, or their name), a max-HR estimate when the
//! runner gave none, and week-by-week totals.
//!
//! Everything here works on [`RunFacts`], a compact summary each activity leaves behind
//! once analysed, so a 10-year history costs kilobytes, not samples.

use serde::{Deserialize, Serialize};

use crate::metrics::steady::SteadyHr;
use crate::model::{Format, LapIntensity, LocalTime, PlannedWorkout, Sport, SubSport, Timestamp};

pub mod baseline;
pub mod classify;
pub mod config;
pub mod dates;
pub mod duplicates;
pub mod max_hr;
pub mod race;
pub mod sessions;
mod signals;
pub mod sport;
pub mod summary;
pub mod trace;
pub mod weekly;
mod words;
pub mod workout;

#[cfg(test)]
pub(crate) mod testkit;

pub use classify::{classify, is_running, usual_run_s};
pub use config::{
    HistoryConfig, RaceRule, WorkoutKind, WorkoutWords, WorkoutWordsError, WorkoutWordsSpec,
};
pub use dates::{ImplausibleStart, StartIssue, check_start};
pub use max_hr::{MaxHrConfidence, MaxHrEstimate, SetAside, estimate_max_hr};
pub use sessions::{SessionPart, SessionRole};
pub use sport::{InferredFrom, SportCall, SportConfig, SportSource};
pub use summary::{HistorySummary, RecoveryCounts, VerdictSummary, summarize};
pub use trace::{Effort, Intensity, TraceFacts};
pub use weekly::{WeekSummary, iso_week, weekly};
pub use workout::IntervalsRule;

/// What history needs to know about one activity. (De)serialised for the history cache
/// (`scan::cache`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunFacts {
    pub source: String,
    /// The file's format (`None` when not read from a file).
    pub format: Option<Format>,
    pub start_time: Timestamp,
    /// start + elapsed.
    pub end_time: Timestamp,
    /// The local clock of the start: weeks and days are local (placement windows are
    /// absolute time).
    pub local: LocalTime,
    /// When the file says it was created (FIT `file_id.time_created`), if it says.
    pub created: Option<Timestamp>,
    /// Whether `start_time` is a real instant: false for FIT device-uptime timestamps
    /// nothing in the file placed (`TimeBase::Uptime`; `history::dates` sets them apart).
    pub start_known: bool,
    pub sport: Option<Sport>,
    pub sub_sport: Option<SubSport>,
    /// The activity's name (file's own, or a Strava export's "Activity Name").
    pub name: Option<String>,
    /// A label from an export's metadata (Strava "Activity Type": "Run", "Trail Run",
    /// "Virtual Run", "Ride"…).
    pub activity_type: Option<String>,
    /// Strava "Perceived Exertion" (1–10), when exported.
    pub perceived_exertion: Option<f64>,
    pub moving_s: u32,
    pub distance_m: f64,
    /// Moving seconds with usable HR.
    pub hr_moving_s: u32,
    /// Moving seconds with usable HR at or above the hard threshold (see
    /// `HrZones::hard_bpm`); `None` when no thresholds were known.
    pub hard_s: Option<u32>,
    /// Moving seconds with usable HR below / at-or-above the conversational ceiling.
    pub below_ceiling_s: Option<u32>,
    pub above_ceiling_s: Option<u32>,
    pub avg_hr_bpm: Option<f64>,
    /// Highest 60-s rolling median of usable HR (artifacts removed): the history's
    /// max-HR evidence, never a 1-s spike.
    pub sustained_max_hr_bpm: Option<f64>,
    /// Laps as the file states them (intensity and duration), for workout structure.
    pub laps: Vec<LapFacts>,
    /// The planned workout the file holds, if any.
    pub workout: Option<PlannedWorkout>,
    /// Samples recorded with a heart rate (not 0) and with a position: how rich the
    /// recording is, for choosing between duplicates.
    pub hr_samples: u32,
    pub position_samples: u32,
    /// The trace boiled down: speed, cadence, efforts, sustained intensity.
    pub trace: TraceFacts,
    /// Heart rate at pace over the run's steady stretch (`metrics::steady`): the
    /// runner's baseline is made of these (`baseline`).
    pub steady: Option<SteadyHr>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LapFacts {
    pub intensity: Option<LapIntensity>,
    pub timer_s: Option<f64>,
    pub distance_m: Option<f64>,
    pub avg_hr_bpm: Option<u16>,
}

/// What an activity was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Recovery,
    Easy,
    Long,
    Tempo,
    Intervals,
    Race,
    /// Not running.
    Other,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Recovery => "recovery",
            Class::Easy => "easy",
            Class::Long => "long",
            Class::Tempo => "tempo",
            Class::Intervals => "intervals",
            Class::Race => "race",
            Class::Other => "other",
        }
    }

    /// Sessions a recovery run is meant to follow.
    pub fn is_long_or_hard(self) -> bool {
        matches!(
            self,
            Class::Long | Class::Tempo | Class::Intervals | Class::Race
        )
    }
}

/// The evidence a class rests on (docs/history.md lists each rule and its source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassReason {
    /// `other`: the sport is not running (recorded, labelled or inferred).
    NotRunning,
    /// `other`: no sport could be told.
    SportUnknown,
    /// A race word in the name or type.
    RaceName,
    /// Strava perceived exertion at race level.
    RaceExertion,
    /// Most of the run at or above the threshold, sustained.
    RaceEffort,
    /// A hard run within a few per cent of the runner's best equivalent time.
    RaceNearBest,
    /// A standard race distance run hard after its own warm-up.
    RaceDay,
    /// The run leg of a session with swim, bike and run legs.
    RaceTriathlon,
    /// Work laps separated by rest laps (lap intensity).
    IntervalsLapIntensity,
    /// Laps alternating fast and slow, the fast ones of similar length.
    IntervalsLapShape,
    /// The file's planned workout repeats work steps.
    IntervalsWorkout,
    /// The name says intervals (or "6x800").
    IntervalsName,
    /// Repeated efforts in the pace and heart-rate trace.
    IntervalsEfforts,
    /// The name says tempo / threshold.
    TempoName,
    /// Sustained time just below the threshold.
    TempoSustained,
    /// The name says long run.
    LongName,
    /// Moving time at or over the long floor.
    LongDuration,
    /// Well over the runner's usual run.
    LongRelative,
    /// A recovery word in the name or type.
    RecoveryName,
    /// Within the window after a long or hard session.
    RecoveryPlacement,
    /// The warm-up or cool-down of a session.
    SessionPart,
    /// None of the above.
    Easy,
}

impl ClassReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ClassReason::NotRunning => "not_running",
            ClassReason::SportUnknown => "sport_unknown",
            ClassReason::RaceName => "race_name",
            ClassReason::RaceExertion => "race_exertion",
            ClassReason::RaceEffort => "race_effort",
            ClassReason::RaceNearBest => "race_near_best",
            ClassReason::RaceDay => "race_day",
            ClassReason::RaceTriathlon => "race_triathlon",
            ClassReason::IntervalsLapIntensity => "intervals_lap_intensity",
            ClassReason::IntervalsLapShape => "intervals_lap_shape",
            ClassReason::IntervalsWorkout => "intervals_workout",
            ClassReason::IntervalsName => "intervals_name",
            ClassReason::IntervalsEfforts => "intervals_efforts",
            ClassReason::TempoName => "tempo_name",
            ClassReason::TempoSustained => "tempo_sustained",
            ClassReason::LongName => "long_name",
            ClassReason::LongDuration => "long_duration",
            ClassReason::LongRelative => "long_relative",
            ClassReason::RecoveryName => "recovery_name",
            ClassReason::RecoveryPlacement => "recovery_placement",
            ClassReason::SessionPart => "session_part",
            ClassReason::Easy => "easy",
        }
    }
}

/// Why a run counts as an intended recovery run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// Starts within the window after the end of a long or hard session.
    Placement,
    /// Its name or type says so ("recovery", "easy", "regen", "shakeout", …).
    Name,
}

/// The session a recovery run recovers from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecoversFrom {
    /// Index of that session in the time-ordered list (precisely: in the slice given to
    /// [`classify()`], which the batch driver sorts by start time). For a session of
    /// several recordings, its main part.
    pub index: usize,
    pub source: String,
    pub class: Class,
    /// Hours from that session's end (its last recording's end) to this run's start.
    pub hours_since_end: f64,
}

/// The class of one activity and, for intended recovery runs, why and from what.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    pub class: Class,
    /// The evidence the class rests on.
    pub class_reason: ClassReason,
    /// `Some` for intended recovery runs (the runs `scan` judges).
    pub intent: Option<Intent>,
    /// The long or hard session within the window before this run, when there is one
    /// (also reported for runs intended by name).
    pub recovers_from: Option<RecoversFrom>,
    /// The sport history took (recorded, labelled, inferred or unknown): reports print
    /// it as the activity's sport.
    #[serde(skip)]
    pub sport: Option<Sport>,
    pub sport_source: SportSource,
    pub sport_inferred_from: Option<InferredFrom>,
    /// The activity's place in a session of several recordings.
    pub session: Option<SessionPart>,
    /// Why the start cannot be true, when it cannot (`dates.rs`): such an activity is
    /// classified on its own evidence only, placed after nothing and in no week.
    pub implausible_start: Option<ImplausibleStart>,
}
