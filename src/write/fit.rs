//! FIT writer: a [`RawActivity`] as a FIT activity file (protocol 2.0), byte for byte
//! deterministic, with switches for the encodings a reader must handle (big-endian
//! definitions, compressed-timestamp headers, developer fields, other file types).
//!
//! Messages written, in order: `file_id`; with developer fields `developer_data_id` and
//! two `field_description`s; from `watch_hr` `user_profile`, `zones_target` and
//! `hr_zone`s; then `event` (timer), `record` and `lap` messages merged by time; then
//! `session` and (for activity files) `activity`. The file CRC closes the file.
//! Field numbers, scales and offsets follow the FIT profile (DOMAIN §7); running
//! cadence is stored as strides/min plus `fractional_cadence` (DOMAIN §6).

use crate::model::Sport;
use crate::model::{
    HrCalcType, Lap, LapIntensity, RawActivity, Sample, Session, SubSport, TimerEventKind,
    Timestamp, WatchHrSettings, time::FIT_EPOCH_UNIX_S,
};

/// `file_id.type` activity.
pub const FILE_TYPE_ACTIVITY: u8 = 4;
/// `file_id.type` settings (not an activity).
pub const FILE_TYPE_SETTINGS: u8 = 2;
/// `file_id.manufacturer` garmin.
pub const MANUFACTURER_GARMIN: u16 = 1;
/// `file_id.manufacturer` development.
pub const MANUFACTURER_DEVELOPMENT: u16 = 255;
/// `garmin_product` fr255.
pub const PRODUCT_FR255: u16 = 3992;

/// The developer fields written when [`FitOptions::developer_fields`] is on: field
/// number, name, units, base type. Field 0 is carried by every record, field 1 only by
/// the second half of the records (a mid-file redefinition of the record message).
pub const DEVELOPER_FIELDS: [(u8, &str, &str); 2] =
    [(0, "form_power", "W"), (1, "air_power", "mW")];

/// How to encode a FIT file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FitOptions {
    /// `file_id.type`: [`FILE_TYPE_ACTIVITY`] (default) or another type.
    pub file_type: u8,
    /// `file_id.manufacturer`.
    pub manufacturer: u16,
    /// `file_id.product` (a `garmin_product` when the manufacturer is garmin).
    pub product: u16,
    /// `file_id.serial_number`.
    pub serial_number: u32,
    /// Architecture byte 1 (big-endian) in every definition message.
    pub big_endian: bool,
    /// Records within 31 s of the previous timestamp use compressed-timestamp headers.
    pub compressed_timestamps: bool,
    /// Adds `developer_data_id`, `field_description` and developer data in records.
    pub developer_fields: bool,
    /// Profile version in the header (21.32 → 2132).
    pub profile_version: u16,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            file_type: FILE_TYPE_ACTIVITY,
            manufacturer: MANUFACTURER_DEVELOPMENT,
            product: 0,
            serial_number: 1,
            big_endian: false,
            compressed_timestamps: false,
            developer_fields: false,
            profile_version: 2132,
        }
    }
}

impl FitOptions {
    /// A Garmin device with `product` (`garmin_product`).
    pub fn garmin(product: u16) -> Self {
        FitOptions {
            manufacturer: MANUFACTURER_GARMIN,
            product,
            serial_number: 3_400_000_001,
            ..FitOptions::default()
        }
    }
}

/// FIT CRC-16 (the FIT SDK's nibble-table algorithm), continuing from `crc`.
pub fn crc16(mut crc: u16, bytes: &[u8]) -> u16 {
    const TABLE: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    let entry = |i: u16| TABLE.get(usize::from(i & 0xF)).copied().unwrap_or(0);
    for &byte in bytes {
        let b = u16::from(byte);
        let tmp = entry(crc);
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ entry(b);
        let tmp = entry(crc);
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ entry(b >> 4);
    }
    crc
}

/// A FIT `date_time`: whole seconds since 1989-12-31T00:00:00Z (sub-second part
/// dropped, out-of-range instants clamped).
pub fn fit_time(t: Timestamp) -> u32 {
    let s = t.unix_ms().div_euclid(1000) - FIT_EPOCH_UNIX_S;
    u32::try_from(s.clamp(0, i64::from(u32::MAX - 1))).unwrap_or(0)
}

