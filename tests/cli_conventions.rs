//! What a command-line user expects (issue 15): help with examples and exit statuses
//! that the README repeats, `-V` and `-q` on every command, completions and a man page,
//! `--color` and its environment, results on stdout and errors on stderr, CSV error rows,
//! output errors that name the path and the cause.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::{code, easyrun, easyrun_with, repo, stderr, stdout, temp_dir};

/// Every subcommand, as `--help` lists them.
const COMMANDS: &[&str] = &[
    "inspect",
    "check",
    "scan",
    "regress",
    "report",
    "cache",
    "completions",
    "manpage",
];

/// The lines of `text` under `header` up to the next blank line.
fn section<'a>(text: &'a str, header: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != header)
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

/// The example command lines of a help text (indented four spaces under "Examples:").
fn example_commands(help: &str) -> Vec<String> {
    section(help, "Examples:")
        .iter()
        .filter_map(|l| l.strip_prefix("    "))
        .map(str::to_string)
        .collect()
}

/// `(status, meaning)` of a help text's "Exit status:" section.
fn exit_statuses(help: &str) -> Vec<(u8, String)> {
    section(help, "Exit status:")
        .iter()
        .map(|l| {
            let l = l.trim_start();
            let (status, meaning) = l.split_once("  ").expect("`N  meaning`");
            (status.parse().expect("a status"), meaning.to_string())
        })
        .collect()
}

#[test]
fn every_help_has_examples_and_exit_statuses() {
    let top = stdout(&easyrun(&["--help"]));
    let examples = example_commands(&top);
    assert!(examples.len() >= 3, "{top}");
    assert!(
        examples[0].starts_with("easyrun scan "),
        "what to run first comes first: {examples:?}"
    );
    let statuses: Vec<u8> = exit_statuses(&top).iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses, [0, 1, 2, 3, 4, 5], "{top}");
    for cmd in COMMANDS {
        let out = easyrun(&[cmd, "--help"]);
        assert_eq!(code(&out), 0, "{cmd}");
        let help = stdout(&out);
        let examples = example_commands(&help);
        assert!(!examples.is_empty(), "{cmd}: {help}");
        for e in &examples {
            assert!(e.starts_with(&format!("easyrun {cmd}")), "{cmd}: {e}");
        }
        let statuses = exit_statuses(&help);
        assert_eq!(statuses.first().map(|s| s.0), Some(0), "{cmd}: {help}");
        assert!(
            statuses.iter().any(|s| s.0 == 4),
            "{cmd}: exit 4 for output"
        );
        assert!(
            help.contains("A wrong command line (a usage error) exits 2."),
            "{cmd}"
        );
        // `easyrun help CMD` says the same.
        assert_eq!(stdout(&easyrun(&["help", cmd])), help, "{cmd}");
    }
    // The statuses each command states are the ones it gives.
    let check = exit_statuses(&stdout(&easyrun(&["check", "--help"])));
    let codes: Vec<u8> = check.iter().map(|s| s.0).collect();
    assert_eq!(codes, [0, 1, 2, 3, 4, 5]);
    assert_eq!(
        code(&easyrun(&[
            "check",
            "--max-hr",
            "190",
            "--rest-hr",
            "50",
            "fixtures/bad/bad_crc.fit"
        ])),
        2
    );
}

#[test]
fn the_readme_says_what_help_says() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut helps = vec![stdout(&easyrun(&["--help"]))];
    helps.extend(COMMANDS.iter().map(|c| stdout(&easyrun(&["help", c]))));
    for help in &helps {
        for e in example_commands(help) {
            assert!(readme.contains(&e), "README lacks the example `{e}`");
        }
    }
    let table: String = readme.replace("\\|", "|");
    for (status, meaning) in exit_statuses(&helps[0]) {
        let row = format!("| {status} | {meaning} |");
        assert!(table.contains(&row), "README lacks the row `{row}`");
    }
    assert!(readme.contains("cargo install --path ."));
    assert!(readme.contains("## Quick start"));
}

