//! `RawActivity`: what a reader hands on, values as recorded, missing kept missing.

use serde::{Deserialize, Serialize};

use super::sport::{Sport, SubSport};
use super::time::Timestamp;

/// The file format an activity was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// The FIT protocol (Garmin, COROS, Polar, Suunto…).
    Fit,
    /// GPX 1.0/1.1 tracks.
    Gpx,
    /// Garmin Training Center XML.
    Tcx,
}

impl Format {
    /// `fit`, `gpx` or `tcx`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Fit => "fit",
            Format::Gpx => "gpx",
            Format::Tcx => "tcx",
        }
    }
}

/// A position in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Position {
    /// Latitude, degrees (WGS 84).
    pub lat_deg: f64,
    /// Longitude, degrees (WGS 84).
    pub lon_deg: f64,
}

/// The median step between consecutive increasing sample times that `keep` accepts
/// (1 s at 1 Hz, 1–8 s under smart recording), clamped to 1–10 s; 1 s when there is none.
pub fn nominal_step_ms(samples: &[Sample], keep: impl Fn(Timestamp) -> bool) -> i64 {
    let mut steps: Vec<i64> = samples
        .windows(2)
        .filter_map(|w| match w {
            [a, b] if keep(a.time) && keep(b.time) && b.time > a.time => Some(b.time.0 - a.time.0),
            _ => None,
        })
        .collect();
    steps.sort_unstable();
    steps
        .get(steps.len() / 2)
        .copied()
        .unwrap_or(1000)
        .clamp(1000, 10_000)
}

/// One recorded sample (a FIT `record`, a GPX `trkpt`, a TCX `Trackpoint`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Sample {
    /// When the sample was taken (UTC).
    pub time: Timestamp,
    /// Where the sample was recorded.
    pub position: Option<Position>,
    /// Altitude above sea level, metres (FIT: enhanced_altitude when present).
    pub altitude_m: Option<f64>,
    /// Cumulative distance as the device recorded it, metres.
    pub distance_m: Option<f64>,
    /// Instantaneous speed, m/s (FIT: enhanced_speed when present).
    pub speed_mps: Option<f64>,
    /// Heart rate, beats per minute, as recorded (0 and 255 placeholders kept: cleaning
    /// decides what they mean).
    pub hr_bpm: Option<u16>,
    /// Cadence in the device's unit converted to the sport's convention: for running,
    /// steps per minute (FIT running cadence is strides/min and is doubled here).
    pub cadence_spm: Option<f64>,
    /// Power, watts.
    pub power_w: Option<u16>,
}

/// Lap intensity as FIT and TCX state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LapIntensity {
    /// Active running (the lap's work).
    Active,
    /// Standing or walking rest.
    Rest,
    /// Warm-up.
    Warmup,
    /// Cool-down.
    Cooldown,
    /// Recovery between intervals.
    Recovery,
    /// A work interval.
    Interval,
    /// Anything else the file states.
    Other,
}

/// A lap as the file states it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lap {
    /// Start of the lap.
    pub start_time: Option<Timestamp>,
    /// Elapsed time the file states, seconds.
    pub elapsed_s: Option<f64>,
    /// Timer time the file states, seconds.
    pub timer_s: Option<f64>,
    /// Distance the file states, metres.
    pub distance_m: Option<f64>,
    /// Mean heart rate the file states, bpm.
    pub avg_hr_bpm: Option<u16>,
    /// Maximum heart rate the file states, bpm.
    pub max_hr_bpm: Option<u16>,
    /// What the lap was for (FIT `intensity`, TCX `Intensity`).
    pub intensity: Option<LapIntensity>,
}

/// A session summary as a FIT file states it (several in multisport files).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    /// The session's sport.
    pub sport: Option<Sport>,
    /// The session's sub-sport.
    pub sub_sport: Option<SubSport>,
    /// Start of the session.
    pub start_time: Option<Timestamp>,
    /// Elapsed time the file states, seconds.
    pub elapsed_s: Option<f64>,
    /// Timer time the file states, seconds.
    pub timer_s: Option<f64>,
    /// Distance the file states, metres.
    pub distance_m: Option<f64>,
    /// Mean heart rate the file states, bpm.
    pub avg_hr_bpm: Option<u16>,
    /// Maximum heart rate the file states, bpm.
    pub max_hr_bpm: Option<u16>,
    /// Ascent the file states, metres.
    pub ascent_m: Option<f64>,
    /// Descent the file states, metres.
    pub descent_m: Option<f64>,
}

/// A timer event: the watch's start/stop button (FIT `event` timer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimerEvent {
    /// When the timer changed.
    pub time: Timestamp,
    /// How it changed.
    pub kind: TimerEventKind,
}

/// A change of the watch's timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerEventKind {
    /// The timer started (or restarted).
    Start,
    /// The timer stopped.
    Stop,
    /// The timer stopped, and with it every timer (FIT `stop_all`).
    StopAll,
}

/// How the watch computes zones (FIT `hr_zone_calc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HrCalcType {
    /// Custom zones.
    Custom,
    /// Zones in % of max HR.
    PercentMaxHr,
    /// Zones in % of heart-rate reserve.
    PercentHrr,
    /// Zones in % of lactate-threshold HR.
    PercentLthr,
}

