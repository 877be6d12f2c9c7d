//! History, max-HR estimate: when the runner gave no max HR, the highest SUSTAINED heart
//! rate of their runs stands in (shared/DOMAIN.md §2: "highest 30–60 s rolling median HR
//! after artifact removal, never the raw 1 Hz max").
//! Reports must say the value is an estimate and where it came from (docs/history.md).

use std::ops::RangeInclusive;

use serde::Serialize;

use super::RunFacts;
use super::classify::is_running;

/// Sustained maxima outside this range are not heart rates a runner reaches in a run
/// (a strap reading 90 at the end of a race, an optical sensor locked at 240), bpm.
pub const PLAUSIBLE_MAX_HR_BPM: RangeInclusive<f64> = 120.0..=230.0;

/// Two sustained maxima at most this far apart corroborate each other, bpm: a runner
/// who really reached a heart rate once reaches nearly it again (races, hard sessions);
/// a strap or sensor artifact does not repeat at the same value in another file.
pub const CORROBORATION_BPM: f64 = 4.0;

/// Lone values at most this far above the highest corroborated one are set aside, bpm.
pub const SET_ASIDE_MAX_BPM: f64 = 20.0;

/// How sure the estimate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxHrConfidence {
    /// Another activity's sustained maximum lies within [`CORROBORATION_BPM`] below it.
    Corroborated,
    /// Nothing corroborates any value (a history of one run, or maxima far apart): the
    /// highest is taken, and reports say it stands alone.
    Uncorroborated,
}

/// A value the estimate set aside: higher than the estimate, corroborated by nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetAside {
    pub bpm: f64,
    pub source: String,
}

/// A max-HR estimate from the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaxHrEstimate {
    pub bpm: f64,
    /// The activity whose sustained maximum was taken.
    pub from_source: String,
    pub confidence: MaxHrConfidence,
    /// The activity that corroborates it (its own sustained maximum within
    /// [`CORROBORATION_BPM`] below).
    pub corroborated_by: Option<String>,
    /// Higher values nothing corroborated, highest first (one bad file cannot move the
    /// zones; reports name them).
    pub set_aside: Vec<SetAside>,
    /// Running activities with a plausible sustained maximum.
    pub activities_considered: usize,
}

/// The max-HR estimate from the runs' `sustained_max_hr_bpm` (60-s rolling median
/// maxima after artifact removal). A value sets the zones only when **corroborated**: a
/// second activity reached within [`CORROBORATION_BPM`] of it. The highest corroborated
/// value wins; any higher, uncorroborated values up to [`SET_ASIDE_MAX_BPM`] above it
/// are set aside and named (a swinging strap in one file of a hundred read 211 bpm and
/// moved every zone of every run). When no value is corroborated, or the lone highest
/// stands more than that above every corroborated one (the one hard session of a
/// history of easy runs), the highest stands, marked `uncorroborated`.
/// Non-running activities are left out (a cycling max is lower than the running max).
/// `None` without any run carrying a plausible value.
///
/// The estimate is a floor of the true max: a history of easy runs only gives an easy
/// max, which puts the zones too low and makes runs look harder than they were —
/// reports should say so.
pub fn estimate_max_hr(facts: &[RunFacts]) -> Option<MaxHrEstimate> {
    let mut values: Vec<(f64, &str)> = facts
        .iter()
        .filter(|f| is_running(f))
        .filter_map(|f| {
            f.sustained_max_hr_bpm
                .filter(|bpm| PLAUSIBLE_MAX_HR_BPM.contains(bpm))
                .map(|bpm| (bpm, f.source.as_str()))
        })
        .collect();
    // Highest first; equal values by source so the answer does not depend on order.
    values.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let corroboration = |i: usize| -> Option<&str> {
        let (bpm, _) = *values.get(i)?;
        values
            .get(i + 1..)?
            .iter()
            .take_while(|(v, _)| bpm - v <= CORROBORATION_BPM)
            .map(|(_, s)| *s)
            .next()
    };
    let chosen = (0..values.len()).find_map(|i| corroboration(i).map(|by| (i, by)));
    let top = values.first().map_or(0.0, |v| v.0);
    let (index, corroborated_by, confidence) = match chosen {
        // Lone values a little above a corroborated maximum are set aside: that is the
        // size of a strap artifact. One far above every corroborated value is a hard
        // session in a history of easy runs (intervals at 170 among runs at 135): kept,
        // but marked uncorroborated.
        Some((i, by)) if top - values.get(i).map_or(top, |v| v.0) <= SET_ASIDE_MAX_BPM => {
            (i, Some(by.to_string()), MaxHrConfidence::Corroborated)
        }
        _ => (0, None, MaxHrConfidence::Uncorroborated),
    };
    let (bpm, source) = *values.get(index)?;
    Some(MaxHrEstimate {
        bpm,
        from_source: source.to_string(),
        confidence,
        corroborated_by,
        set_aside: values
            .get(..index)
            .unwrap_or_default()
            .iter()
            .map(|(bpm, source)| SetAside {
                bpm: *bpm,
                source: source.to_string(),
            })
            .collect(),
        activities_considered: values.len(),
    })
}

