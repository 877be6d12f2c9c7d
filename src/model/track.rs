//! `Activity`: a cleaned activity on a 1 Hz grid, the input of every metric.
//!
//! The grid has holes: a second exists only where the file recorded (or where a short
//! gap of at most [`crate::clean::resample::MAX_FILL_S`] seconds was interpolated), so a
//! long pause or a clock jump costs nothing. Each [`Second`] stands for one second of
//! recording; moving time is the number of seconds with `moving`.

use serde::{Deserialize, Serialize};

use super::activity::{Lap, Position, WatchHrSettings};
use super::header::ActivityHeader;
use super::time::Timestamp;

/// Why a second's heart rate is or is not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum HrFlag {
    /// Recorded and plausible.
    #[default]
    Ok,
    /// A short dropout bridged by interpolation; used.
    Interpolated,
    /// No value (or a 0 placeholder) for longer than can be bridged.
    Missing,
    /// Outside what a human heart does (below 30, above 230, the 255 placeholder).
    Implausible,
    /// Above the athlete's known max HR plus a margin.
    AboveMax,
    /// A spike (up to ~15 s): faster change than a heart can make, or far off its
    /// neighbourhood.
    Spike,
    /// A swing and return: a jump faster than a heart can make, a plateau, and a jump
    /// back to where it started (strap contact, optical sensor).
    Swing,
    /// The whole trace changes faster than a heart can, too often to clean: untrusted.
    Erratic,
    /// An artifact (spike, swing, value above max) replaced by interpolation; used.
    Bridged,
    /// Optical sensor locked onto the step rate.
    CadenceLock,
}

impl HrFlag {
    /// Whether the second's HR may feed intensity metrics.
    pub fn usable(self) -> bool {
        matches!(self, HrFlag::Ok | HrFlag::Interpolated | HrFlag::Bridged)
    }

    /// Whether the recorded value was rejected as an artifact (bridged or not).
    pub fn is_artifact(self) -> bool {
        !matches!(self, HrFlag::Ok | HrFlag::Interpolated | HrFlag::Missing)
    }
}

/// One second of an activity.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Second {
    /// Seconds since the activity's first sample.
    pub t_s: u32,
    /// Moving (timer running and not standing still).
    pub moving: bool,
    /// Heart rate as recorded (resampled), before quality checks.
    pub hr_raw_bpm: Option<f32>,
    /// Heart rate fit for metrics: `Some` only when `hr_flag.usable()`.
    pub hr_bpm: Option<f32>,
    /// Whether the heart rate is usable, and why not.
    pub hr_flag: HrFlag,
    /// Speed, m/s: the device's, else derived from distance or positions.
    pub speed_mps: Option<f32>,
    /// Cumulative distance, metres (device distance, else summed from positions).
    pub distance_m: Option<f64>,
    /// Smoothed altitude, metres (`None` indoors: treadmill altitude is junk).
    pub altitude_m: Option<f32>,
    /// Grade over a distance window, rise/run (0.05 = 5 %).
    pub grade: Option<f32>,
    /// Steps per minute.
    pub cadence_spm: Option<f32>,
    /// Position, when the file has one.
    pub position: Option<Position>,
}

/// A span of seconds `[start_s, end_s)` relative to the activity's first sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First second, seconds since the first sample.
    pub start_s: u32,
    /// One past the last second.
    pub end_s: u32,
}

impl Span {
    /// Its length, seconds.
    pub fn len_s(&self) -> u32 {
        self.end_s.saturating_sub(self.start_s)
    }
}

/// A repair of the file's clock (clean::clock): a forward jump taken out, or a backward
/// step after which the records were re-timed to follow on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockJump {
    /// Where, seconds since the first sample (after the repair).
    pub at_s: u32,
    /// How far the clock jumped, seconds.
    pub by_s: i64,
    /// Forward (a gap taken out) or backward (records moved on).
    pub forward: bool,
}

