//! `report` output: one self-contained HTML page (inline CSS and SVG; no script, no
//! fonts or images fetched) from a scan that kept the runs' curves. It opens offline,
//! prints and can be mailed. The page shows the recovery runs worst first, the weeks'
//! 80/20 picture, a section with charts per run for the runs chosen by [`charted`], and
//! every activity in a plain table. docs/report.md describes the page.
//!
//! Output is deterministic: the same scan and options give the same bytes (no "now"
//! anywhere; the generator line is the caller's).

mod chart;
mod run;
mod run_chart;
mod run_chart_text;
mod run_spans;
mod run_surface;
mod weeks;
mod words;

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::history::{Class, HistorySummary, MaxHrEstimate, WeekSummary};
use crate::report::escape;
use crate::report::rate::Rate;
use crate::report::schema::EntryRecord;
use crate::report::units::MessageFigures;
use crate::scan::{Duplicate, Scan, ScanError, ScanWarning, Skipped};
use crate::setting::{Setting, SettingNames};

use crate::profile::Units;
use crate::report::check::duration;
use words::{badge, display_name, pct};

/// The page's style sheet (screen and print), inlined into every report.
const STYLE: &str = include_str!("style.css");

/// What the page shows beyond the scan itself.
#[derive(Debug, Clone)]
pub struct HtmlOptions {
    /// The page title and heading.
    pub title: String,
    /// Besides the judged recovery runs, chart this many of the most recent other runs.
    pub recent_runs: usize,
    /// Chart at most this many judged recovery runs (the most recent ones).
    pub max_recovery_runs: usize,
    /// Named in the footer ("easyrun 0.1.0"), when given.
    pub generator: Option<String>,
    /// How the page names the settings it suggests (a command line: its flags).
    pub setting_names: SettingNames,
    /// What distances, paces and elevations are shown in.
    pub units: Units,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            title: "Recovery run report".to_string(),
            recent_runs: 10,
            max_recovery_runs: 100,
            generator: None,
            setting_names: SettingNames::KEYS,
            units: Units::Metric,
        }
    }
}

/// The scan as the page reads it: each activity's wire record (rounded as in `scan`
/// output) beside the rest of the scan.
struct View<'a> {
    entries: Vec<EntryRecord<'a>>,
    files: usize,
    summary: &'a HistorySummary,
    max_hr_estimate: Option<&'a MaxHrEstimate>,
    weeks: &'a [WeekSummary],
    errors: &'a [ScanError],
    warnings: &'a [ScanWarning],
    duplicates: &'a [Duplicate],
    skipped: &'a [Skipped],
    units: Units,
}

