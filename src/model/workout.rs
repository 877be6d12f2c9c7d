//! A planned workout as a watch stores it (FIT `workout` and `workout_step` messages):
//! the session the runner meant to do, independent of how it was run.

use serde::{Deserialize, Serialize};

use super::activity::LapIntensity;

/// What ends a workout step (FIT `wkt_step_duration`), the kinds easyrun tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepDuration {
    /// A time, seconds.
    Time {
        /// The step's duration, seconds.
        s: f64,
    },
    /// A distance, metres.
    Distance {
        /// The step's distance, metres.
        m: f64,
    },
    /// Until the lap button (`open`) or a heart-rate / power / calorie condition.
    Open,
    /// Repeat the steps from `from_step` (a step index) `times` times in all.
    Repeat {
        /// The index of the first step repeated.
        from_step: u32,
        /// How many times the steps run in all.
        times: u32,
    },
}

/// One step of a planned workout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkoutStep {
    /// The step's `message_index` (repeat steps point back to it).
    pub index: u32,
    /// Warm-up, active, rest, cool-down… (FIT `intensity`), when the step states it.
    pub intensity: Option<LapIntensity>,
    /// What ends the step.
    pub duration: StepDuration,
}

/// A planned workout: its name and steps (in file order).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PlannedWorkout {
    /// `wkt_name` ("HIIT 20 x 0:30/0:15", "Wahoo Workout", …).
    pub name: Option<String>,
    /// The steps, repeat steps included.
    pub steps: Vec<WorkoutStep>,
}
