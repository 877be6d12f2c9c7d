//! `.osm` XML reader (what openstreetmap.org's Export button downloads, and JOSM saves):
//! a streaming quick-xml walk over `<bounds>`, `<node>`, `<way>` with its `<nd>` and
//! `<tag>` children; relations are skipped. Ways are classified as they close and go to
//! the [`Collector`]; node coordinates are kept (16 bytes each) until the ways say which
//! are needed, since an XML file may list nodes anywhere. API exports are capped at
//! 50 000 nodes, so this never holds much; a country belongs in a PBF.

use std::io::BufRead;
use std::path::Path;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::class::WayTags;
use super::collect::{BoundsE7, Collector, NodeCollector};
use super::error::{MapError, MapErrorKind};
use super::geo::to_e7;
use super::progress::{Phase, Progress};
use super::spill::Store;

/// Reads an OSM XML document from `input` (`total_bytes` for progress only) into
/// `collector`; `out` is the index file the coordinates go into.
pub fn read(
    path: &Path,
    input: impl BufRead,
    total_bytes: u64,
    mut collector: Collector,
    out: Store,
    progress: &mut dyn FnMut(Progress),
) -> Result<NodeCollector, MapError> {
    let mut reader = Reader::from_reader(input);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::with_capacity(4096);
    let mut nodes: Vec<(i64, i32, i32)> = Vec::new();
    let mut state = State::default();
    let mut seen_root = false;
    let mut depth = 0usize;
    let mut last_report = 0u64;
    let invalid = |reader: &Reader<_>, message: String| {
        MapError::new(
            path,
            MapErrorKind::InvalidXml {
                offset: reader.buffer_position(),
                message,
            },
        )
    };
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                if !seen_root {
                    return Err(not_osm(path, "not XML"));
                }
                return Err(MapError::new(
                    path,
                    MapErrorKind::InvalidXml {
                        offset: reader.error_position(),
                        message: e.to_string(),
                    },
                ));
            }
        };
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let empty = matches!(event, Event::Empty(_));
                let name = start.local_name();
                let name = name.as_ref();
                if !seen_root {
                    if name != "osm" {
                        return Err(not_osm(
                            path,
                            &format!("root element <{}>, not <osm>", name),
                        ));
                    }
                    seen_root = true;
                } else {
                    element(name, start, &mut state, &mut nodes)
                        .map_err(|m| invalid(&reader, m))?;
                }
                if empty {
                    close(name, &mut state, &mut collector).map_err(|k| MapError::new(path, k))?;
                } else {
                    depth += 1;
                }
            }
            Event::End(ref end) => {
                depth = depth.saturating_sub(1);
                close(end.local_name().as_ref(), &mut state, &mut collector)
                    .map_err(|k| MapError::new(path, k))?;
            }
            Event::Eof => {
                if !seen_root {
                    return Err(not_osm(path, "no <osm> element"));
                }
                if depth > 0 {
                    return Err(invalid(
                        &reader,
                        format!("document ends with {depth} element(s) open (truncated file?)"),
                    ));
                }
                break;
            }
            Event::Text(ref t) if !seen_root && !t.trim().is_empty() => {
                return Err(not_osm(path, "text before the root element"));
            }
            _ => {}
        }
        buf.clear();
        let pos = reader.buffer_position();
        if pos - last_report >= 1 << 20 {
            last_report = pos;
            progress(Progress {
                phase: Phase::Ways,
                done_bytes: pos,
                total_bytes,
            });
        }
    }
    if let Some(b) = state.bounds {
        collector.set_declared_bounds(b);
    }
    progress(Progress {
        phase: Phase::Nodes,
        done_bytes: total_bytes,
        total_bytes,
    });
    let mut nc = collector
        .into_nodes(out)
        .map_err(|k| MapError::new(path, k))?;
    if !nodes.is_sorted_by_key(|n| n.0) {
        nodes.sort_unstable_by_key(|n| n.0);
    }
    for (id, lat, lon) in nodes {
        nc.add_node(id, lat, lon)
            .map_err(|k| MapError::new(path, k))?;
    }
    Ok(nc)
}

fn not_osm(path: &Path, detail: &str) -> MapError {
    MapError::new(
        path,
        MapErrorKind::NotOsm {
            detail: detail.to_string(),
        },
    )
}

/// The way being read.
#[derive(Debug, Default)]
struct State {
    way: Option<(i64, Vec<i64>, WayTags)>,
    bounds: Option<BoundsE7>,
}

