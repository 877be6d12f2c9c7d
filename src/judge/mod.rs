//! Judge: metrics → a verdict with reasons, one rule per clause of the coaching rule.

pub mod clauses;
pub mod elevated;
pub mod rules;
pub mod surface;
pub mod verdict;

use crate::metrics::Metrics;
use crate::model::Activity;
use crate::profile::{HrZones, Phase};

pub use rules::RuleSet;
pub use surface::{Surface, SurfaceSource};
pub use verdict::{
    Assessment, Clause, ClauseName, ClauseStatus, Reason, ReasonCode, Severity, Verdict,
};

/// Judges one activity as a recovery run against `zones` (whose ceiling is the
/// conversational limit). Without thresholds there is nothing to judge intensity
/// against: callers resolve them first (profile, watch settings) or stop with a message.
pub fn judge(
    activity: &Activity,
    metrics: &Metrics,
    zones: &HrZones,
    phase: Phase,
    rules: &RuleSet,
) -> Assessment {
    let mut reasons = Vec::new();
    reasons.extend(rules::not_a_run(activity));
    reasons.extend(rules::time_repaired(activity));
    reasons.extend(rules::start_unknown(activity));
    if let Some(r) = rules::no_moving_time(metrics) {
        // Nothing moved: no clause can be checked, and it must not pass.
        reasons.push(r);
        let mut a = Assessment::from_reasons(reasons);
        a.clauses = clauses::all_not_checkable(activity, "no usable moving time");
        return a;
    }
    let hr = rules::hr_quality(activity, metrics, rules);
    let intensity_judgeable = !hr.iter().any(|r| r.severity == Severity::Unknown);
    reasons.extend(hr);
    if intensity_judgeable {
        reasons.extend(rules::too_hard(metrics, zones, rules));
        reasons.extend(rules::drift(metrics, rules));
    }
    reasons.extend(rules::duration(metrics, phase, rules));
    reasons.extend(rules::surges(metrics, rules));
    reasons.extend(rules::hilly(metrics));
    let surface = surface::surface(activity);
    reasons.extend(rules::hard_surface(surface));
    reasons.extend(rules::surface_unknown(activity, surface));
    let mut a = Assessment::from_reasons(reasons);
    a.clauses = clauses::clauses(activity, metrics, &a.reasons, intensity_judgeable, surface);
    a
}