/// The heart-rate settings a watch stored in the file (`zones_target`, `user_profile`,
/// `hr_zone`). Each field is present only when the file carries it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct WatchHrSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Maximum heart rate the watch holds, bpm.
    pub max_hr_bpm: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Threshold heart rate the watch holds, bpm.
    pub threshold_hr_bpm: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Resting heart rate the watch holds, bpm.
    pub resting_hr_bpm: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// How the watch computes zones.
    pub hr_calc_type: Option<HrCalcType>,
    /// user_profile default_max_running_heart_rate / default_max_heart_rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_max_hr_bpm: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Age the user profile states, years.
    pub age_years: Option<u8>,
    /// Upper bounds of the watch's HR zones (`hr_zone.high_bpm`), in message order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub zone_high_bpm: Vec<u16>,
}

impl WatchHrSettings {
    /// Whether the file stated no HR setting at all.
    pub fn is_empty(&self) -> bool {
        *self == WatchHrSettings::default()
    }
}

/// Where an activity's instants come from. FIT timestamps below `0x10000000` are not
/// dates but seconds since the device was powered on (FIT profile, `date_time`); readers
/// place them on the UTC clock when the file allows it, and say so here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBase {
    /// The file's own UTC timestamps.
    #[default]
    Utc,
    /// Device-uptime timestamps placed by the file's `timestamp_correlation` message
    /// (the UTC time of one uptime instant).
    Correlated,
    /// Device-uptime timestamps placed by the first UTC timestamp after them (the clock
    /// was set mid-recording), assuming no gap at the switch.
    LaterTimestamp,
    /// Device-uptime timestamps placed by `file_id.time_created` (taken as the first
    /// record's instant).
    FileCreated,
    /// Device-uptime timestamps and nothing in the file to place them: durations are
    /// right, the start is unknown (instants read as 1989–1998 dates).
    Uptime,
}

impl TimeBase {
    /// Whether the activity's start is a real UTC instant.
    pub fn start_known(self) -> bool {
        self != TimeBase::Uptime
    }

    /// Snake-case name, as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeBase::Utc => "utc",
            TimeBase::Correlated => "correlated",
            TimeBase::LaterTimestamp => "later_timestamp",
            TimeBase::FileCreated => "file_created",
            TimeBase::Uptime => "uptime",
        }
    }
}

/// One activity as read from a file: the single type every reader produces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RawActivity {
    /// File path, or `archive.zip/member` for archive members; with `#N` when a file
    /// holds several activities (TCX).
    pub source: String,
    /// The format the file was read as (by content).
    pub format: Format,
    /// FIT file_id.type name (`activity`); `activity` for GPX tracks and TCX activities.
    pub file_type: String,
    /// The device's maker, as the file names it.
    pub manufacturer: Option<String>,
    /// The device, as the file names it.
    pub product: Option<String>,
    /// The sport the file states.
    pub sport: Option<Sport>,
    /// The sub-sport the file states.
    pub sub_sport: Option<SubSport>,
    /// Name the file gives (GPX `<name>`, FIT sport.name).
    pub name: Option<String>,
    /// Start: FIT first session start_time (else first record); TCX Activity Id (else
    /// first lap); GPX first trackpoint time.
    pub start_time: Timestamp,
    /// Where the instants come from (FIT device-uptime timestamps, placed or not).
    pub time_base: TimeBase,
    /// Elapsed time the file states (FIT session sums), seconds.
    pub elapsed_s: Option<f64>,
    /// Timer (moving by the watch's button) time the file states, seconds.
    pub timer_s: Option<f64>,
    /// Distance the file states (FIT sessions, TCX laps, else the last sample distance
    /// or the GPX track length), metres.
    pub distance_m: Option<f64>,
    /// The samples, in time order as recorded.
    pub samples: Vec<Sample>,
    /// Laps as the file states them.
    pub laps: Vec<Lap>,
    /// Sessions as the file states them (FIT).
    pub sessions: Vec<Session>,
    /// Timer starts and stops.
    pub timer_events: Vec<TimerEvent>,
    /// The heart-rate settings the watch stored in the file (FIT).
    pub watch_hr: Option<WatchHrSettings>,
    /// The planned workout the watch followed (FIT `workout`/`workout_step`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workout: Option<super::workout::PlannedWorkout>,
    /// Offsets from UTC the file states (FIT `activity.local_timestamp`,
    /// `device_settings`), best first, not yet checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stated_offsets: Vec<super::local::StatedOffset>,
    /// When the file says it was created (FIT `file_id.time_created`, when it is a
    /// date and not seconds of device uptime): a recording cannot start long after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
}

impl RawActivity {
    /// An empty activity of `format` for `source`; readers fill it in.
    pub fn new(source: impl Into<String>, format: Format) -> Self {
        RawActivity {
            source: source.into(),
            format,
            file_type: "activity".to_string(),
            manufacturer: None,
            product: None,
            sport: None,
            sub_sport: None,
            name: None,
            start_time: Timestamp::default(),
            time_base: TimeBase::Utc,
            elapsed_s: None,
            timer_s: None,
            distance_m: None,
            samples: Vec::new(),
            laps: Vec::new(),
            sessions: Vec::new(),
            timer_events: Vec::new(),
            watch_hr: None,
            workout: None,
            stated_offsets: Vec::new(),
            created: None,
        }
    }

    /// Last minus first sample time, seconds (0 without samples).
    pub fn record_span_s(&self) -> f64 {
        match (self.samples.first(), self.samples.last()) {
            (Some(a), Some(b)) => b.time.seconds_since(a.time),
            _ => 0.0,
        }
    }
}
