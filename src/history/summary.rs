//! History, the batch summary: activities by class and how the intended recovery runs
//! fared (pass/warn/fail/unknown) with their most common reasons.
//!
//! Verdicts come in as strings ([`VerdictSummary`]) so history stays independent of the
//! judge: the caller maps `judge::Verdict` and reason codes to their snake_case names,
//! which are the names the reports print anyway.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Class, Placement};

/// The judge's answer for one run, as strings: `verdict` is `pass`, `warn`, `fail` or
/// `unknown`; `codes` are the reason codes that shaped it (`too_hard`, `surges`, …;
/// callers leave info-only reasons out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictSummary {
    pub verdict: String,
    pub codes: Vec<String>,
}

/// How the intended recovery runs fared.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecoveryCounts {
    /// Intended recovery runs (placements with an intent).
    pub judged: usize,
    pub pass: usize,
    pub warn: usize,
    /// A recovery run without a verdict, or with one not named above, counts here.
    pub unknown: usize,
    pub fail: usize,
    /// Reason codes of the recovery runs that did not pass, each counted once per run;
    /// most common first, then by code.
    pub top_reasons: Vec<(String, usize)>,
}

/// The summary of a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HistorySummary {
    /// Every activity by class.
    pub by_class: BTreeMap<Class, usize>,
    pub recovery: RecoveryCounts,
}

/// Summarizes `placements` ([`super::classify()`]'s answer) and `verdicts` (same order;
/// `Some` for the runs that were judged). Only intended recovery runs count in
/// `recovery`; a verdict given for any other activity is ignored.
pub fn summarize(placements: &[Placement], verdicts: &[Option<VerdictSummary>]) -> HistorySummary {
    let mut summary = HistorySummary::default();
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, p) in placements.iter().enumerate() {
        *summary.by_class.entry(p.class).or_insert(0) += 1;
        if p.intent.is_none() {
            continue;
        }
        let counts = &mut summary.recovery;
        counts.judged += 1;
        let verdict = verdicts.get(i).and_then(Option::as_ref);
        match verdict.map(|v| v.verdict.as_str()) {
            Some("pass") => {
                counts.pass += 1;
                continue;
            }
            Some("warn") => counts.warn += 1,
            Some("fail") => counts.fail += 1,
            _ => counts.unknown += 1,
        }
        let codes: BTreeSet<&str> = verdict
            .map(|v| v.codes.iter().map(String::as_str).collect())
            .unwrap_or_default();
        for code in codes {
            *reasons.entry(code).or_insert(0) += 1;
        }
    }
    let mut top: Vec<(String, usize)> = reasons
        .into_iter()
        .map(|(code, n)| (code.to_string(), n))
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    summary.recovery.top_reasons = top;
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{ClassReason, Intent, SportSource};

    fn placement(class: Class, intent: Option<Intent>) -> Placement {
        Placement {
            class,
            class_reason: ClassReason::Easy,
            intent,
            recovers_from: None,
            sport: None,
            sport_source: SportSource::Recorded,
            sport_inferred_from: None,
            session: None,
            implausible_start: None,
        }
    }

    fn verdict(verdict: &str, codes: &[&str]) -> Option<VerdictSummary> {
        Some(VerdictSummary {
            verdict: verdict.into(),
            codes: codes.iter().map(|c| c.to_string()).collect(),
        })
    }

    #[test]
    fn counts_and_top_reasons() {
        let recovery = || placement(Class::Recovery, Some(Intent::Placement));
        let placements = vec![
            placement(Class::Long, None),
            recovery(),
            recovery(),
            recovery(),
            placement(Class::Recovery, Some(Intent::Name)),
            recovery(),
            placement(Class::Easy, None),
            placement(Class::Other, None),
            recovery(),
        ];
        let verdicts = vec![
            None,
            verdict("pass", &["too_short"]),
            verdict("warn", &["too_hard", "surges"]),
            verdict("fail", &["too_long", "too_hard", "too_hard"]),
            verdict("unknown", &["no_hr"]),
            None,
            // Not a recovery run: ignored.
            verdict("fail", &["too_hard"]),
            None,
            verdict("fail", &["surges", "hilly"]),
        ];
        let s = summarize(&placements, &verdicts);
        assert_eq!(
            s.by_class,
            BTreeMap::from([
                (Class::Recovery, 6),
                (Class::Easy, 1),
                (Class::Long, 1),
                (Class::Other, 1)
            ])
        );
        let r = &s.recovery;
        assert_eq!(
            (r.judged, r.pass, r.warn, r.fail, r.unknown),
            (6, 1, 1, 2, 2)
        );
        let top: Vec<(&str, usize)> = r
            .top_reasons
            .iter()
            .map(|(c, n)| (c.as_str(), *n))
            .collect();
        assert_eq!(
            top,
            [
                ("surges", 2),
                ("too_hard", 2),
                ("hilly", 1),
                ("no_hr", 1),
                ("too_long", 1)
            ]
        );
    }

    #[test]
    fn empty_history() {
        assert_eq!(summarize(&[], &[]), HistorySummary::default());
    }
}
