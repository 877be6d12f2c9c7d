//! The activity header: which file an activity came from, the device that recorded it,
//! its sport, name and start. One type, carried unchanged from the cleaned activity to
//! the analysis and read by every report.

use serde::{Deserialize, Serialize};

use super::activity::{Format, RawActivity, TimeBase};
use super::local::LocalTime;
use super::sport::{Sport, SubSport};
use super::time::Timestamp;

/// What identifies an activity and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityHeader {
    /// File path, or `archive.zip/member` for archive members; with `#N` when a file
    /// holds several activities (TCX).
    pub source: String,
    /// The format the file was read as (by content).
    pub format: Format,
    /// The device's maker, as the file names it (FIT profile name, GPX creator).
    pub manufacturer: Option<String>,
    /// The device, as the file names it.
    pub product: Option<String>,
    /// The sport the file states.
    pub sport: Option<Sport>,
    /// The sub-sport the file states (trail, treadmill, street…).
    pub sub_sport: Option<SubSport>,
    /// The activity's name (the file's own, or an export's label).
    pub name: Option<String>,
    /// The file's start time (see [`RawActivity::start_time`]).
    pub start_time: Timestamp,
    /// Where the instants come from; with [`TimeBase::Uptime`] the start is unknown.
    pub time_base: TimeBase,
    /// The local clock at the start and where it came from (UTC until the per-file
    /// pipeline resolves it: [`crate::local_time`]).
    pub local: LocalTime,
}

impl ActivityHeader {
    /// A header with only a source and a format.
    pub fn new(source: impl Into<String>, format: Format) -> Self {
        ActivityHeader {
            source: source.into(),
            format,
            manufacturer: None,
            product: None,
            sport: None,
            sub_sport: None,
            name: None,
            start_time: Timestamp::default(),
            time_base: TimeBase::Utc,
            local: LocalTime::utc(),
        }
    }

    /// The recording device: `manufacturer/product`, or whichever is known.
    pub fn device(&self) -> Option<String> {
        device_name(self.manufacturer.as_deref(), self.product.as_deref())
    }

    /// The start on the local clock.
    pub fn local_start(&self) -> super::local::LocalInstant {
        self.local.at(self.start_time)
    }
}

/// `manufacturer/product`, or whichever is known.
pub fn device_name(manufacturer: Option<&str>, product: Option<&str>) -> Option<String> {
    match (manufacturer, product) {
        (Some(m), Some(p)) => Some(format!("{m}/{p}")),
        (Some(x), None) | (None, Some(x)) => Some(x.to_string()),
        (None, None) => None,
    }
}

impl RawActivity {
    /// The header as the file states it.
    pub fn header(&self) -> ActivityHeader {
        ActivityHeader {
            source: self.source.clone(),
            format: self.format,
            manufacturer: self.manufacturer.clone(),
            product: self.product.clone(),
            sport: self.sport.clone(),
            sub_sport: self.sub_sport.clone(),
            name: self.name.clone(),
            start_time: self.start_time,
            time_base: self.time_base,
            local: LocalTime::utc(),
        }
    }
}
