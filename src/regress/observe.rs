//! What a scan found, in the shape a baseline pins: per source (relative key), an
//! activity's judgement and key numbers, an unreadable file's error kind, or the run a
//! duplicate was left out for; and the settings the scan ran with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::paths::Anchor;
use crate::history::{Class, Placement};
use crate::judge::{ReasonCode, Verdict};
use crate::profile::ProfileFlags;
use crate::report::schema::CheckRecord;
use crate::scan::{Entry, Scan};

/// One activity's judgement and key numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityFacts {
    /// What the history made of it.
    pub class: Class,
    /// Whether `scan` judges it as an intended recovery run.
    pub judged: bool,
    /// The rule's verdict on it as a recovery run (what `check` says), for every
    /// activity: so a change of the rules shows even on runs `scan` does not judge.
    pub verdict: Verdict,
    /// Reason codes, most severe first.
    pub reasons: Vec<ReasonCode>,
    /// Moving time, seconds.
    pub moving_s: u32,
    /// Distance covered while moving, metres.
    pub distance_m: f64,
    /// Mean usable moving HR, bpm.
    pub avg_hr_bpm: Option<f64>,
    /// Max of the 5-s rolling median of usable HR, bpm.
    pub max_hr_bpm: Option<f64>,
    /// Share of moving time with usable HR above the conversational ceiling.
    pub above_ceiling_share: Option<f64>,
    /// Pa:HR decoupling, %.
    pub decoupling_pct: Option<f64>,
    /// Ascent, metres.
    pub ascent_m: Option<f64>,
    /// The thresholds the activity was judged with.
    pub thresholds: Thresholds,
}

/// The resolved thresholds of one activity (flags, profile file, watch, estimate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// The zone model.
    pub zone_model: Option<String>,
    /// Maximum heart rate, bpm.
    pub max_hr_bpm: Option<f64>,
    /// Resting heart rate, bpm.
    pub rest_hr_bpm: Option<f64>,
    /// Lactate-threshold heart rate, bpm.
    pub lthr_bpm: Option<f64>,
    /// Age, years.
    pub age_years: Option<f64>,
    /// Training phase.
    pub phase: String,
    /// The conversational ceiling these give, bpm.
    pub ceiling_bpm: f64,
}

impl ActivityFacts {
    /// The facts of `entry`, its numbers rounded as in `check` and `scan` output.
    pub fn of(entry: &Entry, placement: &Placement) -> ActivityFacts {
        let assessment = &entry.analysis.assessment;
        let r = &CheckRecord::of(&entry.analysis);
        let t = &r.thresholds;
        ActivityFacts {
            class: placement.class,
            judged: entry.judged,
            verdict: assessment.verdict,
            reasons: assessment.reasons.iter().map(|r| r.code).collect(),
            moving_s: r.moving_s,
            distance_m: r.distance_m,
            avg_hr_bpm: r.hr.avg_bpm,
            max_hr_bpm: r.hr.max_bpm,
            above_ceiling_share: r.ceiling.share,
            decoupling_pct: r.decoupling_pct,
            ascent_m: r.ascent_m,
            thresholds: Thresholds {
                zone_model: t.zone_model.as_ref().map(|z| z.value.to_string()),
                max_hr_bpm: t.max_hr_bpm.as_ref().map(|v| v.value),
                rest_hr_bpm: t.rest_hr_bpm.as_ref().map(|v| v.value),
                lthr_bpm: t.lthr_bpm.as_ref().map(|v| v.value),
                age_years: t.age_years.as_ref().map(|v| v.value),
                phase: t.phase.value.to_string(),
                ceiling_bpm: r.ceiling.bpm,
            },
        }
    }

    /// A few words for reports: `easy, verdict fail (too_hard)`.
    pub fn describe(&self) -> String {
        let codes: Vec<&str> = self.reasons.iter().map(|c| c.as_str()).collect();
        let mut s = format!("{}, verdict {}", self.class.as_str(), self.verdict.as_str());
        if !codes.is_empty() {
            s.push_str(&format!(" ({})", codes.join(", ")));
        }
        s
    }
}

