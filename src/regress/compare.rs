//! Baseline against fresh scan: one [`Case`] per source either side knows, with the
//! [`Difference`]s that make it differ. Class, judged, verdict, reasons, thresholds and
//! error kinds compare exactly; key numbers within the baseline's tolerances. When the
//! run's settings differ from the baseline's, that is the one difference reported and
//! no activity is compared (every verdict would be "changed" for the same reason); when
//! one activity's resolved thresholds differ (a profile file or watch setting changed),
//! that activity reports its thresholds and not its consequences.

use serde::Serialize;
use serde_json::Value;

use super::baseline::Baseline;
use super::observe::{ActivityFacts, Observed, Outcome, RunSettings, Thresholds};
use super::tolerance::{Tolerance, Tolerances};
use crate::report::schema::SCHEMA_VERSION;

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// The field (`verdict`, `avg_hr_bpm`, `thresholds.max_hr_bpm`, `file`, …).
    pub field: String,
    /// The baseline's (or manifest's) value.
    pub expected: Value,
    /// This run's value.
    pub got: Value,
    /// The largest allowed |got − expected|, for numbers compared within a tolerance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
}

impl Difference {
    fn new(field: &str, expected: impl Into<Value>, got: impl Into<Value>) -> Difference {
        Difference {
            field: field.to_string(),
            expected: expected.into(),
            got: got.into(),
            tolerance: None,
        }
    }
}

/// What became of one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// As pinned (numbers within tolerance).
    Same,
    /// Some field differs.
    Changed,
    /// The activity's resolved thresholds differ; its verdict and numbers are not
    /// compared.
    ThresholdsChanged,
    /// Not in the baseline.
    New,
    /// In the baseline, not found now.
    Missing,
    /// Read before (activity or duplicate), unreadable now.
    Unreadable,
    /// Not compared: the run's settings differ from the baseline's.
    NotCompared,
    /// A manifest expectation that holds.
    Met,
    /// A manifest expectation that does not hold.
    Unmet,
}

impl Status {
    /// The word for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Same => "same",
            Status::Changed => "changed",
            Status::ThresholdsChanged => "thresholds_changed",
            Status::New => "new",
            Status::Missing => "missing",
            Status::Unreadable => "unreadable",
            Status::NotCompared => "not_compared",
            Status::Met => "met",
            Status::Unmet => "unmet",
        }
    }

    /// Whether this case is a difference (fails the build).
    pub fn is_difference(self) -> bool {
        !matches!(self, Status::Same | Status::NotCompared | Status::Met)
    }
}

/// One source and how it compares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// The key: path relative to the baseline (or manifest).
    pub source: String,
    /// How it compares.
    pub status: Status,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// What differs, when anything does.
    pub differences: Vec<Difference>,
}

/// The result of comparing a scan with a baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Differences of the run's settings (profile flags and file, history settings,
    /// schema version). Non-empty: no activity was compared.
    pub settings: Vec<Difference>,
    /// Every source, by key.
    pub cases: Vec<Case>,
}

impl Comparison {
    /// Number of cases that differ, plus one when the settings do.
    pub fn differences(&self) -> usize {
        let cases = self
            .cases
            .iter()
            .filter(|c| c.status.is_difference())
            .count();
        cases + usize::from(!self.settings.is_empty())
    }

    /// How many cases have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.cases.iter().filter(|c| c.status == status).count()
    }
}

fn opt_num(v: Option<f64>) -> Value {
    v.map_or(Value::Null, Value::from)
}

fn opt_str(v: &Option<String>) -> Value {
    v.as_ref().map_or(Value::Null, |s| Value::from(s.as_str()))
}