/// Where the estimate came from and how sure it is, in words for reports:
/// `race.fit, corroborated by tempo.fit; set aside: 211 bpm in strap.tcx`.
pub fn describe(e: &MaxHrEstimate) -> String {
    let mut text = match (&e.confidence, &e.corroborated_by) {
        (MaxHrConfidence::Corroborated, Some(by)) => {
            format!("{}, corroborated by {by}", e.from_source)
        }
        _ => format!(
            "{}, uncorroborated: no other run came within {CORROBORATION_BPM:.0} bpm",
            e.from_source
        ),
    };
    if !e.set_aside.is_empty() {
        let parts: Vec<String> = e
            .set_aside
            .iter()
            .take(3)
            .map(|s| format!("{:.0} bpm in {}", s.bpm, s.source))
            .collect();
        text.push_str(&format!(
            "; set aside as uncorroborated: {}",
            parts.join(", ")
        ));
        if e.set_aside.len() > 3 {
            text.push_str(&format!(" and {} more", e.set_aside.len() - 3));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::testkit::{Tweak, run};
    use crate::model::Sport;

    fn with_max(source: &str, day: u32, bpm: Option<f64>) -> RunFacts {
        run(source, &format!("2024-03-{day:02}T07:00:00Z"), 40).sustained_max(bpm)
    }

    #[test]
    fn one_bad_file_cannot_move_the_estimate() {
        let e = estimate_max_hr(&[
            with_max("a.fit", 1, Some(181.0)),
            with_max("race.fit", 2, Some(187.0)),
            with_max("swinging_strap.tcx", 3, Some(203.0)),
            with_max("b.fit", 4, Some(176.0)),
            with_max("tempo.fit", 5, Some(184.0)),
        ])
        .unwrap_or_else(|| unreachable!());
        assert_eq!(e.bpm, 187.0);
        assert_eq!(e.from_source, "race.fit");
        assert_eq!(e.confidence, MaxHrConfidence::Corroborated);
        assert_eq!(e.corroborated_by.as_deref(), Some("tempo.fit"));
        assert_eq!(
            e.set_aside,
            vec![SetAside {
                bpm: 203.0,
                source: "swinging_strap.tcx".into()
            }]
        );
        assert_eq!(e.activities_considered, 5);
    }

    #[test]
    fn the_highest_counts_when_the_next_is_close() {
        let e = estimate_max_hr(&[
            with_max("a.fit", 1, Some(186.0)),
            with_max("race.fit", 2, Some(189.0)),
        ]);
        assert_eq!(
            e.map(|e| (e.bpm, e.from_source, e.confidence)),
            Some((189.0, "race.fit".into(), MaxHrConfidence::Corroborated))
        );
    }

    #[test]
    fn a_lone_hard_session_far_above_easy_runs_stands_uncorroborated() {
        let e = estimate_max_hr(&[
            with_max("easy1.fit", 1, Some(135.0)),
            with_max("easy2.fit", 2, Some(137.0)),
            with_max("intervals.fit", 3, Some(170.0)),
        ])
        .unwrap_or_else(|| unreachable!());
        assert_eq!(
            (e.bpm, e.confidence),
            (170.0, MaxHrConfidence::Uncorroborated)
        );
    }

    #[test]
    fn without_any_corroboration_the_highest_stands_marked_so() {
        // A short history: a week's intervals at 170 among easy runs at 135.
        let e = estimate_max_hr(&[
            with_max("easy.fit", 1, Some(135.0)),
            with_max("intervals.fit", 2, Some(170.0)),
        ])
        .unwrap_or_else(|| unreachable!());
        assert_eq!(e.bpm, 170.0);
        assert_eq!(e.confidence, MaxHrConfidence::Uncorroborated);
        assert!(e.set_aside.is_empty() && e.corroborated_by.is_none());
    }

    #[test]
    fn implausible_values_rides_and_missing_values_are_left_out() {
        let e = estimate_max_hr(&[
            with_max("low.fit", 1, Some(110.0)),
            with_max("high.fit", 2, Some(245.0)),
            with_max("nan.fit", 3, Some(f64::NAN)),
            with_max("none.fit", 4, None),
            with_max("ride.fit", 5, Some(178.0)).sport(Some(Sport::Cycling)),
            with_max("only.fit", 6, Some(172.0)),
        ])
        .unwrap_or_else(|| unreachable!());
        assert_eq!((e.bpm, e.from_source.as_str()), (172.0, "only.fit"));
        assert_eq!(e.activities_considered, 1);
        assert_eq!(estimate_max_hr(&[with_max("none.fit", 1, None)]), None);
        assert_eq!(estimate_max_hr(&[]), None);
    }
}
