//! The scenario fixtures judged by the built binary: for every entry of
//! `fixtures/scenarios/manifest.json` and `fixtures/signal/manifest.json` (issue 10's
//! real-watch signals), `easyrun check --format json <flags> <file>` must give the listed
//! verdict, exactly the listed reason codes, the moving time and the matching exit
//! status; regenerating either folder gives the same bytes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use easyrun::judge::Verdict;
use easyrun_testkit::scenarios::{self, MOVING_TOLERANCE_S, Scenario, ScenarioManifest};
use easyrun_testkit::signal;
use serde_json::Value;

/// The two generated folders judged here, each with its generator and example.
const FOLDERS: [&str; 2] = ["scenarios", "signal"];

fn fixtures_dir(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(folder)
}

fn generate(folder: &str, dir: &Path) -> ScenarioManifest {
    match folder {
        "signal" => signal::generate(dir).expect("signal fixtures generate"),
        _ => scenarios::generate(dir).expect("scenarios generate"),
    }
}

fn example(folder: &str) -> &'static str {
    match folder {
        "signal" => "make_signal",
        _ => "make_scenarios",
    }
}

fn load_manifest(dir: &Path) -> ScenarioManifest {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// File names in `dir` (flat), `manifest.json` excluded.
fn files_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "manifest.json")
        .collect()
}

/// The committed manifest, after checking it is usable: not empty, unique names, sorted
/// codes, every listed file present and every file listed.
fn checked_manifest(folder: &str) -> ScenarioManifest {
    let dir = fixtures_dir(folder);
    let manifest = load_manifest(&dir);
    assert!(
        !manifest.scenarios.is_empty(),
        "the scenario manifest lists nothing"
    );
    let mut names = BTreeSet::new();
    let mut listed = BTreeSet::new();
    for s in &manifest.scenarios {
        assert!(names.insert(s.name.clone()), "{} is listed twice", s.name);
        assert!(
            s.codes.windows(2).all(|w| w[0] < w[1]),
            "{}: codes not sorted and unique: {:?}",
            s.name,
            s.codes
        );
        listed.insert(s.path.clone());
    }
    let on_disk = files_in(&dir);
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "manifest entries without a file: {missing:?}"
    );
    assert!(
        unlisted.is_empty(),
        "scenario files not in the manifest: {unlisted:?}"
    );
    manifest
}

/// The verdict the brief's precedence gives for the reasons' severities.
fn verdict_from(severities: &[&str], codes: &[String]) -> &'static str {
    let has = |s: &str| severities.contains(&s);
    if codes.iter().any(|c| c == "not_a_run") {
        "unknown"
    } else if has("fail") {
        "fail"
    } else if has("unknown") {
        "unknown"
    } else if has("warn") {
        "warn"
    } else {
        "pass"
    }
}

