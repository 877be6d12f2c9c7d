//! `easyrun regress`: scan as `scan` does, then compare with a committed baseline
//! and/or a manifest of expectations; `--update` re-pins the baseline. Exit 0 when
//! nothing differs, 1 when something does, 2 when the baseline or manifest cannot be
//! read or the command line is wrong.

use std::io::{self, Write};

use easyrun::regress::{
    Anchor, Baseline, Manifest, RegressError, Report, ReportFormat, RunSettings, Section,
    check_expectations, compare, junit, observe,
};
use easyrun::scan::Scope;
use easyrun::setting::Setting;

use super::args::{FLAGS, RegressArgs, RegressFormatArg};
use super::color::Colors;
use super::progress::ProgressLine;
use super::{
    CliError, Exit, config, finish, history_config, output, profile_inputs, run_inputs, scan_paths,
    settings,
};

fn broken(error: RegressError) -> CliError {
    CliError::Regress { error, hint: None }
}

pub fn regress(args: &RegressArgs, colors: Colors) -> Result<Exit, CliError> {
    let settings = settings(&args.profile, colors)?;
    // What it compares with is read first: a broken file fails before the scan.
    let baseline = match (&args.baseline, args.update) {
        (Some(path), false) => Some(Baseline::read(path).map_err(|error| CliError::Regress {
            error,
            hint: (!path.exists()).then_some("no baseline yet: create it with --update"),
        })?),
        // Re-pinning keeps the old file's tolerances, so it must still parse.
        (Some(path), true) => Baseline::read_if_exists(path).map_err(broken)?,
        (None, _) => None,
    };
    let manifest = match &args.expect {
        Some(path) => Some(Manifest::read(path).map_err(broken)?),
        None => None,
    };

    let cwd = std::env::current_dir().map_err(|error| CliError::Environment {
        what: "the current folder",
        error,
    })?;
    let flags = settings.flags.clone();
    // The maps that opened (a broken one was left out with a warning and decides nothing).
    let map_paths: Vec<String> = settings
        .maps
        .iter()
        .map(|m| m.path.display().to_string())
        .collect();
    let profile_file = settings
        .profile_file
        .as_ref()
        .map(|(label, _)| label.clone());
    let history = history_config(&args.history);
    let words = args
        .history
        .recovery_words
        .as_ref()
        .map(|_| history.recovery_words.clone());
    let config = config(settings, history, Scope::History, args.jobs.jobs);
    // What this run reads must not be overwritten by what it writes: the baseline is an
    // input unless it is being re-pinned.
    let read_baseline = args.baseline.as_deref().filter(|_| !args.update);
    let own = profile_inputs(&args.profile);
    let mut extra = vec![read_baseline, args.expect.as_deref()];
    extra.extend(own.iter().map(|f| Some(f.as_path())));
    // Gathered only for an output file that already exists.
    let inputs = || run_inputs(&args.paths, &extra);
    let baseline_out = match (&args.baseline, args.update) {
        (Some(path), true) => Some(output::destination(Some(path), inputs)?),
        _ => None,
    };
    let junit_out = match &args.junit {
        Some(path) => Some(output::destination(Some(path), inputs)?),
        None => None,
    };
    let progress = ProgressLine::new(args.quiet);
    let scan = scan_paths(&args.paths, &config, &progress);
    drop(progress);

    let mut report = Report::default();
    if let Some(path) = &args.baseline {
        let anchor = Anchor::of_file(&cwd, path);
        let run = RunSettings::new(
            &flags,
            profile_file.as_deref().map(|p| anchor.key(p)),
            args.history.recovery_window_h,
            words,
        )
        .with_maps(map_paths.iter().map(|p| anchor.key(p)).collect());
        let observed = observe(&scan, &anchor);
        let file = super::shown_path(path);
        let section = baseline.as_ref().map(|b| {
            let c = compare(b, &run, &observed);
            let note = (!c.settings.is_empty()).then(|| {
                format!(
                    "the baseline was made with {}; this run has {}: pass the baseline's \
                     settings, or re-pin with --update",
                    as_flags(&b.settings),
                    as_flags(&run)
                )
            });
            Section {
                file: file.clone(),
                settings: c.settings,
                note,
                cases: c.cases,
            }
        });
        if args.update {
            let tolerances = baseline.map(|b| b.tolerances).unwrap_or_default();
            let (activities, unreadable, duplicates) = (
                observed.activities.len(),
                observed.unreadable.len(),
                observed.duplicates.len(),
            );
            let new = Baseline::new(run, tolerances, observed);
            if let Some(destination) = &baseline_out {
                destination.write(|out| new.write(out))?;
            }
            // What the update changes, for the person running it (stdout stays the
            // report of the expectations, if any).
            if let Some(section) = section.filter(|s| s.differences() > 0) {
                let before = Report {
                    baseline: Some(section),
                    expectations: None,
                };
                let stderr = |error| CliError::Output {
                    target: "stderr".to_string(),
                    error,
                };
                let mut err = io::stderr().lock();
                writeln!(err, "changes from the previous baseline:").map_err(stderr)?;
                before.write(&mut err, ReportFormat::Text).map_err(stderr)?;
            }
            eprintln!(
                "easyrun: wrote {}: {activities} activities, {unreadable} unreadable, \
                 {duplicates} duplicates",
                easyrun::report::escape::terminal(&file)
            );
        } else {
            report.baseline = section;
        }
    }
    if let (Some(path), Some(manifest)) = (&args.expect, &manifest) {
        let observed = observe(&scan, &Anchor::of_file(&cwd, path));
        report.expectations = Some(Section {
            file: super::shown_path(path),
            settings: vec![],
            note: None,
            cases: check_expectations(manifest, &observed),
        });
    }

    let format = match args.format {
        RegressFormatArg::Text => ReportFormat::Text,
        RegressFormatArg::Json => ReportFormat::Json,
    };
    let exit = if report.differences() > 0 {
        Exit::Fail
    } else {
        Exit::Ok
    };
    let nothing_compared = report.baseline.is_none() && report.expectations.is_none();
    if !(nothing_compared && format == ReportFormat::Text) {
        finish(
            output::write_output(None, |out| report.write(out, format)),
            exit,
        )?;
    }
    if let Some(destination) = &junit_out {
        destination.write(|out| junit::write(out, &report))?;
    }
    Ok(exit)
}

