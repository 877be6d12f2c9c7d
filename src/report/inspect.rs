//! `inspect` summaries: one per activity, values as recorded (no cleaning).

use std::io::{self, Write};

use serde::Serialize;

use crate::ingest::IngestResult;
use crate::model::{
    RawActivity, Sport, StatedOffset, SubSport, Timestamp, WatchHrSettings, device_name,
};

use super::escape::terminal;
use super::round_to as round;

/// Heart-rate facts as recorded (zeros included: cleaning decides what they mean).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HrSummary {
    /// Samples with a heart rate.
    pub samples: usize,
    /// Their mean, bpm.
    pub avg_bpm: Option<f64>,
    /// Their maximum, bpm.
    pub max_bpm: Option<u16>,
}

/// The wire form of one inspected activity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectSummary {
    /// The file, or `archive.zip/member`.
    pub source: String,
    /// `fit`, `gpx` or `tcx`.
    pub format: &'static str,
    /// FIT `file_id.type` (`activity`; `activity` for GPX and TCX).
    pub file_type: String,
    /// The device's maker, as the file names it.
    pub manufacturer: Option<String>,
    /// The device, as the file names it.
    pub product: Option<String>,
    /// The sport the file states.
    pub sport: Option<Sport>,
    /// The sub-sport the file states.
    pub sub_sport: Option<SubSport>,
    /// The name the file gives.
    pub name: Option<String>,
    /// The start the file states, UTC.
    pub start_time: Timestamp,
    /// Elapsed time the file states, seconds.
    pub elapsed_s: Option<f64>,
    /// Timer time the file states, seconds.
    pub timer_s: Option<f64>,
    /// Distance the file states, metres.
    pub distance_m: Option<f64>,
    /// Samples (records, trackpoints) read.
    pub records: usize,
    /// Heart rate as recorded.
    pub hr: HrSummary,
    /// Whether any sample has a position.
    pub has_gps: bool,
    /// Whether any sample has an altitude.
    pub has_altitude: bool,
    /// Whether any sample has a cadence.
    pub has_cadence: bool,
    /// Laps the file states.
    pub laps: usize,
    /// Sessions the file states (FIT).
    pub sessions: usize,
    /// Timer stops (pauses) the file records.
    pub timer_stops: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The heart-rate settings the watch stored in the file (FIT).
    pub watch_hr_settings: Option<WatchHrSettings>,
    /// The offsets from UTC the file states (FIT `activity.local_timestamp`,
    /// `device_settings`), as stated: not checked, unlike a check record's local time.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stated_utc_offsets: Vec<StatedOffset>,
}

impl InspectSummary {
    /// The summary of `a`, values as recorded.
    pub fn of(a: &RawActivity) -> Self {
        let hr: Vec<u16> = a.samples.iter().filter_map(|s| s.hr_bpm).collect();
        let avg = (!hr.is_empty())
            .then(|| hr.iter().map(|&v| f64::from(v)).sum::<f64>() / hr.len() as f64);
        InspectSummary {
            source: a.source.clone(),
            format: a.format.as_str(),
            file_type: a.file_type.clone(),
            manufacturer: a.manufacturer.clone(),
            product: a.product.clone(),
            sport: a.sport.clone(),
            sub_sport: a.sub_sport.clone(),
            name: a.name.clone(),
            start_time: a.start_time,
            elapsed_s: a.elapsed_s.map(|v| round(v, 3)),
            timer_s: a.timer_s.map(|v| round(v, 3)),
            distance_m: a.distance_m.map(|v| round(v, 2)),
            records: a.samples.len(),
            hr: HrSummary {
                samples: hr.len(),
                avg_bpm: avg.map(|v| round(v, 2)),
                max_bpm: hr.iter().copied().max(),
            },
            has_gps: a.samples.iter().any(|s| s.position.is_some()),
            has_altitude: a.samples.iter().any(|s| s.altitude_m.is_some()),
            has_cadence: a.samples.iter().any(|s| s.cadence_spm.is_some()),
            laps: a.laps.len(),
            sessions: a.sessions.len(),
            timer_stops: a
                .timer_events
                .iter()
                .filter(|e| e.kind != crate::model::TimerEventKind::Start)
                .count(),
            watch_hr_settings: a.watch_hr.clone(),
            stated_utc_offsets: a.stated_offsets.clone(),
        }
    }
}

