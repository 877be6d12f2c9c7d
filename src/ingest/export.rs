//! Export metadata and layout: the labels a Strava bulk export keeps beside its activity
//! files (`activities.csv`), joined to the activities by source name, and the layout
//! rule that tells which files of an export are not activities (DOMAIN §7).
//!
//! # The Strava layout rule
//!
//! A folder or zip directory that holds an `activities.csv` is a Strava export:
//!
//! - `activities.csv` itself is metadata, not an activity;
//! - everything under the `routes/` folder *beside* it is a planned route, not a
//!   recorded activity, and is skipped without being decoded.
//!
//! Folder walks ([`crate::batch::expand`]) put such files in `Expanded::skipped`; zip
//! members give [`ReadError::NotAnActivity`] (which a scan counts as skipped). A
//! `routes/` folder anywhere else is read like any other folder. Names compare ASCII
//! case-insensitively.
//!
//! # Labels
//!
//! [`Labels::collect`] finds the `activities.csv` files of the paths a scan is given:
//! in the folders it walks (the same walk as the scan, so keys are the very source
//! strings ingest gives the activities) and inside the zip archives among them (at any
//! depth of the archive's own folders; only that member is decompressed). Each row's
//! `Filename` is relative to the CSV's folder, so `dir/activities.csv` listing
//! `activities/123.fit.gz` labels the source `dir/activities/123.fit.gz`, and
//! `export_1.zip/activities.csv` labels `export_1.zip/activities/123.fit.gz`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Limits, container, sniff};
use crate::batch::{self, Expanded};
use crate::error::{IngestError, ReadError};

/// The metadata file of a Strava bulk export.
pub const METADATA_FILE: &str = "activities.csv";
/// The folder beside [`METADATA_FILE`] that holds routes, not activities.
pub const ROUTES_DIR: &str = "routes";

/// Why a zip member of a Strava export is no activity.
const ROUTE_WHAT: &str = "route in a Strava export (routes/ beside activities.csv)";
const METADATA_WHAT: &str = "Strava export metadata (activities.csv)";
const SIDE_FILE_WHAT: &str = "side file of an export (photo, JSON, CSV, text)";

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
        Labels::from_expanded(&batch::expand(paths))
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
                let source = path.display().to_string();
                let base = path.parent().unwrap_or(Path::new(""));
                let added =
                    read_file_capped(path, limits.max_decompressed_bytes).and_then(|bytes| {
                        labels.add_csv(&bytes, |f| base.join(f).display().to_string())
                    });
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
        let Ok(file) = File::open(path) else {
            return; // the scan reports it
        };
        let zip_source = path.display().to_string();
        let Ok(members) =
            container::zip_members_where(file, limits.max_decompressed_bytes, is_metadata_name)
        else {
            return; // the scan reports a corrupt archive
        };
        for member in members {
            let source = format!("{zip_source}/{}", member.name);
            let folder = parent_of(&member.name);
            let added = member
                .bytes
                .and_then(|bytes| self.add_csv(&bytes, |f| format!("{zip_source}/{folder}{f}")));
            if let Err(e) = added {
                errors.push(IngestError::new(source, e));
            }
        }
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
                name: field(name).map(str::to_string),
                activity_type: field(activity_type).map(str::to_string),
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

/// Whether the last `/`-separated segment of `name` is `activities.csv`.
pub fn is_metadata_name(name: &str) -> bool {
    name.rsplit('/')
        .next()
        .is_some_and(|last| last.eq_ignore_ascii_case(METADATA_FILE))
}

/// Whether `path`'s file name is `activities.csv`.
pub fn is_metadata_path(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.eq_ignore_ascii_case(METADATA_FILE))
}

/// Whether `child`, an entry of a folder whose entries are `entries`, is the `routes/`
/// folder beside an `activities.csv` file (the Strava layout rule, for folder walks).
pub fn is_routes_folder_of_export(entries: &[PathBuf], child: &Path) -> bool {
    child
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.eq_ignore_ascii_case(ROUTES_DIR))
        && entries.iter().any(|e| is_metadata_path(e) && !e.is_dir())
}

/// The Strava layout of one zip archive, from its member names: where its
/// `activities.csv` files are.
#[derive(Debug, Default)]
pub struct ZipLayout {
    /// The folders (`""` or `export/`, `/`-terminated) holding an `activities.csv`.
    export_folders: Vec<String>,
}

impl ZipLayout {
    pub fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        ZipLayout {
            export_folders: names
                .into_iter()
                .filter(|n| is_metadata_name(n))
                .map(|n| parent_of(n).to_string())
                .collect(),
        }
    }

    /// Why `member` is no activity under the Strava layout rule, or `None` when it is
    /// to be read.
    /// Side files (photos, JSON, other CSVs: [`super::sniff::is_side_file_name`]) are no
    /// activities in any zip.
    pub fn not_an_activity(&self, member: &str) -> Option<ReadError> {
        let what = if is_metadata_name(member) {
            METADATA_WHAT
        } else if super::sniff::is_side_file_name(member) {
            SIDE_FILE_WHAT
        } else if self.export_folders.iter().any(|folder| {
            let prefix = format!("{folder}{ROUTES_DIR}/");
            member
                .get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(&prefix))
        }) {
            ROUTE_WHAT
        } else {
            return None;
        };
        Some(ReadError::NotAnActivity {
            what: what.to_string(),
        })
    }
}

