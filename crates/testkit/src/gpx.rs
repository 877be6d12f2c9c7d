//! GPX writer: a [`RawActivity`] as one GPX track in the dialect of a known exporter
//! (Strava, Garmin Connect) or as plain GPX 1.0, byte for byte deterministic.
//!
//! GPX has no timer events, so each timer restart begins a new `<trkseg>`. Heart rate
//! and cadence go into the Garmin TrackPointExtension v1 (`hr`, `cad`) under the
//! exporter's prefix; cadence is per foot (steps/2, rounded) for running, as Garmin and
//! Strava write it (DOMAIN §6). GPX 1.0 carries positions, elevation and time only.

use std::fmt::Write as _;

use super::{fmt_decimal, per_foot_cadence, timer_segments, xml_escape};
use easyrun::model::{RawActivity, Sport, SubSport, Timestamp};

/// Which exporter's GPX to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GpxFlavour {
    /// Strava "Export GPX": creator `StravaGPX`, `gpxtpx:` extensions, metadata time.
    Strava,
    /// Garmin Connect "Export to GPX": creator `Garmin Connect`, `ns3:` extensions,
    /// millisecond times.
    GarminConnect,
    /// GPX 1.0 without extensions (old tools, many converters).
    Gpx10,
}

const GPX11_SCHEMA: &str = "http://www.topografix.com/GPX/1/1 \
http://www.topografix.com/GPX/1/1/gpx.xsd \
http://www.garmin.com/xmlschemas/GpxExtensions/v3 \
http://www.garmin.com/xmlschemas/GpxExtensionsv3.xsd \
http://www.garmin.com/xmlschemas/TrackPointExtension/v1 \
http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd";
const TPX_V1: &str = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1";
const GPXX_V3: &str = "http://www.garmin.com/xmlschemas/GpxExtensions/v3";

/// The GPX `<type>` text for a sport (`running`, `trail_running`, `treadmill_running`,
/// `cycling`, …), the vocabulary Strava and Garmin Connect use.
pub fn type_text(sport: Option<&Sport>, sub_sport: Option<&SubSport>) -> String {
    let sport_name = sport.map_or("running", Sport::as_str);
    match (sport, sub_sport) {
        (Some(Sport::Running) | None, Some(SubSport::Trail)) => "trail_running".to_string(),
        (Some(Sport::Running) | None, Some(SubSport::Treadmill)) => "treadmill_running".to_string(),
        (Some(Sport::Running) | None, Some(SubSport::VirtualActivity)) => {
            "virtual_running".to_string()
        }
        _ => sport_name.to_string(),
    }
}

