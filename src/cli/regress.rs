//! `easyrun regress`: scan as `scan` does, then compare with a committed baseline
//! and/or a manifest of expectations; `--update` re-pins the baseline. Exit 0 when
//! nothing differs, 1 when something does, 2 when the baseline or manifest cannot be
//! read or the command line is wrong.

use std::io::{self, Write};

use easyrun::regress::{
    Anchor, Baseline, Manifest, RegressError, Report, ReportFormat, RunSettings, Section,
    check_expectations, compare, junit, observe,
};
use easyrun::scan::ScanConfig;

use super::args::{RegressArgs, RegressFormatArg};
use super::{Exit, history_config, output, scan_paths, settings};

fn broken(e: &RegressError) -> io::Result<Exit> {
    eprintln!("easyrun: {e}");
    Ok(Exit::Unreadable)
}

pub fn regress(args: &RegressArgs) -> io::Result<Exit> {
    let settings = match settings(&args.profile) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("easyrun: {e}");
            return Ok(Exit::Unreadable);
        }
    };
    // What it compares with is read first: a broken file fails before the scan.
    let baseline = match (&args.baseline, args.update) {
        (Some(path), false) => match Baseline::read(path) {
            Ok(b) => Some(b),
            Err(e) => {
                let exit = broken(&e);
                if !path.exists() {
                    eprintln!("easyrun: no baseline yet: create it with --update");
                }
                return exit;
            }
        },
        // Re-pinning keeps the old file's tolerances, so it must still parse.
        (Some(path), true) => match Baseline::read_if_exists(path) {
            Ok(b) => b,
            Err(e) => return broken(&e),
        },
        (None, _) => None,
    };
    let manifest = match &args.expect {
        Some(path) => match Manifest::read(path) {
            Ok(m) => Some(m),
            Err(e) => return broken(&e),
        },
        None => None,
    };

    let cwd = std::env::current_dir()?;
    let flags = settings.flags.clone();
    let profile_file = settings
        .profile_file
        .as_ref()
        .map(|(label, _)| label.clone());
    let history = history_config(args.recovery_window_h, args.recovery_words.as_deref());
    let words = args
        .recovery_words
        .as_ref()
        .map(|_| history.recovery_words.clone());
    let config = ScanConfig {
        settings,
        history,
        ..ScanConfig::default()
    };
    let scan = scan_paths(&args.paths, config, args.jobs, true);

    let mut report = Report::default();
    if let Some(path) = &args.baseline {
        let anchor = Anchor::of_file(&cwd, path);
        let run = RunSettings::new(
            &flags,
            profile_file.as_deref().map(|p| anchor.key(p)),
            args.recovery_window_h,
            words,
        );
        let observed = observe(&scan, &anchor);
        let file = path.display().to_string();
        let section = baseline.as_ref().map(|b| {
            let c = compare(b, &run, &observed);
            let note = (!c.settings.is_empty()).then(|| {
                format!(
                    "the baseline was made with {}; this run has {}: pass the baseline's \
                     settings, or re-pin with --update",
                    b.settings.as_flags(),
                    run.as_flags()
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
            output::write_output(Some(path), |out| new.write(out))?;
            // What the update changes, for the person running it (stdout stays the
            // report of the expectations, if any).
            if let Some(section) = section.filter(|s| s.differences() > 0) {
                let before = Report {
                    baseline: Some(section),
                    expectations: None,
                };
                let mut err = io::stderr().lock();
                writeln!(err, "changes from the previous baseline:")?;
                before.write(&mut err, ReportFormat::Text)?;
            }
            eprintln!(
                "easyrun: wrote {file}: {activities} activities, {unreadable} unreadable, \
                 {duplicates} duplicates"
            );
        } else {
            report.baseline = section;
        }
    }
    if let (Some(path), Some(manifest)) = (&args.expect, &manifest) {
        let observed = observe(&scan, &Anchor::of_file(&cwd, path));
        report.expectations = Some(Section {
            file: path.display().to_string(),
            settings: vec![],
            note: None,
            cases: check_expectations(manifest, &observed),
        });
    }

    let format = match args.format {
        RegressFormatArg::Text => ReportFormat::Text,
        RegressFormatArg::Json => ReportFormat::Json,
    };
    let nothing_compared = report.baseline.is_none() && report.expectations.is_none();
    if !(nothing_compared && format == ReportFormat::Text) {
        output::write_output(None, |out| report.write(out, format))?;
    }
    if let Some(path) = &args.junit {
        output::write_output(Some(path), |out| junit::write(out, &report))?;
    }
    Ok(if report.differences() > 0 {
        Exit::Fail
    } else {
        Exit::Ok
    })
}
