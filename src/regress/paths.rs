//! Paths in a baseline or manifest: every source a scan names is written relative to
//! the folder of the file that pins it, `/`-separated, so a baseline diffs the same on
//! every machine and checkout. Computed lexically (no file-system access), so a file
//! that has disappeared still has its key.

use std::path::{Component, Path, PathBuf};

/// The folder keys are relative to, and the working directory scan sources are
/// relative to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    cwd: PathBuf,
    dir: PathBuf,
}

impl Anchor {
    /// Keys relative to the folder holding `file` (a baseline or manifest), for sources
    /// named relative to `cwd` (absolute).
    pub fn of_file(cwd: &Path, file: &Path) -> Anchor {
        let dir = file.parent().unwrap_or(Path::new(""));
        Anchor {
            cwd: normalize(cwd),
            dir: normalize(&cwd.join(dir)),
        }
    }

    /// The key of a scan source (a file path, or `archive.zip/member`).
    pub fn key(&self, source: &str) -> String {
        relative(&self.dir, &normalize(&self.cwd.join(source)))
    }

    /// The folder keys are relative to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// `path` with `.` dropped and `..` applied, lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    out.iter().collect()
}

/// `target` relative to the folder `base` (both normalised and absolute), with `..`
/// where it lies outside; `/`-separated. Paths with different roots (Windows drives)
/// give `target` in full.
pub fn relative(base: &Path, target: &Path) -> String {
    let b: Vec<Component<'_>> = base.components().collect();
    let t: Vec<Component<'_>> = target.components().collect();
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let rooted = |c: &Component<'_>| matches!(c, Component::Prefix(_) | Component::RootDir);
    let same_root = b
        .iter()
        .zip(&t)
        .take_while(|(x, _)| rooted(x))
        .all(|(x, y)| x == y);
    let name = |c: &Component<'_>| c.as_os_str().to_string_lossy().into_owned();
    if !same_root {
        return t.iter().map(name).collect::<Vec<_>>().join("/");
    }
    let mut parts: Vec<String> = b.iter().skip(common).map(|_| "..".to_string()).collect();
    parts.extend(t.iter().skip(common).map(name));
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_relative_to_the_pinning_file() {
        let a = Anchor::of_file(Path::new("/repo"), Path::new("fixtures/baseline.json"));
        assert_eq!(a.key("fixtures/scenarios/hilly.fit"), "scenarios/hilly.fit");
        assert_eq!(a.key("./fixtures/a.zip/act/1.fit"), "a.zip/act/1.fit");
        assert_eq!(a.key("other/run.fit"), "../other/run.fit");
        assert_eq!(a.key("/repo/fixtures/x/../y.gpx"), "y.gpx");
    }

    #[test]
    fn a_file_in_the_working_directory_anchors_there() {
        let a = Anchor::of_file(Path::new("/repo/sub"), Path::new("baseline.json"));
        assert_eq!(a.key("runs/a.fit"), "runs/a.fit");
        assert_eq!(a.dir(), Path::new("/repo/sub"));
    }

    #[test]
    fn normalize_applies_dots() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(normalize(Path::new("../a")), PathBuf::from("../a"));
    }
}
