//! Export labels: what a Strava bulk export keeps beside its activity files
//! (`activities.csv`), joined to the activities by source name. Which files of an
//! export are metadata or routes is the layout rule of [`crate::walk::layout`].
//!
//! [`Labels::collect`] finds the `activities.csv` files of the paths a scan is given:
//! in the folders it walks (the same walk as the scan, so keys are the very source
//! strings ingest gives the activities) and inside the zip archives among them (at any
//! depth of the archive's own folders; only that member is decompressed). Each row's
//! `Filename` is relative to the CSV's folder, so `dir/activities.csv` listing
//! `activities/123.fit.gz` labels the source `dir/activities/123.fit.gz`, and
//! `export_1.zip/activities.csv` labels `export_1.zip/activities/123.fit.gz`.

use std::collections::BTreeMap;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::container::{self, Pick};
use super::csv::parse_csv;
use super::{Budget, Limits, RunBudget, open, sniff};
use crate::error::{IngestError, ReadError};
use crate::walk::layout::{ZipLayout, is_metadata_name, is_metadata_path, parent_of};
use crate::walk::{self, Expanded};

/// What `activities.csv` says about one activity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Label {
    /// `Activity Name`, e.g. "Easy, slow recovery".
    pub name: Option<String>,
    /// `Activity Type`, Strava's sport name, e.g. "Run".
    pub activity_type: Option<String>,
    /// `Perceived Exertion` (Strava's 1–10 scale) as written; an unparsable value is
    /// `None`.
    pub perceived_exertion: Option<f64>,
}

/// Labels by activity source, exactly as ingest names the activity (a folder file
/// `dir/activities/123.fit.gz`, a zip member `export_1.zip/activities/123.fit.gz`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels {
    by_source: BTreeMap<String, Label>,
}

impl Labels {
    /// The label of the activity read from `source`, if an `activities.csv` named it.
    pub fn get(&self, source: &str) -> Option<&Label> {
        self.by_source.get(source)
    }

    /// How many activities are labelled.
    pub fn len(&self) -> usize {
        self.by_source.len()
    }

    /// Whether no activity is labelled.
    pub fn is_empty(&self) -> bool {
        self.by_source.is_empty()
    }

    /// Every (source, label), sorted by source.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Label)> {
        self.by_source.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Finds and parses the `activities.csv` files of `paths` (see the module docs).
    /// A CSV that cannot be read or parsed is an error naming it, and the others are
    /// still used. Folders that cannot be listed and archives that cannot be opened
    /// are not reported here: the scan that reads them reports them once.
    pub fn collect(paths: &[PathBuf]) -> (Labels, Vec<IngestError>) {
        Labels::from_expanded(&walk::expand(paths))
    }

    /// [`Labels::collect`] over a walk the caller already made: the metadata files are
    /// among `expanded.skipped` (or `files`, when named directly), the zip archives
    /// among `expanded.files` (detected by content).
    pub fn from_expanded(expanded: &Expanded) -> (Labels, Vec<IngestError>) {
        let limits = Limits::default();
        let mut labels = Labels::default();
        let mut errors = Vec::new();
        for path in expanded.skipped.iter().chain(&expanded.files) {
            if is_metadata_path(path) {
                let source = walk::source_name(path);
                let base = path.parent().unwrap_or(Path::new(""));
                let added = read_file_capped(path, limits.max_decompressed_bytes)
                    .and_then(|bytes| labels.add_csv(&bytes, |f| walk::source_name(&base.join(f))));
                if let Err(e) = added {
                    errors.push(IngestError::new(source, e));
                }
            } else if is_zip(path) {
                labels.add_zip(path, limits, &mut errors);
            }
        }
        (labels, errors)
    }

    /// Reads the `activities.csv` members of the zip at `path`.
    fn add_zip(&mut self, path: &Path, limits: Limits, errors: &mut Vec<IngestError>) {
        let Ok((file, _)) = open::open_regular(path) else {
            return; // the scan reports it
        };
        let zip_source = walk::source_name(path);
        let run = RunBudget::new(&limits);
        let mut budget = Budget::new(limits, &run);
        let pick = |_: &ZipLayout, name: &str| {
            if is_metadata_name(name) {
                Pick::Read
            } else {
                Pick::Ignore
            }
        };
        // A corrupt archive is reported by the scan that reads it.
        let _ = container::zip_each(
            BufReader::new(file),
            &mut budget,
            true,
            pick,
            |name, bytes, _| {
                let source = format!("{zip_source}/{name}");
                let folder = parent_of(name);
                let added = bytes.and_then(|bytes| {
                    self.add_csv(&bytes, |f| format!("{zip_source}/{folder}{f}"))
                });
                if let Err(e) = added {
                    errors.push(IngestError::new(source, e));
                }
            },
        );
    }

