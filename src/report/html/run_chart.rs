//! HTML report, one run's chart: heart rate over time from the start on top of the zone
//! bands, the conversational ceiling as a dashed line, the stretches above it marked in
//! a strip, unreliable heart rate (cadence lock, artifacts) hatched and labelled, surges
//! dotted and labelled; grade-adjusted pace and elevation below on the same time axis.
//!
//! The time axis is seconds from the first sample, the clock every span of the record
//! (ceiling, cadence lock, surges) is measured in; paused stretches are shaded.

use std::fmt::Write as _;

use crate::analyze::series::SeriesPoint;
use crate::model::Span;
use crate::profile::Units;
use crate::report::schema::CheckRecord;

use super::chart::{self, Scale, num, polyline};
use super::run_chart_text::describe;
use super::run_spans::{Unreliable, paused_spans, unreliable_spans};
use crate::report::escape;

const W: f64 = 960.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 112.0;
const PLOT_W: f64 = W - LEFT - RIGHT;
const HR_TOP: f64 = 30.0;
const HR_H: f64 = 210.0;
const GAP_BETWEEN: f64 = 34.0;
const PACE_H: f64 = 100.0;
const ELEV_H: f64 = 76.0;
/// Slower than this is walking or standing: left out of the pace curve.
const MIN_PACE_SPEED_MPS: f64 = 1.0;

/// Colour index (CSS class `zc0`…`zc6`) of zone `i` of `n`: 3 and 5 zones spread over
/// the blue → red ramp, 7 zones use it step by step.
pub fn zone_colour(i: usize, n: usize) -> usize {
    if n <= 1 {
        0
    } else if n <= 5 {
        ((i as f64) * 4.0 / ((n - 1) as f64)).round() as usize
    } else {
        i.min(6)
    }
}

/// The `q_low` and `1 − q_high` quantiles of `v`: a few GPS glitches or a slow last
/// minute do not squash the curve (values beyond are drawn at the panel's edge).
fn robust_range(mut v: Vec<f64>, q_low: f64, q_high: f64) -> Option<(f64, f64)> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let i = ((v.len() - 1) as f64 * q).round() as usize;
        v.get(i).copied()
    };
    Some((at(q_low)?, at(1.0 - q_high)?))
}

fn span_rect(x: &Scale, s: &Span, top: f64, h: f64, attrs: &str) -> String {
    let x0 = x.at(f64::from(s.start_s));
    let x1 = x.at(f64::from(s.end_s));
    format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {attrs}/>",
        num(x0),
        num(top),
        num((x1 - x0).max(2.0)),
        num(h)
    )
}

/// What a chart ended up showing, for its legend.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    pub paused: bool,
    pub unreliable: bool,
    pub surges: bool,
    pub above: bool,
}

