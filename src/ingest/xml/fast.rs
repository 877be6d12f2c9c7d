//! The fast walker: one pass over the document in memory that finds markup with
//! `memchr` and feeds a [`Handler`] the same node sequence as the quick-xml
//! [`Walker`](super::Walker) does (opens, closes, and text that concatenates to the
//! same strings), without an event object per node.
//!
//! It reads exactly what quick-xml 0.42 reads with the configuration the readers use
//! (`check_end_names`, comments unchecked, no trimming), mirroring its rules:
//! - a tag ends at the first `>` outside single or double quotes; a start tag's name is
//!   its first whitespace-delimited word, a trailing `/` makes it empty; the local name
//!   follows the first `:`;
//! - an end tag's name, trailing whitespace trimmed, must equal the innermost open name;
//! - comments end at the first `-->` after `<!--`, CDATA at the first `]]>`; processing
//!   instructions and the XML declaration at the first `?>`;
//! - text runs to the next `<` or `&`; a reference `&name;` is resolved by the walker's
//!   own [`resolve_reference`](super::resolve_reference).
//!
//! Whatever it does not read that way — a DOCTYPE, an unclosed or mismatched tag, a
//! dangling `&`, a document that ends with open elements, a second BOM, or an error the
//! handler raises — makes it return [`Unsupported`], and the caller reads the document
//! again with quick-xml, which then decides (and reports, with its line) any error. So
//! this walker never accepts what quick-xml rejects, and never reports an error itself.

use std::borrow::Cow;

use memchr::{memchr, memchr2, memchr3, memchr3_iter, memmem};
use quick_xml::events::{BytesRef, BytesStart};

use super::{Handler, StartTag};

/// The fast walker cannot read this document as quick-xml would: read it with quick-xml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsupported;

/// A start tag: its content between `<` and `>` (without a trailing `/`), and where
/// its name ends.
pub(crate) struct FastStart<'a> {
    content: &'a str,
    name_len: usize,
}

impl StartTag for FastStart<'_> {
    fn local_name(&self) -> &str {
        let name = self.content.get(..self.name_len).unwrap_or_default();
        match memchr(b':', name.as_bytes()) {
            Some(i) => name.get(i + 1..).unwrap_or_default(),
            None => name,
        }
    }

    fn attribute(&self, local: &str) -> Result<Option<Cow<'_, str>>, String> {
        match plain_attribute(self.content, self.name_len, local) {
            Plain::Found(value) => Ok(Some(Cow::Borrowed(value))),
            Plain::Absent => Ok(None),
            // Entities, tabs or newlines in a value, or syntax quick-xml may reject:
            // quick-xml's own attribute iterator decides.
            Plain::Unusual => {
                let start = BytesStart::from_content(self.content, self.name_len);
                super::attribute(&start, local).map(|v| v.map(|v| Cow::Owned(v.into_owned())))
            }
        }
    }
}

/// What the plain attribute scan found.
enum Plain<'a> {
    Found(&'a str),
    Absent,
    Unusual,
}

const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Index of the first byte at or after `from` that is not XML whitespace.
fn skip_space(b: &[u8], mut from: usize) -> usize {
    while b.get(from).is_some_and(|&c| is_space(c)) {
        from += 1;
    }
    from
}

/// The attribute `local` of a start tag when every attribute up to it has the plain
/// form `key="value"` / `key='value'` (whitespace allowed around `=`) and its value
/// needs no normalisation (no `&`, tab or line break): then quick-xml's iterator (no
/// duplicate checks) returns exactly that slice. Anything else is `Unusual`.
fn plain_attribute<'a>(content: &'a str, name_len: usize, local: &str) -> Plain<'a> {
    let b = content.as_bytes();
    let mut i = name_len;
    loop {
        i = skip_space(b, i);
        if i >= b.len() {
            return Plain::Absent;
        }
        // The key's first byte is never a delimiter (not even `=`), as in quick-xml.
        let key_start = i;
        i += 1;
        while b.get(i).is_some_and(|&c| c != b'=' && !is_space(c)) {
            i += 1;
        }
        let key_end = i;
        i = skip_space(b, i);
        if b.get(i) != Some(&b'=') {
            return Plain::Unusual;
        }
        i = skip_space(b, i + 1);
        let Some(&quote @ (b'"' | b'\'')) = b.get(i) else {
            return Plain::Unusual;
        };
        let value_start = i + 1;
        let Some(len) = b.get(value_start..).and_then(|rest| memchr(quote, rest)) else {
            return Plain::Unusual;
        };
        let value_end = value_start + len;
        i = value_end + 1;
        let key = b.get(key_start..key_end).unwrap_or_default();
        let key_local = match memchr(b':', key) {
            Some(c) => key.get(c + 1..).unwrap_or_default(),
            None => key,
        };
        if key_local == local.as_bytes() {
            let value = content.get(value_start..value_end).unwrap_or_default();
            if memchr3(b'&', b'\t', b'\n', value.as_bytes()).is_some()
                || memchr(b'\r', value.as_bytes()).is_some()
            {
                return Plain::Unusual;
            }
            return Plain::Found(value);
        }
    }
}

