//! `scan` output: a text table of runs plus the history summary, JSON (one document),
//! JSONL (one object per activity, then errors and a summary object) and CSV (one row
//! per activity, for spreadsheets). Renderers write to any `io::Write`.

use std::io::{self, Write};

use serde::Serialize;

use crate::history::{ClassReason, HistorySummary, MaxHrEstimate, WeekSummary};
use crate::judge::Verdict;
use crate::profile::Units;
use crate::scan::{Duplicate, Scan, ScanError, ScanWarning, Skipped};

use super::check::{duration, paint, severity_color, verdict_word};
use super::escape::terminal;
use super::rate::Rate;
use super::schema::EntryRecord;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Output format of `scan`.
pub enum ScanFormat {
    /// A table of runs, the history summary and the weeks; unreadable files are
    /// counted, and left to the caller to list on stderr.
    Text {
        /// Paint verdicts, reasons and the weeks' shares with ANSI colours (the words
        /// say the same).
        color: bool,
    },
    /// One JSON document.
    Json,
    /// One JSON object per activity, then the errors, then a summary object.
    Jsonl,
    /// One CSV row per activity and per error, for spreadsheets.
    Csv,
}

/// The closing object of JSONL output and the `summary` of JSON output.
#[derive(Debug, Serialize)]
pub struct SummaryRecord<'a> {
    /// [`super::schema::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Files read.
    pub files: usize,
    /// Activities in the history (duplicates excluded).
    pub activities: usize,
    /// Files and members that held no activity.
    pub skipped: usize,
    /// Files that could not be read, activities that could not be judged.
    pub errors: usize,
    /// Activities read but doubted: a start that cannot be true.
    pub warnings: usize,
    /// Recordings left out as the same run as another.
    pub duplicates: &'a [Duplicate],
    /// The max HR estimated from the history, when one was needed.
    pub max_hr_estimate: Option<&'a MaxHrEstimate>,
    #[serde(flatten)]
    /// Classes and recovery-run counts.
    pub history: &'a HistorySummary,
    /// Week-by-week totals.
    pub weeks: &'a [WeekSummary],
}

fn summary_record(scan: &Scan) -> SummaryRecord<'_> {
    SummaryRecord {
        schema_version: super::schema::SCHEMA_VERSION,
        files: scan.files,
        activities: scan.entries.len(),
        skipped: scan.skipped.len(),
        errors: scan.errors.len(),
        warnings: scan.warnings.len(),
        duplicates: &scan.duplicates,
        max_hr_estimate: scan.max_hr_estimate.as_ref(),
        history: &scan.summary,
        weeks: &scan.weeks,
    }
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    source: &'a str,
    error: ErrorBody<'a>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    kind: &'a str,
    message: &'a str,
}

fn error_line(e: &ScanError) -> ErrorLine<'_> {
    ErrorLine {
        source: &e.source,
        error: ErrorBody {
            kind: e.kind,
            message: &e.message,
        },
    }
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    schema_version: u32,
    activities: &'a [EntryRecord<'a>],
    errors: Vec<ErrorLine<'a>>,
    warnings: &'a [ScanWarning],
    skipped: &'a [Skipped],
    summary: SummaryRecord<'a>,
}