fn element(
    name: &str,
    start: &BytesStart<'_>,
    state: &mut State,
    nodes: &mut Vec<(i64, i32, i32)>,
) -> Result<(), String> {
    match name {
        "node" => {
            let (mut id, mut lat, mut lon) = (None, None, None);
            for attr in start.attributes() {
                let attr = attr.map_err(|e| e.to_string())?;
                match attr.key.local_name().as_ref() {
                    "id" => id = parse::<i64>(&attr.value),
                    "lat" => lat = parse::<f64>(&attr.value),
                    "lon" => lon = parse::<f64>(&attr.value),
                    _ => {}
                }
            }
            // A node without a position is a deleted one in a history or change file.
            if let (Some(id), Some(lat), Some(lon)) = (id, lat, lon)
                && (-90.0..=90.0).contains(&lat)
                && (-180.0..=180.0).contains(&lon)
            {
                nodes.push((id, to_e7(lat), to_e7(lon)));
            }
        }
        "way" => {
            let id = attr_num::<i64>(start, "id")?.ok_or("<way> without an id")?;
            state.way = Some((id, Vec::new(), WayTags::default()));
        }
        "nd" => {
            if let Some((_, refs, _)) = state.way.as_mut()
                && let Some(r) = attr_num::<i64>(start, "ref")?
            {
                refs.push(r);
            }
        }
        "tag" => {
            if let Some((_, _, tags)) = state.way.as_mut() {
                let (mut k, mut v) = (None, None);
                for attr in start.attributes() {
                    let attr = attr.map_err(|e| e.to_string())?;
                    match attr.key.local_name().as_ref() {
                        "k" => k = attr.normalized_value(XmlVersion::Implicit1_0).ok(),
                        "v" => v = attr.normalized_value(XmlVersion::Implicit1_0).ok(),
                        _ => {}
                    }
                }
                if let (Some(k), Some(v)) = (k, v) {
                    tags.offer(&k, &v);
                }
            }
        }
        "bounds" => {
            let get = |k: &str| attr_num::<f64>(start, k).ok().flatten().map(to_e7);
            if let (Some(a), Some(b), Some(c), Some(d)) =
                (get("minlat"), get("minlon"), get("maxlat"), get("maxlon"))
            {
                state.bounds = Some(BoundsE7 {
                    min_lat: a.min(c),
                    min_lon: b.min(d),
                    max_lat: a.max(c),
                    max_lon: b.max(d),
                });
            }
        }
        _ => {}
    }
    Ok(())
}

fn close(name: &str, state: &mut State, collector: &mut Collector) -> Result<(), MapErrorKind> {
    if name == "way"
        && let Some((id, refs, tags)) = state.way.take()
        && let Some(class) = tags.classify()
        && refs.len() >= 2
    {
        collector.add_way(id, class, refs)?;
    }
    Ok(())
}

fn parse<T: std::str::FromStr>(raw: &str) -> Option<T> {
    raw.trim().parse().ok()
}

fn attr_num<T: std::str::FromStr>(start: &BytesStart<'_>, key: &str) -> Result<Option<T>, String> {
    for attr in start.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        if attr.key.local_name().as_ref() == key {
            return Ok(parse(&attr.value));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::super::class::SurfaceClass;
    use super::super::index::{MapIndex, SourceStamp};
    use super::*;

    fn read_str(xml: &str) -> Result<MapIndex<Vec<u8>>, MapError> {
        let nodes = read(
            Path::new("t.osm"),
            xml.as_bytes(),
            xml.len() as u64,
            Collector::in_memory(),
            Store::memory(),
            &mut |_| {},
        )?;
        let out = nodes
            .finish(SourceStamp::default(), &mut |_| {})
            .map_err(|k| MapError::new(Path::new("t.osm"), k))?;
        Ok(MapIndex::open(out.into_vec().unwrap(), true).unwrap())
    }

    const SMALL: &str = r#"<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
 <bounds minlat="47.0" minlon="8.0" maxlat="47.01" maxlon="8.01"/>
 <node id="1" lat="47.001" lon="8.001"/>
 <node id="2" lat="47.002" lon="8.001"><tag k="highway" v="crossing"/></node>
 <node id="3" lat="47.003" lon="8.002"/>
 <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/>
  <tag k="highway" v="path"/><tag k="surface" v="dirt"/></way>
 <way id="11"><nd ref="1"/><nd ref="3"/><tag k="building" v="yes"/></way>
 <relation id="5"><member type="way" ref="10" role=""/><tag k="type" v="route"/></relation>
</osm>"#;

    #[test]
    fn reads_ways_nodes_and_bounds() {
        let idx = read_str(SMALL).unwrap();
        assert_eq!(idx.counts().ways, 1);
        let (id, refs, class) = idx.way(0).unwrap();
        assert_eq!(id, 10);
        assert_eq!(class.surface, SurfaceClass::Unpaved);
        assert_eq!(refs.len(), 3);
        assert_eq!(idx.counts().nodes, 3);
        assert_eq!(idx.vertex(1).map(|v| v.1), Some(470_020_000));
        let b = idx.bounds.map(|b| (b.min_lat, b.max_lon));
        assert_eq!(b, Some((470_000_000, 80_100_000)));
    }

    #[test]
    fn rejects_what_is_not_osm() {
        let gpx = r#"<?xml version="1.0"?><gpx version="1.1"><trk/></gpx>"#;
        let e = read_str(gpx).err().map(|e| e.kind.kind());
        assert_eq!(e, Some("not_osm"));
        let e = read_str("\x00\x01binary").err().map(|e| e.kind.kind());
        assert_eq!(e, Some("not_osm"));
        let e = read_str("").err().map(|e| e.kind.kind());
        assert_eq!(e, Some("not_osm"));
    }

    #[test]
    fn truncated_xml_is_an_error_with_an_offset() {
        let cut = &SMALL[..SMALL.len() / 2];
        let e = read_str(cut).err();
        assert!(
            matches!(
                e.as_ref().map(|e| &e.kind),
                Some(MapErrorKind::InvalidXml { .. })
            ),
            "{e:?}"
        );
        assert!(e.is_some_and(|e| e.to_string().starts_with("map t.osm: invalid OSM XML")));
    }
}
