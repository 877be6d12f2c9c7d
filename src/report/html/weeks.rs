//! HTML report, the week-by-week chart: running time per ISO week split into time below
//! the conversational ceiling, time above it and time without usable heart rate (the
//! 80/20 picture, with the weekly volume as the bar's height), and below it each week's
//! share of heart-rate time below the ceiling against the 80 % line. A table with the
//! same numbers follows for anyone who does not read charts.

use std::fmt::Write as _;

use crate::history::WeekSummary;
use crate::model::Timestamp;
use crate::profile::Units;

use super::chart::{self, Scale, num, polyline};
use crate::report::check::duration;

/// At most this many weeks are drawn (the most recent); the table lists them all.
pub const MAX_CHART_WEEKS: usize = 156;
/// The share of easy time the 80/20 rule asks for.
const EASY_SHARE: f64 = 0.8;

const W: f64 = 960.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 24.0;
const PLOT_W: f64 = W - LEFT - RIGHT;
const TOP: f64 = 30.0;
const BARS_H: f64 = 190.0;
const SHARE_TOP: f64 = TOP + BARS_H + 58.0;
const SHARE_H: f64 = 80.0;

const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of the Monday starting ISO week `week` of `year`.
fn monday(year: i32, week: u32) -> Option<i64> {
    // 4 January is always in week 1.
    let jan4 = Timestamp::parse_rfc3339(&format!("{year:04}-01-04T00:00:00Z"))?;
    let day = jan4.unix_ms().div_euclid(MS_PER_DAY);
    let week1 = day - (day + 3).rem_euclid(7);
    Some(week1 + 7 * (i64::from(week) - 1))
}

fn label(w: &WeekSummary) -> String {
    format!("{}-W{:02}", w.iso_year, w.iso_week)
}

/// The weeks to draw, one slot per calendar week from the first to the last (empty
/// weeks stay visible as gaps), at most [`MAX_CHART_WEEKS`] of them.
fn slots(weeks: &[WeekSummary]) -> Vec<(i64, Option<&WeekSummary>)> {
    let dated: Vec<(i64, &WeekSummary)> = weeks
        .iter()
        .filter_map(|w| monday(w.iso_year, w.iso_week).map(|d| (d, w)))
        .collect();
    let (Some(first), Some(last)) = (dated.first(), dated.last()) else {
        return Vec::new();
    };
    let n = ((last.0 - first.0) / 7 + 1).max(1);
    let n = usize::try_from(n).unwrap_or(1);
    let start = last.0 - 7 * (n.min(MAX_CHART_WEEKS) as i64 - 1);
    let mut out: Vec<(i64, Option<&WeekSummary>)> = (0..n.min(MAX_CHART_WEEKS))
        .map(|k| (start + 7 * k as i64, None))
        .collect();
    for (d, w) in dated {
        if d < start {
            continue;
        }
        let k = usize::try_from((d - start) / 7).unwrap_or(usize::MAX);
        if let Some(slot) = out.get_mut(k) {
            slot.1 = Some(w);
        }
    }
    out
}

fn hours_label(h: f64) -> String {
    if h.fract().abs() < 1e-9 {
        format!("{h:.0} h")
    } else {
        format!("{h:.1} h")
    }
}