impl<'a> View<'a> {
    fn of(scan: &'a Scan, units: Units) -> View<'a> {
        View {
            entries: scan.placed().map(|(e, p)| EntryRecord::of(e, p)).collect(),
            files: scan.files,
            summary: &scan.summary,
            max_hr_estimate: scan.max_hr_estimate.as_ref(),
            weeks: &scan.weeks,
            errors: &scan.errors,
            warnings: &scan.warnings,
            duplicates: &scan.duplicates,
            skipped: &scan.skipped,
            units,
        }
    }
}

/// The entries that get a section with charts, newest first: the judged recovery runs
/// (at most `max_recovery_runs`, the most recent) and the `recent_runs` most recent other
/// running activities. Every activity is in the table whatever this says, so a
/// 1 000-run history stays a page of a few megabytes.
pub fn charted(scan: &Scan, options: &HtmlOptions) -> Vec<usize> {
    let newest_first = || scan.entries.iter().enumerate().rev();
    let mut picked: Vec<usize> = newest_first()
        .filter(|(_, e)| e.judged)
        .map(|(i, _)| i)
        .take(options.max_recovery_runs)
        .collect();
    picked.extend(
        newest_first()
            .filter(|(_, e)| {
                !e.judged
                    && e.placement
                        .as_ref()
                        .is_some_and(|p| p.class != Class::Other && p.implausible_start.is_none())
            })
            .map(|(i, _)| i)
            .take(options.recent_runs),
    );
    picked.sort_unstable_by(|a, b| b.cmp(a));
    picked
}

/// Writes the report of `scan` to `out`.
pub fn write(out: &mut dyn Write, scan: &Scan, options: &HtmlOptions) -> io::Result<()> {
    let sections = charted(scan, options);
    let scan = &View::of(scan, options.units);
    let mut is_charted = vec![false; scan.entries.len()];
    for i in &sections {
        if let Some(flag) = is_charted.get_mut(*i) {
            *flag = true;
        }
    }
    let has_section = |i: usize| is_charted.get(i).copied().unwrap_or(false);

    let title = escape::text(&options.title);
    write!(
        out,
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n\
         <meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{}",
        chart::pattern_defs()
    )?;
    out.write_all(header(scan, &title, options.setting_names).as_bytes())?;
    out.write_all(nav(scan, &sections).as_bytes())?;
    out.write_all(b"<main>\n")?;
    out.write_all(recovery(scan, &has_section).as_bytes())?;
    out.write_all(weeks_section(scan).as_bytes())?;
    // Recovery runs in the order of the list above (worst first), then the others.
    let recovery_runs: Vec<usize> = worst_first(scan)
        .into_iter()
        .map(|(i, _)| i)
        .filter(|i| has_section(*i))
        .collect();
    let others: Vec<usize> = sections
        .iter()
        .copied()
        .filter(|i| !scan.entries.get(*i).is_some_and(|e| e.judged))
        .collect();
    for (id, heading, list) in [
        ("details", "Recovery runs in detail", &recovery_runs),
        ("recent", "Recent runs", &others),
    ] {
        if list.is_empty() {
            continue;
        }
        write!(
            out,
            "<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{heading}</h2>\n"
        )?;
        if id == "details" || recovery_runs.is_empty() {
            writeln!(
                out,
                "<p class=\"note\">{}</p>",
                rule_sentence(scan, options, sections.len())
            )?;
        }
        for i in list {
            if let Some(e) = scan.entries.get(*i) {
                out.write_all(run::section(scan, *i, e, &has_section).as_bytes())?;
            }
        }
        out.write_all(b"</section>\n")?;
    }
    out.write_all(activities(scan, &has_section).as_bytes())?;
    out.write_all(problems(scan).as_bytes())?;
    out.write_all(b"</main>\n")?;
    write!(
        out,
        "<footer><p>{}Start times are each run's local time with its offset from UTC (UTC where \
         neither the file, the start position nor a configured time zone says it); weeks run \
         from local Monday to Sunday. Heart-rate zones, the ceiling and the verdicts follow the \
         rules in easyrun's docs/verdict.md; weeks and classes follow docs/history.md.</p></footer>\n\
         </body>\n</html>\n",
        options
            .generator
            .as_deref()
            .map_or(String::new(), |g| format!(
                "Made by {} from {} files. ",
                escape::text(g),
                scan.files
            ))
    )?;
    Ok(())
}

fn rule_sentence(scan: &View, options: &HtmlOptions, shown: usize) -> String {
    let judged = scan.entries.iter().filter(|e| e.judged).count();
    format!(
        "Charts for {shown} of {}: every judged recovery run (up to the {} most recent; \
         {judged} in this history), worst first, then the {} most recent other {}, newest \
         first. Every activity is in the table at the end.",
        words::count(scan.entries.len(), "activity", "activities"),
        options.max_recovery_runs,
        options.recent_runs,
        if options.recent_runs == 1 {
            "run"
        } else {
            "runs"
        }
    )
}

fn header(scan: &View, title: &str, names: SettingNames) -> String {
    let mut h = format!("<header class=\"page-head\">\n<h1>{title}</h1>\n");
    // The span of the dates that can be true (a file dated 2037 stretches nothing).
    let mut dated = scan
        .entries
        .iter()
        .filter(|e| e.placement.implausible_start.is_none());
    let span = match (dated.next(), dated.next_back()) {
        (Some(a), Some(b)) => format!(" · {} to {}", a.record.local.date(), b.record.local.date()),
        _ => String::new(),
    };
    let _ = writeln!(
        h,
        "<p class=\"lede\">{} from {}{span} · local start times</p>",
        words::count(scan.entries.len(), "activity", "activities"),
        words::count(scan.files, "file", "files")
    );
    if !scan.summary.by_class.is_empty() {
        let classes: Vec<String> = scan
            .summary
            .by_class
            .iter()
            .map(|(c, n)| format!("{} {n}", c.as_str()))
            .collect();
        let _ = writeln!(
            h,
            "<p class=\"classes\">By class: {}</p>",
            classes.join(" · ")
        );
    }
    if let Some(est) = &scan.max_hr_estimate {
        let _ = writeln!(
            h,
            "<p class=\"note\">No max HR was given: {:.0} bpm is estimated from the history (the \
             highest sustained heart rate, in {}). Give <code>{}</code> for zones you trust.</p>",
            est.bpm,
            escape::text(&crate::history::max_hr::describe(est)),
            escape::text(names.of(Setting::MaxHr))
        );
    }
    h.push_str("</header>\n");
    h
}

fn nav(scan: &View, sections: &[usize]) -> String {
    let mut links = vec![("recovery", "Recovery runs"), ("weeks", "Week by week")];
    let judged = |i: &usize| scan.entries.get(*i).is_some_and(|e| e.judged);
    if sections.iter().any(judged) {
        links.push(("details", "Recovery runs in detail"));
    }
    if !sections.iter().all(judged) {
        links.push(("recent", "Recent runs"));
    }
    links.push(("activities", "All activities"));
    if !scan.errors.is_empty() || !scan.duplicates.is_empty() || !scan.skipped.is_empty() {
        links.push(("problems", "Files left out"));
    }
    let items: Vec<String> = links
        .iter()
        .map(|(id, text)| format!("<li><a href=\"#{id}\">{text}</a></li>"))
        .collect();
    format!(
        "<nav aria-label=\"Sections\"><ul>{}</ul></nav>\n",
        items.join("")
    )
}

/// Recovery runs worst first: verdict (fail, warn, unknown, pass), then the number of
/// reasons that count, then the share above the ceiling, then newest first.
fn worst_first<'a>(scan: &'a View<'a>) -> Vec<(usize, &'a EntryRecord<'a>)> {
    let mut judged: Vec<(usize, &EntryRecord)> = scan
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.judged)
        .collect();
    let weight = |e: &EntryRecord| {
        e.record
            .reasons
            .iter()
            .filter(|r| r.severity != crate::judge::Severity::Info)
            .count()
    };
    judged.sort_by(|(ia, a), (ib, b)| {
        words::verdict_rank(a.record.verdict)
            .cmp(&words::verdict_rank(b.record.verdict))
            .then_with(|| weight(b).cmp(&weight(a)))
            .then_with(|| {
                let share = |e: &EntryRecord| e.record.ceiling.share.unwrap_or(0.0);
                share(b).total_cmp(&share(a))
            })
            .then_with(|| ib.cmp(ia))
    });
    judged
}

