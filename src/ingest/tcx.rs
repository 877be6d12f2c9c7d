//! TCX reader: a streaming quick-xml walk that turns every `<Activity>` into one
//! [`RawActivity`] with its laps and trackpoints.
//!
//! Choices, each checked against the corpus reference (`reference.jsonl`):
//! - Elements match by local name (`ns3:TPX`, `ns2:Watts`, bare `<Watts>` alike).
//! - Activities anywhere in the document count, including those inside a
//!   `MultiSportSession`; `<Course>` contents are never read as an activity.
//!   With more than one `<Activity>` each one's source is `{source}#{n}` (n = 1-based
//!   position in the document); a single activity keeps `source`.
//! - `start_time`: the Activity `<Id>`, else the first Lap `StartTime`, else the first
//!   trackpoint. `elapsed_s`: last minus first trackpoint time. `timer_s`: the sum of
//!   Lap `TotalTimeSeconds`. `distance_m`: the sum of Lap `DistanceMeters`, else the last
//!   trackpoint distance.
//! - A `<Trackpoint>` without a usable `<Time>` cannot be placed in time and is not a
//!   sample (none occurs in the corpus).
//! - Cadence: Garmin writes running cadence per foot (strides/min) both in the
//!   Trackpoint `<Cadence>` and in the `TPX/RunCadence` extension (DOMAIN.md §6), so for
//!   an activity whose Sport is running both are doubled to steps/min; for any other
//!   sport `<Cadence>` is kept as written (rpm). No guessing from the value's size, so a
//!   file whose writer already doubled it (Runalyze's `Treadmill-doubled-cadence.tcx`)
//!   reads doubled twice.

use std::borrow::Cow;

use super::xml::{self, StartTag, TextBuf};
use crate::error::ReadError;
use crate::model::{Format, Lap, LapIntensity, Position, RawActivity, Sample, Sport, Timestamp};

/// Elements the reader acts on; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Activity,
    Course,
    Id,
    Creator,
    Name,
    Lap,
    TotalTimeSeconds,
    DistanceMeters,
    AverageHeartRateBpm,
    MaximumHeartRateBpm,
    HeartRateBpm,
    Value,
    Intensity,
    Trackpoint,
    Time,
    Position,
    LatitudeDegrees,
    LongitudeDegrees,
    AltitudeMeters,
    Cadence,
    RunCadence,
    Speed,
    Watts,
    Other,
}

fn classify(local: &str) -> Tag {
    match local.as_bytes() {
        b"Trackpoint" => Tag::Trackpoint,
        b"Time" => Tag::Time,
        b"Position" => Tag::Position,
        b"LatitudeDegrees" => Tag::LatitudeDegrees,
        b"LongitudeDegrees" => Tag::LongitudeDegrees,
        b"AltitudeMeters" => Tag::AltitudeMeters,
        b"DistanceMeters" => Tag::DistanceMeters,
        b"HeartRateBpm" => Tag::HeartRateBpm,
        b"Value" => Tag::Value,
        b"Cadence" => Tag::Cadence,
        b"RunCadence" => Tag::RunCadence,
        b"Speed" => Tag::Speed,
        b"Watts" => Tag::Watts,
        b"Lap" => Tag::Lap,
        b"TotalTimeSeconds" => Tag::TotalTimeSeconds,
        b"AverageHeartRateBpm" => Tag::AverageHeartRateBpm,
        b"MaximumHeartRateBpm" => Tag::MaximumHeartRateBpm,
        b"Intensity" => Tag::Intensity,
        b"Activity" => Tag::Activity,
        b"Course" => Tag::Course,
        b"Id" => Tag::Id,
        b"Creator" => Tag::Creator,
        b"Name" => Tag::Name,
        _ => Tag::Other,
    }
}

/// The text-valued fields the reader collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    ActivityId,
    CreatorName,
    LapTime,
    LapDistance,
    LapAvgHr,
    LapMaxHr,
    LapIntensity,
    Time,
    Lat,
    Lon,
    Altitude,
    Distance,
    Hr,
    Cadence,
    RunCadence,
    Speed,
    Watts,
}

