//! TCX writer: a [`RawActivity`] as a Garmin TrainingCenterDatabase v2 document with
//! one `Activity`, its laps and trackpoints, byte for byte deterministic.
//!
//! Samples go into the lap whose start time they follow (a run without laps gets one
//! lap). Speed and running cadence go into the ActivityExtension v2 `TPX` element;
//! `RunCadence` is per foot (steps/2, rounded), as Garmin writes it (DOMAIN §6).
//! Element order follows the TCX v2 schema.

use std::fmt::Write as _;

use super::{fmt_decimal, per_foot_cadence, xml_escape};
use easyrun::model::{Lap, LapIntensity, RawActivity, Sample, Sport, Timestamp};

const HEADER: &str = "<TrainingCenterDatabase \
xsi:schemaLocation=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2 \
http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd\" \
xmlns:ns5=\"http://www.garmin.com/xmlschemas/ActivityGoals/v1\" \
xmlns:ns3=\"http://www.garmin.com/xmlschemas/ActivityExtension/v2\" \
xmlns:ns2=\"http://www.garmin.com/xmlschemas/UserProfile/v2\" \
xmlns=\"http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
xmlns:ns4=\"http://www.garmin.com/xmlschemas/ProfileExtension/v1\">";

/// The TCX `Sport` attribute: `Running`, `Biking` or `Other`.
pub fn sport_text(sport: Option<&Sport>) -> &'static str {
    match sport {
        Some(Sport::Running) => "Running",
        Some(Sport::Cycling) => "Biking",
        _ => "Other",
    }
}

/// Serializes `activity` as a TCX document.
pub fn encode(activity: &RawActivity) -> Vec<u8> {
    let mut x = String::with_capacity(600 + activity.samples.len() * 420);
    let start = activity.start_time;
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(HEADER);
    x.push_str("\n  <Activities>\n");
    let _ = writeln!(
        x,
        "    <Activity Sport=\"{}\">\n      <Id>{}</Id>",
        sport_text(activity.sport.as_ref()),
        start
    );
    let laps = laps_or_whole(activity);
    let groups = group_samples(&activity.samples, &laps);
    let running = matches!(activity.sport, Some(Sport::Running));
    let lap_count = laps.len();
    for (i, (lap, samples)) in laps.iter().zip(groups).enumerate() {
        let lap_start = lap.start_time.unwrap_or(start);
        let _ = writeln!(x, "      <Lap StartTime=\"{lap_start}\">");
        let _ = writeln!(
            x,
            "        <TotalTimeSeconds>{}</TotalTimeSeconds>",
            fmt_decimal(lap.timer_s.or(lap.elapsed_s).unwrap_or(0.0), 3)
        );
        let _ = writeln!(
            x,
            "        <DistanceMeters>{}</DistanceMeters>",
            fmt_decimal(lap.distance_m.unwrap_or(0.0), 2)
        );
        if let Some(max) = samples
            .iter()
            .filter_map(|s| s.speed_mps)
            .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
        {
            let _ = writeln!(
                x,
                "        <MaximumSpeed>{}</MaximumSpeed>",
                fmt_decimal(max, 3)
            );
        }
        x.push_str("        <Calories>0</Calories>\n");
        if let Some(avg) = lap.avg_hr_bpm {
            let _ = writeln!(
                x,
                "        <AverageHeartRateBpm>\n          <Value>{avg}</Value>\n        </AverageHeartRateBpm>"
            );
        }
        if let Some(max) = lap.max_hr_bpm {
            let _ = writeln!(
                x,
                "        <MaximumHeartRateBpm>\n          <Value>{max}</Value>\n        </MaximumHeartRateBpm>"
            );
        }
        let _ = writeln!(
            x,
            "        <Intensity>{}</Intensity>",
            intensity_text(lap.intensity)
        );
        let trigger = if i + 1 < lap_count {
            "Distance"
        } else {
            "Manual"
        };
        let _ = writeln!(x, "        <TriggerMethod>{trigger}</TriggerMethod>");
        if !samples.is_empty() {
            x.push_str("        <Track>\n");
            for s in samples {
                write_trackpoint(&mut x, s, activity.sport.as_ref(), running);
            }
            x.push_str("        </Track>\n");
        }
        x.push_str("      </Lap>\n");
    }
    let device = activity
        .product
        .clone()
        .unwrap_or_else(|| "easyrun synthetic watch".to_string());
    let _ = writeln!(
        x,
        "      <Creator xsi:type=\"Device_t\">\n        <Name>{}</Name>\n        <UnitId>1</UnitId>\n        <ProductID>0</ProductID>\n        <Version>\n          <VersionMajor>1</VersionMajor>\n          <VersionMinor>0</VersionMinor>\n          <BuildMajor>0</BuildMajor>\n          <BuildMinor>0</BuildMinor>\n        </Version>\n      </Creator>",
        xml_escape(&device)
    );
    x.push_str("    </Activity>\n  </Activities>\n</TrainingCenterDatabase>\n");
    x.into_bytes()
}

