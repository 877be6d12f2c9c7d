//! FIT `workout` (26) and `workout_step` (27): the planned workout a watch followed,
//! collected into a [`PlannedWorkout`]. Only what history needs: the name, and per step
//! its intensity and how it ends (time, distance, open, or a repeat of earlier steps).

use crate::model::{PlannedWorkout, StepDuration, WorkoutStep};

use super::decoder::{self, Definition};

const WKT_NAME: u8 = 8;
const STEP_DURATION_TYPE: u8 = 1;
const STEP_DURATION_VALUE: u8 = 2;
const STEP_TARGET_VALUE: u8 = 4;
const STEP_INTENSITY: u8 = 7;
const MESSAGE_INDEX: u8 = 254;

/// `wkt_step_duration` values: time (ms), distance (cm), open, repeat_until_steps_cmplt.
const DURATION_TIME: u64 = 0;
const DURATION_DISTANCE: u64 = 1;
const DURATION_REPEAT_STEPS: u64 = 6;

/// The workout messages of one file.
#[derive(Debug, Default)]
pub(super) struct WorkoutCollector {
    name: Option<String>,
    steps: Vec<WorkoutStep>,
    seen: bool,
}

impl WorkoutCollector {
    /// A `workout` message: its name (the first one wins).
    pub(super) fn workout(&mut self, def: &Definition, msg: &[u8]) {
        self.seen = true;
        if self.name.is_none() {
            self.name = def.field(WKT_NAME).and_then(|f| decoder::string(msg, f));
        }
    }

    /// A `workout_step` message.
    pub(super) fn step(&mut self, def: &Definition, msg: &[u8]) {
        self.seen = true;
        let get = |num| {
            def.field(num)
                .and_then(|f| decoder::uint(msg, f, def.big_endian))
        };
        let value = get(STEP_DURATION_VALUE);
        let duration = match (get(STEP_DURATION_TYPE), value) {
            (Some(DURATION_TIME), Some(ms)) => StepDuration::Time {
                s: ms as f64 / 1000.0,
            },
            (Some(DURATION_DISTANCE), Some(cm)) => StepDuration::Distance {
                m: cm as f64 / 100.0,
            },
            (Some(DURATION_REPEAT_STEPS), Some(from)) => StepDuration::Repeat {
                from_step: u32::try_from(from).unwrap_or(u32::MAX),
                times: get(STEP_TARGET_VALUE)
                    .and_then(|t| u32::try_from(t).ok())
                    .unwrap_or(0),
            },
            _ => StepDuration::Open,
        };
        let index = get(MESSAGE_INDEX)
            .and_then(|i| u32::try_from(i).ok())
            .unwrap_or(self.steps.len() as u32);
        self.steps.push(WorkoutStep {
            index,
            intensity: get(STEP_INTENSITY).map(super::intensity),
            duration,
        });
    }

    /// The workout, when the file held any workout message.
    pub(super) fn finish(self) -> Option<PlannedWorkout> {
        self.seen.then_some(PlannedWorkout {
            name: self.name,
            steps: self.steps,
        })
    }
}