/// The week chart (distances in `units`), or `None` without weeks.
pub fn chart(weeks: &[WeekSummary], units: Units) -> Option<String> {
    let slots = slots(weeks);
    let n = slots.len();
    if n == 0 {
        return None;
    }
    let slot_w = PLOT_W / n as f64;
    // A few weeks must not turn into slabs.
    let bar_w = (slot_w * 0.78).clamp(1.0, 48.0);
    let max_h = slots
        .iter()
        .filter_map(|(_, w)| w.map(|w| w.moving_s as f64 / 3600.0))
        .fold(0.0, f64::max);
    let hour_ticks = chart::ticks(0.0, max_h.max(0.5), 4);
    let top_h = hour_ticks.last().copied().unwrap_or(1.0).max(max_h);
    let y = Scale::new(0.0, top_h, TOP + BARS_H, TOP);
    let ys = Scale::new(0.0, 1.0, SHARE_TOP + SHARE_H, SHARE_TOP);
    let bottom = SHARE_TOP + SHARE_H;
    let height = bottom + 44.0;
    let x_of = |k: usize| LEFT + slot_w * k as f64 + (slot_w - bar_w) / 2.0;

    let mut svg = String::with_capacity(16_000 + n * 600);
    let _ = write!(
        svg,
        "<svg class=\"chart week-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" \
         role=\"img\" aria-labelledby=\"weeks-t weeks-d\"><title id=\"weeks-t\">Running time per week, \
         below and above the ceiling</title><desc id=\"weeks-d\">{}</desc>",
        num(W),
        num(height),
        describe(weeks, n)
    );
    let _ = write!(
        svg,
        "<text class=\"panel-title\" x=\"{}\" y=\"16\">Running time per week, hours</text>",
        num(LEFT)
    );
    for t in &hour_ticks {
        let gy = num(y.at(*t));
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{}\" y1=\"{gy}\" x2=\"{}\" y2=\"{gy}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            num(LEFT),
            num(LEFT + PLOT_W),
            num(LEFT - 6.0),
            num(y.at(*t) + 4.0),
            hours_label(*t)
        );
    }
    let labelled = n <= 30;
    for (k, (_, w)) in slots.iter().enumerate() {
        let Some(w) = w else { continue };
        let x = num(x_of(k));
        let bw = num(bar_w);
        let below = w.below_ceiling_s as f64 / 3600.0;
        let above = w.above_ceiling_s as f64 / 3600.0;
        let total = w.moving_s as f64 / 3600.0;
        let rest = (total - below - above).max(0.0);
        let _ = write!(
            svg,
            "<g><title>{}: {} runs, {}, {}; below the ceiling {}, above {}, no usable HR {}</title>",
            label(w),
            w.runs,
            duration(w.moving_s as f64),
            units.distance_text(w.distance_m, 1),
            duration(w.below_ceiling_s as f64),
            duration(w.above_ceiling_s as f64),
            duration(rest * 3600.0)
        );
        let mut base = 0.0;
        for (h, attrs) in [
            (below, "class=\"wk-below\"".to_string()),
            (
                above,
                format!("fill=\"url(#{})\" class=\"wk-above\"", chart::ABOVE),
            ),
            (
                rest,
                format!("fill=\"url(#{})\" class=\"wk-nohr\"", chart::NO_HR),
            ),
        ] {
            if h <= 0.0 {
                continue;
            }
            let (y1, y0) = (y.at(base), y.at(base + h));
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{}\" width=\"{bw}\" height=\"{}\" {attrs}/>",
                num(y0),
                num((y1 - y0).max(0.5))
            );
            base += h;
        }
        if labelled {
            let _ = write!(
                svg,
                "<text class=\"bar-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                num(x_of(k) + bar_w / 2.0),
                num(y.at(total) - 4.0),
                units.distance_text(w.distance_m, 0)
            );
        }
        svg.push_str("</g>");
    }
    let _ = write!(
        svg,
        "<line class=\"axis\" x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\"/>",
        num(LEFT),
        num(LEFT + PLOT_W),
        b = num(TOP + BARS_H)
    );

    // The 80/20 panel: each week's share below the ceiling against the 80 % line.
    let _ = write!(
        svg,
        "<text class=\"panel-title\" x=\"{}\" y=\"{}\">Share of heart-rate time below the ceiling (80/20 rule: at least 80 %)</text>",
        num(LEFT),
        num(SHARE_TOP - 16.0)
    );
    for (v, class) in [
        (0.0, "grid"),
        (0.5, "grid"),
        (1.0, "grid"),
        (EASY_SHARE, "target"),
    ] {
        let gy = num(ys.at(v));
        let _ = write!(
            svg,
            "<line class=\"{class}\" x1=\"{}\" y1=\"{gy}\" x2=\"{}\" y2=\"{gy}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{:.0} %</text>",
            num(LEFT),
            num(LEFT + PLOT_W),
            num(LEFT - 6.0),
            num(ys.at(v) + 4.0),
            v * 100.0
        );
    }
    let point =
        |k: usize, w: &WeekSummary| w.below_share.map(|s| (x_of(k) + bar_w / 2.0, ys.at(s)));
    let line = polyline(
        slots
            .iter()
            .enumerate()
            .map(|(k, (_, w))| w.and_then(|w| point(k, w))),
    );
    if !line.is_empty() {
        let _ = write!(svg, "<path class=\"share\" d=\"{line}\"/>");
    }
    let r = (bar_w / 2.0).clamp(1.5, 4.0);
    for (k, (_, w)) in slots.iter().enumerate() {
        if let Some((cx, cy)) = w.and_then(|w| point(k, w)) {
            let easy = w
                .and_then(|w| w.below_share)
                .is_some_and(|s| s >= EASY_SHARE);
            let _ = write!(
                svg,
                "<circle class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
                if easy { "share-ok" } else { "share-low" },
                num(cx),
                num(cy),
                num(r)
            );
        }
    }

    // Week labels: about a dozen, the year under the first and at each change.
    let every = n.div_ceil(12).max(1);
    let mut last_year = None;
    for (k, (day, _)) in slots.iter().enumerate().filter(|(k, _)| k % every == 0) {
        let (year, week) = crate::history::iso_week(Timestamp(day.saturating_mul(MS_PER_DAY)));
        let cx = num(x_of(k) + bar_w / 2.0);
        let _ = write!(
            svg,
            "<text class=\"tick\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">W{week:02}</text>",
            num(bottom + 15.0)
        );
        if last_year != Some(year) {
            let _ = write!(
                svg,
                "<text class=\"tick\" x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{year}</text>",
                num(bottom + 29.0)
            );
            last_year = Some(year);
        }
    }
    svg.push_str("</svg>");
    Some(svg)
}

