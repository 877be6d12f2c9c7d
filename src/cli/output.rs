//! Where command output goes: stdout, or a file written atomically (a temporary file in
//! the same folder, renamed over the target only once complete), so `-o` never leaves
//! half a file behind.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::CliError;

/// Writes `render`'s output to `path` atomically, or to stdout when `path` is `None`. A
/// failure is an output error naming where it went.
pub fn write_output(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), CliError> {
    write_to(path, render).map_err(|error| CliError::Output {
        target: target_name(path),
        error,
    })
}

/// How messages name an output: its path, or `stdout`.
pub fn target_name(path: Option<&Path>) -> String {
    path.map_or("stdout".to_string(), |p| p.display().to_string())
}

/// Fails early, before a long batch, when `path` cannot be an output file: its folder
/// does not exist, or it is a folder itself.
pub fn check_target(path: Option<&Path>) -> Result<(), CliError> {
    let Some(path) = path else { return Ok(()) };
    let failed = |error: io::Error| {
        Err(CliError::Output {
            target: target_name(Some(path)),
            error,
        })
    };
    if path.is_dir() {
        return failed(io::Error::from(io::ErrorKind::IsADirectory));
    }
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() && !folder.is_dir() => {
            failed(io::Error::from(io::ErrorKind::NotFound))
        }
        _ => Ok(()),
    }
}

/// Why writing `target` failed, in words that name the folder when it is the folder's
/// fault (a missing folder, one that cannot be written to).
pub fn cause(target: &str, error: &io::Error) -> String {
    let path = Path::new(target);
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
        _ => ".".to_string(),
    };
    let is_file = target != "stdout" && target != "stderr";
    match error.kind() {
        io::ErrorKind::NotFound if is_file && !Path::new(&folder).is_dir() => {
            format!("the folder {folder} does not exist")
        }
        io::ErrorKind::IsADirectory if is_file => "it is a folder; name a file".to_string(),
        io::ErrorKind::PermissionDenied if is_file => {
            format!(
                "permission denied (easyrun writes a temporary file in {folder}, then renames it)"
            )
        }
        io::ErrorKind::StorageFull => "the disk is full".to_string(),
        _ => error.to_string(),
    }
}

fn write_to(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let Some(path) = path else {
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        render(&mut out)?;
        return out.flush();
    };
    if path.is_dir() {
        return Err(io::Error::from(io::ErrorKind::IsADirectory));
    }
    let tmp = temp_path(path);
    let result = (|| {
        let mut out = BufWriter::new(File::create(&tmp)?);
        render(&mut out)?;
        out.flush()?;
        out.get_ref().sync_all()?;
        drop(out);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}
