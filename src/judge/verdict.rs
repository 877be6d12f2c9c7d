//! Verdicts and reasons: stable snake_case codes users and tools rely on.

use serde::{Deserialize, Serialize};

use crate::model::Span;

/// The overall judgement of a recovery run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    /// Intensity could not be judged (no HR, unreliable HR, not a run).
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Unknown => "unknown",
        }
    }
}

/// Why: one code per clause of the coaching rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// Intensity above the conversational ceiling.
    TooHard,
    /// Moving time above the phase's limit.
    TooLong,
    /// Shorter than a recovery run needs: information only, never a fault.
    TooShort,
    /// Pace surges (segment chasing).
    Surges,
    /// Decoupling or cardiac drift too high.
    HrDrift,
    /// Too much climbing for a recovery run.
    Hilly,
    /// A known road/street surface.
    HardSurface,
    /// Cadence lock or artifacts dominate the heart rate.
    HrUnreliable,
    /// No heart rate recorded.
    NoHr,
    /// Not a running activity.
    NotARun,
    /// No usable moving time (timestamps, a file of a few seconds): nothing to judge.
    NoMovingTime,
    /// The surface is not known: the soft-ground clause was not checked (information).
    SurfaceUnknown,
    /// The file's clock jumped or ran backwards and was repaired, or records were
    /// dropped (information, with how much).
    TimeRepaired,
    /// The file's timestamps are device uptime with nothing to date them (information).
    StartUnknown,
    /// Judged for its name, but no long or hard session ended in the window before it
    /// (information: the timing clause, from the history).
    NotAfterHardSession,
    /// Heart rate at the run's pace clearly above the runner's usual (needs a history).
    ElevatedHr,
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::TooHard => "too_hard",
            ReasonCode::TooLong => "too_long",
            ReasonCode::TooShort => "too_short",
            ReasonCode::Surges => "surges",
            ReasonCode::HrDrift => "hr_drift",
            ReasonCode::Hilly => "hilly",
            ReasonCode::HardSurface => "hard_surface",
            ReasonCode::HrUnreliable => "hr_unreliable",
            ReasonCode::NoHr => "no_hr",
            ReasonCode::NotARun => "not_a_run",
            ReasonCode::NoMovingTime => "no_moving_time",
            ReasonCode::SurfaceUnknown => "surface_unknown",
            ReasonCode::TimeRepaired => "time_repaired",
            ReasonCode::StartUnknown => "start_unknown",
            ReasonCode::NotAfterHardSession => "not_after_hard_session",
            ReasonCode::ElevatedHr => "elevated_hr",
        }
    }
}

/// How much a reason weighs in the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Reported, does not change the verdict.
    Info,
    Warn,
    Fail,
    /// Intensity cannot be judged.
    Unknown,
}

/// One reason, with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub severity: Severity,
    /// A sentence with the numbers in it.
    pub message: String,
    /// The measured value the rule looked at (unit in `unit`).
    pub value: Option<f64>,
    /// The threshold it was compared with.
    pub threshold: Option<f64>,
    /// Unit of `value` and `threshold` (one of [`REASON_UNITS`]).
    #[serde(deserialize_with = "reason_unit")]
    pub unit: StaticStr,
    /// Where in the run (seconds from its first sample), when it applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<Span>,
}

/// Every unit a [`Reason`] states: the table its `unit` is read back from (the history
/// cache). A reason with another unit is still made and printed; only its cache entry
/// is not kept (docs/decisions.md §32).
pub const REASON_UNITS: &[&str] = &[
    "", "bpm", "count", "h", "m_per_km", "min", "pct", "s", "share",
];

/// `&'static str` under another name: serde's derive would borrow a field spelled
/// `&str` from the input (tying the input's lifetime to `'static`); under an alias it
/// takes `deserialize_with`'s word.
type StaticStr = &'static str;

fn reason_unit<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    crate::model::interned::one(d, REASON_UNITS)
}

