//! What `--help` adds after the options of each command: a few examples (the first
//! thing to run, then the common variants) and the exit statuses. The same lists feed
//! the man page (`easyrun manpage`) and are checked against the README by the tests, so
//! the three say the same things.

use clap::builder::StyledStr;
use clap::builder::styling::Styles;

/// One example: what it does, and the command line.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// What the command does, as a sentence ending in a colon.
    pub what: &'static str,
    /// The command line, as typed.
    pub command: &'static str,
}

/// The help text one command adds: examples and exit statuses.
#[derive(Debug, Clone, Copy)]
pub struct CommandHelp {
    /// The subcommand (`""` for `easyrun` itself).
    pub name: &'static str,
    /// The first thing to run first, then variants.
    pub examples: &'static [Example],
    /// Each status and when the command exits with it.
    pub exits: &'static [(u8, &'static str)],
}

const fn ex(what: &'static str, command: &'static str) -> Example {
    Example { what, command }
}

/// The output could not be written: every command, in its own words.
const OUTPUT: (u8, &str) = (
    4,
    "the output could not be written (stdout, -o FILE, --junit FILE)",
);
const STDOUT: (u8, &str) = (4, "stdout could not be written");
const FILE: (u8, &str) = (
    4,
    "the output (stdout or -o FILE) could not be written, or must not be (an input of the run, a folder)",
);
const NOTHING: (u8, &str) = (
    5,
    "no activities found in the paths (an empty folder, only side files)",
);
const REGRESS_OUTPUT: (u8, &str) = (
    4,
    "the output (stdout, --junit FILE, the re-pinned baseline) could not be written",
);

/// `easyrun` itself: where to start, and every status any command gives.
pub const TOP: CommandHelp = CommandHelp {
    name: "",
    examples: &[
        ex(
            "Start here: scan a whole Strava or Garmin export (the zip as downloaded, or its folder):",
            "easyrun scan --max-hr 188 --rest-hr 52 export_12345678.zip",
        ),
        ex(
            "Judge one run as a recovery run:",
            "easyrun check --max-hr 188 --rest-hr 52 run.fit",
        ),
        ex(
            "The same history as one HTML page to open in a browser:",
            "easyrun report --max-hr 188 --rest-hr 52 export_12345678.zip -o report.html",
        ),
        ex(
            "Every command's own examples and exit statuses:",
            "easyrun help scan",
        ),
    ],
    exits: &[
        (0, "all read; nothing failed"),
        (
            1,
            "a run failed (check; scan --fail-on fail|warn); regress: differences",
        ),
        (
            2,
            "a file could not be read, or the settings, a baseline or the command line are wrong",
        ),
        (3, "a run could not be judged, and none failed"),
        OUTPUT,
        (
            5,
            "nothing to judge: no activities found in the paths (an empty folder, only side files), or check --latest found no run",
        ),
    ],
};

