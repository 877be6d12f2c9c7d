//! Regenerates the scenario fixtures:
//! `cargo run -p easyrun-testkit --example make_scenarios [DIR]` (default: the
//! repository's `fixtures/scenarios/`). Same code, same bytes; commit the result.
//! `tests/check_scenarios.rs` judges every file with the built binary.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| easyrun_testkit::repo_fixtures_dir().join("scenarios"));
    let manifest = easyrun_testkit::scenarios::generate(&dir)?;
    println!(
        "wrote {} scenarios and manifest.json to {}",
        manifest.scenarios.len(),
        dir.display()
    );
    Ok(())
}
