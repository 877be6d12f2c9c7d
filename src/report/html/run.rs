//! HTML report, one run's section: the verdict as a badge with its reasons, the session
//! it recovers from, the chart, time in zones as a bar, the key numbers and where the
//! thresholds came from.

use std::fmt::Write as _;

use super::View;
use crate::judge::Verdict;
use crate::report::schema::EntryRecord;
use crate::report::schema::{CheckRecord, SourcedValue};

use super::run_chart::{Drawn, run_chart, zone_colour};
use super::run_surface;
use super::words::{self, badge, bpm, display_name, pct};
use crate::profile::Units;
use crate::report::check::duration;
use crate::report::escape;
use crate::report::units::MessageFigures;
use crate::surface::SurfaceStretch;

/// Where a link to entry `i` should point: its run section when it has one, else its
/// row in the table of activities.
pub fn anchor(i: usize, has_section: &dyn Fn(usize) -> bool) -> String {
    if has_section(i) {
        format!("#run-{i}")
    } else {
        format!("#row-{i}")
    }
}

/// The section of entry `i` of `scan`.
pub(super) fn section(
    scan: &View,
    i: usize,
    e: &EntryRecord,
    has_section: &dyn Fn(usize) -> bool,
) -> String {
    let r = &e.record;
    let units = scan.units;
    let id = format!("run-{i}");
    let name = display_name(r);
    let mut h = String::with_capacity(32_000);
    let _ = write!(
        h,
        "<section class=\"run\" id=\"{id}\" aria-labelledby=\"{id}-h\">\n<header class=\"run-head\">\
         <h3 id=\"{id}-h\">{} <span class=\"run-name\">{name}</span></h3>\n<p class=\"meta\">{} · {} · \
         <span class=\"src\">{}</span>{}</p></header>\n",
        badge(r.verdict),
        r.local.day_stamp(),
        intent_phrase(e),
        escape::text(&r.source),
        r.device
            .as_deref()
            .map_or(String::new(), |d| format!(" · {}", escape::text(d))),
    );

    if e.judged {
        h.push_str(&reasons(r, units));
    }
    if let Some(from) = &e.placement.recovers_from {
        let other = scan.entries.get(from.index);
        let _ = writeln!(
            h,
            "<p class=\"from\"><strong>Recovers from:</strong> <a href=\"{}\">{} “{}”</a>{}, which ended {:.0} h before this run started.</p>",
            anchor(from.index, has_section),
            words::class_phrase(from.class),
            other.map_or_else(
                || escape::text(words::file_name(&from.source)).into_owned(),
                |o| display_name(&o.record)
            ),
            other.map_or(String::new(), |o| format!(
                " on {}",
                o.record.local.day_stamp()
            )),
            from.hours_since_end
        );
    }

    match e
        .series
        .and_then(|s| run_chart(&id, &name, r, (s, e.surface_strip), units))
    {
        Some((svg, drawn)) => {
            h.push_str("<figure class=\"chart-box\">");
            h.push_str(&svg);
            h.push_str(&legend(r, drawn, e.surface_strip));
            h.push_str("</figure>\n");
        }
        None => h.push_str("<p class=\"note\">No curves to draw for this activity.</p>\n"),
    }

    h.push_str("<div class=\"facts\">\n");
    h.push_str(&zones(r));
    h.push_str(&numbers(r, units));
    h.push_str(&thresholds(r));
    h.push_str("</div>\n</section>\n");
    h
}

fn intent_phrase(e: &EntryRecord) -> String {
    use crate::history::Intent;
    let class = words::class_phrase(e.placement.class);
    match e.placement.intent {
        Some(Intent::Placement) => format!("{class}, judged: it follows a long or hard session"),
        Some(Intent::Name) => format!("{class}, judged: its name says recovery"),
        None => format!("{class}, not judged (only recovery runs are)"),
    }
}

fn reasons(r: &CheckRecord, units: Units) -> String {
    if r.reasons.is_empty() {
        return match r.verdict {
            Some(Verdict::Pass) => "<p class=\"reasons-none\">Easy, short enough, steady and flat: a proper recovery run.</p>\n".to_string(),
            _ => String::new(),
        };
    }
    let mut h = String::from("<ul class=\"reasons\">\n");
    for reason in &r.reasons {
        let (class, word) = words::severity_word(reason.severity);
        let _ = writeln!(
            h,
            "<li class=\"{class}\"><span class=\"sev\">{word}</span> <code>{}</code> {}</li>",
            reason.code.as_str(),
            escape::text(&units.reason_message(reason, &MessageFigures::of(r)))
        );
    }
    h.push_str("</ul>\n");
    h
}

