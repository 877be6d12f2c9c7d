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

use memchr::{memchr2, memchr3, memmem};
use quick_xml::events::{BytesRef, BytesStart};

use super::{Handler, StartTag};

/// The fast walker cannot read this document as quick-xml would: read it with quick-xml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsupported;

/// A start tag: its content between `<` and `>` (without a trailing `/`), where its
/// name ends, and where its local name starts (after the first `:`).
pub(crate) struct FastStart<'a> {
    content: &'a str,
    name_len: usize,
    local_at: usize,
}

impl StartTag for FastStart<'_> {
    fn local_name(&self) -> &str {
        self.content
            .get(self.local_at..self.name_len)
            .unwrap_or_default()
    }

    fn attribute(&self, local: &str) -> Result<Option<Cow<'_, str>>, String> {
        match plain_attribute(self.content, self.name_len, local) {
            Plain::Found(value) => Ok(Some(Cow::Borrowed(value))),
            Plain::Absent => Ok(None),
            // Entities, tabs or newlines in a value, or syntax quick-xml may reject:
            // quick-xml's own attribute iterator decides.
            Plain::Unusual => self.quick_xml_attribute(local),
        }
    }

    fn attribute_pair(
        &self,
        (a, b): (&str, &str),
    ) -> Result<(Option<Cow<'_, str>>, Option<Cow<'_, str>>), String> {
        let (pa, pb) = plain_attribute_pair(self.content, self.name_len, (a, b));
        // In the order quick-xml would be asked, so its first error is the one reported.
        let va = match pa {
            Plain::Found(value) => Some(Cow::Borrowed(value)),
            Plain::Absent => None,
            Plain::Unusual => self.quick_xml_attribute(a)?,
        };
        let vb = match pb {
            Plain::Found(value) => Some(Cow::Borrowed(value)),
            Plain::Absent => None,
            Plain::Unusual => self.quick_xml_attribute(b)?,
        };
        Ok((va, vb))
    }
}

impl FastStart<'_> {
    /// quick-xml's own attribute lookup on this tag: for whatever the plain scan leaves.
    fn quick_xml_attribute(&self, local: &str) -> Result<Option<Cow<'static, str>>, String> {
        let start = BytesStart::from_content(self.content, self.name_len);
        super::attribute(&start, local).map(|v| v.map(|v| Cow::Owned(v.into_owned())))
    }
}

/// What the plain attribute scan found.
enum Plain<'a> {
    Found(&'a str),
    Absent,
    Unusual,
}

/// `a == b` for short slices (element names) without a call into `memcmp`: eight bytes
/// at a time, then byte by byte.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut wa, mut wb) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut wa).zip(&mut wb) {
        if x != y {
            return false;
        }
    }
    wa.remainder()
        .iter()
        .zip(wb.remainder())
        .all(|(x, y)| x == y)
}

/// What follows the first `:` of a qualified name (all of it without a `:`).
fn local_part(name: &[u8]) -> &[u8] {
    match name.iter().position(|&c| c == b':') {
        Some(c) => name.get(c + 1..).unwrap_or_default(),
        None => name,
    }
}

const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The attribute `local` of a start tag when every attribute up to it has the plain
/// form `key="value"` / `key='value'` (whitespace allowed around `=`) and its value
/// needs no normalisation (no `&`, tab or line break): then quick-xml's iterator (no
/// duplicate checks) returns exactly that slice. Anything else is `Unusual`.
fn plain_attribute<'a>(content: &'a str, name_len: usize, local: &str) -> Plain<'a> {
    let mut at = name_len;
    loop {
        match next_attribute(content, at) {
            Step::End => return Plain::Absent,
            Step::Unusual => return Plain::Unusual,
            Step::Attribute { key, value, next } => {
                if let Some(found) = matching(key, value, local) {
                    return found;
                }
                at = next;
            }
        }
    }
}

/// Both attributes `a` and `b` in one scan, each as [`plain_attribute`] finds it.
fn plain_attribute_pair<'a>(
    content: &'a str,
    name_len: usize,
    (a, b): (&str, &str),
) -> (Plain<'a>, Plain<'a>) {
    let (mut found_a, mut found_b) = (None, None);
    let mut at = name_len;
    loop {
        match next_attribute(content, at) {
            Step::End => break,
            Step::Unusual => {
                return (
                    found_a.unwrap_or(Plain::Unusual),
                    found_b.unwrap_or(Plain::Unusual),
                );
            }
            Step::Attribute { key, value, next } => {
                if found_a.is_none() {
                    found_a = matching(key, value, a);
                }
                if found_b.is_none() {
                    found_b = matching(key, value, b);
                }
                if found_a.is_some() && found_b.is_some() {
                    break;
                }
                at = next;
            }
        }
    }
    (
        found_a.unwrap_or(Plain::Absent),
        found_b.unwrap_or(Plain::Absent),
    )
}