/// Index of the `>` that closes the tag opened at `from` (the first one outside quoted
/// regions), as quick-xml's `ElementParser` finds it.
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let rest = b.get(from..)?;
    let mut quote: Option<u8> = None;
    for i in memchr3_iter(b'>', b'"', b'\'', rest) {
        let c = *rest.get(i)?;
        match quote {
            None if c == b'>' => return Some(from + i),
            None => quote = Some(c),
            Some(q) if q == c => quote = None,
            Some(_) => {}
        }
    }
    None
}

/// Feeds every node of `text` to `handler`, or gives up with [`Unsupported`] (the
/// handler's state is then meaningless: the caller starts over with a new one).
pub(crate) fn drive<'a>(text: &'a str, handler: &mut impl Handler<'a>) -> Result<(), Unsupported> {
    let b = text.as_bytes();
    // quick-xml drops one BOM itself; `document_text` already dropped the first.
    if b.starts_with(b"\xef\xbb\xbf") {
        return Err(Unsupported);
    }
    let comment_end = memmem::Finder::new(b"-->");
    let cdata_end = memmem::Finder::new(b"]]>");
    let pi_end = memmem::Finder::new(b"?>");
    // Names of the open elements, innermost last.
    let mut open: Vec<&'a str> = Vec::with_capacity(16);
    let mut pos = 0usize;
    loop {
        let rest = b.get(pos..).unwrap_or_default();
        let Some(i) = memchr2(b'<', b'&', rest) else {
            if !rest.is_empty() {
                handler.text(Cow::Borrowed(text.get(pos..).ok_or(Unsupported)?));
            }
            break;
        };
        if i > 0 {
            handler.text(Cow::Borrowed(text.get(pos..pos + i).ok_or(Unsupported)?));
        }
        pos += i;
        if b.get(pos) == Some(&b'&') {
            // A reference must end with `;` before any `&` or `<`.
            let after = b.get(pos + 1..).unwrap_or_default();
            let end = memchr3(b';', b'&', b'<', after).ok_or(Unsupported)?;
            if after.get(end) != Some(&b';') {
                return Err(Unsupported);
            }
            let name = text.get(pos + 1..pos + 1 + end).ok_or(Unsupported)?;
            handler.text(super::resolve_reference(&BytesRef::new(name)));
            pos += end + 2;
            continue;
        }
        // Markup at `pos`.
        match b.get(pos + 1) {
            None => return Err(Unsupported),
            Some(b'/') => {
                let end = tag_end(b, pos).ok_or(Unsupported)?;
                let content = b.get(pos + 2..end).unwrap_or_default();
                let name_end = content
                    .iter()
                    .rposition(|&c| !is_space(c))
                    .map_or(content.len(), |p| p + 1);
                let name = content.get(..name_end).unwrap_or_default();
                match open.pop() {
                    Some(expected) if expected.as_bytes() == name => handler.close(),
                    _ => return Err(Unsupported),
                }
                pos = end + 1;
            }
            Some(b'?') => {
                let after = b.get(pos + 1..).unwrap_or_default();
                let at = pi_end.find(after).ok_or(Unsupported)?;
                // `<?>` is no processing instruction.
                if at == 0 {
                    return Err(Unsupported);
                }
                pos += 1 + at + 2;
            }
            Some(b'!') => {
                let here = b.get(pos..).unwrap_or_default();
                if here.starts_with(b"<!--") {
                    let body = here.get(4..).unwrap_or_default();
                    let at = comment_end.find(body).ok_or(Unsupported)?;
                    pos += 4 + at + 3;
                } else if here.starts_with(b"<![CDATA[") {
                    let body = here.get(9..).unwrap_or_default();
                    let at = cdata_end.find(body).ok_or(Unsupported)?;
                    let data = text.get(pos + 9..pos + 9 + at).ok_or(Unsupported)?;
                    handler.text(Cow::Borrowed(data));
                    pos += 9 + at + 3;
                } else {
                    // DOCTYPE (its internal subset has its own rules) or bad markup.
                    return Err(Unsupported);
                }
            }
            Some(_) => {
                let end = tag_end(b, pos).ok_or(Unsupported)?;
                let inner = text.get(pos + 1..end).ok_or(Unsupported)?;
                let (content, empty) = match inner.strip_suffix('/') {
                    Some(content) => (content, true),
                    None => (inner, false),
                };
                let name_len = content
                    .as_bytes()
                    .iter()
                    .position(|&c| is_space(c))
                    .unwrap_or(content.len());
                let start = FastStart { content, name_len };
                if !empty {
                    open.push(content.get(..name_len).ok_or(Unsupported)?);
                }
                handler.open(&start).map_err(|_| Unsupported)?;
                if empty {
                    handler.close();
                }
                pos = end + 1;
            }
        }
    }
    if open.is_empty() {
        Ok(())
    } else {
        Err(Unsupported)
    }
}

#[cfg(test)]
mod tests;