/// The chart's key, in words and with the same swatches.
fn legend(r: &CheckRecord, drawn: Drawn, strip: Option<&[SurfaceStretch]>) -> String {
    let mut items = vec![
        "<li><span class=\"key key-hr\"></span>heart rate</li>".to_string(),
        format!(
            "<li><span class=\"key key-ceiling\"></span>ceiling {:.0} bpm</li>",
            r.ceiling.bpm
        ),
    ];
    if drawn.above {
        items.push(
            "<li><span class=\"key key-above\"></span>above the ceiling (strip at the top)</li>"
                .to_string(),
        );
    }
    if drawn.unreliable {
        items.push(
            "<li><span class=\"key key-unreliable\"></span>heart rate not used (cadence lock, artifacts); dashed: as recorded</li>"
                .to_string(),
        );
    }
    if drawn.surges {
        items.push("<li><span class=\"key key-surge\"></span>surge</li>".to_string());
    }
    if drawn.paused {
        items.push("<li><span class=\"key key-paused\"></span>paused</li>".to_string());
    }
    if drawn.surface
        && let Some(strip) = strip
    {
        items.extend(run_surface::legend_items(strip));
    }
    format!(
        "<figcaption><ul class=\"legend\">{}</ul></figcaption>",
        items.join("")
    )
}

fn zones(r: &CheckRecord) -> String {
    let z = &r.zones;
    let total: u32 = z.seconds.iter().sum();
    let mut h = format!(
        "<div class=\"zones\"><h4>Time in zones <small>({} model)</small></h4>\n",
        escape::text(z.model)
    );
    if total == 0 {
        h.push_str("<p class=\"note\">No moving time with usable heart rate.</p></div>\n");
        return h;
    }
    let n = z.names.len();
    let shares: Vec<(usize, &str, f64, u32)> = z
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let s = z.seconds.get(i).copied().unwrap_or(0);
            (i, *name, f64::from(s) / f64::from(total), s)
        })
        .collect();
    let label: Vec<String> = shares
        .iter()
        .map(|(_, name, share, _)| format!("{name} {:.0} %", share * 100.0))
        .collect();
    let _ = write!(
        h,
        "<div class=\"zbar\" role=\"img\" aria-label=\"Time in zones: {}\">",
        escape::attr(&label.join(", "))
    );
    for (i, name, share, _) in &shares {
        if *share <= 0.0 {
            continue;
        }
        let text = if *share >= 0.09 {
            format!("{} {:.0} %", name.to_uppercase(), share * 100.0)
        } else {
            String::new()
        };
        let _ = write!(
            h,
            "<span class=\"zc{}\" style=\"width:{:.2}%\">{}</span>",
            zone_colour(*i, n),
            share * 100.0,
            escape::text(&text)
        );
    }
    h.push_str("</div>\n<ul class=\"zlegend\">");
    for (i, name, share, s) in &shares {
        let lower = z.lower_bpm.get(*i).copied().unwrap_or(0.0);
        let range = match z.lower_bpm.get(i + 1) {
            Some(up) if lower <= 0.0 => format!("below {up:.0}"),
            Some(up) => format!("{lower:.0}–{up:.0}"),
            None => format!("{lower:.0}+"),
        };
        let _ = write!(
            h,
            "<li><span class=\"sw zc{}\"></span><strong>{}</strong> {range} bpm: {} ({:.0} %)</li>",
            zone_colour(*i, n),
            escape::text(&name.to_uppercase()),
            duration(f64::from(*s)),
            share * 100.0
        );
    }
    h.push_str("</ul></div>\n");
    h
}

