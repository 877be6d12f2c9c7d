//! Opening an input without trusting what the path names: a FIFO, a device or a
//! socket named on the command line (or swapped in after the walk) must be a clear
//! error, never a read that blocks forever or streams a device's endless bytes.
//!
//! On Unix the file is opened with `O_NONBLOCK` (opening a FIFO for reading then
//! returns at once instead of waiting for a writer; for regular files the flag means
//! nothing) and its type is checked on the open descriptor (`fstat`), so there is no
//! window between the check and the read. Elsewhere the type is checked first.

use std::fs::{File, Metadata};
use std::path::Path;

use crate::error::ReadError;

/// What kind of file system object `meta` describes, in words for messages; `None`
/// for a regular file or a folder.
pub fn special_kind(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() || t.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    if t.is_symlink() {
        return Some("a symbolic link");
    }
    Some("not a regular file")
}

fn io_error(e: &std::io::Error) -> ReadError {
    ReadError::Io {
        message: e.to_string(),
    }
}

fn not_regular(meta: &Metadata) -> ReadError {
    match special_kind(meta) {
        Some(kind) => ReadError::NotRegularFile { what: kind },
        None => ReadError::NotRegularFile { what: "a folder" },
    }
}

/// Opens the regular file at `path` for reading (following symlinks), with its
/// metadata; anything else is [`ReadError::NotRegularFile`] and nothing blocks.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), ReadError> {
    let file = open_nonblocking(path).map_err(|e| io_error(&e))?;
    let meta = file.metadata().map_err(|e| io_error(&e))?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok((file, meta))
}

/// The largest settings file (profile, baseline, manifest) [`read_settings_file`] reads.
pub const MAX_SETTINGS_FILE_BYTES: u64 = 64 << 20;

/// Reads a file of settings (a profile file, a baseline, a manifest) as
/// [`open_regular`] opens an input: a FIFO or device is an error (`InvalidInput`,
/// saying what it is), never a wait, and more than [`MAX_SETTINGS_FILE_BYTES`] is an
/// error too. A missing file keeps its `NotFound` kind.
pub fn read_settings_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            not_regular(&meta).to_string(),
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_SETTINGS_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SETTINGS_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {MAX_SETTINGS_FILE_BYTES} bytes"),
        ));
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK keeps a FIFO's open from waiting for a writer; O_NOCTTY keeps a
    // terminal device from becoming the controlling terminal. Reads from a regular
    // file are unaffected by either.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other(not_regular(&meta).to_string()));
    }
    File::open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = std::env::temp_dir().join(format!("easyrun-open-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let fifo = dir.join("x.fit");
        let _ = std::fs::remove_file(&fifo);
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap_or_default();
        // SAFETY: a valid NUL-terminated path.
        let made = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
        assert_eq!(made, 0);
        let got = open_regular(&fifo).map(|_| ());
        assert_eq!(
            got.map_err(|e| e.kind()),
            Err("not_regular_file"),
            "a FIFO is no input"
        );
        assert!(matches!(
            open_regular(Path::new("/dev/null")),
            Err(ReadError::NotRegularFile {
                what: "a character device"
            })
        ));
        assert!(matches!(
            open_regular(&dir),
            Err(ReadError::NotRegularFile { what: "a folder" })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