/// Writes `scan` in `format`; text and CSV show distances, paces and elevations in
/// `units` (JSON is SI whatever `units` says).
pub fn write(out: &mut dyn Write, scan: &Scan, format: ScanFormat, units: Units) -> io::Result<()> {
    // Each JSONL line is rendered into one buffer and written whole: serde_json
    // writing straight into `out` makes every key and comma a call through `dyn
    // Write`.
    let mut line: Vec<u8> = Vec::new();
    let mut json = |out: &mut dyn Write, v: &dyn erased::Ser| {
        line.clear();
        v.write_to(&mut line)?;
        line.push(b'\n');
        out.write_all(&line)
    };
    let entries: Vec<EntryRecord> = scan.placed().map(|(e, p)| EntryRecord::of(e, p)).collect();
    match format {
        ScanFormat::Jsonl => {
            for e in &entries {
                json(out, e)?;
            }
            for e in &scan.errors {
                json(out, &error_line(e))?;
            }
            json(out, &Summary(summary_record(scan)))
        }
        ScanFormat::Json => {
            let doc = JsonDocument {
                schema_version: super::schema::SCHEMA_VERSION,
                activities: &entries,
                errors: scan.errors.iter().map(error_line).collect(),
                warnings: &scan.warnings,
                skipped: &scan.skipped,
                summary: summary_record(scan),
            };
            // `io::Error::from` keeps an io error's kind (a closed pipe stays
            // `BrokenPipe`); `other` would hide it.
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
            out.write_all(b"\n")
        }
        ScanFormat::Csv => write_csv(out, &entries, &scan.errors, units),
        ScanFormat::Text { color } => write_text(out, scan, &entries, color, units),
    }
}

/// `{"summary": {...}}`: the JSONL closing line says what it is.
struct Summary<'a>(SummaryRecord<'a>);

impl Serialize for Summary<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("summary", &self.0)?;
        m.end()
    }
}

mod erased {
    //! One `write_to` for the several record types JSONL mixes.
    use std::io;

    pub trait Ser {
        /// Appends the value's JSON to `buf`.
        fn write_to(&self, buf: &mut Vec<u8>) -> io::Result<()>;
    }

    impl<T: serde::Serialize> Ser for T {
        fn write_to(&self, buf: &mut Vec<u8>) -> io::Result<()> {
            serde_json::to_writer(buf, self).map_err(io::Error::from)
        }
    }
}

/// RFC 4180 field: quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The CSV layout's version, the first column of every row: bumped when a column is
/// removed, renamed or moves (version 1 had no version column, no `status` and no
/// error rows). docs/output-schema.md lists the columns.
pub const CSV_SCHEMA_VERSION: u32 = 2;

/// The CSV columns, in order.
pub const CSV_HEADER: &[&str] = &[
    "schema_version",
    "status",
    "source",
    "start_time",
    "sport",
    "name",
    "class",
    "judged",
    "verdict",
    "reasons",
    "recovers_from",
    "hours_since_end",
    "moving_s",
    "distance_m",
    "pace_s_per_km",
    "avg_hr_bpm",
    "max_hr_bpm",
    "ceiling_bpm",
    "above_ceiling_share",
    "decoupling_pct",
    "ascent_m",
    "terrain",
    "surface",
    "surges",
    "trimp",
    "class_reason",
    "sport_source",
    "start_issue",
    "local_start_time",
    "utc_offset_s",
    "local_time_source",
    "error_kind",
    "error_message",
];