/// Degrees → semicircles (deg · 2³¹/180), clamped to the valid range.
pub fn semicircles(deg: f64) -> i32 {
    let sc = (deg * (2_147_483_648.0 / 180.0)).round();
    sc.clamp(-2_147_483_647.0, 2_147_483_646.0) as i32
}

/// `record.cadence` and `fractional_cadence` (×128) for a per-foot cadence.
pub fn split_cadence(per_foot: f64) -> (u8, u8) {
    let per_foot = per_foot.clamp(0.0, 254.0);
    let whole = per_foot.floor();
    let frac = ((per_foot - whole) * 128.0).round();
    if frac >= 128.0 {
        ((whole + 1.0).min(254.0) as u8, 0)
    } else {
        (whole as u8, frac as u8)
    }
}

/// The `form_power` developer value written for record `index`, watts.
pub fn dev_form_power(index: usize, sample: &Sample) -> u16 {
    match sample.power_w {
        Some(p) => p / 4,
        None => 50 + (index % 10) as u16,
    }
}

/// The `air_power` developer value written for record `index`, milliwatts.
pub fn dev_air_power(index: usize) -> u32 {
    2000 + (index as u32 % 1000).wrapping_mul(37) % 1000
}

/// Serializes `activity` as a FIT file.
pub fn encode(activity: &RawActivity, options: &FitOptions) -> Vec<u8> {
    let mut enc = Encoder {
        out: Vec::new(),
        big: options.big_endian,
        last_time: None,
    };
    write_file_id(&mut enc, activity, options);
    if options.developer_fields {
        write_developer_definitions(&mut enc);
    }
    if let Some(watch) = &activity.watch_hr {
        write_watch_settings(&mut enc, watch);
    }
    let end_time = write_stream(&mut enc, activity, options);
    let sessions: Vec<Session> = if activity.sessions.is_empty() {
        derived_session(activity).into_iter().collect()
    } else {
        activity.sessions.clone()
    };
    let end_time = end_time.or_else(|| {
        sessions.last().and_then(|s| {
            let start = s.start_time?;
            Some(fit_time(start) + s.elapsed_s.map_or(0, |e| e.max(0.0).round() as u32))
        })
    });
    let end = end_time.unwrap_or_else(|| fit_time(activity.start_time));
    for (index, session) in sessions.iter().enumerate() {
        write_session(&mut enc, session, index, activity.laps.len(), end);
    }
    if options.file_type == FILE_TYPE_ACTIVITY && !sessions.is_empty() {
        let timer_s = sessions.iter().filter_map(|s| s.timer_s).sum::<f64>();
        write_activity(&mut enc, end, timer_s, sessions.len());
    }
    finish(enc.out, options.profile_version)
}

/// Header (with header CRC) + data + file CRC.
fn finish(data: Vec<u8>, profile_version: u16) -> Vec<u8> {
    let mut file = Vec::with_capacity(data.len() + 16);
    file.push(14);
    file.push(0x20);
    file.extend_from_slice(&profile_version.to_le_bytes());
    file.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_le_bytes());
    file.extend_from_slice(b".FIT");
    let header_crc = crc16(0, &file);
    file.extend_from_slice(&header_crc.to_le_bytes());
    file.extend_from_slice(&data);
    let crc = crc16(0, &file);
    file.extend_from_slice(&crc.to_le_bytes());
    file
}

// ---------------------------------------------------------------------------------
// Low-level encoding

#[derive(Debug, Clone, Copy)]
enum Base {
    Enum,
    U8,
    U16,
    U32,
    I32,
    U32z,
    Str,
    Byte,
}

impl Base {
    fn id(self) -> u8 {
        match self {
            Base::Enum => 0x00,
            Base::U8 => 0x02,
            Base::U16 => 0x84,
            Base::U32 => 0x86,
            Base::I32 => 0x85,
            Base::U32z => 0x8C,
            Base::Str => 0x07,
            Base::Byte => 0x0D,
        }
    }

