//! `easyrun manpage`: one manual page, easyrun(1), in roff, from the same clap
//! definition and help lists as `--help`: the synopsis and global options (clap_mangen),
//! then every command with its options, examples and exit statuses, the environment
//! and the files easyrun reads. One page, as ripgrep's rg(1), so `man easyrun` and a
//! search in it find everything.

use std::io::{self, Write};

use clap_mangen::Man;
use clap_mangen::roff::{Inline, Roff, bold, italic, roman};

use super::help::{self, CommandHelp};

/// Writes the page for `command` (easyrun's decorated clap definition) to `out`.
pub fn write(out: &mut dyn Write, command: clap::Command) -> io::Result<()> {
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let man = Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;

    let mut roff = Roff::default();
    roff.control("SH", ["COMMANDS"]);
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        subcommand(&mut roff, sub);
    }
    roff.control("SH", ["EXAMPLES"]);
    examples(&mut roff, &help::TOP);
    roff.control("SH", ["EXIT STATUS"]);
    exits(&mut roff, &help::TOP);
    roff.text([roman(
        "A wrong command line (a usage error) exits 2. A closed pipe (easyrun scan ... | head) ends quietly with 0.",
    )]);
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, what) in ENVIRONMENT {
        roff.control("TP", []);
        roff.text([bold(*name)]);
        roff.text([roman(*what)]);
    }
    roff.control("SH", ["FILES"]);
    roff.control("TP", []);
    roff.text([
        italic("./easyrun.toml"),
        roman(", "),
        italic("~/.config/easyrun/easyrun.toml"),
    ]);
    roff.text([roman(
        "The athlete profile (max, resting and threshold heart rate, age, zones, phase), read when no --profile is given; flags override it.",
    )]);
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman(
        "README.md and docs/ in the source: the verdict's rules (docs/verdict.md), the history (docs/history.md), the output schema (docs/output-schema.md).",
    )]);
    roff.to_writer(out)?;
    man.render_version_section(out)
}

/// Environment variables easyrun reads.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "NO_COLOR",
        "When set and not empty, no color with --color auto (no-color.org).",
    ),
    (
        "CLICOLOR_FORCE",
        "When set, not empty and not 0, color even into a pipe or file with --color auto (NO_COLOR wins over it).",
    ),
    ("CLICOLOR", "0: no color with --color auto."),
    (
        "XDG_CONFIG_HOME, HOME",
        "Where the user's easyrun.toml is looked for.",
    ),
];

/// One command: its synopsis, what it does, its options, examples and statuses.
fn subcommand(roff: &mut Roff, sub: &clap::Command) {
    let name = sub.get_name();
    let title = format!("easyrun {name}");
    roff.control("SS", [title.as_str()]);
    let mut synopsis: Vec<Inline> = vec![bold(format!("easyrun {name}"))];
    for arg in sub.get_positionals() {
        let value = value_names(arg).unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        let many = arg.get_num_args().is_some_and(|n| n.max_values() > 1);
        synopsis.push(roman(" [options] "));
        synopsis.push(italic(format!("{value}{}", if many { "..." } else { "" })));
    }
    if sub.get_positionals().next().is_none() && has_options(sub) {
        synopsis.push(roman(" [options]"));
    }
    roff.text(synopsis);
    if let Some(about) = sub.get_long_about().or_else(|| sub.get_about()) {
        roff.control("PP", []);
        roff.text([roman(about.to_string())]);
    }
    for arg in sub
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_positional())
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version" | "color"))
    {
        option(roff, arg);
    }
    if let Some(h) = help::of(name) {
        roff.control("PP", []);
        roff.text([bold("Examples")]);
        examples(roff, h);
        roff.control("PP", []);
        roff.text([bold("Exit status")]);
        exits(roff, h);
    }
}

fn has_options(sub: &clap::Command) -> bool {
    sub.get_arguments()
        .any(|a| !a.is_positional() && !matches!(a.get_id().as_str(), "help" | "version" | "color"))
}

fn value_names(arg: &clap::Arg) -> Option<String> {
    let names: Vec<String> = arg
        .get_value_names()?
        .iter()
        .map(|n| n.to_string())
        .collect();
    (!names.is_empty()).then(|| names.join(" "))
}

/// `-q, --quiet`, `--max-hr BPM`: the option, its help, its words and default.
fn option(roff: &mut Roff, arg: &clap::Arg) {
    roff.control("TP", []);
    let mut head: Vec<Inline> = Vec::new();
    if let Some(short) = arg.get_short() {
        head.push(bold(format!("-{short}")));
        head.push(roman(", "));
    }
    if let Some(long) = arg.get_long() {
        head.push(bold(format!("--{long}")));
    }
    if arg.get_action().takes_values() {
        let value = value_names(arg).unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
        head.push(roman(" "));
        head.push(italic(value));
    }
    roff.text(head);
    let mut body = arg
        .get_long_help()
        .or_else(|| arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    let values: Vec<_> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect();
    if !values.is_empty() && values.iter().all(|v| v.get_help().is_none()) {
        let words: Vec<&str> = values.iter().map(|v| v.get_name()).collect();
        body.push_str(&format!(" (one of: {})", words.join(", ")));
    }
    if !defaults.is_empty() && arg.get_action().takes_values() {
        body.push_str(&format!(" [default: {}]", defaults.join(", ")));
    }
    roff.text([roman(body)]);
    if values.iter().any(|v| v.get_help().is_some()) {
        roff.control("RS", []);
        for v in &values {
            roff.control("TP", []);
            roff.text([italic(v.get_name())]);
            roff.text([roman(
                v.get_help().map(|h| h.to_string()).unwrap_or_default(),
            )]);
        }
        roff.control("RE", []);
    }
}

fn examples(roff: &mut Roff, h: &CommandHelp) {
    for e in h.examples {
        roff.control("TP", []);
        roff.text([roman(e.what)]);
        roff.text([bold(e.command)]);
    }
}

fn exits(roff: &mut Roff, h: &CommandHelp) {
    for (code, meaning) in h.exits {
        roff.control("TP", []);
        roff.text([bold(code.to_string())]);
        roff.text([roman(*meaning)]);
    }
}