/// The settings' differences, field by field.
pub fn settings_differences(
    expected: &RunSettings,
    got: &RunSettings,
    expected_schema: u32,
) -> Vec<Difference> {
    let mut d = Vec::new();
    if expected_schema != SCHEMA_VERSION {
        d.push(Difference::new(
            "schema_version",
            expected_schema,
            SCHEMA_VERSION,
        ));
    }
    let nums = [
        ("max_hr_bpm", expected.max_hr_bpm, got.max_hr_bpm),
        ("rest_hr_bpm", expected.rest_hr_bpm, got.rest_hr_bpm),
        ("lthr_bpm", expected.lthr_bpm, got.lthr_bpm),
        ("age_years", expected.age_years, got.age_years),
        (
            "recovery_window_h",
            Some(expected.recovery_window_h),
            Some(got.recovery_window_h),
        ),
    ];
    for (field, e, g) in nums {
        if e != g {
            d.push(Difference::new(
                &format!("settings.{field}"),
                opt_num(e),
                opt_num(g),
            ));
        }
    }
    let strs = [
        ("sex", &expected.sex, &got.sex),
        ("zones", &expected.zones, &got.zones),
        ("phase", &expected.phase, &got.phase),
        ("profile_file", &expected.profile_file, &got.profile_file),
    ];
    for (field, e, g) in strs {
        if e != g {
            d.push(Difference::new(
                &format!("settings.{field}"),
                opt_str(e),
                opt_str(g),
            ));
        }
    }
    if expected.recovery_words != got.recovery_words {
        let words =
            |w: &Option<Vec<String>>| w.as_ref().map_or(Value::Null, |w| Value::from(w.join(",")));
        d.push(Difference::new(
            "settings.recovery_words",
            words(&expected.recovery_words),
            words(&got.recovery_words),
        ));
    }
    d
}

fn threshold_differences(e: &Thresholds, g: &Thresholds) -> Vec<Difference> {
    let mut d = Vec::new();
    if e.zone_model != g.zone_model {
        d.push(Difference::new(
            "thresholds.zone_model",
            opt_str(&e.zone_model),
            opt_str(&g.zone_model),
        ));
    }
    let nums = [
        ("max_hr_bpm", e.max_hr_bpm, g.max_hr_bpm),
        ("rest_hr_bpm", e.rest_hr_bpm, g.rest_hr_bpm),
        ("lthr_bpm", e.lthr_bpm, g.lthr_bpm),
        ("age_years", e.age_years, g.age_years),
    ];
    for (field, x, y) in nums {
        if x != y {
            d.push(Difference::new(
                &format!("thresholds.{field}"),
                opt_num(x),
                opt_num(y),
            ));
        }
    }
    if e.phase != g.phase {
        d.push(Difference::new(
            "thresholds.phase",
            e.phase.as_str(),
            g.phase.as_str(),
        ));
    }
    d
}

fn number(field: &str, e: Option<f64>, g: Option<f64>, t: Tolerance) -> Option<Difference> {
    match (e, g) {
        (None, None) => None,
        (Some(x), Some(y)) if t.accepts(x, y) => None,
        _ => Some(Difference {
            tolerance: e.zip(g).map(|(x, _)| t.allowed(x)),
            ..Difference::new(field, opt_num(e), opt_num(g))
        }),
    }
}

fn codes(a: &ActivityFacts) -> Value {
    Value::from(a.reasons.iter().map(|c| c.as_str()).collect::<Vec<_>>())
}

/// The differences of one activity pinned as `e`, found as `g`.
pub fn activity_differences(
    e: &ActivityFacts,
    g: &ActivityFacts,
    t: &Tolerances,
) -> (Status, Vec<Difference>) {
    let thresholds = threshold_differences(&e.thresholds, &g.thresholds);
    if !thresholds.is_empty() {
        return (Status::ThresholdsChanged, thresholds);
    }
    let mut d = Vec::new();
    if e.class != g.class {
        d.push(Difference::new("class", e.class.as_str(), g.class.as_str()));
    }
    if e.judged != g.judged {
        d.push(Difference::new("judged", e.judged, g.judged));
    }
    if e.verdict != g.verdict {
        d.push(Difference::new(
            "verdict",
            e.verdict.as_str(),
            g.verdict.as_str(),
        ));
    }
    // Reasons are a set: their order follows severity, which the verdict already shows.
    let (mut er, mut gr) = (e.reasons.clone(), g.reasons.clone());
    er.sort();
    gr.sort();
    if er != gr {
        d.push(Difference::new("reasons", codes(e), codes(g)));
    }
    let nums = [
        (
            "moving_s",
            Some(f64::from(e.moving_s)),
            Some(f64::from(g.moving_s)),
            t.moving_s,
        ),
        (
            "distance_m",
            Some(e.distance_m),
            Some(g.distance_m),
            t.distance_m,
        ),
        ("avg_hr_bpm", e.avg_hr_bpm, g.avg_hr_bpm, t.avg_hr_bpm),
        ("max_hr_bpm", e.max_hr_bpm, g.max_hr_bpm, t.max_hr_bpm),
        (
            "above_ceiling_share",
            e.above_ceiling_share,
            g.above_ceiling_share,
            t.above_ceiling_share,
        ),
        (
            "decoupling_pct",
            e.decoupling_pct,
            g.decoupling_pct,
            t.decoupling_pct,
        ),
        ("ascent_m", e.ascent_m, g.ascent_m, t.ascent_m),
    ];
    d.extend(
        nums.into_iter()
            .filter_map(|(f, x, y, tol)| number(f, x, y, tol)),
    );
    // The ceiling follows from the thresholds; it moves only when the zone rules do.
    if e.thresholds.ceiling_bpm != g.thresholds.ceiling_bpm {
        d.push(Difference::new(
            "thresholds.ceiling_bpm",
            e.thresholds.ceiling_bpm,
            g.thresholds.ceiling_bpm,
        ));
    }
    let status = if d.is_empty() {
        Status::Same
    } else {
        Status::Changed
    };
    (status, d)
}