fn write_trackpoint(x: &mut String, s: &Sample, sport: Option<&Sport>, running: bool) {
    let _ = writeln!(
        x,
        "          <Trackpoint>\n            <Time>{}</Time>",
        s.time
    );
    if let Some(p) = s.position {
        let _ = writeln!(
            x,
            "            <Position>\n              <LatitudeDegrees>{}</LatitudeDegrees>\n              <LongitudeDegrees>{}</LongitudeDegrees>\n            </Position>",
            fmt_decimal(p.lat_deg, 7),
            fmt_decimal(p.lon_deg, 7)
        );
    }
    if let Some(alt) = s.altitude_m {
        let _ = writeln!(
            x,
            "            <AltitudeMeters>{}</AltitudeMeters>",
            fmt_decimal(alt, 1)
        );
    }
    if let Some(d) = s.distance_m {
        let _ = writeln!(
            x,
            "            <DistanceMeters>{}</DistanceMeters>",
            fmt_decimal(d, 2)
        );
    }
    if let Some(hr) = s.hr_bpm {
        let _ = writeln!(
            x,
            "            <HeartRateBpm>\n              <Value>{hr}</Value>\n            </HeartRateBpm>"
        );
    }
    let cadence = s
        .cadence_spm
        .map(|c| per_foot_cadence(sport, c).round().clamp(0.0, 254.0) as u16);
    if !running && let Some(c) = cadence {
        let _ = writeln!(x, "            <Cadence>{c}</Cadence>");
    }
    let run_cadence = cadence.filter(|_| running);
    if s.speed_mps.is_some() || run_cadence.is_some() {
        x.push_str("            <Extensions>\n              <ns3:TPX>\n");
        if let Some(v) = s.speed_mps {
            let _ = writeln!(
                x,
                "                <ns3:Speed>{}</ns3:Speed>",
                fmt_decimal(v, 3)
            );
        }
        if let Some(c) = run_cadence {
            let _ = writeln!(x, "                <ns3:RunCadence>{c}</ns3:RunCadence>");
        }
        x.push_str("              </ns3:TPX>\n            </Extensions>\n");
    }
    x.push_str("          </Trackpoint>\n");
}

fn intensity_text(intensity: Option<LapIntensity>) -> &'static str {
    match intensity {
        Some(LapIntensity::Rest) => "Resting",
        _ => "Active",
    }
}

/// The activity's laps, or one lap spanning the samples when it has none.
fn laps_or_whole(activity: &RawActivity) -> Vec<Lap> {
    if !activity.laps.is_empty() {
        return activity.laps.clone();
    }
    let hrs: Vec<u16> = activity.samples.iter().filter_map(|s| s.hr_bpm).collect();
    let avg = (!hrs.is_empty()).then(|| {
        let sum: u64 = hrs.iter().map(|&h| u64::from(h)).sum();
        (sum as f64 / hrs.len() as f64).round() as u16
    });
    let first = activity.samples.first();
    let distance = activity.distance_m.or_else(|| {
        let last = activity.samples.iter().rev().find_map(|s| s.distance_m)?;
        Some(last - first.and_then(|s| s.distance_m).unwrap_or(0.0))
    });
    vec![Lap {
        start_time: Some(first.map_or(activity.start_time, |s| s.time)),
        elapsed_s: Some(activity.record_span_s()),
        timer_s: activity.timer_s,
        distance_m: distance,
        avg_hr_bpm: avg,
        max_hr_bpm: hrs.iter().copied().max(),
        intensity: Some(LapIntensity::Active),
    }]
}