/// The folder part of a `/`-separated member name, `/`-terminated (`""` at the root).
fn parent_of(name: &str) -> &str {
    name.rfind('/')
        .and_then(|i| name.get(..=i))
        .unwrap_or_default()
}

/// Whether the file at `path` starts with the zip magic (content, not extension).
fn is_zip(path: &Path) -> bool {
    let mut head = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| sniff::detect(&head) == sniff::Kind::Zip)
}

fn read_file_capped(path: &Path, limit_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io {
        message: e.to_string(),
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > limit_bytes {
        return Err(ReadError::TooLarge {
            what: "metadata file".to_string(),
            limit_bytes,
        });
    }
    std::fs::read(path).map_err(io)
}

/// One CSV record and the line it starts on (1-based).
#[derive(Debug, PartialEq)]
struct Record {
    line: usize,
    fields: Vec<String>,
}

/// Parses RFC 4180 CSV: comma-separated fields, double-quoted fields that may hold
/// commas, line breaks and doubled quotes; CRLF, LF or CR line ends; a leading BOM;
/// blank lines ignored. A quote inside an unquoted field is kept as text (lenient, as
/// most readers are). Errors: a quoted field never closed, text after a closing quote.
fn parse_csv(text: &str) -> Result<Vec<Record>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut record_line = 1;
    // Nothing of the current field / record read yet.
    let mut field_start = true;
    let mut record_empty = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if field_start => {
                let opened = line;
                loop {
                    match chars.next() {
                        None => return Err(format!("line {opened}: quoted field never closed")),
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(ch) => {
                            // CRLF counts once, at its LF.
                            if ch == '\n' || (ch == '\r' && chars.peek() != Some(&'\n')) {
                                line += 1;
                            }
                            field.push(ch);
                        }
                    }
                }
                match chars.peek() {
                    None | Some(',' | '\n' | '\r') => {}
                    Some(other) => {
                        return Err(format!(
                            "line {line}: {other:?} after the closing quote of a field"
                        ));
                    }
                }
                field_start = false;
                record_empty = false;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                field_start = true;
                record_empty = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if !record_empty {
                    fields.push(std::mem::take(&mut field));
                    records.push(Record {
                        line: record_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                field_start = true;
                record_empty = true;
                line += 1;
                record_line = line;
            }
            other => {
                field.push(other);
                field_start = false;
                record_empty = false;
            }
        }
    }
    if !record_empty {
        fields.push(field);
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<Vec<String>> {
        parse_csv(text)
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.fields)
            .collect()
    }

    fn labels(csv: &str) -> Result<Labels, ReadError> {
        let mut labels = Labels::default();
        labels.add_csv(csv.as_bytes(), |f| format!("x/{f}"))?;
        Ok(labels)
    }

    #[test]
    fn quoted_fields_hold_commas_quotes_and_line_breaks() {
        let text = "\u{feff}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n1,,3";
        assert_eq!(
            fields(text),
            vec![
                vec!["a", "b", "c"],
                vec!["x, y", "say \"hi\"", "two\r\nlines"],
                vec!["1", "", "3"],
            ]
        );
        let lines: Vec<usize> = parse_csv(text)
            .unwrap_or_default()
            .iter()
            .map(|r| r.line)
            .collect();
        assert_eq!(lines, vec![1, 2, 4]);
    }

    #[test]
    fn blank_lines_and_lone_cr_and_trailing_newline() {
        assert_eq!(
            fields("a,b\n\n1,2\r3,4\n"),
            vec![vec!["a", "b"], vec!["1", "2"], vec!["3", "4"]]
        );
        assert_eq!(fields(",\n"), vec![vec!["", ""]]);
        assert_eq!(fields("a\"b,c"), vec![vec!["a\"b", "c"]]);
        assert!(fields("").is_empty());
    }

    #[test]
    fn malformed_quotes_are_errors_with_the_line() {
        assert_eq!(
            parse_csv("a,b\n1,\"open\n2,3\n"),
            Err("line 2: quoted field never closed".to_string())
        );
        assert_eq!(
            parse_csv("a,b\n\"x\"y,1\n"),
            Err("line 2: 'y' after the closing quote of a field".to_string())
        );
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

    #[test]
    fn zip_layout_finds_routes_beside_the_metadata_only() {
        let layout = ZipLayout::of([
            "export_1/activities.csv",
            "export_1/activities/1.fit.gz",
            "export_1/routes/9.gpx",
            "other/routes/8.gpx",
            "routes/7.gpx",
        ]);
        let what = |m: &str| layout.not_an_activity(m).map(|e| e.to_string());
        assert_eq!(
            what("export_1/activities.csv").as_deref(),
            Some("not an activity: Strava export metadata (activities.csv)")
        );
        assert!(what("export_1/routes/9.gpx").is_some_and(|w| w.contains("route")));
        assert!(what("EXPORT_1/Routes/9.gpx").is_some());
        assert_eq!(what("export_1/activities/1.fit.gz"), None);
        assert_eq!(what("other/routes/8.gpx"), None);
        assert_eq!(what("routes/7.gpx"), None);
        let root = ZipLayout::of(["activities.csv"]);
        assert!(root.not_an_activity("routes/7.gpx").is_some());
        assert!(root.not_an_activity("routes.gpx").is_none());
    }

    #[test]
    fn parent_of_keeps_the_slash() {
        assert_eq!(parent_of("a/b/activities.csv"), "a/b/");
        assert_eq!(parent_of("activities.csv"), "");
    }
}