fn recovery(scan: &View, has_section: &dyn Fn(usize) -> bool) -> String {
    let c = &scan.summary.recovery;
    let mut h = String::from(
        "<section id=\"recovery\" aria-labelledby=\"recovery-h\">\n<h2 id=\"recovery-h\">Recovery runs</h2>\n",
    );
    if c.judged == 0 {
        h.push_str(
            "<p>No recovery runs found: no run started within the window after a long or hard \
             session, and none is named as one.</p>\n</section>\n",
        );
        return h;
    }
    let _ = write!(
        h,
        "<p>{} meant as {} (following a long or hard session, or named so) and \
         judged against the coaching rule.</p>\n<ul class=\"counts\">",
        words::count(c.judged, "run was", "runs were"),
        if c.judged == 1 {
            "a recovery run"
        } else {
            "recovery runs"
        }
    );
    for (class, symbol, word, n) in [
        ("v-pass", "✓", "pass", c.pass),
        ("v-warn", "!", "warn", c.warn),
        ("v-fail", "✗", "fail", c.fail),
        ("v-unknown", "?", "unknown", c.unknown),
    ] {
        let _ = write!(
            h,
            "<li class=\"count {class}\"><span class=\"n\">{n}</span> \
             <span class=\"w\"><span aria-hidden=\"true\">{symbol}</span> {word}</span></li>"
        );
    }
    h.push_str("</ul>\n");
    if !c.top_reasons.is_empty() {
        let top: Vec<String> = c
            .top_reasons
            .iter()
            .map(|(code, n)| format!("<code>{}</code> ×{n}", escape::text(code)))
            .collect();
        let _ = writeln!(
            h,
            "<p>Most common reasons among the runs that did not pass: {}.</p>",
            top.join(", ")
        );
    }
    h.push_str("<h3>Worst first</h3>\n<ol class=\"worst\">\n");
    for (i, e) in worst_first(scan) {
        let r = &e.record;
        let why = r
            .reasons
            .iter()
            .find(|x| x.severity != crate::judge::Severity::Info)
            .or_else(|| r.reasons.first())
            .map_or_else(
                || "a proper recovery run".to_string(),
                |x| {
                    let m = scan.units.reason_message(x, &MessageFigures::of(r));
                    escape::text(&m).into_owned()
                },
            );
        let _ = writeln!(
            h,
            "<li>{} <a href=\"{}\">{}</a> <span class=\"when\">{}</span> — {why}</li>",
            badge(r.verdict),
            run::anchor(i, has_section),
            display_name(r),
            r.local.day_stamp()
        );
    }
    h.push_str("</ol>\n</section>\n");
    h
}

