//! Cleaning holds up on every real file: it never panics, moving time never exceeds the
//! recorded time, and usable heart rate stays within human limits.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::path::PathBuf;

use easyrun::clean;

#[test]
fn corpus_activities_clean_sanely() {
    let Some(root) = common::corpus() else {
        return;
    };
    let mut cleaned = 0;
    for dir in ["fit", "gpx", "tcx", "bad"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(PathBuf::from(&root).join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            for raw in easyrun::ingest::read_path(&path).into_iter().flatten() {
                let a = clean::clean(&raw);
                let name = path.display();
                assert!(a.moving_s() <= a.cleaning.recorded_s, "{name}");
                assert_eq!(a.seconds.len() as u32, a.cleaning.recorded_s, "{name}");
                // The grid never outgrows the samples by more than the bridged gaps.
                assert!(a.seconds.len() <= raw.samples.len() * 10 + 10, "{name}");
                assert!(
                    a.seconds
                        .iter()
                        .filter_map(|s| s.hr_bpm)
                        .all(|h| (30.0..=230.0).contains(&h)),
                    "{name}"
                );
                assert!(a.seconds.windows(2).all(|w| w[0].t_s < w[1].t_s), "{name}");
                cleaned += 1;
            }
        }
    }
    assert!(cleaned > 250, "only {cleaned} activities cleaned");
}
