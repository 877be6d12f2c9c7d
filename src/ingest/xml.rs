//! Shared plumbing for the streaming XML readers (GPX, TCX): decoding the document,
//! two walkers that feed the same [`Handler`] — the fast one in [`fast`] and a thin
//! event walker over quick-xml that reports syntax errors with a line number — attribute
//! lookup by local name, and tolerant number/time parsing.
//!
//! [`read_document`] runs the fast walker and, when it meets anything it does not read
//! exactly as quick-xml would (a DOCTYPE, malformed markup, a truncated document), runs
//! the quick-xml walker over the document instead, so quick-xml alone decides what is
//! an error and what its message and line are.
//!
//! Both readers match elements by LOCAL name only. Real files use every prefix
//! imaginable (`gpxtpx:`, `ns3:`, undeclared prefixes, none at all), so namespaces are
//! never resolved: an undeclared prefix is a namespace error for a validating parser
//! but carries the same data.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;

use crate::error::ReadError;
use crate::model::Timestamp;

mod decode;
pub(crate) mod fast;

pub(crate) use decode::document_text;

/// 1-based line of byte offset `pos` in `text`.
pub(crate) fn line_at(text: &str, pos: u64) -> u64 {
    let end = usize::try_from(pos).unwrap_or(usize::MAX).min(text.len());
    let head = text.as_bytes().get(..end).unwrap_or_default();
    head.iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// One step of the walk, simplified to what the readers need.
pub(crate) enum Node<'a> {
    /// An element opens; `empty` is true for `<x/>`, which has no matching [`Node::Close`]
    /// (the reader closes it itself).
    Open { start: BytesStart<'a>, empty: bool },
    /// The innermost open element closes.
    Close,
    /// Character data: plain text, CDATA, or a resolved entity/character reference
    /// (quick-xml splits text at references, so one element's text may arrive in
    /// several pieces).
    Text(Cow<'a, str>),
    /// End of the document, every element closed.
    Eof,
}

/// A streaming walk over an XML document held in memory. Events borrow from the text,
/// so no buffer is copied per event.
pub(crate) struct Walker<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    depth: usize,
}

impl<'a> Walker<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut reader = Reader::from_str(text);
        // End tags must match their start tags: a mismatch is a syntax error.
        reader.config_mut().check_end_names = true;
        Walker {
            text,
            reader,
            depth: 0,
        }
    }

    /// The next node, or [`ReadError::InvalidXml`] with the line of the error.
    pub(crate) fn next_node(&mut self) -> Result<Node<'a>, ReadError> {
        loop {
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => return Err(self.invalid(self.reader.error_position(), &e)),
            };
            match event {
                Event::Start(start) => {
                    self.depth += 1;
                    return Ok(Node::Open {
                        start,
                        empty: false,
                    });
                }
                Event::Empty(start) => return Ok(Node::Open { start, empty: true }),
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Node::Close);
                }
                Event::Text(text) => return Ok(Node::Text(text.into_inner())),
                Event::CData(data) => return Ok(Node::Text(data.into_inner())),
                Event::GeneralRef(reference) => {
                    return Ok(Node::Text(resolve_reference(&reference)));
                }
                Event::Eof if self.depth > 0 => {
                    return Err(self.invalid(
                        self.text.len() as u64,
                        &format_args!(
                            "document ends with {} element(s) still open (truncated file?)",
                            self.depth
                        ),
                    ));
                }
                Event::Eof => return Ok(Node::Eof),
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
    }

    /// An [`ReadError::InvalidXml`] at the current position (for attribute errors, which
    /// quick-xml reports lazily while the attributes are iterated).
    pub(crate) fn invalid_here(&self, message: &dyn std::fmt::Display) -> ReadError {
        self.invalid(self.reader.buffer_position(), message)
    }

    fn invalid(&self, pos: u64, message: &dyn std::fmt::Display) -> ReadError {
        ReadError::InvalidXml {
            line: line_at(self.text, pos),
            message: message.to_string(),
        }
    }
}

/// Text of a general reference: the five predefined entities and character references;
/// anything else (a DTD-defined entity) is kept as written.
pub(crate) fn resolve_reference<'a>(reference: &BytesRef<'a>) -> Cow<'a, str> {
    if let Ok(Some(ch)) = reference.resolve_char_ref() {
        return Cow::Owned(ch.to_string());
    }
    let name: &str = reference;
    match quick_xml::escape::resolve_predefined_entity(name) {
        Some(text) => Cow::Borrowed(text),
        None => Cow::Owned(format!("&{name};")),
    }
}

