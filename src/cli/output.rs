//! Where command output goes: stdout, or a file given with `-o` (and `--junit`, a
//! re-pinned baseline), written as [`target`](super::target) decides: atomically over a
//! regular file or a new path (a temporary file in the same folder, renamed over the
//! target only once complete, so `-o` never leaves half a file behind), in place for a
//! device or a FIFO with a reader, never over an input of the run.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::CliError;
use super::target::{self, Inputs, Target};

/// Where one output goes, checked before the run starts.
pub struct Destination {
    /// How messages name it: the path as given, or `stdout`.
    label: String,
    /// `None` for stdout.
    target: Option<Target>,
}

/// Checks `path` (stdout when `None`) as a destination for a run reading `inputs`: an
/// output error naming the path when it cannot or must not be written.
pub fn destination(
    path: Option<&Path>,
    inputs: impl FnOnce() -> Inputs,
) -> Result<Destination, CliError> {
    let label = path.map_or("stdout".to_string(), super::shown_path);
    let target = match path {
        None => None,
        Some(path) => Some(
            target::resolve(path, inputs).map_err(|error| CliError::Output {
                target: label.clone(),
                error,
            })?,
        ),
    };
    Ok(Destination { label, target })
}

impl Destination {
    /// Writes `render`'s output here; a failure is an output error naming where it
    /// went.
    pub fn write(
        &self,
        render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), CliError> {
        let result = match &self.target {
            None => {
                let stdout = io::stdout();
                let mut out = BufWriter::new(stdout.lock());
                render(&mut out).and_then(|()| out.flush())
            }
            Some(target) => target::write(target, render),
        };
        result.map_err(|error| CliError::Output {
            target: self.label.clone(),
            error,
        })
    }
}

/// Writes `render`'s output to `path` (stdout when `None`), checked as
/// [`destination`] checks it against no inputs.
pub fn write_output(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), CliError> {
    destination(path, Inputs::default)?.write(render)
}

/// How messages name an output: its path, or `stdout`.
pub fn target_name(path: Option<&Path>) -> String {
    path.map_or("stdout".to_string(), super::shown_path)
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
