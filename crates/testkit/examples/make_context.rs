//! Writes the histories for checking a run in context (see `easyrun_testkit::context`):
//! `cargo run -p easyrun-testkit --example make_context DIR`, then e.g.
//! `easyrun check DIR/baseline/forced.fit --history DIR/baseline/history --max-hr 190
//! --rest-hr 50` or `easyrun check --latest DIR/latest --max-hr 190 --rest-hr 50`.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: make_context DIR");
        std::process::exit(2);
    };
    easyrun_testkit::context::generate(&dir)?;
    println!(
        "wrote long_and_after/, baseline/ and latest/ to {}",
        dir.display()
    );
    Ok(())
}