/// Serializes `activity` as a GPX document in `flavour`.
pub fn encode(activity: &RawActivity, flavour: GpxFlavour) -> Vec<u8> {
    let mut x = String::with_capacity(200 + activity.samples.len() * 260);
    let start = activity
        .samples
        .first()
        .map_or(activity.start_time, |s| s.time);
    let name = activity
        .name
        .clone()
        .unwrap_or_else(|| default_name(activity.sport.as_ref()));
    let kind = type_text(activity.sport.as_ref(), activity.sub_sport.as_ref());
    let prefix = match flavour {
        GpxFlavour::Strava => "gpxtpx",
        GpxFlavour::GarminConnect => "ns3",
        GpxFlavour::Gpx10 => "",
    };
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    match flavour {
        GpxFlavour::Strava => {
            let _ = writeln!(
                x,
                "<gpx creator=\"StravaGPX\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xsi:schemaLocation=\"{GPX11_SCHEMA}\" version=\"1.1\" xmlns=\"http://www.topografix.com/GPX/1/1\" \
xmlns:gpxtpx=\"{TPX_V1}\" xmlns:gpxx=\"{GPXX_V3}\">"
            );
            let _ = writeln!(
                x,
                " <metadata>\n  <time>{}</time>\n </metadata>",
                time(start, false)
            );
            let _ = writeln!(
                x,
                " <trk>\n  <name>{}</name>\n  <type>{kind}</type>",
                xml_escape(&name)
            );
        }
        GpxFlavour::GarminConnect => {
            let _ = writeln!(
                x,
                "<gpx creator=\"Garmin Connect\" version=\"1.1\"\n  \
xsi:schemaLocation=\"{GPX11_SCHEMA}\"\n  \
xmlns:ns3=\"{TPX_V1}\"\n  xmlns=\"http://www.topografix.com/GPX/1/1\"\n  \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:ns2=\"{GPXX_V3}\">"
            );
            let _ = writeln!(
                x,
                "  <metadata>\n    <link href=\"connect.garmin.com\">\n      <text>Garmin Connect</text>\n    </link>\n    <time>{}</time>\n  </metadata>",
                time(start, true)
            );
            let _ = writeln!(
                x,
                "  <trk>\n    <name>{}</name>\n    <type>{kind}</type>",
                xml_escape(&name)
            );
        }
        GpxFlavour::Gpx10 => {
            let _ = writeln!(
                x,
                "<gpx version=\"1.0\" creator=\"easyrun\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xmlns=\"http://www.topografix.com/GPX/1/0\" \
xsi:schemaLocation=\"http://www.topografix.com/GPX/1/0 http://www.topografix.com/GPX/1/0/gpx.xsd\">"
            );
            let _ = writeln!(x, "<time>{}</time>", time(start, false));
            let _ = writeln!(
                x,
                "<trk>\n<name>{}</name>\n<type>{kind}</type>",
                xml_escape(&name)
            );
        }
    }
    let indent = match flavour {
        GpxFlavour::Strava => " ",
        GpxFlavour::GarminConnect => "  ",
        GpxFlavour::Gpx10 => "",
    };
    let ms = flavour == GpxFlavour::GarminConnect;
    let pad = indent.repeat(3);
    let p2 = indent.repeat(5);
    for range in timer_segments(&activity.samples, &activity.timer_events) {
        let _ = writeln!(x, "{indent}{indent}<trkseg>");
        for s in activity.samples.get(range).unwrap_or_default() {
            match s.position {
                Some(p) => {
                    let _ = writeln!(
                        x,
                        "{pad}<trkpt lat=\"{}\" lon=\"{}\">",
                        fmt_decimal(p.lat_deg, 7),
                        fmt_decimal(p.lon_deg, 7)
                    );
                }
                // GPX requires lat/lon and inventing one would be a lie: samples
                // without a position (treadmill) have no place in a GPX file.
                None => continue,
            }
            if let Some(alt) = s.altitude_m {
                let _ = writeln!(x, "{pad}{indent}<ele>{}</ele>", fmt_decimal(alt, 1));
            }
            let _ = writeln!(x, "{pad}{indent}<time>{}</time>", time(s.time, ms));
            let hr = s.hr_bpm;
            let cad = s
                .cadence_spm
                .map(|c| per_foot_cadence(activity.sport.as_ref(), c).round() as i64);
            if flavour != GpxFlavour::Gpx10 && (hr.is_some() || cad.is_some()) {
                let _ = writeln!(x, "{pad}{indent}<extensions>");
                let _ = writeln!(x, "{p2}<{prefix}:TrackPointExtension>");
                if let Some(hr) = hr {
                    let _ = writeln!(x, "{p2}{indent}<{prefix}:hr>{hr}</{prefix}:hr>");
                }
                if let Some(cad) = cad {
                    let _ = writeln!(x, "{p2}{indent}<{prefix}:cad>{cad}</{prefix}:cad>");
                }
                let _ = writeln!(x, "{p2}</{prefix}:TrackPointExtension>");
                let _ = writeln!(x, "{pad}{indent}</extensions>");
            }
            let _ = writeln!(x, "{pad}</trkpt>");
        }
        let _ = writeln!(x, "{indent}{indent}</trkseg>");
    }
    let _ = writeln!(x, "{indent}</trk>\n</gpx>");
    x.into_bytes()
}