/// A run's settings as the flags that give them, for the note on changed settings.
fn as_flags(s: &RunSettings) -> String {
    let flag = |setting| FLAGS.of(setting);
    let mut f: Vec<String> = Vec::new();
    for (setting, v) in [
        (Setting::MaxHr, s.max_hr_bpm),
        (Setting::RestHr, s.rest_hr_bpm),
        (Setting::Lthr, s.lthr_bpm),
        (Setting::Age, s.age_years),
    ] {
        if let Some(v) = v {
            f.push(format!("{} {v}", flag(setting)));
        }
    }
    for (setting, v) in [
        (Setting::Sex, &s.sex),
        (Setting::Zones, &s.zones),
        (Setting::Phase, &s.phase),
    ] {
        if let Some(v) = v {
            f.push(format!("{} {v}", flag(setting)));
        }
    }
    if let Some(file) = &s.profile_file {
        f.push(format!("profile file {file}"));
    }
    if s.recovery_window_h != 24.0 {
        f.push(format!(
            "{} {}",
            flag(Setting::RecoveryWindow),
            s.recovery_window_h
        ));
    }
    for map in &s.maps {
        f.push(format!("--map {map}"));
    }
    if let Some(words) = &s.recovery_words {
        f.push(format!(
            "{} {}",
            flag(Setting::RecoveryWords),
            words.join(",")
        ));
    }
    if f.is_empty() {
        "no profile flags".to_string()
    } else {
        f.join(" ")
    }
}