fn describe(weeks: &[WeekSummary], drawn: usize) -> String {
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return String::new();
    };
    let with_share: Vec<f64> = weeks.iter().filter_map(|w| w.below_share).collect();
    let easy = with_share.iter().filter(|s| **s >= EASY_SHARE).count();
    let max_h = weeks.iter().map(|w| w.moving_s).max().unwrap_or(0);
    format!(
        "{} with running from {} to {} ({} calendar weeks drawn). Up to {} of running a week. \
         {} of the {} weeks with heart rate kept at least 80 % of it below the ceiling. The table \
         below the chart lists every week.",
        super::words::count(weeks.len(), "week", "weeks"),
        label(first),
        label(last),
        drawn,
        duration(max_h as f64),
        easy,
        with_share.len()
    )
}

/// The numbers of the chart as a table (distances in `units`), newest week first.
pub fn table(weeks: &[WeekSummary], units: Units) -> String {
    let mut h = format!(
        "<details class=\"week-table\"><summary>Week by week as a table</summary>\
         <div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">week</th>\
         <th scope=\"col\" class=\"num\">runs</th><th scope=\"col\" class=\"num\">time</th>\
         <th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">below ceiling</th>\
         <th scope=\"col\" class=\"num\">above</th><th scope=\"col\" class=\"num\">share below</th>\
         </tr></thead><tbody>",
        units.distance_unit()
    );
    for w in weeks.iter().rev() {
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{:.1}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            label(w),
            w.runs,
            duration(w.moving_s as f64),
            units.distance(w.distance_m),
            duration(w.below_ceiling_s as f64),
            duration(w.above_ceiling_s as f64),
            super::words::pct(w.below_share)
        );
    }
    h.push_str("</tbody></table></div></details>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(iso_year: i32, iso_week: u32) -> WeekSummary {
        WeekSummary {
            iso_year,
            iso_week,
            runs: 1,
            moving_s: 3600,
            distance_m: 10_000.0,
            below_ceiling_s: 3000,
            above_ceiling_s: 600,
            below_share: Some(3000.0 / 3600.0),
            by_class: Default::default(),
        }
    }

    #[test]
    fn mondays_of_iso_weeks() {
        let day = |s: &str| {
            Timestamp::parse_rfc3339(s)
                .map(|t| t.unix_ms().div_euclid(MS_PER_DAY))
                .unwrap_or(0)
        };
        assert_eq!(monday(2025, 1), Some(day("2024-12-30T00:00:00Z")));
        assert_eq!(monday(2020, 53), Some(day("2020-12-28T00:00:00Z")));
        assert_eq!(monday(2021, 1), Some(day("2021-01-04T00:00:00Z")));
    }

    #[test]
    fn empty_weeks_stay_as_gaps_and_long_histories_are_cut() {
        let two = [week(2020, 52), week(2021, 2)];
        let s = slots(&two);
        assert_eq!(s.len(), 4, "2020-W52, W53, 2021-W01, W02");
        assert!(s.first().is_some_and(|x| x.1.is_some()));
        assert!(s.get(1).is_some_and(|x| x.1.is_none()));
        let decade = [week(2015, 1), week(2025, 1)];
        let long = slots(&decade);
        assert_eq!(long.len(), MAX_CHART_WEEKS);
        assert!(long.last().is_some_and(|x| x.1.is_some()));
        assert!(long.first().is_some_and(|x| x.1.is_none()));
    }
}
