//! Regenerates the bundled fixtures: `cargo run --example make_fixtures [DIR]`
//! (default: the crate's `fixtures/`). Same code, same bytes; commit the result.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
    let manifest = easyrun::write::fixtures::generate(&dir)?;
    println!(
        "wrote {} fixtures and manifest.json to {}",
        manifest.files.len(),
        dir.display()
    );
    Ok(())
}