/// Runs the binary on one entry; returns what differs from the manifest.
fn judge(exe: &str, dir: &Path, s: &Scenario) -> Vec<String> {
    let mut bad = Vec::new();
    let output = Command::new(exe)
        .arg("check")
        .args(["--format", "json"])
        .args(&s.flags)
        .arg(dir.join(&s.path))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {exe}: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The documented contract (README, manifest notes): 0 pass/warn, 1 fail, 3 unknown.
    let expected_status = match s.verdict {
        Verdict::Pass | Verdict::Warn => 0,
        Verdict::Fail => 1,
        Verdict::Unknown => 3,
    };
    if output.status.code() != Some(expected_status) {
        bad.push(format!(
            "exit status {:?}, expected {expected_status}; stderr: {}",
            output.status.code(),
            stderr.trim()
        ));
    }
    let json: Value = match serde_json::from_slice(&output.stdout) {
        Ok(v) => v,
        Err(e) => {
            bad.push(format!(
                "stdout is not JSON ({e}): {:.200}",
                String::from_utf8_lossy(&output.stdout)
            ));
            return bad;
        }
    };
    let Some([activity]) = json.as_array().map(Vec::as_slice) else {
        bad.push(format!(
            "expected an array of one activity, got {json:.200}"
        ));
        return bad;
    };
    if activity["schema_version"] != 1 {
        bad.push(format!("schema_version {}", activity["schema_version"]));
    }
    let verdict = activity["verdict"].as_str().unwrap_or("<missing>");
    if verdict != s.verdict.as_str() {
        bad.push(format!(
            "verdict {verdict}, expected {}",
            s.verdict.as_str()
        ));
    }
    let reasons = activity["reasons"].as_array().cloned().unwrap_or_default();
    let mut codes: Vec<String> = reasons
        .iter()
        .map(|r| r["code"].as_str().unwrap_or("<missing>").to_string())
        .collect();
    codes.sort();
    if codes != s.codes {
        let detail: Vec<String> = reasons
            .iter()
            .map(|r| format!("{} ({}): {}", r["code"], r["severity"], r["message"]))
            .collect();
        bad.push(format!(
            "codes {codes:?}, expected {:?}; reasons: {detail:?}",
            s.codes
        ));
    }
    let severities: Vec<&str> = reasons
        .iter()
        .map(|r| r["severity"].as_str().unwrap_or("<missing>"))
        .collect();
    let implied = verdict_from(&severities, &codes);
    if implied != verdict {
        bad.push(format!(
            "verdict {verdict} does not follow from the severities {severities:?} ({implied})"
        ));
    }
    if let Some(expected) = s.moving_s {
        match activity["moving_s"].as_f64() {
            Some(got) if (got - expected).abs() <= MOVING_TOLERANCE_S => {}
            got => bad.push(format!(
                "moving_s {got:?}, expected {expected} ± {MOVING_TOLERANCE_S}"
            )),
        }
    }
    bad
}

#[test]
fn manifest_lists_every_scenario_file() {
    for folder in FOLDERS {
        checked_manifest(folder);
    }
}

#[test]
fn check_gives_every_scenario_its_verdict_and_reasons() {
    let exe = env!("CARGO_BIN_EXE_easyrun");
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for folder in FOLDERS {
        let manifest = checked_manifest(folder);
        let dir = fixtures_dir(folder);
        for s in &manifest.scenarios {
            checked += 1;
            for problem in judge(exe, &dir, s) {
                failures.push(format!("{folder}/{} ({}): {problem}", s.name, s.path));
            }
        }
    }
    assert!(checked > 0, "no scenario was checked");
    assert!(
        failures.is_empty(),
        "{} problems in {checked} scenarios:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn regenerating_scenarios_gives_identical_bytes() {
    for folder in FOLDERS {
        regenerates_identically(folder);
    }
}

fn regenerates_identically(folder: &str) {
    let tmp = std::env::temp_dir().join(format!("easyrun-{folder}-regen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let fresh = generate(folder, &tmp);
    let committed = fixtures_dir(folder);
    let example = example(folder);
    let result = std::panic::catch_unwind(|| {
        assert_eq!(
            fresh,
            load_manifest(&committed),
            "{folder}/manifest.json differs (run `cargo run -p easyrun-testkit --example {example}`)"
        );
        assert_eq!(
            files_in(&tmp),
            files_in(&committed),
            "{folder}: file sets differ"
        );
        let mut differ = Vec::new();
        for name in files_in(&tmp)
            .iter()
            .chain(["manifest.json".to_string()].iter())
        {
            let a = std::fs::read(tmp.join(name)).unwrap();
            let b = std::fs::read(committed.join(name)).unwrap();
            if a != b {
                differ.push(name.clone());
            }
        }
        assert!(
            differ.is_empty(),
            "regenerated {folder} fixtures differ (run `cargo run -p easyrun-testkit --example {example}`): {differ:?}"
        );
    });
    let _ = std::fs::remove_dir_all(&tmp);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
