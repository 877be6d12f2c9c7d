//! Format detection by content: FIT header, gzip and zip magic, XML root element.
//! Extensions are never trusted (`.FIT`, `.TCX.gz`, mislabeled files occur).

/// What a byte buffer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Empty,
    Fit,
    Gzip,
    Zip,
    Gpx,
    Tcx,
    /// An XML document in an encoding easyrun cannot decode; the message says which.
    UnsupportedXml(String),
    /// Not recognised; the detail says what was seen.
    Unknown(String),
}

/// How far into an XML document to look for the root element.
const XML_SNIFF_BYTES: usize = 64 * 1024;

/// Detects the content kind of `bytes`.
pub fn detect(bytes: &[u8]) -> Kind {
    if bytes.is_empty() {
        return Kind::Empty;
    }
    if bytes.get(8..12) == Some(b".FIT") {
        return Kind::Fit;
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Kind::Gzip;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Kind::Zip;
    }
    let head = bytes
        .get(..bytes.len().min(XML_SNIFF_BYTES))
        .unwrap_or(bytes);
    let decoded = match super::xml::document_text(head) {
        Ok(text) => text,
        Err(e) => {
            // Only an XML document is worth the encoding's message.
            return match e {
                crate::error::ReadError::InvalidXml { message, .. } => {
                    Kind::UnsupportedXml(message)
                }
                other => Kind::Unknown(other.to_string()),
            };
        }
    };
    match xml_root(decoded.as_bytes()) {
        Some(root) if root.eq_ignore_ascii_case("gpx") => Kind::Gpx,
        Some(root) if root == "TrainingCenterDatabase" => Kind::Tcx,
        Some(root) => Kind::Unknown(format!("XML with root element <{root}>")),
        None => Kind::Unknown("no FIT header, archive magic or XML root element".to_string()),
    }
}

/// The local name of the first element in an XML document (decoded to UTF-8, its BOM
/// dropped), skipping the declaration, comments, processing instructions and a
/// DOCTYPE with its internal subset.
fn xml_root(head: &[u8]) -> Option<String> {
    let mut i = 0;
    loop {
        while head.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        let rest = head.get(i..)?;
        if rest.starts_with(b"<?") {
            i += find(rest, b"?>")? + 2;
        } else if rest.starts_with(b"<!--") {
            i += find(rest, b"-->")? + 3;
        } else if rest.starts_with(b"<!DOCTYPE") {
            i += doctype_end(rest)?;
        } else if rest.starts_with(b"<!") {
            i += find(rest, b">")? + 1;
        } else if rest.starts_with(b"<") {
            let name_bytes: Vec<u8> = rest
                .get(1..)?
                .iter()
                .copied()
                .take_while(|b| !b.is_ascii_whitespace() && *b != b'>' && *b != b'/')
                .collect();
            let name = String::from_utf8(name_bytes).ok()?;
            let local = name.rsplit(':').next().unwrap_or(&name).to_string();
            return (!local.is_empty()).then_some(local);
        } else {
            return None;
        }
    }
}

/// The length of the DOCTYPE declaration at the start of `rest`, internal subset
/// (`[...]`, whose declarations hold `>` of their own) included: quoted literals and
/// comments are passed over whole, so a `]` or `>` inside them ends nothing.
fn doctype_end(rest: &[u8]) -> Option<usize> {
    let mut i = 0;
    let mut in_subset = false;
    while let Some(&b) = rest.get(i) {
        match b {
            b'"' | b'\'' => i += 1 + rest.get(i + 1..)?.iter().position(|&c| c == b)?,
            b'<' if rest.get(i..)?.starts_with(b"<!--") => i += find(rest.get(i..)?, b"-->")? + 2,
            b'[' if !in_subset => in_subset = true,
            b']' if in_subset => in_subset = false,
            b'>' if !in_subset => return Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_content() {
        let mut fit = vec![14u8, 0x20, 0, 0, 0, 0, 0, 0];
        fit.extend_from_slice(b".FIT");
        assert_eq!(detect(&fit), Kind::Fit);
        assert_eq!(detect(&[0x1f, 0x8b, 8, 0]), Kind::Gzip);
        assert_eq!(detect(b"PK\x03\x04rest"), Kind::Zip);
        assert_eq!(
            detect(b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- c --><gpx version=\"1.1\">"),
            Kind::Gpx
        );
        assert_eq!(detect(b"<ns:gpx>"), Kind::Gpx);
        assert_eq!(detect(b"<TrainingCenterDatabase xmlns=\"x\">"), Kind::Tcx);
        assert!(matches!(detect(b"<html>"), Kind::Unknown(_)));
        assert!(matches!(detect(b"error: no such file"), Kind::Unknown(_)));
        assert_eq!(detect(b""), Kind::Empty);
    }

    #[test]
    fn a_doctype_subset_utf16_and_unknown_encodings() {
        let doctype = b"<?xml version=\"1.0\"?>\n<!DOCTYPE gpx [\n  <!ENTITY a \"x>y]\">\n  <!-- ]> -->\n  <!ELEMENT gpx ANY>\n]>\n<gpx creator=\"&a;\">";
        assert_eq!(detect(doctype), Kind::Gpx);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(
            "<?xml version=\"1.0\"?><TrainingCenterDatabase>"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(detect(&utf16), Kind::Tcx);
        assert!(matches!(
            detect(b"<?xml version=\"1.0\" encoding=\"klingon\"?><gpx>"),
            Kind::UnsupportedXml(m) if m.contains("klingon")
        ));
        assert_eq!(
            detect(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><gpx creator=\"\xe9\">"),
            Kind::Gpx
        );
    }
}