    fn size(self) -> u8 {
        match self {
            Base::Enum | Base::U8 | Base::Str | Base::Byte => 1,
            Base::U16 => 2,
            Base::U32 | Base::I32 | Base::U32z => 4,
        }
    }
}

/// A value in a data message. Missing values are the `None`s, written as sentinels.
#[derive(Debug, Clone)]
enum V {
    U8(Option<u8>),
    U16(Option<u16>),
    U32(Option<u32>),
    I32(Option<i32>),
    /// Strings and byte arrays, padded with zeros (string terminators) to the field
    /// size; a string field must be sized longer than its text.
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone)]
struct Definition {
    global: u16,
    fields: Vec<(u8, Base, u8)>,
    dev_fields: Vec<(u8, u8, u8)>,
}

impl Definition {
    fn new(global: u16) -> Self {
        Definition {
            global,
            fields: Vec::new(),
            dev_fields: Vec::new(),
        }
    }

    fn field(mut self, num: u8, base: Base) -> Self {
        self.fields.push((num, base, base.size()));
        self
    }

    fn sized(mut self, num: u8, base: Base, size: u8) -> Self {
        self.fields.push((num, base, size));
        self
    }

    fn dev(mut self, num: u8, size: u8) -> Self {
        self.dev_fields.push((num, size, 0));
        self
    }
}

struct Encoder {
    out: Vec<u8>,
    big: bool,
    /// The last timestamp (field 253) written, the base for compressed timestamps.
    last_time: Option<u32>,
}

impl Encoder {
    fn define(&mut self, local: u8, def: &Definition) {
        let dev = !def.dev_fields.is_empty();
        self.out
            .push(0x40 | if dev { 0x20 } else { 0 } | (local & 0x0F));
        self.out.push(0);
        self.out.push(u8::from(self.big));
        self.put_u16(def.global);
        self.out
            .push(u8::try_from(def.fields.len()).unwrap_or(u8::MAX));
        for &(num, base, size) in &def.fields {
            self.out.extend_from_slice(&[num, size, base.id()]);
        }
        if dev {
            self.out
                .push(u8::try_from(def.dev_fields.len()).unwrap_or(u8::MAX));
            for &(num, size, index) in &def.dev_fields {
                self.out.extend_from_slice(&[num, size, index]);
            }
        }
    }

    /// A data message with a normal header; `values` follow the definition's fields,
    /// then its developer fields.
    fn data(&mut self, local: u8, def: &Definition, values: &[V]) {
        self.out.push(local & 0x0F);
        self.body(def, values);
    }

    /// A data message with a compressed-timestamp header (local types 0–3 only).
    fn compressed(&mut self, local: u8, time: u32, def: &Definition, values: &[V]) {
        self.out
            .push(0x80 | ((local & 0x03) << 5) | (time & 0x1F) as u8);
        self.last_time = Some(time);
        self.body(def, values);
    }

    fn body(&mut self, def: &Definition, values: &[V]) {
        let sizes = def
            .fields
            .iter()
            .map(|f| f.2)
            .chain(def.dev_fields.iter().map(|f| f.1));
        let mut values = values.iter();
        for size in sizes {
            let (mut bytes, pad) = match values.next() {
                Some(V::Bytes(b)) => (b.clone(), 0),
                Some(value) => (self.encode_value(value), 0xFF),
                None => (Vec::new(), 0xFF),
            };
            bytes.resize(usize::from(size), pad);
            self.out.extend_from_slice(&bytes);
        }
    }

    fn encode_value(&self, value: &V) -> Vec<u8> {
        match *value {
            V::U8(v) => vec![v.unwrap_or(0xFF)],
            V::U16(v) => self.u16_bytes(v.unwrap_or(0xFFFF)).to_vec(),
            V::U32(v) => self.u32_bytes(v.unwrap_or(0xFFFF_FFFF)).to_vec(),
            V::I32(v) => self.u32_bytes(v.unwrap_or(0x7FFF_FFFF) as u32).to_vec(),
            V::Bytes(ref b) => b.clone(),
        }
    }

    fn put_u16(&mut self, v: u16) {
        let b = self.u16_bytes(v);
        self.out.extend_from_slice(&b);
    }

    fn u16_bytes(&self, v: u16) -> [u8; 2] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    fn u32_bytes(&self, v: u32) -> [u8; 4] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
}

