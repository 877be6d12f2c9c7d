//! Regenerates the signal-truth fixtures:
//! `cargo run -p easyrun-testkit --example make_signal [DIR]` (default: the
//! repository's `fixtures/signal/`). Same code, same bytes; commit the result.
//! `tests/check_scenarios.rs` judges every file with the built binary and
//! `tests/signal_fixtures.rs` checks the numbers behind each verdict.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| easyrun_testkit::repo_fixtures_dir().join("signal"));
    let manifest = easyrun_testkit::signal::generate(&dir)?;
    println!(
        "wrote {} signal fixtures and manifest.json to {}",
        manifest.scenarios.len(),
        dir.display()
    );
    Ok(())
}
