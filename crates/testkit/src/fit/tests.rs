//! FIT writer tests: every variant decodes with the independent `fitparser` crate to
//! the values that were written.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use crate::synth::RunSpec;
use easyrun::model::{HrCalcType, Timestamp, WatchHrSettings};
use fitparser::profile::MesgNum;
use fitparser::{FitDataRecord, Value};

fn start() -> Timestamp {
    Timestamp::parse_rfc3339("2025-10-05T06:12:00Z").unwrap()
}

fn watch() -> WatchHrSettings {
    WatchHrSettings {
        max_hr_bpm: Some(188),
        threshold_hr_bpm: Some(168),
        resting_hr_bpm: Some(48),
        hr_calc_type: Some(HrCalcType::PercentMaxHr),
        default_max_hr_bpm: Some(188),
        age_years: Some(41),
        zone_high_bpm: vec![113, 132, 150, 169, 188],
    }
}

fn run() -> RawActivity {
    RunSpec::new(start(), 600)
        .hr_gap(100, 5)
        .with_power()
        .watch_hr(watch())
        .build()
}

fn decode(bytes: &[u8]) -> Vec<FitDataRecord> {
    fitparser::from_bytes(bytes).expect("fitparser decodes the file")
}

fn of_kind(records: &[FitDataRecord], kind: MesgNum) -> Vec<&FitDataRecord> {
    records.iter().filter(|r| r.kind() == kind).collect()
}

fn field<'a>(record: &'a FitDataRecord, name: &str) -> Option<&'a Value> {
    record
        .fields()
        .iter()
        .find(|f| f.name() == name)
        .map(|f| f.value())
}

