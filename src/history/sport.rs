//! History, step 0: which sport an activity was, and who says so. A runner's export is
//! full of activities nobody labelled (most GPX files carry no `<type>`), named in the
//! runner's language ("Domingo corrida matutina"); a cycling file must never be judged
//! as a run, and a run must not be lost because its file did not say "running".
//!
//! In order (docs/history.md "Which sport"): the export's label (Strava "Activity
//! Type"), the file's own sport (unless it says running at a speed no runner holds),
//! words in the name, speed and cadence; otherwise unknown, which is `other` —
//! counted, never guessed into a run.

use serde::{Deserialize, Serialize};

use super::RunFacts;
use super::words::{WordList, tokens};
use crate::model::{Format, Sport};

/// Who says which sport an activity was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SportSource {
    /// The file states a sport (FIT sport, TCX `Sport=`, GPX `<type>`).
    Recorded,
    /// An export's metadata names it (Strava "Activity Type").
    Label,
    /// easyrun inferred it from the name or from speed and cadence.
    Inferred,
    /// Nothing says: the activity is `other`.
    Unknown,
}

impl SportSource {
    pub fn as_str(self) -> &'static str {
        match self {
            SportSource::Recorded => "recorded",
            SportSource::Label => "label",
            SportSource::Inferred => "inferred",
            SportSource::Unknown => "unknown",
        }
    }
}

/// What an inference rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InferredFrom {
    /// A sport word in the name ("corrida", "Afternoon Ride", "Nachtlauf").
    Name,
    /// Moving speed (and cadence).
    Speed,
}

/// The sport of one activity and its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SportCall {
    pub sport: Option<Sport>,
    pub source: SportSource,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inferred_from: Option<InferredFrom>,
}

/// Word lists and speed bounds of the inference. Defaults in docs/history.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SportConfig {
    pub running_words: Vec<String>,
    pub cycling_words: Vec<String>,
    pub walking_words: Vec<String>,
    pub swimming_words: Vec<String>,
    /// Other sports' words: an activity named so is that sport (`other`).
    pub other_words: Vec<String>,
    /// Below this median moving speed an activity is a walk, m/s (7.2 km/h, 8:20/km)…
    pub walk_below_mps: f64,
    /// …unless its median cadence is at least this (no stride or pedal count is this
    /// high: these are steps of a slow run), per minute.
    pub run_cadence_spm: f64,
    /// At or above this median moving speed an activity is a ride, m/s (18 km/h)…
    pub ride_from_mps: f64,
    /// …or at or above this 75th-percentile speed (21.6 km/h: nobody runs a quarter
    /// of a run that fast; a higher percentile would catch GPS jumps), m/s.
    pub ride_p75_from_mps: f64,
    /// Above this median speed nothing human-powered is inferred (a car), m/s.
    pub motor_from_mps: f64,
    /// A name saying "run" is not believed above this median speed, m/s (23 km/h;
    /// the marathon record is 5.9 m/s).
    pub run_max_mps: f64,
    /// Less moving time than this says nothing about speed, seconds.
    pub min_moving_s: u32,
    /// At running or riding speed, a median cadence under this is neither a stride,
    /// a step nor a pedal rate (ski poles, swim strokes): the sport stays unknown.
    pub min_cadence: f64,
}

fn list(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_string()).collect()
}

