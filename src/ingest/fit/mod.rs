//! FIT reader: the project's own streaming decoder ([`decoder`]) plus the collection of
//! the messages an analysis needs (file_id, session, lap, record, event, sport,
//! device_info, zones_target, user_profile, hr_zone, workout, workout_step) into one
//! [`RawActivity`]; [`split_sessions`] makes one activity per session of a multisport file.
//! fitparser is not on this path (it is the oracle in tests and the name table).

pub mod crc;
pub mod decoder;
mod multisport;
pub(crate) mod profile;
pub(crate) mod record;
mod workout;

pub use multisport::split_sessions;

use crate::error::ReadError;
use crate::model::{
    Format, HrCalcType, Lap, LapIntensity, OffsetField, RawActivity, Sample, Session, Sport,
    StatedOffset, SubSport, TimerEvent, TimerEventKind, Timestamp, WatchHrSettings,
};

use decoder::{Definition, Visitor};
use profile::{mesg, summary as sf};
use record::RecordPlan;

/// Reads a FIT file (or a chain of FIT files) as one activity.
pub fn read(bytes: &[u8], source: &str) -> Result<RawActivity, ReadError> {
    let mut c = Collector::with_capacity(bytes.len());
    decoder::decode(bytes, &mut c)?;
    c.finish(source)
}

#[derive(Debug, Default, Clone, Copy)]
struct FileId {
    file_type: Option<u64>,
    manufacturer: Option<u64>,
    product: Option<u64>,
    time_created: Option<Timestamp>,
}

#[derive(Default)]
struct Collector {
    record_plans: [Option<RecordPlan>; 16],
    file_ids: Vec<FileId>,
    creator: Option<(Option<u64>, Option<u64>)>,
    samples: Vec<Sample>,
    sessions: Vec<Session>,
    laps: Vec<Lap>,
    timer_events: Vec<TimerEvent>,
    sport: Option<(Option<u64>, Option<u64>, Option<String>)>,
    watch: WatchHrSettings,
    hr_zones: Vec<(u64, u16)>,
    workout: workout::WorkoutCollector,
    /// Local minus UTC from the first `activity` message with both stamps, seconds.
    activity_offset_s: Option<i64>,
    /// Local minus UTC from the first `device_settings` that states one, seconds.
    device_offset_s: Option<i64>,
    accumulated_distance_16: u64,
    last_time: Timestamp,
    /// Whether any message so far carried a time (records before it get none).
    has_time: bool,
}

impl Collector {
    fn with_capacity(file_bytes: usize) -> Self {
        Collector {
            // A 1 Hz record is rarely under 20 bytes; over-reserving is worse than a regrow.
            samples: Vec::with_capacity(file_bytes / 24),
            ..Collector::default()
        }
    }
}

fn get(def: &Definition, msg: &[u8], num: u8) -> Option<u64> {
    def.field(num)
        .and_then(|f| decoder::uint(msg, f, def.big_endian))
}

fn get_num(def: &Definition, msg: &[u8], num: u8) -> Option<f64> {
    def.field(num)
        .and_then(|f| decoder::number(msg, f, def.big_endian))
}

fn get_time(def: &Definition, msg: &[u8], num: u8) -> Option<Timestamp> {
    get(def, msg, num)
        .and_then(|v| u32::try_from(v).ok())
        .map(Timestamp::from_fit)
}

fn get_bpm(def: &Definition, msg: &[u8], num: u8) -> Option<u16> {
    get(def, msg, num).and_then(|v| u16::try_from(v).ok())
}

impl Visitor for Collector {
    fn define(&mut self, local: u8, def: &Definition) {
        if let Some(slot) = self.record_plans.get_mut(usize::from(local)) {
            *slot = (def.global == mesg::RECORD).then(|| RecordPlan::compile(def));
        }
    }

