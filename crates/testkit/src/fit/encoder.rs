//! The FIT byte layer: definition and data messages (normal and compressed-timestamp
//! headers) in either byte order, the base types and their invalid sentinels, and the
//! profile's enum numbers.

use easyrun::model::{LapIntensity, Sport, SubSport};

#[derive(Debug, Clone, Copy)]
pub(super) enum Base {
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
    pub(super) fn id(self) -> u8 {
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

    pub(super) fn size(self) -> u8 {
        match self {
            Base::Enum | Base::U8 | Base::Str | Base::Byte => 1,
            Base::U16 => 2,
            Base::U32 | Base::I32 | Base::U32z => 4,
        }
    }
}

/// A value in a data message. Missing values are the `None`s, written as sentinels.
#[derive(Debug, Clone)]
pub(super) enum V {
    U8(Option<u8>),
    U16(Option<u16>),
    U32(Option<u32>),
    I32(Option<i32>),
    /// Strings and byte arrays, padded with zeros (string terminators) to the field
    /// size; a string field must be sized longer than its text.
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone)]
pub(super) struct Definition {
    global: u16,
    fields: Vec<(u8, Base, u8)>,
    dev_fields: Vec<(u8, u8, u8)>,
}

impl Definition {
    pub(super) fn new(global: u16) -> Self {
        Definition {
            global,
            fields: Vec::new(),
            dev_fields: Vec::new(),
        }
    }

    pub(super) fn field(mut self, num: u8, base: Base) -> Self {
        self.fields.push((num, base, base.size()));
        self
    }

    pub(super) fn sized(mut self, num: u8, base: Base, size: u8) -> Self {
        self.fields.push((num, base, size));
        self
    }

    pub(super) fn dev(mut self, num: u8, size: u8) -> Self {
        self.dev_fields.push((num, size, 0));
        self
    }
}

pub(super) struct Encoder {
    pub(super) out: Vec<u8>,
    pub(super) big: bool,
    /// The last timestamp (field 253) written, the base for compressed timestamps.
    pub(super) last_time: Option<u32>,
}

impl Encoder {
    pub(super) fn define(&mut self, local: u8, def: &Definition) {
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
    pub(super) fn data(&mut self, local: u8, def: &Definition, values: &[V]) {
        self.out.push(local & 0x0F);
        self.body(def, values);
    }

    /// A data message with a compressed-timestamp header (local types 0–3 only).
    pub(super) fn compressed(&mut self, local: u8, time: u32, def: &Definition, values: &[V]) {
        self.out
            .push(0x80 | ((local & 0x03) << 5) | (time & 0x1F) as u8);
        self.last_time = Some(time);
        self.body(def, values);
    }

    pub(super) fn body(&mut self, def: &Definition, values: &[V]) {
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

    pub(super) fn encode_value(&self, value: &V) -> Vec<u8> {
        match *value {
            V::U8(v) => vec![v.unwrap_or(0xFF)],
            V::U16(v) => self.u16_bytes(v.unwrap_or(0xFFFF)).to_vec(),
            V::U32(v) => self.u32_bytes(v.unwrap_or(0xFFFF_FFFF)).to_vec(),
            V::I32(v) => self.u32_bytes(v.unwrap_or(0x7FFF_FFFF) as u32).to_vec(),
            V::Bytes(ref b) => b.clone(),
        }
    }

    pub(super) fn put_u16(&mut self, v: u16) {
        let b = self.u16_bytes(v);
        self.out.extend_from_slice(&b);
    }

    pub(super) fn u16_bytes(&self, v: u16) -> [u8; 2] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    pub(super) fn u32_bytes(&self, v: u32) -> [u8; 4] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
}

// Local message types. Compressed-timestamp headers can only name 0–3, so the two
// record layouts take those.
pub(super) const LOCAL_RECORD: u8 = 0;
pub(super) const LOCAL_RECORD_COMPRESSED: u8 = 1;
pub(super) const LOCAL_EVENT: u8 = 2;
pub(super) const LOCAL_LAP: u8 = 3;
pub(super) const LOCAL_SESSION: u8 = 4;
pub(super) const LOCAL_ACTIVITY: u8 = 5;
pub(super) const LOCAL_FILE_ID: u8 = 6;
pub(super) const LOCAL_DEV_ID: u8 = 7;
pub(super) const LOCAL_FIELD_DESC: u8 = 8;
pub(super) const LOCAL_USER_PROFILE: u8 = 9;
pub(super) const LOCAL_ZONES_TARGET: u8 = 10;
pub(super) const LOCAL_HR_ZONE: u8 = 11;
pub(super) const LOCAL_DEVICE_SETTINGS: u8 = 14;

pub(super) fn scaled_u32(value: Option<f64>, scale: f64, offset: f64) -> Option<u32> {
    let v = ((value? + offset) * scale).round();
    (v.is_finite() && v >= 0.0 && v < f64::from(u32::MAX)).then_some(v as u32)
}

pub(super) fn small_u8(value: Option<u16>) -> Option<u8> {
    value.and_then(|v| u8::try_from(v).ok())
}

pub(super) fn sport_number(sport: Option<&Sport>) -> Option<u8> {
    Some(match sport? {
        Sport::Other(name) if name == "transition" => 3,
        Sport::Generic | Sport::Other(_) => 0,
        Sport::Running => 1,
        Sport::Cycling => 2,
        Sport::Swimming => 5,
        Sport::Training => 10,
        Sport::Walking => 11,
        Sport::Hiking => 17,
    })
}

pub(super) fn sub_sport_number(sub: Option<&SubSport>) -> Option<u8> {
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

pub(super) fn intensity_number(intensity: LapIntensity) -> u8 {
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
