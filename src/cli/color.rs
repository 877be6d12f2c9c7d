//! Whether a stream gets ANSI colors: `--color always|never` decides; with `auto` (the
//! default) the environment does, in the order clap and cargo use (anstream): a
//! non-empty `NO_COLOR` turns color off, else a non-empty `CLICOLOR_FORCE` (other than
//! `0`) turns it on anywhere, else `CLICOLOR=0` turns it off, else the stream gets
//! color when it is a terminal whose `TERM` is not `dumb`.
//!
//! Color only helps reading: every colored word (a verdict, a reason's severity, a
//! week's share) says the same thing in letters, so output without color loses nothing.

use std::ffi::OsString;
use std::io::IsTerminal;

use super::args::ColorArg;

/// Colors for stdout and stderr, resolved once per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Colors {
    /// Color the results (stdout).
    pub stdout: bool,
    /// Color the messages (stderr).
    pub stderr: bool,
}

impl Colors {
    /// `--color` and this process's environment and streams.
    pub fn detect(flag: ColorArg) -> Colors {
        let env = |key: &str| std::env::var_os(key);
        Colors {
            stdout: resolve(flag, std::io::stdout().is_terminal(), env),
            stderr: resolve(flag, std::io::stderr().is_terminal(), env),
        }
    }
}

/// Whether a stream gets color: `flag` first, then the environment `env` reads, then
/// whether the stream `is_terminal`.
pub fn resolve(flag: ColorArg, is_terminal: bool, env: impl Fn(&str) -> Option<OsString>) -> bool {
    let non_empty = |key: &str| env(key).is_some_and(|v| !v.is_empty());
    match flag {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto if non_empty("NO_COLOR") => false,
        ColorArg::Auto
            if non_empty("CLICOLOR_FORCE") && env("CLICOLOR_FORCE") != Some("0".into()) =>
        {
            true
        }
        ColorArg::Auto if env("CLICOLOR").is_some_and(|v| v == "0") => false,
        ColorArg::Auto => is_terminal && env("TERM").is_none_or(|t| t != "dumb"),
    }
}

/// clap's own choice for help and usage errors, from `--color` found in the raw
/// arguments before they are parsed (`--color WHEN` or `--color=WHEN`; the last wins).
/// `auto` leaves clap to the same environment rules.
pub fn clap_choice(args: &[OsString]) -> clap::ColorChoice {
    let mut choice = clap::ColorChoice::Auto;
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        let value = match arg.to_str() {
            Some("--color") => iter.next().and_then(|v| v.to_str()).map(str::to_string),
            Some(a) => a.strip_prefix("--color=").map(str::to_string),
            None => None,
        };
        choice = match value.as_deref() {
            Some("always") => clap::ColorChoice::Always,
            Some("never") => clap::ColorChoice::Never,
            Some("auto") => clap::ColorChoice::Auto,
            _ => choice,
        };
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |key| {
            vars.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn the_flag_wins_over_everything() {
        let loud = [("CLICOLOR_FORCE", "1")];
        let quiet = [("NO_COLOR", "1")];
        assert!(!resolve(ColorArg::Never, true, env(&loud)));
        assert!(resolve(ColorArg::Always, false, env(&quiet)));
    }

    #[test]
    fn auto_follows_no_color_then_clicolor_force_then_the_terminal() {
        assert!(resolve(ColorArg::Auto, true, env(&[])));
        assert!(!resolve(ColorArg::Auto, false, env(&[])));
        assert!(!resolve(ColorArg::Auto, true, env(&[("NO_COLOR", "1")])));
        // An empty NO_COLOR is not set (no-color.org).
        assert!(resolve(ColorArg::Auto, true, env(&[("NO_COLOR", "")])));
        assert!(resolve(
            ColorArg::Auto,
            false,
            env(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(!resolve(
            ColorArg::Auto,
            false,
            env(&[("CLICOLOR_FORCE", "0")])
        ));
        assert!(!resolve(
            ColorArg::Auto,
            false,
            env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")])
        ));
        assert!(!resolve(ColorArg::Auto, true, env(&[("CLICOLOR", "0")])));
        assert!(!resolve(ColorArg::Auto, true, env(&[("TERM", "dumb")])));
        assert!(resolve(
            ColorArg::Auto,
            true,
            env(&[("TERM", "xterm-256color")])
        ));
    }

    #[test]
    fn clap_hears_the_flag_before_parsing() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            clap_choice(&args(&["easyrun", "--color", "never", "scan", "--help"])),
            clap::ColorChoice::Never
        );
        assert_eq!(
            clap_choice(&args(&["easyrun", "scan", "--color=always"])),
            clap::ColorChoice::Always
        );
        assert_eq!(
            clap_choice(&args(&["easyrun", "check", "--", "--color=always"])),
            clap::ColorChoice::Auto
        );
    }
}
