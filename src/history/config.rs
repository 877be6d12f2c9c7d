//! History's settings: every threshold of the sport inference, the classes and the
//! recovery placement, the word lists, and the `--workout-words` flag's syntax. Each
//! default is documented (and argued) in docs/history.md.

use serde::{Deserialize, Serialize};

use super::sport::SportConfig;
use super::words;
use super::workout::IntervalsRule;

/// The thresholds of the classification. Every default is documented (and argued) in
/// docs/history.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryConfig {
    /// A run starting within this many hours after the end of a long or hard session is
    /// an intended recovery run (DOMAIN §1: 24 h, measured from the END).
    pub recovery_window_h: f64,
    /// A run of at least this much moving time is long whatever the runner's habits
    /// (DOMAIN §4: ≥ 90 min).
    pub long_floor_s: u32,
    /// A run of at least this multiple of the runner's usual run (median moving time)…
    pub long_vs_usual: f64,
    /// …and at least this much moving time is long ("well above the usual run length").
    pub long_relative_min_s: u32,
    /// Sustained time at or above the tempo floor (dips of a minute bridged) that makes
    /// a tempo run, seconds.
    pub tempo_min_sustained_s: u32,
    /// A recording starting at most this long after the end of the one before is part
    /// of the same session (warm-up, main, cool-down), seconds.
    pub session_gap_s: u32,
    pub intervals: IntervalsRule,
    pub race: RaceRule,
    /// Words (or phrases) in an activity's name or type saying it was meant as a
    /// recovery run; matched case-insensitively as whole words (`*suffix` matches word
    /// endings).
    pub recovery_words: Vec<String>,
    /// Names of planned workouts, which keep their class after a long run.
    pub workout_words: WorkoutWords,
    /// How a sport is inferred when nobody said.
    pub sport: SportConfig,
}

/// Names of planned workouts: a run so named keeps the class, whatever its placement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkoutWords {
    pub tempo: Vec<String>,
    /// A repetition count in the name ("6x800", "5 x 1 km") counts too.
    pub intervals: Vec<String>,
    pub long: Vec<String>,
}

/// One kind of named workout, with the words that name it (a `--workout-words` flag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkoutWordsSpec {
    pub kind: WorkoutKind,
    pub words: Vec<String>,
}

/// The kinds of named workouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkoutKind {
    Tempo,
    Intervals,
    Long,
}

/// A `KIND=WORDS` text that names no kind of workout.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkoutWordsError {
    #[error("`{0}`: expected KIND=WORDS, KIND one of tempo, intervals, long")]
    Malformed(String),
    #[error("`{0}` is no kind of workout (tempo, intervals, long)")]
    UnknownKind(String),
}

impl std::str::FromStr for WorkoutWordsSpec {
    type Err = WorkoutWordsError;

    /// `tempo=Tempo,Schwelle`: the kind, then comma-separated words (trimmed, lower-case).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (kind, words) = text
            .split_once('=')
            .ok_or_else(|| WorkoutWordsError::Malformed(text.to_string()))?;
        let kind = match kind.trim().to_lowercase().as_str() {
            "tempo" => WorkoutKind::Tempo,
            "intervals" => WorkoutKind::Intervals,
            "long" => WorkoutKind::Long,
            other => return Err(WorkoutWordsError::UnknownKind(other.to_string())),
        };
        let words = words
            .split(',')
            .map(|w| w.trim().to_lowercase())
            .filter(|w| !w.is_empty())
            .collect();
        Ok(WorkoutWordsSpec { kind, words })
    }
}

impl WorkoutWords {
    /// Replaces the words of `spec.kind` with `spec.words`.
    pub fn apply(&mut self, spec: &WorkoutWordsSpec) {
        let list = match spec.kind {
            WorkoutKind::Tempo => &mut self.tempo,
            WorkoutKind::Intervals => &mut self.intervals,
            WorkoutKind::Long => &mut self.long,
        };
        list.clone_from(&spec.words);
    }
}

/// When a run counts as a race.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RaceRule {
    /// Words (or phrases) in the name or type that make a race; whole-word,
    /// case-insensitive. Ignored when the name also carries a recovery word.
    pub words: Vec<String>,
    /// Strava "Perceived Exertion" (1–10) at or above which a run was a race effort.
    pub min_perceived_exertion: f64,
    /// By heart rate: a sustained span at or above the tempo floor whose mean heart rate
    /// is at or above the threshold, at least this long, seconds…
    pub min_block_s: u32,
    /// …and either this long (a race with its warm-up in the same file), seconds…
    pub long_block_s: u32,
    /// …or this share of the HR-covered moving time; and a race's shape: a standard
    /// race distance, or a mean this far above the threshold (no tempo run holds it),
    /// bpm.
    pub min_block_share: f64,
    pub well_above_bpm: f64,
    /// Near the best: a 10 km-equivalent time within this share of the best…
    pub near_best_margin: f64,
    /// …among the runs this many days before or after…
    pub near_best_window_days: f64,
    /// …when at least this many runs are there to compare.
    pub near_best_min_runs: usize,
    /// Near-best and race-day runs need this share of HR-covered time at or above the
    /// hard threshold (when they have heart rate).
    pub min_hard_share: f64,
    /// A standard race distance within this share.
    pub distance_tolerance: f64,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig {
            recovery_window_h: 24.0,
            long_floor_s: 90 * 60,
            long_vs_usual: 1.5,
            long_relative_min_s: 60 * 60,
            tempo_min_sustained_s: 15 * 60,
            session_gap_s: 20 * 60,
            intervals: IntervalsRule::default(),
            race: RaceRule::default(),
            recovery_words: words::recovery_words(),
            workout_words: WorkoutWords::default(),
            sport: SportConfig::default(),
        }
    }
}

impl Default for WorkoutWords {
    fn default() -> Self {
        WorkoutWords {
            tempo: words::tempo_words(),
            intervals: words::intervals_words(),
            long: words::long_words(),
        }
    }
}

impl Default for RaceRule {
    fn default() -> Self {
        RaceRule {
            words: words::race_words(),
            min_perceived_exertion: 9.0,
            min_block_s: 10 * 60,
            long_block_s: 20 * 60,
            min_block_share: 0.5,
            well_above_bpm: 5.0,
            near_best_margin: 0.03,
            near_best_window_days: 183.0,
            near_best_min_runs: 8,
            min_hard_share: 0.5,
            distance_tolerance: 0.03,
        }
    }
}