    fn message(&mut self, local: u8, def: &Definition, msg: &[u8], timestamp: Option<u32>) {
        let time = timestamp.map(Timestamp::from_fit);
        self.has_time |= time.is_some();
        if def.global == mesg::RECORD {
            if let Some(Some(plan)) = self.record_plans.get(usize::from(local)) {
                // A record without any timestamp keeps the last known one rather than
                // being dropped: counts must match what the file holds.
                let t = time.unwrap_or(self.last_time);
                self.last_time = t;
                let sample = plan.decode(msg, t, &mut self.accumulated_distance_16);
                self.samples.push(sample);
            }
            return;
        }
        if let Some(t) = time {
            self.last_time = t;
        }
        match def.global {
            mesg::FILE_ID => self.file_ids.push(FileId {
                file_type: get(def, msg, 0),
                manufacturer: get(def, msg, 1),
                product: get(def, msg, 2),
                time_created: get_time(def, msg, 4),
            }),
            // device_index 0 is the creator (the watch itself).
            mesg::DEVICE_INFO if get(def, msg, 0) == Some(0) && self.creator.is_none() => {
                self.creator = Some((get(def, msg, 2), get(def, msg, 4)));
            }
            mesg::SESSION => {
                let (elapsed_s, timer_s, distance_m) = totals(def, msg);
                self.sessions.push(Session {
                    sport: get(def, msg, sf::SPORT)
                        .map(|v| Sport::from_fit_name(&profile::sport_name(v))),
                    sub_sport: get(def, msg, sf::SUB_SPORT)
                        .map(|v| SubSport::from_fit_name(&profile::sub_sport_name(v))),
                    start_time: get_time(def, msg, sf::START_TIME),
                    elapsed_s,
                    timer_s,
                    distance_m,
                    avg_hr_bpm: get_bpm(def, msg, sf::SESSION_AVG_HEART_RATE),
                    max_hr_bpm: get_bpm(def, msg, sf::SESSION_MAX_HEART_RATE),
                    ascent_m: get_num(def, msg, sf::SESSION_TOTAL_ASCENT),
                    descent_m: get_num(def, msg, sf::SESSION_TOTAL_DESCENT),
                });
            }
            mesg::LAP => {
                let (elapsed_s, timer_s, distance_m) = totals(def, msg);
                self.laps.push(Lap {
                    start_time: get_time(def, msg, sf::START_TIME),
                    elapsed_s,
                    timer_s,
                    distance_m,
                    avg_hr_bpm: get_bpm(def, msg, sf::LAP_AVG_HEART_RATE),
                    max_hr_bpm: get_bpm(def, msg, sf::LAP_MAX_HEART_RATE),
                    intensity: get(def, msg, sf::LAP_INTENSITY).map(intensity),
                });
            }
            mesg::EVENT if get(def, msg, 0) == Some(profile::EVENT_TIMER) => {
                let kind = match get(def, msg, 1) {
                    Some(0) => Some(TimerEventKind::Start),
                    Some(1 | 8) => Some(TimerEventKind::Stop),
                    Some(4 | 9) => Some(TimerEventKind::StopAll),
                    _ => None,
                };
                if let (Some(kind), Some(time)) = (kind, time) {
                    self.timer_events.push(TimerEvent { time, kind });
                }
            }
            mesg::SPORT if self.sport.is_none() => {
                let name = def.field(3).and_then(|f| decoder::string(msg, f));
                self.sport = Some((get(def, msg, 0), get(def, msg, 1), name));
            }
            mesg::ZONES_TARGET => {
                self.watch.max_hr_bpm = self.watch.max_hr_bpm.or(get_bpm(def, msg, 1));
                self.watch.threshold_hr_bpm = self.watch.threshold_hr_bpm.or(get_bpm(def, msg, 2));
                self.watch.hr_calc_type = self.watch.hr_calc_type.or(match get(def, msg, 5) {
                    Some(0) => Some(HrCalcType::Custom),
                    Some(1) => Some(HrCalcType::PercentMaxHr),
                    Some(2) => Some(HrCalcType::PercentHrr),
                    Some(3) => Some(HrCalcType::PercentLthr),
                    _ => None,
                });
            }
            mesg::USER_PROFILE => {
                self.watch.resting_hr_bpm = self.watch.resting_hr_bpm.or(get_bpm(def, msg, 8));
                // default_max_running_heart_rate (9), else default_max_heart_rate (11).
                self.watch.default_max_hr_bpm = self
                    .watch
                    .default_max_hr_bpm
                    .or(get_bpm(def, msg, 9))
                    .or(get_bpm(def, msg, 11));
                self.watch.age_years = self
                    .watch
                    .age_years
                    .or(get(def, msg, 2).and_then(|v| u8::try_from(v).ok()));
            }
            mesg::ACTIVITY if self.activity_offset_s.is_none() => {
                let local = get(def, msg, profile::clock::ACTIVITY_LOCAL_TIMESTAMP);
                if let (Some(local), Some(utc)) = (local, timestamp) {
                    self.activity_offset_s = Some(local as i64 - i64::from(utc));
                }
            }
            mesg::DEVICE_SETTINGS if self.device_offset_s.is_none() => {
                let quarters = def
                    .field(profile::clock::DEVICE_TIME_ZONE_OFFSET)
                    .and_then(|f| decoder::number(msg, f, def.big_endian));
                let seconds = get(def, msg, profile::clock::DEVICE_TIME_OFFSET)
                    .and_then(|v| u32::try_from(v).ok())
                    // A negative offset is stored as its two's complement.
                    .map(|v| i64::from(v as i32));
                self.device_offset_s = quarters.map(|q| (q * 900.0) as i64).or(seconds);
            }
            mesg::WORKOUT => self.workout.workout(def, msg),
            mesg::WORKOUT_STEP => self.workout.step(def, msg),
            mesg::HR_ZONE => {
                if let Some(high) = get_bpm(def, msg, 1) {
                    let index = get(def, msg, 254).unwrap_or(self.hr_zones.len() as u64);
                    self.hr_zones.push((index, high));
                }
            }
            _ => {}
        }
    }
}

