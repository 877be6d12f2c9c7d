//! GPX reader (1.0 and 1.1): a streaming quick-xml walk that turns every `<trk>` with
//! timed points into one [`RawActivity`].
//!
//! Choices, each checked against the corpus reference (`reference.jsonl`, gpxpy):
//! - Elements match by local name; heart rate, cadence and power come from any element
//!   inside a `<trkpt>` named `hr`/`heartrate`/`heart_rate`/`heartratebpm`,
//!   `cad`/`cadence`/`runcadence`, `power`/`watts`/`pwr` (case-insensitive: Garmin
//!   TrackPointExtension v1/v2 under any prefix, bare `<hr>`, gpxdata, Movescount);
//!   `speed` (GPX 1.0 `<speed>` or an extension) and `distance` likewise. The first
//!   numeric value wins; a non-numeric value leaves the field missing.
//! - A `<trkpt>` without a usable `<time>` cannot be placed in time and is not a sample
//!   (the model's samples are timed). Its position still counts toward the track
//!   length. In the corpus no clean file has such points inside a timed track; a track
//!   whose points have no time at all is not an activity (a planned route).
//! - Positions outside ±90°/±180° are dropped (position missing), not measured.
//! - Segment breaks (`</trkseg><trkseg>`) are pauses: a `Stop` at the last point of one
//!   segment and a `Start` at the first point of the next go to `timer_events`.
//! - `distance_m` is the 2-D great-circle length of the track, summed per segment
//!   (never across a segment break).
//! - `start_time` is the first point's time (metadata time can be the export time);
//!   `elapsed_s` is last minus first point time; GPX states no timer time.
//! - Cadence: Garmin GPX exports write running cadence per foot (strides/min), like
//!   FIT and TCX RunCadence (DOMAIN.md §6). For a track whose `<type>` says running the
//!   value is doubled to steps/min; for every other sport it is kept as written. No
//!   guessing from the value's size.

use std::borrow::Cow;

use super::xml::{self, StartTag, TextBuf};
use crate::error::ReadError;
use crate::model::geo::{self, Fix};
use crate::model::{
    Format, Position, RawActivity, Sample, Sport, TimerEvent, TimerEventKind, Timestamp,
};

/// Elements the reader acts on; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Gpx,
    Metadata,
    Trk,
    Trkseg,
    Trkpt,
    Rte,
    Name,
    Type,
    Ele,
    Time,
    Hr,
    Cad,
    Power,
    Speed,
    Distance,
    Other,
}

fn classify(local: &str) -> Tag {
    match local.as_bytes() {
        b"trkpt" => Tag::Trkpt,
        b"ele" => Tag::Ele,
        b"time" => Tag::Time,
        b"trkseg" => Tag::Trkseg,
        b"trk" => Tag::Trk,
        b"name" => Tag::Name,
        b"type" => Tag::Type,
        b"metadata" => Tag::Metadata,
        b"rte" => Tag::Rte,
        b"gpx" => Tag::Gpx,
        _ => classify_extension(local.as_bytes()),
    }
}

/// Vendor extension names vary in case (`gpxtpx:hr`, `gpxdata:heartrate`, `HeartRate`):
/// the name is compared ASCII-lowercased.
fn classify_extension(local: &[u8]) -> Tag {
    // The longest name below is 12 bytes.
    let mut lower = [0u8; 12];
    let Some(dst) = lower.get_mut(..local.len()) else {
        return Tag::Other;
    };
    for (d, s) in dst.iter_mut().zip(local) {
        *d = s.to_ascii_lowercase();
    }
    match &*dst {
        b"hr" | b"heartrate" | b"heart_rate" | b"heartratebpm" => Tag::Hr,
        b"cad" | b"cadence" | b"runcadence" => Tag::Cad,
        b"power" | b"watts" | b"pwr" => Tag::Power,
        b"speed" => Tag::Speed,
        b"distance" => Tag::Distance,
        _ => Tag::Other,
    }
}

/// The text-valued fields the reader collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    DocName,
    TrackName,
    TrackType,
    Ele,
    Time,
    Hr,
    Cad,
    Power,
    Speed,
    Distance,
}

/// The `<trkpt>` being read.
#[derive(Default)]
struct Point {
    time: Option<Timestamp>,
    sample: Sample,
}

/// The `<trk>` being read.
struct Track {
    /// 1-based position among the document's `<trk>` elements.
    index: usize,
    name: Option<String>,
    kind: Option<String>,
    samples: Vec<Sample>,
    timer_events: Vec<TimerEvent>,
    length_m: f64,
    has_position: bool,
    /// Last valid position in the current segment (distance is not measured across
    /// segment breaks), with its latitude's cosine for the next step.
    prev_position: Option<Fix>,
    /// A new segment started and has no timed point yet.
    segment_break: bool,
    untimed_points: usize,
}

impl Track {
    fn new(index: usize) -> Self {
        Track {
            index,
            name: None,
            kind: None,
            samples: Vec::new(),
            timer_events: Vec::new(),
            length_m: 0.0,
            has_position: false,
            prev_position: None,
            segment_break: false,
            untimed_points: 0,
        }
    }

