//! Unit tests of the GPX reader on small inline documents.

use super::*;
use crate::model::SubSport;

fn ts(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap_or_default()
}

fn one(doc: &str) -> RawActivity {
    let mut all = read(doc.as_bytes(), "t.gpx").unwrap_or_default();
    assert_eq!(all.len(), 1, "expected one activity");
    all.pop()
        .unwrap_or_else(|| RawActivity::new("none", Format::Gpx))
}

const STRAVA: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx creator="StravaGPX" version="1.1" xmlns="http://www.topografix.com/GPX/1/1"
 xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
 <metadata><time>2021-01-10T09:00:00Z</time></metadata>
 <trk>
  <name>Morning Run</name>
  <type>9</type>
  <trkseg>
   <trkpt lat="48.0000000" lon="11.0000000">
<ele>520.4</ele>
<time>2021-01-10T08:54:28Z</time>
<extensions><gpxtpx:TrackPointExtension>
  <gpxtpx:hr>140</gpxtpx:hr><gpxtpx:cad>84</gpxtpx:cad>
</gpxtpx:TrackPointExtension></extensions>
   </trkpt>
   <trkpt lat="48.0010000" lon="11.0000000">
<ele>521.0</ele>
<time>2021-01-10T08:54:58Z</time>
<extensions><gpxtpx:TrackPointExtension>
  <gpxtpx:hr>151.6</gpxtpx:hr><gpxtpx:cad>86</gpxtpx:cad>
</gpxtpx:TrackPointExtension></extensions>
   </trkpt>
  </trkseg>
 </trk>
</gpx>"#;

#[test]
fn strava_flavour() {
    let a = one(STRAVA);
    assert_eq!(a.source, "t.gpx");
    assert_eq!(a.format, Format::Gpx);
    assert_eq!(a.product.as_deref(), Some("StravaGPX"));
    assert_eq!(a.sport, Some(Sport::Running));
    assert_eq!(a.name.as_deref(), Some("Morning Run"));
    // The first point, not the metadata (export) time.
    assert_eq!(a.start_time, ts("2021-01-10T08:54:28Z"));
    assert_eq!(a.elapsed_s, Some(30.0));
    assert_eq!(a.timer_s, None);
    assert_eq!(a.samples.len(), 2);
    let s = a.samples.first().copied().unwrap_or_default();
    assert_eq!(s.hr_bpm, Some(140));
    assert_eq!(s.altitude_m, Some(520.4));
    // Running: per-foot cadence doubled to steps/min.
    assert_eq!(s.cadence_spm, Some(168.0));
    assert_eq!(
        s.position,
        Some(Position {
            lat_deg: 48.0,
            lon_deg: 11.0
        })
    );
    assert_eq!(a.samples.get(1).and_then(|s| s.hr_bpm), Some(152));
    // 0.001° of latitude ≈ 111.2 m.
    let d = a.distance_m.unwrap_or_default();
    assert!((d - 111.19).abs() < 0.05, "{d}");
    assert!(a.timer_events.is_empty());
}

#[test]
fn garmin_connect_ns3_prefix_and_trail_type() {
    let doc = r#"<gpx creator="Garmin Connect" version="1.1"
  xmlns:ns3="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
  <metadata><name>Doc name</name></metadata>
  <trk><type>trail_running</type><trkseg>
<trkpt lat="46.5" lon="7.5"><time>2018-02-21T14:30:50.000Z</time>
  <extensions><ns3:TrackPointExtension><ns3:hr>120</ns3:hr><ns3:cad>80</ns3:cad>
  </ns3:TrackPointExtension></extensions></trkpt>
  </trkseg></trk></gpx>"#;
    let a = one(doc);
    assert_eq!(a.sport, Some(Sport::Running));
    assert_eq!(a.sub_sport, Some(SubSport::Trail));
    assert_eq!(a.name.as_deref(), Some("Doc name"));
    let s = a.samples.first().copied().unwrap_or_default();
    assert_eq!(s.hr_bpm, Some(120));
    assert_eq!(s.cadence_spm, Some(160.0));
    assert_eq!(a.elapsed_s, Some(0.0));
    assert_eq!(a.distance_m, Some(0.0));
}

#[test]
fn gpx10_with_speed_bare_hr_and_cycling_cadence() {
    let doc = r#"<?xml version="1.0"?>
<gpx version="1.0" creator="GPSBabel" xmlns="http://www.topografix.com/GPX/1/0">
<name>Old track</name>
<trk><type>cycling</type><trkseg>
<trkpt lat="46.0" lon="13.0"><ele>100</ele><time>2010-08-05T14:23:59Z</time><speed>4.5</speed>
  <extensions><hr>99</hr><cadence>90</cadence><power>210.4</power></extensions></trkpt>
<trkpt lat="46.0" lon="13.001"><time>2010-08-05T14:24:09Z</time></trkpt>
</trkseg></trk></gpx>"#;
    let a = one(doc);
    assert_eq!(a.name.as_deref(), Some("Old track"));
    assert_eq!(a.product.as_deref(), Some("GPSBabel"));
    assert_eq!(a.sport, Some(Sport::Cycling));
    let s = a.samples.first().copied().unwrap_or_default();
    assert_eq!(s.speed_mps, Some(4.5));
    assert_eq!(s.hr_bpm, Some(99));
    // Not running: cadence as written (rpm).
    assert_eq!(s.cadence_spm, Some(90.0));
    assert_eq!(s.power_w, Some(210));
    assert_eq!(a.samples.get(1).and_then(|s| s.hr_bpm), None);
    assert_eq!(a.elapsed_s, Some(10.0));
}

