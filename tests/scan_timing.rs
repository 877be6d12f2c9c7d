//! The timing clause in `scan`: a run placed within 24 h after a long or hard session
//! keeps it (checked); a run judged only for its name, with no such session before it,
//! breaks it with the information reason `not_after_hard_session` (the verdict does not
//! change); `check` alone cannot check it. Synthetic FIT files from the project's writer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

mod common;

use easyrun::analyze::Settings;
use easyrun::judge::{ClauseName, ClauseStatus, ReasonCode};
use easyrun::model::Timestamp;
use easyrun::scan::{ScanConfig, run_batch};
use easyrun_testkit::fit::{FitOptions, encode};
use easyrun_testkit::gpx::{GpxFlavour, encode as gpx_encode};
use easyrun_testkit::synth::RunSpec;

fn write(dir: &std::path::Path, name: &str, start: &str, minutes: u32, run_name: &str) -> PathBuf {
    let run = RunSpec::new(Timestamp::parse_rfc3339(start).unwrap(), minutes * 60)
        .pace(380.0)
        .hr(128.0, 132.0)
        .name(run_name)
        .build();
    let path = dir.join(name);
    // GPX carries the activity's name (the FIT writer does not write one).
    let bytes = if name.ends_with(".gpx") {
        gpx_encode(&run, GpxFlavour::GarminConnect)
    } else {
        encode(&run, &FitOptions::default())
    };
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn scan_checks_the_timing_clause_from_the_history() {
    let dir = std::env::temp_dir().join(format!("easyrun-scan-timing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let files = vec![
        // A 2-h long run, a 30-min run the next morning (placed), and a 30-min run named
        // "recovery" four days later with nothing hard before it.
        write(&dir, "a_long.fit", "2025-05-04T07:00:00Z", 120, "Long run"),
        write(
            &dir,
            "b_next_morning.fit",
            "2025-05-05T06:30:00Z",
            30,
            "Morning run",
        ),
        write(
            &dir,
            "c_named.gpx",
            "2025-05-09T06:30:00Z",
            30,
            "Recovery jog",
        ),
    ];
    let config = ScanConfig {
        settings: Settings {
            flags: common::test_flags(),
            ..Settings::default()
        },
        ..ScanConfig::default()
    };
    let result = run_batch(&files, &config, &());
    let timing = |stem: &str| {
        let e = result
            .entries
            .iter()
            .find(|e| e.analysis.header.source.contains(stem))
            .unwrap();
        let a = &e.analysis.assessment;
        let c = a
            .clauses
            .iter()
            .find(|c| c.clause == ClauseName::Timing)
            .unwrap()
            .clone();
        (
            e.judged,
            c.status,
            a.reasons.iter().map(|r| r.code).collect::<Vec<_>>(),
            a.verdict,
        )
    };
    let (judged, status, codes, _) = timing("b_next_morning");
    assert!(judged);
    assert_eq!(status, ClauseStatus::Checked);
    assert!(!codes.contains(&ReasonCode::NotAfterHardSession));
    let (judged, status, codes, verdict) = timing("c_named");
    assert!(judged);
    assert_eq!(status, ClauseStatus::Broken);
    assert!(
        codes.contains(&ReasonCode::NotAfterHardSession),
        "{codes:?}"
    );
    assert_eq!(verdict, easyrun::judge::Verdict::Pass, "information only");
    let _ = std::fs::remove_dir_all(&dir);
}
