//! Shared series helpers for the metrics: moving-second selections, time-windowed
//! rolling statistics on a grid with holes, and turning flagged seconds into spans.

use crate::model::{Second, Span};

/// One selected second: its time and its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub t_s: u32,
    pub value: f64,
}

/// Moving seconds for which `value` gives a number, in time order.
pub(crate) fn moving_points(
    seconds: &[Second],
    value: impl Fn(&Second) -> Option<f64>,
) -> Vec<Point> {
    seconds
        .iter()
        .filter(|s| s.moving)
        .filter_map(|s| {
            value(s)
                .filter(|v| v.is_finite())
                .map(|value| Point { t_s: s.t_s, value })
        })
        .collect()
}

/// Usable heart rate of a second, bpm.
pub(crate) fn usable_hr(s: &Second) -> Option<f64> {
    s.hr_bpm.map(f64::from).filter(|_| s.hr_flag.usable())
}

/// Arithmetic mean; `None` for an empty input.
pub(crate) fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .fold((0.0, 0u64), |(sum, n), v| (sum + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// Median (mean of the two middle values for an even count, statrs' order
/// statistics); `None` when empty.
pub(crate) fn median(values: Vec<f64>) -> Option<f64> {
    use statrs::statistics::{Data, OrderStatistics};
    (!values.is_empty()).then(|| Data::new(values).median())
}

/// For each point, `reduce` over the values of the points within `half_s` seconds of it
/// (a centered window of `2·half_s + 1` seconds; holes simply contribute nothing). The
/// point gets `None` when its window holds fewer than `min_count` values.
pub(crate) fn rolling(
    points: &[Point],
    half_s: u32,
    min_count: usize,
    reduce: impl Fn(Vec<f64>) -> Option<f64>,
) -> Vec<Option<f64>> {
    let mut out = Vec::with_capacity(points.len());
    let mut lo = 0usize;
    let mut hi = 0usize;
    for p in points {
        let from = p.t_s.saturating_sub(half_s);
        let to = p.t_s.saturating_add(half_s);
        while points.get(lo).is_some_and(|q| q.t_s < from) {
            lo += 1;
        }
        while points.get(hi).is_some_and(|q| q.t_s <= to) {
            hi += 1;
        }
        let window: Vec<f64> = points
            .get(lo..hi)
            .unwrap_or_default()
            .iter()
            .map(|q| q.value)
            .collect();
        out.push(if window.len() >= min_count {
            reduce(window)
        } else {
            None
        });
    }
    out
}

/// Spans of consecutive seconds (no hole between them) whose flag is set.
pub(crate) fn runs(flags: impl IntoIterator<Item = (u32, bool)>) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut open: Option<Span> = None;
    for (t_s, flag) in flags {
        open = match (open, flag) {
            (Some(mut run), true) if run.end_s == t_s => {
                run.end_s = t_s.saturating_add(1);
                Some(run)
            }
            (previous, true) => {
                spans.extend(previous);
                Some(Span {
                    start_s: t_s,
                    end_s: t_s.saturating_add(1),
                })
            }
            (previous, false) => {
                spans.extend(previous);
                None
            }
        };
    }
    spans.extend(open);
    spans
}

/// Merges sorted spans separated by at most `max_gap_s` seconds.
pub(crate) fn merge_close(spans: Vec<Span>, max_gap_s: u32) -> Vec<Span> {
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start_s.saturating_sub(last.end_s) <= max_gap_s => {
                last.end_s = last.end_s.max(span.end_s);
            }
            _ => merged.push(span),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start_s: u32, end_s: u32) -> Span {
        Span { start_s, end_s }
    }

    #[test]
    fn runs_break_at_holes_and_unset_flags() {
        let flags = [
            (0, true),
            (1, true),
            (2, false),
            (3, true),
            (5, true),
            (6, true),
        ];
        assert_eq!(runs(flags), vec![span(0, 2), span(3, 4), span(5, 7)]);
    }

    #[test]
    fn merge_joins_gaps_up_to_the_limit() {
        let spans = vec![span(0, 10), span(15, 20), span(26, 30)];
        assert_eq!(merge_close(spans, 5), vec![span(0, 20), span(26, 30)]);
    }

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(Vec::new()), None);
    }

    #[test]
    fn rolling_window_is_centered_and_skips_holes() {
        let points: Vec<Point> = [0u32, 1, 2, 3, 10]
            .iter()
            .map(|&t_s| Point {
                t_s,
                value: f64::from(t_s),
            })
            .collect();
        let out = rolling(&points, 1, 2, mean);
        assert_eq!(out, vec![Some(0.5), Some(1.0), Some(2.0), Some(2.5), None]);
    }
}
