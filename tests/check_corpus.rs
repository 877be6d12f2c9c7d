//! `check` on the real corpus: every running activity gets a verdict with reasons (or a
//! reasoned `unknown`), nothing panics, every non-run is `unknown` with `not_a_run`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::PathBuf;

use easyrun::analyze::{Settings, analyze};
use easyrun::judge::{ReasonCode, Severity, Verdict};
use easyrun::model::Sport;
use easyrun::profile::ProfileFlags;

#[test]
fn every_corpus_run_gets_a_reasoned_verdict() {
    let Some(root) = common::corpus() else {
        return;
    };
    let settings = Settings {
        flags: common::test_flags(),
        ..Settings::default()
    };
    let (mut runs, mut others) = (0, 0);
    for dir in ["fit", "gpx", "tcx"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(PathBuf::from(&root).join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            for raw in easyrun::ingest::read_path(&path).into_iter().flatten() {
                let a = analyze(&raw, &settings).unwrap();
                let v = a.assessment.verdict;
                let codes: Vec<ReasonCode> = a.assessment.reasons.iter().map(|r| r.code).collect();
                let name = path.display();
                for r in &a.assessment.reasons {
                    assert!(!r.message.is_empty(), "{name}: empty message");
                }
                if raw.sport == Some(Sport::Running) {
                    runs += 1;
                    match v {
                        Verdict::Unknown => assert!(
                            a.assessment
                                .reasons
                                .iter()
                                .any(|r| r.severity == Severity::Unknown),
                            "{name}: unknown without a reason"
                        ),
                        Verdict::Fail | Verdict::Warn => assert!(
                            a.assessment
                                .reasons
                                .iter()
                                .any(|r| r.severity >= Severity::Warn),
                            "{name}: {v:?} without a reason"
                        ),
                        Verdict::Pass => assert!(
                            a.assessment
                                .reasons
                                .iter()
                                .all(|r| r.severity == Severity::Info),
                            "{name}: pass with {codes:?}"
                        ),
                    }
                } else {
                    others += 1;
                    assert_eq!(v, Verdict::Unknown, "{name}");
                    assert!(codes.contains(&ReasonCode::NotARun), "{name}: {codes:?}");
                }
            }
        }
    }
    assert!(runs > 120, "only {runs} runs judged");
    assert!(others > 50, "only {others} other activities");
}

/// Known corpus runs whose verdict is clear from the reference facts (README table A/C).
#[test]
fn corpus_runs_known_to_be_easy_or_hard() {
    let Some(root) = common::corpus() else {
        return;
    };
    let settings = Settings {
        flags: ProfileFlags {
            max_hr: Some(195.0),
            rest_hr: Some(50.0),
            ..ProfileFlags::default()
        },
        ..Settings::default()
    };
    let judge = |rel: &str| {
        let raw = easyrun::ingest::read_path(&PathBuf::from(&root).join(rel))
            .into_iter()
            .next()
            .unwrap()
            .unwrap();
        analyze(&raw, &settings).unwrap().assessment
    };
    // 25 min at avg HR 95 on the flat (Suunto, README table A): a recovery run.
    let easy = judge("fit/GoldenCheetah-GoldenCheetah__Move_2020_01_15_19_27_16_Running.fit");
    assert_eq!(easy.verdict, Verdict::Pass, "{:?}", easy.reasons);
    // A hard 21-min treadmill run at avg HR 169 (table C): too hard, surface fine.
    let hard = judge("fit/Runalyze-Runalyze__FR920xt-with-runscribe-plus.fit");
    assert_eq!(hard.verdict, Verdict::Fail);
    assert!(
        hard.reasons
            .iter()
            .any(|r| r.code == ReasonCode::TooHard && r.severity == Severity::Fail)
    );
    assert!(
        !hard
            .reasons
            .iter()
            .any(|r| r.code == ReasonCode::HardSurface || r.code == ReasonCode::Hilly)
    );
    // A 2:39 h mountain run with 1 800 m of altitude range: hilly and too long.
    let mountain = judge("fit/jimmykane-sports-lib__suunto-uphill.fit");
    let codes: Vec<ReasonCode> = mountain.reasons.iter().map(|r| r.code).collect();
    assert!(
        codes.contains(&ReasonCode::Hilly) && codes.contains(&ReasonCode::TooLong),
        "{codes:?}"
    );
    // No heart rate at all: intensity unknown.
    let no_hr = judge("fit/Runalyze-Runalyze__FR920xt-with-Stryd.fit");
    assert!(no_hr.reasons.iter().any(|r| r.code == ReasonCode::NoHr));
}
