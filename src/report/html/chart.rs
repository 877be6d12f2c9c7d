//! HTML report, SVG building blocks: linear scales, compact numbers, broken polylines,
//! axis ticks and the shared fill patterns, so the chart modules only say what to draw.
//!
//! Charts draw from the downsampled curves (≤ 600 points, `analyze::series`) and write
//! coordinates with one decimal: a run's chart stays a few tens of kilobytes.

use std::fmt::Write as _;

/// A linear map from data values to SVG user units.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Scale {
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Scale {
        Scale { d0, d1, r0, r1 }
    }

    /// The position of `v`, clamped to the range (values outside are drawn at the edge).
    pub fn at(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        let t = if span.abs() < f64::EPSILON {
            0.5
        } else {
            ((v - self.d0) / span).clamp(0.0, 1.0)
        };
        self.r0 + t * (self.r1 - self.r0)
    }
}

/// A number for an SVG attribute: one decimal, no trailing `.0`, no `-0`.
pub fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 {
        return "0".to_string();
    }
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// An SVG path through `points`, lifting the pen at each `None` (a gap in the data).
pub fn polyline(points: impl IntoIterator<Item = Option<(f64, f64)>>) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for p in points {
        match p {
            Some((x, y)) if x.is_finite() && y.is_finite() => {
                let cmd = if pen_down { 'L' } else { 'M' };
                let _ = write!(d, "{cmd}{} {}", num(x), num(y));
                pen_down = true;
            }
            _ => pen_down = false,
        }
    }
    d
}

/// Evenly spaced "nice" tick values (1, 2, 2.5, 5 × 10ⁿ) covering `lo..=hi`, about
/// `target` of them.
pub fn ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let span = hi - lo;
    if !span.is_finite() || span <= 0.0 || target == 0 {
        return Vec::new();
    }
    let raw = span / target as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut out = Vec::new();
    let mut v = (lo / step).ceil() * step;
    while v <= hi + step * 1e-9 && out.len() < 50 {
        out.push(v);
        v += step;
    }
    out
}

/// Ticks for a time axis of `span_s` seconds: whole minutes a runner reads at a glance.
pub fn time_ticks(span_s: f64) -> Vec<f64> {
    const STEPS_S: [f64; 9] = [
        60.0, 120.0, 300.0, 600.0, 900.0, 1200.0, 1800.0, 3600.0, 7200.0,
    ];
    let step = STEPS_S
        .iter()
        .copied()
        .find(|s| span_s / s <= 9.0)
        .unwrap_or(7200.0);
    let mut out = Vec::new();
    let mut t = 0.0;
    while t <= span_s + 1e-9 && out.len() < 50 {
        out.push(t);
        t += step;
    }
    out
}

/// `h:mm` for an axis label.
pub fn hmm(s: f64) -> String {
    let m = (s / 60.0).round().max(0.0) as u64;
    format!("{}:{:02}", m / 60, m % 60)
}

/// `m:ss` (pace per km) for an axis label.
pub fn mss(s: f64) -> String {
    let s = s.round().max(0.0) as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Pattern ids shared by every chart of the page (defined once, in [`pattern_defs`]).
pub const UNRELIABLE: &str = "pat-unreliable";
pub const SURGE: &str = "pat-surge";
pub const ABOVE: &str = "pat-above";
pub const NO_HR: &str = "pat-nohr";

/// One hidden SVG holding the fill patterns. Patterns carry meaning without colour:
/// hatching for unreliable heart rate, dots for surges, cross-hatching for time above
/// the ceiling. (Zero-sized rather than `display: none`: browsers do not paint patterns
/// from an undisplayed SVG.)
pub fn pattern_defs() -> String {
    format!(
        concat!(
            "<svg class=\"defs\" xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"0\" ",
            "aria-hidden=\"true\" focusable=\"false\"><defs>",
            "<pattern id=\"{u}\" width=\"7\" height=\"7\" patternUnits=\"userSpaceOnUse\" ",
            "patternTransform=\"rotate(45)\"><rect width=\"7\" height=\"7\" fill=\"#f1f1f1\"/>",
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\" stroke=\"#7a7a7a\" stroke-width=\"2.2\"/></pattern>",
            "<pattern id=\"{s}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">",
            "<rect width=\"6\" height=\"6\" fill=\"#efe4f7\"/>",
            "<circle cx=\"3\" cy=\"3\" r=\"1.3\" fill=\"#6a3d9a\"/></pattern>",
            "<pattern id=\"{a}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" ",
            "patternTransform=\"rotate(-45)\"><rect width=\"6\" height=\"6\" fill=\"#e7a49c\"/>",
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#9c1c13\" stroke-width=\"2.4\"/></pattern>",
            "<pattern id=\"{n}\" width=\"5\" height=\"5\" patternUnits=\"userSpaceOnUse\">",
            "<rect width=\"5\" height=\"5\" fill=\"#f4f4f4\"/>",
            "<circle cx=\"2.5\" cy=\"2.5\" r=\"0.9\" fill=\"#8a8a8a\"/></pattern>",
            "</defs></svg>\n"
        ),
        u = UNRELIABLE,
        s = SURGE,
        a = ABOVE,
        n = NO_HR,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn scale_maps_and_clamps() {
        let s = Scale::new(100.0, 200.0, 300.0, 100.0);
        assert!((s.at(150.0) - 200.0).abs() < 1e-9);
        assert!((s.at(500.0) - 100.0).abs() < 1e-9);
        assert!((Scale::new(1.0, 1.0, 0.0, 10.0).at(1.0) - 5.0).abs() < 1e-9);
    }

    #[test]
    fn polyline_breaks_at_gaps() {
        let d = polyline([Some((0.0, 1.0)), Some((2.0, 3.0)), None, Some((4.0, 5.5))]);
        assert_eq!(d, "M0 1L2 3M4 5.5");
    }

    #[test]
    fn ticks_are_nice() {
        assert_eq!(ticks(100.0, 160.0, 4), vec![100.0, 120.0, 140.0, 160.0]);
        assert_eq!(ticks(0.0, 1.0, 4), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert!(ticks(1.0, 1.0, 4).is_empty());
        assert_eq!(time_ticks(2100.0).len(), 8, "every 5 min over 35 min");
        assert_eq!(hmm(4500.0), "1:15");
        assert_eq!(mss(379.4), "6:19");
    }
}
