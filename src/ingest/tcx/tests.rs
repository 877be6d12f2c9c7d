//! Unit tests of the TCX reader on small inline documents.

use super::*;

fn ts(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap_or_default()
}

fn empty() -> RawActivity {
    RawActivity::new("none", Format::Tcx)
}

const RUN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
  xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
 <Activities>
  <Activity Sport="Running">
   <Id>2018-11-25T07:20:49.000Z</Id>
   <Lap StartTime="2018-11-25T07:20:49.000Z">
<TotalTimeSeconds>300.5</TotalTimeSeconds>
<DistanceMeters>1000.0</DistanceMeters>
<AverageHeartRateBpm><Value>140</Value></AverageHeartRateBpm>
<MaximumHeartRateBpm><Value>150</Value></MaximumHeartRateBpm>
<Intensity>Active</Intensity>
<Cadence>88</Cadence>
<Track>
 <Trackpoint>
  <Time>2018-11-25T07:20:50.000Z</Time>
  <Position><LatitudeDegrees>52.5</LatitudeDegrees><LongitudeDegrees>13.4</LongitudeDegrees></Position>
  <AltitudeMeters>35.2</AltitudeMeters>
  <DistanceMeters>3.5</DistanceMeters>
  <HeartRateBpm><Value>121</Value></HeartRateBpm>
  <Extensions><ns3:TPX><ns3:Speed>2.9</ns3:Speed><ns3:RunCadence>83</ns3:RunCadence></ns3:TPX></Extensions>
 </Trackpoint>
 <Trackpoint>
  <Time>2018-11-25T07:25:49.000Z</Time>
  <DistanceMeters>999.0</DistanceMeters>
  <HeartRateBpm><Value>149.6</Value></HeartRateBpm>
  <Cadence>85</Cadence>
 </Trackpoint>
</Track>
   </Lap>
   <Lap StartTime="2018-11-25T07:25:50.000Z">
<TotalTimeSeconds>60</TotalTimeSeconds>
<DistanceMeters>150.5</DistanceMeters>
<Intensity>Resting</Intensity>
<Track>
 <Trackpoint><Time>2018-11-25T07:26:49.000Z</Time></Trackpoint>
</Track>
   </Lap>
   <Creator xsi:type="Device_t"><Name>Garmin Forerunner 620</Name></Creator>
  </Activity>
 </Activities>
 <Author><Name>Garmin Connect</Name></Author>
</TrainingCenterDatabase>"#;

#[test]
fn single_running_activity() {
    let all = read(RUN.as_bytes(), "run.tcx").unwrap_or_default();
    assert_eq!(all.len(), 1);
    let a = all.first().cloned().unwrap_or_else(empty);
    assert_eq!(a.source, "run.tcx");
    assert_eq!(a.format, Format::Tcx);
    assert_eq!(a.sport, Some(Sport::Running));
    assert_eq!(a.product.as_deref(), Some("Garmin Forerunner 620"));
    assert_eq!(a.start_time, ts("2018-11-25T07:20:49Z"));
    assert_eq!(a.elapsed_s, Some(359.0));
    // Lap sums.
    assert_eq!(a.timer_s, Some(360.5));
    assert_eq!(a.distance_m, Some(1150.5));
    assert_eq!(a.laps.len(), 2);
    let lap = a.laps.first().cloned();
    assert_eq!(lap.as_ref().and_then(|l| l.avg_hr_bpm), Some(140));
    assert_eq!(lap.as_ref().and_then(|l| l.max_hr_bpm), Some(150));
    assert_eq!(
        lap.as_ref().and_then(|l| l.intensity),
        Some(LapIntensity::Active)
    );
    assert_eq!(
        lap.as_ref().and_then(|l| l.start_time),
        Some(ts("2018-11-25T07:20:49Z"))
    );
    assert_eq!(
        a.laps.get(1).and_then(|l| l.intensity),
        Some(LapIntensity::Rest)
    );

    assert_eq!(a.samples.len(), 3);
    let s = a.samples.first().copied().unwrap_or_default();
    assert_eq!(s.time, ts("2018-11-25T07:20:50Z"));
    assert_eq!(
        s.position,
        Some(Position {
            lat_deg: 52.5,
            lon_deg: 13.4
        })
    );
    assert_eq!(s.altitude_m, Some(35.2));
    assert_eq!(s.distance_m, Some(3.5));
    assert_eq!(s.hr_bpm, Some(121));
    assert_eq!(s.speed_mps, Some(2.9));
    // Per-foot RunCadence doubled for running; lap-level Cadence ignored.
    assert_eq!(s.cadence_spm, Some(166.0));
    let s = a.samples.get(1).copied().unwrap_or_default();
    assert_eq!(s.hr_bpm, Some(150));
    assert_eq!(s.cadence_spm, Some(170.0));
    assert_eq!(s.position, None);
}

