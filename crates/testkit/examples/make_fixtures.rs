//! Regenerates the bundled fixtures:
//! `cargo run -p easyrun-testkit --example make_fixtures [DIR]` (default: the
//! repository's `fixtures/`). Same code, same bytes; commit the result.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(easyrun_testkit::repo_fixtures_dir);
    let manifest = easyrun_testkit::fixtures::generate(&dir)?;
    println!(
        "wrote {} fixtures and manifest.json to {}",
        manifest.files.len(),
        dir.display()
    );
    Ok(())
}