/// The `<Trackpoint>` being read.
#[derive(Default)]
struct Point {
    time: Option<Timestamp>,
    lat: Option<f64>,
    lon: Option<f64>,
    sample: Sample,
    run_cadence: Option<f64>,
}

/// The `<Activity>` being read.
struct Activity {
    /// 1-based position among the document's `<Activity>` elements.
    index: usize,
    sport: Option<String>,
    id: Option<Timestamp>,
    creator: Option<String>,
    laps: Vec<Lap>,
    samples: Vec<Sample>,
}

impl Activity {
    fn finish(self, source: &str) -> Option<(usize, RawActivity)> {
        let first = self.samples.first()?.time;
        let last = self.samples.last()?.time;
        let mut activity = RawActivity::new(source, Format::Tcx);
        activity.product = self.creator;
        if let Some(text) = &self.sport {
            let (sport, sub_sport) = Sport::from_text(text);
            activity.sport = Some(sport);
            activity.sub_sport = sub_sport;
        }
        activity.start_time = self
            .id
            .or_else(|| self.laps.first().and_then(|lap| lap.start_time))
            .unwrap_or(first);
        activity.elapsed_s = Some(last.seconds_since(first));
        activity.timer_s = sum_some(self.laps.iter().map(|lap| lap.timer_s));
        activity.distance_m = sum_some(self.laps.iter().map(|lap| lap.distance_m))
            .or_else(|| self.samples.iter().rev().find_map(|s| s.distance_m));
        activity.laps = self.laps;
        activity.samples = self.samples;
        if activity.sport == Some(Sport::Running) {
            for sample in &mut activity.samples {
                sample.cadence_spm = sample.cadence_spm.map(|c| c * 2.0);
            }
        }
        Some((self.index, activity))
    }
}

/// Sum of the present values; `None` when none is present.
fn sum_some(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    values
        .flatten()
        .fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
}

/// Reader state over one document.
struct TcxReader<'a> {
    source: &'a str,
    stack: Vec<Tag>,
    /// The field being collected and the stack depth of its element.
    capture: Option<(Field, usize)>,
    text: TextBuf<'a>,
    activity: Option<Activity>,
    lap: Option<Lap>,
    point: Option<Point>,
    activities_seen: usize,
    courses_seen: usize,
    points_seen: usize,
    untimed_points: usize,
    activities: Vec<(usize, RawActivity)>,
}

/// Reads the activities of a TCX document (one [`RawActivity`] per `<Activity>` with
/// timed trackpoints).
pub fn read(bytes: &[u8], source: &str) -> Result<Vec<RawActivity>, ReadError> {
    let text = xml::document_text(bytes)?;
    xml::read_document(&text, || TcxReader::new(source))?.finish()
}

/// [`read`] through the fast walker alone, `None` where it would hand the document to
/// quick-xml (tests and benches measure how often that happens).
#[doc(hidden)]
pub fn read_fast_only(bytes: &[u8], source: &str) -> Option<Result<Vec<RawActivity>, ReadError>> {
    let text = match xml::document_text(bytes) {
        Ok(text) => text,
        Err(e) => return Some(Err(e)),
    };
    xml::read_document_fast(&text, || TcxReader::new(source)).map(|reader| reader.finish())
}

/// [`read`] through the quick-xml walker alone: the reference the fast walker is tested
/// and benchmarked against. Same results, errors and messages as [`read`].
#[doc(hidden)]
pub fn read_quick_xml(bytes: &[u8], source: &str) -> Result<Vec<RawActivity>, ReadError> {
    let text = xml::document_text(bytes)?;
    xml::read_document_quick_xml(&text, || TcxReader::new(source))?.finish()
}

impl<'a> TcxReader<'a> {
    fn new(source: &'a str) -> Self {
        TcxReader {
            source,
            stack: Vec::with_capacity(16),
            capture: None,
            text: TextBuf::default(),
            activity: None,
            lap: None,
            point: None,
            activities_seen: 0,
            courses_seen: 0,
            points_seen: 0,
            untimed_points: 0,
            activities: Vec::new(),
        }
    }

    /// The tag `n` levels above the element just pushed (1 = parent).
    fn ancestor(&self, n: usize) -> Option<Tag> {
        let len = self.stack.len();
        len.checked_sub(n + 1)
            .and_then(|i| self.stack.get(i))
            .copied()
    }