/// What an attribute `key="value"` means to a lookup of `local`: `None` when its key's
/// local name is another one.
fn matching<'a>(key: &[u8], value: &'a str, local: &str) -> Option<Plain<'a>> {
    if !(key.ends_with(local.as_bytes()) && local_part(key) == local.as_bytes()) {
        return None;
    }
    // A value with a reference, tab or line break needs quick-xml's normalising.
    if value
        .bytes()
        .any(|c| matches!(c, b'&' | b'\t' | b'\n' | b'\r'))
    {
        return Some(Plain::Unusual);
    }
    Some(Plain::Found(value))
}

/// One step of the plain attribute scan.
enum Step<'a> {
    Attribute {
        key: &'a [u8],
        value: &'a str,
        /// Where the next attribute's scan starts.
        next: usize,
    },
    /// Nothing but whitespace left.
    End,
    /// Not the plain form: quick-xml decides.
    Unusual,
}

/// The attribute starting at or after `at` in a start tag's content.
fn next_attribute(content: &str, at: usize) -> Step<'_> {
    let b = content.as_bytes();
    let Some(key_start) = find_from(b, at, |c| !is_space(c)) else {
        return Step::End;
    };
    // The key's first byte is never a delimiter (not even `=`), as in quick-xml.
    let Some(key_end) = find_from(b, key_start + 1, |c| c == b'=' || is_space(c)) else {
        return Step::Unusual;
    };
    let eq = if b.get(key_end) == Some(&b'=') {
        key_end
    } else {
        match find_from(b, key_end, |c| !is_space(c)) {
            Some(eq) if b.get(eq) == Some(&b'=') => eq,
            _ => return Step::Unusual,
        }
    };
    let open = if matches!(b.get(eq + 1), Some(b'"' | b'\'')) {
        eq + 1
    } else {
        match find_from(b, eq + 1, |c| !is_space(c)) {
            Some(open) => open,
            None => return Step::Unusual,
        }
    };
    let Some(&quote @ (b'"' | b'\'')) = b.get(open) else {
        return Step::Unusual;
    };
    let Some(close) = find_from(b, open + 1, |c| c == quote) else {
        return Step::Unusual;
    };
    match (b.get(key_start..key_end), content.get(open + 1..close)) {
        (Some(key), Some(value)) => Step::Attribute {
            key,
            value,
            next: close + 1,
        },
        _ => Step::Unusual,
    }
}

/// Index of the first byte at or after `from` that `pred` accepts.
fn find_from(b: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> Option<usize> {
    let at = b.get(from..)?.iter().position(|&c| pred(c))?;
    Some(from + at)
}

/// Index of the first `<` or `&` at or after `from`. Text between tags is short (a
/// value, an indent), where testing eight bytes at a time in a word beats setting up a
/// vector search; past 64 bytes `memchr` takes over.
fn text_end(b: &[u8], from: usize) -> Option<usize> {
    const LT: u64 = u64::from_ne_bytes([b'<'; 8]);
    const AMP: u64 = u64::from_ne_bytes([b'&'; 8]);
    let mut i = from;
    while let Some(word) = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
        let v = u64::from_le_bytes(word);
        let hits = zero_bytes(v ^ LT) | zero_bytes(v ^ AMP);
        if hits != 0 {
            return Some(i + (hits.trailing_zeros() / 8) as usize);
        }
        i += 8;
        if i - from >= 64 {
            return memchr2(b'<', b'&', b.get(i..)?).map(|k| i + k);
        }
    }
    let tail = b.get(i..)?;
    tail.iter()
        .position(|&c| c == b'<' || c == b'&')
        .map(|k| i + k)
}

/// The high bit of each zero byte of `v` set (exact for the lowest zero byte, which is
/// the only one used: a borrow can only flag bytes above a zero byte).
const fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(0x0101_0101_0101_0101) & !v & 0x8080_8080_8080_8080
}