/// The chart of one run, or `None` when there is nothing to draw. `id` prefixes the
/// SVG's title/description ids; `name` is the escaped display name.
pub fn run_chart(
    id: &str,
    name: &str,
    r: &CheckRecord,
    series: &[SeriesPoint],
    units: Units,
) -> Option<(String, Drawn)> {
    let last = series.last()?;
    let step = match series {
        [a, b, ..] => b.t_s.saturating_sub(a.t_s).max(1),
        _ => 1,
    };
    let span_s = f64::from(last.t_s + step).max(r.elapsed_s).max(60.0);
    let x = Scale::new(0.0, span_s, LEFT, LEFT + PLOT_W);
    // A bucket is drawn at its middle.
    let mid = |p: &SeriesPoint| x.at(f64::from(p.t_s) + f64::from(step) / 2.0);

    let has_hr = series.iter().any(|p| p.hr_bpm.is_some());
    let paces: Vec<Option<f64>> = series
        .iter()
        .map(|p| {
            p.gap_speed_mps
                .map(f64::from)
                .filter(|v| *v >= MIN_PACE_SPEED_MPS)
                // Seconds per km or per mile: the axis is in the runner's units.
                .map(|v| units.m_per_distance_unit() / v)
        })
        .collect();
    // Surges are the fast end and must show whole; walking breaks the slow end.
    let pace_range = robust_range(paces.iter().flatten().copied().collect(), 0.005, 0.03);
    let alt_range = robust_range(
        series
            .iter()
            .filter_map(|p| p.altitude_m.map(|a| units.elevation(f64::from(a))))
            .collect(),
        0.0,
        0.0,
    );

    let hr_bottom = HR_TOP + HR_H;
    let pace_top = hr_bottom + GAP_BETWEEN;
    let pace_bottom = if pace_range.is_some() {
        pace_top + PACE_H
    } else {
        hr_bottom
    };
    let elev_top = pace_bottom + GAP_BETWEEN;
    let bottom = if alt_range.is_some() {
        elev_top + ELEV_H
    } else {
        pace_bottom
    };
    let height = bottom + 40.0;

    let mut svg = String::with_capacity(24_000);
    let _ = write!(
        svg,
        "<svg class=\"chart run-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" \
         role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">Heart rate, pace and \
         elevation of {name}</title><desc id=\"{id}-d\">{desc}</desc>",
        w = num(W),
        h = num(height),
        desc = escape::text(&describe(
            r,
            series,
            pace_range.is_some(),
            alt_range.is_some(),
            units
        )),
    );

    let paused = paused_spans(series, step);
    let (hr_y, hr_lo, hr_hi) = hr_scale(r, series);
    let unreliable = unreliable_spans(r, series, step);
    let drawn = Drawn {
        paused: !paused.is_empty(),
        unreliable: !unreliable.is_empty(),
        surges: !r.surges.is_empty(),
        above: !r.ceiling.spans.is_empty(),
    };
    // Back to front: zone bands, paused time across every panel, the time grid.
    panel_title(&mut svg, 14.0, "Heart rate, bpm");
    zone_bands(&mut svg, r, &hr_y, hr_lo, hr_hi);
    for s in paused {
        svg.push_str(&span_rect(
            &x,
            &s,
            HR_TOP,
            bottom - HR_TOP,
            "class=\"paused\"",
        ));
        let (x0, x1) = (x.at(f64::from(s.start_s)), x.at(f64::from(s.end_s)));
        if x1 - x0 >= 44.0 {
            let _ = write!(
                svg,
                "<text class=\"span-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">paused</text>",
                num((x0 + x1) / 2.0),
                num(HR_TOP + HR_H - 8.0)
            );
        }
    }
    let grid = chart::time_ticks(span_s);
    for t in &grid {
        let gx = num(x.at(*t));
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{gx}\" y1=\"{}\" x2=\"{gx}\" y2=\"{}\"/>",
            num(HR_TOP),
            num(bottom)
        );
    }

    hr_panel(
        &mut svg,
        &x,
        &hr_y,
        (hr_lo, hr_hi),
        r,
        series,
        &unreliable,
        has_hr,
        &mid,
    );
    if let Some(range) = pace_range {
        let title = format!(
            "Grade-adjusted pace, {} (faster is higher)",
            units.pace_axis_unit()
        );
        pace_panel(
            &mut svg,
            &x,
            r,
            &paces,
            series,
            range,
            (pace_top, &title),
            &mid,
        );
    }
    if let Some(range) = alt_range {
        elevation_panel(&mut svg, series, range, elev_top, units, &mid);
    }

    // The shared time axis.
    let _ = write!(
        svg,
        "<line class=\"axis\" x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\"/>",
        num(LEFT),
        num(LEFT + PLOT_W),
        b = num(bottom)
    );
    for t in &grid {
        let _ = write!(
            svg,
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            num(x.at(*t)),
            num(bottom + 15.0),
            chart::hmm(*t)
        );
    }
    let _ = write!(
        svg,
        "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"end\">time from start (h:mm)</text>",
        num(LEFT + PLOT_W),
        num(bottom + 32.0)
    );
    svg.push_str("</svg>");
    Some((svg, drawn))
}

