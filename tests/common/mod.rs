//! The harness every integration test shares: the built binary run on the repository
//! (with no profile file from the machine running the tests), its output parsed, fresh
//! folders, the real-file corpus when there is one, and snapshots of rendered output.
//!
//! Each test file uses a part of it (`mod common;`), hence the `dead_code` allowance.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The repository (the tests' working folder).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the built `easyrun` with `args` in the repository.
pub fn easyrun(args: &[&str]) -> Output {
    easyrun_in(repo(), args)
}

/// Runs the built `easyrun` with `args` in `dir`, with no user profile to find.
pub fn easyrun_in(dir: &Path, args: &[&str]) -> Output {
    easyrun_with(dir, args, &[])
}

/// Runs the built `easyrun` with `args` in `dir` and the environment variables `env`
/// set, with no user profile to find and none of the caller's color settings
/// (`NO_COLOR`, `CLICOLOR_FORCE`, `CLICOLOR`) unless `env` sets them.
pub fn easyrun_with(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_easyrun"));
    command
        .args(args)
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .env("HOME", "/nonexistent")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("XDG_CACHE_HOME")
        .env("EASYRUN_CACHE_DIR", test_cache_dir());
    for (key, value) in env {
        command.env(key, value);
    }
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run easyrun: {e}"))
}

/// The history cache every run of this test binary shares (unless a test gives its
/// own `EASYRUN_CACHE_DIR`): never the user's.
pub fn test_cache_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cache-{}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ))
}

/// [`easyrun_with`] with path-valued variables (`EASYRUN_CACHE_DIR`, `HOME`).
pub fn easyrun_env(dir: &Path, args: &[&str], vars: &[(&str, &Path)]) -> Output {
    let owned: Vec<(&str, String)> = vars
        .iter()
        .map(|(k, v)| (*k, v.display().to_string()))
        .collect();
    let env: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    easyrun_with(dir, args, &env)
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// The exit status.
pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exited, not killed")
}

/// Standard output as JSON Lines.
pub fn jsonl(out: &Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Standard output as one JSON array.
pub fn json_array(out: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    v.as_array().expect("a JSON array").clone()
}

/// A fresh, empty folder for this test binary and `tag`, under cargo's test temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{}-{tag}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The thresholds the tests judge with: `--max-hr 190 --rest-hr 50`.
pub fn test_flags() -> easyrun::profile::ProfileFlags {
    easyrun::profile::ProfileFlags {
        max_hr: Some(190.0),
        rest_hr: Some(50.0),
        ..Default::default()
    }
}

/// The real-file corpus `EASYRUN_CORPUS` names. When it is not set, the test says so on
/// the terminal (past the harness's output capture, so a passing `cargo test` still
/// tells it did not run) and gets `None`; a variable naming no folder is a failure.
pub fn corpus() -> Option<PathBuf> {
    let Some(root) = std::env::var_os("EASYRUN_CORPUS").map(PathBuf::from) else {
        let test = std::thread::current().name().unwrap_or("?").to_string();
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: EASYRUN_CORPUS is not set (the real-file corpus; see README)"
        );
        return None;
    };
    assert!(
        root.is_dir(),
        "EASYRUN_CORPUS={} is not a folder",
        root.display()
    );
    Some(root)
}

/// Compares `actual` with the committed snapshot `tests/snapshots/NAME`. With
/// `EASYRUN_UPDATE_SNAPSHOTS=1` it (re)writes the snapshot instead: review the diff before
/// committing it.
pub fn assert_snapshot(name: &str, actual: &[u8]) {
    let path = repo().join("tests/snapshots").join(name);
    if std::env::var_os("EASYRUN_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().expect("snapshot folder")).expect("mkdir");
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "no snapshot {} ({e}): write it with EASYRUN_UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    if expected == actual {
        return;
    }
    let got = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("snapshot-{name}"));
    let _ = std::fs::write(&got, actual);
    let (e, a) = (
        String::from_utf8_lossy(&expected),
        String::from_utf8_lossy(actual),
    );
    let line = e
        .lines()
        .zip(a.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| e.lines().count().min(a.lines().count()));
    panic!(
        "{name} differs from its snapshot at line {}:\n  expected: {}\n  got:      {}\n\
         the new output is in {}; if the change is intended, re-bless with \
         EASYRUN_UPDATE_SNAPSHOTS=1 cargo test --test snapshots",
        line + 1,
        e.lines().nth(line).unwrap_or("<end>"),
        a.lines().nth(line).unwrap_or("<end>"),
        got.display()
    );
}
