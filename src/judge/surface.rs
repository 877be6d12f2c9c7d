//! Surface from what the file says: FIT sub_sport, GPX/TCX type text (already mapped to
//! a sub-sport by the readers), and the absence of GPS with a speed sensor (indoor).
//! A real surface would need map data (OSM `surface=*`); without it road-vs-trail is
//! only known when the file states it.

use serde::Serialize;

use crate::model::{Activity, SubSport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
