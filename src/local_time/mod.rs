//! The run's local time, from the best source there is, and which one it was
//! (docs/local-time.md): the offset the FIT file states (`activity.local_timestamp`,
//! else `device_settings`; a clock on UTC that the start position contradicts is a clock
//! never set, and yields); else the time zone at the start position, looked up in
//! embedded boundary data with daylight saving from the tz database; else the configured
//! zone; else UTC, marked as such. In a batch, a run without a position (a treadmill)
//! borrows the zone of its nearest runs in time ([`neighbours`]) before the configured
//! one. Instants stay UTC: only what is shown and the calendar days use the local clock.

pub mod neighbours;
pub mod zone;

use crate::model::{
    LocalTime, LocalTimeSource, OffsetField, Position, RawActivity, StatedOffset, SubSport,
    Timestamp, local::offset_text,
};

pub use zone::{AtPosition, Zone};

/// The largest offset from UTC any zone uses (Kiribati +14:00, Baker Island −12:00).
pub const MAX_UTC_OFFSET_S: i64 = 14 * 3600;
/// Every zone's offset is a whole number of quarter hours (Nepal +05:45, Chatham +12:45).
pub const OFFSET_STEP_S: i64 = 900;

/// Why a stated offset cannot be a local clock.
fn offset_problem(offset_s: i64) -> Option<&'static str> {
    if offset_s.abs() > MAX_UTC_OFFSET_S {
        Some("beyond ±14 h")
    } else if offset_s % OFFSET_STEP_S != 0 {
        Some("not a whole number of quarter hours")
    } else {
        None
    }
}

fn stated_text(offset_s: i64) -> String {
    match i32::try_from(offset_s) {
        Ok(s) if offset_s.abs() <= 99 * 3600 && s % 60 == 0 => offset_text(s),
        _ => format!("{offset_s} s"),
    }
}

/// Whether `raw`'s positions are a game's map rather than where the athlete was: a
/// virtual activity, or an indoor ride (Zwift and other trainer apps write the virtual
/// course's coordinates — Watopia lies off the Solomon Islands — under both).
pub fn positions_are_virtual(raw: &RawActivity) -> bool {
    match &raw.sub_sport {
        Some(SubSport::VirtualActivity) => true,
        Some(SubSport::Other(name)) => name.contains("virtual") || name == "indoor_cycling",
        _ => false,
    }
}

/// The first position of `raw` a receiver would report (not 0°/0°, on Earth), unless
/// the positions are virtual.
pub fn start_position(raw: &RawActivity) -> Option<Position> {
    if positions_are_virtual(raw) {
        return None;
    }
    raw.samples
        .iter()
        .filter_map(|s| s.position)
        .find(zone::plausible)
}

/// The local time of `raw`'s start, from the file, its start position or `configured`
/// (else UTC). Offsets that cannot be a clock are ignored with a note; so is a start
/// position in no land zone.
pub fn resolve(raw: &RawActivity, configured: Option<&Zone>) -> LocalTime {
    let start = raw.start_time;
    let mut notes: Vec<String> = Vec::new();
    let at_position = start_position(raw).map(|p| (p, zone::zone_at(&p)));
    let position_zone = match &at_position {
        Some((_, AtPosition::Zone(z))) => Some(z),
        _ => None,
    };
    for StatedOffset {
        utc_offset_s,
        field,
    } in &raw.stated_offsets
    {
        if let Some(problem) = offset_problem(*utc_offset_s) {
            notes.push(format!(
                "the file's {} offset {} is {problem}: ignored",
                field.fit_name(),
                stated_text(*utc_offset_s)
            ));
            continue;
        }
        let utc_offset_s = i32::try_from(*utc_offset_s).unwrap_or(0);
        // A clock on UTC where the start position's zone is not is a watch that was
        // never told its zone (TomTom, COROS and older Edge files in the corpus write
        // local = UTC anywhere): the position answers instead.
        if let Some(z) = position_zone.filter(|z| utc_offset_s == 0 && z.offset_s_at(start) != 0) {
            notes.push(format!(
                "the file's {} says UTC, the start position {} ({}): the position is used",
                field.fit_name(),
                z.name(),
                offset_text(z.offset_s_at(start))
            ));
            continue;
        }
        // The position's zone is named only when it agrees with the watch's clock (a
        // watch left on home time abroad keeps its own offset, without a zone).
        let zone = position_zone
            .filter(|z| z.offset_s_at(start) == utc_offset_s)
            .map(|z| z.name().to_string());
        let source = match field {
            OffsetField::ActivityLocalTimestamp => LocalTimeSource::FileLocalTimestamp,
            OffsetField::DeviceSettings => LocalTimeSource::FileDeviceSettings,
        };
        return LocalTime {
            utc_offset_s,
            source,
            zone,
            note: join(notes),
        };
    }
    match &at_position {
        Some((_, AtPosition::Zone(z))) => {
            return of_zone(z, start, LocalTimeSource::StartPosition, notes);
        }
        Some((p, AtPosition::Outside)) => notes.push(format!(
            "the start position {:.3}, {:.3} lies in no country's time zone: not used",
            p.lat_deg, p.lon_deg
        )),
        _ => {}
    }
    match configured {
        Some(z) => of_zone(z, start, LocalTimeSource::Configured, notes),
        None => LocalTime {
            note: join(notes),
            ..LocalTime::utc()
        },
    }
}

/// The clock of zone `z` at `start`.
pub fn of_zone(
    z: &Zone,
    start: Timestamp,
    source: LocalTimeSource,
    notes: Vec<String>,
) -> LocalTime {
    LocalTime {
        utc_offset_s: z.offset_s_at(start),
        source,
        zone: Some(z.name().to_string()),
        note: join(notes),
    }
}

fn join(notes: Vec<String>) -> Option<String> {
    (!notes.is_empty()).then(|| notes.join("; "))
}

#[cfg(test)]
mod tests;
