use super::*;
use crate::model::{Format, Sample};

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).unwrap_or_default()
}

fn raw(start: &str, position: Option<(f64, f64)>, stated: &[(i64, OffsetField)]) -> RawActivity {
    let mut a = RawActivity::new("t.fit", Format::Fit);
    a.start_time = at(start);
    a.samples = vec![
        Sample {
            time: a.start_time,
            position: None,
            ..Sample::default()
        },
        Sample {
            time: a.start_time,
            position: position.map(|(lat_deg, lon_deg)| Position { lat_deg, lon_deg }),
            ..Sample::default()
        },
    ];
    a.stated_offsets = stated
        .iter()
        .map(|&(utc_offset_s, field)| StatedOffset {
            utc_offset_s,
            field,
        })
        .collect();
    a
}

const BOULDER: (f64, f64) = (40.015, -105.27);

#[test]
fn the_file_offset_comes_first() {
    let r = raw(
        "2024-07-01T13:00:00Z",
        None,
        &[
            (-6 * 3600, OffsetField::ActivityLocalTimestamp),
            (2 * 3600, OffsetField::DeviceSettings),
        ],
    );
    let l = resolve(&r, Zone::named("Europe/Berlin").as_ref());
    assert_eq!(
        (l.utc_offset_s, l.source, l.zone, l.note),
        (-6 * 3600, LocalTimeSource::FileLocalTimestamp, None, None)
    );
}

#[test]
fn bad_offsets_are_ignored_with_a_note() {
    let r = raw(
        "2024-07-01T13:00:00Z",
        None,
        &[
            (3 * 3600 + 7 * 60, OffsetField::ActivityLocalTimestamp),
            (15 * 3600, OffsetField::DeviceSettings),
        ],
    );
    let l = resolve(&r, None);
    assert_eq!((l.utc_offset_s, l.source), (0, LocalTimeSource::Utc));
    assert_eq!(
        l.note.as_deref(),
        Some(
            "the file's activity.local_timestamp offset +03:07 is not a whole number of quarter \
             hours: ignored; the file's device_settings offset +15:00 is beyond ±14 h: ignored"
        )
    );
    // The next source answers after an ignored one.
    let r = raw(
        "2024-07-01T13:00:00Z",
        None,
        &[
            (-1, OffsetField::ActivityLocalTimestamp),
            (5 * 3600 + 45 * 60, OffsetField::DeviceSettings),
        ],
    );
    let l = resolve(&r, None);
    assert_eq!(
        (l.utc_offset_s, l.source),
        (5 * 3600 + 45 * 60, LocalTimeSource::FileDeviceSettings)
    );
    assert!(l.note.is_some_and(|n| n.contains("-1 s")));
}

#[test]
fn the_configured_zone_and_utc_come_last() {
    let berlin = Zone::named("Europe/Berlin");
    let r = raw("2024-01-15T07:00:00Z", None, &[]);
    let l = resolve(&r, berlin.as_ref());
    assert_eq!(
        (l.utc_offset_s, l.source, l.zone.as_deref()),
        (3600, LocalTimeSource::Configured, Some("Europe/Berlin"))
    );
    let l = resolve(&r, None);
    assert_eq!(l, LocalTime::utc());
}

#[cfg(feature = "timezones")]
#[test]
fn the_start_position_gives_the_zone_and_its_daylight_saving() {
    // Boulder on either side of the US change to summer time (2024-03-10 09:00 UTC).
    let winter = resolve(&raw("2024-03-09T14:00:00Z", Some(BOULDER), &[]), None);
    let summer = resolve(&raw("2024-03-10T14:00:00Z", Some(BOULDER), &[]), None);
    for (l, hours) in [(&winter, -7), (&summer, -6)] {
        assert_eq!(
            (l.utc_offset_s, l.source, l.zone.as_deref()),
            (
                hours * 3600,
                LocalTimeSource::StartPosition,
                Some("America/Denver")
            )
        );
    }
    // The position outranks the configured zone.
    let berlin = Zone::named("Europe/Berlin");
    let l = resolve(
        &raw("2024-03-09T14:00:00Z", Some(BOULDER), &[]),
        berlin.as_ref(),
    );
    assert_eq!(l.source, LocalTimeSource::StartPosition);
}