#[test]
fn several_tracks_and_segments() {
    let doc = r#"<gpx version="1.1">
<trk><name>A</name>
 <trkseg>
  <trkpt lat="0" lon="0"><time>2020-01-01T10:00:00Z</time></trkpt>
  <trkpt lat="0" lon="0.001"><time>2020-01-01T10:00:10Z</time></trkpt>
 </trkseg>
 <trkseg/>
 <trkseg>
  <trkpt lat="0" lon="0.01"><time>2020-01-01T10:05:00Z</time></trkpt>
  <trkpt lat="0" lon="0.011"><time>2020-01-01T10:05:10Z</time></trkpt>
 </trkseg>
</trk>
<trk><name>B</name><trkseg>
  <trkpt lat="1" lon="1"><time>2020-01-02T10:00:00Z</time></trkpt>
</trkseg></trk>
</gpx>"#;
    let all = read(doc.as_bytes(), "multi.gpx").unwrap_or_default();
    assert_eq!(all.len(), 2);
    let a = all
        .first()
        .cloned()
        .unwrap_or_else(|| RawActivity::new("", Format::Gpx));
    let b = all
        .get(1)
        .cloned()
        .unwrap_or_else(|| RawActivity::new("", Format::Gpx));
    assert_eq!(a.source, "multi.gpx#1");
    assert_eq!(b.source, "multi.gpx#2");
    assert_eq!(a.name.as_deref(), Some("A"));
    assert_eq!(a.samples.len(), 4);
    assert_eq!(a.elapsed_s, Some(310.0));
    // Two 0.001° steps on the equator, not the 0.009° jump across the break.
    let d = a.distance_m.unwrap_or_default();
    assert!((d - 2.0 * 111.19).abs() < 0.1, "{d}");
    assert_eq!(
        a.timer_events,
        vec![
            TimerEvent {
                time: ts("2020-01-01T10:00:10Z"),
                kind: TimerEventKind::Stop
            },
            TimerEvent {
                time: ts("2020-01-01T10:05:00Z"),
                kind: TimerEventKind::Start
            },
        ]
    );
    assert_eq!(b.start_time, ts("2020-01-02T10:00:00Z"));
}

#[test]
fn route_only_is_not_an_activity() {
    let doc = r#"<gpx version="1.1"><rte><name>Plan</name>
        <rtept lat="1" lon="2"/><rtept lat="1.1" lon="2"/></rte></gpx>"#;
    assert_eq!(
        read(doc.as_bytes(), "r.gpx"),
        Err(ReadError::NotAnActivity {
            what: "GPX route without a recorded track".into()
        })
    );
}

#[test]
fn untimed_track_is_not_an_activity() {
    let doc = r#"<gpx><trk><trkseg><trkpt lat="1" lon="2"><ele>3</ele></trkpt>
        <trkpt lat="1.1" lon="2"/></trkseg></trk></gpx>"#;
    assert_eq!(
        read(doc.as_bytes(), "u.gpx"),
        Err(ReadError::NotAnActivity {
            what: "track without timestamps".into()
        })
    );
    let empty = r#"<gpx><metadata><name>x</name></metadata><trk><trkseg/></trk></gpx>"#;
    assert!(matches!(
        read(empty.as_bytes(), "e.gpx"),
        Err(ReadError::NoSamples { .. })
    ));
}

#[test]
fn point_without_position_or_numbers_is_kept() {
    let doc = r#"<gpx><trk><trkseg>
        <trkpt><time>2013-02-04T20:38Z</time><extensions><hr>abc</hr></extensions></trkpt>
        <trkpt lat="100" lon="0"><time>2013-02-04T20:38:05Z</time></trkpt>
        </trkseg></trk></gpx>"#;
    let a = one(doc);
    assert_eq!(a.samples.len(), 2);
    assert!(a.samples.iter().all(|s| s.position.is_none()));
    assert!(a.samples.iter().all(|s| s.hr_bpm.is_none()));
    assert_eq!(a.start_time, ts("2013-02-04T20:38:00Z"));
    assert_eq!(a.distance_m, None);
}

#[test]
fn invalid_xml_reports_its_line() {
    let doc = "<gpx>\n<trk>\n<trkseg>\n</trk>\n</gpx>";
    assert!(matches!(
        read(doc.as_bytes(), "bad.gpx"),
        Err(ReadError::InvalidXml { line: 4, .. })
    ));
    let attr = "<gpx>\n<trk><trkseg>\n<trkpt lat=\"1\" lon=2><time>2020-01-01T00:00:00Z</time></trkpt>\n</trkseg></trk></gpx>";
    assert!(matches!(
        read(attr.as_bytes(), "bad.gpx"),
        Err(ReadError::InvalidXml { line: 3, .. })
    ));
}

#[test]
fn bom_without_declaration() {
    let mut doc = b"\xef\xbb\xbf".to_vec();
    doc.extend_from_slice(
        br#"<gpx><trk><name>Caf&#233; &amp; run</name><trkseg>
        <trkpt lat="1" lon="2"><time>2020-01-01T00:00:00+01:00</time></trkpt>
        </trkseg></trk></gpx>"#,
    );
    let all = read(&doc, "bom.gpx").unwrap_or_default();
    let a = all
        .first()
        .cloned()
        .unwrap_or_else(|| RawActivity::new("", Format::Gpx));
    assert_eq!(a.name.as_deref(), Some("Café & run"));
    assert_eq!(a.start_time, ts("2019-12-31T23:00:00Z"));
}
