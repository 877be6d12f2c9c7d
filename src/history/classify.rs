//! History, step 1: what each activity was (recovery, easy, long, tempo, intervals,
//! race, other) and which runs were meant as recovery runs — placed within the window
//! after the END of a long or hard session (shared/DOMAIN.md §1), or named so.
//!
//! Pure and total: facts in, one [`Placement`] per activity out, in input order. The
//! rules, their defaults and why are in docs/history.md; "long" and "hard" follow
//! shared/DOMAIN.md §4.

use serde::{Deserialize, Serialize};

use super::{Class, Intent, LapFacts, Placement, RecoversFrom, RunFacts};
use crate::model::{LapIntensity, Sport};

const MS_PER_HOUR: f64 = 3_600_000.0;

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
    /// Moving time with usable HR at or above the hard threshold that makes a tempo run.
    pub tempo_min_hard_s: u32,
    pub intervals: IntervalsRule,
    pub race: RaceRule,
    /// Words (or phrases) in an activity's name or type saying it was meant as a
    /// recovery run; matched case-insensitively as whole words.
    pub recovery_words: Vec<String>,
}

/// When a run counts as intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct IntervalsRule {
    /// Structure: at least this many work blocks (laps with intensity active/interval)
    /// separated by rest laps (intensity rest/recovery).
    pub min_work_blocks: usize,
    /// Work laps shorter than this are strides, not work blocks, seconds.
    pub min_work_lap_s: f64,
    /// Without lap structure: at least this many pace surges…
    pub min_surges: usize,
    /// …and at least this much time at or above the hard threshold, seconds.
    pub min_hard_s: u32,
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
    /// By heart rate: at least this share of the HR-covered moving time at or above the
    /// hard threshold…
    pub min_hard_share: f64,
    /// …and at least this much of it, seconds.
    pub min_hard_s: u32,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig {
            recovery_window_h: 24.0,
            long_floor_s: 90 * 60,
            long_vs_usual: 1.5,
            long_relative_min_s: 60 * 60,
            tempo_min_hard_s: 15 * 60,
            intervals: IntervalsRule::default(),
            race: RaceRule::default(),
            recovery_words: [
                "recovery",
                "easy",
                "regen",
                "regeneration",
                "shakeout",
                "shake out",
                "recup",
                "récup",
                "recuperation",
                "récupération",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl Default for IntervalsRule {
    fn default() -> Self {
        IntervalsRule {
            min_work_blocks: 3,
            min_work_lap_s: 30.0,
            min_surges: 4,
            min_hard_s: 5 * 60,
        }
    }
}

impl Default for RaceRule {
    fn default() -> Self {
        RaceRule {
            words: [
                "race",
                "parkrun",
                "marathon",
                "halfmarathon",
                "half marathon",
                "5k",
                "10k",
                "15k",
            ]
            .map(String::from)
            .to_vec(),
            min_perceived_exertion: 9.0,
            min_hard_share: 0.6,
            min_hard_s: 10 * 60,
        }
    }
}

/// Whether an activity is a run. An export's activity type (Strava "Activity Type",
/// which the runner may have corrected) wins when it names a sport; otherwise the
/// file's sport must be running. Unknown sport with no label is not a run.
pub fn is_running(facts: &RunFacts) -> bool {
    let labelled = facts
        .activity_type
        .as_deref()
        .map(|t| Sport::from_text(t).0)
        .filter(|s| *s != Sport::Generic);
    match labelled {
        Some(sport) => sport == Sport::Running,
        None => facts.sport == Some(Sport::Running),
    }
}

/// The runner's usual run, seconds: the median moving time of the running activities
/// of the whole batch, races left out (when every run is a race, all runs count).
/// `None` without any run with moving time.
pub fn usual_run_s(facts: &[RunFacts], config: &HistoryConfig) -> Option<f64> {
    let words = Words::new(config);
    let signals: Vec<Signals> = facts
        .iter()
        .map(|f| Signals::of(f, config, &words))
        .collect();
    usual_from_signals(facts.iter().zip(&signals))
}

/// Classifies every activity and finds the intended recovery runs.
///
/// `facts` should be sorted by start time (the batch driver sorts them). If they are
/// not, they are processed in a stable order of (start time, source) anyway; the result
/// is always in INPUT order, one placement per activity, and
/// [`RecoversFrom::index`] is an index into `facts`.
///
/// Per running activity, in this order (docs/history.md explains each step):
/// 1. planned sessions keep their class: a race by name (unless the name also says
///    recovery), intervals by lap structure;
/// 2. a recovery word in the name or type → recovery (intent: name);
/// 3. starting within the window after the end of the most recent long or hard
///    session → recovery (intent: placement), unless the run is itself long — a
///    back-to-back long run is planned, not a failed recovery run;
/// 4. otherwise by effort: race (perceived exertion, HR), intervals (surges + hard
///    time), tempo (hard time), long (duration), else easy.
///
/// A run that was merely run too hard after a long run stays a recovery run: judging
/// it is the point. Non-running activities are `Other` and never recovery runs.
pub fn classify(facts: &[RunFacts], config: &HistoryConfig) -> Vec<Placement> {
    let words = Words::new(config);
    let mut order: Vec<(usize, &RunFacts, Signals)> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| (i, f, Signals::of(f, config, &words)))
        .collect();
    order.sort_by(|a, b| (a.1.start_time, &a.1.source).cmp(&(b.1.start_time, &b.1.source)));
    let usual_s = usual_from_signals(order.iter().map(|(_, f, s)| (*f, s)));
    let window_ms = (config.recovery_window_h.max(0.0) * MS_PER_HOUR).round() as i64;

    let mut sessions = Sessions::default();
    let mut placed: Vec<(usize, Placement)> = Vec::with_capacity(order.len());
    for (index, f, signals) in &order {
        let long = signals.running && is_long(f, usual_s, config);
        let after = if signals.running {
            sessions.most_recent(f.start_time.unix_ms(), window_ms)
        } else {
            None
        };
        let placement = decide(signals, long, after);
        if placement.class.is_long_or_hard() {
            sessions.push(Session {
                index: *index,
                source: f.source.clone(),
                start_ms: f.start_time.unix_ms(),
                end_ms: f.end_time.unix_ms(),
                class: placement.class,
            });
        }
        placed.push((*index, placement));
    }
    placed.sort_by_key(|(i, _)| *i);
    placed.into_iter().map(|(_, p)| p).collect()
}

/// The decision for one activity, given its signals, whether it is long and the long
/// or hard session it follows within the window.
fn decide(s: &Signals, long: bool, after: Option<RecoversFrom>) -> Placement {
    let plain = |class| Placement {
        class,
        intent: None,
        recovers_from: None,
    };
    let recovery = |intent| Placement {
        class: Class::Recovery,
        intent: Some(intent),
        recovers_from: after.clone(),
    };
    if !s.running {
        return plain(Class::Other);
    }
    if s.race_by_name && !s.recovery_by_name {
        return plain(Class::Race);
    }
    if s.intervals_by_laps {
        return plain(Class::Intervals);
    }
    if s.recovery_by_name {
        return recovery(Intent::Name);
    }
    if after.is_some() && !long {
        return recovery(Intent::Placement);
    }
    if s.race_by_effort {
        plain(Class::Race)
    } else if s.intervals_by_effort {
        plain(Class::Intervals)
    } else if s.tempo {
        plain(Class::Tempo)
    } else if long {
        plain(Class::Long)
    } else {
        plain(Class::Easy)
    }
}

/// Long: at or over the absolute floor, or well over the usual run.
fn is_long(f: &RunFacts, usual_s: Option<f64>, config: &HistoryConfig) -> bool {
    let relative = usual_s.is_some_and(|usual| {
        f.moving_s >= config.long_relative_min_s
            && f64::from(f.moving_s) >= config.long_vs_usual * usual
    });
    f.moving_s >= config.long_floor_s || relative
}

/// Median moving time of the runs that are not races (of all runs when all are).
fn usual_from_signals<'a>(items: impl Iterator<Item = (&'a RunFacts, &'a Signals)>) -> Option<f64> {
    let mut all = Vec::new();
    let mut not_races = Vec::new();
    for (f, s) in items {
        if !s.running || f.moving_s == 0 {
            continue;
        }
        let moving_s = f64::from(f.moving_s);
        all.push(moving_s);
        if !s.race_signal() {
            not_races.push(moving_s);
        }
    }
    median(if not_races.is_empty() { all } else { not_races })
}

