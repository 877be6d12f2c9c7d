//! What each command does with its arguments, and the exit codes.

pub mod args;

use std::io::{self, Write};
use std::process::ExitCode;

use easyrun::batch;
use easyrun::report::inspect::{self, InspectFormat};

use args::{InspectArgs, OutputFormat};

/// Exit codes shared by all commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// A file could not be read, or the command line was wrong.
    Unreadable = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

pub fn inspect(args: &InspectArgs) -> io::Result<Exit> {
    let expanded = batch::expand(&args.paths);
    let mut items: Vec<inspect::InspectItem> = expanded.errors.into_iter().map(Err).collect();
    items.extend(batch::with_jobs(args.jobs, || {
        batch::map_files(&expanded.files, inspect::summarize)
    }));
    let format = match args.format {
        OutputFormat::Text => InspectFormat::Text,
        OutputFormat::Json => InspectFormat::Json,
        OutputFormat::Jsonl => InspectFormat::Jsonl,
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    inspect::write(&mut out, &items, format)?;
    out.flush()?;
    Ok(if items.iter().any(Result::is_err) {
        Exit::Unreadable
    } else {
        Exit::Ok
    })
}
