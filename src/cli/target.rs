//! Where `-o FILE` (and `--junit`, a re-pinned baseline) really writes, decided before
//! anything is written:
//!
//! - a symbolic link is followed to its target (as a shell's `>` does), so the link
//!   stays and its target gets the output;
//! - a regular file, or a path that does not exist yet, is written atomically: a new
//!   temporary file beside it (created exclusively, so nothing planted under that name
//!   is followed), renamed over it once complete, keeping the old file's permissions;
//! - a character device (`/dev/null`, `/dev/full`, a terminal) is written in place;
//!   a FIFO too, when some process reads it (opened without blocking: a FIFO nobody
//!   reads is an error, not a hang);
//! - a folder, a block device or a socket is refused;
//! - any input of the same run (the very file, or another name of it: a hard link, a
//!   path through a symlink) is refused before the run starts.
//!
//! Every error names the path it is about ([`super::CliError::Output`]).

use std::fs::{self, File, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Symbolic links followed before giving up (the kernel's own limit is 40).
const MAX_LINKS: usize = 40;

/// How the output reaches its destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A temporary file beside `path`, renamed over it when complete (`path` is a
    /// regular file or does not exist).
    Atomic(PathBuf),
    /// The device or FIFO at `path`, written as it is.
    InPlace(PathBuf),
}

fn refuse(why: String) -> io::Error {
    io::Error::other(why)
}

/// The path `path` names once every symbolic link in its last component is followed
/// (a dangling link gives the path it points to, which writing creates).
fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(e) => return Err(e),
        }
    }
    Err(refuse(format!(
        "more than {MAX_LINKS} symbolic links to follow (a loop?)"
    )))
}

/// Decides how to write to `path`; `inputs` gives the files the run reads, asked only
/// when `path` exists (a new file replaces nothing, and gathering the inputs is a walk
/// with a stat and a realpath of every file).
pub fn resolve(path: &Path, inputs: impl FnOnce() -> Inputs) -> io::Result<Target> {
    let real = follow_links(path)?;
    let meta = match fs::metadata(&real) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // A new file: its folder must exist, checked now rather than after a long
            // batch (the message then names the missing folder).
            return match real.parent() {
                Some(folder) if !folder.as_os_str().is_empty() && !folder.is_dir() => Err(e),
                _ => Ok(Target::Atomic(real)),
            };
        }
        Err(e) => return Err(e),
    };
    if inputs().contains(&real, &meta) {
        return Err(refuse(
            "it is an input of this run (refusing to overwrite it)".to_string(),
        ));
    }
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(Target::Atomic(real));
    }
    if kind.is_dir() {
        return Err(io::Error::from(io::ErrorKind::IsADirectory));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() || kind.is_fifo() {
            return Ok(Target::InPlace(real));
        }
        if kind.is_block_device() {
            return Err(refuse(
                "it is a block device (refusing to write a report over a disk)".to_string(),
            ));
        }
        if kind.is_socket() {
            return Err(refuse("it is a socket".to_string()));
        }
    }
    Err(refuse("it is not a regular file".to_string()))
}

/// Writes `render`'s output to `target`.
pub fn write(
    target: &Target,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match target {
        Target::Atomic(path) => write_atomic(path, render),
        Target::InPlace(path) => {
            let file = open_in_place(path)?;
            let mut out = io::BufWriter::new(file);
            render(&mut out)?;
            out.flush()
        }
    }
}

fn write_atomic(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let old = fs::metadata(path).ok();
    let (tmp, file) = create_temp(path)?;
    let result = (|| {
        if let Some(old) = &old {
            keep_permissions(&file, old)?;
        }
        let mut out = io::BufWriter::new(file);
        render(&mut out)?;
        out.flush()?;
        out.get_ref().sync_all()?;
        drop(out);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A new temporary file in `path`'s folder, created exclusively (`O_EXCL`: a file or
/// link already under that name is never opened).
fn create_temp(path: &Path) -> io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    let pid = std::process::id();
    let mut last = None;
    for attempt in 0..100u32 {
        let tmp = path.with_file_name(format!(".{name}.tmp-{pid}-{attempt}"));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| refuse("no free temporary name".to_string())))
}

fn keep_permissions(file: &File, old: &Metadata) -> io::Result<()> {
    file.set_permissions(old.permissions())
}

#[cfg(unix)]
fn open_in_place(path: &Path) -> io::Result<File> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let file = fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ENXIO) {
                refuse("it is a FIFO that no process is reading".to_string())
            } else {
                e
            }
        })?;
    // Opened without waiting; writes then block as usual (a reader that is slow must
    // not make a write fail half-way).
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is the open descriptor of `file`, alive for both calls.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above; only O_NONBLOCK is cleared.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(file)
}