// Local message types. Compressed-timestamp headers can only name 0–3, so the two
// record layouts take those.
const LOCAL_RECORD: u8 = 0;
const LOCAL_RECORD_COMPRESSED: u8 = 1;
const LOCAL_EVENT: u8 = 2;
const LOCAL_LAP: u8 = 3;
const LOCAL_SESSION: u8 = 4;
const LOCAL_ACTIVITY: u8 = 5;
const LOCAL_FILE_ID: u8 = 6;
const LOCAL_DEV_ID: u8 = 7;
const LOCAL_FIELD_DESC: u8 = 8;
const LOCAL_USER_PROFILE: u8 = 9;
const LOCAL_ZONES_TARGET: u8 = 10;
const LOCAL_HR_ZONE: u8 = 11;

fn scaled_u32(value: Option<f64>, scale: f64, offset: f64) -> Option<u32> {
    let v = ((value? + offset) * scale).round();
    (v.is_finite() && v >= 0.0 && v < f64::from(u32::MAX)).then_some(v as u32)
}

fn small_u8(value: Option<u16>) -> Option<u8> {
    value.and_then(|v| u8::try_from(v).ok())
}

fn sport_number(sport: Option<&Sport>) -> Option<u8> {
    Some(match sport? {
        Sport::Generic | Sport::Other(_) => 0,
        Sport::Running => 1,
        Sport::Cycling => 2,
        Sport::Swimming => 5,
        Sport::Training => 10,
        Sport::Walking => 11,
        Sport::Hiking => 17,
    })
}

fn sub_sport_number(sub: Option<&SubSport>) -> Option<u8> {
    Some(match sub? {
        SubSport::Generic | SubSport::Other(_) => 0,
        SubSport::Treadmill => 1,
        SubSport::Street => 2,
        SubSport::Trail => 3,
        SubSport::Track => 4,
        SubSport::IndoorRunning => 45,
        SubSport::VirtualActivity => 58,
    })
}

fn intensity_number(intensity: LapIntensity) -> u8 {
    match intensity {
        LapIntensity::Active => 0,
        LapIntensity::Rest => 1,
        LapIntensity::Warmup => 2,
        LapIntensity::Cooldown => 3,
        LapIntensity::Recovery => 4,
        LapIntensity::Interval => 5,
        LapIntensity::Other => 6,
    }
}

// ---------------------------------------------------------------------------------
// Messages

fn write_file_id(enc: &mut Encoder, activity: &RawActivity, options: &FitOptions) {
    let def = Definition::new(0)
        .field(0, Base::Enum)
        .field(1, Base::U16)
        .field(2, Base::U16)
        .field(3, Base::U32z)
        .field(4, Base::U32);
    enc.define(LOCAL_FILE_ID, &def);
    enc.data(
        LOCAL_FILE_ID,
        &def,
        &[
            V::U8(Some(options.file_type)),
            V::U16(Some(options.manufacturer)),
            V::U16(Some(options.product)),
            V::U32(Some(options.serial_number)),
            V::U32(Some(fit_time(activity.start_time))),
        ],
    );
}

fn write_developer_definitions(enc: &mut Encoder) {
    let def = Definition::new(207)
        .sized(1, Base::Byte, 16)
        .field(2, Base::U16)
        .field(3, Base::U8)
        .field(4, Base::U32);
    enc.define(LOCAL_DEV_ID, &def);
    enc.data(
        LOCAL_DEV_ID,
        &def,
        &[
            V::Bytes(b"easyrun-fixtures".to_vec()),
            V::U16(Some(MANUFACTURER_DEVELOPMENT)),
            V::U8(Some(0)),
            V::U32(Some(1)),
        ],
    );
    let def = Definition::new(206)
        .field(0, Base::U8)
        .field(1, Base::U8)
        .field(2, Base::U8)
        .sized(3, Base::Str, 16)
        .sized(8, Base::Str, 8);
    enc.define(LOCAL_FIELD_DESC, &def);
    let base_ids = [Base::U16.id(), Base::U32.id()];
    for ((num, name, units), base) in DEVELOPER_FIELDS.iter().zip(base_ids) {
        enc.data(
            LOCAL_FIELD_DESC,
            &def,
            &[
                V::U8(Some(0)),
                V::U8(Some(*num)),
                V::U8(Some(base)),
                V::Bytes(name.as_bytes().to_vec()),
                V::Bytes(units.as_bytes().to_vec()),
            ],
        );
    }
}

