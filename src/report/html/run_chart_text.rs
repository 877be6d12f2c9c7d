//! HTML report, one run's chart in words: the text alternative (`<desc>`) that says
//! what the chart shows to a screen reader, and to anyone reading without the picture.

use std::fmt::Write as _;

use crate::analyze::series::SeriesPoint;
use crate::judge::verdict::clock;
use crate::model::Span;
use crate::profile::Units;
use crate::report::schema::CheckRecord;

/// The chart in words, for screen readers and anyone who cannot see the colours.
pub(super) fn describe(
    r: &CheckRecord,
    series: &[SeriesPoint],
    pace: bool,
    elevation: bool,
    units: Units,
) -> String {
    let mut d = String::new();
    let hr: Vec<f64> = series
        .iter()
        .filter_map(|p| p.hr_bpm.map(f64::from))
        .collect();
    let lo = hr.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = hr.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if hr.is_empty() {
        d.push_str("No usable heart rate. ");
    } else {
        let _ = write!(
            d,
            "Heart rate between {lo:.0} and {hi:.0} bpm{}. ",
            r.hr.avg_bpm
                .map_or(String::new(), |a| format!(", average {a:.0}"))
        );
    }
    let _ = write!(
        d,
        "Conversational ceiling {:.0} bpm; above it for {}",
        r.ceiling.bpm,
        crate::report::check::duration(f64::from(r.ceiling.above_s))
    );
    if let Some(s) = r.ceiling.share {
        let _ = write!(d, " ({:.0} % of moving time)", s * 100.0);
    }
    d.push_str(". ");
    let spans = |v: &[Span]| {
        v.iter()
            .map(|s| format!("{}–{}", clock(s.start_s), clock(s.end_s)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !r.hr.cadence_lock_spans.is_empty() {
        let _ = write!(
            d,
            "Heart rate locked onto the step rate (not used): {}. ",
            spans(&r.hr.cadence_lock_spans)
        );
    }
    if r.hr.artifact_s > 0 {
        let _ = write!(
            d,
            "{} s of heart-rate artifacts left out. ",
            r.hr.artifact_s
        );
    }
    if !r.surges.is_empty() {
        let s: Vec<Span> = r
            .surges
            .iter()
            .map(|s| Span {
                start_s: s.start_s,
                end_s: s.end_s,
            })
            .collect();
        let _ = write!(
            d,
            "{}: {}. ",
            super::words::count(s.len(), "surge", "surges"),
            spans(&s)
        );
    }
    if pace {
        let _ = write!(
            d,
            "Grade-adjusted pace averages {}. ",
            super::words::pace(r.gap_s_per_km, units)
        );
    }
    if elevation {
        let _ = write!(
            d,
            "Elevation profile: {} of ascent.",
            r.ascent_m
                .map_or(format!("unknown {}", units.elevation_unit()), |a| units
                    .elevation_text(a))
        );
    }
    d.trim_end().to_string()
}