    /// Parses one `activities.csv` and adds its rows, keyed by `key(Filename)`. Nothing
    /// is added when the file is malformed.
    fn add_csv(&mut self, bytes: &[u8], key: impl Fn(&str) -> String) -> Result<(), ReadError> {
        let bad = |message: String| ReadError::BadMetadata { message };
        let text = String::from_utf8_lossy(bytes);
        let records = parse_csv(&text).map_err(bad)?;
        let mut rows = records.iter();
        let header = rows
            .next()
            .ok_or_else(|| bad("no header row".to_string()))?;
        // Strava repeats some column names (Elapsed Time, Distance): the first wins.
        let column = |name: &str| header.fields.iter().position(|h| h.trim() == name);
        let filename = column("Filename")
            .ok_or_else(|| bad(format!("no `Filename` column (line {})", header.line)))?;
        let name = column("Activity Name");
        let activity_type = column("Activity Type");
        let exertion = column("Perceived Exertion");
        let mut found = Vec::new();
        for row in rows {
            if row.fields.len() != header.fields.len() {
                return Err(bad(format!(
                    "line {}: {} fields, the header has {}",
                    row.line,
                    row.fields.len(),
                    header.fields.len()
                )));
            }
            let field = |i: Option<usize>| {
                i.and_then(|i| row.fields.get(i))
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())
            };
            // Activities entered by hand have no file.
            let Some(file) = field(Some(filename)) else {
                continue;
            };
            let label = Label {
                name: field(name).map(crate::model::text::capped),
                activity_type: field(activity_type).map(crate::model::text::capped),
                perceived_exertion: field(exertion).and_then(|v| v.parse::<f64>().ok()),
            };
            found.push((key(file), label));
        }
        for (source, label) in found {
            self.by_source.entry(source).or_insert(label);
        }
        Ok(())
    }
}

/// Whether the file at `path` starts with the zip magic (content, not extension); a
/// FIFO or device is no zip (and is never waited on).
fn is_zip(path: &Path) -> bool {
    let mut head = [0u8; 4];
    open::open_regular(path).is_ok_and(|(mut f, _)| f.read_exact(&mut head).is_ok())
        && sniff::detect(&head) == sniff::Kind::Zip
}

fn read_file_capped(path: &Path, limit_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io {
        message: e.to_string(),
    };
    let (file, meta) = open::open_regular(path)?;
    if meta.len() > limit_bytes {
        return Err(ReadError::TooLarge {
            what: "metadata file".to_string(),
            limit_bytes,
        });
    }
    let mut bytes = Vec::new();
    file.take(limit_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit_bytes {
        return Err(ReadError::TooLarge {
            what: "metadata file".to_string(),
            limit_bytes,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(csv: &str) -> Result<Labels, ReadError> {
        let mut labels = Labels::default();
        labels.add_csv(csv.as_bytes(), |f| format!("x/{f}"))?;
        Ok(labels)
    }

    #[test]
    fn columns_are_found_by_name_and_the_first_duplicate_wins() {
        let csv = "Activity ID,Activity Name,Filename,Activity Type,Perceived Exertion,Activity Name\n\
                   1,\"Easy, slow\",activities/1.fit.gz,Run,3.0,second\n\
                   2,Manual,,Run,,x\n\
                   3,,activities/3.gpx,Run,n/a,y\n";
        let labels = labels(csv).unwrap_or_default();
        assert_eq!(labels.len(), 2);
        assert_eq!(
            labels.get("x/activities/1.fit.gz"),
            Some(&Label {
                name: Some("Easy, slow".to_string()),
                activity_type: Some("Run".to_string()),
                perceived_exertion: Some(3.0),
            })
        );
        assert_eq!(
            labels.get("x/activities/3.gpx"),
            Some(&Label {
                name: None,
                activity_type: Some("Run".to_string()),
                perceived_exertion: None,
            })
        );
    }

    #[test]
    fn bad_files_are_bad_metadata() {
        let kind = |csv: &str| labels(csv).map_err(|e| e.kind());
        assert_eq!(kind(""), Err("bad_metadata"));
        assert_eq!(kind("Activity ID,Name\n1,x\n"), Err("bad_metadata"));
        assert_eq!(
            kind("Filename,Activity Name\na.fit,x,extra\n"),
            Err("bad_metadata")
        );
        assert_eq!(kind("Filename\n\"a.fit\n"), Err("bad_metadata"));
        assert!(kind("Filename\n").is_ok_and(|l| l.is_empty()));
    }
}