fn write_watch_settings(enc: &mut Encoder, watch: &WatchHrSettings) {
    if watch.resting_hr_bpm.is_some()
        || watch.default_max_hr_bpm.is_some()
        || watch.age_years.is_some()
    {
        let def = Definition::new(3)
            .field(2, Base::U8)
            .field(8, Base::U8)
            .field(11, Base::U8);
        enc.define(LOCAL_USER_PROFILE, &def);
        enc.data(
            LOCAL_USER_PROFILE,
            &def,
            &[
                V::U8(watch.age_years),
                V::U8(small_u8(watch.resting_hr_bpm)),
                V::U8(small_u8(watch.default_max_hr_bpm)),
            ],
        );
    }
    if watch.max_hr_bpm.is_some()
        || watch.threshold_hr_bpm.is_some()
        || watch.hr_calc_type.is_some()
    {
        let def = Definition::new(7)
            .field(1, Base::U8)
            .field(2, Base::U8)
            .field(5, Base::Enum);
        enc.define(LOCAL_ZONES_TARGET, &def);
        let calc = watch.hr_calc_type.map(|c| match c {
            HrCalcType::Custom => 0,
            HrCalcType::PercentMaxHr => 1,
            HrCalcType::PercentHrr => 2,
            HrCalcType::PercentLthr => 3,
        });
        enc.data(
            LOCAL_ZONES_TARGET,
            &def,
            &[
                V::U8(small_u8(watch.max_hr_bpm)),
                V::U8(small_u8(watch.threshold_hr_bpm)),
                V::U8(calc),
            ],
        );
    }
    if !watch.zone_high_bpm.is_empty() {
        let def = Definition::new(8).field(254, Base::U16).field(1, Base::U8);
        enc.define(LOCAL_HR_ZONE, &def);
        for (index, high) in watch.zone_high_bpm.iter().enumerate() {
            enc.data(
                LOCAL_HR_ZONE,
                &def,
                &[
                    V::U16(u16::try_from(index).ok()),
                    V::U8(small_u8(Some(*high))),
                ],
            );
        }
    }
}

/// Which record fields the file carries: a field is in the definition when any sample
/// has it; samples without it get the invalid sentinel.
#[derive(Debug, Clone, Copy)]
struct Columns {
    position: bool,
    altitude: bool,
    hr: bool,
    cadence: bool,
    distance: bool,
    speed: bool,
    power: bool,
}

impl Columns {
    fn of(samples: &[Sample]) -> Self {
        Columns {
            position: samples.iter().any(|s| s.position.is_some()),
            altitude: samples.iter().any(|s| s.altitude_m.is_some()),
            hr: samples.iter().any(|s| s.hr_bpm.is_some()),
            cadence: samples.iter().any(|s| s.cadence_spm.is_some()),
            distance: samples.iter().any(|s| s.distance_m.is_some()),
            speed: samples.iter().any(|s| s.speed_mps.is_some()),
            power: samples.iter().any(|s| s.power_w.is_some()),
        }
    }

    fn definition(self, with_time: bool, dev_fields: usize) -> Definition {
        let mut def = Definition::new(20);
        if with_time {
            def = def.field(253, Base::U32);
        }
        if self.position {
            def = def.field(0, Base::I32).field(1, Base::I32);
        }
        if self.altitude {
            def = def.field(78, Base::U32);
        }
        if self.hr {
            def = def.field(3, Base::U8);
        }
        if self.cadence {
            def = def.field(4, Base::U8).field(53, Base::U8);
        }
        if self.distance {
            def = def.field(5, Base::U32);
        }
        if self.speed {
            def = def.field(73, Base::U32);
        }
        if self.power {
            def = def.field(7, Base::U16);
        }
        if dev_fields >= 1 {
            def = def.dev(0, 2);
        }
        if dev_fields >= 2 {
            def = def.dev(1, 4);
        }
        def
    }