/// An element's start tag as the handlers see it, whichever walker read it.
pub(crate) trait StartTag {
    /// Local name of the element as written (prefix, up to the first `:`, stripped).
    fn local_name(&self) -> &str;
    /// The (unescaped, normalised) value of the attribute whose local name is `local`;
    /// `Err` carries quick-xml's message for malformed attribute syntax.
    fn attribute(&self, local: &str) -> Result<Option<Cow<'_, str>>, String>;
    /// `(attribute(a), attribute(b))`, failing with the first error; walkers may find
    /// both in one scan.
    #[allow(clippy::type_complexity)]
    fn attribute_pair(
        &self,
        (a, b): (&str, &str),
    ) -> Result<(Option<Cow<'_, str>>, Option<Cow<'_, str>>), String> {
        Ok((self.attribute(a)?, self.attribute(b)?))
    }
}

impl StartTag for BytesStart<'_> {
    fn local_name(&self) -> &str {
        BytesStart::local_name(self).into_inner()
    }

    fn attribute(&self, local: &str) -> Result<Option<Cow<'_, str>>, String> {
        attribute(self, local)
    }
}

/// The (unescaped) value of the attribute whose local name is `local`.
/// `Err` carries quick-xml's message for malformed attribute syntax.
pub(crate) fn attribute<'s>(
    start: &'s BytesStart<'_>,
    local: &str,
) -> Result<Option<Cow<'s, str>>, String> {
    let mut attributes = start.attributes();
    attributes.with_checks(false);
    for attr in attributes {
        let attr = attr.map_err(|e| e.to_string())?;
        if attr.key.local_name().as_ref() == local {
            let value = match attr.normalized_value(XmlVersion::Implicit1_0) {
                Ok(value) => value,
                // A DTD's entity (a DOCTYPE is never read): kept as written, like one
                // in text (`resolve_reference`), never expanded.
                Err(quick_xml::Error::Escape(
                    quick_xml::escape::EscapeError::UnrecognizedEntity(..),
                )) => {
                    let kept = quick_xml::events::attributes::Attribute {
                        key: attr.key,
                        value: Cow::Owned(escape_unknown_entities(&attr.value)),
                    };
                    let value = kept
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|e| e.to_string())?;
                    Cow::Owned(value.into_owned())
                }
                Err(e) => return Err(e.to_string()),
            };
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// `raw` with the `&` of every reference to an entity that is neither predefined nor a
/// character reference escaped as `&amp;`, so normalising keeps `&name;` as written.
fn escape_unknown_entities(raw: &str) -> String {
    let raw = raw.as_bytes();
    let mut out = Vec::with_capacity(raw.len() + 16);
    for (i, &b) in raw.iter().enumerate() {
        out.push(b);
        if b != b'&' {
            continue;
        }
        let rest = raw.get(i + 1..).unwrap_or_default();
        let name = rest
            .iter()
            .position(|&c| c == b';')
            .and_then(|end| rest.get(..end));
        let known = name.is_some_and(|n| {
            n.first() == Some(&b'#') || matches!(n, b"lt" | b"gt" | b"amp" | b"apos" | b"quot")
        });
        if name.is_some() && !known {
            out.extend_from_slice(b"amp;");
        }
    }
    // Only ASCII was inserted, after an ASCII `&`: still UTF-8.
    String::from_utf8_lossy(&out).into_owned()
}

/// Text collected for one element, borrowing when it arrived in one piece.
#[derive(Default)]
pub(crate) struct TextBuf<'a> {
    text: Option<Cow<'a, str>>,
}

impl<'a> TextBuf<'a> {
    pub(crate) fn push(&mut self, piece: Cow<'a, str>) {
        match &mut self.text {
            None => self.text = Some(piece),
            Some(text) => text.to_mut().push_str(&piece),
        }
    }

    pub(crate) fn take(&mut self) -> Cow<'a, str> {
        self.text.take().unwrap_or(Cow::Borrowed(""))
    }

    pub(crate) fn clear(&mut self) {
        self.text = None;
    }
}

/// `text.trim()`, without the Unicode scan when `text` starts and ends with printable
/// ASCII (which is never whitespace): the usual case for a value.
fn trim(text: &str) -> &str {
    let ordinary = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
    let bytes = text.as_bytes();
    if ordinary(bytes.first()) && ordinary(bytes.last()) {
        text
    } else {
        text.trim()
    }
}

