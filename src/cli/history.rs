//! What the command line adds to judging runs in a history: the history cache's folder
//! (`--no-cache`, `EASYRUN_CACHE_DIR`), `--latest`'s default folders (`history = [...]`
//! in easyrun.toml, `~` expanded), and `easyrun cache info|clear`.

use std::path::{Path, PathBuf};

use easyrun::analyze::Settings;
use easyrun::scan::cache;

use super::args::{CacheAction, CacheArgs};
use super::{CliError, Exit};

/// The cache folder the batch uses: none with `--no-cache` (or when no folder can be
/// named: no `EASYRUN_CACHE_DIR`, `XDG_CACHE_HOME` or `HOME`).
pub fn cache_dir(no_cache: bool) -> Option<PathBuf> {
    if no_cache {
        return None;
    }
    cache::default_dir(|k| std::env::var_os(k))
}

/// `~` and `~/…` to the home folder; anything else as written.
pub fn expand_tilde(path: &str) -> PathBuf {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
    match (path, home) {
        ("~", Some(home)) => PathBuf::from(home),
        (p, Some(home)) if p.starts_with("~/") => {
            Path::new(&home).join(p.get(2..).unwrap_or_default())
        }
        (p, _) => PathBuf::from(p),
    }
}

/// `--latest`'s folders: those given, else the profile file's `history`.
pub fn latest_paths(given: &[PathBuf], settings: &Settings) -> Result<Vec<PathBuf>, CliError> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let from_file: Vec<PathBuf> = settings
        .profile_file
        .iter()
        .flat_map(|(_, file)| file.history.iter())
        .map(|p| expand_tilde(p))
        .collect();
    if from_file.is_empty() {
        Err(CliError::NoHistoryPaths)
    } else {
        Ok(from_file)
    }
}

/// `easyrun cache info|clear`.
pub fn cache(args: &CacheArgs) -> Result<Exit, CliError> {
    let Some(dir) = cache_dir(false) else {
        println!("no cache folder: set EASYRUN_CACHE_DIR, XDG_CACHE_HOME or HOME");
        return Ok(Exit::Ok);
    };
    let failed = |error| CliError::Cache {
        dir: dir.clone(),
        error,
    };
    match args.action {
        CacheAction::Info => {
            let files = cache::info(&dir).map_err(failed)?;
            println!("history cache: {}", dir.display());
            if files.is_empty() {
                println!("  empty");
            }
            for f in &files {
                let name = f.path.file_name().map(|n| n.to_string_lossy().into_owned());
                let what = match f.files {
                    Some(n) => format!("{n} history files, {} activities", f.activities),
                    None => "broken (rebuilt on next use)".to_string(),
                };
                let build = if f.current_build {
                    "this build"
                } else {
                    "another build (removed on next write)"
                };
                println!(
                    "  {} · {:.1} KB · {what} · {build}",
                    name.unwrap_or_default(),
                    f.bytes as f64 / 1024.0
                );
            }
        }
        CacheAction::Clear => {
            let n = cache::clear(&dir).map_err(failed)?;
            println!("history cache {}: {n} files removed", dir.display());
        }
    }
    Ok(Exit::Ok)
}
