//! Writes `fixtures/session_truth/` (see `easyrun::write::session_truth`).

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/session_truth")
        });
    let expected = easyrun::write::session_truth::generate(&dir)?;
    println!(
        "wrote {} activities and expected.json to {}",
        expected.activities.len(),
        dir.display()
    );
    Ok(())
}