    fn values(
        self,
        sample: &Sample,
        index: usize,
        sport: Option<&Sport>,
        time: Option<u32>,
        dev_fields: usize,
    ) -> Vec<V> {
        let mut v = Vec::with_capacity(12);
        if let Some(t) = time {
            v.push(V::U32(Some(t)));
        }
        if self.position {
            v.push(V::I32(sample.position.map(|p| semicircles(p.lat_deg))));
            v.push(V::I32(sample.position.map(|p| semicircles(p.lon_deg))));
        }
        if self.altitude {
            v.push(V::U32(scaled_u32(sample.altitude_m, 5.0, 500.0)));
        }
        if self.hr {
            v.push(V::U8(small_u8(sample.hr_bpm)));
        }
        if self.cadence {
            let split = sample
                .cadence_spm
                .map(|c| split_cadence(super::per_foot_cadence(sport, c)));
            v.push(V::U8(split.map(|s| s.0)));
            v.push(V::U8(split.map(|s| s.1)));
        }
        if self.distance {
            v.push(V::U32(scaled_u32(sample.distance_m, 100.0, 0.0)));
        }
        if self.speed {
            v.push(V::U32(scaled_u32(sample.speed_mps, 1000.0, 0.0)));
        }
        if self.power {
            v.push(V::U16(sample.power_w.filter(|&p| p != u16::MAX)));
        }
        if dev_fields >= 1 {
            v.push(V::U16(Some(dev_form_power(index, sample))));
        }
        if dev_fields >= 2 {
            v.push(V::U32(Some(dev_air_power(index))));
        }
        v
    }
}

/// Something written in time order between the header messages and the summaries.
#[derive(Debug, Clone, Copy)]
enum Item {
    Event(usize),
    Record(usize),
    Lap(usize),
}

/// Writes events, records and laps merged by time; returns the last timestamp.
fn write_stream(enc: &mut Encoder, activity: &RawActivity, options: &FitOptions) -> Option<u32> {
    let samples = &activity.samples;
    let last_sample_time = samples.last().map(|s| fit_time(s.time));
    let lap_ends = lap_end_times(activity, last_sample_time);
    // Order at one instant: a closing lap, a timer start, the record, a timer stop; the
    // last lap goes after everything recorded.
    let mut items: Vec<(u32, u8, Item)> = Vec::new();
    for (i, e) in activity.timer_events.iter().enumerate() {
        let rank = if e.kind == TimerEventKind::Start {
            1
        } else {
            3
        };
        items.push((fit_time(e.time), rank, Item::Event(i)));
    }
    for (i, s) in samples.iter().enumerate() {
        items.push((fit_time(s.time), 2, Item::Record(i)));
    }
    let lap_count = lap_ends.len();
    for (i, end) in lap_ends.iter().enumerate() {
        let rank = if i + 1 == lap_count { 4 } else { 0 };
        items.push((*end, rank, Item::Lap(i)));
    }
    items.sort_by_key(|&(t, rank, _)| (t, rank));

    let columns = Columns::of(samples);
    let dev_at = |index: usize| -> usize {
        if !options.developer_fields {
            0
        } else if index < samples.len() / 2 {
            1
        } else {
            2
        }
    };
    let mut defined_dev: Option<usize> = None;
    let mut full_def = columns.definition(true, 0);
    let mut short_def = columns.definition(false, 0);
    let event_def = Definition::new(21)
        .field(253, Base::U32)
        .field(0, Base::Enum)
        .field(1, Base::Enum);
    let mut event_defined = false;
    let lap_def = lap_definition();
    let mut lap_defined = false;
    let sport = activity.sport.as_ref();
    let mut records_written = 0usize;
    let mut last = None;

    for &(time, _, item) in &items {
        last = Some(last.map_or(time, |l: u32| l.max(time)));
        match item {
            Item::Event(i) => {
                let Some(event) = activity.timer_events.get(i) else {
                    continue;
                };
                if !event_defined {
                    enc.define(LOCAL_EVENT, &event_def);
                    event_defined = true;
                }
                let kind = match event.kind {
                    TimerEventKind::Start => 0,
                    TimerEventKind::Stop => 1,
                    TimerEventKind::StopAll => 4,
                };
                enc.data(
                    LOCAL_EVENT,
                    &event_def,
                    &[V::U32(Some(time)), V::U8(Some(0)), V::U8(Some(kind))],
                );
                enc.last_time = Some(time);
            }
            Item::Record(i) => {
                let Some(sample) = samples.get(i) else {
                    continue;
                };
                let dev = dev_at(i);
                if defined_dev != Some(dev) {
                    full_def = columns.definition(true, dev);
                    short_def = columns.definition(false, dev);
                    enc.define(LOCAL_RECORD, &full_def);
                    if options.compressed_timestamps {
                        enc.define(LOCAL_RECORD_COMPRESSED, &short_def);
                    }
                    defined_dev = Some(dev);
                }
                let compress = options.compressed_timestamps
                    && records_written > 0
                    && enc
                        .last_time
                        .is_some_and(|prev| time >= prev && time - prev < 32);
                if compress {
                    let values = columns.values(sample, i, sport, None, dev);
                    enc.compressed(LOCAL_RECORD_COMPRESSED, time, &short_def, &values);
                } else {
                    let values = columns.values(sample, i, sport, Some(time), dev);
                    enc.data(LOCAL_RECORD, &full_def, &values);
                    enc.last_time = Some(time);
                }
                records_written += 1;
            }
            Item::Lap(i) => {
                let Some(lap) = activity.laps.get(i) else {
                    continue;
                };
                if !lap_defined {
                    enc.define(LOCAL_LAP, &lap_def);
                    lap_defined = true;
                }
                let trigger = if i + 1 == lap_count { 7 } else { 2 };
                write_lap(enc, &lap_def, lap, i, time, trigger, sport);
            }
        }
    }
    last
}

