//! The `easyrun` command line: the only code that prints.

mod cli;

use std::io;
use std::process::ExitCode;

use clap::Parser;

use cli::args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Inspect(args) => cli::inspect(args),
        Command::Check(args) => cli::check(args),
        Command::Scan(args) => cli::scan(args),
        Command::Regress(args) => cli::regress(args),
        Command::Report(args) => cli::report(args),
    };
    match result {
        Ok(exit) => exit.into(),
        // `easyrun inspect … | head` closes the pipe early: that is not an error.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("easyrun: {e}");
            cli::Exit::Unreadable.into()
        }
    }
}