fn weeks_section(scan: &View) -> String {
    let mut h = String::from(
        "<section id=\"weeks\" aria-labelledby=\"weeks-h\">\n<h2 id=\"weeks-h\">Week by week</h2>\n",
    );
    match weeks::chart(scan.weeks, scan.units) {
        Some(svg) => {
            let _ = write!(
                h,
                "<p>Most running should be easy: the 80/20 rule asks for at least 80 % of \
                 running time below the conversational ceiling. Bars show each week's running \
                 time (its label: the distance), split into time below the ceiling (solid), \
                 above it (cross-hatched) and without usable heart rate (dotted).{}</p>\n\
                 <figure class=\"chart-box\">{svg}<figcaption><ul class=\"legend\">\
                 <li><span class=\"key key-below\"></span>below the ceiling</li>\
                 <li><span class=\"key key-above\"></span>above the ceiling</li>\
                 <li><span class=\"key key-nohr\"></span>no usable heart rate</li>\
                 <li><span class=\"key key-share\"></span>share below (filled: 80 % or more; hollow: less)</li>\
                 </ul></figcaption></figure>\n",
                if scan.weeks.len() > weeks::MAX_CHART_WEEKS {
                    format!(
                        " The chart shows the last {} weeks; the table has them all.",
                        weeks::MAX_CHART_WEEKS
                    )
                } else {
                    String::new()
                }
            );
            h.push_str(&weeks::table(scan.weeks, scan.units));
        }
        None => h.push_str("<p>No running activities.</p>\n"),
    }
    h.push_str("</section>\n");
    h
}