/// What cleaning found and excluded, in seconds of moving time unless stated.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CleaningReport {
    /// Samples dropped because their time went backwards.
    pub non_monotonic_samples: usize,
    /// Of those, samples earlier than the last kept one: the clock ran backwards.
    pub backwards_samples: usize,
    /// Recording time the backwards samples covered, seconds.
    pub backwards_dropped_s: u32,
    /// Clock jumps repaired before the grid (taken out or re-timed, nothing dropped).
    pub clock_jumps: Vec<ClockJump>,
    /// Grid seconds whose device distance stepped back (or spiked) and was held.
    pub distance_held_s: u32,
    /// Device odometer resets continued from the running total.
    pub distance_resets: u32,
    /// Seconds whose device speed read 0 while its distance advanced (speed replaced).
    pub speed_from_distance_s: u32,
    /// The device odometer was beyond repair: distance rebuilt from the speed.
    pub distance_from_speed: bool,
    /// Distance from positions (no device distance): the smoothing half-window the
    /// track's noise needed, seconds (0 = raw fixes; clean::gps_distance).
    pub gps_smoothing_s: Option<u32>,
    /// Seconds on the grid (recorded or bridged).
    pub recorded_s: u32,
    /// Seconds with the timer stopped (FIT timer events) or in gaps too long to bridge.
    pub paused_s: u32,
    /// Seconds standing still while the watch kept recording.
    pub stopped_s: u32,
    /// Seconds of HR bridged over short gaps.
    pub hr_interpolated_s: u32,
    /// Seconds without HR (dropouts too long to bridge).
    pub hr_missing_s: u32,
    /// Seconds of implausible HR (below 30, above 230, placeholders).
    pub hr_implausible_s: u32,
    /// Seconds of HR spikes removed.
    pub hr_spike_s: u32,
    /// Seconds above the athlete's known max HR plus a margin (not bridged).
    pub hr_above_max_s: u32,
    /// Seconds in swing-and-return artifacts (not bridged).
    pub hr_swing_s: u32,
    /// Seconds of a trace too erratic to trust at all.
    pub hr_erratic_s: u32,
    /// Artifact seconds (spike, swing, above max) replaced by interpolation.
    pub hr_bridged_s: u32,
    /// Spans of rejected heart rate (spikes, swings, above max), merged.
    pub hr_artifact_spans: Vec<Span>,
    /// Seconds of HR excluded for optical cadence lock.
    pub hr_cadence_lock_s: u32,
    /// Cadence-locked spans.
    pub cadence_lock_spans: Vec<Span>,
    /// How altitude was treated.
    pub altitude: AltitudeTreatment,
    /// The altitude's noise signature, metres (clean::elevation::noise_m).
    pub altitude_noise_m: Option<f64>,
    /// Hysteresis for ascent and descent chosen for this altitude, metres.
    pub altitude_hysteresis_m: f64,
}

impl CleaningReport {
    /// Seconds whose recorded HR was rejected and not bridged (every artifact kind).
    pub fn hr_artifact_removed_s(&self) -> u32 {
        self.hr_implausible_s
            + self.hr_above_max_s
            + self.hr_spike_s
            + self.hr_swing_s
            + self.hr_erratic_s
            + self.hr_cadence_lock_s
    }
}

/// How altitude was treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AltitudeTreatment {
    /// No altitude in the file.
    #[default]
    None,
    /// Indoor or treadmill: altitude ignored, flat by definition.
    IgnoredIndoor,
    /// Barometric-grade altitude (a barometric altimeter, or a watch's filtered GPS
    /// altitude): decimetres of noise; light smoothing, 2 m hysteresis.
    Barometric,
    /// Raw GPS or phone altitude: metres of noise; heavier smoothing, a hysteresis and
    /// grade window that grow with the noise (clean::elevation).
    Gps,
}

/// A cleaned activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// Which file, device, sport, name and start.
    #[serde(flatten)]
    pub header: ActivityHeader,
    /// Time of the first sample: `t_s` counts from here.
    pub t0: Timestamp,
    /// Elapsed time, seconds: the file's statement, else the sample span.
    pub elapsed_s: f64,
    /// Distance the file states, metres.
    pub stated_distance_m: Option<f64>,
    /// The 1 Hz grid (with holes where nothing was recorded).
    pub seconds: Vec<Second>,
    /// Laps as the file states them.
    pub laps: Vec<Lap>,
    /// The heart-rate settings the watch stored in the file.
    pub watch_hr: Option<WatchHrSettings>,
    /// Whether the file holds GPS positions.
    pub has_gps: bool,
    /// What cleaning did.
    pub cleaning: CleaningReport,
}

impl Activity {
    /// Moving seconds.
    pub fn moving_s(&self) -> u32 {
        self.seconds.iter().filter(|s| s.moving).count() as u32
    }

    /// Distance covered while moving, metres (sum of positive distance steps between
    /// consecutive moving seconds).
    pub fn moving_distance_m(&self) -> f64 {
        let mut total = 0.0;
        for w in self.seconds.windows(2) {
            if let [a, b] = w
                && b.moving
                && b.t_s == a.t_s + 1
                && let (Some(da), Some(db)) = (a.distance_m, b.distance_m)
            {
                total += (db - da).max(0.0);
            }
        }
        total
    }

    /// The end of the activity (last second), seconds since `t0`.
    pub fn end_s(&self) -> u32 {
        self.seconds.last().map_or(0, |s| s.t_s + 1)
    }
}