/// Median (mean of the two middle values for an even count); `None` when empty.
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let upper = values.get(n / 2).copied()?;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = values.get(n / 2 - 1).copied()?;
    Some((lower + upper) / 2.0)
}

/// What one activity says about itself, independent of its neighbours.
#[derive(Debug, Clone, Copy, Default)]
struct Signals {
    running: bool,
    race_by_name: bool,
    recovery_by_name: bool,
    /// Perceived exertion or heart rate says race.
    race_by_effort: bool,
    intervals_by_laps: bool,
    /// Surges plus hard time, without lap structure.
    intervals_by_effort: bool,
    tempo: bool,
}

impl Signals {
    fn of(f: &RunFacts, config: &HistoryConfig, words: &Words) -> Signals {
        let running = is_running(f);
        if !running {
            return Signals::default();
        }
        let labels = [f.name.as_deref(), f.activity_type.as_deref()];
        let said = |phrases: &[Vec<String>]| {
            labels
                .iter()
                .flatten()
                .any(|text| has_any_phrase(&tokens(text), phrases))
        };
        let hard_s = f.hard_s.unwrap_or(0);
        let race = &config.race;
        let race_by_rpe = f
            .perceived_exertion
            .is_some_and(|rpe| rpe >= race.min_perceived_exertion);
        let race_by_hr = f.hr_moving_s > 0
            && hard_s >= race.min_hard_s
            && f64::from(hard_s) >= race.min_hard_share * f64::from(f.hr_moving_s);
        let iv = &config.intervals;
        Signals {
            running,
            race_by_name: said(&words.race),
            recovery_by_name: said(&words.recovery),
            race_by_effort: race_by_rpe || race_by_hr,
            intervals_by_laps: work_blocks(&f.laps, iv.min_work_lap_s) >= iv.min_work_blocks,
            intervals_by_effort: f.surges >= iv.min_surges && hard_s >= iv.min_hard_s,
            tempo: hard_s >= config.tempo_min_hard_s,
        }
    }