/// Elapsed time, timer time (s) and distance (m): the totals `session` and `lap` share.
fn totals(def: &Definition, msg: &[u8]) -> (Option<f64>, Option<f64>, Option<f64>) {
    (
        get_num(def, msg, sf::TOTAL_ELAPSED_TIME).map(|v| v / profile::TIME_SCALE),
        get_num(def, msg, sf::TOTAL_TIMER_TIME).map(|v| v / profile::TIME_SCALE),
        get_num(def, msg, sf::TOTAL_DISTANCE).map(|v| v / profile::DISTANCE_SCALE),
    )
}

pub(super) fn intensity(v: u64) -> LapIntensity {
    match v {
        0 => LapIntensity::Active,
        1 => LapIntensity::Rest,
        2 => LapIntensity::Warmup,
        3 => LapIntensity::Cooldown,
        4 => LapIntensity::Recovery,
        5 => LapIntensity::Interval,
        _ => LapIntensity::Other,
    }
}

/// Sports whose FIT cadence counts one foot (strides/min), doubled to steps/min.
fn counts_strides(sport: Option<&Sport>) -> bool {
    matches!(sport, Some(Sport::Running | Sport::Walking | Sport::Hiking))
}

impl Collector {
    fn finish(mut self, source: &str) -> Result<RawActivity, ReadError> {
        let activity_id = self
            .file_ids
            .iter()
            .find(|f| f.file_type == Some(profile::FILE_TYPE_ACTIVITY))
            .copied();
        let file_id = match (activity_id, self.file_ids.first()) {
            (Some(id), _) => id,
            (None, Some(other)) => {
                let name = other
                    .file_type
                    .map_or_else(|| "untyped".to_string(), profile::file_type_name);
                return Err(ReadError::NotAnActivity {
                    what: format!("FIT {name} file"),
                });
            }
            (None, None) => {
                return Err(ReadError::NotAnActivity {
                    what: "FIT file without a file_id message".to_string(),
                });
            }
        };
        if self.samples.is_empty() {
            return Err(ReadError::NoSamples {
                what: "FIT activity without record messages".to_string(),
            });
        }
        if !self.has_time {
            return Err(ReadError::NotAnActivity {
                what: "FIT records without any timestamp".to_string(),
            });
        }
        let mut a = RawActivity::new(source, Format::Fit);
        a.file_type = profile::file_type_name(profile::FILE_TYPE_ACTIVITY);
        // Below 0x10000000 a FIT date_time counts seconds since the device was switched
        // on (FIT profile, `date_time`): no date.
        a.created = file_id
            .time_created
            .filter(|t| *t >= Timestamp::from_fit(0x1000_0000));
        let (manufacturer, product) = match (file_id.manufacturer, self.creator) {
            (Some(m), _) => (Some(m), file_id.product),
            (None, Some(creator)) => creator,
            (None, None) => (None, file_id.product),
        };
        a.manufacturer = manufacturer.map(profile::manufacturer_name);
        a.product = product.map(|p| profile::product_name(manufacturer, p));
        let first = self.sessions.first();
        let (sport_msg, sub_msg, name) = self.sport.take().unwrap_or_default();
        a.sport = first
            .and_then(|s| s.sport.clone())
            .or_else(|| sport_msg.map(|v| Sport::from_fit_name(&profile::sport_name(v))));
        a.sub_sport = first
            .and_then(|s| s.sub_sport.clone())
            .or_else(|| sub_msg.map(|v| SubSport::from_fit_name(&profile::sub_sport_name(v))));
        a.name = name;
        let first_sample_time = self.samples.first().map(|s| s.time).unwrap_or_default();
        a.start_time = first
            .and_then(|s| s.start_time)
            .unwrap_or(first_sample_time);
        a.elapsed_s = sum(self.sessions.iter().map(|s| s.elapsed_s));
        a.timer_s = sum(self.sessions.iter().map(|s| s.timer_s));
        a.distance_m = sum(self.sessions.iter().map(|s| s.distance_m))
            .or_else(|| self.samples.iter().rev().find_map(|s| s.distance_m));
        self.double_foot_cadence(a.sport.as_ref());
        self.hr_zones.sort_by_key(|z| z.0);
        self.watch.zone_high_bpm = self.hr_zones.iter().map(|z| z.1).collect();
        a.watch_hr = (!self.watch.is_empty()).then_some(self.watch);
        a.samples = self.samples;
        if a.elapsed_s.is_none() {
            // No session (a crashed recording): the records' span is all there is.
            a.elapsed_s = Some(a.record_span_s());
        }
        a.laps = self.laps;
        a.sessions = self.sessions;
        a.timer_events = self.timer_events;
        a.workout = self.workout.finish();
        let stated = [
            (self.activity_offset_s, OffsetField::ActivityLocalTimestamp),
            (self.device_offset_s, OffsetField::DeviceSettings),
        ];
        a.stated_offsets = stated
            .into_iter()
            .filter_map(|(v, field)| {
                v.map(|utc_offset_s| StatedOffset {
                    utc_offset_s,
                    field,
                })
            })
            .collect();
        Ok(a)
    }

    /// FIT running cadence is strides/min: steps/min = 2 × (cadence + fractional). In
    /// multisport files only the samples inside a foot-sport session are doubled.
    fn double_foot_cadence(&mut self, file_sport: Option<&Sport>) {
        let windows: Vec<(Timestamp, Timestamp)> = self
            .sessions
            .iter()
            .filter(|s| counts_strides(s.sport.as_ref()))
            .filter_map(|s| {
                let start = s.start_time?;
                let len_ms = (s.elapsed_s? * 1000.0).round() as i64;
                Some((start, Timestamp(start.0 + len_ms)))
            })
            .collect();
        let all = self.sessions.is_empty() && counts_strides(file_sport)
            || self.sessions.len() == 1 && counts_strides(file_sport);
        for s in &mut self.samples {
            let foot = all || windows.iter().any(|(a, b)| s.time >= *a && s.time <= *b);
            if let (true, Some(c)) = (foot, s.cadence_spm.as_mut()) {
                *c *= 2.0;
            }
        }
    }
}

/// Sum of the present values; `None` when none is present.
fn sum(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    values
        .flatten()
        .fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
}
