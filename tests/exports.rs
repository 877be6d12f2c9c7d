//! Service exports end to end: Strava's `activities.csv` labels joined to the activities
//! read from a folder and from a zip of it, `routes/` skipped in both, and a Garmin
//! Connect export whose nested uploads zip mixes activities with non-activity FITs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::Write;
use std::path::{Path, PathBuf};

use easyrun::ReadError;
use easyrun::ingest::labels::{Label, Labels};
use easyrun::ingest::read_path;
use easyrun::walk;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn strava_dir() -> PathBuf {
    fixtures().join("strava_export")
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("easyrun-exports-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The activity files of the Strava fixture: `Filename` → (name, type, exertion).
const STRAVA: [(&str, &str, &str, Option<f64>); 4] = [
    (
        "activities/16010000001.fit.gz",
        "Easy, slow recovery",
        "Run",
        Some(2.0),
    ),
    (
        "activities/16010000002.gpx.gz",
        "Evening Run",
        "Run",
        Some(3.0),
    ),
    ("activities/16010000003.tcx.gz", "Lunch Run", "Run", None),
    (
        "activities/16010000004.gpx",
        "Morning Trail",
        "Trail Run",
        Some(4.0),
    ),
];
const ROUTE: &str = "routes/16020000001.gpx";

fn label(name: &str, kind: &str, exertion: Option<f64>) -> Label {
    Label {
        name: Some(name.to_string()),
        activity_type: Some(kind.to_string()),
        perceived_exertion: exertion,
    }
}

/// Zips the Strava fixture folder into `zip_path`, its files under `prefix`.
fn zip_strava_folder(zip_path: &Path, prefix: &str) {
    let dir = strava_dir();
    let mut members = vec!["activities.csv".to_string(), ROUTE.to_string()];
    members.extend(STRAVA.iter().map(|(f, ..)| f.to_string()));
    members.sort();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for member in members {
        writer
            .start_file(format!("{prefix}{member}"), options)
            .unwrap();
        writer
            .write_all(&std::fs::read(dir.join(&member)).unwrap())
            .unwrap();
    }
    writer.finish().unwrap();
}

/// Every activity read from `paths` (as a scan expands them) has the expected label.
fn assert_every_activity_labelled(paths: &[PathBuf], labels: &Labels) -> usize {
    let expanded = walk::expand(paths);
    let mut labelled = 0;
    for file in &expanded.files {
        for result in read_path(file) {
            let Ok(activity) = result else { continue };
            let got = labels
                .get(&activity.source)
                .unwrap_or_else(|| panic!("no label for {}", activity.source));
            let (_, name, kind, exertion) = STRAVA
                .iter()
                .find(|(f, ..)| activity.source.ends_with(f))
                .unwrap();
            assert_eq!(got, &label(name, kind, *exertion), "{}", activity.source);
            labelled += 1;
        }
    }
    labelled
}

#[test]
fn labels_from_the_strava_folder() {
    let dir = strava_dir();
    let (labels, errors) = Labels::collect(std::slice::from_ref(&dir));
    assert!(errors.is_empty(), "{errors:?}");
    // Four rows with a file; the row entered by hand has none.
    assert_eq!(labels.len(), 4);
    for (file, name, kind, exertion) in STRAVA {
        let source = dir.join(file).display().to_string();
        assert_eq!(
            labels.get(&source),
            Some(&label(name, kind, exertion)),
            "{source}"
        );
    }
    assert_eq!(
        labels
            .get(&dir.join(STRAVA[0].0).display().to_string())
            .and_then(|l| l.name.as_deref()),
        Some("Easy, slow recovery")
    );
    assert_eq!(assert_every_activity_labelled(&[dir], &labels), 4);
}

#[test]
fn labels_are_found_from_a_parent_folder_and_from_the_csv_itself() {
    let (from_parent, errors) = Labels::collect(&[fixtures()]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(from_parent.len(), 4);
    assert_eq!(
        assert_every_activity_labelled(&[fixtures().join("strava_export")], &from_parent),
        4
    );
    let (from_csv, errors) = Labels::collect(&[strava_dir().join("activities.csv")]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(from_csv, Labels::collect(&[strava_dir()]).0);
}

#[test]
fn routes_beside_activities_csv_are_skipped_in_folder_walks() {
    let dir = strava_dir();
    let expanded = walk::expand(std::slice::from_ref(&dir));
    let route = dir.join(ROUTE);
    assert!(expanded.skipped.contains(&route), "{:?}", expanded.skipped);
    assert!(expanded.skipped.contains(&dir.join("activities.csv")));
    assert!(!expanded.files.contains(&route));
    assert_eq!(expanded.files.len(), 4, "{:?}", expanded.files);

    // Without an activities.csv beside it, routes/ is an ordinary folder.
    let tmp = TempDir::new("plain-routes");
    std::fs::create_dir_all(tmp.0.join("routes")).unwrap();
    std::fs::copy(&route, tmp.0.join(ROUTE)).unwrap();
    let expanded = walk::expand(std::slice::from_ref(&tmp.0));
    assert_eq!(expanded.files, vec![tmp.0.join(ROUTE)]);
    assert!(expanded.skipped.is_empty());
}

#[test]
fn labels_and_routes_in_a_zip_of_the_strava_folder() {
    let tmp = TempDir::new("strava-zip");
    for prefix in ["", "export_99/"] {
        let zip_path = tmp.0.join(format!("export_99{}.zip", prefix.len()));
        zip_strava_folder(&zip_path, prefix);
        let zip_source = zip_path.display().to_string();

        let (labels, errors) = Labels::collect(std::slice::from_ref(&zip_path));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(labels.len(), 4);
        let key = format!("{zip_source}/{prefix}activities/16010000001.fit.gz");
        assert_eq!(
            labels.get(&key),
            Some(&label("Easy, slow recovery", "Run", Some(2.0))),
            "{key}"
        );

        let results = read_path(&zip_path);
        let read: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(read.len(), 4);
        for activity in &read {
            assert!(
                labels.get(&activity.source).is_some(),
                "{}",
                activity.source
            );
        }
        let errors: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        for (error, member) in errors.iter().zip(["activities.csv", ROUTE]) {
            assert_eq!(error.source_name, format!("{zip_source}/{prefix}{member}"));
            assert_eq!(error.error.kind(), "not_an_activity");
        }
        assert!(
            errors[1].to_string().contains("route in a Strava export"),
            "{}",
            errors[1]
        );
    }
    // A zip found in a folder walk is looked into too.
    let (labels, errors) = Labels::collect(std::slice::from_ref(&tmp.0));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(labels.len(), 8);
}

#[test]
fn garmin_export_yields_the_activities_and_names_the_non_activities() {
    let zip = fixtures().join("garmin_export.zip");
    let results = read_path(&zip);
    assert_eq!(results.len(), 4);
    let uploads = format!(
        "{}/DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip",
        zip.display()
    );
    let sources: Vec<(String, &str)> = results
        .iter()
        .map(|r| match r {
            Ok(a) => (a.source.clone(), "activity"),
            Err(e) => (e.source_name.clone(), e.error.kind()),
        })
        .collect();
    assert_eq!(
        sources,
        vec![
            (format!("{uploads}/runner_19900000001.fit"), "activity"),
            (
                format!("{uploads}/runner_19900000002.fit"),
                "not_an_activity"
            ),
            (format!("{uploads}/runner_19900000003.fit"), "activity"),
            (
                format!("{uploads}/runner_19900000004.fit"),
                "not_an_activity"
            ),
        ]
    );
    let whats: Vec<String> = results
        .iter()
        .filter_map(|r| match r {
            Err(e) => match &e.error {
                ReadError::NotAnActivity { what } => Some(what.clone()),
                _ => None,
            },
            Ok(_) => None,
        })
        .collect();
    assert_eq!(whats, ["FIT monitoring_b file", "FIT 49 file"]);
    // No activities.csv: no labels, no errors.
    let (labels, errors) = Labels::collect(&[zip]);
    assert!(labels.is_empty() && errors.is_empty());
}

#[test]
fn a_broken_csv_is_a_typed_error_naming_it_and_the_scan_goes_on() {
    let tmp = TempDir::new("broken-csv");
    let csv = tmp.0.join("activities.csv");
    std::fs::write(
        &csv,
        "Activity ID,Activity Name,Filename\n1,\"Easy, slow,activities/1.gpx\n",
    )
    .unwrap();
    std::fs::create_dir_all(tmp.0.join("activities")).unwrap();
    let run = strava_dir().join(STRAVA[3].0);
    std::fs::copy(&run, tmp.0.join("activities/1.gpx")).unwrap();

    let (labels, errors) = Labels::collect(std::slice::from_ref(&tmp.0));
    assert!(labels.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].source_name, csv.display().to_string());
    assert_eq!(errors[0].error.kind(), "bad_metadata");
    assert_eq!(
        errors[0].error,
        ReadError::BadMetadata {
            message: "line 2: quoted field never closed".to_string()
        }
    );
    assert!(errors[0].to_string().contains("activities.csv"));
    // The activity beside it still reads.
    let expanded = walk::expand(std::slice::from_ref(&tmp.0));
    assert_eq!(expanded.files, vec![tmp.0.join("activities/1.gpx")]);
    assert!(read_path(&expanded.files[0]).iter().all(Result::is_ok));

    // The same CSV inside a zip is named as a member; a CSV without a Filename
    // column is an error too.
    let zip_path = tmp.0.join("export_1.zip");
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    writer.start_file("export/activities.csv", options).unwrap();
    writer.write_all(&std::fs::read(&csv).unwrap()).unwrap();
    writer.start_file("other/activities.csv", options).unwrap();
    writer
        .write_all(b"Activity ID,Activity Name\n1,x\n")
        .unwrap();
    writer.finish().unwrap();
    let (_, errors) = Labels::collect(std::slice::from_ref(&zip_path));
    let named: Vec<(String, &str)> = errors
        .iter()
        .map(|e| (e.source_name.clone(), e.error.kind()))
        .collect();
    let zip_source = zip_path.display().to_string();
    assert_eq!(
        named,
        vec![
            (
                format!("{zip_source}/export/activities.csv"),
                "bad_metadata"
            ),
            (format!("{zip_source}/other/activities.csv"), "bad_metadata"),
        ]
    );
}
