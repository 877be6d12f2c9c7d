//! The hot path: `record` messages → [`Sample`]s through a layout plan compiled once per
//! definition, so a data message is a handful of fixed-offset loads.

use crate::model::{Position, Sample, Timestamp};

use super::decoder::{self, Definition, FieldDef};
use super::profile::{self, record as f};

/// Field layouts of one `record` definition.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordPlan {
    big_endian: bool,
    lat: Option<FieldDef>,
    lon: Option<FieldDef>,
    altitude: Option<FieldDef>,
    enhanced_altitude: Option<FieldDef>,
    heart_rate: Option<FieldDef>,
    cadence: Option<FieldDef>,
    fractional_cadence: Option<FieldDef>,
    distance: Option<FieldDef>,
    speed: Option<FieldDef>,
    enhanced_speed: Option<FieldDef>,
    power: Option<FieldDef>,
    compressed_speed_distance: Option<FieldDef>,
}

impl RecordPlan {
    pub fn compile(def: &Definition) -> Self {
        RecordPlan {
            big_endian: def.big_endian,
            lat: def.field(f::POSITION_LAT),
            lon: def.field(f::POSITION_LONG),
            altitude: def.field(f::ALTITUDE),
            enhanced_altitude: def.field(f::ENHANCED_ALTITUDE),
            heart_rate: def.field(f::HEART_RATE),
            cadence: def.field(f::CADENCE),
            fractional_cadence: def.field(f::FRACTIONAL_CADENCE),
            distance: def.field(f::DISTANCE),
            speed: def.field(f::SPEED),
            enhanced_speed: def.field(f::ENHANCED_SPEED),
            power: def.field(f::POWER),
            compressed_speed_distance: def.field(f::COMPRESSED_SPEED_DISTANCE),
        }
    }

    /// Decodes one record. `accumulated_distance_16` carries the running total of the
    /// 12-bit `compressed_speed_distance` distance (1/16 m units) across records.
    /// Cadence is left in the file's unit (strides/min for running); the reader doubles
    /// it once the sport is known.
    pub fn decode(&self, msg: &[u8], time: Timestamp, accumulated_distance_16: &mut u64) -> Sample {
        let be = self.big_endian;
        let num = |fd: Option<FieldDef>| fd.and_then(|fd| decoder::number(msg, fd, be));
        let position = match (
            self.lat.and_then(|fd| decoder::sint32(msg, fd, be)),
            self.lon.and_then(|fd| decoder::sint32(msg, fd, be)),
        ) {
            (Some(lat), Some(lon)) => Some(Position {
                lat_deg: f64::from(lat) * profile::DEG_PER_SEMICIRCLE,
                lon_deg: f64::from(lon) * profile::DEG_PER_SEMICIRCLE,
            }),
            _ => None,
        };
        let altitude_m = num(self.enhanced_altitude)
            .or_else(|| num(self.altitude))
            .map(|v| v / profile::ALTITUDE_SCALE - profile::ALTITUDE_OFFSET_M);
        let mut speed_mps = num(self.enhanced_speed)
            .or_else(|| num(self.speed))
            .map(|v| v / profile::SPEED_SCALE);
        let mut distance_m = num(self.distance).map(|v| v / profile::DISTANCE_SCALE);
        if let Some(fd) = self.compressed_speed_distance {
            // 3 bytes: speed in the low 12 bits (1/100 m/s), distance in the high 12 bits
            // (1/16 m, accumulated modulo 4096), as the profile's components define.
            let start = usize::from(fd.offset);
            if let Some(&[b0, b1, b2]) = msg
                .get(start..start + 3)
                .and_then(|b| <&[u8; 3]>::try_from(b).ok())
            {
                let speed_raw = u16::from(b0) | (u16::from(b1 & 0x0F) << 8);
                let dist_raw = u64::from(b1 >> 4) | (u64::from(b2) << 4);
                if speed_raw != 0x0FFF && speed_mps.is_none() {
                    speed_mps = Some(f64::from(speed_raw) / 100.0);
                }
                if dist_raw != 0x0FFF {
                    let acc = *accumulated_distance_16;
                    let next = acc + (dist_raw.wrapping_sub(acc) & 0x0FFF);
                    *accumulated_distance_16 = next;
                    if distance_m.is_none() {
                        distance_m = Some(next as f64 / 16.0);
                    }
                }
            }
        }
        let cadence_spm =
            num(self.cadence).map(|c| c + num(self.fractional_cadence).unwrap_or(0.0) / 128.0);
        Sample {
            time,
            position,
            altitude_m,
            distance_m,
            speed_mps,
            hr_bpm: num(self.heart_rate).map(|v| v as u16),
            cadence_spm,
            power_w: num(self.power).map(|v| v as u16),
        }
    }
}