fn numbers(r: &CheckRecord, units: Units) -> String {
    let mut rows: Vec<(&str, String)> = vec![
        (
            "Moving time",
            format!(
                "{} of {}",
                duration(f64::from(r.moving_s)),
                duration(r.elapsed_s)
            ),
        ),
        ("Distance", units.distance_text(r.distance_m, 2)),
        (
            "Pace",
            format!(
                "{} (grade-adjusted {})",
                words::pace(r.pace_s_per_km, units),
                words::pace(r.gap_s_per_km, units)
            ),
        ),
        (
            "Heart rate",
            format!("avg {} · max {}", bpm(r.hr.avg_bpm), bpm(r.hr.max_bpm)),
        ),
        (
            "Above the ceiling",
            match r.ceiling.share {
                Some(share) => format!(
                    "{} ({})",
                    duration(f64::from(r.ceiling.above_s)),
                    pct(Some(share))
                ),
                None => "– (no usable heart rate)".to_string(),
            },
        ),
        ("HR not usable", unusable(r)),
        (
            "Decoupling",
            r.decoupling_pct
                .map_or("n/a".to_string(), |d| format!("{d:.1} % (Pa:HR)")),
        ),
        (
            "Climb",
            format!(
                "{} up{}{}",
                r.ascent_m
                    .map_or(format!("– {}", units.elevation_unit()), |a| units
                        .elevation_text(a)),
                r.ascent_per_km_m.map_or(String::new(), |a| format!(
                    " ({:.0} {})",
                    units.climb_rate(a),
                    units.climb_rate_unit()
                )),
                r.terrain
                    .map_or(String::new(), |t| format!(" · {}", t.as_str()))
            ),
        ),
        ("Surface", surface(r, units)),
        ("Local time", escape::text(&r.local.describe()).into_owned()),
        ("Surges", r.surges.len().to_string()),
    ];
    if let Some(t) = r.trimp {
        rows.push((
            "Load",
            format!(
                "TRIMP {t:.0}{}",
                r.hrss.map_or(String::new(), |s| format!(" · hrTSS {s:.0}"))
            ),
        ));
    }
    let mut h = String::from("<div class=\"numbers\"><h4>Numbers</h4><dl>");
    for (k, v) in rows {
        let _ = write!(h, "<dt>{k}</dt><dd>{v}</dd>");
    }
    h.push_str("</dl></div>\n");
    h
}

/// The surface: the file's word, and the map's shares when a map gave them.
fn surface(r: &CheckRecord, units: Units) -> String {
    let word = escape::text(r.surface).into_owned();
    match (&r.surface_shares, &r.surface_map) {
        (Some(sh), Some(m)) => format!(
            "{word} · from the map: {:.0} % paved, {:.0} % unpaved, {:.0} % unknown · longest paved {}",
            sh.paved * 100.0,
            sh.unpaved * 100.0,
            sh.unknown * 100.0,
            units.distance_text(m.longest_paved_m, 1)
        ),
        _ => word,
    }
}

/// The share of moving time without usable HR, and why, naming only the causes there were.
fn unusable(r: &CheckRecord) -> String {
    let causes: Vec<String> = [
        ("cadence lock", r.hr.cadence_lock_s),
        ("artifacts", r.hr.artifact_s),
        ("dropouts", r.hr.dropout_s),
    ]
    .iter()
    .filter(|(_, s)| *s > 0)
    .map(|(what, s)| format!("{what} {}", duration(f64::from(*s))))
    .collect();
    if causes.is_empty() {
        format!("{} of moving time", pct(r.hr.unreliable_share))
    } else {
        format!(
            "{} of moving time ({})",
            pct(r.hr.unreliable_share),
            causes.join(", ")
        )
    }
}

fn thresholds(r: &CheckRecord) -> String {
    let t = &r.thresholds;
    let row = |label: &str, v: Option<String>, src: Option<String>| match (v, src) {
        (Some(v), Some(s)) => format!(
            "<tr><th scope=\"row\">{label}</th><td>{v}</td><td>{}</td></tr>",
            escape::text(&s)
        ),
        _ => String::new(),
    };
    let num = |v: &Option<SourcedValue<f64>>, unit: &str| {
        (
            v.as_ref().map(|v| format!("{:.0}{unit}", v.value)),
            v.as_ref().map(|v| v.source.describe()),
        )
    };
    let mut h = String::from(
        "<div class=\"thresholds\"><h4>Where the thresholds came from</h4><table>\
         <thead><tr><th scope=\"col\">threshold</th><th scope=\"col\">value</th><th scope=\"col\">source</th></tr></thead><tbody>",
    );
    h.push_str(&row(
        "zone model",
        t.zone_model
            .as_ref()
            .map(|z| escape::text(z.value).into_owned()),
        t.zone_model.as_ref().map(|z| z.source.describe()),
    ));
    for (label, v, unit) in [
        ("max HR", &t.max_hr_bpm, " bpm"),
        ("resting HR", &t.rest_hr_bpm, " bpm"),
        ("threshold HR", &t.lthr_bpm, " bpm"),
        ("age", &t.age_years, " years"),
    ] {
        let (v, s) = num(v, unit);
        h.push_str(&row(label, v, s));
    }
    h.push_str(&row(
        "phase",
        Some(escape::text(t.phase.value).into_owned()),
        Some(t.phase.source.describe()),
    ));
    let _ = write!(
        h,
        "<tr><th scope=\"row\">ceiling</th><td>{:.0} bpm</td><td>from the zone model</td></tr>",
        r.ceiling.bpm
    );
    h.push_str("</tbody></table></div>\n");
    h
}