/// One row per activity (`status` `ok`), then one per file that could not be read or
/// activity that could not be judged (`status` `error`: the source, `error_kind` and
/// `error_message`, every other column empty).
/// Distances, paces and ascents in `units`, their columns named with the unit.
fn write_csv(
    out: &mut dyn Write,
    entries: &[EntryRecord],
    errors: &[ScanError],
    units: Units,
) -> io::Result<()> {
    let header: Vec<&str> = CSV_HEADER.iter().map(|c| units.csv_column(c)).collect();
    writeln!(out, "{}", header.join(","))?;
    let version = CSV_SCHEMA_VERSION.to_string();
    for e in entries {
        let r = &e.record;
        let p = &e.placement;
        let reasons: Vec<&str> = r.reasons.iter().map(|x| x.code.as_str()).collect();
        let row = [
            version.clone(),
            "ok".to_string(),
            csv_field(&r.source),
            if r.start_time.known {
                r.start_time.at.to_string()
            } else {
                String::new()
            },
            opt(r.sport.as_ref().map(|s| s.as_str().to_string())),
            csv_field(r.name.as_deref().unwrap_or("")),
            p.class.as_str().to_string(),
            e.judged.to_string(),
            opt(r.verdict.map(|v| v.as_str())),
            reasons.join(";"),
            csv_field(p.recovers_from.as_ref().map_or("", |f| f.source.as_str())),
            opt(p
                .recovers_from
                .as_ref()
                .map(|f| format!("{:.1}", f.hours_since_end))),
            r.moving_s.to_string(),
            units.csv_distance(r.distance_m).to_string(),
            opt(r.pace_s_per_km.map(|p| units.csv_pace(p))),
            opt(r.hr.avg_bpm),
            opt(r.hr.max_bpm),
            r.ceiling.bpm.to_string(),
            opt(r.ceiling.share),
            opt(r.decoupling_pct),
            opt(r.ascent_m.map(|a| units.csv_elevation(a))),
            opt(r.terrain.map(|t| t.as_str())),
            r.surface.to_string(),
            r.surges.len().to_string(),
            opt(r.trimp),
            p.class_reason.as_str().to_string(),
            p.sport_source.as_str().to_string(),
            opt(p.implausible_start.as_ref().map(|i| i.code.as_str())),
            r.local
                .local_start_time
                .as_ref()
                .map_or_else(String::new, ToString::to_string),
            r.local.utc_offset_s.to_string(),
            r.local.local_time_source.as_str().to_string(),
            String::new(),
            String::new(),
        ];
        writeln!(out, "{}", row.join(","))?;
    }
    for e in errors {
        let mut row = vec![String::new(); CSV_HEADER.len()];
        let cells = [
            (0, version.clone()),
            (1, "error".to_string()),
            (2, csv_field(&e.source)),
            (CSV_HEADER.len() - 2, e.kind.to_string()),
            (CSV_HEADER.len() - 1, csv_field(&e.message)),
        ];
        for (i, v) in cells {
            if let Some(cell) = row.get_mut(i) {
                *cell = v;
            }
        }
        writeln!(out, "{}", row.join(","))?;
    }
    Ok(())
}

/// The verdict padded to `width` columns, painted when `color` (the padding is not).
fn verdict_cell(v: Option<Verdict>, width: usize, color: bool) -> String {
    let Some(v) = v else {
        return format!("{:<width$}", "-");
    };
    let word = verdict_word(v, false);
    let pad = width.saturating_sub(word.len());
    format!("{}{}", verdict_word(v, color), " ".repeat(pad))
}

/// The share of a week's heart-rate time below the ceiling, and in words when it is
/// under the 80/20 rule's 80 % (green at or over it, yellow under it, when `color`).
fn share_cell(share: Option<f64>, color: bool) -> String {
    match share {
        None => "-".to_string(),
        Some(b) if b >= EASY_SHARE => paint(&format!("{:.0} %", b * 100.0), "32", color),
        Some(b) => paint(&format!("{:.0} % (under 80 %)", b * 100.0), "33", color),
    }
}

/// The 80/20 rule: at least this share of running time easy.
const EASY_SHARE: f64 = 0.8;