/// What one source came to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome<'a> {
    /// A judged activity.
    Activity(&'a ActivityFacts),
    /// Unreadable, with its error kind (`truncated`, `no_thresholds`, …).
    Unreadable(&'a str),
    /// Left out as the same run as this source (a key).
    Duplicate(&'a str),
}

impl Outcome<'_> {
    /// A few words for reports.
    pub fn describe(&self) -> String {
        match self {
            Outcome::Activity(a) => format!("activity: {}", a.describe()),
            Outcome::Unreadable(kind) => format!("unreadable: {kind}"),
            Outcome::Duplicate(of) => format!("duplicate of {of}"),
        }
    }
}

/// Every source of a scan, by key.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Observed {
    /// Activities, by key.
    pub activities: BTreeMap<String, ActivityFacts>,
    /// Unreadable files and members, by key, with their error kind.
    pub unreadable: BTreeMap<String, String>,
    /// Duplicates left out, by key, with the key of the run kept.
    pub duplicates: BTreeMap<String, String>,
}

impl Observed {
    /// What `key` came to, if the scan saw it.
    pub fn get(&self, key: &str) -> Option<Outcome<'_>> {
        if let Some(a) = self.activities.get(key) {
            Some(Outcome::Activity(a))
        } else if let Some(k) = self.unreadable.get(key) {
            Some(Outcome::Unreadable(k))
        } else {
            self.duplicates.get(key).map(|d| Outcome::Duplicate(d))
        }
    }

    /// Every key, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        let mut keys: Vec<&String> = self
            .activities
            .keys()
            .chain(self.unreadable.keys())
            .chain(self.duplicates.keys())
            .collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
    }

    /// How many sources.
    pub fn len(&self) -> usize {
        self.activities.len() + self.unreadable.len() + self.duplicates.len()
    }

    /// Whether the scan saw nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Inserts under `key`, or `key#2`, `key#3`… when a source yields several results (a
/// file holding two sessions), in scan order, so none is lost.
fn insert_unique<V>(map: &mut BTreeMap<String, V>, key: String, value: V) {
    let free = if map.contains_key(&key) {
        (2usize..)
            .map(|n| format!("{key}#{n}"))
            .find(|k| !map.contains_key(k))
            .unwrap_or(key)
    } else {
        key
    };
    map.insert(free, value);
}

/// The outcomes of `scan` (a history: [`crate::scan::Scope::History`]), keyed relative
/// to `anchor`. Skipped side files are not outcomes: they hold no activity.
pub fn observe(scan: &Scan, anchor: &Anchor) -> Observed {
    let mut out = Observed::default();
    for (e, placement) in scan.placed() {
        insert_unique(
            &mut out.activities,
            anchor.key(&e.analysis.header.source),
            ActivityFacts::of(e, placement),
        );
    }
    for e in &scan.errors {
        insert_unique(
            &mut out.unreadable,
            anchor.key(&e.source),
            e.kind.to_string(),
        );
    }
    for d in &scan.duplicates {
        insert_unique(
            &mut out.duplicates,
            anchor.key(&d.source),
            anchor.key(&d.duplicate_of),
        );
    }
    out
}

/// What a regress run was told: the profile flags and file, and the history settings
/// that decide classes. A baseline records them; a run with other settings is reported
/// as such rather than as every verdict changed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    /// Maximum heart rate given, bpm.
    pub max_hr_bpm: Option<f64>,
    /// Resting heart rate given, bpm.
    pub rest_hr_bpm: Option<f64>,
    /// Lactate-threshold heart rate given, bpm.
    pub lthr_bpm: Option<f64>,
    /// Age given, years.
    pub age_years: Option<f64>,
    /// Sex given.
    pub sex: Option<String>,
    /// Zone model given.
    pub zones: Option<String>,
    /// Training phase given.
    pub phase: Option<String>,
    /// The profile file read (key relative to the baseline), if any.
    pub profile_file: Option<String>,
    /// Hours after a long or hard session in which a run counts as a recovery run.
    pub recovery_window_h: f64,
    /// The recovery words, when given (else the built-in list).
    pub recovery_words: Option<Vec<String>>,
}

impl RunSettings {
    /// The settings of a run with `flags`, `profile_file` (a key) and the history settings.
    pub fn new(
        flags: &ProfileFlags,
        profile_file: Option<String>,
        recovery_window_h: f64,
        recovery_words: Option<Vec<String>>,
    ) -> RunSettings {
        RunSettings {
            max_hr_bpm: flags.max_hr,
            rest_hr_bpm: flags.rest_hr,
            lthr_bpm: flags.lthr,
            age_years: flags.age,
            sex: flags.sex.map(|s| s.as_str().to_string()),
            zones: flags.zones.map(|z| z.as_str().to_string()),
            phase: flags.phase.map(|p| p.as_str().to_string()),
            profile_file,
            recovery_window_h,
            recovery_words,
        }
    }
}
