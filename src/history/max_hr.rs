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

/// A max-HR estimate from the history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaxHrEstimate {
    pub bpm: f64,
    /// The activity whose sustained maximum was taken.
    pub from_source: String,
    /// Running activities with a plausible sustained maximum.
    pub activities_considered: usize,
}

/// The max-HR estimate from the runs' `sustained_max_hr_bpm` (60-s rolling median
/// maxima after artifact removal): the highest plausible one. The artifacts are gone
/// before the median is taken (spikes, dropouts, cadence-locked spans: clean/hr_quality),
/// and the median of a minute ignores anything shorter than half of it, so the highest
/// value is evidence, not a glitch. Discarding it when it stands far above the rest
/// would throw away the one hard session of a short history (a week's intervals at 170
/// among easy runs at 135). Non-running activities are left out (a cycling max is lower
/// and would not be the running max). `None` without any run carrying a plausible value.
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
    let chosen = values.first()?;
    Some(MaxHrEstimate {
        bpm: chosen.0,
        from_source: chosen.1.to_string(),
        activities_considered: values.len(),
    })
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
    fn the_highest_sustained_value_counts_even_far_above_the_rest() {
        let e = estimate_max_hr(&[
            with_max("a.fit", 1, Some(181.0)),
            with_max("race.fit", 2, Some(187.0)),
            with_max("locked.fit", 3, Some(203.0)),
            with_max("b.fit", 4, Some(176.0)),
        ]);
        assert_eq!(
            e,
            Some(MaxHrEstimate {
                bpm: 203.0,
                from_source: "locked.fit".into(),
                activities_considered: 4,
            })
        );
    }

    #[test]
    fn the_highest_counts_when_the_next_is_close() {
        let e = estimate_max_hr(&[
            with_max("a.fit", 1, Some(181.0)),
            with_max("race.fit", 2, Some(189.0)),
        ]);
        assert_eq!(
            e.map(|e| (e.bpm, e.from_source)),
            Some((189.0, "race.fit".into()))
        );
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
        ]);
        assert_eq!(
            e,
            Some(MaxHrEstimate {
                bpm: 172.0,
                from_source: "only.fit".into(),
                activities_considered: 1,
            })
        );
        assert_eq!(estimate_max_hr(&[with_max("none.fit", 1, None)]), None);
        assert_eq!(estimate_max_hr(&[]), None);
    }
}
