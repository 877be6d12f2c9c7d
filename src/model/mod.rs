//! The normalized activity model every reader produces and every later stage reads.

pub mod activity;
pub mod geo;
pub mod header;
pub(crate) mod interned;
pub mod local;
pub mod sport;
pub mod text;
pub mod time;
pub mod track;
pub mod workout;

pub use activity::{
    Format, HrCalcType, Lap, LapIntensity, Position, RawActivity, Sample, Session, TimeBase,
    TimerEvent, TimerEventKind, WatchHrSettings,
};
pub use header::{ActivityHeader, device_name};
pub use local::{LocalInstant, LocalTime, LocalTimeSource, OffsetField, StatedOffset};
pub use sport::{Sport, SubSport};
pub use time::Timestamp;
pub use track::{Activity, AltitudeTreatment, CleaningReport, ClockJump, HrFlag, Second, Span};
pub use workout::{PlannedWorkout, StepDuration, WorkoutStep};
