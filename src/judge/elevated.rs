//! `elevated_hr`: "if you're forcing it, rest might be the better option" (DOMAIN §1,
//! §11). A run whose heart rate at its pace stands clearly above the runner's usual
//! (the history's baseline, `history::baseline`) was forced — fatigue, illness, heat,
//! under-recovery — even under the ceiling. A warning, never a failure: the numbers are
//! the runner's own and a hot day raises them too. Judged only with a history: the
//! batch driver computes the comparison and adds the reason ([`with_elevated_hr`]).

use super::verdict::{Assessment, ClauseName, ClauseStatus, Reason, ReasonCode, Severity};

/// The numbers behind an `elevated_hr` reason (from the history's baseline).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HrAtPace {
    /// The run's mean heart rate over its steady stretch, bpm.
    pub run_hr_bpm: f64,
    /// The run's grade-adjusted pace over the same stretch, s/km.
    pub gap_pace_s_per_km: f64,
    /// The usual heart rate at that pace, bpm.
    pub usual_hr_bpm: f64,
    /// The excess from which a run counts as elevated, bpm.
    pub threshold_bpm: f64,
    /// The runner's day-to-day spread, bpm.
    pub spread_bpm: f64,
    /// Baseline runs the usual value comes from.
    pub baseline_runs: usize,
    /// Days the baseline looks back.
    pub window_days: f64,
}

fn pace(s_per_km: f64) -> String {
    let s = s_per_km.round().max(0.0) as u64;
    format!("{}:{:02}/km", s / 60, s % 60)
}

/// The `elevated_hr` warning for a run at `x`.
pub fn elevated_hr(x: &HrAtPace) -> Reason {
    let excess = x.run_hr_bpm - x.usual_hr_bpm;
    let round = |v: f64| (v * 1000.0).round() / 1000.0;
    Reason {
        code: ReasonCode::ElevatedHr,
        severity: Severity::Warn,
        message: format!(
            "your heart rate was {:.0} bpm above your usual at {} ({:.0} vs {:.0} bpm, \
             grade-adjusted; usual from {} steady easy runs of the last {:.0} weeks, \
             day-to-day spread ±{:.0} bpm): you may be forcing it; rest might be the better \
             option",
            excess,
            pace(x.gap_pace_s_per_km),
            x.run_hr_bpm,
            x.usual_hr_bpm,
            x.baseline_runs,
            x.window_days / 7.0,
            x.spread_bpm,
        ),
        value: Some(round(excess)),
        threshold: Some(round(x.threshold_bpm)),
        unit: "bpm",
        spans: Vec::new(),
    }
}

/// `assessment` with the `elevated_hr` reason added and the verdict combined again. The
/// clauses are kept; the intensity clause ("super easy"), when it was checked, is now
/// broken: a run forced at its pace was not super easy, whatever the ceiling said.
pub fn with_elevated_hr(assessment: &Assessment, x: &HrAtPace) -> Assessment {
    let mut reasons = assessment.reasons.clone();
    reasons.push(elevated_hr(x));
    let mut combined = Assessment::from_reasons(reasons);
    combined.clauses = assessment.clauses.clone();
    for c in &mut combined.clauses {
        if c.clause == ClauseName::Intensity && c.status == ClauseStatus::Checked {
            c.status = ClauseStatus::Broken;
        }
    }
    combined
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::Verdict;

    const X: HrAtPace = HrAtPace {
        run_hr_bpm: 151.2,
        gap_pace_s_per_km: 390.0,
        usual_hr_bpm: 137.0,
        threshold_bpm: 7.0,
        spread_bpm: 2.0,
        baseline_runs: 9,
        window_days: 42.0,
    };

    #[test]
    fn the_message_has_the_numbers() {
        let r = elevated_hr(&X);
        assert_eq!(r.code.as_str(), "elevated_hr");
        assert_eq!(r.severity, Severity::Warn);
        assert_eq!(
            r.message,
            "your heart rate was 14 bpm above your usual at 6:30/km (151 vs 137 bpm, \
             grade-adjusted; usual from 9 steady easy runs of the last 6 weeks, day-to-day \
             spread ±2 bpm): you may be forcing it; rest might be the better option"
        );
        assert_eq!(
            (r.value, r.threshold, r.unit),
            (Some(14.2), Some(7.0), "bpm")
        );
    }

    #[test]
    fn it_warns_a_pass_and_leaves_a_fail_failed() {
        let pass = Assessment::from_reasons(Vec::new());
        assert_eq!(with_elevated_hr(&pass, &X).verdict, Verdict::Warn);
        let long = Reason {
            code: ReasonCode::TooLong,
            severity: Severity::Fail,
            message: String::new(),
            value: None,
            threshold: None,
            unit: "min",
            spans: Vec::new(),
        };
        let fail = Assessment::from_reasons(vec![long]);
        let a = with_elevated_hr(&fail, &X);
        assert_eq!(a.verdict, Verdict::Fail);
        assert_eq!(a.reasons.len(), 2);
    }

    #[test]
    fn the_clauses_are_kept_and_intensity_is_broken() {
        let clause = |name, status| crate::judge::Clause {
            clause: name,
            status,
            why: None,
        };
        let mut pass = Assessment::from_reasons(Vec::new());
        pass.clauses = vec![
            clause(ClauseName::Intensity, ClauseStatus::Checked),
            clause(ClauseName::Duration, ClauseStatus::Checked),
        ];
        let a = with_elevated_hr(&pass, &X);
        let statuses: Vec<_> = a.clauses.iter().map(|c| (c.clause, c.status)).collect();
        assert_eq!(
            statuses,
            vec![
                (ClauseName::Intensity, ClauseStatus::Broken),
                (ClauseName::Duration, ClauseStatus::Checked)
            ]
        );
    }
}
