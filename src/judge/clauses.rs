//! Every clause of the coaching rule accounted for: checked (and kept), broken, or not
//! checkable — with the reason why not. A verdict that passes a run whose surface nobody
//! knew must say that the soft-ground clause was never checked.

use crate::metrics::Metrics;
use crate::model::Activity;

use super::surface::Surface;
use super::verdict::{Clause, ClauseName, ClauseStatus, Reason, ReasonCode, Severity};

fn clause(name: ClauseName, status: ClauseStatus, why: Option<String>) -> Clause {
    Clause {
        clause: name,
        status,
        why,
    }
}

/// Checked or broken, by whether a warn/fail reason of one of `codes` is present.
fn judged(name: ClauseName, reasons: &[Reason], codes: &[ReasonCode]) -> Clause {
    let broken = reasons
        .iter()
        .any(|r| codes.contains(&r.code) && matches!(r.severity, Severity::Warn | Severity::Fail));
    let status = if broken {
        ClauseStatus::Broken
    } else {
        ClauseStatus::Checked
    };
    clause(name, status, None)
}

fn not_checkable(name: ClauseName, why: &str) -> Clause {
    clause(name, ClauseStatus::NotCheckable, Some(why.to_string()))
}

/// Timing needs the history: `check` sees one file (`scan` rewrites the clause when it
/// places the run). A run whose start is unknown cannot be placed at all.
fn timing(activity: &Activity) -> Clause {
    if !activity.header.time_base.start_known() {
        return not_checkable(
            ClauseName::Timing,
            "start unknown: the file's clock counts from the device's power-on",
        );
    }
    not_checkable(
        ClauseName::Timing,
        "needs the history: scan places a run after the long or hard session it follows",
    )
}

/// The session a judged run follows, as the history placed it (`scan`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed<'a> {
    /// The long or hard session ending within the window before the run, and the hours
    /// from its end to the run's start; `None` when there is none.
    pub after: Option<(&'a str, f64)>,
    /// The window, hours (24: DOMAIN §1).
    pub window_h: f64,
}

/// The timing clause of a run `scan` judged, from its place in the history: kept when a
/// long or hard session ended within the window before it; broken (with the information
/// reason `not_after_hard_session`) when the run was judged for its name but followed no
/// such session — the rule asks for a recovery run *ideally* within 24 h after one, so
/// it is said, not faulted. A run whose start is unknown or cannot be true (`unplaced`:
/// why) stays not checkable.
pub fn timing_placed(unplaced: Option<&str>, placed: Placed<'_>) -> (Clause, Option<Reason>) {
    if let Some(why) = unplaced {
        return (not_checkable(ClauseName::Timing, why), None);
    }
    match placed.after {
        Some(_) => (
            clause(ClauseName::Timing, ClauseStatus::Checked, None),
            None,
        ),
        None => (
            clause(ClauseName::Timing, ClauseStatus::Broken, None),
            Some(Reason {
                code: ReasonCode::NotAfterHardSession,
                severity: Severity::Info,
                message: format!(
                    "no long or hard session ended in the {:.0} h before this run: a recovery \
                     run belongs after one",
                    placed.window_h
                ),
                value: None,
                threshold: Some(placed.window_h),
                unit: "h",
                spans: Vec::new(),
            }),
        ),
    }
}

/// Every clause not checkable, for one reason.
pub fn all_not_checkable(activity: &Activity, why: &str) -> Vec<Clause> {
    [
        ClauseName::Intensity,
        ClauseName::Duration,
        ClauseName::Steadiness,
        ClauseName::Sustainability,
        ClauseName::Terrain,
        ClauseName::Surface,
    ]
    .into_iter()
    .map(|n| not_checkable(n, why))
    .chain(std::iter::once(timing(activity)))
    .collect()
}

/// The clauses of one judged run.
pub fn clauses(
    activity: &Activity,
    m: &Metrics,
    reasons: &[Reason],
    intensity_judgeable: bool,
    surface: Surface,
) -> Vec<Clause> {
    let has = |code: ReasonCode| reasons.iter().any(|r| r.code == code);
    let intensity = if has(ReasonCode::NoHr) {
        not_checkable(ClauseName::Intensity, "no heart rate recorded")
    } else if !intensity_judgeable {
        not_checkable(ClauseName::Intensity, "heart rate unreliable")
    } else if m.ceiling.as_ref().and_then(|c| c.share).is_none() {
        not_checkable(ClauseName::Intensity, "no usable moving heart rate")
    } else {
        judged(ClauseName::Intensity, reasons, &[ReasonCode::TooHard])
    };
    let has_speed = activity
        .seconds
        .iter()
        .any(|s| s.moving && s.speed_mps.is_some());
    let steadiness = if has_speed {
        judged(ClauseName::Steadiness, reasons, &[ReasonCode::Surges])
    } else {
        not_checkable(ClauseName::Steadiness, "no speed or distance recorded")
    };
    let sustainability = if !intensity_judgeable || has(ReasonCode::NoHr) {
        not_checkable(ClauseName::Sustainability, "heart rate not usable")
    } else if let Some(gate) = m.decoupling.gate() {
        not_checkable(ClauseName::Sustainability, gate)
    } else {
        judged(ClauseName::Sustainability, reasons, &[ReasonCode::HrDrift])
    };
    let terrain = if m.terrain.class.is_some() {
        judged(ClauseName::Terrain, reasons, &[ReasonCode::Hilly])
    } else {
        not_checkable(ClauseName::Terrain, "no altitude recorded")
    };
    let surface = if surface == Surface::Unknown {
        not_checkable(ClauseName::Surface, super::rules::surface_unknown_why(None))
    } else {
        judged(ClauseName::Surface, reasons, &[ReasonCode::HardSurface])
    };
    vec![
        intensity,
        judged(ClauseName::Duration, reasons, &[ReasonCode::TooLong]),
        steadiness,
        sustainability,
        terrain,
        surface,
        timing(activity),
    ]
}

/// The surface clause once a map judged the run (`analyze`'s map pass): checked, or
/// broken by the map's `hard_surface` in `reasons`, whatever the file said.
pub fn surface_from_map(clauses: &mut [Clause], reasons: &[Reason]) {
    for c in clauses
        .iter_mut()
        .filter(|c| c.clause == ClauseName::Surface)
    {
        *c = judged(ClauseName::Surface, reasons, &[ReasonCode::HardSurface]);
    }
}

/// The surface clause, not checkable for `why` (only where it was not checkable).
pub fn surface_not_checkable(clauses: &mut [Clause], why: &str) {
    for c in clauses
        .iter_mut()
        .filter(|c| c.clause == ClauseName::Surface && c.status == ClauseStatus::NotCheckable)
    {
        *c = not_checkable(ClauseName::Surface, why);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_from_the_history() {
        let placed = |after| Placed {
            after,
            window_h: 24.0,
        };
        let (c, r) = timing_placed(None, placed(Some(("long.fit", 11.5))));
        assert_eq!((c.status, r), (ClauseStatus::Checked, None));
        let (c, r) = timing_placed(None, placed(None));
        assert_eq!(c.status, ClauseStatus::Broken);
        let r = r.map(|r| (r.code, r.severity));
        assert_eq!(r, Some((ReasonCode::NotAfterHardSession, Severity::Info)));
        let (c, r) = timing_placed(Some("start unknown"), placed(Some(("long.fit", 2.0))));
        assert_eq!((c.status, r), (ClauseStatus::NotCheckable, None));
    }
}