fn default_name(sport: Option<&Sport>) -> String {
    match sport {
        Some(Sport::Cycling) => "Morning Ride".to_string(),
        Some(Sport::Walking) => "Morning Walk".to_string(),
        _ => "Morning Run".to_string(),
    }
}

/// RFC 3339 UTC; Garmin Connect writes milliseconds always.
fn time(t: Timestamp, millis: bool) -> String {
    let text = t.to_rfc3339();
    if millis && !text.contains('.') {
        format!("{}.000Z", text.trim_end_matches('Z'))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::synth::RunSpec;

    fn run() -> RawActivity {
        let start = Timestamp::parse_rfc3339("2025-01-08T07:15:00Z").unwrap();
        RunSpec::new(start, 300).pause(120, 40, false).build()
    }

    fn parse(bytes: &[u8]) -> gpx::Gpx {
        gpx::read(bytes).unwrap()
    }

    fn point_time(p: &gpx::Waypoint) -> Timestamp {
        Timestamp::parse_rfc3339(&p.time.unwrap().format().unwrap()).unwrap()
    }

    #[test]
    fn every_flavour_parses_with_points_and_times() {
        let run = run();
        for flavour in [
            GpxFlavour::Strava,
            GpxFlavour::GarminConnect,
            GpxFlavour::Gpx10,
        ] {
            let bytes = encode(&run, flavour);
            let doc = parse(&bytes);
            assert_eq!(doc.tracks.len(), 1, "{flavour:?}");
            let segs = &doc.tracks[0].segments;
            assert_eq!(segs.len(), 2, "{flavour:?}: the pause splits the track");
            let points: Vec<&gpx::Waypoint> = segs.iter().flat_map(|s| &s.points).collect();
            assert_eq!(points.len(), run.samples.len());
            for (p, s) in points.iter().zip(&run.samples) {
                assert_eq!(point_time(p), s.time);
                let pos = s.position.unwrap();
                assert!((p.point().y() - pos.lat_deg).abs() < 1e-7);
                assert!((p.point().x() - pos.lon_deg).abs() < 1e-7);
                assert!((p.elevation.unwrap() - s.altitude_m.unwrap()).abs() < 0.051);
            }
            assert_eq!(doc.tracks[0].type_.as_deref(), Some("running"));
        }
    }

    #[test]
    fn extensions_carry_hr_and_per_foot_cadence() {
        let run = run();
        let strava = String::from_utf8(encode(&run, GpxFlavour::Strava)).unwrap();
        let s0 = &run.samples[0];
        let cad = (s0.cadence_spm.unwrap() / 2.0).round();
        assert!(strava.contains("creator=\"StravaGPX\""));
        assert!(strava.contains(&format!("<gpxtpx:hr>{}</gpxtpx:hr>", s0.hr_bpm.unwrap())));
        assert!(strava.contains(&format!("<gpxtpx:cad>{cad}</gpxtpx:cad>")));
        let garmin = String::from_utf8(encode(&run, GpxFlavour::GarminConnect)).unwrap();
        assert!(garmin.contains("<ns3:hr>"));
        assert!(garmin.contains("<time>2025-01-08T07:15:00.000Z</time>"));
        let old = String::from_utf8(encode(&run, GpxFlavour::Gpx10)).unwrap();
        assert!(!old.contains("<extensions>"));
        assert!(old.contains("version=\"1.0\""));
    }

    #[test]
    fn type_text_names_the_surface() {
        assert_eq!(
            type_text(Some(&Sport::Running), Some(&SubSport::Trail)),
            "trail_running"
        );
        assert_eq!(
            type_text(Some(&Sport::Running), Some(&SubSport::Street)),
            "running"
        );
        assert_eq!(type_text(Some(&Sport::Cycling), None), "cycling");
    }
}
