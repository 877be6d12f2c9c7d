//! Regenerates `fixtures/session_truth/` (see `easyrun_testkit::session_truth`):
//! `cargo run -p easyrun-testkit --example make_session_truth [DIR]` (default: the
//! repository's `fixtures/session_truth`). Same code, same bytes; commit the result.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| easyrun_testkit::repo_fixtures_dir().join("session_truth"));
    let expected = easyrun_testkit::session_truth::generate(&dir)?;
    println!(
        "wrote {} activities and expected.json to {}",
        expected.activities.len(),
        dir.display()
    );
    Ok(())
}