fn panel_title(svg: &mut String, y: f64, text: &str) {
    let _ = write!(
        svg,
        "<text class=\"panel-title\" x=\"{}\" y=\"{}\">{text}</text>",
        num(LEFT),
        num(y)
    );
}

fn y_ticks(svg: &mut String, y: &Scale, values: &[f64], label: impl Fn(f64) -> String) {
    for v in values {
        let _ = write!(
            svg,
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            num(LEFT - 6.0),
            num(y.at(*v) + 4.0),
            label(*v)
        );
    }
}

/// The heart-rate axis: the curve and the ceiling with room around them, in 10s.
fn hr_scale(r: &CheckRecord, series: &[SeriesPoint]) -> (Scale, f64, f64) {
    let ceiling = r.ceiling.bpm;
    let values: Vec<f64> = series
        .iter()
        .flat_map(|p| [p.hr_bpm, p.hr_excluded_bpm])
        .flatten()
        .map(f64::from)
        .filter(|v| v.is_finite())
        .collect();
    let lo_v = values.iter().copied().fold(ceiling - 25.0, f64::min);
    let hi_v = values.iter().copied().fold(ceiling + 15.0, f64::max);
    let lo = ((lo_v - 5.0) / 10.0).floor() * 10.0;
    let hi = ((hi_v + 5.0) / 10.0).ceil() * 10.0;
    (Scale::new(lo, hi, HR_TOP + HR_H, HR_TOP), lo, hi)
}