/// Each lap's closing timestamp: start + elapsed when stated, else the next lap's
/// start, else the last sample.
fn lap_end_times(activity: &RawActivity, last_sample: Option<u32>) -> Vec<u32> {
    let laps = &activity.laps;
    let fallback = last_sample.unwrap_or_else(|| fit_time(activity.start_time));
    laps.iter()
        .enumerate()
        .map(|(i, lap)| {
            let stated = lap.start_time.zip(lap.elapsed_s).map(|(start, elapsed)| {
                fit_time(start).saturating_add(elapsed.max(0.0).round() as u32)
            });
            let next = laps.get(i + 1).and_then(|l| l.start_time).map(fit_time);
            stated.or(next).unwrap_or(fallback)
        })
        .collect()
}

fn lap_definition() -> Definition {
    Definition::new(19)
        .field(254, Base::U16)
        .field(253, Base::U32)
        .field(0, Base::Enum)
        .field(1, Base::Enum)
        .field(2, Base::U32)
        .field(7, Base::U32)
        .field(8, Base::U32)
        .field(9, Base::U32)
        .field(15, Base::U8)
        .field(16, Base::U8)
        .field(23, Base::Enum)
        .field(24, Base::Enum)
        .field(25, Base::Enum)
}

fn write_lap(
    enc: &mut Encoder,
    def: &Definition,
    lap: &Lap,
    index: usize,
    time: u32,
    trigger: u8,
    sport: Option<&Sport>,
) {
    enc.data(
        LOCAL_LAP,
        def,
        &[
            V::U16(u16::try_from(index).ok()),
            V::U32(Some(time)),
            V::U8(Some(9)),
            V::U8(Some(1)),
            V::U32(lap.start_time.map(fit_time)),
            V::U32(scaled_u32(lap.elapsed_s, 1000.0, 0.0)),
            V::U32(scaled_u32(lap.timer_s, 1000.0, 0.0)),
            V::U32(scaled_u32(lap.distance_m, 100.0, 0.0)),
            V::U8(small_u8(lap.avg_hr_bpm)),
            V::U8(small_u8(lap.max_hr_bpm)),
            V::U8(lap.intensity.map(intensity_number)),
            V::U8(Some(trigger)),
            V::U8(sport_number(sport)),
        ],
    );
    enc.last_time = Some(time);
}

