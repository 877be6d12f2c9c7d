//! Shared series helpers for the metrics: moving-second selections, time-windowed
//! rolling statistics on a grid with holes, and turning flagged seconds into spans.

use crate::model::{Second, Span};

/// One selected second: its time and its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub t_s: u32,
    pub value: f64,
}

/// Moving seconds for which `value` gives a number, in time order. The buffer is
/// sized for every second up front (a filtered `collect` would grow it by doubling,
/// copying it ~log2(n) times).
pub(crate) fn moving_points(
    seconds: &[Second],
    value: impl Fn(&Second) -> Option<f64>,
) -> Vec<Point> {
    let mut points = Vec::with_capacity(seconds.len());
    points.extend(seconds.iter().filter(|s| s.moving).filter_map(|s| {
        value(s)
            .filter(|v| v.is_finite())
            .map(|value| Point { t_s: s.t_s, value })
    }));
    points
}

/// Usable heart rate of a second, bpm.
pub(crate) fn usable_hr(s: &Second) -> Option<f64> {
    s.hr_bpm.map(f64::from).filter(|_| s.hr_flag.usable())
}

/// Arithmetic mean; `None` for an empty input.
pub(crate) fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    values
        .into_iter()
        .fold(Mean::default(), |mut m, v| {
            m.add(v);
            m
        })
        .get()
}

/// [`mean`] taken one value at a time (several means in one walk): the same sum, in
/// the same order, from `0.0`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Mean {
    sum: f64,
    n: u64,
}

impl Mean {
    pub(crate) fn add(&mut self, v: f64) {
        self.sum += v;
        self.n += 1;
    }

    pub(crate) fn get(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }
}

/// Median (mean of the two middle values for an even count); `None` when empty.
pub(crate) fn median(mut values: Vec<f64>) -> Option<f64> {
    median_in_place(&mut values)
}

/// [`median`] of a slice, reordering it. The numbers are statrs'
/// `OrderStatistics::median` (which this replaced, to let rolling windows reuse one
/// buffer): order statistics by `total_cmp`, the lowest by statrs' `<` fold, and
/// `(a + b) / 2` for an even count.
pub(crate) fn median_in_place(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    let k = n / 2;
    if n == 0 {
        return None;
    }
    if n == 1 {
        return values.first().copied();
    }
    let (below, kth, _) = values.select_nth_unstable_by(k, f64::total_cmp);
    let kth = *kth;
    if n % 2 == 1 {
        return Some(kth);
    }
    // The order statistic just below the k-th is the largest of those before it.
    let lower = if k == 1 {
        // statrs takes rank 0 as the minimum, with `<`.
        below
            .iter()
            .copied()
            .reduce(|acc, x| if x < acc || x.is_nan() { x } else { acc })?
    } else {
        below.iter().copied().max_by(f64::total_cmp)?
    };
    Some((lower + kth) / 2.0)
}

/// For each point, `reduce` over the points within `half_s` seconds of it (a centered
/// window of `2·half_s + 1` seconds; holes simply contribute nothing), in time order.
/// The point gets `None` when its window holds fewer than `min_count` values.
pub(crate) fn rolling(
    points: &[Point],
    half_s: u32,
    min_count: usize,
    reduce: impl Fn(&[Point]) -> Option<f64>,
) -> Vec<Option<f64>> {
    let mut out = Vec::with_capacity(points.len());
    for_each_window(points, half_s, |window| {
        out.push(if window.len() >= min_count {
            reduce(window)
        } else {
            None
        });
    });
    out
}

/// Calls `visit` with each point's centered window of `2·half_s + 1` seconds (the
/// points within `half_s` seconds of it, itself included), in time order.
pub(crate) fn for_each_window(points: &[Point], half_s: u32, mut visit: impl FnMut(&[Point])) {
    let mut window = SlidingWindow::new(half_s);
    for p in points {
        visit(
            points
                .get(window.around(points, p.t_s, |q| q.t_s))
                .unwrap_or_default(),
        );
    }
}

/// A centred window sliding over items in time order: asked for times that never
/// decrease, it gives the index range of the items within `half_s` seconds of each, its
/// two bounds only moving on.
pub(crate) struct SlidingWindow {
    half_s: u32,
    lo: usize,
    hi: usize,
}

impl SlidingWindow {
    pub(crate) fn new(half_s: u32) -> Self {
        SlidingWindow {
            half_s,
            lo: 0,
            hi: 0,
        }
    }

    /// The range of `items` (in time order, `t_s` giving each one's second) within
    /// `half_s` seconds of `t_s_now`.
    pub(crate) fn around<T>(
        &mut self,
        items: &[T],
        t_s_now: u32,
        t_s: impl Fn(&T) -> u32,
    ) -> std::ops::Range<usize> {
        let from = t_s_now.saturating_sub(self.half_s);
        let to = t_s_now.saturating_add(self.half_s);
        while items.get(self.lo).is_some_and(|q| t_s(q) < from) {
            self.lo += 1;
        }
        while items.get(self.hi).is_some_and(|q| t_s(q) <= to) {
            self.hi += 1;
        }
        self.lo..self.hi.max(self.lo)
    }
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
    fn median_is_bit_identical_to_statrs() {
        use easyrun_testkit::synth::SplitMix64;
        use statrs::statistics::{Data, OrderStatistics};
        let mut rng = SplitMix64::new(42);
        for case in 0..2000u32 {
            let n = 1 + (case % 70) as usize;
            let mut values: Vec<f64> = (0..n)
                .map(|_| match rng.next_u64() % 4 {
                    // Ties, as whole-bpm heart rates give.
                    0 => (120 + rng.next_u64() % 5) as f64,
                    _ => 100.0 + 80.0 * rng.next_f64(),
                })
                .collect();
            match case % 5 {
                0 => values.sort_by(f64::total_cmp),
                1 => values.sort_by(|a, b| b.total_cmp(a)),
                _ => {}
            }
            let want = Data::new(values.clone()).median();
            let got = median(values.clone());
            assert_eq!(got.map(f64::to_bits), Some(want.to_bits()), "{values:?}");
        }
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
        let out = rolling(&points, 1, 2, |w| mean(w.iter().map(|p| p.value)));
        assert_eq!(out, vec![Some(0.5), Some(1.0), Some(2.0), Some(2.5), None]);
    }
}
