//! The baseline file: a scan's outcomes pinned as pretty JSON — sorted keys, paths
//! relative to the file, a trailing newline — so it diffs well in review and a second
//! `--update` on unchanged input changes no byte. It states the tolerances it is
//! compared with, the settings it was made with, and the schema version of the records
//! its numbers come from. Format: docs/ci.md.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::marker::PhantomData;
use std::path::Path;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::error::{RegressError, line_column};
use super::observe::{ActivityFacts, Observed, RunSettings};
use super::tolerance::Tolerances;
use crate::report::schema::SCHEMA_VERSION;

/// Version of the baseline file's own layout; a reader refuses other versions.
pub const BASELINE_FORMAT: u32 = 1;

const ABOUT: [&str; 4] = [
    "Written by `easyrun regress --update`: the expected outcome of every file, keyed by path relative to this file.",
    "Compared exactly: class, judged, verdict, reasons, thresholds, unreadable error kinds, duplicates. Numbers: within tolerances.",
    "A number is the same when |got - expected| <= abs + rel * |expected|. Tolerances may be edited by hand; --update keeps them.",
    "Docs: docs/ci.md.",
];

/// A pinned scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// [`BASELINE_FORMAT`].
    pub easyrun_baseline: u32,
    #[serde(default)]
    /// For people reading the file: how it was written and how it is compared.
    pub about: Vec<String>,
    /// The easyrun that wrote it (information only, not compared).
    #[serde(default)]
    pub easyrun_version: String,
    /// `schema_version` of the check records the numbers come from.
    pub schema_version: u32,
    #[serde(default)]
    /// How far numbers may move before they count as changed.
    pub tolerances: Tolerances,
    /// The settings the baseline was made with.
    pub settings: RunSettings,
    #[serde(deserialize_with = "unique_keys")]
    /// Every activity's outcome, by key.
    pub activities: BTreeMap<String, ActivityFacts>,
    /// Unreadable files and members, with their error kind: expected errors.
    #[serde(default, deserialize_with = "unique_keys")]
    pub unreadable: BTreeMap<String, String>,
    /// Runs left out as the same run as another, with that other's key.
    #[serde(default, deserialize_with = "unique_keys")]
    pub duplicates: BTreeMap<String, String>,
}

impl Baseline {
    /// A baseline pinning `observed`, made with `settings`; `tolerances` are the old
    /// baseline's when there is one.
    pub fn new(settings: RunSettings, tolerances: Tolerances, observed: Observed) -> Baseline {
        Baseline {
            easyrun_baseline: BASELINE_FORMAT,
            about: ABOUT.iter().map(|s| s.to_string()).collect(),
            easyrun_version: env!("CARGO_PKG_VERSION").to_string(),
            schema_version: SCHEMA_VERSION,
            tolerances,
            settings,
            activities: observed.activities,
            unreadable: observed.unreadable,
            duplicates: observed.duplicates,
        }
    }

    /// The outcomes it pins.
    pub fn observed(&self) -> Observed {
        Observed {
            activities: self.activities.clone(),
            unreadable: self.unreadable.clone(),
            duplicates: self.duplicates.clone(),
        }
    }

    /// Parses a baseline; `path` names it in errors.
    pub fn parse(bytes: &[u8], path: &str) -> Result<Baseline, RegressError> {
        let broken = |line: usize, column: usize, message: String| RegressError::Baseline {
            path: path.to_string(),
            line,
            column,
            message,
        };
        let baseline: Baseline = serde_json::from_slice(bytes).map_err(|e| {
            let full = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
            broken(e.line(), e.column(), message)
        })?;
        if baseline.easyrun_baseline != BASELINE_FORMAT {
            let text = String::from_utf8_lossy(bytes);
            let (line, column) = text
                .find("\"easyrun_baseline\"")
                .map_or((1, 1), |at| line_column(&text, at));
            return Err(broken(
                line,
                column,
                format!(
                    "baseline format {} is not supported (this easyrun reads format {}): \
                     re-create it with --update",
                    baseline.easyrun_baseline, BASELINE_FORMAT
                ),
            ));
        }
        Ok(baseline)
    }

    /// Reads the baseline at `path`.
    pub fn read(path: &Path) -> Result<Baseline, RegressError> {
        let label = path.display().to_string();
        let bytes =
            crate::ingest::open::read_settings_file(path).map_err(|e| RegressError::Io {
                path: label.clone(),
                message: e.to_string(),
            })?;
        Baseline::parse(&bytes, &label)
    }