    fn finish_point(&mut self) {
        let (Some(point), Some(activity)) = (self.point.take(), self.activity.as_mut()) else {
            return;
        };
        let Some(time) = point.time else {
            self.untimed_points += 1;
            return;
        };
        let position = match (point.lat, point.lon) {
            (Some(lat_deg), Some(lon_deg))
                if (-90.0..=90.0).contains(&lat_deg) && (-180.0..=180.0).contains(&lon_deg) =>
            {
                Some(Position { lat_deg, lon_deg })
            }
            _ => None,
        };
        activity.samples.push(Sample {
            time,
            position,
            cadence_spm: point.sample.cadence_spm.or(point.run_cadence),
            ..point.sample
        });
    }

    fn store(&mut self, field: Field, value: &str) {
        match field {
            Field::ActivityId => {
                if let Some(activity) = &mut self.activity {
                    activity.id = xml::parse_time(value);
                }
            }
            Field::CreatorName => {
                if let Some(activity) = &mut self.activity {
                    activity.creator = xml::non_blank(value);
                }
            }
            Field::LapTime
            | Field::LapDistance
            | Field::LapAvgHr
            | Field::LapMaxHr
            | Field::LapIntensity => {
                let Some(lap) = &mut self.lap else {
                    return;
                };
                match field {
                    Field::LapTime => lap.timer_s = xml::parse_f64(value),
                    Field::LapDistance => lap.distance_m = xml::parse_f64(value),
                    Field::LapAvgHr => lap.avg_hr_bpm = xml::parse_rounded_u16(value),
                    Field::LapMaxHr => lap.max_hr_bpm = xml::parse_rounded_u16(value),
                    _ => lap.intensity = parse_intensity(value),
                }
            }
            _ => {
                let Some(point) = &mut self.point else {
                    return;
                };
                let s = &mut point.sample;
                match field {
                    Field::Time => point.time = xml::parse_time(value),
                    Field::Lat => point.lat = xml::parse_f64(value),
                    Field::Lon => point.lon = xml::parse_f64(value),
                    Field::Altitude => s.altitude_m = xml::parse_f64(value),
                    Field::Distance => s.distance_m = xml::parse_f64(value),
                    Field::Hr => s.hr_bpm = xml::parse_rounded_u16(value),
                    Field::Cadence => s.cadence_spm = xml::parse_f64(value),
                    Field::RunCadence => {
                        point.run_cadence = point.run_cadence.or_else(|| xml::parse_f64(value));
                    }
                    Field::Speed => s.speed_mps = s.speed_mps.or_else(|| xml::parse_f64(value)),
                    Field::Watts => s.power_w = s.power_w.or_else(|| xml::parse_rounded_u16(value)),
                    _ => {}
                }
            }
        }
    }

    fn finish(self) -> Result<Vec<RawActivity>, ReadError> {
        if self.activities.is_empty() {
            return Err(if self.activities_seen > 0 {
                if self.points_seen > 0 && self.untimed_points == self.points_seen {
                    ReadError::NotAnActivity {
                        what: "TCX activity without timestamps".into(),
                    }
                } else {
                    ReadError::NoSamples {
                        what: "TCX activity without trackpoints".into(),
                    }
                }
            } else if self.courses_seen > 0 {
                ReadError::NotAnActivity {
                    what: "TCX course".into(),
                }
            } else {
                ReadError::NotAnActivity {
                    what: "TCX without activities".into(),
                }
            });
        }
        let several = self.activities_seen > 1;
        Ok(xml::name_by_position(self.activities, several, self.source))
    }
}