#[cfg(feature = "timezones")]
#[test]
fn a_file_offset_is_named_by_its_zone_only_when_they_agree() {
    let home = raw(
        "2024-07-01T13:00:00Z",
        Some(BOULDER),
        &[(-6 * 3600, OffsetField::ActivityLocalTimestamp)],
    );
    assert_eq!(resolve(&home, None).zone.as_deref(), Some("America/Denver"));
    // A watch still on Berlin time in Boulder: its clock, no zone.
    let abroad = raw(
        "2024-07-01T13:00:00Z",
        Some(BOULDER),
        &[(2 * 3600, OffsetField::ActivityLocalTimestamp)],
    );
    let l = resolve(&abroad, None);
    assert_eq!((l.utc_offset_s, l.zone), (2 * 3600, None));
}

#[cfg(feature = "timezones")]
#[test]
fn a_position_outside_every_zone_falls_back() {
    let at_sea = raw("2024-07-01T13:00:00Z", Some((0.5, -30.0)), &[]);
    let l = resolve(&at_sea, Zone::named("Europe/Lisbon").as_ref());
    assert_eq!(
        (l.utc_offset_s, l.source),
        (3600, LocalTimeSource::Configured)
    );
    assert_eq!(
        l.note.as_deref(),
        Some("the start position 0.500, -30.000 lies in no country's time zone: not used")
    );
    // Null island is no fix at all: no note, UTC.
    let l = resolve(&raw("2024-07-01T13:00:00Z", Some((0.0, 0.0)), &[]), None);
    assert_eq!(l, LocalTime::utc());
}

#[cfg(feature = "timezones")]
#[test]
fn a_clock_on_utc_that_the_position_contradicts_yields_to_the_position() {
    let unset = raw(
        "2024-07-01T13:00:00Z",
        Some(BOULDER),
        &[(0, OffsetField::ActivityLocalTimestamp)],
    );
    let l = resolve(&unset, None);
    assert_eq!(
        (l.utc_offset_s, l.source, l.zone.as_deref()),
        (
            -6 * 3600,
            LocalTimeSource::StartPosition,
            Some("America/Denver")
        )
    );
    assert_eq!(
        l.note.as_deref(),
        Some(
            "the file's activity.local_timestamp says UTC, the start position America/Denver \
             (-06:00): the position is used"
        )
    );
    // In London in winter UTC is the local clock: the file's offset stands.
    let london = raw(
        "2024-01-10T08:00:00Z",
        Some((51.5, -0.12)),
        &[(0, OffsetField::ActivityLocalTimestamp)],
    );
    let l = resolve(&london, None);
    assert_eq!(
        (l.utc_offset_s, l.source, l.zone.as_deref()),
        (
            0,
            LocalTimeSource::FileLocalTimestamp,
            Some("Europe/London")
        )
    );
}

#[cfg(feature = "timezones")]
#[test]
fn virtual_positions_are_no_place() {
    use crate::model::SubSport;
    // Zwift's Watopia, off the Solomon Islands.
    let mut zwift = raw("2024-07-01T18:00:00Z", Some((-11.64, 166.95)), &[]);
    zwift.sub_sport = Some(SubSport::VirtualActivity);
    assert_eq!(resolve(&zwift, None), LocalTime::utc());
    zwift.sub_sport = Some(SubSport::Other("indoor_cycling".into()));
    let l = resolve(&zwift, Zone::named("Europe/Madrid").as_ref());
    assert_eq!(l.source, LocalTimeSource::Configured);
    zwift.sub_sport = None;
    assert_eq!(
        resolve(&zwift, None).zone.as_deref(),
        Some("Pacific/Guadalcanal")
    );
}