    fn start_segment(&mut self) {
        self.prev_position = None;
        self.segment_break = true;
    }

    fn push_point(&mut self, point: Point) {
        if let Some(position) = point.sample.position {
            let fix = Fix::new(position);
            if let Some(prev) = &self.prev_position {
                self.length_m += geo::step_m(prev, &fix);
            }
            self.prev_position = Some(fix);
            self.has_position = true;
        }
        let Some(time) = point.time else {
            self.untimed_points += 1;
            return;
        };
        if self.segment_break {
            if let Some(last) = self.samples.last() {
                self.timer_events.push(TimerEvent {
                    time: last.time,
                    kind: TimerEventKind::Stop,
                });
                self.timer_events.push(TimerEvent {
                    time,
                    kind: TimerEventKind::Start,
                });
            }
            self.segment_break = false;
        }
        self.samples.push(Sample {
            time,
            ..point.sample
        });
    }

    /// The activity this track makes, or `None` when it has no timed point.
    fn finish(self, source: &str, product: Option<&str>) -> Option<(usize, RawActivity)> {
        let first = self.samples.first()?.time;
        let last = self.samples.last()?.time;
        let mut activity = RawActivity::new(source, Format::Gpx);
        activity.product = product.map(str::to_string);
        if let Some(kind) = &self.kind {
            let (sport, sub_sport) = Sport::from_text(kind);
            activity.sport = Some(sport);
            activity.sub_sport = sub_sport;
        }
        let running = activity.sport == Some(Sport::Running);
        activity.name = self.name;
        activity.start_time = first;
        activity.elapsed_s = Some(last.seconds_since(first));
        activity.distance_m = if self.has_position {
            Some(self.length_m)
        } else {
            self.samples.iter().rev().find_map(|s| s.distance_m)
        };
        activity.samples = self.samples;
        if running {
            for sample in &mut activity.samples {
                sample.cadence_spm = sample.cadence_spm.map(|c| c * 2.0);
            }
        }
        activity.timer_events = self.timer_events;
        Some((self.index, activity))
    }
}

/// Reader state over one document.
struct GpxReader<'a> {
    source: &'a str,
    stack: Vec<Tag>,
    /// The field being collected and the stack depth of its element.
    capture: Option<(Field, usize)>,
    text: TextBuf<'a>,
    creator: Option<String>,
    doc_name: Option<String>,
    track: Option<Track>,
    point: Option<Point>,
    tracks_seen: usize,
    activities: Vec<(usize, RawActivity)>,
    points_seen: usize,
    untimed_points: usize,
    routes_seen: usize,
}

/// Reads the tracks of a GPX document as activities (one per `<trk>` with timed points).
pub fn read(bytes: &[u8], source: &str) -> Result<Vec<RawActivity>, ReadError> {
    let text = xml::document_text(bytes)?;
    xml::read_document(&text, || GpxReader::new(source))?.finish()
}

/// [`read`] through the fast walker alone, `None` where it would hand the document to
/// quick-xml (tests and benches measure how often that happens).
#[doc(hidden)]
pub fn read_fast_only(bytes: &[u8], source: &str) -> Option<Result<Vec<RawActivity>, ReadError>> {
    let text = match xml::document_text(bytes) {
        Ok(text) => text,
        Err(e) => return Some(Err(e)),
    };
    xml::read_document_fast(&text, || GpxReader::new(source)).map(|reader| reader.finish())
}

/// [`read`] through the quick-xml walker alone: the reference the fast walker is tested
/// and benchmarked against. Same results, errors and messages as [`read`].
#[doc(hidden)]
pub fn read_quick_xml(bytes: &[u8], source: &str) -> Result<Vec<RawActivity>, ReadError> {
    let text = xml::document_text(bytes)?;
    xml::read_document_quick_xml(&text, || GpxReader::new(source))?.finish()
}

impl<'a> GpxReader<'a> {
    fn new(source: &'a str) -> Self {
        GpxReader {
            source,
            stack: Vec::with_capacity(16),
            capture: None,
            text: TextBuf::default(),
            creator: None,
            doc_name: None,
            track: None,
            point: None,
            tracks_seen: 0,
            activities: Vec::new(),
            points_seen: 0,
            untimed_points: 0,
            routes_seen: 0,
        }
    }

