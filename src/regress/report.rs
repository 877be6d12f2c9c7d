//! Regress output: per differing source a small table (field, expected, got,
//! tolerance), then a one-line summary; or one JSON document with every case for
//! machines. Renderers write to any `io::Write`.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use super::compare::{Case, Difference, Status};
use crate::report::escape::terminal;
use crate::report::schema::SCHEMA_VERSION;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Output format of a regress report.
pub enum ReportFormat {
    /// A readable diff per file, then a summary line.
    Text,
    /// One JSON document.
    Json,
}

/// The result against one file: a baseline or a manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// The baseline or manifest, as named on the command line.
    pub file: String,
    /// Differences of the run's settings (baseline only; then no case was compared).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<Difference>,
    /// What to do about a settings difference, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Every source compared, by key.
    pub cases: Vec<Case>,
}

impl Section {
    /// Differing cases, plus one for differing settings.
    pub fn differences(&self) -> usize {
        let cases = self
            .cases
            .iter()
            .filter(|c| c.status.is_difference())
            .count();
        cases + usize::from(!self.settings.is_empty())
    }

    fn count(&self, status: Status) -> usize {
        self.cases.iter().filter(|c| c.status == status).count()
    }

    /// `52 entries: 50 same, 1 changed, 1 new`.
    fn tally(&self, what: &str) -> String {
        let order = [
            Status::Met,
            Status::Unmet,
            Status::Same,
            Status::Changed,
            Status::ThresholdsChanged,
            Status::New,
            Status::Missing,
            Status::Unreadable,
            Status::NotCompared,
        ];
        let parts: Vec<String> = order
            .iter()
            .filter_map(|s| {
                let n = self.count(*s);
                (n > 0).then(|| format!("{n} {}", s.as_str().replace('_', " ")))
            })
            .collect();
        let mut s = format!("{what} {}: {} entries", self.file, self.cases.len());
        if !parts.is_empty() {
            s.push_str(&format!(" ({})", parts.join(", ")));
        }
        if !self.settings.is_empty() {
            s.push_str(", settings differ");
        }
        s
    }
}

/// Everything one `regress` run found.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Report {
    /// Against the baseline, when one was compared.
    pub baseline: Option<Section>,
    /// Against the manifest, when one was checked.
    pub expectations: Option<Section>,
}

impl Report {
    /// How many cases differ, in all sections.
    pub fn differences(&self) -> usize {
        self.sections().map(Section::differences).sum()
    }

    /// The sections present, baseline first.
    pub fn sections(&self) -> impl Iterator<Item = &Section> {
        self.baseline.iter().chain(self.expectations.iter())
    }

    /// The one-line summary.
    pub fn summary(&self) -> String {
        let n = self.differences();
        let head = match n {
            0 => "regress: no differences".to_string(),
            1 => "regress: 1 difference".to_string(),
            n => format!("regress: {n} differences"),
        };
        let mut parts = Vec::new();
        if let Some(b) = &self.baseline {
            parts.push(b.tally("baseline"));
        }
        if let Some(e) = &self.expectations {
            parts.push(e.tally("expectations"));
        }
        if parts.is_empty() {
            head
        } else {
            format!("{head} — {}", parts.join("; "))
        }
    }

    /// Writes the report in `format`.
    pub fn write(&self, out: &mut dyn Write, format: ReportFormat) -> io::Result<()> {
        match format {
            ReportFormat::Text => self.write_text(out),
            ReportFormat::Json => {
                let doc = JsonReport {
                    schema_version: SCHEMA_VERSION,
                    differences: self.differences(),
                    summary: self.summary(),
                    report: self,
                };
                serde_json::to_writer_pretty(&mut *out, &doc)?;
                out.write_all(b"\n")
            }
        }
    }

    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        for section in self.sections() {
            if !section.settings.is_empty() {
                writeln!(
                    out,
                    "{}: the run's settings differ from the baseline's: no activity compared",
                    terminal(&section.file)
                )?;
                table(out, &section.settings)?;
                if let Some(note) = &section.note {
                    writeln!(out, "  {}", terminal(note))?;
                }
                writeln!(out)?;
            }
            for case in section.cases.iter().filter(|c| c.status.is_difference()) {
                writeln!(
                    out,
                    "{} ({}): {}",
                    terminal(&case.source),
                    terminal(&section.file),
                    case.status.as_str().replace('_', " ")
                )?;
                table(out, &case.differences)?;
                writeln!(out)?;
            }
        }
        writeln!(out, "{}", self.summary())
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    differences: usize,
    summary: String,
    #[serde(flatten)]
    report: &'a Report,
}

/// A value as a table cell: strings bare, null as `-`, lists comma-separated.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => "-".to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "(none)".to_string(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

/// `±35.15`: a tolerance rounded to 3 decimals, trailing zeros dropped.
pub fn plus_minus(t: f64) -> String {
    let s = format!("{t:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("±{s}")
}

fn table(out: &mut dyn Write, diffs: &[Difference]) -> io::Result<()> {
    let rows: Vec<[String; 4]> = diffs
        .iter()
        .map(|d| {
            [
                d.field.clone(),
                terminal(&cell(&d.expected)).into_owned(),
                terminal(&cell(&d.got)).into_owned(),
                d.tolerance.map(plus_minus).unwrap_or_default(),
            ]
        })
        .collect();
    let header = [
        "field".to_string(),
        "expected".to_string(),
        "got".to_string(),
        "tolerance".to_string(),
    ];
    let with_tolerance = rows.iter().any(|r| r.get(3).is_some_and(|t| !t.is_empty()));
    let columns = if with_tolerance { 4 } else { 3 };
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .take(columns)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        writeln!(out, "  {}", cells.join("  ").trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn report() -> Report {
        Report {
            baseline: Some(Section {
                file: "fixtures/baseline.json".into(),
                settings: vec![],
                note: None,
                cases: vec![
                    Case {
                        source: "a.fit".into(),
                        status: Status::Same,
                        differences: vec![],
                    },
                    Case {
                        source: "b.fit".into(),
                        status: Status::Changed,
                        differences: vec![
                            Difference {
                                field: "verdict".into(),
                                expected: "fail".into(),
                                got: "pass".into(),
                                tolerance: None,
                            },
                            Difference {
                                field: "avg_hr_bpm".into(),
                                expected: 155.2.into(),
                                got: 149.0.into(),
                                tolerance: Some(1.0),
                            },
                        ],
                    },
                ],
            }),
            expectations: None,
        }
    }

    #[test]
    fn text_shows_a_table_per_difference_and_a_summary() {
        let mut out = Vec::new();
        report().write(&mut out, ReportFormat::Text).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "b.fit (fixtures/baseline.json): changed\n\
             \x20 field       expected  got    tolerance\n\
             \x20 verdict     fail      pass\n\
             \x20 avg_hr_bpm  155.2     149.0  ±1\n\
             \n\
             regress: 1 difference — baseline fixtures/baseline.json: 2 entries (1 same, 1 changed)\n"
        );
    }

    #[test]
    fn json_has_every_case() {
        let mut out = Vec::new();
        report().write(&mut out, ReportFormat::Json).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["differences"], 1);
        assert_eq!(v["baseline"]["cases"][0]["status"], "same");
        assert_eq!(
            v["baseline"]["cases"][1]["differences"][1]["tolerance"],
            1.0
        );
        assert!(v["expectations"].is_null());
    }

    #[test]
    fn tolerances_print_short() {
        assert_eq!(plus_minus(5.0), "±5");
        assert_eq!(plus_minus(35.15), "±35.15");
        assert_eq!(plus_minus(0.02), "±0.02");
    }
}