fn activities(scan: &View, has_section: &dyn Fn(usize) -> bool) -> String {
    let units = scan.units;
    let mut h = String::with_capacity(2_000 + scan.entries.len() * 700);
    let _ = write!(
        h,
        "<section id=\"activities\" aria-labelledby=\"activities-h\">\n\
         <h2 id=\"activities-h\">All activities</h2>\n<div class=\"table-wrap\">\
         <table class=\"activities\"><caption>Every activity, newest first. A name links to \
         its charts when it has them.</caption>\n<thead><tr>\
         <th scope=\"col\">start (local)</th><th scope=\"col\">activity</th>\
         <th scope=\"col\">class</th><th scope=\"col\">verdict</th>\
         <th scope=\"col\" class=\"num\">moving</th><th scope=\"col\" class=\"num\">{}</th>\
         <th scope=\"col\" class=\"num\">pace or speed</th><th scope=\"col\" class=\"num\">avg HR</th>\
         <th scope=\"col\" class=\"num\">above ceiling</th><th scope=\"col\">reasons · after</th>\
         </tr></thead>\n<tbody>\n",
        units.distance_unit()
    );
    for (i, e) in scan.entries.iter().enumerate().rev() {
        let r = &e.record;
        let name = if has_section(i) {
            format!("<a href=\"#run-{i}\">{}</a>", display_name(r))
        } else {
            display_name(r)
        };
        let verdict = if e.judged {
            badge(r.verdict)
        } else {
            "<span class=\"muted\">–</span>".to_string()
        };
        let mut notes: Vec<String> = r
            .reasons
            .iter()
            .map(|x| format!("<code>{}</code>", x.code.as_str()))
            .collect();
        if let Some(f) = &e.placement.recovers_from {
            notes.push(format!(
                "after <a href=\"{}\">{}</a> ({:.0} h)",
                run::anchor(f.index, has_section),
                f.class.as_str(),
                f.hours_since_end
            ));
        }
        if let Some(issue) = &e.placement.implausible_start {
            notes.push(format!(
                "date set aside: <code title=\"{}\">{}</code>",
                escape::attr(&issue.message),
                issue.code.as_str()
            ));
        }
        let _ = writeln!(
            h,
            "<tr id=\"row-{i}\"><td class=\"nowrap\">{} {} <span class=\"tz\">{}</span></td><td>{name}<br/><span class=\"src\">{}</span></td>\
             <td>{}</td><td>{verdict}</td><td class=\"num\">{}</td><td class=\"num\">{:.2}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            r.local.date(),
            r.local.time(),
            r.local.zone_label(),
            escape::text(&r.source),
            e.placement.class.as_str(),
            duration(f64::from(r.moving_s)),
            units.distance(r.distance_m),
            Rate::of(r.sport.as_ref(), r.pace_s_per_km)
                .map_or_else(|| "–".to_string(), |rate| units.rate_text(rate)),
            r.hr.avg_bpm.map_or("–".to_string(), |b| format!("{b:.0}")),
            if r.hr.avg_bpm.is_some() {
                pct(r.ceiling.share)
            } else {
                "–".to_string()
            },
            notes.join(" ")
        );
    }
    h.push_str("</tbody></table></div>\n</section>\n");
    h
}

fn problems(scan: &View) -> String {
    if scan.errors.is_empty()
        && scan.duplicates.is_empty()
        && scan.skipped.is_empty()
        && scan.warnings.is_empty()
    {
        return String::new();
    }
    let mut h = format!(
        "<section id=\"problems\" aria-labelledby=\"problems-h\">\n<h2 id=\"problems-h\">{}</h2>\n",
        if scan.warnings.is_empty() {
            "Files left out"
        } else {
            "Files left out, dates set aside"
        }
    );
    if !scan.warnings.is_empty() {
        let _ = writeln!(
            h,
            "<h3>Dates that cannot be true ({})</h3>\n<p>These activities are in the table, \
             classified on their own, but in no week and after no session.</p>\n<ul class=\"errors\">",
            scan.warnings.len()
        );
        for w in scan.warnings {
            let _ = writeln!(
                h,
                "<li><span class=\"src\">{}</span> <code>{}</code>: {}</li>",
                escape::text(&w.source),
                escape::text(w.kind),
                escape::text(&w.message)
            );
        }
        h.push_str("</ul>\n");
    }
    if !scan.errors.is_empty() {
        let _ = writeln!(
            h,
            "<h3>Not read ({})</h3>\n<ul class=\"errors\">",
            scan.errors.len()
        );
        for e in scan.errors {
            let _ = writeln!(
                h,
                "<li><span class=\"src\">{}</span> <code>{}</code>: {}</li>",
                escape::text(&e.source),
                escape::text(e.kind),
                escape::text(&e.message)
            );
        }
        h.push_str("</ul>\n");
    }
    if !scan.duplicates.is_empty() {
        let _ = writeln!(
            h,
            "<h3>Duplicates ({})</h3>\n<ul class=\"dups\">",
            scan.duplicates.len()
        );
        for d in scan.duplicates {
            let _ = writeln!(
                h,
                "<li><span class=\"src\">{}</span>: the same run as <span class=\"src\">{}</span></li>",
                escape::text(&d.source),
                escape::text(&d.duplicate_of)
            );
        }
        h.push_str("</ul>\n");
    }
    if !scan.skipped.is_empty() {
        let _ = writeln!(
            h,
            "<p>{} no activity (settings, monitoring, routes…) and {} skipped.</p>",
            words::count(
                scan.skipped.len(),
                "file or archive member holds",
                "files or archive members hold"
            ),
            if scan.skipped.len() == 1 {
                "was"
            } else {
                "were"
            }
        );
    }
    h.push_str("</section>\n");
    h
}
