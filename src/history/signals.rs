//! What one activity says about itself, independent of its neighbours: its sport, the
//! words in its name, its laps and planned workout, its efforts and its heart rate.

use super::sport::{self, SportCall, SportSource, SportWords};
use super::words::{WordList, has_repetitions, tokens};
use super::workout::{effort_reps, lap_shape_reps, planned_blocks, work_blocks};
use super::{Class, ClassReason, HistoryConfig, RunFacts};
use crate::model::Sport;

/// The configured word lists, tokenised once.
pub(crate) struct Words {
    race: WordList,
    recovery: WordList,
    tempo: WordList,
    intervals: WordList,
    long: WordList,
    sport: SportWords,
}

impl Words {
    pub(crate) fn new(config: &HistoryConfig) -> Words {
        Words {
            race: WordList::new(&config.race.words),
            recovery: WordList::new(&config.recovery_words),
            tempo: WordList::new(&config.workout_words.tempo),
            intervals: WordList::new(&config.workout_words.intervals),
            long: WordList::new(&config.workout_words.long),
            sport: SportWords::new(&config.sport),
        }
    }
}

/// What one activity says about itself.
#[derive(Debug, Clone)]
pub(crate) struct Signals {
    pub(crate) sport: SportCall,
    pub(crate) running: bool,
    pub(crate) race_by_name: bool,
    pub(crate) recovery_by_name: bool,
    /// Race evidence of the run alone: perceived exertion or sustained threshold effort.
    pub(crate) race_by_effort: Option<ClassReason>,
    /// Planned structure: lap intensity, lap shape or the planned workout.
    pub(crate) planned_intervals: Option<ClassReason>,
    /// A workout name (tempo, intervals, long run), without a recovery word.
    pub(crate) named: Option<(Class, ClassReason)>,
    /// The file holds a planned workout of steps (the runner set the watch to it).
    pub(crate) planned_workout: bool,
    /// Repeated efforts in the trace.
    pub(crate) efforts: bool,
    /// Sustained time just below the threshold.
    pub(crate) tempo: bool,
    /// Share of the HR-covered moving time at or above the hard threshold (0 without).
    pub(crate) hard_share: f64,
    pub(crate) has_hr: bool,
}

impl Signals {
    pub(crate) fn of(f: &RunFacts, config: &HistoryConfig, words: &Words) -> Signals {
        let sport = sport::resolve_with(f, &config.sport, &words.sport);
        let running = sport.sport == Some(Sport::Running);
        let mut s = Signals {
            sport,
            running,
            race_by_name: false,
            recovery_by_name: false,
            race_by_effort: None,
            planned_intervals: None,
            named: None,
            planned_workout: f.workout.as_ref().is_some_and(|w| w.steps.len() >= 2),
            efforts: false,
            tempo: false,
            hard_share: 0.0,
            has_hr: f.hr_moving_s > 0,
        };
        if !running {
            return s;
        }
        let labels: Vec<Vec<String>> = [
            f.name.as_deref(),
            f.activity_type.as_deref(),
            f.workout.as_ref().and_then(|w| w.name.as_deref()),
        ]
        .iter()
        .flatten()
        .map(|t| tokens(t))
        .collect();
        let said = |list: &WordList| labels.iter().any(|w| list.matches(w));
        s.race_by_name = said(&words.race);
        s.recovery_by_name = said(&words.recovery);
        if !s.recovery_by_name {
            s.named = if said(&words.intervals) || labels.iter().any(|w| has_repetitions(w)) {
                Some((Class::Intervals, ClassReason::IntervalsName))
            } else if said(&words.tempo) {
                Some((Class::Tempo, ClassReason::TempoName))
            } else if said(&words.long) {
                Some((Class::Long, ClassReason::LongName))
            } else {
                None
            };
        }
        let race = &config.race;
        let by_rpe = f
            .perceived_exertion
            .is_some_and(|rpe| rpe >= race.min_perceived_exertion);
        let t = &f.trace;
        let block_s = t.tempo_block_s.unwrap_or(0);
        let at_threshold = t
            .tempo_block_hr_bpm
            .zip(t.threshold_bpm)
            .is_some_and(|(hr, threshold)| hr >= threshold);
        let well_above = t
            .tempo_block_hr_bpm
            .zip(t.threshold_bpm)
            .is_some_and(|(hr, threshold)| hr >= threshold + race.well_above_bpm);
        let race_shape =
            well_above || super::race::standard_distance(f.distance_m, race.distance_tolerance);
        let by_hr = at_threshold
            && race_shape
            && block_s >= race.min_block_s
            && (block_s >= race.long_block_s
                || f64::from(block_s) >= race.min_block_share * f64::from(f.hr_moving_s));
        s.race_by_effort = if by_rpe {
            Some(ClassReason::RaceExertion)
        } else if by_hr {
            Some(ClassReason::RaceEffort)
        } else {
            None
        };
        let iv = &config.intervals;
        s.planned_intervals = if work_blocks(&f.laps, iv.min_work_lap_s) >= iv.min_work_blocks {
            Some(ClassReason::IntervalsLapIntensity)
        } else if lap_shape_reps(&f.laps, iv) >= iv.min_work_blocks {
            Some(ClassReason::IntervalsLapShape)
        } else if f
            .workout
            .as_ref()
            .is_some_and(|w| planned_blocks(w, iv.min_work_lap_s) >= iv.min_work_blocks)
        {
            Some(ClassReason::IntervalsWorkout)
        } else {
            None
        };
        s.efforts = effort_reps(&f.trace.efforts, iv) >= iv.min_work_blocks;
        s.tempo = f.trace.tempo_block_s.unwrap_or(0) >= config.tempo_min_sustained_s;
        if f.hr_moving_s > 0 {
            s.hard_share = f64::from(f.hard_s.unwrap_or(0)) / f64::from(f.hr_moving_s);
        }
        s
    }

    /// Any sign of a race (for leaving races out of the usual run).
    pub(crate) fn race_signal(&self) -> bool {
        (self.race_by_name && !self.recovery_by_name) || self.race_by_effort.is_some()
    }

    /// The reason of `other`.
    pub(crate) fn other_reason(&self) -> ClassReason {
        if self.sport.source == SportSource::Unknown {
            ClassReason::SportUnknown
        } else {
            ClassReason::NotRunning
        }
    }
}