/// A clause of the coaching rule (shared/DOMAIN.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClauseName {
    /// "super easy, HR below the aerobic threshold" (`too_hard`; `elevated_hr` in a
    /// history: forced at its pace).
    Intensity,
    /// "20–45 min" (`too_long`, `too_short`).
    Duration,
    /// "moving, not training — no surges" (`surges`).
    Steadiness,
    /// "could keep this up for hours" (`hr_drift`).
    Sustainability,
    /// "flat" (`hilly`).
    Terrain,
    /// "soft ground" (`hard_surface`).
    Surface,
    /// "within 24 h after a long or hard session" (judged by `scan` from the history).
    Timing,
}

impl ClauseName {
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseName::Intensity => "intensity",
            ClauseName::Duration => "duration",
            ClauseName::Steadiness => "steadiness",
            ClauseName::Sustainability => "sustainability",
            ClauseName::Terrain => "terrain",
            ClauseName::Surface => "surface",
            ClauseName::Timing => "timing",
        }
    }
}

/// Whether a clause was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClauseStatus {
    /// Checked and kept.
    Checked,
    /// Checked and broken (a warn or fail reason).
    Broken,
    /// Could not be checked (the words say why).
    NotCheckable,
}

impl ClauseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseStatus::Checked => "checked",
            ClauseStatus::Broken => "broken",
            ClauseStatus::NotCheckable => "not_checkable",
        }
    }
}

/// One clause of the rule and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clause {
    pub clause: ClauseName,
    pub status: ClauseStatus,
    /// Why it could not be checked (`None` when it was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// The verdict of one run, its reasons (most severe first) and every clause of the rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    pub clauses: Vec<Clause>,
}

impl Assessment {
    /// Combines reasons into a verdict: any `Fail` fails (a 90-minute run is no recovery
    /// run whatever the heart did); otherwise an unjudgeable intensity is `Unknown`;
    /// otherwise any `Warn` warns; otherwise it passes. A non-run is always `Unknown`.
    pub fn from_reasons(mut reasons: Vec<Reason>) -> Assessment {
        reasons.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(&b.code)));
        let has = |s: Severity| reasons.iter().any(|r| r.severity == s);
        let not_a_run = reasons.iter().any(|r| r.code == ReasonCode::NotARun);
        let verdict = if not_a_run {
            Verdict::Unknown
        } else if has(Severity::Fail) {
            Verdict::Fail
        } else if has(Severity::Unknown) {
            Verdict::Unknown
        } else if has(Severity::Warn) {
            Verdict::Warn
        } else {
            Verdict::Pass
        };
        Assessment {
            verdict,
            reasons,
            clauses: Vec::new(),
        }
    }
}

/// `mm:ss` (or `h:mm:ss`) for a second offset, as reports show spans.
pub fn clock(s: u32) -> String {
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(code: ReasonCode, severity: Severity) -> Reason {
        Reason {
            code,
            severity,
            message: String::new(),
            value: None,
            threshold: None,
            unit: "",
            spans: Vec::new(),
        }
    }

    #[test]
    fn verdict_precedence() {
        use ReasonCode::*;
        use Severity as S;
        let v = |rs: Vec<Reason>| Assessment::from_reasons(rs).verdict;
        assert_eq!(v(vec![]), Verdict::Pass);
        assert_eq!(v(vec![r(TooShort, S::Info)]), Verdict::Pass);
        assert_eq!(v(vec![r(Hilly, S::Warn)]), Verdict::Warn);
        assert_eq!(
            v(vec![r(NoHr, S::Unknown), r(Hilly, S::Warn)]),
            Verdict::Unknown
        );
        assert_eq!(
            v(vec![r(NoHr, S::Unknown), r(TooLong, S::Fail)]),
            Verdict::Fail
        );
        assert_eq!(
            v(vec![r(NotARun, S::Unknown), r(TooLong, S::Fail)]),
            Verdict::Unknown
        );
        let a = Assessment::from_reasons(vec![r(TooShort, S::Info), r(TooHard, S::Fail)]);
        assert_eq!(
            a.reasons.first().map(|r| r.code),
            Some(TooHard),
            "most severe first"
        );
    }

    #[test]
    fn clock_format() {
        assert_eq!(clock(432), "07:12");
        assert_eq!(clock(3725), "1:02:05");
    }
}
