//! History: the activities of a batch in time order — what each one was (class), which
//! runs were meant as recovery runs (placement after a long or hard session, or their
//! name), a max-HR estimate when the runner gave none, and week-by-week totals.
//!
//! Everything here works on [`RunFacts`], a compact summary each activity leaves behind
//! once analysed, so a 10-year history costs kilobytes, not samples.

use serde::{Deserialize, Serialize};

use crate::metrics::steady::SteadyHr;
use crate::model::{LapIntensity, Sport, SubSport, Timestamp};

pub mod baseline;
pub mod classify;
pub mod max_hr;
pub mod summary;
pub mod weekly;

#[cfg(test)]
pub(crate) mod testkit;

pub use classify::{HistoryConfig, IntervalsRule, RaceRule, classify, is_running, usual_run_s};
pub use max_hr::{MaxHrEstimate, estimate_max_hr};
pub use summary::{HistorySummary, RecoveryCounts, VerdictSummary, summarize};
pub use weekly::{WeekSummary, iso_week, weekly};

/// What history needs to know about one activity. (De)serialised for the history cache
/// (`scan::cache`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunFacts {
    pub source: String,
    pub start_time: Timestamp,
    /// start + elapsed.
    pub end_time: Timestamp,
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
    /// Pace surges found in the run (count).
    pub surges: usize,
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
    /// [`classify()`], which the batch driver sorts by start time).
    pub index: usize,
    pub source: String,
    pub class: Class,
    /// Hours from that session's end to this run's start.
    pub hours_since_end: f64,
}

/// The class of one activity and, for intended recovery runs, why and from what.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    pub class: Class,
    /// `Some` for intended recovery runs (the runs `scan` judges).
    pub intent: Option<Intent>,
    /// The long or hard session within the window before this run, when there is one
    /// (also reported for runs intended by name).
    pub recovers_from: Option<RecoversFrom>,
}