/// One source: pinned as `expected`, found as `got`.
fn case(
    source: &str,
    expected: Option<Outcome<'_>>,
    got: Option<Outcome<'_>>,
    t: &Tolerances,
) -> Case {
    let (status, differences) = match (expected, got) {
        (Some(Outcome::Activity(e)), Some(Outcome::Activity(g))) => activity_differences(e, g, t),
        (Some(Outcome::Unreadable(e)), Some(Outcome::Unreadable(g))) => {
            if e == g {
                (Status::Same, vec![])
            } else {
                (Status::Changed, vec![Difference::new("error", e, g)])
            }
        }
        (Some(Outcome::Duplicate(e)), Some(Outcome::Duplicate(g))) => {
            if e == g {
                (Status::Same, vec![])
            } else {
                (Status::Changed, vec![Difference::new("duplicate_of", e, g)])
            }
        }
        (Some(e), Some(g)) => {
            let status = match g {
                Outcome::Unreadable(_) => Status::Unreadable,
                _ => Status::Changed,
            };
            let diff = Difference::new("outcome", e.describe(), g.describe());
            (status, vec![diff])
        }
        (None, Some(g)) => (
            Status::New,
            vec![Difference::new("file", Value::Null, g.describe())],
        ),
        (Some(e), None) => (
            Status::Missing,
            vec![Difference::new("file", e.describe(), Value::Null)],
        ),
        (None, None) => (Status::Same, vec![]),
    };
    Case {
        source: source.to_string(),
        status,
        differences,
    }
}