    fn store(&mut self, field: Field, value: &str) {
        match field {
            Field::DocName => {
                if self.doc_name.is_none() {
                    self.doc_name = xml::non_blank(value);
                }
            }
            Field::TrackName => {
                if let Some(track) = &mut self.track {
                    track.name = xml::non_blank(value);
                }
            }
            Field::TrackType => {
                if let Some(track) = &mut self.track {
                    track.kind = xml::non_blank(value);
                }
            }
            _ => {
                let Some(point) = &mut self.point else {
                    return;
                };
                let s = &mut point.sample;
                match field {
                    Field::Ele => s.altitude_m = s.altitude_m.or_else(|| xml::parse_f64(value)),
                    Field::Time => point.time = point.time.or_else(|| xml::parse_time(value)),
                    Field::Hr => s.hr_bpm = s.hr_bpm.or_else(|| xml::parse_rounded_u16(value)),
                    Field::Cad => s.cadence_spm = s.cadence_spm.or_else(|| xml::parse_f64(value)),
                    Field::Power => s.power_w = s.power_w.or_else(|| xml::parse_rounded_u16(value)),
                    Field::Speed => s.speed_mps = s.speed_mps.or_else(|| xml::parse_f64(value)),
                    Field::Distance => {
                        s.distance_m = s.distance_m.or_else(|| xml::parse_f64(value));
                    }
                    Field::DocName | Field::TrackName | Field::TrackType => {}
                }
            }
        }
    }

    fn finish(self) -> Result<Vec<RawActivity>, ReadError> {
        if self.activities.is_empty() {
            return Err(
                if self.points_seen > 0 && self.untimed_points == self.points_seen {
                    ReadError::NotAnActivity {
                        what: "track without timestamps".into(),
                    }
                } else if self.routes_seen > 0 {
                    ReadError::NotAnActivity {
                        what: "GPX route without a recorded track".into(),
                    }
                } else {
                    ReadError::NoSamples {
                        what: "GPX without track points".into(),
                    }
                },
            );
        }
        let several = self.tracks_seen > 1;
        let source = self.source;
        let doc_name = self.doc_name;
        let mut activities = xml::name_by_position(self.activities, several, source);
        for activity in &mut activities {
            if activity.name.is_none() {
                activity.name.clone_from(&doc_name);
            }
        }
        Ok(activities)
    }
}

impl<'a> xml::Handler<'a> for GpxReader<'a> {
    fn open(&mut self, start: &impl StartTag) -> Result<(), String> {
        let tag = classify(start.local_name());
        let parent = self.stack.last().copied();
        self.stack.push(tag);
        let depth = self.stack.len();
        let field = match tag {
            Tag::Gpx if depth == 1 => {
                self.creator = start.attribute("creator")?.and_then(|c| xml::non_blank(&c));
                None
            }
            Tag::Trk if self.track.is_none() => {
                self.tracks_seen += 1;
                self.track = Some(Track::new(self.tracks_seen));
                None
            }
            Tag::Trkseg => {
                if let Some(track) = &mut self.track {
                    track.start_segment();
                }
                None
            }
            Tag::Trkpt if self.track.is_some() && self.point.is_none() => {
                self.points_seen += 1;
                let (lat, lon) = start.attribute_pair(("lat", "lon"))?;
                let lat = lat.and_then(|v| xml::parse_f64(&v));
                let lon = lon.and_then(|v| xml::parse_f64(&v));
                let position = match (lat, lon) {
                    (Some(lat_deg), Some(lon_deg))
                        if (-90.0..=90.0).contains(&lat_deg)
                            && (-180.0..=180.0).contains(&lon_deg) =>
                    {
                        Some(Position { lat_deg, lon_deg })
                    }
                    _ => None,
                };
                self.point = Some(Point {
                    time: None,
                    sample: Sample {
                        position,
                        ..Sample::default()
                    },
                });
                None
            }
            Tag::Rte => {
                self.routes_seen += 1;
                None
            }
            Tag::Name => match parent {
                Some(Tag::Trk) if self.point.is_none() => Some(Field::TrackName),
                Some(Tag::Metadata | Tag::Gpx) => Some(Field::DocName),
                _ => None,
            },
            Tag::Type if parent == Some(Tag::Trk) && self.point.is_none() => Some(Field::TrackType),
            Tag::Ele if parent == Some(Tag::Trkpt) => Some(Field::Ele),
            Tag::Time if parent == Some(Tag::Trkpt) => Some(Field::Time),
            // Extension values: anywhere inside the point.
            Tag::Hr if self.point.is_some() => Some(Field::Hr),
            Tag::Cad if self.point.is_some() => Some(Field::Cad),
            Tag::Power if self.point.is_some() => Some(Field::Power),
            Tag::Speed if self.point.is_some() => Some(Field::Speed),
            Tag::Distance if self.point.is_some() => Some(Field::Distance),
            _ => None,
        };
        if let Some(field) = field {
            self.capture = Some((field, depth));
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
        let depth = self.stack.len();
        if let Some((field, capture_depth)) = self.capture
            && capture_depth == depth
        {
            self.capture = None;
            let value = self.text.take();
            self.store(field, &value);
        }
        match self.stack.pop() {
            Some(Tag::Trkpt) => {
                if let (Some(point), Some(track)) = (self.point.take(), self.track.as_mut()) {
                    if point.time.is_none() {
                        self.untimed_points += 1;
                    }
                    track.push_point(point);
                }
            }
            Some(Tag::Trk) => {
                if let Some(track) = self.track.take()
                    && let Some(done) = track.finish(self.source, self.creator.as_deref())
                {
                    self.activities.push(done);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
