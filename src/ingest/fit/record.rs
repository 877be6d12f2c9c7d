//! The hot path: `record` messages → [`Sample`]s through a layout plan compiled once per
//! definition, so a data message is a handful of fixed-offset loads.

use crate::model::{Position, Sample, Timestamp};

use super::decoder::{Definition, FieldDef, FieldReader};
use super::profile::{self, record as f};

/// Field layouts of one `record` definition.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordPlan {
    lat: Option<FieldReader>,
    lon: Option<FieldReader>,
    altitude: Option<FieldReader>,
    enhanced_altitude: Option<FieldReader>,
    heart_rate: Option<FieldReader>,
    cadence: Option<FieldReader>,
    fractional_cadence: Option<FieldReader>,
    distance: Option<FieldReader>,
    speed: Option<FieldReader>,
    enhanced_speed: Option<FieldReader>,
    power: Option<FieldReader>,
    compressed_speed_distance: Option<FieldDef>,
}

impl RecordPlan {
    pub fn compile(def: &Definition) -> Self {
        let reader = |num| {
            def.field(num)
                .map(|fd| FieldReader::new(fd, def.big_endian))
        };
        RecordPlan {
            lat: reader(f::POSITION_LAT),
            lon: reader(f::POSITION_LONG),
            altitude: reader(f::ALTITUDE),
            enhanced_altitude: reader(f::ENHANCED_ALTITUDE),
            heart_rate: reader(f::HEART_RATE),
            cadence: reader(f::CADENCE),
            fractional_cadence: reader(f::FRACTIONAL_CADENCE),
            distance: reader(f::DISTANCE),
            speed: reader(f::SPEED),
            enhanced_speed: reader(f::ENHANCED_SPEED),
            power: reader(f::POWER),
            compressed_speed_distance: def.field(f::COMPRESSED_SPEED_DISTANCE),
        }
    }

    /// Decodes one record. `accumulated_distance_16` carries the running total of the
    /// 12-bit `compressed_speed_distance` distance (1/16 m units) across records.
    /// Cadence is left in the file's unit (strides/min for running); the reader doubles
    /// it once the sport is known.
    pub fn decode(&self, msg: &[u8], time: Timestamp, accumulated_distance_16: &mut u64) -> Sample {
        let num = |r: Option<FieldReader>| r.and_then(|r| r.number(msg));
        let position = match (
            self.lat.and_then(|r| r.sint32(msg)),
            self.lon.and_then(|r| r.sint32(msg)),
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
