//! Pace or speed, by sport: runners (and walkers, hikers) read pace, minutes per km;
//! riders and everyone else read speed, km/h. A ride at 30 km/h is "2:00 /km" as a
//! pace, which nobody reads; a run at 12 km/h is "5:00 /km", which every runner does.
//! The choice is made here once for every renderer; the unit's formatting (metric here)
//! is the renderers'.

use crate::model::Sport;

/// How fast an activity went, in the measure its sport is read in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rate {
    /// Seconds per km (running, walking, hiking, and an activity of unknown sport).
    Pace {
        /// Seconds per km.
        s_per_km: f64,
    },
    /// km/h (cycling, swimming and every other sport).
    Speed {
        /// Kilometres per hour.
        km_h: f64,
    },
}

/// Whether `sport` is read as a pace: on foot, or unknown (easyrun's activities are
/// runs unless something says otherwise).
pub fn reads_as_pace(sport: Option<&Sport>) -> bool {
    matches!(
        sport,
        None | Some(Sport::Running | Sport::Walking | Sport::Hiking)
    )
}

impl Rate {
    /// The rate of an activity of `sport` with mean pace `pace_s_per_km` (`None`
    /// without distance).
    pub fn of(sport: Option<&Sport>, pace_s_per_km: Option<f64>) -> Option<Rate> {
        let p = pace_s_per_km.filter(|p| p.is_finite() && *p > 0.0)?;
        Some(if reads_as_pace(sport) {
            Rate::Pace { s_per_km: p }
        } else {
            Rate::Speed { km_h: 3600.0 / p }
        })
    }

    /// `5:46 /km` or `24.1 km/h`.
    pub fn text(self) -> String {
        match self {
            Rate::Pace { s_per_km } => format!("{} /km", super::check::pace(s_per_km)),
            Rate::Speed { km_h } => format!("{km_h:.1} km/h"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_get_pace_rides_get_speed() {
        let run = Rate::of(Some(&Sport::Running), Some(346.0));
        assert_eq!(run.map(Rate::text).as_deref(), Some("5:46 /km"));
        let unknown = Rate::of(None, Some(346.0));
        assert_eq!(unknown.map(Rate::text).as_deref(), Some("5:46 /km"));
        let walk = Rate::of(Some(&Sport::Walking), Some(720.0));
        assert_eq!(walk.map(Rate::text).as_deref(), Some("12:00 /km"));
        // 2:00 /km is 30 km/h.
        let ride = Rate::of(Some(&Sport::Cycling), Some(120.0));
        assert_eq!(ride, Some(Rate::Speed { km_h: 30.0 }));
        assert_eq!(ride.map(Rate::text).as_deref(), Some("30.0 km/h"));
        let other = Rate::of(Some(&Sport::Other("rowing".into())), Some(150.0));
        assert_eq!(other.map(Rate::text).as_deref(), Some("24.0 km/h"));
        assert_eq!(Rate::of(Some(&Sport::Cycling), None), None);
        assert_eq!(Rate::of(Some(&Sport::Running), Some(0.0)), None);
    }
}