/// A finite number, surrounding whitespace ignored; anything else is missing.
pub(crate) fn parse_f64(text: &str) -> Option<f64> {
    let text = trim(text);
    let value: f64 = match parse_plain_decimal(text.as_bytes()) {
        Some(value) => value,
        None => text.parse().ok()?,
    };
    value.is_finite().then_some(value)
}

/// Exact powers of ten up to 10^15.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// `[-]digits[.digits]` with at most 15 digits in all, as `str::parse::<f64>` reads it:
/// the digits as an integer (below 10^15 < 2^53, so exact) divided by an exact power of
/// ten is one correctly rounded IEEE operation, so it is the correctly rounded value of
/// the decimal, which is what `parse` returns (its own fast path does this very
/// division). Anything else (exponents, `+`, `.5`, more digits) is `None`, for `parse`.
fn parse_plain_decimal(b: &[u8]) -> Option<f64> {
    let (negative, digits) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut point: Option<usize> = None;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                if count == 15 {
                    return None;
                }
                mantissa = mantissa * 10 + u64::from(c - b'0');
                count += 1;
            }
            b'.' if point.is_none() && count > 0 => point = Some(count),
            _ => return None,
        }
    }
    let fraction = match point {
        Some(at) if at == count => return None,
        Some(at) => count - at,
        None => 0,
    };
    if count == 0 {
        return None;
    }
    let value = mantissa as f64 / POW10.get(fraction).copied()?;
    Some(if negative { -value } else { value })
}

/// A count-like value (bpm, watts) rounded to the nearest integer: writers emit
/// `123.0` or `181.33`. Negative or out-of-range values are missing.
pub(crate) fn parse_rounded_u16(text: &str) -> Option<u16> {
    // Plain digits (the usual `140`) are their own rounded value.
    let text = trim(text);
    let b = text.as_bytes();
    if !b.is_empty() && b.len() <= 5 && b.iter().all(u8::is_ascii_digit) {
        let value = b.iter().fold(0u32, |v, &d| v * 10 + u32::from(d - b'0'));
        return u16::try_from(value).ok();
    }
    let value = parse_f64(text)?.round();
    (0.0..=f64::from(u16::MAX))
        .contains(&value)
        .then_some(value as u16)
}

/// An XML Schema dateTime (`Z`, offset, or no zone = UTC).
pub(crate) fn parse_time(text: &str) -> Option<Timestamp> {
    let text = trim(text);
    parse_utc_time(text.as_bytes()).or_else(|| Timestamp::parse_rfc3339(text))
}

/// The form nearly every writer uses, `YYYY-MM-DDThh:mm:ssZ` or with `.fff`
/// milliseconds, computed as [`Timestamp::parse_rfc3339`] computes it; `None` for any
/// other form (or an out-of-range field), which `parse_rfc3339` then reads.
fn parse_utc_time(b: &[u8]) -> Option<Timestamp> {
    let millis_digits = match b.len() {
        20 => 0,
        24 if b.get(19) == Some(&b'.') => 3,
        _ => return None,
    };
    if b.get(19 + millis_digits + usize::from(millis_digits > 0)) != Some(&b'Z')
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || b.get(10) != Some(&b'T')
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let number = |from: usize, len: usize| -> Option<i64> {
        let mut v = 0i64;
        for &d in b.get(from..from + len)? {
            if !d.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(d - b'0');
        }
        Some(v)
    };
    crate::model::time::Civil {
        year: number(0, 4)?,
        month: number(5, 2)?,
        day: number(8, 2)?,
        hour: number(11, 2)?,
        minute: number(14, 2)?,
        second: number(17, 2)?,
        millis: if millis_digits > 0 { number(20, 3)? } else { 0 },
    }
    .to_timestamp(0)
}

/// Free text trimmed and capped ([`crate::model::text::capped`]); `None` when blank.
pub(crate) fn non_blank(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| crate::model::text::capped(trimmed))
}

/// Activities of one document in document order (index, activity); when the document
/// holds more than one activity each is named `{source}#{index}` so every activity of a
/// batch has its own name.
pub(crate) fn name_by_position(
    activities: Vec<(usize, crate::model::RawActivity)>,
    several: bool,
    source: &str,
) -> Vec<crate::model::RawActivity> {
    activities
        .into_iter()
        .map(|(index, mut activity)| {
            if several {
                activity.source = format!("{source}#{index}");
            }
            activity
        })
        .collect()
}

