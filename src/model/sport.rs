//! Sport and sub-sport, normalised across FIT enums, TCX `Sport=` and GPX `<type>`.

use serde::Serialize;

/// What kind of activity a file says it is. FIT names (snake_case) are the vocabulary;
/// values easyrun has no use for keep their FIT/text name in `Other`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Sport {
    /// Running (road, trail, treadmill: see [`SubSport`]).
    Running,
    /// Cycling.
    Cycling,
    /// Walking.
    Walking,
    /// Hiking.
    Hiking,
    /// Swimming.
    Swimming,
    /// Gym and strength training.
    Training,
    /// No particular sport.
    Generic,
    /// Any other sport, by the file's own name.
    Other(String),
}

impl Sport {
    /// Snake-case name as used in output.
    pub fn as_str(&self) -> &str {
        match self {
            Sport::Running => "running",
            Sport::Cycling => "cycling",
            Sport::Walking => "walking",
            Sport::Hiking => "hiking",
            Sport::Swimming => "swimming",
            Sport::Training => "training",
            Sport::Generic => "generic",
            Sport::Other(name) => name,
        }
    }

    /// From a FIT profile name (`running`, `cycling`, …).
    pub fn from_fit_name(name: &str) -> Sport {
        match name {
            "running" => Sport::Running,
            "cycling" => Sport::Cycling,
            "walking" => Sport::Walking,
            "hiking" => Sport::Hiking,
            "swimming" => Sport::Swimming,
            "training" => Sport::Training,
            "generic" => Sport::Generic,
            other => Sport::Other(other.to_string()),
        }
    }

    /// From free text (TCX `Sport=`, GPX `<type>`, Strava "Activity Type"). Strava's GPX
    /// writes numeric types: 9 is a run, 1 a ride. Returns the sport and, when the text
    /// says so, the sub-sport (trail, treadmill, virtual).
    pub fn from_text(text: &str) -> (Sport, Option<SubSport>) {
        let t = text.trim().to_ascii_lowercase();
        let t = t.replace([' ', '-'], "_");
        let sub = if t.contains("trail") {
            Some(SubSport::Trail)
        } else if t.contains("treadmill") {
            Some(SubSport::Treadmill)
        } else if t.contains("virtual") {
            Some(SubSport::VirtualActivity)
        } else if t.contains("indoor") && t.contains("run") {
            Some(SubSport::IndoorRunning)
        } else {
            None
        };
        let sport = match t.as_str() {
            "9" => Sport::Running,
            "1" => Sport::Cycling,
            "biking" | "ride" | "bike" | "cycling" | "virtual_ride" | "mountain_biking" => {
                Sport::Cycling
            }
            "walk" | "walking" => Sport::Walking,
            "hike" | "hiking" => Sport::Hiking,
            "swim" | "swimming" => Sport::Swimming,
            "other" | "" => Sport::Generic,
            _ if t.contains("run") || t.contains("jog") => Sport::Running,
            _ => Sport::Other(t.clone()),
        };
        (sport, sub)
    }
}

impl Serialize for Sport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The inverse of `Serialize` ([`Sport::from_fit_name`]), for the history cache.
impl<'de> serde::Deserialize<'de> for Sport {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(Sport::from_fit_name(&name))
    }
}

/// Sub-sport: where the surface rules get their facts (FIT `sub_sport`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SubSport {
    /// No particular sub-sport.
    Generic,
    /// On a treadmill.
    Treadmill,
    /// On the street (road).
    Street,
    /// On trails.
    Trail,
    /// On a running track.
    Track,
    /// Indoors, not on a treadmill.
    IndoorRunning,
    /// A virtual activity (Zwift and the like).
    VirtualActivity,
    /// Any other sub-sport, by the file's own name.
    Other(String),
}

impl SubSport {
    /// Snake-case name as used in output.
    pub fn as_str(&self) -> &str {
        match self {
            SubSport::Generic => "generic",
            SubSport::Treadmill => "treadmill",
            SubSport::Street => "street",
            SubSport::Trail => "trail",
            SubSport::Track => "track",
            SubSport::IndoorRunning => "indoor_running",
            SubSport::VirtualActivity => "virtual_activity",
            SubSport::Other(name) => name,
        }
    }

    /// From a FIT profile name.
    pub fn from_fit_name(name: &str) -> SubSport {
        match name {
            "generic" => SubSport::Generic,
            "treadmill" => SubSport::Treadmill,
            "street" => SubSport::Street,
            "trail" => SubSport::Trail,
            "track" => SubSport::Track,
            "indoor_running" => SubSport::IndoorRunning,
            "virtual_activity" => SubSport::VirtualActivity,
            other => SubSport::Other(other.to_string()),
        }
    }
}

impl Serialize for SubSport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The inverse of `Serialize` ([`SubSport::from_fit_name`]), for the history cache.
impl<'de> serde::Deserialize<'de> for SubSport {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Ok(SubSport::from_fit_name(&name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_types_map_to_sports() {
        assert_eq!(Sport::from_text("Running").0, Sport::Running);
        assert_eq!(Sport::from_text("9").0, Sport::Running);
        assert_eq!(Sport::from_text("Biking").0, Sport::Cycling);
        assert_eq!(
            Sport::from_text("trail_running"),
            (Sport::Running, Some(SubSport::Trail))
        );
        assert_eq!(
            Sport::from_text("Treadmill Running"),
            (Sport::Running, Some(SubSport::Treadmill))
        );
        assert_eq!(Sport::from_text("Other").0, Sport::Generic);
        assert_eq!(
            Sport::from_text("kayaking").0,
            Sport::Other("kayaking".into())
        );
    }
}