impl Default for SportConfig {
    fn default() -> Self {
        SportConfig {
            running_words: list(&[
                "run",
                "running",
                "runs",
                "jog",
                "jogging",
                "trail run",
                "treadmill",
                "parkrun",
                "marathon",
                "*run",
                "corrida",
                "correr",
                "carrera",
                "course à pied",
                "footing",
                "jogging",
                "lauf",
                "laufen",
                "*lauf",
                "dauerlauf",
                "løb",
                "løbetur",
                "*løb",
                "løp",
                "løpetur",
                "*løp",
                "löpning",
                "*löpning",
                "löprunda",
                "hardloop",
                "hardlopen",
                "*hardloop",
                "duurloop",
                "juoksu",
                "*juoksu",
                "*lenkki",
                "corsa",
                "corsetta",
                "correre",
                "bieg",
                "*bieg",
                "běh",
                "beh",
                "futás",
                "koşu",
                "跑步",
                "ランニング",
            ]),
            cycling_words: list(&[
                "ride",
                "riding",
                "bike",
                "biking",
                "cycling",
                "cycle",
                "cyclisme",
                "vélo",
                "velo",
                "rad",
                "radfahren",
                "radtour",
                "*radtour",
                "radeln",
                "fahrrad",
                "rennrad",
                "ciclismo",
                "bici",
                "bicicleta",
                "pedal",
                "pedalada",
                "fiets",
                "fietsen",
                "fietstocht",
                "*fietstocht",
                "cykel",
                "cykling",
                "cykeltur",
                "*cykeltur",
                "sykkel",
                "sykling",
                "sykkeltur",
                "pyöräily",
                "*pyöräily",
                "rower",
                "kolo",
                "mtb",
                "gravel",
                "spin",
                "zwift",
                "自行车",
                "骑行",
                "サイクリング",
            ]),
            walking_words: list(&[
                "walk",
                "walking",
                "hike",
                "hiking",
                "stroll",
                "wandern",
                "wanderung",
                "*wanderung",
                "spaziergang",
                "caminhada",
                "caminata",
                "caminar",
                "marche",
                "randonnée",
                "rando",
                "wandeling",
                "wandelen",
                "gåtur",
                "vandring",
                "passeggiata",
                "camminata",
                "escursione",
                "senderismo",
                "trekking",
                "kävely",
                "vaellus",
                "spacer",
            ]),
            swimming_words: list(&[
                "swim",
                "swimming",
                "natação",
                "natación",
                "natation",
                "schwimmen",
                "zwemmen",
                "svømning",
                "simning",
                "nuoto",
                "uinti",
                "pływanie",
                "open water",
            ]),
            other_words: list(&[
                "ski",
                "skiing",
                "langlauf",
                "skilanglauf",
                "nordic ski",
                "skate",
                "skating",
                "rowing",
                "row",
                "kayak",
                "canoe",
                "paddle",
                "sup",
                "yoga",
                "strength",
                "gym",
                "crossfit",
                "pilates",
                "hockey",
                "football",
                "soccer",
                "tennis",
                "climbing",
                "golf",
                "dive",
                "diving",
                "snorkeling",
                "elliptical",
            ]),
            walk_below_mps: 2.0,
            run_cadence_spm: 140.0,
            ride_from_mps: 5.0,
            ride_p75_from_mps: 6.0,
            motor_from_mps: 12.0,
            run_max_mps: 6.5,
            min_moving_s: 60,
            min_cadence: 65.0,
        }
    }
}

/// The config's word lists, tokenised once.
pub(crate) struct SportWords {
    lists: Vec<(Sport, WordList)>,
}

impl SportWords {
    pub(crate) fn new(config: &SportConfig) -> SportWords {
        SportWords {
            lists: vec![
                (Sport::Running, WordList::new(&config.running_words)),
                (Sport::Cycling, WordList::new(&config.cycling_words)),
                (Sport::Walking, WordList::new(&config.walking_words)),
                (Sport::Swimming, WordList::new(&config.swimming_words)),
                (
                    Sport::Other("other".into()),
                    WordList::new(&config.other_words),
                ),
            ],
        }
    }

    /// The sport a name says: the first list with a whole-word match, else the first
    /// with a suffix match ("Langlauf" is skiing before "*lauf" makes it a run).
    fn of_name(&self, name: &str) -> Option<Sport> {
        // "running2012-01-26": letters and digits apart, for sport words only.
        let words: Vec<String> = tokens(name).iter().flat_map(|w| split_digits(w)).collect();
        self.lists
            .iter()
            .find(|(_, l)| l.has_phrase(&words))
            .or_else(|| self.lists.iter().find(|(_, l)| l.has_suffix(&words)))
            .map(|(sport, _)| sport.clone())
    }
}

