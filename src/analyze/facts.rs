//! The compact facts of one activity that the history reads ([`RunFacts`]): what needs
//! no thresholds, then what the metrics add once they are known.

use crate::history::{Intensity, LapFacts, RunFacts, TraceFacts};
use crate::metrics::Metrics;
use crate::metrics::MovingHr;
use crate::metrics::steady::steady_hr;
use crate::metrics::zones::sustained_max_hr_bpm_of;
use crate::model::{Activity, RawActivity, Timestamp};

/// Facts that need no thresholds, and the trace's (judged against `intensity` when the
/// thresholds are known: [`TraceFacts::of`]).
pub(super) fn base(
    raw: &RawActivity,
    activity: &Activity,
    hr: &MovingHr,
    intensity: Option<&Intensity>,
) -> RunFacts {
    let end_ms = (activity.elapsed_s * 1000.0).round() as i64;
    RunFacts {
        source: raw.source.clone(),
        format: Some(raw.format),
        start_time: raw.start_time,
        end_time: Timestamp(raw.start_time.0.saturating_add(end_ms)),
        local: activity.header.local.clone(),
        created: raw.created,
        start_known: raw.time_base.start_known(),
        sport: raw.sport.clone(),
        sub_sport: raw.sub_sport.clone(),
        name: raw.name.clone(),
        activity_type: None,
        perceived_exertion: None,
        moving_s: activity.moving_s(),
        distance_m: activity.moving_distance_m(),
        hr_moving_s: 0,
        hard_s: None,
        below_ceiling_s: None,
        above_ceiling_s: None,
        avg_hr_bpm: None,
        sustained_max_hr_bpm: sustained_max_hr_bpm_of(hr),
        laps: raw
            .laps
            .iter()
            .map(|l| LapFacts {
                intensity: l.intensity,
                timer_s: l.timer_s,
                distance_m: l.distance_m,
                avg_hr_bpm: l.avg_hr_bpm,
            })
            .collect(),
        workout: raw.workout.clone(),
        hr_samples: raw
            .samples
            .iter()
            .filter(|s| s.hr_bpm.is_some_and(|h| h > 0))
            .count() as u32,
        position_samples: raw.samples.iter().filter(|s| s.position.is_some()).count() as u32,
        trace: TraceFacts::of(activity, intensity),
        steady: steady_hr(activity),
    }
}

/// What the metrics add to the facts.
pub(super) fn add_metrics(facts: &mut RunFacts, m: &Metrics) {
    facts.hr_moving_s = m.hr_moving_s;
    facts.avg_hr_bpm = m.avg_hr_bpm;
    if let Some(c) = &m.ceiling {
        facts.above_ceiling_s = Some(c.above_s);
        facts.below_ceiling_s = Some(c.hr_moving_s.saturating_sub(c.above_s));
    }
}