/// One line of `inspect` output: a summary or a per-file error.
pub type InspectItem = Result<InspectSummary, crate::IngestError>;

/// Maps an ingest result to what `inspect` keeps.
pub fn summarize(result: IngestResult) -> InspectItem {
    result.map(|a| InspectSummary::of(&a))
}

/// Output format of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectFormat {
    /// A few lines per activity; unreadable files are left to the caller, which
    /// prints them on stderr.
    Text,
    /// One JSON array.
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// Writes `items` in `format`.
pub fn write(out: &mut impl Write, items: &[InspectItem], format: InspectFormat) -> io::Result<()> {
    match format {
        InspectFormat::Jsonl => {
            for item in items {
                write_json_item(out, item)?;
                out.write_all(b"\n")?;
            }
        }
        InspectFormat::Json => {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
                write_json_item(out, item)?;
            }
            out.write_all(b"\n]\n")?;
        }
        InspectFormat::Text => {
            for s in items.iter().flatten() {
                write_text_item(out, s)?;
            }
        }
    }
    Ok(())
}

fn write_json_item(out: &mut impl Write, item: &InspectItem) -> io::Result<()> {
    match item {
        Ok(s) => serde_json::to_writer(&mut *out, s),
        Err(e) => serde_json::to_writer(&mut *out, &e.record()),
    }
    .map_err(io::Error::from)
}

fn write_text_item(out: &mut impl Write, s: &InspectSummary) -> io::Result<()> {
    let minutes =
        |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{:.1} min", v / 60.0));
    let device = device_name(s.manufacturer.as_deref(), s.product.as_deref())
        .unwrap_or_else(|| "unknown device".to_string());
    let sport = match (&s.sport, &s.sub_sport) {
        (Some(sp), Some(sub)) => format!("{}/{}", sp.as_str(), sub.as_str()),
        (Some(sp), None) => sp.as_str().to_string(),
        _ => "unknown sport".to_string(),
    };
    writeln!(out, "{}", terminal(&s.source))?;
    writeln!(
        out,
        "  {} {} · {} · {} · start {}",
        s.format,
        terminal(&s.file_type),
        terminal(&sport),
        terminal(&device),
        s.start_time
    )?;
    let distance = s
        .distance_m
        .map_or_else(|| "-".to_string(), |d| format!("{:.2} km", d / 1000.0));
    writeln!(
        out,
        "  elapsed {} · timer {} · distance {} · {} records · {} laps · {} timer stops",
        minutes(s.elapsed_s),
        minutes(s.timer_s),
        distance,
        s.records,
        s.laps,
        s.timer_stops
    )?;
    let hr = match (s.hr.avg_bpm, s.hr.max_bpm) {
        (Some(avg), Some(max)) => {
            format!("HR avg {avg:.1} max {max} bpm ({} samples)", s.hr.samples)
        }
        _ => "no heart rate".to_string(),
    };
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    writeln!(
        out,
        "  {} · GPS {} · altitude {} · cadence {}",
        hr,
        yes_no(s.has_gps),
        yes_no(s.has_altitude),
        yes_no(s.has_cadence)
    )?;
    if let Some(w) = &s.watch_hr_settings {
        let part = |label: &str, v: Option<u16>| v.map(|v| format!("{label} {v}"));
        let parts: Vec<String> = [
            part("max", w.max_hr_bpm),
            part("threshold", w.threshold_hr_bpm),
            part("resting", w.resting_hr_bpm),
            part("default max", w.default_max_hr_bpm),
        ]
        .into_iter()
        .flatten()
        .collect();
        writeln!(out, "  watch HR settings: {} bpm", parts.join(", "))?;
    }
    if !s.stated_utc_offsets.is_empty() {
        let offsets: Vec<String> = s
            .stated_utc_offsets
            .iter()
            .map(|o| format!("{} {} s", o.field.fit_name(), o.utc_offset_s))
            .collect();
        writeln!(out, "  stated UTC offsets: {}", offsets.join(", "))?;
    }
    Ok(())
}