/// Splits the samples among the laps by start time: samples before the first lap's
/// start go to the first lap.
fn group_samples<'a>(samples: &'a [Sample], laps: &[Lap]) -> Vec<&'a [Sample]> {
    let starts: Vec<Option<Timestamp>> = laps.iter().map(|l| l.start_time).collect();
    let mut groups = Vec::with_capacity(laps.len());
    let mut from = 0;
    for i in 0..laps.len() {
        let to = match starts.get(i + 1).copied().flatten() {
            Some(next) => from.max(samples.partition_point(|s| s.time < next)),
            None if i + 1 == laps.len() => samples.len(),
            None => from,
        };
        groups.push(samples.get(from..to).unwrap_or_default());
        from = to;
    }
    groups
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::synth::RunSpec;
    use quick_xml::events::Event;

    fn run() -> RawActivity {
        let start = Timestamp::parse_rfc3339("2025-05-25T17:40:00Z").unwrap();
        RunSpec::new(start, 420).pace(330.0).build()
    }

    /// Walks the document with quick-xml: fails on malformed XML, returns the local
    /// names of all start tags.
    fn tags(bytes: &[u8]) -> Vec<String> {
        let mut reader = quick_xml::Reader::from_reader(bytes);
        reader.config_mut().check_end_names = true;
        let mut buf = Vec::new();
        let mut out = Vec::new();
        let mut depth = 0i32;
        loop {
            match reader.read_event_into(&mut buf).unwrap() {
                Event::Start(e) => {
                    depth += 1;
                    out.push(e.local_name().into_inner().to_string());
                }
                Event::End(_) => depth -= 1,
                Event::Empty(e) => out.push(e.local_name().into_inner().to_string()),
                Event::Eof => break,
                _ => {}
            }
            buf.clear();
        }
        assert_eq!(depth, 0);
        out
    }

    #[test]
    fn well_formed_with_every_sample_and_lap() {
        let run = run();
        let bytes = encode(&run);
        let tags = tags(&bytes);
        let count = |name: &str| tags.iter().filter(|t| *t == name).count();
        assert_eq!(count("TrainingCenterDatabase"), 1);
        assert_eq!(count("Activity"), 1);
        assert_eq!(count("Lap"), run.laps.len());
        assert_eq!(count("Trackpoint"), run.samples.len());
        assert_eq!(count("RunCadence"), run.samples.len());
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("<Activity Sport=\"Running\">"));
        assert!(text.contains("<Id>2025-05-25T17:40:00Z</Id>"));
        let c0 = (run.samples[0].cadence_spm.unwrap() / 2.0).round();
        assert!(text.contains(&format!("<ns3:RunCadence>{c0}</ns3:RunCadence>")));
    }

    #[test]
    fn lap_distances_sum_to_the_run() {
        let run = run();
        let text = String::from_utf8(encode(&run)).unwrap();
        let total: f64 = text
            .lines()
            .filter(|l| l.starts_with("        <DistanceMeters>"))
            .map(|l| {
                l.trim()
                    .trim_start_matches("<DistanceMeters>")
                    .trim_end_matches("</DistanceMeters>")
                    .parse::<f64>()
                    .unwrap()
            })
            .sum();
        assert!((total - run.distance_m.unwrap()).abs() < 0.05);
    }

    #[test]
    fn without_laps_one_lap_holds_all() {
        let mut run = run();
        run.laps.clear();
        let tags = tags(&encode(&run));
        assert_eq!(tags.iter().filter(|t| *t == "Lap").count(), 1);
        assert_eq!(
            tags.iter().filter(|t| *t == "Trackpoint").count(),
            run.samples.len()
        );
    }
}