fn write_text(
    out: &mut dyn Write,
    scan: &Scan,
    entries: &[EntryRecord],
    color: bool,
    units: Units,
) -> io::Result<()> {
    writeln!(
        out,
        "{:<23} {:<9} {:<8} {:>8} {:>7} {:>9} {:>4}  source · reasons",
        "start (local)",
        "class",
        "verdict",
        "moving",
        units.distance_unit(),
        format!("pace {}", units.pace_unit()),
        "HR"
    )?;
    for e in entries {
        let r = &e.record;
        let start = r.local.stamp();
        let mut tail = terminal(&r.source).into_owned();
        if !r.reasons.is_empty() {
            let codes: Vec<String> = r
                .reasons
                .iter()
                .map(|x| paint(x.code.as_str(), severity_color(x.severity), color))
                .collect();
            tail.push_str(&format!(" · {}", codes.join(", ")));
        }
        if !matches!(
            e.placement.class_reason,
            ClassReason::Easy | ClassReason::NotRunning
        ) {
            tail.push_str(&format!(" · {}", e.placement.class_reason.as_str()));
        }
        if let Some(f) = &e.placement.recovers_from {
            tail.push_str(&format!(
                " · after {} ({:.0} h)",
                f.class.as_str(),
                f.hours_since_end
            ));
        }
        if let Some(i) = &e.placement.implausible_start {
            tail.push_str(&format!(" · date set aside: {}", i.code.as_str()));
        }
        writeln!(
            out,
            "{:<23} {:<9} {} {:>8} {:>7.2} {:>9} {:>4}  {}",
            start,
            e.placement.class.as_str(),
            verdict_cell(r.verdict, 8, color),
            duration(f64::from(r.moving_s)),
            units.distance(r.distance_m),
            Rate::of(r.sport.as_ref(), r.pace_s_per_km)
                .map_or_else(|| "-".into(), |rate| units.rate_cell(rate)),
            r.hr.avg_bpm.map_or("-".to_string(), |h| format!("{h:.0}")),
            tail
        )?;
    }
    writeln!(out)?;
    let s = &scan.summary;
    let classes: Vec<String> = s
        .by_class
        .iter()
        .map(|(c, n)| format!("{} {n}", c.as_str()))
        .collect();
    writeln!(
        out,
        "{} activities from {} files: {}",
        scan.entries.len(),
        scan.files,
        classes.join(", ")
    )?;
    let r = &s.recovery;
    let top: Vec<String> = r
        .top_reasons
        .iter()
        .take(3)
        .map(|(code, n)| format!("{code} ×{n}"))
        .collect();
    writeln!(
        out,
        "recovery runs judged: {} — pass {}, warn {}, fail {}, unknown {}{}",
        r.judged,
        r.pass,
        r.warn,
        r.fail,
        r.unknown,
        if top.is_empty() {
            String::new()
        } else {
            format!(" · most common: {}", top.join(", "))
        }
    )?;
    if let Some(est) = &scan.max_hr_estimate {
        writeln!(
            out,
            "max HR not configured: estimated {:.0} bpm from the history (highest sustained HR, {})",
            est.bpm,
            crate::history::max_hr::describe(est)
        )?;
    }
    let in_utc = entries
        .iter()
        .filter(|e| e.record.local.is_utc_fallback())
        .count();
    if in_utc > 0 {
        writeln!(
            out,
            "{in_utc} of {} activities without a local time (no offset in the file, no position, \
             no neighbouring run, no time zone configured): shown in UTC",
            entries.len()
        )?;
    }
    if !scan.weeks.is_empty() {
        writeln!(
            out,
            "\nweek      runs  time     {:<5}  below ceiling (80/20)",
            units.distance_unit()
        )?;
        for w in &scan.weeks {
            writeln!(
                out,
                "{}-W{:02}  {:>4}  {:>7}  {:>5.1}  {}",
                w.iso_year,
                w.iso_week,
                w.runs,
                duration(w.moving_s as f64),
                units.distance(w.distance_m),
                share_cell(w.below_share, color)
            )?;
        }
    }
    if !scan.duplicates.is_empty() {
        writeln!(out, "\n{} duplicates left out:", scan.duplicates.len())?;
        for d in &scan.duplicates {
            writeln!(
                out,
                "  {} (same run as {})",
                terminal(&d.source),
                terminal(&d.duplicate_of)
            )?;
        }
    }
    if !scan.skipped.is_empty() {
        writeln!(
            out,
            "\n{} files or members skipped (not activities: settings, monitoring, routes…)",
            scan.skipped.len()
        )?;
    }
    if !scan.warnings.is_empty() {
        writeln!(
            out,
            "\n{} with a start that cannot be true, in no week (listed on stderr)",
            if scan.warnings.len() == 1 {
                "1 activity".to_string()
            } else {
                format!("{} activities", scan.warnings.len())
            }
        )?;
    }
    if !scan.errors.is_empty() {
        writeln!(
            out,
            "\n{} {} not read or not judged (listed on stderr)",
            scan.errors.len(),
            if scan.errors.len() == 1 {
                "file or activity"
            } else {
                "files or activities"
            }
        )?;
    }
    Ok(())
}
