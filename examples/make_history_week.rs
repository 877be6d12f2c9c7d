//! Writes `fixtures/history_week/` (see `easyrun::write::week`).

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/history_week"));
    let expected = easyrun::write::week::generate(&dir)?;
    println!(
        "wrote {} runs and expected.json to {}",
        expected.len(),
        dir.display()
    );
    Ok(())
}