/// Compares what a scan made with `settings` found with `baseline`.
pub fn compare(baseline: &Baseline, settings: &RunSettings, observed: &Observed) -> Comparison {
    let pinned = baseline.observed();
    let mut keys: Vec<&String> = pinned.keys().chain(observed.keys()).collect();
    keys.sort();
    keys.dedup();
    let settings_diff = settings_differences(&baseline.settings, settings, baseline.schema_version);
    let cases = keys
        .into_iter()
        .map(|k| {
            if settings_diff.is_empty() {
                case(k, pinned.get(k), observed.get(k), &baseline.tolerances)
            } else {
                Case {
                    source: k.clone(),
                    status: Status::NotCompared,
                    differences: vec![],
                }
            }
        })
        .collect();
    Comparison {
        settings: settings_diff,
        cases,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::history::Class;
    use crate::judge::{ReasonCode, Verdict};

    fn facts() -> ActivityFacts {
        ActivityFacts {
            class: Class::Easy,
            judged: false,
            verdict: Verdict::Fail,
            reasons: vec![ReasonCode::TooHard, ReasonCode::HardSurface],
            moving_s: 2100,
            distance_m: 7000.0,
            avg_hr_bpm: Some(155.2),
            max_hr_bpm: Some(162.0),
            above_ceiling_share: Some(0.93),
            decoupling_pct: None,
            ascent_m: Some(100.0),
            thresholds: Thresholds {
                zone_model: Some("hrr".into()),
                max_hr_bpm: Some(190.0),
                rest_hr_bpm: Some(50.0),
                lthr_bpm: None,
                age_years: None,
                phase: "base".into(),
                ceiling_bpm: 141.0,
            },
        }
    }

    fn diff(g: &ActivityFacts) -> (Status, Vec<Difference>) {
        activity_differences(&facts(), g, &Tolerances::default())
    }

    #[test]
    fn numbers_within_tolerance_are_the_same() {
        let mut g = facts();
        g.moving_s += 5;
        g.distance_m += 35.0;
        g.avg_hr_bpm = Some(156.2);
        g.above_ceiling_share = Some(0.95);
        g.ascent_m = Some(110.0);
        g.reasons.reverse();
        assert_eq!(diff(&g), (Status::Same, vec![]));
    }

    #[test]
    fn numbers_beyond_tolerance_differ_with_it() {
        let mut g = facts();
        g.distance_m += 36.0;
        g.decoupling_pct = Some(3.0);
        let (status, d) = diff(&g);
        assert_eq!(status, Status::Changed);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].field, "distance_m");
        assert_eq!(d[0].tolerance, Some(35.0));
        assert_eq!(d[1].field, "decoupling_pct");
        assert_eq!(d[1].expected, Value::Null);
        assert_eq!(d[1].tolerance, None);
    }

    #[test]
    fn verdict_reason_and_class_compare_exactly() {
        let mut g = facts();
        g.verdict = Verdict::Warn;
        g.reasons = vec![ReasonCode::HardSurface];
        g.class = Class::Recovery;
        let (status, d) = diff(&g);
        assert_eq!(status, Status::Changed);
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(fields, ["class", "verdict", "reasons"]);
        assert_eq!(d[1].expected, "fail");
        assert_eq!(d[1].got, "warn");
    }

    #[test]
    fn other_thresholds_hide_their_consequences() {
        let mut g = facts();
        g.thresholds.max_hr_bpm = Some(185.0);
        g.thresholds.ceiling_bpm = 138.0;
        g.verdict = Verdict::Pass;
        let (status, d) = diff(&g);
        assert_eq!(status, Status::ThresholdsChanged);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "thresholds.max_hr_bpm");
    }

    #[test]
    fn other_settings_compare_nothing_else() {
        let mut observed = Observed::default();
        observed.activities.insert("a.fit".into(), facts());
        let pinned = RunSettings {
            max_hr_bpm: Some(190.0),
            recovery_window_h: 24.0,
            ..RunSettings::default()
        };
        let baseline = Baseline::new(pinned.clone(), Tolerances::default(), observed.clone());
        let mut now = observed.clone();
        now.activities.get_mut("a.fit").unwrap().verdict = Verdict::Pass;
        let other = RunSettings {
            max_hr_bpm: Some(185.0),
            ..pinned.clone()
        };
        let c = compare(&baseline, &other, &now);
        assert_eq!(c.settings.len(), 1);
        assert_eq!(c.settings[0].field, "settings.max_hr_bpm");
        assert_eq!(c.cases[0].status, Status::NotCompared);
        assert_eq!(c.differences(), 1);
        let c = compare(&baseline, &pinned, &now);
        assert_eq!(c.cases[0].status, Status::Changed);
    }

    #[test]
    fn presence_changes_are_differences() {
        let mut before = Observed::default();
        before.activities.insert("gone.fit".into(), facts());
        before.activities.insert("broken.fit".into(), facts());
        before
            .unreadable
            .insert("bad.fit".into(), "truncated".into());
        let baseline = Baseline::new(RunSettings::default(), Tolerances::default(), before);
        let mut now = Observed::default();
        now.activities.insert("added.fit".into(), facts());
        now.unreadable.insert("broken.fit".into(), "bad_crc".into());
        now.unreadable.insert("bad.fit".into(), "truncated".into());
        let c = compare(&baseline, &RunSettings::default(), &now);
        let statuses: Vec<(&str, Status)> = c
            .cases
            .iter()
            .map(|c| (c.source.as_str(), c.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("added.fit", Status::New),
                ("bad.fit", Status::Same),
                ("broken.fit", Status::Unreadable),
                ("gone.fit", Status::Missing),
            ]
        );
        assert_eq!(c.differences(), 3);
    }
}