fn num(value: &Value) -> f64 {
    match value {
        Value::UInt8(v) | Value::Byte(v) | Value::Enum(v) | Value::UInt8z(v) => f64::from(*v),
        Value::SInt8(v) => f64::from(*v),
        Value::UInt16(v) | Value::UInt16z(v) => f64::from(*v),
        Value::SInt16(v) => f64::from(*v),
        Value::UInt32(v) | Value::UInt32z(v) => f64::from(*v),
        Value::SInt32(v) => f64::from(*v),
        Value::Float32(v) => f64::from(*v),
        Value::Float64(v) => *v,
        Value::Timestamp(t) => t.timestamp() as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn get(record: &FitDataRecord, name: &str) -> Option<f64> {
    field(record, name).map(num)
}

fn text(record: &FitDataRecord, name: &str) -> Option<String> {
    match field(record, name)? {
        Value::String(s) => Some(s.clone()),
        other => Some(format!("{other:?}")),
    }
}

/// Checks every decoded record against the sample it came from.
fn assert_records_match(records: &[FitDataRecord], run: &RawActivity) {
    let decoded = of_kind(records, MesgNum::Record);
    assert_eq!(decoded.len(), run.samples.len());
    for (r, s) in decoded.iter().zip(&run.samples) {
        assert_eq!(get(r, "timestamp"), Some((s.time.unix_ms() / 1000) as f64));
        assert_eq!(get(r, "heart_rate"), s.hr_bpm.map(f64::from));
        let d = get(r, "distance").unwrap();
        assert!((d - s.distance_m.unwrap()).abs() < 0.006, "{d}");
        let v = get(r, "enhanced_speed").unwrap();
        assert!((v - s.speed_mps.unwrap()).abs() < 0.0006);
        let p = s.position.unwrap();
        assert_eq!(
            get(r, "position_lat"),
            Some(f64::from(semicircles(p.lat_deg)))
        );
        assert_eq!(
            get(r, "position_long"),
            Some(f64::from(semicircles(p.lon_deg)))
        );
        let deg = get(r, "position_lat").unwrap() * 180.0 / 2_147_483_648.0;
        assert!((deg - p.lat_deg).abs() < 1e-6);
        let alt = get(r, "enhanced_altitude").unwrap();
        assert!((alt - s.altitude_m.unwrap()).abs() < 0.11, "{alt}");
        let strides = get(r, "cadence").unwrap() + get(r, "fractional_cadence").unwrap_or(0.0);
        assert_eq!(strides * 2.0, s.cadence_spm.unwrap());
        assert_eq!(get(r, "power"), s.power_w.map(f64::from));
    }
}

#[test]
fn crc_matches_the_fit_sdk() {
    // CRC-16/ARC check value: the FIT CRC is the same polynomial.
    assert_eq!(crc16(0, b"123456789"), 0xBB3D);
}

#[test]
fn plain_activity_decodes_with_fitparser() {
    let run = run();
    let bytes = encode(&run, &FitOptions::garmin(PRODUCT_FR255));
    let records = decode(&bytes);
    assert_records_match(&records, &run);

    let file_id = of_kind(&records, MesgNum::FileId)[0];
    assert_eq!(text(file_id, "type").as_deref(), Some("activity"));
    assert_eq!(text(file_id, "manufacturer").as_deref(), Some("garmin"));
    assert_eq!(text(file_id, "garmin_product").as_deref(), Some("fr255"));

    let session = of_kind(&records, MesgNum::Session)[0];
    assert_eq!(text(session, "sport").as_deref(), Some("running"));
    assert_eq!(text(session, "sub_sport").as_deref(), Some("street"));
    assert_eq!(
        get(session, "start_time"),
        Some((start().unix_ms() / 1000) as f64)
    );
    assert_eq!(get(session, "total_elapsed_time"), Some(600.0));
    assert_eq!(get(session, "total_timer_time"), Some(600.0));
    let d = get(session, "total_distance").unwrap();
    assert!((d - run.distance_m.unwrap()).abs() < 0.006);
    assert_eq!(
        get(session, "max_heart_rate"),
        run.sessions[0].max_hr_bpm.map(f64::from)
    );

    let laps = of_kind(&records, MesgNum::Lap);
    assert_eq!(laps.len(), run.laps.len());
    let lap_d: f64 = laps.iter().map(|l| get(l, "total_distance").unwrap()).sum();
    assert!((lap_d - d).abs() < 0.05);

    let zones = of_kind(&records, MesgNum::ZonesTarget)[0];
    assert_eq!(get(zones, "max_heart_rate"), Some(188.0));
    assert_eq!(get(zones, "threshold_heart_rate"), Some(168.0));
    assert_eq!(
        text(zones, "hr_calc_type").as_deref(),
        Some("percent_max_hr")
    );
    let profile = of_kind(&records, MesgNum::UserProfile)[0];
    assert_eq!(get(profile, "resting_heart_rate"), Some(48.0));
    assert_eq!(get(profile, "default_max_heart_rate"), Some(188.0));
    let highs: Vec<f64> = of_kind(&records, MesgNum::HrZone)
        .iter()
        .map(|z| get(z, "high_bpm").unwrap())
        .collect();
    assert_eq!(highs, vec![113.0, 132.0, 150.0, 169.0, 188.0]);

    let events = of_kind(&records, MesgNum::Event);
    assert_eq!(events.len(), 2);
    assert_eq!(text(events[0], "event_type").as_deref(), Some("start"));
    assert_eq!(text(events[1], "event_type").as_deref(), Some("stop_all"));
    assert_eq!(of_kind(&records, MesgNum::Activity).len(), 1);
}

#[test]
fn missing_values_are_invalid_sentinels() {
    let run = run();
    let records = decode(&encode(&run, &FitOptions::default()));
    let decoded = of_kind(&records, MesgNum::Record);
    // The 5 s strap dropout: no heart_rate field decoded at all, not a 0.
    let missing = decoded
        .iter()
        .filter(|r| field(r, "heart_rate").is_none())
        .count();
    assert_eq!(missing, 5);
}

/// Record messages as comparable text (field name = value), in order.
fn record_dump(records: &[FitDataRecord]) -> Vec<String> {
    of_kind(records, MesgNum::Record)
        .iter()
        .map(|r| {
            let mut fields: Vec<String> = r
                .fields()
                .iter()
                .map(|f| format!("{}={:?}", f.name(), f.value()))
                .collect();
            fields.sort();
            fields.join(" ")
        })
        .collect()
}

#[test]
fn big_endian_decodes_to_the_same_values() {
    let run = run();
    let little = encode(&run, &FitOptions::default());
    let big = encode(
        &run,
        &FitOptions {
            big_endian: true,
            ..FitOptions::default()
        },
    );
    assert_ne!(little, big);
    let (l, b) = (decode(&little), decode(&big));
    assert_records_match(&b, &run);
    assert_eq!(record_dump(&l), record_dump(&b));
    assert_eq!(format!("{l:?}"), format!("{b:?}"));
}

#[test]
fn compressed_timestamps_decode_to_the_same_values() {
    // A 90 s pause forces a full timestamp after the gap.
    let run = RunSpec::new(start(), 600)
        .pause(300, 90, false)
        .pause(450, 20, false)
        .build();
    let normal = encode(&run, &FitOptions::default());
    let options = FitOptions {
        compressed_timestamps: true,
        ..FitOptions::default()
    };
    let compressed = encode(&run, &options);
    // Each compressed record saves its 4-byte timestamp.
    assert!(compressed.len() + 4 * 590 < normal.len());
    let records = decode(&compressed);
    assert_records_match(&records, &run);
    assert_eq!(record_dump(&decode(&normal)), record_dump(&records));
    // Also big-endian at the same time.
    let both = encode(
        &run,
        &FitOptions {
            big_endian: true,
            ..options
        },
    );
    assert_eq!(record_dump(&decode(&both)), record_dump(&records));
}

#[test]
fn compressed_header_layout() {
    let run = RunSpec::new(start(), 10).laps_every(None).build();
    let options = FitOptions {
        compressed_timestamps: true,
        ..FitOptions::default()
    };
    let bytes = encode(&run, &options);
    let t1 = fit_time(run.samples[1].time);
    let header = 0x80 | (1 << 5) | (t1 & 0x1F) as u8;
    assert!(bytes.contains(&header));
}

#[test]
fn developer_fields_decode() {
    let run = run();
    let options = FitOptions {
        developer_fields: true,
        ..FitOptions::default()
    };
    let bytes = encode(&run, &options);
    let records = decode(&bytes);
    assert_records_match(&records, &run);
    let decoded = of_kind(&records, MesgNum::Record);
    let half = run.samples.len() / 2;
    for (i, (r, s)) in decoded.iter().zip(&run.samples).enumerate() {
        assert_eq!(get(r, "form_power"), Some(f64::from(dev_form_power(i, s))));
        let air = get(r, "air_power");
        if i < half {
            assert_eq!(air, None);
        } else {
            assert_eq!(air, Some(f64::from(dev_air_power(i))));
        }
    }
    // Compressed timestamps with developer data, big-endian: still the same values.
    let all = FitOptions {
        developer_fields: true,
        compressed_timestamps: true,
        big_endian: true,
        ..FitOptions::default()
    };
    assert_eq!(
        record_dump(&decode(&encode(&run, &all))),
        record_dump(&records)
    );
}

#[test]
fn settings_file_has_no_activity_messages() {
    let mut settings = RawActivity::new("settings", easyrun::model::Format::Fit);
    settings.start_time = start();
    settings.watch_hr = Some(watch());
    let options = FitOptions {
        file_type: FILE_TYPE_SETTINGS,
        ..FitOptions::default()
    };
    let records = decode(&encode(&settings, &options));
    let file_id = of_kind(&records, MesgNum::FileId)[0];
    assert_eq!(text(file_id, "type").as_deref(), Some("settings"));
    assert!(of_kind(&records, MesgNum::Record).is_empty());
    assert!(of_kind(&records, MesgNum::Session).is_empty());
    assert_eq!(of_kind(&records, MesgNum::ZonesTarget).len(), 1);
}

#[test]
fn header_and_crc() {
    let bytes = encode(&run(), &FitOptions::default());
    assert_eq!(bytes[0], 14);
    assert_eq!(&bytes[8..12], b".FIT");
    let size = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    assert_eq!(bytes.len(), 14 + size + 2);
    assert_eq!(crc16(0, &bytes[..12]).to_le_bytes(), [bytes[12], bytes[13]]);
    // A CRC over everything including the stored CRC is 0.
    assert_eq!(crc16(0, &bytes), 0);
}

#[test]
fn cadence_split_keeps_half_strides() {
    assert_eq!(split_cadence(85.5), (85, 64));
    assert_eq!(split_cadence(86.0), (86, 0));
    assert_eq!(split_cadence(85.999), (86, 0));
    assert_eq!(split_cadence(-3.0), (0, 0));
}