impl<'a> xml::Handler<'a> for TcxReader<'a> {
    fn open(&mut self, start: &impl StartTag) -> Result<(), String> {
        let tag = classify(start.local_name());
        self.stack.push(tag);
        let parent = self.ancestor(1);
        let in_activity = self.activity.is_some();
        let in_point = self.point.is_some();
        let field = match tag {
            Tag::Activity if !in_activity => {
                self.activities_seen += 1;
                let sport = start.attribute("Sport")?.and_then(|s| xml::non_blank(&s));
                self.activity = Some(Activity {
                    index: self.activities_seen,
                    sport,
                    id: None,
                    creator: None,
                    laps: Vec::new(),
                    samples: Vec::new(),
                });
                None
            }
            Tag::Course => {
                self.courses_seen += 1;
                None
            }
            Tag::Id if parent == Some(Tag::Activity) && in_activity => Some(Field::ActivityId),
            Tag::Name
                if parent == Some(Tag::Creator)
                    && self.ancestor(2) == Some(Tag::Activity)
                    && in_activity =>
            {
                Some(Field::CreatorName)
            }
            Tag::Lap if parent == Some(Tag::Activity) && in_activity => {
                let start_time = start
                    .attribute("StartTime")?
                    .and_then(|t| xml::parse_time(&t));
                self.lap = Some(Lap {
                    start_time,
                    elapsed_s: None,
                    timer_s: None,
                    distance_m: None,
                    avg_hr_bpm: None,
                    max_hr_bpm: None,
                    intensity: None,
                });
                None
            }
            Tag::TotalTimeSeconds if parent == Some(Tag::Lap) => Some(Field::LapTime),
            Tag::DistanceMeters if parent == Some(Tag::Lap) => Some(Field::LapDistance),
            Tag::Intensity if parent == Some(Tag::Lap) => Some(Field::LapIntensity),
            Tag::Value if self.ancestor(2) == Some(Tag::Lap) => match parent {
                Some(Tag::AverageHeartRateBpm) => Some(Field::LapAvgHr),
                Some(Tag::MaximumHeartRateBpm) => Some(Field::LapMaxHr),
                _ => None,
            },
            Tag::Trackpoint if in_activity && !in_point => {
                self.points_seen += 1;
                self.point = Some(Point::default());
                None
            }
            Tag::Time if parent == Some(Tag::Trackpoint) => Some(Field::Time),
            Tag::LatitudeDegrees if parent == Some(Tag::Position) && in_point => Some(Field::Lat),
            Tag::LongitudeDegrees if parent == Some(Tag::Position) && in_point => Some(Field::Lon),
            Tag::AltitudeMeters if parent == Some(Tag::Trackpoint) => Some(Field::Altitude),
            Tag::DistanceMeters if parent == Some(Tag::Trackpoint) => Some(Field::Distance),
            Tag::Value
                if parent == Some(Tag::HeartRateBpm)
                    && self.ancestor(2) == Some(Tag::Trackpoint) =>
            {
                Some(Field::Hr)
            }
            Tag::Cadence if parent == Some(Tag::Trackpoint) => Some(Field::Cadence),
            // Extension values (TPX): anywhere inside the trackpoint.
            Tag::RunCadence if in_point => Some(Field::RunCadence),
            Tag::Speed if in_point => Some(Field::Speed),
            Tag::Watts if in_point => Some(Field::Watts),
            _ => None,
        };
        if let Some(field) = field {
            self.capture = Some((field, self.stack.len()));
            self.text.clear();
        }
        Ok(())
    }

    fn text(&mut self, piece: Cow<'a, str>) {
        if self.wants_text() {
            self.text.push(piece);
        }
    }

    fn wants_text(&self) -> bool {
        self.capture
            .is_some_and(|(_, depth)| depth == self.stack.len())
    }

    fn close(&mut self) {
        if let Some((field, depth)) = self.capture
            && depth == self.stack.len()
        {
            self.capture = None;
            let value = self.text.take();
            self.store(field, &value);
        }
        match self.stack.pop() {
            Some(Tag::Trackpoint) => self.finish_point(),
            Some(Tag::Lap) => {
                if let (Some(lap), Some(activity)) = (self.lap.take(), self.activity.as_mut()) {
                    activity.laps.push(lap);
                }
            }
            Some(Tag::Activity) => {
                if let Some(activity) = self.activity.take()
                    && let Some(done) = activity.finish(self.source)
                {
                    self.activities.push(done);
                }
            }
            _ => {}
        }
    }
}

/// TCX `Intensity` is `Active` or `Resting`.
fn parse_intensity(text: &str) -> Option<LapIntensity> {
    match text.trim() {
        "Active" => Some(LapIntensity::Active),
        "Resting" => Some(LapIntensity::Rest),
        "" => None,
        _ => Some(LapIntensity::Other),
    }
}

#[cfg(test)]
mod tests;
