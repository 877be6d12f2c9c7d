//! `easyrun completions SHELL` and `easyrun manpage`: generated from the same clap
//! definition as the command line itself, so they never fall behind a flag.

use super::args::CompletionsArgs;
use super::{CliError, Exit, command, manpage, output};

/// The completion script for `args.shell`, on stdout.
pub fn completions(args: &CompletionsArgs) -> Result<Exit, CliError> {
    let mut cmd = command();
    // Generated into memory: clap_complete panics when its writer fails (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "easyrun", &mut script);
    output::write_output(None, |out| out.write_all(&script))?;
    Ok(Exit::Ok)
}

/// easyrun(1) in roff, on stdout.
pub fn manpage() -> Result<Exit, CliError> {
    output::write_output(None, |out| manpage::write(out, command()))?;
    Ok(Exit::Ok)
}
