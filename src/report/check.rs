//! `check` output: a human report (verdict line, reasons, key numbers, thresholds and
//! their sources) and JSON/JSONL records (see `schema`). Renderers write to any
//! `io::Write`; colour is the caller's choice.

use std::io::{self, Write};

use crate::error::{ErrorDetail, ErrorRecord};
use crate::judge::{Severity, Verdict};
use crate::profile::Units;
use crate::scan::Scan;

use super::escape::terminal;
use super::rate::Rate;
use super::schema::{BaselineRecord, CheckRecord, HistoryRecord};
use super::units::MessageFigures;

/// One line of `check` output: a judged activity or a file/activity that failed.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckItem {
    /// An activity judged as a recovery run.
    Judged(Box<CheckRecord>),
    /// A file that could not be read, or an activity that could not be judged.
    Failed {
        /// The file, member or activity.
        source: String,
        /// A stable snake_case code.
        kind: &'static str,
        /// The message, naming the source.
        message: String,
    },
}

impl CheckItem {
    /// Every activity and error of `scan` in input order, as `check` prints them; judged
    /// in a history (`recovery_window_h` its window), with their place in it.
    pub fn all(scan: &Scan, recovery_window_h: f64) -> Vec<CheckItem> {
        let history = scan.history.as_ref().map(|h| HistoryRecord {
            files: h.files,
            activities: h.activities,
            runs: h.runs,
            by_class: h.by_class.clone(),
            max_hr_estimate: scan.max_hr_estimate.clone(),
            unreadable: scan.history_errors.len(),
            recovery_window_h,
        });
        let judged = scan.entries.iter().map(|e| {
            let mut record = CheckRecord::of_entry(e);
            if history.is_some() {
                record.placement.clone_from(&e.placement);
                record.history.clone_from(&history);
                // The sport history took (recorded, labelled or inferred), as scan.
                if let Some(p) = &e.placement {
                    record.sport.clone_from(&p.sport);
                }
            }
            (e.input_index, CheckItem::Judged(Box::new(record)))
        });
        let failed = scan.errors.iter().map(|e| {
            let item = CheckItem::Failed {
                source: e.source.clone(),
                kind: e.kind,
                message: e.message.clone(),
            };
            (e.input_index, item)
        });
        let mut items: Vec<(usize, CheckItem)> = judged.chain(failed).collect();
        items.sort_by_key(|(i, _)| *i);
        items.into_iter().map(|(_, item)| item).collect()
    }

