//! Escaping for every XML and HTML easyrun writes (the HTML report, JUnit XML, the
//! GPX/TCX writers): every string that came from a file (names, device names, paths,
//! messages quoting them) passes through here, so a GPX `<name>` holding `<script>` is
//! shown as text, never run. Control characters that XML 1.0 forbids are replaced by
//! U+FFFD, so the output always parses.
//!
//! [`terminal`] does the same for text meant for a terminal (every text renderer and
//! the command line's error printer call it on what came from a file or a path), as
//! `ls -b` and ripgrep do: a name holding ESC, an OSC sequence, BEL, CR or a line break
//! is shown as `\e`-style escapes, never interpreted, and cannot break a table's row.

use std::borrow::Cow;

fn escape_with(s: &str, quotes: bool) -> Cow<'_, str> {
    let needs = |c: char| {
        matches!(c, '&' | '<' | '>') || (quotes && matches!(c, '"' | '\'')) || forbidden_in_xml(c)
    };
    if !s.chars().any(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            c if forbidden_in_xml(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// C0 controls other than tab, line feed and carriage return, and the two
/// non-characters U+FFFE/U+FFFF, are not allowed in XML 1.0 documents.
fn forbidden_in_xml(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Text content of an element: `&`, `<`, `>` escaped.
pub fn text(s: &str) -> Cow<'_, str> {
    escape_with(s, false)
}

/// A quoted attribute value: also both quote characters, so it is safe in `"…"` and
/// `'…'` alike.
pub fn attr(s: &str) -> Cow<'_, str> {
    escape_with(s, true)
}

/// Whether `c` must not reach a terminal raw: C0 controls (tab and line feed too: they
/// break a row), DEL, C1 controls (U+0080–U+009F: 8-bit CSI and OSC on some
/// terminals), the bidirectional overrides that reorder what is shown ("Trojan
/// Source"), the backslash (so an escape is never ambiguous), and the characters that
/// stand for bytes of a path that are not UTF-8 ([`crate::walk::source_name`]).
fn needs_terminal_escape(c: char) -> bool {
    matches!(c, '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\\')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || is_raw_byte(c)
}

fn is_raw_byte(c: char) -> bool {
    (crate::walk::RAW_BYTE_BASE + 0x80..=crate::walk::RAW_BYTE_BASE + 0xFF).contains(&u32::from(c))
}

/// Text safe to print on a terminal: `\\`, `\a`, `\b`, `\t`, `\n`, `\v`, `\f`, `\r`
/// and `\e` (ESC) as C escapes, other controls and path bytes that are not UTF-8 as
/// `\xNN`, C1 controls and bidirectional overrides as `\u{NNNN}`. JSON output keeps
/// the exact text instead (serde escapes controls as JSON requires).
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_terminal_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            c if is_raw_byte(c) => {
                out.push_str(&format!(
                    "\\x{:02x}",
                    u32::from(c) - crate::walk::RAW_BYTE_BASE
                ));
            }
            c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if needs_terminal_escape(c) => out.push_str(&format!("\\u{{{:04x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_shows_controls_as_escapes() {
        assert!(matches!(terminal("runs/Morning run.fit"), Cow::Borrowed(_)));
        assert_eq!(
            terminal("a\u{1b}]0;pwned\u{7}b\rc\nd\te\\f\u{0}\u{7f}"),
            "a\\e]0;pwned\\ab\\rc\\nd\\te\\\\f\\x00\\x7f"
        );
        assert_eq!(terminal("x\u{9b}31m\u{202e}y"), "x\\u{009b}31m\\u{202e}y");
        assert_eq!(terminal("Café ☕ 日本"), "Café ☕ 日本");
        let raw = char::from_u32(crate::walk::RAW_BYTE_BASE + 0xff).map(String::from);
        assert_eq!(
            terminal(&format!("a{}b", raw.unwrap_or_default())),
            "a\\xffb"
        );
    }

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            text("<script>alert(1)</script> & co"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
        );
        assert_eq!(text("Rock 'n' \"roll\""), "Rock 'n' \"roll\"");
    }

    #[test]
    fn attributes_escape_quotes_too() {
        assert_eq!(attr("a\"b' onload='x()"), "a&quot;b&#39; onload=&#39;x()");
        assert_eq!(attr("x<y>&"), "x&lt;y&gt;&amp;");
    }

    #[test]
    fn plain_strings_are_borrowed() {
        assert!(matches!(text("Morning run"), Cow::Borrowed(_)));
        assert!(matches!(attr("fixtures/a.fit"), Cow::Borrowed(_)));
    }

    #[test]
    fn xml_forbidden_controls_are_replaced() {
        assert_eq!(text("a\u{1}b\tc\n"), "a\u{FFFD}b\tc\n");
        assert_eq!(attr("\u{0}"), "\u{FFFD}");
    }
}