/// What a streaming reader does with the nodes of a document.
pub(crate) trait Handler<'a> {
    /// An element opens; an error message aborts the read as invalid XML at this point.
    fn open(&mut self, start: &impl StartTag) -> Result<(), String>;
    /// The innermost open element closes.
    fn close(&mut self);
    /// Character data of the innermost open element.
    fn text(&mut self, piece: Cow<'a, str>);
    /// Whether [`Handler::text`] would keep text arriving now (a walker may then skip
    /// slicing it); text it would drop may also be passed.
    fn wants_text(&self) -> bool {
        true
    }
}

/// Reads `text` into the handler `make` builds: with the fast walker, or, when that
/// one gives up, with a fresh handler over the quick-xml walker.
pub(crate) fn read_document<'a, H: Handler<'a>>(
    text: &'a str,
    make: impl Fn() -> H,
) -> Result<H, ReadError> {
    match read_document_fast(text, &make) {
        Some(handler) => Ok(handler),
        None => read_document_quick_xml(text, make),
    }
}

/// Reads `text` into the handler `make` builds with the fast walker only; `None` when
/// it gives up (tests and benches see how often that happens).
pub(crate) fn read_document_fast<'a, H: Handler<'a>>(
    text: &'a str,
    make: impl Fn() -> H,
) -> Option<H> {
    let mut handler = make();
    fast::drive(text, &mut handler).ok().map(|()| handler)
}

/// Reads `text` into the handler `make` builds with the quick-xml walker only: the
/// reference the fast walker is tested against, and its fallback.
pub(crate) fn read_document_quick_xml<'a, H: Handler<'a>>(
    text: &'a str,
    make: impl Fn() -> H,
) -> Result<H, ReadError> {
    let mut handler = make();
    drive(&mut Walker::new(text), &mut handler)?;
    Ok(handler)
}

