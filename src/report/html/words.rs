//! HTML report, the words: paces, shares, names and verdict badges as the page shows
//! them (dates: [`crate::report::clock`]; units: [`crate::report::units`]). Everything returned here is already escaped HTML.

use crate::history::Class;
use crate::judge::{Severity, Verdict};
use crate::profile::Units;
use crate::report::schema::CheckRecord;

use crate::report::escape;

/// `m:ss /km` or `m:ss /mi`, or an en dash.
pub fn pace(s_per_km: Option<f64>, units: Units) -> String {
    s_per_km.map_or_else(|| "–".to_string(), |p| units.pace_text(p))
}

/// `12 %` from a share 0–1, or an en dash.
pub fn pct(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_string(), |s| format!("{:.0} %", s * 100.0))
}

/// `123 bpm`, or an en dash.
pub fn bpm(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| format!("{v:.0} bpm"))
}

/// `1 run`, `2 runs`: a count with its noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The last part of a source path (`archive.zip/activities/1.fit` → `1.fit`).
pub fn file_name(source: &str) -> &str {
    source.rsplit(['/', '\\']).next().unwrap_or(source)
}

/// The name a runner gave the activity, else its file name: escaped.
pub fn display_name(r: &CheckRecord) -> String {
    match r.name.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => escape::text(n).into_owned(),
        _ => escape::text(file_name(&r.source)).into_owned(),
    }
}

/// "long run", "intervals session": what a class is called in a sentence.
pub fn class_phrase(c: Class) -> &'static str {
    match c {
        Class::Recovery => "recovery run",
        Class::Easy => "easy run",
        Class::Long => "long run",
        Class::Tempo => "tempo run",
        Class::Intervals => "intervals session",
        Class::Race => "race",
        Class::Other => "other activity (not running)",
    }
}

/// The verdict as a word and a symbol (never colour alone) with its CSS class.
pub fn verdict_parts(v: Option<Verdict>) -> (&'static str, &'static str, &'static str) {
    match v {
        Some(Verdict::Pass) => ("v-pass", "✓", "PASS"),
        Some(Verdict::Warn) => ("v-warn", "!", "WARN"),
        Some(Verdict::Fail) => ("v-fail", "✗", "FAIL"),
        Some(Verdict::Unknown) => ("v-unknown", "?", "UNKNOWN"),
        None => ("v-none", "–", "not judged"),
    }
}

/// `<span class="badge v-fail">✗ FAIL</span>`.
pub fn badge(v: Option<Verdict>) -> String {
    let (class, symbol, word) = verdict_parts(v);
    format!(
        "<span class=\"badge {class}\"><span aria-hidden=\"true\">{symbol}</span> {word}</span>"
    )
}

/// How a reason's severity is written next to it.
pub fn severity_word(s: Severity) -> (&'static str, &'static str) {
    match s {
        Severity::Info => ("s-info", "note"),
        Severity::Warn => ("s-warn", "warn"),
        Severity::Fail => ("s-fail", "fail"),
        Severity::Unknown => ("s-unknown", "not judged"),
    }
}

/// Worst first: fail, warn, unknown, pass (then not judged).
pub fn verdict_rank(v: Option<Verdict>) -> u8 {
    match v {
        Some(Verdict::Fail) => 0,
        Some(Verdict::Warn) => 1,
        Some(Verdict::Unknown) => 2,
        Some(Verdict::Pass) => 3,
        None => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_badges() {
        assert_eq!(file_name("export.zip/activities/1.fit"), "1.fit");
        assert_eq!(file_name("plain.gpx"), "plain.gpx");
        assert!(badge(Some(Verdict::Fail)).contains("FAIL"));
        assert!(badge(None).contains("not judged"));
        assert_eq!(count(1, "run", "runs"), "1 run");
        assert_eq!(count(0, "run", "runs"), "0 runs");
    }
}