    /// Any sign of a race (for leaving races out of the usual run).
    fn race_signal(&self) -> bool {
        (self.race_by_name && !self.recovery_by_name) || self.race_by_effort
    }
}

/// Work blocks separated by rest: maximal runs of work laps (active/interval, at least
/// `min_work_lap_s` long or of unknown length) counted when they are the first or a
/// rest/recovery lap lies between them and the previous block. Warm-up, cool-down,
/// unlabelled and short (strides) laps close a block without separating blocks, so an
/// auto-lapped run (every lap "active") is one block.
fn work_blocks(laps: &[LapFacts], min_work_lap_s: f64) -> usize {
    let mut blocks = 0usize;
    let mut in_block = false;
    let mut rest_since_block = false;
    for lap in laps {
        let long_enough = lap.timer_s.is_none_or(|t| t >= min_work_lap_s);
        match lap.intensity {
            Some(LapIntensity::Active | LapIntensity::Interval) if long_enough => {
                if !in_block && (blocks == 0 || rest_since_block) {
                    blocks += 1;
                    rest_since_block = false;
                }
                in_block = true;
            }
            Some(LapIntensity::Rest | LapIntensity::Recovery) => {
                in_block = false;
                rest_since_block = true;
            }
            _ => in_block = false,
        }
    }
    blocks
}

/// The configured word lists, tokenised once.
struct Words {
    race: Vec<Vec<String>>,
    recovery: Vec<Vec<String>>,
}

impl Words {
    fn new(config: &HistoryConfig) -> Words {
        let phrases = |list: &[String]| {
            list.iter()
                .map(|w| tokens(w))
                .filter(|t| !t.is_empty())
                .collect()
        };
        Words {
            race: phrases(&config.race.words),
            recovery: phrases(&config.recovery_words),
        }
    }
}

/// Lower-case words: runs of letters and digits ("Récup 5k!" → ["récup", "5k"]).
fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `tokens` hold one of `phrases` as consecutive whole words.
fn has_any_phrase(tokens: &[String], phrases: &[Vec<String>]) -> bool {
    phrases
        .iter()
        .any(|p| !p.is_empty() && tokens.windows(p.len()).any(|w| w == p.as_slice()))
}

/// A long or hard session already classified.
#[derive(Debug, Clone)]
struct Session {
    index: usize,
    source: String,
    start_ms: i64,
    end_ms: i64,
    class: Class,
}

/// The long and hard sessions so far, in start order.
#[derive(Debug, Default)]
struct Sessions {
    list: Vec<Session>,
    /// Longest end − start among them, to stop looking back early.
    max_span_ms: i64,
}

impl Sessions {
    fn push(&mut self, s: Session) {
        self.max_span_ms = self.max_span_ms.max(s.end_ms.saturating_sub(s.start_ms));
        self.list.push(s);
    }

    /// The session whose end lies within `window_ms` before `start_ms` (not after it),
    /// the most recent end first; on a tie the later one in time order.
    fn most_recent(&self, start_ms: i64, window_ms: i64) -> Option<RecoversFrom> {
        let earliest_end_ms = start_ms.saturating_sub(window_ms);
        let mut best: Option<(&Session, i64)> = None;
        for s in self.list.iter().rev() {
            // Every earlier session started no later than `s`, so ended by this bound.
            if s.start_ms.saturating_add(self.max_span_ms) < earliest_end_ms {
                break;
            }
            let gap_ms = start_ms.saturating_sub(s.end_ms);
            if !(0..=window_ms).contains(&gap_ms) {
                continue;
            }
            if best.is_none_or(|(_, best_gap)| gap_ms < best_gap) {
                best = Some((s, gap_ms));
            }
        }
        best.map(|(s, gap_ms)| RecoversFrom {
            index: s.index,
            source: s.source.clone(),
            class: s.class,
            hours_since_end: gap_ms as f64 / MS_PER_HOUR,
        })
    }
}

#[cfg(test)]
mod tests;
