//! HTML report, one run's surface strip: a thin band along the chart's time axis,
//! coloured and patterned paved / unpaved / unknown from the map-matched stretches
//! (`analyze::series::surface_strip`: at most one stretch per curve bucket), each
//! stretch titled in words, and the strip told in the chart's description. Without a
//! map there is no strip: nothing is drawn, nothing is guessed.

use std::fmt::Write as _;

use crate::judge::verdict::clock;
use crate::report::schema::CheckRecord;
use crate::surface::{SurfaceClass, SurfaceStretch};

use super::chart::{self, Scale, num};

/// Height of the strip, SVG units.
pub const STRIP_H: f64 = 16.0;
/// Room above the strip for its title.
pub const STRIP_GAP: f64 = 30.0;
/// Narrower stretches are not labelled inside the strip.
const LABEL_MIN_W: f64 = 64.0;
/// Above this many stretches the description gives the shares only.
const DESCRIBE_MAX_STRETCHES: usize = 12;

/// The word for `class`, as in the JSON's `surface_shares` keys.
pub fn word(class: SurfaceClass) -> &'static str {
    match class {
        SurfaceClass::Paved => "paved",
        SurfaceClass::Unpaved => "unpaved",
        SurfaceClass::Unknown => "unknown",
    }
}

/// Draws the strip at `top` (its title above it) on the chart's time scale `x`, from
/// `left` to `right`.
pub fn strip(svg: &mut String, x: &Scale, stretches: &[SurfaceStretch], top: f64, left: f64) {
    let _ = write!(
        svg,
        "<text class=\"panel-title\" x=\"{}\" y=\"{}\">Surface from the map</text>",
        num(left),
        num(top - 8.0)
    );
    let _ = write!(svg, "<g class=\"surface-strip\">");
    for s in stretches {
        let (x0, x1) = (x.at(f64::from(s.start_s)), x.at(f64::from(s.end_s)));
        let what = word(s.class);
        let fill = match s.class {
            SurfaceClass::Unpaved => format!(" fill=\"url(#{})\"", chart::SURF_UNPAVED),
            _ => String::new(),
        };
        let _ = write!(
            svg,
            "<rect class=\"surf surf-{what}\" data-start-s=\"{}\" data-end-s=\"{}\" x=\"{}\" y=\"{}\" \
             width=\"{}\" height=\"{}\"{fill}><title>{what} {}–{}</title></rect>",
            s.start_s,
            s.end_s,
            num(x0),
            num(top),
            num((x1 - x0).max(1.0)),
            num(STRIP_H),
            clock(s.start_s),
            clock(s.end_s),
        );
        if x1 - x0 >= LABEL_MIN_W {
            let _ = write!(
                svg,
                "<text class=\"surf-label surf-label-{what}\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{what}</text>",
                num((x0 + x1) / 2.0),
                num(top + STRIP_H - 4.5)
            );
        }
    }
    svg.push_str("</g>");
}

/// The strip in words, for the chart's description: the shares of moving distance and,
/// when there are few, the stretches with their times.
pub fn describe(r: &CheckRecord, stretches: &[SurfaceStretch]) -> String {
    let mut d = String::from("Surface from the map");
    if let Some(sh) = &r.surface_shares {
        let _ = write!(
            d,
            ": {:.0} % paved, {:.0} % unpaved, {:.0} % unknown of the moving distance",
            sh.paved * 100.0,
            sh.unpaved * 100.0,
            sh.unknown * 100.0
        );
    }
    if !stretches.is_empty() && stretches.len() <= DESCRIBE_MAX_STRETCHES {
        let list: Vec<String> = stretches
            .iter()
            .map(|s| format!("{} {}–{}", word(s.class), clock(s.start_s), clock(s.end_s)))
            .collect();
        let _ = write!(d, "; along the run: {}", list.join(", "));
    }
    d.push('.');
    d
}

/// Legend entries for the classes the strip shows, in a fixed order.
pub fn legend_items(stretches: &[SurfaceStretch]) -> Vec<String> {
    [
        SurfaceClass::Paved,
        SurfaceClass::Unpaved,
        SurfaceClass::Unknown,
    ]
    .into_iter()
    .filter(|c| stretches.iter().any(|s| s.class == *c))
    .map(|c| {
        let what = word(c);
        let label = match c {
            SurfaceClass::Paved => "paved (from the map)",
            SurfaceClass::Unpaved => "unpaved (from the map)",
            SurfaceClass::Unknown => "surface unknown (untagged way, or off the map)",
        };
        format!("<li><span class=\"key key-surf-{what}\"></span>{label}</li>")
    })
    .collect()
}
