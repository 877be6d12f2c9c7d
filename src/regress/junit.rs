//! JUnit XML, so CI systems (GitHub Actions reporters, GitLab's test report, Jenkins)
//! show every file as a test case: one `<testsuite>` per baseline or manifest, one
//! `<testcase>` per source, a `<failure>` with the differences as its text, `<skipped>`
//! when the run's settings kept it from being compared. Written by hand: the format is
//! small, and every attribute and text is escaped for XML 1.0.

use std::io::{self, Write};

use super::compare::{Case, Status};
use super::report::{Report, Section, cell, plus_minus};

/// Escapes text for an XML attribute or element (the report's escaper: markup and both
/// quotes escaped, XML-forbidden control characters replaced).
pub fn escape(s: &str) -> String {
    crate::report::escape::attr(s).into_owned()
}

fn failure_text(case: &Case) -> String {
    case.differences
        .iter()
        .map(|d| {
            let mut line = format!(
                "{}: expected {}, got {}",
                d.field,
                cell(&d.expected),
                cell(&d.got)
            );
            if let Some(t) = d.tolerance {
                line.push_str(&format!(" (tolerance {})", plus_minus(t)));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn suite(out: &mut dyn Write, kind: &str, section: &Section) -> io::Result<()> {
    let class = format!("easyrun.regress.{kind}");
    let settings_case = usize::from(kind == "baseline");
    let tests = section.cases.len() + settings_case;
    let failures = section.differences();
    let skipped = section
        .cases
        .iter()
        .filter(|c| c.status == Status::NotCompared)
        .count();
    writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">",
        escape(&format!("{kind} {}", section.file))
    )?;
    if settings_case == 1 {
        write!(
            out,
            "    <testcase classname=\"{class}\" name=\"(settings)\""
        )?;
        if section.settings.is_empty() {
            writeln!(out, "/>")?;
        } else {
            let case = Case {
                source: String::new(),
                status: Status::Changed,
                differences: section.settings.clone(),
            };
            let mut text = failure_text(&case);
            if let Some(note) = &section.note {
                text.push('\n');
                text.push_str(note);
            }
            writeln!(out, ">")?;
            writeln!(
                out,
                "      <failure type=\"settings\" message=\"the run's settings differ from the baseline's\">{}</failure>",
                escape(&text)
            )?;
            writeln!(out, "    </testcase>")?;
        }
    }
    for case in &section.cases {
        write!(
            out,
            "    <testcase classname=\"{class}\" name=\"{}\"",
            escape(&case.source)
        )?;
        if case.status == Status::NotCompared {
            writeln!(out, ">")?;
            writeln!(
                out,
                "      <skipped message=\"not compared: the run's settings differ from the baseline's\"/>"
            )?;
            writeln!(out, "    </testcase>")?;
        } else if case.status.is_difference() {
            let first = case
                .differences
                .first()
                .map(|d| format!("{}: {}", case.status.as_str(), d.field))
                .unwrap_or_else(|| case.status.as_str().to_string());
            writeln!(out, ">")?;
            writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                case.status.as_str(),
                escape(&first),
                escape(&failure_text(case))
            )?;
            writeln!(out, "    </testcase>")?;
        } else {
            writeln!(out, "/>")?;
        }
    }
    writeln!(out, "  </testsuite>")
}

/// Writes `report` as JUnit XML.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let tests: usize = report
        .baseline
        .iter()
        .map(|s| s.cases.len() + 1)
        .chain(report.expectations.iter().map(|s| s.cases.len()))
        .sum();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(
        out,
        "<testsuites name=\"easyrun regress\" tests=\"{tests}\" failures=\"{}\">",
        report.differences()
    )?;
    if let Some(b) = &report.baseline {
        suite(out, "baseline", b)?;
    }
    if let Some(e) = &report.expectations {
        suite(out, "expectations", e)?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::regress::compare::Difference;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&#39;\u{FFFD}\n"
        );
    }

    #[test]
    fn a_failing_case_carries_its_differences() {
        let report = Report {
            baseline: None,
            expectations: Some(Section {
                file: "e.toml".into(),
                settings: vec![],
                note: None,
                cases: vec![Case {
                    source: "runs/<odd> & \"name\".fit".into(),
                    status: Status::Unmet,
                    differences: vec![Difference {
                        field: "verdict".into(),
                        expected: "pass".into(),
                        got: "fail".into(),
                        tolerance: None,
                    }],
                }],
            }),
        };
        let mut out = Vec::new();
        write(&mut out, &report).unwrap();
        let xml = String::from_utf8(out).unwrap();
        assert!(
            xml.contains("name=\"runs/&lt;odd&gt; &amp; &quot;name&quot;.fit\""),
            "{xml}"
        );
        assert!(
            xml.contains(">verdict: expected pass, got fail</failure>"),
            "{xml}"
        );
        assert!(xml.contains("tests=\"1\" failures=\"1\""), "{xml}");
    }
}