#[test]
fn version_and_quiet_on_every_command() {
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        stdout(&easyrun(&["-V"])).trim_end(),
        format!("easyrun {version}")
    );
    for cmd in COMMANDS {
        let out = easyrun(&[cmd, "-V"]);
        assert_eq!(code(&out), 0, "{cmd}");
        assert_eq!(
            stdout(&out).trim_end(),
            format!("easyrun-{cmd} {version}"),
            "{cmd}"
        );
    }
    let dir = temp_dir("quiet");
    let page = dir.join("r.html");
    let runs: [&[&str]; 8] = [
        &["completions", "-q", "bash"],
        &["cache", "-q", "info"],
        &["manpage", "-q"],
        &["inspect", "-q", "fixtures/paused_run.fit"],
        &[
            "check",
            "-q",
            "--max-hr",
            "190",
            "--rest-hr",
            "50",
            "fixtures/paused_run.fit",
        ],
        &["scan", "-q", "--max-hr", "190", "fixtures/history_week"],
        &[
            "report",
            "-q",
            "--max-hr",
            "190",
            "fixtures/history_week",
            "-o",
            page.to_str().unwrap(),
        ],
        &[
            "regress",
            "-q",
            "fixtures/history_week",
            "--baseline",
            "fixtures/baseline.json",
        ],
    ];
    for args in runs {
        let out = easyrun(args);
        // regress compares a sub-folder with the whole baseline: differences, exit 1.
        assert!(
            matches!(code(&out), 0 | 1),
            "{args:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(!stderr(&out).contains("unexpected argument"), "{args:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _easyrun"),
        ("zsh", "#compdef easyrun"),
        ("fish", "complete -c easyrun"),
        ("elvish", "edit:completion:arg-completer[easyrun]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = easyrun(&["completions", shell]);
        assert_eq!(code(&out), 0, "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}: no `{marker}`");
        for word in ["scan", "report", "max-hr", "fail-on", "completions"] {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
    }
    // The bash script is valid bash.
    let script = stdout(&easyrun(&["completions", "bash"]));
    let dir = temp_dir("completions");
    let file = dir.join("easyrun.bash");
    std::fs::write(&file, script).unwrap();
    if let Ok(out) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .output()
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(code(&easyrun(&["completions", "tcsh"])), 2, "not a shell");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_man_page_has_every_command_its_examples_and_statuses() {
    let out = easyrun(&["manpage"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH easyrun 1"));
    assert!(page.contains(".TH easyrun 1"), "{page}");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH COMMANDS",
        ".SH EXAMPLES",
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
    ] {
        assert!(page.contains(section), "no {section}");
    }
    for cmd in COMMANDS {
        assert!(page.contains(&format!(".SS \"easyrun {cmd}\"")), "no {cmd}");
    }
    // Options with their dashes escaped for roff, examples and the environment.
    assert!(page.contains("\\-\\-max\\-hr"));
    assert!(page.contains("\\-\\-fail\\-on"));
    assert!(page.contains("easyrun scan \\-\\-max\\-hr 188"));
    assert!(page.contains("NO_COLOR") && page.contains("CLICOLOR_FORCE"));
    // man renders it without a warning, where man is installed.
    let dir = temp_dir("man");
    let file = dir.join("easyrun.1");
    std::fs::write(&file, &page).unwrap();
    if let Ok(out) = std::process::Command::new("man")
        .args(["--warnings", "-l"])
        .arg(&file)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
        && out.status.success()
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("easyrun scan"), "{text}");
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(warnings.trim().is_empty(), "{warnings}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn color_follows_the_flag_then_the_environment_then_the_terminal() {
    let check = [
        "check",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "fixtures/paused_run.fit",
    ];
    let run = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args: Vec<&str> = extra.to_vec();
        args.extend(check);
        let out = easyrun_with(repo(), &args, env);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        stdout(&out)
    };
    let plain = run(&[], &[]);
    assert!(!plain.contains('\u{1b}'), "a pipe gets no color: {plain}");
    assert!(plain.contains("fixtures/paused_run.fit — WARN"));
    let painted = "\u{1b}[1;33mWARN\u{1b}[0m";
    let always = run(&["--color", "always"], &[]);
    assert!(always.contains(painted), "{always}");
    // Reasons are painted by severity too.
    assert!(
        always.contains("\u{1b}[33mwarn\u{1b}[0m too_hard"),
        "{always}"
    );
    // The words say what the colors do.
    assert_eq!(strip_ansi(&always), plain);
    assert!(run(&[], &[("CLICOLOR_FORCE", "1")]).contains(painted));
    assert!(!run(&[], &[("CLICOLOR_FORCE", "0")]).contains('\u{1b}'));
    // NO_COLOR wins over CLICOLOR_FORCE; the flag over both.
    let both = [("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")];
    assert!(!run(&[], &both).contains('\u{1b}'));
    assert!(run(&["--color=always"], &both).contains(painted));
    assert!(!run(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]).contains('\u{1b}'));
    // The flag may come after the command too (it is global).
    let out = easyrun_with(
        repo(),
        &[
            "check",
            "--color",
            "always",
            "--max-hr",
            "190",
            "fixtures/bad/bad_crc.fit",
        ],
        &[],
    );
    assert!(
        stderr(&out).starts_with("easyrun: \u{1b}[1;31merror:\u{1b}[0m fixtures/bad/bad_crc.fit"),
        "{}",
        stderr(&out)
    );

    // scan: verdicts and the weeks' share, in words as well.
    let scan = |color: &str| {
        let out = easyrun_with(
            repo(),
            &[
                "scan",
                "--color",
                color,
                "--max-hr",
                "190",
                "--rest-hr",
                "50",
                "fixtures",
            ],
            &[],
        );
        stdout(&out)
    };
    let (painted, plain) = (scan("always"), scan("never"));
    assert_eq!(strip_ansi(&painted), plain);
    assert!(painted.contains("\u{1b}[1;32mPASS\u{1b}[0m"));
    assert!(
        painted.contains("\u{1b}[33m76 % (under 80 %)\u{1b}[0m"),
        "{painted}"
    );
    assert!(painted.contains("\u{1b}[32m88 %\u{1b}[0m"));
    // The table's columns stay aligned: the padding is outside the color.
    let header = plain.lines().next().unwrap();
    let col = header.find("moving").unwrap();
    for line in plain.lines().skip(1).take_while(|l| !l.is_empty()) {
        // "moving" is right-aligned: its last digit under the header's "g".
        let last = line.chars().nth(col + 5);
        assert!(last.is_some_and(|c| c.is_ascii_digit()), "{line}");
    }
}

/// A CSV line's fields (RFC 4180: quoted fields may hold commas and doubled quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[test]
fn csv_has_error_rows_and_a_versioned_header() {
    let out = easyrun(&[
        "scan",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--format",
        "csv",
        "fixtures/history_week",
        "fixtures/bad",
    ]);
    assert_eq!(code(&out), 2, "unreadable files");
    let text = stdout(&out);
    let rows: Vec<Vec<String>> = text.lines().map(csv_fields).collect();
    let header = &rows[0];
    assert_eq!(&header[..3], ["schema_version", "status", "source"]);
    assert_eq!(&header[header.len() - 2..], ["error_kind", "error_message"]);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for row in &rows[1..] {
        assert_eq!(row.len(), header.len(), "{row:?}");
        assert_eq!(row[0], "2");
    }
    let ok: Vec<&Vec<String>> = rows[1..].iter().filter(|r| r[1] == "ok").collect();
    let errors: Vec<&Vec<String>> = rows[1..].iter().filter(|r| r[1] == "error").collect();
    assert_eq!(ok.len(), 6, "the history week's six runs");
    assert_eq!(ok.len() + errors.len(), rows.len() - 1);
    let mut kinds: Vec<&str> = errors
        .iter()
        .map(|r| r[col("error_kind")].as_str())
        .collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [
            "bad_crc",
            "corrupt_archive",
            "empty",
            "invalid_xml",
            "no_samples",
            "truncated",
            "unknown_format"
        ]
    );
    let crc = errors
        .iter()
        .find(|r| r[col("error_kind")] == "bad_crc")
        .unwrap();
    assert_eq!(crc[col("source")], "fixtures/bad/bad_crc.fit");
    assert!(crc[col("error_message")].contains("bad CRC"));
    assert!(crc[col("verdict")].is_empty() && crc[col("class")].is_empty());
    // And each error on stderr too, one line with its kind.
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 7, "{err}");
    assert!(err.contains("easyrun: error: fixtures/bad/bad_crc.fit: bad CRC"));
    assert!(err.lines().all(|l| l.ends_with(']')), "{err}");
}

#[test]
fn errors_go_to_stderr_in_every_format() {
    for format in ["text", "json", "jsonl", "csv"] {
        let out = easyrun(&[
            "scan",
            "--max-hr",
            "190",
            "--format",
            format,
            "fixtures/bad",
        ]);
        assert_eq!(code(&out), 2, "{format}");
        let err = stderr(&out);
        assert_eq!(
            err.lines()
                .filter(|l| l.starts_with("easyrun: error: "))
                .count(),
            7,
            "{format}: {err}"
        );
        assert!(err.contains("[truncated]"), "{format}");
    }
    // Text results keep a count only; the messages are on stderr.
    let text = stdout(&easyrun(&["scan", "--max-hr", "190", "fixtures/bad"]));
    assert!(text.contains("7 files or activities not read or not judged (listed on stderr)"));
    assert!(!text.contains("bad CRC"), "{text}");
    for (cmd, extra) in [("inspect", None), ("check", Some("--max-hr=190"))] {
        let mut args = vec![cmd];
        args.extend(extra);
        args.extend(["fixtures/bad/bad_crc.fit", "fixtures/paused_run.fit"]);
        let out = easyrun(&args);
        assert_eq!(code(&out), 2, "{cmd}");
        assert!(!stdout(&out).contains("bad_crc"), "{cmd}: {}", stdout(&out));
        assert!(stdout(&out).contains("fixtures/paused_run.fit"), "{cmd}");
        assert!(
            stderr(&out).starts_with("easyrun: error: fixtures/bad/bad_crc.fit: bad CRC"),
            "{cmd}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn rides_show_speed_runs_show_pace() {
    let out = easyrun(&[
        "check",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "fixtures/scenarios/bike_ride.fit",
        "fixtures/paused_run.fit",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "cycling · 2025-05-16 08:30 +02:00 · 35:00 moving of 35:00 · 14.04 km · 24.1 km/h\n"
        ),
        "{text}"
    );
    assert!(text.contains("4.34 km · 5:46 /km (GAP 5:45 /km)"), "{text}");
    // In imperial: miles, mph for the ride, minutes per mile for the run.
    let imperial = stdout(&easyrun(&[
        "check",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "--units",
        "imperial",
        "fixtures/scenarios/bike_ride.fit",
        "fixtures/paused_run.fit",
    ]));
    assert!(imperial.contains(" · 8.73 mi · 15.0 mph\n"), "{imperial}");
    assert!(
        imperial.contains("2.70 mi · 9:16 /mi (GAP 9:16 /mi)"),
        "{imperial}"
    );
    let scan = stdout(&easyrun(&[
        "scan",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "fixtures/scenarios",
    ]));
    let ride = scan.lines().find(|l| l.contains("bike_ride.fit")).unwrap();
    assert!(ride.contains(" 14.04 24.1 km/h "), "{ride}");
    let run = scan.lines().find(|l| l.contains("road_run.fit")).unwrap();
    assert!(!run.contains("km/h"), "{run}");
    let cells: Vec<&str> = run.split_whitespace().collect();
    assert!(cells[7].contains(':'), "a pace m:ss: {run}");
    let dir = temp_dir("speed");
    let page = dir.join("r.html");
    let out = easyrun(&[
        "report",
        "-q",
        "--max-hr",
        "190",
        "--rest-hr",
        "50",
        "fixtures/scenarios",
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let html = std::fs::read_to_string(&page).unwrap();
    let row = html
        .lines()
        .find(|l| l.contains("bike_ride.fit</span>"))
        .unwrap();
    assert!(row.contains("<td class=\"num\">24.1 km/h</td>"), "{row}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_batch_names_its_phases() {
    use easyrun::scan::{BatchPhase, Progress};
    use easyrun::{ScanConfig, run_batch};
    use std::sync::Mutex;

    #[derive(Default)]
    struct Heard(Mutex<Vec<String>>);
    impl Heard {
        fn push(&self, s: String) {
            self.0.lock().unwrap().push(s);
        }
    }
    impl Progress for Heard {
        fn start(&self, files: usize) {
            self.push(format!("start {files}"));
        }
        fn file_done(&self) {
            self.push("done".into());
        }
        fn phase(&self, phase: BatchPhase) {
            self.push(format!("{phase:?}"));
        }
    }
    // No thresholds: the history estimates the max HR, so pass 2 re-reads every file.
    let heard = Heard::default();
    let scan = run_batch(
        &[repo().join("fixtures/history_week")],
        &ScanConfig::default(),
        &heard,
    );
    assert!(scan.max_hr_estimate.is_some());
    let got = heard.0.into_inner().unwrap();
    let mut want = vec!["start 6".to_string()];
    want.extend(std::iter::repeat_n("done".to_string(), 6));
    want.push("Rereading { files: 6 }".into());
    want.extend(std::iter::repeat_n("done".to_string(), 6));
    want.push("History { activities: 6 }".into());
    assert_eq!(got, want);
}
