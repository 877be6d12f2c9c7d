//! The planned workout as FIT `workout` (26) and `workout_step` (27) messages, so
//! fixtures can carry the workout a watch followed (docs/formats.md lists the fields
//! the reader takes).

use super::encoder::{Base, Definition, Encoder, V, intensity_number, sport_number};
use easyrun::model::{PlannedWorkout, Sport, StepDuration};

/// Local message types of the two messages (free in the writer's table).
const LOCAL_WORKOUT: u8 = 12;
const LOCAL_WORKOUT_STEP: u8 = 13;
/// `wkt_name` is written in a field of this many bytes (terminator included).
const NAME_BYTES: u8 = 32;

/// Writes `workout`: one `workout` message, then one `workout_step` per step.
pub(super) fn write_workout(enc: &mut Encoder, workout: &PlannedWorkout, sport: Option<&Sport>) {
    let def = Definition::new(26)
        .field(4, Base::Enum)
        .field(6, Base::U16)
        .sized(8, Base::Str, NAME_BYTES);
    enc.define(LOCAL_WORKOUT, &def);
    let mut name = workout.name.clone().unwrap_or_default().into_bytes();
    name.truncate(usize::from(NAME_BYTES) - 1);
    enc.data(
        LOCAL_WORKOUT,
        &def,
        &[
            V::U8(sport_number(sport)),
            V::U16(u16::try_from(workout.steps.len()).ok()),
            V::Bytes(name),
        ],
    );
    let def = Definition::new(27)
        .field(254, Base::U16)
        .field(1, Base::Enum)
        .field(2, Base::U32)
        .field(4, Base::U32)
        .field(7, Base::Enum);
    enc.define(LOCAL_WORKOUT_STEP, &def);
    for step in &workout.steps {
        // wkt_step_duration: time 0 (ms), distance 1 (cm), open 5, repeat 6.
        let (kind, value, target) = match step.duration {
            StepDuration::Time { s } => (0, Some((s * 1000.0).round().max(0.0) as u32), None),
            StepDuration::Distance { m } => (1, Some((m * 100.0).round().max(0.0) as u32), None),
            StepDuration::Open => (5, None, None),
            StepDuration::Repeat { from_step, times } => (6, Some(from_step), Some(times)),
        };
        enc.data(
            LOCAL_WORKOUT_STEP,
            &def,
            &[
                V::U16(u16::try_from(step.index).ok()),
                V::U8(Some(kind)),
                V::U32(value),
                V::U32(target),
                V::U8(step.intensity.map(intensity_number)),
            ],
        );
    }
}
