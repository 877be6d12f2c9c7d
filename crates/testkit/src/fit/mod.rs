//! FIT writer: a [`RawActivity`] as a FIT activity file (protocol 2.0), byte for byte
//! deterministic, with switches for the encodings a reader must handle (big-endian
//! definitions, compressed-timestamp headers, developer fields, other file types).
//!
//! Messages written, in order: `file_id`; with developer fields `developer_data_id` and
//! two `field_description`s; from `watch_hr` `user_profile`, `zones_target` and
//! `hr_zone`s; `workout` and its `workout_step`s; then `event` (timer), `record` and
//! `lap` messages merged by time; then `session` and (for activity files) `activity`.
//! The file CRC closes the file.
//! Field numbers, scales and offsets follow the FIT profile (DOMAIN §7); running
//! cadence is stored as strides/min plus `fractional_cadence` (DOMAIN §6).

mod encoder;
mod messages;
mod workout;

use easyrun::model::time::FIT_EPOCH_UNIX_S;
use easyrun::model::{OffsetField, RawActivity, Sample, Session, Timestamp};
use encoder::Encoder;
use messages::{
    derived_session, write_activity, write_developer_definitions, write_device_settings,
    write_file_id, write_session, write_stream, write_watch_settings,
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
/// number, name, units. Field 0 (`uint16`, [`dev_form_power`]) is carried by every
/// record, field 1 (`uint32`, [`dev_air_power`]) only by the second half of the records
/// (a mid-file redefinition of the record message).
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
    let stated = |field: OffsetField| {
        activity
            .stated_offsets
            .iter()
            .find(|o| o.field == field)
            .map(|o| o.utc_offset_s)
    };
    if let Some(offset) = stated(OffsetField::DeviceSettings) {
        write_device_settings(&mut enc, offset);
    }
    if let Some(w) = &activity.workout {
        workout::write_workout(&mut enc, w, activity.sport.as_ref());
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
            Some(
                fit_time(start)
                    .saturating_add(s.elapsed_s.map_or(0, |e| e.max(0.0).round() as u32)),
            )
        })
    });
    let end = end_time.unwrap_or_else(|| fit_time(activity.start_time));
    for (index, session) in sessions.iter().enumerate() {
        write_session(&mut enc, session, index, activity.laps.len(), end);
    }
    if options.file_type == FILE_TYPE_ACTIVITY && !sessions.is_empty() {
        let timer_s = sessions.iter().filter_map(|s| s.timer_s).sum::<f64>();
        let offset = stated(OffsetField::ActivityLocalTimestamp).unwrap_or(0);
        write_activity(&mut enc, end, timer_s, sessions.len(), offset);
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

#[cfg(test)]
mod tests;