/// `w` cut where letters meet digits ("running2012" → "running", "2012").
fn split_digits(w: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut last_digit: Option<bool> = None;
    for c in w.chars() {
        let digit = c.is_ascii_digit();
        match parts.last_mut() {
            Some(part) if last_digit == Some(digit) => part.push(c),
            _ => parts.push(c.to_string()),
        }
        last_digit = Some(digit);
    }
    parts
}

/// A sport that names something (not generic, not free text easyrun does not know).
fn specific(sport: &Sport, format: Option<Format>) -> bool {
    match sport {
        Sport::Generic => false,
        // GPX `<type>` and TCX `Sport=` are free text; an unknown word ("unknown",
        // "the category") says nothing. FIT names real sports.
        Sport::Other(_) => matches!(format, Some(Format::Fit) | None),
        _ => true,
    }
}

/// The sport of `f`, with the config's defaults.
pub fn resolve(f: &RunFacts, config: &SportConfig) -> SportCall {
    resolve_with(f, config, &SportWords::new(config))
}

pub(crate) fn resolve_with(f: &RunFacts, config: &SportConfig, words: &SportWords) -> SportCall {
    let call = |sport, source, inferred_from| SportCall {
        sport: Some(sport),
        source,
        inferred_from,
    };
    let labelled = f
        .activity_type
        .as_deref()
        .map(|t| Sport::from_text(t).0)
        .filter(|s| *s != Sport::Generic);
    if let Some(sport) = labelled {
        return call(sport, SportSource::Label, None);
    }
    if let Some(sport) = f.sport.clone().filter(|s| specific(s, f.format)) {
        // A "run" at a speed no runner holds is a ride or a drive the file mislabels.
        let too_fast = sport == Sport::Running
            && f.trace
                .speed_p50_mps
                .is_some_and(|v| v > config.run_max_mps)
            && f.moving_s >= config.min_moving_s;
        if !too_fast {
            return call(sport, SportSource::Recorded, None);
        }
    }
    let by_speed = by_speed(f, config);
    if let Some(sport) = f.name.as_deref().and_then(|n| words.of_name(n)) {
        // A name is believed unless the speed rules it out.
        let p50 = f.trace.speed_p50_mps.unwrap_or(0.0);
        let plausible = match sport {
            Sport::Running => p50 <= config.run_max_mps,
            Sport::Walking => p50 < config.ride_from_mps,
            _ => true,
        };
        if plausible {
            return call(sport, SportSource::Inferred, Some(InferredFrom::Name));
        }
    }
    match by_speed {
        Some(sport) => call(sport, SportSource::Inferred, Some(InferredFrom::Speed)),
        None => SportCall {
            sport: None,
            source: SportSource::Unknown,
            inferred_from: None,
        },
    }
}

