//! Hand-written expectations: a small TOML manifest where a coach or developer states
//! only what they care about for a few files — a verdict, reason codes that must be
//! among the reasons, the class, whether `scan` judges the run, or the error an
//! unreadable file must give — and nothing else is checked. Paths are relative to the
//! manifest's folder. Format: docs/ci.md.
//!
//! ```toml
//! [expect]
//! "runs/2025-03-02.fit" = "pass"
//! "runs/2025-03-05.fit" = { verdict = "fail", reasons = ["too_hard"] }
//! "runs/broken.fit" = { error = "truncated" }
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::compare::{Case, Difference, Status};
use super::error::{RegressError, line_column};
use super::observe::{Observed, Outcome};
use super::paths::{normalize, relative};
use crate::history::Class;
use crate::judge::{ReasonCode, Verdict};

/// What one file must come to; unstated fields are not checked.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    verdict: Option<Verdict>,
    reasons: Option<Vec<ReasonCode>>,
    class: Option<Class>,
    judged: Option<bool>,
    error: Option<String>,
}

/// One expectation: a bare verdict string, or a table.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Expectation {
    /// The verdict the rule must give.
    pub verdict: Option<Verdict>,
    /// Codes that must all be among the run's reasons (others may be there too).
    pub reasons: Option<Vec<ReasonCode>>,
    /// The class the history must give it.
    pub class: Option<Class>,
    /// Whether `scan` must judge it as a recovery run.
    pub judged: Option<bool>,
    /// The file must be unreadable with this error kind.
    pub error: Option<String>,
}