#[test]
fn multi_activity_numbering_and_bike_cadence() {
    let doc = r#"<TrainingCenterDatabase><Activities><MultiSportSession>
  <FirstSport><Activity Sport="Biking"><Id>2013-04-18T16:14:21Z</Id>
<Lap StartTime="2013-04-18T16:14:21Z"><Track>
  <Trackpoint><Time>2013-04-18T16:14:21Z</Time><Cadence>90</Cadence>
    <Extensions><TPX><Watts>201</Watts></TPX></Extensions></Trackpoint>
</Track></Lap></Activity></FirstSport>
  <NextSport><Activity Sport="Running">
<Lap StartTime="2013-04-18T16:24:12Z"><Track>
  <Trackpoint><Time>2013-04-18T16:24:15Z</Time></Trackpoint>
  <Trackpoint><Time>2013-04-18T16:24:25Z</Time><DistanceMeters>30</DistanceMeters></Trackpoint>
</Track></Lap></Activity></NextSport>
</MultiSportSession></Activities></TrainingCenterDatabase>"#;
    let all = read(doc.as_bytes(), "m.tcx").unwrap_or_default();
    assert_eq!(all.len(), 2);
    let bike = all.first().cloned().unwrap_or_else(empty);
    let run = all.get(1).cloned().unwrap_or_else(empty);
    assert_eq!(bike.source, "m.tcx#1");
    assert_eq!(run.source, "m.tcx#2");
    assert_eq!(bike.sport, Some(Sport::Cycling));
    let s = bike.samples.first().copied().unwrap_or_default();
    assert_eq!(s.cadence_spm, Some(90.0));
    assert_eq!(s.power_w, Some(201));
    // No Id: the first lap's StartTime.
    assert_eq!(run.start_time, ts("2013-04-18T16:24:12Z"));
    assert_eq!(run.elapsed_s, Some(10.0));
    assert_eq!(run.timer_s, None);
    // No lap distance: the last trackpoint distance.
    assert_eq!(run.distance_m, Some(30.0));
}

#[test]
fn course_is_not_an_activity() {
    let doc = r#"<TrainingCenterDatabase><Courses><Course><Name>Loop</Name>
      <Lap><TotalTimeSeconds>144</TotalTimeSeconds></Lap>
      <Track><Trackpoint><Time>2010-01-01T00:00:00Z</Time></Trackpoint></Track>
      </Course></Courses></TrainingCenterDatabase>"#;
    assert_eq!(
        read(doc.as_bytes(), "c.tcx"),
        Err(ReadError::NotAnActivity {
            what: "TCX course".into()
        })
    );
}

#[test]
fn activity_without_trackpoints_has_no_samples() {
    let doc = r#"<TrainingCenterDatabase><Activities><Activity Sport="Running">
      <Id>2020-01-01T00:00:00Z</Id><Lap StartTime="2020-01-01T00:00:00Z">
      <TotalTimeSeconds>10</TotalTimeSeconds></Lap></Activity></Activities>
      </TrainingCenterDatabase>"#;
    assert!(matches!(
        read(doc.as_bytes(), "e.tcx"),
        Err(ReadError::NoSamples { .. })
    ));
}

#[test]
fn invalid_xml_reports_its_line() {
    let doc = "<TrainingCenterDatabase>\n<Activities>\n<Activity>\n</Activities>";
    assert!(matches!(
        read(doc.as_bytes(), "bad.tcx"),
        Err(ReadError::InvalidXml { line: 4, .. })
    ));
}
