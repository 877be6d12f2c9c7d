//! The document's bytes as text, whatever encoding they were written in: UTF-8 (with
//! or without a BOM), UTF-16 with a byte order mark, or the encoding the XML
//! declaration names (`encoding="ISO-8859-1"`, `windows-1252`, `Shift_JIS`…), decoded
//! with encoding_rs (docs/decisions.md). Labels are looked up as the WHATWG Encoding
//! Standard defines them, so `ISO-8859-1` and `US-ASCII` decode as windows-1252 (the
//! same characters, and printable ones where Latin-1 would have C1 controls).
//!
//! What cannot be decoded is a typed [`ReadError::InvalidXml`] saying why: UTF-32, UTF-16
//! without a byte order mark, an encoding name nobody knows.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

use crate::error::ReadError;

const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// How far into the document the XML declaration may end.
const DECLARATION_BYTES: usize = 1024;

/// How a document's bytes are to be read, from its first bytes alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoded {
    /// UTF-8; `bom` bytes to drop first.
    Utf8 { bom: usize },
    /// Another encoding easyrun decodes; `bom` bytes to drop first.
    Other {
        encoding: &'static Encoding,
        bom: usize,
    },
}

fn unsupported(message: String) -> ReadError {
    ReadError::InvalidXml { line: 1, message }
}

/// How the document starting with `head` is encoded, or why it cannot be read.
pub(crate) fn detect(head: &[u8]) -> Result<Encoded, ReadError> {
    if head.starts_with(&[0, 0, 0xFE, 0xFF]) || head.starts_with(&[0xFF, 0xFE, 0, 0]) {
        return Err(unsupported(
            "the document is UTF-32, which easyrun does not decode (save it as UTF-8)".into(),
        ));
    }
    if head.starts_with(UTF8_BOM) {
        return Ok(Encoded::Utf8 { bom: 3 });
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return Ok(Encoded::Other {
            encoding: UTF_16LE,
            bom: 2,
        });
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Ok(Encoded::Other {
            encoding: UTF_16BE,
            bom: 2,
        });
    }
    if head.starts_with(b"<\0?\0") || head.starts_with(b"\0<\0?") {
        return Err(unsupported(
            "the document is UTF-16 without a byte order mark, which XML requires".into(),
        ));
    }
    let Some(label) = declared_encoding(head) else {
        return Ok(Encoded::Utf8 { bom: 0 });
    };
    match Encoding::for_label(label) {
        None => Err(unsupported(format!(
            "unknown encoding {:?} in the XML declaration",
            String::from_utf8_lossy(label)
        ))),
        // Declared UTF-16 but its declaration reads as ASCII: the bytes are not UTF-16,
        // and are read as UTF-8 (as before the declaration was looked at).
        Some(e) if e == UTF_8 || e == UTF_16LE || e == UTF_16BE => Ok(Encoded::Utf8 { bom: 0 }),
        Some(e) if e == encoding_rs::REPLACEMENT => Err(unsupported(format!(
            "encoding {:?} in the XML declaration is not supported",
            String::from_utf8_lossy(label)
        ))),
        Some(encoding) => Ok(Encoded::Other { encoding, bom: 0 }),
    }
}

/// The document as text. UTF-8 that is not valid is read with U+FFFD in place of the
/// bad bytes rather than rejected (everything easyrun reads from GPX/TCX is ASCII
/// numbers and times; only free-text names can be damaged); other encodings are
/// decoded, malformed sequences likewise replaced.
pub(crate) fn document_text(bytes: &[u8]) -> Result<Cow<'_, str>, ReadError> {
    match detect(bytes)? {
        Encoded::Utf8 { bom } => {
            let body = bytes.get(bom..).unwrap_or_default();
            Ok(match std::str::from_utf8(body) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(body),
            })
        }
        Encoded::Other { encoding, bom } => {
            let body = bytes.get(bom..).unwrap_or_default();
            let (text, _had_errors) = encoding.decode_without_bom_handling(body);
            Ok(text)
        }
    }
}

/// The `encoding` pseudo-attribute of an XML declaration at the very start of `head`
/// (ASCII), if there is one.
fn declared_encoding(head: &[u8]) -> Option<&[u8]> {
    let decl = head.strip_prefix(b"<?xml")?;
    if !decl.first().is_some_and(u8::is_ascii_whitespace) {
        return None;
    }
    let window = decl.get(..decl.len().min(DECLARATION_BYTES))?;
    let end = window.windows(2).position(|w| w == b"?>")?;
    let decl = window.get(..end)?;
    let at = decl.windows(8).position(|w| w == b"encoding")?;
    let rest = decl.get(at + 8..)?;
    let rest = trim_start(rest).strip_prefix(b"=")?;
    let rest = trim_start(rest);
    let (&quote, value) = rest.split_first()?;
    if quote != b'"' && quote != b'\'' {
        return None;
    }
    let close = value.iter().position(|&b| b == quote)?;
    value.get(..close)
}

fn trim_start(b: &[u8]) -> &[u8] {
    let skip = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    b.get(skip..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> Result<String, String> {
        document_text(bytes)
            .map(|t| t.into_owned())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn declared_single_byte_encodings_are_decoded() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><gpx><name>Caf\xe9 M\xfcller</name></gpx>";
        assert_eq!(
            text(latin1).as_deref(),
            Ok(
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><gpx><name>Café Müller</name></gpx>"
            )
        );
        let cp1252 = b"<?xml version='1.0' encoding = 'windows-1252' ?><a>\x80</a>";
        assert!(text(cp1252).is_ok_and(|t| t.ends_with("<a>€</a>")));
    }

    #[test]
    fn utf16_with_a_bom_is_decoded() {
        let s = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><gpx>é</gpx>";
        let mut le = vec![0xFF, 0xFE];
        le.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(text(&le).as_deref(), Ok(s));
        let mut be = vec![0xFE, 0xFF];
        be.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(text(&be).as_deref(), Ok(s));
    }

    #[test]
    fn what_cannot_be_decoded_says_why() {
        let err = |b: &[u8]| text(b).err().unwrap_or_default();
        assert!(err(b"\xFF\xFE\0\0<\0\0\0").contains("UTF-32"));
        assert!(err(b"<\0?\0x\0m\0l\0").contains("without a byte order mark"));
        assert!(err(b"<?xml version=\"1.0\" encoding=\"klingon\"?><gpx/>").contains("klingon"));
        assert!(
            err(b"<?xml version=\"1.0\" encoding=\"ISO-2022-KR\"?><gpx/>")
                .contains("not supported")
        );
    }

    #[test]
    fn utf8_stays_borrowed_and_bad_bytes_are_replaced() {
        assert!(matches!(
            document_text(b"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>"),
            Ok(Cow::Borrowed(_))
        ));
        assert_eq!(text(b"<a>\xff</a>").as_deref(), Ok("<a>\u{FFFD}</a>"));
    }
}
