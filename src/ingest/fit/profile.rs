//! The slice of the FIT profile easyrun reads: message and field numbers, scales, and
//! names for enums (names come from fitparser's generated profile, so they match the
//! SDK's spelling).

use fitparser::profile::field_types as ft;

pub mod mesg {
    pub const FILE_ID: u16 = 0;
    pub const DEVICE_SETTINGS: u16 = 2;
    pub const ACTIVITY: u16 = 34;
    pub const USER_PROFILE: u16 = 3;
    pub const ZONES_TARGET: u16 = 7;
    pub const HR_ZONE: u16 = 8;
    pub const SPORT: u16 = 12;
    pub const WORKOUT: u16 = 26;
    pub const WORKOUT_STEP: u16 = 27;
    pub const SESSION: u16 = 18;
    pub const LAP: u16 = 19;
    pub const RECORD: u16 = 20;
    pub const EVENT: u16 = 21;
    pub const DEVICE_INFO: u16 = 23;
}

/// `record` (20) fields.
pub mod record {
    pub const POSITION_LAT: u8 = 0;
    pub const POSITION_LONG: u8 = 1;
    pub const ALTITUDE: u8 = 2;
    pub const HEART_RATE: u8 = 3;
    pub const CADENCE: u8 = 4;
    pub const DISTANCE: u8 = 5;
    pub const SPEED: u8 = 6;
    pub const POWER: u8 = 7;
    pub const COMPRESSED_SPEED_DISTANCE: u8 = 8;
    pub const FRACTIONAL_CADENCE: u8 = 53;
    pub const ENHANCED_SPEED: u8 = 73;
    pub const ENHANCED_ALTITUDE: u8 = 78;
}

/// `session` (18) and `lap` (19) share these numbers for the fields used here.
pub mod summary {
    pub const START_TIME: u8 = 2;
    pub const SPORT: u8 = 5;
    pub const SUB_SPORT: u8 = 6;
    pub const TOTAL_ELAPSED_TIME: u8 = 7;
    pub const TOTAL_TIMER_TIME: u8 = 8;
    pub const TOTAL_DISTANCE: u8 = 9;
    pub const SESSION_AVG_HEART_RATE: u8 = 16;
    pub const SESSION_MAX_HEART_RATE: u8 = 17;
    pub const SESSION_TOTAL_ASCENT: u8 = 22;
    pub const SESSION_TOTAL_DESCENT: u8 = 23;
    pub const LAP_AVG_HEART_RATE: u8 = 15;
    pub const LAP_MAX_HEART_RATE: u8 = 16;
    pub const LAP_INTENSITY: u8 = 23;
}

/// `activity` (34) and `device_settings` (2) fields that state the local clock.
pub mod clock {
    /// `activity.local_timestamp`: the local wall clock at `activity.timestamp`, as a
    /// FIT `date_time` (seconds since the FIT epoch read on the local clock).
    pub const ACTIVITY_LOCAL_TIMESTAMP: u8 = 5;
    /// `device_settings.time_offset` (uint32 array, seconds; negative offsets wrap).
    pub const DEVICE_TIME_OFFSET: u8 = 2;
    /// `device_settings.time_zone_offset` (sint8, quarter hours).
    pub const DEVICE_TIME_ZONE_OFFSET: u8 = 5;
}

/// Scales (value = raw / scale − offset).
pub const TIME_SCALE: f64 = 1000.0;
pub const DISTANCE_SCALE: f64 = 100.0;
pub const SPEED_SCALE: f64 = 1000.0;
pub const ALTITUDE_SCALE: f64 = 5.0;
pub const ALTITUDE_OFFSET_M: f64 = 500.0;
/// Degrees per semicircle: 180 / 2^31.
pub const DEG_PER_SEMICIRCLE: f64 = 180.0 / 2_147_483_648.0;

/// file_id.type value of an activity file.
pub const FILE_TYPE_ACTIVITY: u64 = 4;

/// event.event value for the timer; event_type values.
pub const EVENT_TIMER: u64 = 0;

/// Name of a `file` enum value (`activity`, `settings`, …).
pub fn file_type_name(v: u64) -> String {
    u8::try_from(v).map_or_else(
        |_| v.to_string(),
        |b| named(ft::File::from(b).to_string(), v),
    )
}

/// Name of a manufacturer id (`garmin`, `suunto`, …), or the number.
pub fn manufacturer_name(v: u64) -> String {
    u16::try_from(v).map_or_else(
        |_| v.to_string(),
        |n| named(ft::Manufacturer::from(n).to_string(), v),
    )
}

/// Product name: Garmin-family manufacturers use the garmin_product table (`fr935`);
/// others have no public table, so the number is kept.
pub fn product_name(manufacturer: Option<u64>, v: u64) -> String {
    // garmin 1, dynastream_oem 13, dynastream 15, tacx 89 (the profile's subfield rule).
    match (manufacturer, u16::try_from(v)) {
        (Some(1 | 13 | 15 | 89), Ok(n)) => named(ft::GarminProduct::from(n).to_string(), v),
        _ => v.to_string(),
    }
}

/// Name of a `sport` enum value.
pub fn sport_name(v: u64) -> String {
    u8::try_from(v).map_or_else(
        |_| v.to_string(),
        |b| named(ft::Sport::from(b).to_string(), v),
    )
}

/// Name of a `sub_sport` enum value.
pub fn sub_sport_name(v: u64) -> String {
    u8::try_from(v).map_or_else(
        |_| v.to_string(),
        |b| named(ft::SubSport::from(b).to_string(), v),
    )
}

/// fitparser spells values outside the profile `unknown_variant_N`; keep the number.
fn named(name: String, v: u64) -> String {
    if name.starts_with("unknown_variant") {
        v.to_string()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_profile() {
        assert_eq!(file_type_name(4), "activity");
        assert_eq!(file_type_name(2), "settings");
        assert_eq!(manufacturer_name(1), "garmin");
        assert_eq!(product_name(Some(1), 2691), "fr935");
        assert_eq!(product_name(Some(23), 34), "34");
        assert_eq!(sport_name(1), "running");
        assert_eq!(sub_sport_name(1), "treadmill");
        assert_eq!(sub_sport_name(250), "250");
    }
}