/// What a byte means while a start tag's name is scanned.
const NAME: u8 = 0;
const COLON: u8 = 1;
const GT: u8 = 2;
const SLASH: u8 = 3;
const SPACE: u8 = 4;
const QUOTE: u8 = 5;

const fn name_class(c: u8) -> u8 {
    match c {
        b':' => COLON,
        b'>' => GT,
        b'/' => SLASH,
        b' ' | b'\t' | b'\r' | b'\n' => SPACE,
        b'"' | b'\'' => QUOTE,
        _ => NAME,
    }
}

/// Index of the `>` that closes the tag opened at `from` (the first one outside quoted
/// regions), as quick-xml's `ElementParser` finds it. Tags are short: byte loops.
fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        let at = find_from(b, i, |c| matches!(c, b'>' | b'"' | b'\''))?;
        match b.get(at) {
            Some(b'>') => return Some(at),
            Some(&quote) => i = find_from(b, at + 1, |c| c == quote)? + 1,
            None => return None,
        }
    }
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
        let Some(at) = text_end(b, pos) else {
            if pos < b.len() && handler.wants_text() {
                handler.text(Cow::Borrowed(text.get(pos..).ok_or(Unsupported)?));
            }
            break;
        };
        if at > pos && handler.wants_text() {
            handler.text(Cow::Borrowed(text.get(pos..at).ok_or(Unsupported)?));
        }
        pos = at;
        if b.get(pos) == Some(&b'&') {
            // A reference must end with `;` before any `&` or `<`.
            let after = b.get(pos + 1..).unwrap_or_default();
            let end = memchr3(b';', b'&', b'<', after).ok_or(Unsupported)?;
            if after.get(end) != Some(&b';') {
                return Err(Unsupported);
            }
            let name = text.get(pos + 1..pos + 1 + end).ok_or(Unsupported)?;
            if handler.wants_text() {
                handler.text(super::resolve_reference(&BytesRef::new(name)));
            }
            pos += end + 2;
            continue;
        }
        // Markup at `pos`.
        match b.get(pos + 1) {
            None => return Err(Unsupported),
            Some(b'/') => {
                let expected = open.pop().ok_or(Unsupported)?;
                let name_at = pos + 2;
                let name_end = name_at + expected.len();
                // `</name>` exactly: names hold no quote and no `>` (see below), so this
                // is where quick-xml's scan ends the tag too.
                if b.get(name_end) == Some(&b'>')
                    && b.get(name_at..name_end)
                        .is_some_and(|name| same_bytes(name, expected.as_bytes()))
                {
                    handler.close();
                    pos = name_end + 1;
                    continue;
                }
                let end = tag_end(b, pos).ok_or(Unsupported)?;
                let content = b.get(pos + 2..end).unwrap_or_default();
                let trimmed = content
                    .iter()
                    .rposition(|&c| !is_space(c))
                    .map_or(content.len(), |p| p + 1);
                if content.get(..trimmed) != Some(expected.as_bytes()) {
                    return Err(Unsupported);
                }
                handler.close();
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
                    if handler.wants_text() {
                        handler.text(Cow::Borrowed(data));
                    }
                    pos += 9 + at + 3;
                } else {
                    // DOCTYPE (its internal subset has its own rules) or bad markup.
                    return Err(Unsupported);
                }
            }
            Some(_) => {
                // The name runs to the first whitespace; a name with a quote (which
                // quick-xml's scan for the tag's end would pair up) is left to it.
                let name_at = pos + 1;
                let mut i = name_at;
                let mut local_at = 0;
                let (end, content_end, empty) = loop {
                    i = find_from(b, i, |c| name_class(c) != NAME).ok_or(Unsupported)?;
                    match b.get(i).map_or(QUOTE, |&c| name_class(c)) {
                        COLON => {
                            if local_at == 0 {
                                local_at = i + 1 - name_at;
                            }
                            i += 1;
                        }
                        GT => break (i, i, false),
                        SLASH if b.get(i + 1) == Some(&b'>') => break (i + 1, i, true),
                        SLASH => i += 1,
                        SPACE => {
                            let end = tag_end(b, i).ok_or(Unsupported)?;
                            let empty = b.get(end - 1) == Some(&b'/');
                            break (end, if empty { end - 1 } else { end }, empty);
                        }
                        _ => return Err(Unsupported),
                    }
                };
                let content = text.get(name_at..content_end).ok_or(Unsupported)?;
                let name_len = i - name_at;
                let start = FastStart {
                    content,
                    name_len,
                    local_at,
                };
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
