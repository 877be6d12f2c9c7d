//! Surface from what the file says: FIT sub_sport, GPX/TCX type text (already mapped to
//! a sub-sport by the readers), and the absence of GPS with a speed sensor (indoor).
//! A real surface would need map data (OSM `surface=*`); without it road-vs-trail is
//! only known when the file states it.

use serde::{Deserialize, Serialize};

use crate::model::{Activity, SubSport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Surface {
    Treadmill,
    Indoor,
    Track,
    Trail,
    Road,
    Unknown,
}

impl Surface {
    pub fn as_str(self) -> &'static str {
        match self {
            Surface::Treadmill => "treadmill",
            Surface::Indoor => "indoor",
            Surface::Track => "track",
            Surface::Trail => "trail",
            Surface::Road => "road",
            Surface::Unknown => "unknown",
        }
    }
}

/// Classifies the surface of `activity`.
pub fn surface(activity: &Activity) -> Surface {
    match activity.header.sub_sport.as_ref() {
        Some(SubSport::Treadmill) => Surface::Treadmill,
        Some(SubSport::IndoorRunning | SubSport::VirtualActivity) => Surface::Indoor,
        Some(SubSport::Track) => Surface::Track,
        Some(SubSport::Trail) => Surface::Trail,
        Some(SubSport::Street) => Surface::Road,
        _ => {
            let has_speed = activity.seconds.iter().any(|s| s.speed_mps.is_some());
            if !activity.has_gps && has_speed {
                // No position but a speed: a foot pod or treadmill indoors.
                Surface::Indoor
            } else {
                Surface::Unknown
            }
        }
    }
}

/// Where a run's surface judgement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SurfaceSource {
    /// Matched against an OpenStreetMap file (`surface_shares`).
    Map,
    /// What the file says (sub-sport, GPX/TCX type, indoor without GPS).
    Sport,
    /// Nothing says.
    None,
}

impl SurfaceSource {
    pub fn as_str(self) -> &'static str {
        match self {
            SurfaceSource::Map => "map",
            SurfaceSource::Sport => "sport",
            SurfaceSource::None => "none",
        }
    }
}

/// Which source judges the surface: a treadmill or indoor run stays as the file says;
/// otherwise a map that covered the run wins over the file's label; without either,
/// nothing is invented.
pub fn source(sport_surface: Surface, map: bool) -> SurfaceSource {
    match sport_surface {
        Surface::Treadmill | Surface::Indoor => SurfaceSource::Sport,
        _ if map => SurfaceSource::Map,
        Surface::Unknown => SurfaceSource::None,
        _ => SurfaceSource::Sport,
    }
}