/// Zone bands behind the heart rate, each named with its range in the right margin.
fn zone_bands(svg: &mut String, r: &CheckRecord, y: &Scale, lo: f64, hi: f64) {
    let n = r.zones.lower_bpm.len();
    for (i, lower) in r.zones.lower_bpm.iter().enumerate() {
        let upper = r
            .zones
            .lower_bpm
            .get(i + 1)
            .copied()
            .unwrap_or(f64::INFINITY);
        if upper <= lo || *lower >= hi {
            continue;
        }
        let (y0, y1) = (y.at(upper.min(hi)), y.at(lower.max(lo)));
        let _ = write!(
            svg,
            "<rect class=\"band zc{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            zone_colour(i, n),
            num(LEFT),
            num(y0),
            num(PLOT_W),
            num(y1 - y0)
        );
        if y1 - y0 >= 12.0 {
            let name = r.zones.names.get(i).copied().unwrap_or("");
            let range = if *lower <= 0.0 {
                format!("&lt;{upper:.0}")
            } else if upper.is_finite() {
                format!("{lower:.0}–{upper:.0}")
            } else {
                format!("{lower:.0}+")
            };
            let _ = write!(
                svg,
                "<text class=\"band-label\" x=\"{}\" y=\"{}\">{} <tspan class=\"band-range\">{range}</tspan></text>",
                num(LEFT + PLOT_W + 6.0),
                num(y0 + (y1 - y0) / 2.0 + 4.0),
                escape::text(&name.to_uppercase())
            );
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn hr_panel(
    svg: &mut String,
    x: &Scale,
    y: &Scale,
    (lo, hi): (f64, f64),
    r: &CheckRecord,
    series: &[SeriesPoint],
    unreliable: &[(Span, Unreliable)],
    has_hr: bool,
    // x of a bucket's middle
    mid: &dyn Fn(&SeriesPoint) -> f64,
) {
    let ceiling = r.ceiling.bpm;
    // Unreliable heart rate: hatched, labelled where there is room.
    for (s, kind) in unreliable {
        let w = x.at(f64::from(s.end_s)) - x.at(f64::from(s.start_s));
        let label = match kind {
            Unreliable::CadenceLock if w >= 76.0 => "cadence lock",
            Unreliable::CadenceLock if w >= 26.0 => "lock",
            Unreliable::Artifact if w >= 50.0 => "artifact",
            _ => "",
        };
        svg.push_str(&span_rect(
            x,
            s,
            HR_TOP,
            HR_H,
            &format!("class=\"unreliable\" fill=\"url(#{})\"", chart::UNRELIABLE),
        ));
        if !label.is_empty() {
            let _ = write!(
                svg,
                "<text class=\"span-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
                num((x.at(f64::from(s.start_s)) + x.at(f64::from(s.end_s))) / 2.0),
                num(HR_TOP + 16.0)
            );
        }
    }
    for s in &r.surges {
        let span = Span {
            start_s: s.start_s,
            end_s: s.end_s,
        };
        svg.push_str(&span_rect(x, &span, HR_TOP, HR_H, "class=\"surge-faint\""));
    }

    // Above the ceiling: a strip over the panel, labelled in the margin.
    for s in &r.ceiling.spans {
        svg.push_str(&span_rect(
            x,
            s,
            HR_TOP - 10.0,
            7.0,
            &format!("class=\"above\" fill=\"url(#{})\"", chart::ABOVE),
        ));
    }
    if !r.ceiling.spans.is_empty() {
        let _ = write!(
            svg,
            "<text class=\"margin-label\" x=\"{}\" y=\"{}\">above ceiling</text>",
            num(LEFT + PLOT_W + 8.0),
            num(HR_TOP - 3.0)
        );
    }

    // Curves: recorded-but-excluded HR thin and dashed, the usable HR on top.
    let excluded = polyline(series.iter().map(|p| {
        p.hr_excluded_bpm
            .map(|v| (mid(p), y.at(f64::from(v))))
            .filter(|_| p.hr_bpm.is_none())
    }));
    if !excluded.is_empty() {
        let _ = write!(svg, "<path class=\"hr-excluded\" d=\"{excluded}\"/>");
    }
    let hr = polyline(
        series
            .iter()
            .map(|p| p.hr_bpm.map(|v| (mid(p), y.at(f64::from(v))))),
    );
    if !hr.is_empty() {
        let _ = write!(svg, "<path class=\"hr\" d=\"{hr}\"/>");
    }
    if !has_hr {
        let _ = write!(
            svg,
            "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no usable heart rate recorded</text>",
            num(LEFT + PLOT_W / 2.0),
            num(HR_TOP + HR_H * 0.8)
        );
    }

    // The ceiling, drawn last so nothing hides it, named on the line.
    let cy = y.at(ceiling);
    let _ = write!(
        svg,
        "<line class=\"ceiling\" x1=\"{}\" y1=\"{c}\" x2=\"{}\" y2=\"{c}\"/>\
         <text class=\"ceiling-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">ceiling {:.0} bpm</text>",
        num(LEFT),
        num(LEFT + PLOT_W),
        num(LEFT + PLOT_W - 6.0),
        num(cy - 5.0),
        ceiling,
        c = num(cy),
    );
    y_ticks(svg, y, &chart::ticks(lo, hi, 5), |v| format!("{v:.0}"));
    let _ = write!(
        svg,
        "<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
        num(LEFT),
        num(HR_TOP),
        num(PLOT_W),
        num(HR_H)
    );
}

#[allow(clippy::too_many_arguments)]
fn pace_panel(
    svg: &mut String,
    x: &Scale,
    r: &CheckRecord,
    paces: &[Option<f64>],
    series: &[SeriesPoint],
    (fast, slow): (f64, f64),
    (top, title): (f64, &str),
    // x of a bucket's middle
    mid: &dyn Fn(&SeriesPoint) -> f64,
) {
    panel_title(svg, top - 8.0, title);
    let pad = ((slow - fast) * 0.1).max(10.0);
    let (lo, hi) = (fast - pad, slow + pad);
    // Faster (fewer seconds per km) at the top.
    let y = Scale::new(lo, hi, top, top + PACE_H);
    for s in &r.surges {
        let span = Span {
            start_s: s.start_s,
            end_s: s.end_s,
        };
        svg.push_str(&span_rect(
            x,
            &span,
            top,
            PACE_H,
            &format!("class=\"surge\" fill=\"url(#{})\"", chart::SURGE),
        ));
        let _ = write!(
            svg,
            "<text class=\"span-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">surge</text>",
            num((x.at(f64::from(s.start_s)) + x.at(f64::from(s.end_s))) / 2.0),
            num(top + PACE_H - 5.0)
        );
    }
    let d = polyline(
        series
            .iter()
            .zip(paces)
            .map(|(p, pace)| pace.map(|v| (mid(p), y.at(v)))),
    );
    let _ = write!(svg, "<path class=\"pace\" d=\"{d}\"/>");
    let marks = pace_ticks(lo, hi);
    y_ticks(svg, &y, &marks, chart::mss);
    let _ = write!(
        svg,
        "<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
        num(LEFT),
        num(top),
        num(PLOT_W),
        num(PACE_H)
    );
}

fn elevation_panel(
    svg: &mut String,
    series: &[SeriesPoint],
    (low, high): (f64, f64),
    top: f64,
    units: Units,
    // x of a bucket's middle
    mid: &dyn Fn(&SeriesPoint) -> f64,
) {
    let title = format!("Elevation, {}", units.elevation_unit());
    panel_title(svg, top - 8.0, &title);
    let height = |p: &SeriesPoint| p.altitude_m.map(|a| units.elevation(f64::from(a)));
    let centre = (low + high) / 2.0;
    let half = ((high - low) / 2.0 * 1.15).max(10.0);
    let (lo, hi) = (centre - half, centre + half);
    let y = Scale::new(lo, hi, top + ELEV_H, top);
    let line = polyline(series.iter().map(|p| height(p).map(|v| (mid(p), y.at(v)))));
    // The area under the curve: the line closed along the panel's floor.
    let first_x = series.iter().find(|p| p.altitude_m.is_some()).map(mid);
    let last_x = series
        .iter()
        .rev()
        .find(|p| p.altitude_m.is_some())
        .map(mid);
    if let (Some(x0), Some(x1)) = (first_x, last_x)
        && line.matches('M').count() == 1
    {
        let floor = num(top + ELEV_H);
        let _ = write!(
            svg,
            "<path class=\"elev-area\" d=\"{line}L{} {floor}L{} {floor}Z\"/>",
            num(x1),
            num(x0)
        );
    }
    let _ = write!(svg, "<path class=\"elev\" d=\"{line}\"/>");
    let marks = chart::ticks(lo, hi, 3);
    y_ticks(svg, &y, &marks, |v| format!("{v:.0}"));
    let _ = write!(
        svg,
        "<rect class=\"frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
        num(LEFT),
        num(top),
        num(PLOT_W),
        num(ELEV_H)
    );
}

/// Pace marks on whole 10 s, 15 s, 30 s, 1, 2 or 5 minutes: at most four.
fn pace_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let step = [10.0, 15.0, 30.0, 60.0, 120.0, 300.0]
        .into_iter()
        .find(|s| (hi - lo) / s <= 3.5)
        .unwrap_or(600.0);
    let mut v = (lo / step).ceil() * step;
    let mut marks = Vec::new();
    while v <= hi && marks.len() < 6 {
        marks.push(v);
        v += step;
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_colours_spread_over_the_ramp() {
        let five: Vec<usize> = (0..5).map(|i| zone_colour(i, 5)).collect();
        assert_eq!(five, vec![0, 1, 2, 3, 4]);
        let three: Vec<usize> = (0..3).map(|i| zone_colour(i, 3)).collect();
        assert_eq!(three, vec![0, 2, 4]);
        assert_eq!(zone_colour(6, 7), 6);
    }

    #[test]
    fn robust_range_ignores_the_extremes() {
        let mut v: Vec<f64> = (0..100).map(f64::from).collect();
        v.push(10_000.0);
        let (lo, hi) = robust_range(v, 0.02, 0.02).unwrap_or_default();
        assert!(lo <= 3.0 && hi < 100.0, "{lo} {hi}");
    }
}