/// The session a file without explicit sessions gets: the activity's stated totals,
/// else what the samples show.
fn derived_session(activity: &RawActivity) -> Option<Session> {
    let first = activity.samples.first()?;
    let hrs: Vec<u16> = activity.samples.iter().filter_map(|s| s.hr_bpm).collect();
    let avg_hr = (!hrs.is_empty()).then(|| {
        let sum: u64 = hrs.iter().map(|&h| u64::from(h)).sum();
        ((sum as f64) / (hrs.len() as f64)).round() as u16
    });
    let elapsed = activity
        .elapsed_s
        .unwrap_or_else(|| activity.record_span_s());
    Some(Session {
        sport: activity.sport.clone(),
        sub_sport: activity.sub_sport.clone(),
        start_time: Some(if activity.start_time == Timestamp::default() {
            first.time
        } else {
            activity.start_time
        }),
        elapsed_s: Some(elapsed),
        timer_s: Some(activity.timer_s.unwrap_or(elapsed)),
        distance_m: activity
            .distance_m
            .or_else(|| activity.samples.iter().rev().find_map(|s| s.distance_m)),
        avg_hr_bpm: avg_hr,
        max_hr_bpm: hrs.iter().copied().max(),
        ascent_m: None,
        descent_m: None,
    })
}

fn write_session(enc: &mut Encoder, session: &Session, index: usize, laps: usize, end: u32) {
    let def = Definition::new(18)
        .field(254, Base::U16)
        .field(253, Base::U32)
        .field(0, Base::Enum)
        .field(1, Base::Enum)
        .field(2, Base::U32)
        .field(5, Base::Enum)
        .field(6, Base::Enum)
        .field(7, Base::U32)
        .field(8, Base::U32)
        .field(9, Base::U32)
        .field(16, Base::U8)
        .field(17, Base::U8)
        .field(22, Base::U16)
        .field(23, Base::U16)
        .field(25, Base::U16)
        .field(26, Base::U16)
        .field(28, Base::Enum);
    if index == 0 {
        enc.define(LOCAL_SESSION, &def);
    }
    let whole_m = |m: Option<f64>| {
        m.map(f64::round)
            .filter(|v| (0.0..65535.0).contains(v))
            .map(|v| v as u16)
    };
    enc.data(
        LOCAL_SESSION,
        &def,
        &[
            V::U16(u16::try_from(index).ok()),
            V::U32(Some(end)),
            V::U8(Some(8)),
            V::U8(Some(1)),
            V::U32(session.start_time.map(fit_time)),
            V::U8(sport_number(session.sport.as_ref())),
            V::U8(sub_sport_number(session.sub_sport.as_ref())),
            V::U32(scaled_u32(session.elapsed_s, 1000.0, 0.0)),
            V::U32(scaled_u32(session.timer_s, 1000.0, 0.0)),
            V::U32(scaled_u32(session.distance_m, 100.0, 0.0)),
            V::U8(small_u8(session.avg_hr_bpm)),
            V::U8(small_u8(session.max_hr_bpm)),
            V::U16(whole_m(session.ascent_m)),
            V::U16(whole_m(session.descent_m)),
            V::U16(Some(0)),
            V::U16(u16::try_from(laps).ok()),
            V::U8(Some(0)),
        ],
    );
    enc.last_time = Some(end);
}

fn write_activity(enc: &mut Encoder, end: u32, timer_s: f64, sessions: usize) {
    let def = Definition::new(34)
        .field(253, Base::U32)
        .field(0, Base::U32)
        .field(1, Base::U16)
        .field(2, Base::Enum)
        .field(3, Base::Enum)
        .field(4, Base::Enum)
        .field(5, Base::U32);
    enc.define(LOCAL_ACTIVITY, &def);
    enc.data(
        LOCAL_ACTIVITY,
        &def,
        &[
            V::U32(Some(end)),
            V::U32(scaled_u32(Some(timer_s), 1000.0, 0.0)),
            V::U16(u16::try_from(sessions).ok()),
            V::U8(Some(0)),
            V::U8(Some(26)),
            V::U8(Some(1)),
            V::U32(Some(end)),
        ],
    );
}

#[cfg(test)]
#[path = "fit_tests.rs"]
mod tests;