    /// The verdict, for a judged activity.
    pub fn verdict(&self) -> Option<Verdict> {
        match self {
            CheckItem::Judged(r) => r.verdict,
            CheckItem::Failed { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Output format of `check`.
pub enum CheckFormat {
    /// The human report of the judged activities; files that failed are left to the
    /// caller, which prints them on stderr. `color` paints verdicts and severities with
    /// ANSI colours (the words say the same).
    Text {
        /// Whether to paint verdicts with ANSI colours.
        color: bool,
        /// What distances, paces and elevations are shown in.
        units: Units,
    },
    /// One JSON array of records.
    Json,
    /// One JSON record per line.
    Jsonl,
}

/// Writes `items` in `format`.
pub fn write(out: &mut impl Write, items: &[CheckItem], format: CheckFormat) -> io::Result<()> {
    match format {
        CheckFormat::Jsonl => {
            for item in items {
                write_json(out, item)?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
        CheckFormat::Json => {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
                write_json(out, item)?;
            }
            out.write_all(b"\n]\n")
        }
        CheckFormat::Text { color, units } => {
            let judged = items.iter().filter_map(|item| match item {
                CheckItem::Judged(r) => Some(r),
                CheckItem::Failed { .. } => None,
            });
            for (i, r) in judged.enumerate() {
                if i > 0 {
                    out.write_all(b"\n")?;
                }
                write_text(out, r, color, units)?;
            }
            Ok(())
        }
    }
}

fn write_json(out: &mut impl Write, item: &CheckItem) -> io::Result<()> {
    match item {
        CheckItem::Judged(r) => serde_json::to_writer(&mut *out, r),
        CheckItem::Failed {
            source,
            kind,
            message,
        } => serde_json::to_writer(
            &mut *out,
            &ErrorRecord {
                source,
                error: ErrorDetail {
                    kind,
                    message: message.clone(),
                },
            },
        ),
    }
    .map_err(io::Error::from)
}

/// `m:ss` per km.
pub fn pace(s_per_km: f64) -> String {
    let s = s_per_km.round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// `h:mm:ss` or `m:ss`.
pub fn duration(s: f64) -> String {
    let s = s.round() as u64;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// `text` in the ANSI SGR `code` (`1;32`: bold green) when `color`, else as it is.
pub fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// `PASS`, `WARN`, `FAIL`, `UNKNOWN`, in green, yellow, red, grey when `color`.
pub fn verdict_word(v: Verdict, color: bool) -> String {
    let (word, code) = match v {
        Verdict::Pass => ("PASS", "1;32"),
        Verdict::Warn => ("WARN", "1;33"),
        Verdict::Fail => ("FAIL", "1;31"),
        Verdict::Unknown => ("UNKNOWN", "1;90"),
    };
    paint(word, code, color)
}

/// The ANSI colour of a reason of severity `s`: its verdict's, info dimmed.
pub fn severity_color(s: Severity) -> &'static str {
    match s {
        Severity::Info => "2",
        Severity::Warn => "33",
        Severity::Fail => "31",
        Severity::Unknown => "90",
    }
}

/// The severity, right-aligned in four columns, in its colour.
fn severity_word(s: Severity, color: bool) -> String {
    let word = match s {
        Severity::Info => "info",
        Severity::Warn => "warn",
        Severity::Fail => "fail",
        Severity::Unknown => "?",
    };
    paint(&format!("{word:>4}"), severity_color(s), color)
}

/// A 30-character bar: each zone's share drawn with its number, so it reads without
/// colour (`[111122222222222222222233333333]`).
pub fn zone_bar(seconds: &[u32]) -> String {
    const WIDTH: usize = 30;
    let total: u32 = seconds.iter().sum();
    if total == 0 {
        return "[no heart rate]".to_string();
    }
    let mut cells = String::new();
    let mut used = 0usize;
    let mut acc = 0u64;
    for (i, &s) in seconds.iter().enumerate() {
        acc += u64::from(s);
        let upto = ((acc * WIDTH as u64) as f64 / f64::from(total)).round() as usize;
        let digit = char::from_digit((i as u32 + 1) % 10, 10).unwrap_or('?');
        for _ in used..upto {
            cells.push(digit);
        }
        used = used.max(upto);
    }
    format!("[{cells}]")
}

fn write_text(out: &mut impl Write, r: &CheckRecord, color: bool, units: Units) -> io::Result<()> {
    let verdict = r
        .verdict
        .map_or("not judged".to_string(), |v| verdict_word(v, color));
    writeln!(out, "{} — {verdict}", terminal(&r.source))?;
    let sport = match (&r.sport, &r.sub_sport) {
        (Some(s), Some(sub)) => format!("{}/{}", s.as_str(), sub.as_str()),
        (Some(s), None) => s.as_str().to_string(),
        _ => "unknown sport".to_string(),
    };
    let sport = terminal(&sport);
    let pace_text = match (Rate::of(r.sport.as_ref(), r.pace_s_per_km), r.gap_s_per_km) {
        (Some(Rate::Pace { s_per_km }), Some(g)) => format!(
            " · {} (GAP {})",
            units.pace_text(s_per_km),
            units.pace_text(g)
        ),
        (Some(rate), _) => format!(" · {}", units.rate_text(rate)),
        (None, _) => String::new(),
    };
    writeln!(
        out,
        "  {sport} · {} · {} moving of {} · {}{pace_text}",
        r.local.stamp(),
        duration(f64::from(r.moving_s)),
        duration(r.elapsed_s),
        units.distance_text(r.distance_m, 2)
    )?;
    for reason in &r.reasons {
        writeln!(
            out,
            "  {} {}: {}",
            severity_word(reason.severity, color),
            reason.code.as_str(),
            terminal(&units.reason_message(reason, &MessageFigures::of(r)))
        )?;
    }
    if !r.clauses.is_empty() {
        let parts: Vec<String> = r
            .clauses
            .iter()
            .map(|c| match (&c.status, &c.why) {
                (crate::judge::ClauseStatus::NotCheckable, Some(why)) => {
                    format!("{} not checkable ({why})", c.clause.as_str())
                }
                (status, _) => format!("{} {}", c.clause.as_str(), status.as_str()),
            })
            .collect();
        writeln!(out, "  clauses: {}", parts.join(" · "))?;
    }
    if r.verdict == Some(Verdict::Pass) && r.reasons.iter().all(|x| x.severity == Severity::Info) {
        writeln!(
            out,
            "  easy, short enough, steady, flat: a proper recovery run"
        )?;
    }
    let hr = match (r.hr.avg_bpm, r.hr.max_bpm) {
        (Some(a), Some(m)) => format!("HR avg {a:.0} · max {m:.0} bpm"),
        _ => "no usable heart rate".to_string(),
    };
    let above = r.ceiling.share.map_or(String::new(), |s| {
        format!(", {:.0} % of moving time above", s * 100.0)
    });
    writeln!(out, "  {hr} · ceiling {:.0} bpm{above}", r.ceiling.bpm)?;
    let zone_parts: Vec<String> = r
        .zones
        .names
        .iter()
        .zip(&r.zones.seconds)
        .map(|(n, s)| {
            let total: u32 = r.zones.seconds.iter().sum();
            let pct = if total > 0 {
                f64::from(*s) * 100.0 / f64::from(total)
            } else {
                0.0
            };
            format!("{n} {pct:.0}%")
        })
        .collect();
    writeln!(
        out,
        "  zones ({}) {} {}",
        r.zones.model,
        zone_bar(&r.zones.seconds),
        zone_parts.join(" ")
    )?;
    let decoupling = r.decoupling_pct.map_or("decoupling n/a".to_string(), |d| {
        format!("decoupling {d:.1} %")
    });
    let terrain = match (r.ascent_m, r.ascent_per_km_m, r.terrain) {
        (Some(a), Some(k), Some(t)) => format!(
            "ascent {} ({:.0} {}, {})",
            units.elevation_text(a),
            units.climb_rate(k),
            units.climb_rate_unit(),
            t.as_str()
        ),
        (_, _, Some(t)) => t.as_str().to_string(),
        _ => "terrain unknown".to_string(),
    };
    writeln!(out, "  {decoupling} · {terrain} · surface {}", r.surface)?;
    if let (Some(sh), Some(m)) = (&r.surface_shares, &r.surface_map) {
        writeln!(
            out,
            "  surface from the map: {:.0} % paved, {:.0} % unpaved, {:.0} % unknown · longest paved {} · confidence {:.2}",
            sh.paved * 100.0,
            sh.unpaved * 100.0,
            sh.unknown * 100.0,
            units.distance_text(m.longest_paved_m, 1),
            m.confidence
        )?;
    }
    let t = &r.thresholds;
    let mut used = Vec::new();
    if let Some(z) = &t.zone_model {
        used.push(format!("model {} ({})", z.value, z.source.describe()));
    }
    for (label, v) in [
        ("max", &t.max_hr_bpm),
        ("rest", &t.rest_hr_bpm),
        ("LTHR", &t.lthr_bpm),
    ] {
        if let Some(v) = v {
            used.push(format!("{label} {:.0} ({})", v.value, v.source.describe()));
        }
    }
    if let Some(a) = &t.age_years {
        used.push(format!("age {:.0} ({})", a.value, a.source.describe()));
    }
    used.push(format!(
        "phase {} ({})",
        t.phase.value,
        t.phase.source.describe()
    ));
    // Sources name the profile file: a path, escaped like every other.
    writeln!(out, "  thresholds: {}", terminal(&used.join(", ")))?;
    writeln!(out, "  local time: {}", terminal(&r.local.describe()))?;
    write_history(out, r)
}

/// The lines of a run checked in a history: its place, its baseline, the history.
fn write_history(out: &mut impl Write, r: &CheckRecord) -> io::Result<()> {
    let (Some(p), Some(h)) = (&r.placement, &r.history) else {
        return Ok(());
    };
    let intent = p
        .intent
        .map_or(String::new(), |i| format!(" (by {})", intent_word(i)));
    match &p.recovers_from {
        Some(from) => writeln!(
            out,
            "  placement: class {}{intent} · recovers from {} ({}), which ended {:.1} h before",
            p.class.as_str(),
            terminal(&from.source),
            from.class.as_str(),
            from.hours_since_end
        )?,
        None => writeln!(
            out,
            "  placement: class {}{intent} · nothing long or hard in the {:.0} h before",
            p.class.as_str(),
            h.recovery_window_h
        )?,
    }
    if let Some(b) = &r.baseline {
        writeln!(out, "  baseline: {}", baseline_text(b))?;
    }
    let classes: Vec<String> = h
        .by_class
        .iter()
        .map(|(c, n)| format!("{} {n}", c.as_str()))
        .collect();
    let estimate = h.max_hr_estimate.as_ref().map_or(String::new(), |e| {
        format!(
            "; max HR {:.0} estimated from {} ({} runs considered)",
            e.bpm,
            terminal(&e.from_source),
            e.activities_considered
        )
    });
    let unreadable = match h.unreadable {
        0 => String::new(),
        n => format!("; {n} files unreadable, skipped"),
    };
    writeln!(
        out,
        "  history: {} activities, {} runs ({}){estimate}{unreadable}",
        h.activities,
        h.runs,
        classes.join(", ")
    )
}

fn intent_word(i: crate::history::Intent) -> &'static str {
    match i {
        crate::history::Intent::Placement => "placement",
        crate::history::Intent::Name => "name",
    }
}

/// The baseline line: the comparison, or why there is none.
fn baseline_text(b: &BaselineRecord) -> String {
    let at = |hr: Option<f64>, p: Option<f64>| match (hr, p) {
        (Some(hr), Some(p)) => format!("HR {hr:.0} bpm at {} /km (GAP)", pace(p)),
        _ => String::new(),
    };
    match b.status {
        "compared" => format!(
            "{}, usual {:.0} ± {:.0} bpm ({} steady easy runs, last 6 weeks): {:+.0} bpm{}",
            at(b.run_hr_bpm, b.gap_pace_s_per_km),
            b.usual_hr_bpm.unwrap_or(0.0),
            b.spread_bpm.unwrap_or(0.0),
            b.runs.unwrap_or(0),
            b.excess_bpm.unwrap_or(0.0),
            if b.elevated == Some(true) {
                format!(", elevated (≥ {:.0})", b.threshold_bpm.unwrap_or(0.0))
            } else {
                format!(
                    ", within your usual (elevated from {:+.0})",
                    b.threshold_bpm.unwrap_or(0.0)
                )
            }
        ),
        "too_few_runs" => format!(
            "{}; not enough recent steady easy runs to know your usual ({} of {} in the last 6 weeks)",
            at(b.run_hr_bpm, b.gap_pace_s_per_km),
            b.runs.unwrap_or(0),
            b.needed_runs.unwrap_or(0)
        ),
        "pace_outside" => format!(
            "{}; outside the paces of your recent easy runs ({}–{} /km): not compared",
            at(b.run_hr_bpm, b.gap_pace_s_per_km),
            pace(b.fastest_pace_s_per_km.unwrap_or(0.0)),
            pace(b.slowest_pace_s_per_km.unwrap_or(0.0))
        ),
        _ => "no steady stretch after the warm-up to compare with your usual (too short, \
              too hilly or too unsteady)"
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_bar_reads_without_colour() {
        assert_eq!(zone_bar(&[0, 30, 0]), format!("[{}]", "2".repeat(30)));
        assert_eq!(
            zone_bar(&[10, 10, 10]),
            format!("[{}{}{}]", "1".repeat(10), "2".repeat(10), "3".repeat(10))
        );
        assert_eq!(zone_bar(&[0, 0]), "[no heart rate]");
    }

    #[test]
    fn pace_and_duration() {
        assert_eq!(pace(375.4), "6:15");
        assert_eq!(duration(2112.0), "35:12");
        assert_eq!(duration(3725.0), "1:02:05");
    }
}