impl<'de> Deserialize<'de> for Expectation {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Expectation;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a verdict (\"pass\", \"warn\", \"fail\", \"unknown\") or a table of \
                     verdict, reasons, class, judged, error",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Expectation, E> {
                let verdict = Verdict::deserialize(de::value::StrDeserializer::<E>::new(v))?;
                Ok(Expectation {
                    verdict: Some(verdict),
                    ..Expectation::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Expectation, A::Error> {
                let f = Fields::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let about_a_run = f.verdict.is_some()
                    || f.reasons.is_some()
                    || f.class.is_some()
                    || f.judged.is_some();
                if f.error.is_some() && about_a_run {
                    return Err(de::Error::custom(
                        "`error` says the file is unreadable: it cannot also have a verdict, \
                         reasons, class or judged",
                    ));
                }
                if f.error.is_none() && !about_a_run {
                    return Err(de::Error::custom(
                        "states nothing: give verdict, reasons, class, judged or error",
                    ));
                }
                Ok(Expectation {
                    verdict: f.verdict,
                    reasons: f.reasons,
                    class: f.class,
                    judged: f.judged,
                    error: f.error,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// A manifest: expectations by path relative to its folder.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The expectations, by file key (relative to the manifest).
    pub expect: BTreeMap<String, Expectation>,
}

impl Manifest {
    /// Parses a manifest; `path` names it in errors. One that states no expectation is
    /// an error: a check that checks nothing must not pass.
    pub fn parse(text: &str, path: &str) -> Result<Manifest, RegressError> {
        let broken = |offset: usize, message: String| {
            let (line, column) = line_column(text, offset);
            RegressError::Manifest {
                path: path.to_string(),
                line,
                column,
                message,
            }
        };
        let raw: Manifest = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            broken(at, e.message().trim().to_string())
        })?;
        if raw.expect.is_empty() {
            let at = text.find("expect").unwrap_or(0);
            return Err(broken(
                at,
                "the manifest states no expectations".to_string(),
            ));
        }
        // Keys as the scan's: `./runs/a.fit` is `runs/a.fit`.
        let mut expect = BTreeMap::new();
        for (key, e) in raw.expect {
            let normal = relative(Path::new(""), &normalize(Path::new(&key)));
            if expect.insert(normal.clone(), e).is_some() {
                let at = text.find(&key).unwrap_or(0);
                return Err(broken(at, format!("`{normal}` is listed twice")));
            }
        }
        Ok(Manifest { expect })
    }

    /// Reads the manifest at `path`.
    pub fn read(path: &Path) -> Result<Manifest, RegressError> {
        let label = path.display().to_string();
        let bytes =
            crate::ingest::open::read_settings_file(path).map_err(|e| RegressError::Io {
                path: label.clone(),
                message: e.to_string(),
            })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let (line, column) = line_column(
                &String::from_utf8_lossy(e.as_bytes()),
                e.utf8_error().valid_up_to(),
            );
            RegressError::Manifest {
                path: label.clone(),
                line,
                column,
                message: "not UTF-8 text".to_string(),
            }
        })?;
        Manifest::parse(&text, &label)
    }
}

fn codes(codes: &[ReasonCode]) -> Value {
    Value::from(codes.iter().map(|c| c.as_str()).collect::<Vec<_>>())
}

fn differences(e: &Expectation, got: Option<Outcome<'_>>) -> Vec<Difference> {
    let diff = |field: &str, expected: Value, got: Value| Difference {
        field: field.to_string(),
        expected,
        got,
        tolerance: None,
    };
    let Some(got) = got else {
        return vec![diff("file", "present".into(), Value::Null)];
    };
    let mut d = Vec::new();
    match (got, &e.error) {
        (Outcome::Activity(a), None) => {
            if let Some(v) = e.verdict
                && v != a.verdict
            {
                d.push(diff(
                    "verdict",
                    v.as_str().into(),
                    a.verdict.as_str().into(),
                ));
            }
            if let Some(want) = &e.reasons
                && want.iter().any(|c| !a.reasons.contains(c))
            {
                d.push(diff("reasons", codes(want), codes(&a.reasons)));
            }
            if let Some(c) = e.class
                && c != a.class
            {
                d.push(diff("class", c.as_str().into(), a.class.as_str().into()));
            }
            if let Some(j) = e.judged
                && j != a.judged
            {
                d.push(diff("judged", j.into(), a.judged.into()));
            }
        }
        (Outcome::Unreadable(kind), Some(want)) => {
            if kind != want {
                d.push(diff("error", want.as_str().into(), kind.into()));
            }
        }
        (got, Some(want)) => {
            d.push(diff(
                "outcome",
                format!("unreadable: {want}").into(),
                got.describe().into(),
            ));
        }
        (got, None) => {
            d.push(diff("outcome", "activity".into(), got.describe().into()));
        }
    }
    d
}

/// Checks every expectation of `manifest` against `observed` (keyed relative to the
/// manifest's folder).
pub fn check_expectations(manifest: &Manifest, observed: &Observed) -> Vec<Case> {
    manifest
        .expect
        .iter()
        .map(|(key, e)| {
            let differences = differences(e, observed.get(key));
            Case {
                source: key.clone(),
                status: if differences.is_empty() {
                    Status::Met
                } else {
                    Status::Unmet
                },
                differences,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;
    use crate::regress::observe::{ActivityFacts, Thresholds};

    fn facts(verdict: Verdict, reasons: Vec<ReasonCode>) -> ActivityFacts {
        ActivityFacts {
            class: Class::Recovery,
            judged: true,
            verdict,
            reasons,
            moving_s: 2100,
            distance_m: 5000.0,
            avg_hr_bpm: Some(130.0),
            max_hr_bpm: Some(140.0),
            above_ceiling_share: Some(0.0),
            decoupling_pct: None,
            ascent_m: None,
            thresholds: Thresholds {
                zone_model: None,
                max_hr_bpm: None,
                rest_hr_bpm: None,
                lthr_bpm: None,
                age_years: None,
                phase: "base".into(),
                ceiling_bpm: 141.0,
            },
        }
    }

    const TEXT: &str = r#"
[expect]
"runs/a.fit" = "pass"
"./runs/b.fit" = { verdict = "fail", reasons = ["too_hard"] }
"bad/t.fit" = { error = "truncated" }
"runs/c.fit" = { class = "recovery", judged = true }
"runs/gone.fit" = "warn"
"#;

    #[test]
    fn only_what_is_stated_is_checked() {
        let m = Manifest::parse(TEXT, "m.toml").unwrap();
        assert_eq!(m.expect.len(), 5);
        assert!(m.expect.contains_key("runs/b.fit"));
        let mut o = Observed::default();
        o.activities.insert(
            "runs/a.fit".into(),
            facts(Verdict::Pass, vec![ReasonCode::TooShort]),
        );
        o.activities.insert(
            "runs/b.fit".into(),
            facts(
                Verdict::Fail,
                vec![ReasonCode::TooLong, ReasonCode::HardSurface],
            ),
        );
        o.activities
            .insert("runs/c.fit".into(), facts(Verdict::Warn, vec![]));
        o.unreadable.insert("bad/t.fit".into(), "truncated".into());
        let cases = check_expectations(&m, &o);
        let status: Vec<(&str, Status)> = cases
            .iter()
            .map(|c| (c.source.as_str(), c.status))
            .collect();
        assert_eq!(
            status,
            [
                ("bad/t.fit", Status::Met),
                ("runs/a.fit", Status::Met),
                ("runs/b.fit", Status::Unmet),
                ("runs/c.fit", Status::Met),
                ("runs/gone.fit", Status::Unmet),
            ]
        );
        assert_eq!(cases[2].differences[0].field, "reasons");
        assert_eq!(cases[4].differences[0].field, "file");
    }

    fn error_line(text: &str) -> (usize, String) {
        match Manifest::parse(text, "m.toml") {
            Err(RegressError::Manifest { line, message, .. }) => (line, message),
            other => panic!("expected a broken manifest, got {other:?}"),
        }
    }

    #[test]
    fn broken_manifests_name_the_line() {
        let (line, m) = error_line("[expect]\n\"a.fit\" = \"pass\"\n\"b.fit\" = \"pss\"\n");
        assert_eq!(line, 3);
        assert!(m.contains("pss"), "{m}");
        let (line, m) = error_line("[expect]\n\"a.fit\" = { verdict = \"pass\", colour = 1 }\n");
        assert_eq!(line, 2);
        assert!(m.contains("colour"), "{m}");
        let (line, m) =
            error_line("[expect]\n\"a.fit\" = { error = \"empty\", verdict = \"pass\" }\n");
        assert_eq!(line, 2);
        assert!(m.contains("unreadable"), "{m}");
        let (line, _) = error_line("[expect]\n\"a.fit\" = \"pass\n");
        assert_eq!(line, 2);
        let (_, m) = error_line("[expect]\n");
        assert!(m.contains("no expectations"), "{m}");
        let (_, m) = error_line("[expect]\n\"a.fit\" = \"pass\"\n\"./a.fit\" = \"fail\"\n");
        assert!(m.contains("twice"), "{m}");
        let (_, m) = error_line("[expect]\n\"a.fit\" = { }\n");
        assert!(m.contains("states nothing"), "{m}");
    }
}
