//! The fast walker against the quick-xml walker, node for node: on hand-written odd
//! documents, and on every single-byte damage of a small GPX/TCX-like document. The
//! fast walker may give up (the reader then uses quick-xml), but whenever it reads a
//! document it must see exactly what quick-xml sees, and it must never read a document
//! quick-xml rejects.

use std::borrow::Cow;

use super::super::{Handler, StartTag, Walker, drive as drive_quick_xml};
use super::{Unsupported, drive};

/// Records what a handler sees: opens with their local name and the attributes the
/// readers ask for, closes, and text (adjacent pieces joined, as `TextBuf` joins them).
#[derive(Debug, Default, PartialEq)]
struct Record {
    nodes: Vec<String>,
}

const ATTRIBUTES: [&str; 5] = ["lat", "lon", "creator", "Sport", "StartTime"];

impl<'a> Handler<'a> for Record {
    fn open(&mut self, start: &impl StartTag) -> Result<(), String> {
        let mut node = format!("<{}", start.local_name());
        for key in ATTRIBUTES {
            if let Some(value) = start.attribute(key)? {
                node.push_str(&format!(" {key}={value:?}"));
            }
        }
        for pair in [("lat", "lon"), ("lon", "lat"), ("lat", "creator")] {
            let (a, b) = start.attribute_pair(pair)?;
            // Recorded for comparison, and checked against the single lookups.
            let single = (start.attribute(pair.0)?, start.attribute(pair.1)?);
            assert_eq!((&a, &b), (&single.0, &single.1), "pair {pair:?}");
            if a.is_some() || b.is_some() {
                node.push_str(&format!(" {pair:?}=({a:?}, {b:?})"));
            }
        }
        self.nodes.push(node);
        Ok(())
    }

    fn close(&mut self) {
        self.nodes.push("/".to_string());
    }

    fn text(&mut self, piece: Cow<'a, str>) {
        match self.nodes.last_mut() {
            Some(last) if last.starts_with('"') => last.push_str(&piece),
            _ => self.nodes.push(format!("\"{piece}")),
        }
    }
}

/// How the two walkers fared on one document (they never disagree: that panics).
#[derive(Debug, PartialEq)]
enum Outcome {
    /// Both read it, node for node alike.
    Alike(Record),
    /// quick-xml reads it; the fast walker gave up (the reader falls back).
    FastGaveUp,
    /// quick-xml rejects it, and so the fast walker gave up.
    Rejected,
}

/// Runs both walkers on `doc`; panics (test failure) when they disagree.
fn compare(doc: &str) -> Outcome {
    let mut slow = Record::default();
    let slow_result = drive_quick_xml(&mut Walker::new(doc), &mut slow);
    let mut quick = Record::default();
    match drive(doc, &mut quick) {
        Err(Unsupported) if slow_result.is_ok() => Outcome::FastGaveUp,
        Err(Unsupported) => Outcome::Rejected,
        Ok(()) => {
            assert!(
                slow_result.is_ok(),
                "fast walker accepted what quick-xml rejects ({slow_result:?}): {doc:?}"
            );
            assert_eq!(quick, slow, "walkers disagree on {doc:?}");
            Outcome::Alike(quick)
        }
    }
}

fn fast_reads(doc: &str) -> Record {
    let outcome = compare(doc);
    assert!(
        matches!(outcome, Outcome::Alike(_)),
        "fast walker gave up on {doc:?}: {outcome:?}"
    );
    match outcome {
        Outcome::Alike(record) => record,
        _ => Record::default(),
    }
}

#[test]
fn plain_documents_are_read_fast_and_alike() {
    let docs = [
        "<a/>",
        "<?xml version=\"1.0\"?>\n<gpx creator=\"x\"><trk><trkpt lat=\"1.5\" lon='2'/></trk></gpx>",
        "<a><b>1</b><c>2</c></a>",
        "<ns3:TPX><ns3:Speed>2.1</ns3:Speed></ns3:TPX>",
        "<a:b:c>x</a:b:c>",
        "<a  lat = \"1\"\n lon\t=\t'2' >t</a  >",
        "<a lat=\"1\"lon=\"2\"/>",
        "<a x=\"1>2\" y='\"' lat=\"3\">t</a>",
        "<a>1<!-- c -->2<!---->3<!-- a -- b --->4</a>",
        "<a><![CDATA[<x>&amp;]]>y</a>",
        "<a>R&amp;B &#65;&#x42;&lt;&unknown;&;</a>",
        "<a>text > more ]]> still</a>",
        "<a><?pi data?>x</a>",
        "lead<a>x</a>trail",
        "<a></a><b/>",
        "<>x</>",
        "<a>Ger\u{fffd}t \u{e9}</a>",
        "<trkpt lat=\"&#52;8\" lon=\"1\t2\"/>",
        "",
        "   ",
    ];
    for doc in docs {
        fast_reads(doc);
    }
    assert_eq!(
        fast_reads("<a>R&amp;B &#65;<![CDATA[<x>]]></a>").nodes,
        ["<a", "\"R&B A<x>", "/"]
    );
    assert_eq!(
        fast_reads("<x:trkpt y:lat=\"1\" lon='2'/>").nodes,
        [
            "<trkpt lat=\"1\" lon=\"2\" (\"lat\", \"lon\")=(Some(\"1\"), Some(\"2\")) \
             (\"lon\", \"lat\")=(Some(\"2\"), Some(\"1\")) (\"lat\", \"creator\")=(Some(\"1\"), None)",
            "/"
        ]
    );
}

