//! The `easyrun` command line: the only code that prints.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