/// Each subcommand's examples and statuses, in the order `--help` lists the commands.
pub const COMMANDS: &[CommandHelp] = &[
    CommandHelp {
        name: "inspect",
        examples: &[
            ex(
                "What a file holds, values as recorded:",
                "easyrun inspect run.fit",
            ),
            ex(
                "Every activity of an export, one JSON object a line:",
                "easyrun inspect --format jsonl export_12345678.zip",
            ),
        ],
        exits: &[
            (0, "every file was read"),
            (2, "a file could not be read"),
            STDOUT,
            NOTHING,
        ],
    },
    CommandHelp {
        name: "check",
        examples: &[
            ex(
                "Judge a run with your max and resting heart rate:",
                "easyrun check --max-hr 188 --rest-hr 52 run.fit",
            ),
            ex(
                "Several files, as JSON for a script:",
                "easyrun check --max-hr 188 --rest-hr 52 --format json *.fit",
            ),
            ex(
                "Fail (exit 1) on a warning too:",
                "easyrun check --strict --max-hr 188 --rest-hr 52 run.fit",
            ),
            ex(
                "A run in the context of your history (the session it recovers from, your baseline):",
                "easyrun check today.fit --history ~/Garmin/Activities",
            ),
            ex(
                "The newest run of a folder (or of `history = [...]` in easyrun.toml):",
                "easyrun check --latest ~/Garmin/Activities",
            ),
        ],
        exits: &[
            (0, "every run passed or warned"),
            (1, "a run failed (or warned, with --strict)"),
            (
                2,
                "a file could not be read, or no thresholds or wrong settings were given",
            ),
            (3, "a run could not be judged, and none failed"),
            STDOUT,
            (
                5,
                "nothing to judge: no activities found in the paths, or --latest found no run",
            ),
        ],
    },
    CommandHelp {
        name: "scan",
        examples: &[
            ex(
                "A whole export, its recovery runs judged week by week:",
                "easyrun scan --max-hr 188 --rest-hr 52 export_12345678.zip",
            ),
            ex(
                "Without --max-hr it is estimated from the history:",
                "easyrun scan ~/garmin-export",
            ),
            ex(
                "One row per activity (and per unreadable file) for a spreadsheet:",
                "easyrun scan --format csv -o runs.csv export_12345678.zip",
            ),
            ex(
                "Exit 1 when a judged recovery run failed:",
                "easyrun scan --fail-on fail --max-hr 188 --rest-hr 52 runs/",
            ),
        ],
        exits: &[
            (
                0,
                "nothing at the --fail-on level (default: every file read)",
            ),
            (
                1,
                "--fail-on fail: a recovery run failed; --fail-on warn: one failed or warned",
            ),
            (2, "a file could not be read (unless --fail-on never)"),
            (3, "--fail-on warn: a recovery run could not be judged"),
            FILE,
            NOTHING,
        ],
    },
    CommandHelp {
        name: "regress",
        examples: &[
            ex(
                "Compare a scan with the committed baseline:",
                "easyrun regress --max-hr 190 --rest-hr 50 fixtures --baseline fixtures/baseline.json",
            ),
            ex(
                "Re-pin the baseline after an intended change:",
                "easyrun regress --max-hr 190 --rest-hr 50 fixtures --baseline fixtures/baseline.json --update",
            ),
            ex(
                "JUnit XML for CI, beside the readable diff:",
                "easyrun regress fixtures --baseline fixtures/baseline.json --junit junit.xml",
            ),
        ],
        exits: &[
            (0, "no differences"),
            (1, "differences"),
            (
                2,
                "the baseline or manifest is missing or broken, or the command line is wrong",
            ),
            REGRESS_OUTPUT,
        ],
    },
    CommandHelp {
        name: "report",
        examples: &[
            ex(
                "One page for a whole export:",
                "easyrun report --max-hr 188 --rest-hr 52 export_12345678.zip -o report.html",
            ),
            ex(
                "Chart the 20 most recent runs too, with a title:",
                "easyrun report --recent 20 --title \"Spring block\" runs/ -o spring.html",
            ),
        ],
        exits: &[
            (0, "the page was written"),
            (2, "a file could not be read (the page lists it)"),
            FILE,
            NOTHING,
        ],
    },
    CommandHelp {
        name: "cache",
        examples: &[
            ex(
                "Where the history cache is and what it holds:",
                "easyrun cache info",
            ),
            ex(
                "Remove it (it is rebuilt on the next use):",
                "easyrun cache clear",
            ),
        ],
        exits: &[
            (0, "done"),
            (2, "the cache folder could not be listed or cleared"),
            STDOUT,
        ],
    },
    CommandHelp {
        name: "completions",
        examples: &[
            ex(
                "bash:",
                "easyrun completions bash > ~/.local/share/bash-completion/completions/easyrun",
            ),
            ex(
                "zsh (a folder on your $fpath):",
                "easyrun completions zsh > ~/.zfunc/_easyrun",
            ),
            ex(
                "fish:",
                "easyrun completions fish > ~/.config/fish/completions/easyrun.fish",
            ),
        ],
        exits: &[(0, "the script was written"), STDOUT],
    },
    CommandHelp {
        name: "manpage",
        examples: &[
            ex(
                "Install the page for `man easyrun`:",
                "easyrun manpage > ~/.local/share/man/man1/easyrun.1",
            ),
            ex("Read it without installing:", "easyrun manpage | man -l -"),
        ],
        exits: &[(0, "the page was written"), STDOUT],
    },
];

/// The help of subcommand `name`.
pub fn of(name: &str) -> Option<&'static CommandHelp> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The examples and exit statuses as `--help` prints them after the options, in clap's
/// header style (bold and underlined on a color terminal).
pub fn after_help(help: &CommandHelp) -> StyledStr {
    let header = *Styles::default().get_header();
    let mut text = format!("{header}Examples:{header:#}\n");
    for e in help.examples {
        text.push_str(&format!("  {}\n    {}\n", e.what, e.command));
    }
    text.push_str(&format!("\n{header}Exit status:{header:#}\n"));
    for (code, meaning) in help.exits {
        text.push_str(&format!("  {code}  {meaning}\n"));
    }
    text.push('\n');
    if help.name.is_empty() {
        text.push_str("Documentation: README.md and docs/ in the source, or `easyrun manpage`.");
    } else {
        text.push_str("A wrong command line (a usage error) exits 2.");
    }
    StyledStr::from(text.trim_end().to_string())
}

/// `command` (easyrun's clap definition) with the examples and exit statuses after
/// the options of itself and of every subcommand.
pub fn decorate(command: clap::Command) -> clap::Command {
    let mut command = command.after_help(after_help(&TOP));
    for help in COMMANDS {
        command = command.mut_subcommand(help.name, |c| c.after_help(after_help(help)));
    }
    command
}
