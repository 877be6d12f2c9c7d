//! What goes to stderr besides the progress line, in every output format (results go
//! to stdout): errors — a file not read, an activity not judged, a command that
//! stopped — and warnings, each on one line that names its source and ends with its
//! stable code (`[truncated]`); and notes, plain lines that only inform (a map's index
//! being built on its first use).

use easyrun::report::check::paint;
use easyrun::report::escape::terminal;
use easyrun::scan::{Scan, ScanError};

use super::color::Colors;

// Messages quote file names and file content: every line is escaped for the terminal
// (control characters as `\e`, `\n`, `\x07`, as `ls -b` does) before it is colored.

/// `easyrun: error: MESSAGE`, "error" in bold red when stderr is colored.
pub fn error(message: &str, colors: Colors) {
    eprintln!(
        "easyrun: {} {}",
        paint("error:", "1;31", colors.stderr),
        terminal(message)
    );
}

/// `easyrun: warning: MESSAGE`, "warning" in bold yellow when stderr is colored.
pub fn warning(message: &str, colors: Colors) {
    eprintln!(
        "easyrun: {} {}",
        paint("warning:", "1;33", colors.stderr),
        terminal(message)
    );
}

/// `easyrun: MESSAGE`: information, neither error nor warning.
pub fn note(message: &str) {
    eprintln!("easyrun: {}", terminal(message));
}

/// A batch's errors, one line each with its code.
pub fn batch_errors(errors: &[ScanError], colors: Colors) {
    for e in errors {
        error(&format!("{} [{}]", e.message, e.kind), colors);
    }
}

/// Everything a batch has to say on stderr: its warnings (a start that cannot be
/// true, a history file skipped, a history cache rebuilt or not written), then its
/// errors.
pub fn batch(scan: &Scan, colors: Colors) {
    for w in &scan.warnings {
        warning(&format!("{} [{}]", w.message, w.kind), colors);
    }
    for e in &scan.history_errors {
        warning(
            &format!("history: {} (skipped) [{}]", e.message, e.kind),
            colors,
        );
    }
    for w in scan.cache.iter().flat_map(|c| &c.warnings) {
        warning(w, colors);
    }
    batch_errors(&scan.errors, colors);
}