#[test]
fn malformed_documents_go_to_quick_xml() {
    let docs = [
        "<a>",
        "<a><b></a></b>",
        "</a>",
        "<a>x</a></a>",
        "<a",
        "<a x=\"1>",
        "<a>&amp</a>",
        "<a>& b</a>",
        "<a>&x<b/>;</a>",
        "<a><!-- open</a>",
        "<a><![CDATA[ open</a>",
        "<!DOCTYPE gpx><gpx/>",
        "<a><!x></a>",
        "<?>",
        "<?xml open",
        "\u{feff}<a/>",
        "<a>x</ a>",
        "<trkpt lat=\"48\" bad lon=\"1\"/>",
        "<a =\"1\"/>",
    ];
    for doc in docs {
        assert_ne!(
            std::mem::discriminant(&compare(doc)),
            std::mem::discriminant(&Outcome::Alike(Record::default())),
            "fast walker read {doc:?}"
        );
    }
}

const SMALL_GPX: &str = "<?xml version=\"1.0\"?>\n<gpx creator=\"t\" xmlns:g=\"u\">\
<!-- c --><trk><name>R&amp;B</name><trkseg>\n <trkpt lat=\"48.1\" lon='11.2'>\
<ele>520</ele><time>2021-01-10T08:54:28Z</time><extensions><g:hr>140</g:hr>\
<g:x a=\"1\"/></extensions></trkpt><![CDATA[d]]></trkseg></trk></gpx>\n";

const SMALL_TCX: &str = "<TrainingCenterDatabase><Activities><Activity Sport=\"Running\">\
<Id>2020-01-20T06:59:15Z</Id><Lap StartTime=\"2020-01-20T06:59:15Z\"><Track><Trackpoint>\
<Time>2020-01-20T06:59:15Z</Time><HeartRateBpm><Value>86</Value></HeartRateBpm>\
<Extensions><ns3:TPX><ns3:RunCadence>82</ns3:RunCadence></ns3:TPX></Extensions>\
</Trackpoint></Track></Lap></Activity></Activities></TrainingCenterDatabase>";

/// Every single-byte replacement, insertion and deletion of markup-relevant bytes at
/// every position: the two walkers must agree wherever the fast one reads.
#[test]
fn every_single_byte_damage_is_read_alike_or_left_to_quick_xml() {
    let specials = b"<>/'\"&;!?-[]=: \nx#";
    for doc in [SMALL_GPX, SMALL_TCX] {
        fast_reads(doc);
        let bytes = doc.as_bytes();
        let (mut alike, mut gave_up, mut rejected) = (0usize, 0usize, 0usize);
        let mut check = |damaged: Vec<u8>| {
            if let Ok(text) = String::from_utf8(damaged) {
                match compare(&text) {
                    Outcome::Alike(_) => alike += 1,
                    Outcome::FastGaveUp => gave_up += 1,
                    Outcome::Rejected => rejected += 1,
                }
            }
        };
        for pos in 0..=bytes.len() {
            for &c in specials {
                let mut inserted = bytes.to_vec();
                inserted.insert(pos, c);
                check(inserted);
                if pos < bytes.len() {
                    let mut replaced = bytes.to_vec();
                    if let Some(b) = replaced.get_mut(pos) {
                        *b = c;
                    }
                    check(replaced);
                }
            }
            if pos < bytes.len() {
                let mut deleted = bytes.to_vec();
                deleted.remove(pos);
                check(deleted);
            }
        }
        eprintln!("alike {alike}, fast gave up {gave_up}, rejected {rejected}");
        // Both outcomes must be frequent for the test to mean something, and the fast
        // walker must read nearly everything quick-xml reads.
        assert!(
            alike > 1000 && rejected > 1000,
            "{alike} alike, {rejected} rejected"
        );
        assert!(
            gave_up * 20 < alike,
            "fast walker gave up on {gave_up} of {alike}"
        );
    }
}
