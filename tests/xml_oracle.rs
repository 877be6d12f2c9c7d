//! The GPX and TCX readers (fast walker, quick-xml as fallback) against the quick-xml
//! readers they replaced, kept as `gpx::read_quick_xml` / `tcx::read_quick_xml`: every
//! fixture and, with `EASYRUN_CORPUS`, every corpus document (gzip and zip members
//! unpacked) must give exactly the same result — the same `RawActivity` values, bit for
//! bit, or the same `ReadError` — and so must damaged copies (truncated, bit-flipped,
//! markup bytes inserted). The fast walker alone (`read_fast_only`) must read nearly
//! every intact document itself, and agree wherever it does.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use easyrun::error::ReadError;
use easyrun::ingest::sniff::{self, Kind};
use easyrun::ingest::{gpx, gunzip, tcx};

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The XML documents in `bytes` (itself, or gzip/zip members, recursively).
fn xml_documents(name: &str, bytes: Vec<u8>, out: &mut Vec<(String, Vec<u8>)>) {
    match sniff::detect(&bytes) {
        Kind::Gzip => {
            if let Ok(inner) = gunzip(&bytes, 1 << 30) {
                xml_documents(name, inner, out);
            }
        }
        Kind::Zip => {
            let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(&bytes)) else {
                return;
            };
            for index in 0..archive.len() {
                let Ok(mut member) = archive.by_index(index) else {
                    continue;
                };
                let mut inner = Vec::new();
                if member.is_file() && std::io::Read::read_to_end(&mut member, &mut inner).is_ok() {
                    let member_name = String::from_utf8_lossy(member.name_raw()).into_owned();
                    xml_documents(&format!("{name}/{member_name}"), inner, out);
                }
            }
        }
        Kind::Gpx | Kind::Tcx => out.push((name.to_string(), bytes)),
        _ => {}
    }
}

#[derive(Default)]
struct Tally {
    documents: usize,
    fast: usize,
    /// Well-formed documents the fast walker left to quick-xml.
    fell_back: Vec<String>,
}

fn is_invalid_xml<T>(result: &Result<T, ReadError>) -> bool {
    matches!(result, Err(ReadError::InvalidXml { .. }))
}

/// The shipped reader of the document's format must equal the quick-xml one, and so
/// must the fast walker alone wherever it reads the document. With `both`, the other
/// format's reader is checked too (a GPX document through the TCX reader).
fn compare(name: &str, bytes: &[u8], both: bool, tally: &mut Tally) {
    tally.documents += 1;
    let is_gpx = matches!(sniff::detect(bytes), Kind::Gpx);
    let mut fast = true;
    let mut invalid = false;
    if is_gpx || both {
        let reference = gpx::read_quick_xml(bytes, name);
        assert_eq!(
            gpx::read(bytes, name),
            reference,
            "GPX reader differs on {name}"
        );
        match gpx::read_fast_only(bytes, name) {
            Some(r) => assert_eq!(r, reference, "fast GPX walker differs on {name}"),
            None => fast = false,
        }
        invalid |= is_invalid_xml(&reference);
    }
    if !is_gpx || both {
        let reference = tcx::read_quick_xml(bytes, name);
        assert_eq!(
            tcx::read(bytes, name),
            reference,
            "TCX reader differs on {name}"
        );
        match tcx::read_fast_only(bytes, name) {
            Some(r) => assert_eq!(r, reference, "fast TCX walker differs on {name}"),
            None => fast = false,
        }
        invalid |= is_invalid_xml(&reference);
    }
    if fast {
        tally.fast += 1;
    } else if !invalid {
        tally.fell_back.push(name.to_string());
    }
}

/// Damaged copies of `bytes` at `count` positions spread over it: truncated there, one
/// bit flipped there, and a markup byte inserted there.
fn compare_damaged(name: &str, bytes: &[u8], count: usize, tally: &mut Tally) {
    let step = (bytes.len() / count.max(1)).max(1);
    for (k, at) in (0..bytes.len()).step_by(step).enumerate() {
        compare(&format!("{name}[..{at}]"), &bytes[..at], false, tally);
        let mut flipped = bytes.to_vec();
        flipped[at] ^= 1 << (k % 8);
        compare(&format!("{name}[{at}^]"), &flipped, false, tally);
        let mut inserted = bytes.to_vec();
        inserted.insert(at, b"<>&\"'/;"[k % 7]);
        compare(&format!("{name}[{at}+]"), &inserted, false, tally);
    }
}

fn documents_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut docs = Vec::new();
    for path in files_under(dir) {
        let bytes = std::fs::read(&path).unwrap();
        xml_documents(&path.display().to_string(), bytes, &mut docs);
    }
    docs
}

fn check_all(docs: &[(String, Vec<u8>)], damage_per_doc: usize) -> (Tally, Tally) {
    let mut intact = Tally::default();
    let mut damaged = Tally::default();
    for (name, bytes) in docs {
        compare(name, bytes, true, &mut intact);
        // Damaged copies of big documents would make the test slow in a debug build;
        // the intact ones are compared above, and small documents cover the markup.
        if bytes.len() <= 512 << 10 {
            compare_damaged(name, bytes, damage_per_doc, &mut damaged);
        }
    }
    (intact, damaged)
}

#[test]
fn fixtures_read_alike() {
    let docs = documents_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
    assert!(docs.len() >= 8, "only {} XML fixtures", docs.len());
    let (intact, damaged) = check_all(&docs, 24);
    assert_eq!(
        intact.fell_back,
        Vec::<String>::new(),
        "fixtures left to quick-xml"
    );
    assert!(
        intact.fast + 1 >= intact.documents,
        "read fast: {}",
        intact.fast
    );
    assert!(
        damaged.documents > 500,
        "only {} damaged",
        damaged.documents
    );
    // Damage mostly makes the XML invalid (quick-xml's error is then the result); what
    // stays well-formed the fast walker reads itself.
    assert!(damaged.fast > 200, "damaged read fast: {}", damaged.fast);
    assert!(
        damaged.fell_back.len() * 20 <= damaged.documents,
        "well-formed damaged fixtures left to quick-xml: {:?}",
        damaged.fell_back
    );
}

#[test]
fn corpus_reads_alike() {
    let Some(root) = std::env::var_os("EASYRUN_CORPUS") else {
        eprintln!("EASYRUN_CORPUS not set: corpus oracle test skipped");
        return;
    };
    let root = PathBuf::from(root);
    let mut docs = Vec::new();
    for dir in ["gpx", "tcx", "bad"] {
        docs.extend(documents_under(&root.join(dir)));
    }
    assert!(
        docs.len() >= 120,
        "only {} XML documents in the corpus",
        docs.len()
    );
    let (intact, damaged) = check_all(&docs, 8);
    eprintln!(
        "corpus: {} documents, {} read by the fast walker, left to quick-xml: {:?}; \
         damaged: {} documents, {} read fast, {} well-formed left to quick-xml",
        intact.documents,
        intact.fast,
        intact.fell_back,
        damaged.documents,
        damaged.fast,
        damaged.fell_back.len()
    );
    // No well-formed corpus document needs quick-xml (none has a DOCTYPE).
    assert_eq!(intact.fell_back, Vec::<String>::new(), "left to quick-xml");
    assert!(
        damaged.documents > 1500,
        "only {} damaged",
        damaged.documents
    );
}