    /// Reads the baseline at `path`; `Ok(None)` when there is no such file.
    pub fn read_if_exists(path: &Path) -> Result<Option<Baseline>, RegressError> {
        match Baseline::read(path) {
            Ok(b) => Ok(Some(b)),
            Err(RegressError::Io { .. }) if !path.exists() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes the baseline: pretty JSON, two-space indent, trailing newline.
    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        out.write_all(b"\n")
    }
}

/// An object keyed by path that refuses a key listed twice (serde_json would otherwise
/// keep the last silently: a hand-merged baseline must not lose an entry unnoticed).
fn unique_keys<'de, D, V>(d: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    struct Unique<V>(PhantomData<V>);
    impl<'de, V: Deserialize<'de>> Visitor<'de> for Unique<V> {
        type Value = BTreeMap<String, V>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object keyed by path")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(de::Error::custom(format!("`{key}` is listed twice")));
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique(PhantomData))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;
    use crate::history::Class;
    use crate::judge::{ReasonCode, Verdict};
    use crate::regress::observe::Thresholds;

    pub(crate) fn facts() -> ActivityFacts {
        ActivityFacts {
            class: Class::Easy,
            judged: false,
            verdict: Verdict::Fail,
            reasons: vec![ReasonCode::TooHard],
            moving_s: 2100,
            distance_m: 7030.1,
            avg_hr_bpm: Some(155.2),
            max_hr_bpm: Some(162.0),
            above_ceiling_share: Some(0.93),
            decoupling_pct: None,
            ascent_m: Some(0.0),
            thresholds: Thresholds {
                zone_model: Some("hrr".into()),
                max_hr_bpm: Some(190.0),
                rest_hr_bpm: Some(50.0),
                lthr_bpm: None,
                age_years: None,
                phase: "base".into(),
                ceiling_bpm: 141.0,
            },
        }
    }

    fn sample() -> Baseline {
        let mut observed = Observed::default();
        observed.activities.insert("b/run.fit".into(), facts());
        observed.activities.insert("a.zip/x.fit".into(), facts());
        observed
            .unreadable
            .insert("bad/t.fit".into(), "truncated".into());
        Baseline::new(RunSettings::default(), Tolerances::default(), observed)
    }

    fn render(b: &Baseline) -> Vec<u8> {
        let mut out = Vec::new();
        b.write(&mut out).unwrap();
        out
    }

    #[test]
    fn round_trip_is_byte_stable() {
        let b = sample();
        let bytes = render(&b);
        assert!(bytes.ends_with(b"}\n"));
        let back = Baseline::parse(&bytes, "b.json").unwrap();
        assert_eq!(back, b);
        assert_eq!(render(&back), bytes);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.find("a.zip/x.fit").unwrap() < text.find("b/run.fit").unwrap());
    }

    fn error_of(text: &str) -> (usize, String) {
        match Baseline::parse(text.as_bytes(), "b.json") {
            Err(RegressError::Baseline { line, message, .. }) => (line, message),
            other => panic!("expected a broken baseline, got {other:?}"),
        }
    }

    #[test]
    fn broken_baselines_name_the_line() {
        let good = String::from_utf8(render(&sample())).unwrap();
        let line_of = |needle: &str| good.lines().position(|l| l.contains(needle)).unwrap() + 1;

        let bad = good.replacen("\"verdict\": \"fail\"", "\"verdict\": \"fial\"", 1);
        let (line, message) = error_of(&bad);
        assert_eq!(line, line_of("\"verdict\""));
        assert!(message.contains("fial"), "{message}");

        let (line, _) = error_of(&good.replacen("\"moving_s\": 2100,", "\"moving_s\": 2100", 1));
        assert_eq!(line, line_of("\"moving_s\": 2100") + 1);

        let (line, message) = error_of(&good.replacen("\"judged\"", "\"judgd\"", 1));
        assert_eq!(line, line_of("\"judged\""));
        assert!(message.contains("judgd"), "{message}");

        let (_, message) = error_of(&good.replacen(
            "\"bad/t.fit\": \"truncated\"",
            "\"bad/t.fit\": \"truncated\", \"bad/t.fit\": \"empty\"",
            1,
        ));
        assert!(message.contains("listed twice"), "{message}");

        let (line, message) =
            error_of(&good.replacen("\"easyrun_baseline\": 1", "\"easyrun_baseline\": 7", 1));
        assert_eq!(line, 2);
        assert!(message.contains("format 7"), "{message}");

        let (line, _) = error_of(&good[..good.len() / 2]);
        assert!(line > 1);
        assert!(matches!(
            Baseline::parse(b"", "b.json"),
            Err(RegressError::Baseline { line: 1, .. })
        ));
        assert!(Baseline::parse(&[0xff, 0xfe, 0x00], "b.json").is_err());
    }
}