/// Feeds every node of `walker`'s document to `handler`, closing empty elements itself.
pub(crate) fn drive<'a>(
    walker: &mut Walker<'a>,
    handler: &mut impl Handler<'a>,
) -> Result<(), ReadError> {
    loop {
        match walker.next_node()? {
            Node::Open { start, empty } => {
                handler
                    .open(&start)
                    .map_err(|message| walker.invalid_here(&message))?;
                if empty {
                    handler.close();
                }
            }
            Node::Close => handler.close(),
            Node::Text(piece) => handler.text(piece),
            Node::Eof => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_from_one() {
        let text = "a\nb\nc";
        assert_eq!(line_at(text, 0), 1);
        assert_eq!(line_at(text, 2), 2);
        assert_eq!(line_at(text, 4), 3);
        assert_eq!(line_at(text, 999), 3);
    }

    #[test]
    fn plain_decimals_parse_exactly_like_std() {
        let cases = [
            "0",
            "-0",
            "7",
            "47.4181653",
            "8.5281525",
            "-122.4194155",
            "408.2",
            "0.000001",
            "123456789012345",
            "12345678901234.5",
            "1.0",
            "00012.5000",
            "999999999999999",
            "0.1",
            "0.2",
            "0.3",
            "2.675",
            "1.005",
            "-0.0",
        ];
        for text in cases {
            let std: f64 = text.parse().unwrap_or(f64::NAN);
            let ours = parse_plain_decimal(text.as_bytes());
            assert_eq!(ours.map(f64::to_bits), Some(std.to_bits()), "{text}");
        }
        for text in [
            "",
            "-",
            ".5",
            "5.",
            "1e3",
            "+1",
            "1.2.3",
            "1234567890123456",
            "1,5",
        ] {
            assert_eq!(parse_plain_decimal(text.as_bytes()), None, "{text}");
        }
        // Whatever the fast path declines, `parse` still reads.
        assert_eq!(parse_f64(" 1e3 "), Some(1000.0));
        assert_eq!(parse_f64("5."), Some(5.0));
        assert_eq!(parse_f64("+.5"), Some(0.5));
        let long = "47.123456789012345678901234567890";
        assert_eq!(
            parse_f64(long).map(f64::to_bits),
            long.parse::<f64>().ok().map(f64::to_bits)
        );
        assert_eq!(
            parse_f64("1234567890123456.7"),
            Some(1_234_567_890_123_456.8)
        );
        // Every value with up to 6 decimals on a grid, bit for bit.
        for i in (0..2_000_000u64).step_by(7919) {
            for scale in [1u64, 10, 1000, 1_000_000] {
                let text = format!("{}.{:06}", i / scale, (i % scale) * (1_000_000 / scale));
                let std: f64 = text.parse().unwrap_or(f64::NAN);
                assert_eq!(
                    parse_f64(&text).map(f64::to_bits),
                    Some(std.to_bits()),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn usual_times_parse_like_rfc3339() {
        let cases = [
            "2020-01-20T06:59:15Z",
            "2020-01-20T06:59:15.250Z",
            "1999-12-31T23:59:60Z",
            "2024-02-29T24:00:00Z",
            "0001-01-01T00:00:00.001Z",
            "2020-13-01T00:00:00Z",
            "2020-01-32T00:00:00Z",
            "2020-01-01T00:60:00Z",
            "2020-01-01T00:00:00.5Z",
            "2020-01-01t00:00:00Z",
            "2020-01-01T00:00:00+01:00",
            "2020-01-01T00:00:00",
            "2020-01-01T0a:00:00Z",
            " 2020-01-01T00:00:00Z\n",
        ];
        for text in cases {
            assert_eq!(parse_time(text), Timestamp::parse_rfc3339(text), "{text}");
        }
        assert!(parse_utc_time(b"2020-01-20T06:59:15.250Z").is_some());
        assert_eq!(parse_utc_time(b"2020-01-20T06:59:15+00:00"), None);
        // A day's worth of seconds, and every month's first day, agree.
        for s in (0..86_400).step_by(37) {
            let text = format!(
                "2021-06-{:02}T{:02}:{:02}:{:02}Z",
                1 + s % 28,
                s / 3600,
                s / 60 % 60,
                s % 60
            );
            assert_eq!(
                parse_utc_time(text.as_bytes()),
                Timestamp::parse_rfc3339(&text),
                "{text}"
            );
        }
    }

    #[test]
    fn numbers_are_tolerant_but_finite() {
        assert_eq!(parse_f64(" 12.5\n"), Some(12.5));
        assert_eq!(parse_f64("NaN"), None);
        assert_eq!(parse_f64("inf"), None);
        assert_eq!(parse_f64("abc"), None);
        assert_eq!(parse_rounded_u16("123.0"), Some(123));
        assert_eq!(parse_rounded_u16("181.5"), Some(182));
        assert_eq!(parse_rounded_u16("-3"), None);
        assert_eq!(parse_rounded_u16("70000"), None);
        assert_eq!(parse_rounded_u16("65535"), Some(65535));
        assert_eq!(parse_rounded_u16("65536"), None);
        assert_eq!(parse_rounded_u16("065535"), Some(65535));
        assert_eq!(parse_rounded_u16(" 0140\n"), Some(140));
        assert_eq!(parse_rounded_u16("-0"), Some(0));
        assert_eq!(parse_rounded_u16(""), None);
    }

    #[test]
    fn bom_and_latin1_decode() {
        assert_eq!(document_text(b"\xef\xbb\xbf<a/>").as_deref(), Ok("<a/>"));
        assert_eq!(
            document_text(b"<a>Ger\xe4t</a>").as_deref(),
            Ok("<a>Ger\u{fffd}t</a>")
        );
    }

    /// Walks a whole document, returning its concatenated text.
    fn walk(doc: &str) -> Result<String, ReadError> {
        let mut walker = Walker::new(doc);
        let mut text = String::new();
        loop {
            match walker.next_node()? {
                Node::Text(t) => text.push_str(&t),
                Node::Eof => return Ok(text),
                Node::Open { .. } | Node::Close => {}
            }
        }
    }

    #[test]
    fn walker_resolves_references() {
        let text = walk("<a>R&amp;B &#65;<![CDATA[<x>]]></a>");
        assert_eq!(text, Ok("R&B A<x>".to_string()));
    }

    #[test]
    fn walker_reports_lines() {
        let err = walk("<a>\n<b>\n</c>\n</a>");
        assert!(
            matches!(err, Err(ReadError::InvalidXml { line: 3, .. })),
            "{err:?}"
        );
        let err = walk("<a>\n<b>1</b>\n");
        assert!(
            matches!(err, Err(ReadError::InvalidXml { line: 3, .. })),
            "{err:?}"
        );
    }
}
