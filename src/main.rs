//! The `easyrun` command line: the only code that prints.

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::args::Cli;

fn main() -> ExitCode {
    cli::run(&Cli::parse().command)
}