#[cfg(not(unix))]
fn open_in_place(path: &Path) -> io::Result<File> {
    fs::OpenOptions::new().write(true).open(path)
}

/// The files a run reads, by identity (device and inode on Unix, so another name of
/// the same file is still the same file; the canonical path elsewhere).
#[derive(Debug, Default, Clone)]
pub struct Inputs {
    #[cfg(unix)]
    ids: std::collections::HashSet<(u64, u64)>,
    paths: std::collections::HashSet<PathBuf>,
}

impl Inputs {
    /// The files among `files` (paths that do not exist are no input).
    pub fn of<'a>(files: impl IntoIterator<Item = &'a PathBuf>) -> Inputs {
        let mut inputs = Inputs::default();
        for file in files {
            if let Ok(meta) = fs::metadata(file) {
                inputs.add(file, &meta);
            }
        }
        inputs
    }

    fn add(&mut self, path: &Path, meta: &Metadata) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            self.ids.insert((meta.dev(), meta.ino()));
        }
        let _ = meta;
        if let Ok(real) = fs::canonicalize(path) {
            self.paths.insert(real);
        }
    }

    fn contains(&self, path: &Path, meta: &Metadata) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if self.ids.contains(&(meta.dev(), meta.ino())) {
                return true;
            }
        }
        let _ = meta;
        fs::canonicalize(path).is_ok_and(|real| self.paths.contains(&real))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn temp(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("easyrun-target-{tag}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let _ = fs::create_dir_all(&dir);
        dir
    }

    #[test]
    fn links_are_followed_and_inputs_refused() {
        let dir = temp("links");
        let input = dir.join("in.fit");
        let _ = fs::write(&input, b"fit");
        let link = dir.join("link.json");
        let _ = std::os::unix::fs::symlink("real.json", &link);
        let inputs = Inputs::of([&input]);
        assert_eq!(
            resolve(&link, || inputs.clone()).ok(),
            Some(Target::Atomic(dir.join("real.json")))
        );
        let _ = write(&Target::Atomic(dir.join("real.json")), |out| {
            out.write_all(b"{}")
        });
        assert!(fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
        assert_eq!(
            fs::read(dir.join("real.json")).ok().as_deref(),
            Some(&b"{}"[..])
        );
        let hard = dir.join("hard.fit");
        let _ = fs::hard_link(&input, &hard);
        for p in [&input, &hard] {
            let e = resolve(p, || inputs.clone()).err().map(|e| e.to_string());
            assert!(
                e.is_some_and(|e| e.contains("input of this run")),
                "{}",
                p.display()
            );
        }
        assert!(resolve(&dir, || inputs.clone()).is_err());
        assert_eq!(
            resolve(Path::new("/dev/null"), || inputs.clone()).ok(),
            Some(Target::InPlace(PathBuf::from("/dev/null")))
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_inputs_are_gathered_only_for_a_file_that_exists() {
        let dir = temp("lazy");
        let input = dir.join("in.fit");
        let _ = fs::write(&input, b"fit");
        let asked = std::cell::Cell::new(0);
        let inputs = || {
            asked.set(asked.get() + 1);
            Inputs::of([&input])
        };
        let new = dir.join("new.jsonl");
        assert_eq!(resolve(&new, inputs).ok(), Some(Target::Atomic(new)));
        assert_eq!(asked.get(), 0, "a new file replaces nothing");
        assert!(resolve(&input, inputs).is_err());
        assert_eq!(asked.get(), 1);
        let _ = fs::remove_dir_all(&dir);
    }
}
