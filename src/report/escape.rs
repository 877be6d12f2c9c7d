//! Escaping for every XML and HTML easyrun writes (the HTML report, JUnit XML, the
//! GPX/TCX writers): every string that came from a file (names, device names, paths,
//! messages quoting them) passes through here, so a GPX `<name>` holding `<script>` is
//! shown as text, never run. Control characters that XML 1.0 forbids are replaced by
//! U+FFFD, so the output always parses.

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

#[cfg(test)]
mod tests {
    use super::*;

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
