//! Build script: a hash of the library's sources, manifest and dependency lock, exported as
//! `EASYRUN_SOURCE_HASH`. The history cache (src/scan/cache.rs) keys its files by it, so
//! a build whose code could compute other facts never reads facts an older build wrote
//! (docs/decisions.md).

use std::fs;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// FNV-1a, 64 bits.
fn fnv(hash: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *hash ^= u64::from(*b);
        *hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
}

fn main() {
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=Cargo.toml");
    let mut paths = Vec::new();
    files(Path::new("src"), &mut paths);
    paths.push(PathBuf::from("Cargo.lock"));
    paths.push(PathBuf::from("Cargo.toml"));
    paths.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in &paths {
        fnv(&mut hash, path.to_string_lossy().as_bytes());
        fnv(&mut hash, &fs::read(path).unwrap_or_default());
    }
    println!("cargo:rustc-env=EASYRUN_SOURCE_HASH={hash:016x}");
}
