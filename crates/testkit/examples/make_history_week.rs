//! Writes `fixtures/history_week/` (see `easyrun_testkit::week`):
//! `cargo run -p easyrun-testkit --example make_history_week [DIR]`.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| easyrun_testkit::repo_fixtures_dir().join("history_week"));
    let expected = easyrun_testkit::week::generate(&dir)?;
    println!(
        "wrote {} runs and expected.json to {}",
        expected.len(),
        dir.display()
    );
    Ok(())
}
