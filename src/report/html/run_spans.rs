//! HTML report, one run's chart: the stretches drawn over the curves — where the heart
//! rate was not used (cadence lock, artifacts) and where the runner stood still — from
//! the record's spans and the downsampled series, in seconds from the first sample.

use crate::analyze::series::SeriesPoint;
use crate::model::Span;
use crate::report::schema::CheckRecord;

/// Why a stretch of heart rate was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unreliable {
    CadenceLock,
    Artifact,
}

/// Where the heart rate was not used: the record's cadence-lock spans (what the judge
/// saw) and, elsewhere, buckets whose recorded HR was excluded (spikes, implausible
/// values), merged when closer than 1 % of the run.
pub(super) fn unreliable_spans(
    r: &CheckRecord,
    series: &[SeriesPoint],
    step: u32,
) -> Vec<(Span, Unreliable)> {
    let mut out: Vec<(Span, Unreliable)> =
        r.hr.cadence_lock_spans
            .iter()
            .map(|s| (*s, Unreliable::CadenceLock))
            .collect();
    let locked = |t: u32| {
        r.hr.cadence_lock_spans
            .iter()
            .any(|s| t + step > s.start_s && t < s.end_s)
    };
    let join_s = (series.last().map_or(0, |p| p.t_s) / 100).max(step);
    let mut current: Option<Span> = None;
    for p in series {
        if p.hr_excluded_bpm.is_none() || p.cadence_lock || locked(p.t_s) {
            continue;
        }
        let bucket = Span {
            start_s: p.t_s,
            end_s: p.t_s + step,
        };
        current = match current {
            Some(c) if bucket.start_s <= c.end_s + join_s => Some(Span {
                start_s: c.start_s,
                end_s: bucket.end_s,
            }),
            Some(c) => {
                out.push((c, Unreliable::Artifact));
                Some(bucket)
            }
            None => Some(bucket),
        };
    }
    if let Some(c) = current {
        out.push((c, Unreliable::Artifact));
    }
    out.sort_by_key(|(s, _)| s.start_s);
    out
}

/// Shorter stops are not worth shading.
const MIN_PAUSE_S: u32 = 30;

/// Paused stretches: buckets mostly standing still, merged, at least [`MIN_PAUSE_S`].
pub(super) fn paused_spans(series: &[SeriesPoint], step: u32) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for p in series.iter().filter(|p| p.moving_share < 0.5) {
        match out.last_mut() {
            Some(last) if last.end_s >= p.t_s => last.end_s = p.t_s + step,
            _ => out.push(Span {
                start_s: p.t_s,
                end_s: p.t_s + step,
            }),
        }
    }
    out.retain(|s| s.len_s() >= MIN_PAUSE_S);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paused_buckets_merge() {
        let p = |t_s: u32, moving_share: f32| SeriesPoint {
            t_s,
            moving_share,
            hr_bpm: None,
            hr_excluded_bpm: None,
            cadence_lock: false,
            gap_speed_mps: None,
            altitude_m: None,
        };
        let s = [p(0, 1.0), p(20, 0.0), p(40, 0.2), p(60, 1.0), p(80, 0.0)];
        assert_eq!(
            paused_spans(&s, 20),
            vec![Span {
                start_s: 20,
                end_s: 60
            }],
            "two paused buckets merge; the 20 s stop at the end is too short to shade"
        );
    }
}