/// Walking, running or cycling from the median and 75th-percentile moving speed and
/// the median cadence; `None` when there is too little moving time, or it is too fast
/// for a human.
fn by_speed(f: &RunFacts, config: &SportConfig) -> Option<Sport> {
    if f.moving_s < config.min_moving_s {
        return None;
    }
    let p50 = f.trace.speed_p50_mps?;
    let p75 = f.trace.speed_p75_mps.unwrap_or(p50);
    let steps = f
        .trace
        .cadence_p50_spm
        .is_some_and(|c| c >= config.run_cadence_spm);
    let odd_cadence = f
        .trace
        .cadence_p50_spm
        .is_some_and(|c| c < config.min_cadence);
    if p50 <= 0.3 || p50 >= config.motor_from_mps {
        None
    } else if p50 < config.walk_below_mps {
        Some(if steps {
            Sport::Running
        } else {
            Sport::Walking
        })
    } else if odd_cadence {
        None
    } else if p50 >= config.ride_from_mps || p75 >= config.ride_p75_from_mps {
        // Only an elite runner's steps are this fast.
        Some(if steps && p50 <= config.run_max_mps {
            Sport::Running
        } else {
            Sport::Cycling
        })
    } else {
        Some(Sport::Running)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::testkit::{Tweak, run};

    fn sport_of(f: &RunFacts) -> (Option<Sport>, SportSource) {
        let c = resolve(f, &SportConfig::default());
        (c.sport, c.source)
    }

    fn moving(f: RunFacts, p50: f64, p75: f64, cadence: Option<f64>) -> RunFacts {
        let mut f = f.sport(None);
        f.format = Some(Format::Gpx);
        f.trace.speed_p50_mps = Some(p50);
        f.trace.speed_p75_mps = Some(p75);
        f.trace.cadence_p50_spm = cadence;
        f
    }

    #[test]
    fn labels_then_the_file_then_names_then_speed() {
        let base = run("a.gpx", "2024-03-02T09:00:00Z", 40);
        assert_eq!(
            sport_of(&base.clone().typed("Ride")),
            (Some(Sport::Cycling), SportSource::Label)
        );
        assert_eq!(
            sport_of(&base),
            (Some(Sport::Running), SportSource::Recorded)
        );
        let untyped = moving(base.clone(), 2.9, 3.4, None);
        let named = |n: &str| sport_of(&untyped.clone().named(n));
        for run_name in [
            "Domingo corrida matutina",
            "Nachtlauf",
            "Ylläslenkki",
            "Morgenløb",
            "Afternoon Run",
            "running2012-01-26",
        ] {
            assert_eq!(
                named(run_name),
                (Some(Sport::Running), SportSource::Inferred),
                "{run_name}"
            );
        }
        assert_eq!(named("Afternoon Ride").0, Some(Sport::Cycling));
        assert_eq!(named("Radtour").0, Some(Sport::Cycling));
        assert_eq!(named("Langlauf").0, Some(Sport::Other("other".into())));
        assert_eq!(named("Caminhada").0, Some(Sport::Walking));
        // No words: speed.
        assert_eq!(named("Move"), (Some(Sport::Running), SportSource::Inferred));
        let c = resolve(&untyped, &SportConfig::default());
        assert_eq!(c.inferred_from, Some(InferredFrom::Speed));
    }

    #[test]
    fn speed_and_cadence() {
        let base = run("a.gpx", "2024-03-02T09:00:00Z", 40);
        let by = |p50, p75, cad| sport_of(&moving(base.clone(), p50, p75, cad)).0;
        assert_eq!(by(1.4, 1.7, None), Some(Sport::Walking));
        assert_eq!(
            by(1.8, 2.2, Some(164.0)),
            Some(Sport::Running),
            "a slow jog's steps"
        );
        assert_eq!(by(3.0, 3.6, Some(84.0)), Some(Sport::Running));
        assert_eq!(
            by(4.5, 6.5, None),
            Some(Sport::Cycling),
            "a fast quarter is a ride"
        );
        assert_eq!(by(6.9, 9.0, Some(85.0)), Some(Sport::Cycling));
        assert_eq!(by(3.0, 3.4, Some(40.0)), None, "ski poles or swim strokes");
        assert_eq!(by(20.0, 30.0, None), None, "a car");
        // A name saying "run" at 30 km/h is not believed.
        let fast = moving(base.clone(), 8.3, 11.0, None).named("Run to work");
        assert_eq!(sport_of(&fast).0, Some(Sport::Cycling));
    }

    #[test]
    fn nothing_to_go_on_is_unknown() {
        let mut f = run("a.gpx", "2024-03-02T09:00:00Z", 0).sport(None);
        f.format = Some(Format::Gpx);
        assert_eq!(sport_of(&f), (None, SportSource::Unknown));
        // Free-text types easyrun does not know say nothing; FIT sports do.
        let unknown =
            moving(f.clone(), 0.0, 0.0, None).sport(Some(Sport::Other("the_category".into())));
        assert_eq!(sport_of(&unknown).1, SportSource::Unknown);
        let mut fit = unknown.clone();
        fit.format = Some(Format::Fit);
        assert_eq!(sport_of(&fit).1, SportSource::Recorded);
        // Generic FIT: inferred.
        let base = run("a.fit", "2024-03-02T09:00:00Z", 40);
        let mut generic = moving(base, 3.0, 3.5, Some(170.0)).sport(Some(Sport::Generic));
        generic.format = Some(Format::Fit);
        assert_eq!(
            sport_of(&generic),
            (Some(Sport::Running), SportSource::Inferred)
        );
    }
}
