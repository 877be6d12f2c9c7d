//! The FIT messages the writer emits, from `file_id` to `activity`, and the merge of
//! timer events, records and laps into one time-ordered stream.

use super::encoder::{
    Base, Definition, Encoder, LOCAL_ACTIVITY, LOCAL_DEV_ID, LOCAL_DEVICE_SETTINGS, LOCAL_EVENT,
    LOCAL_FIELD_DESC, LOCAL_FILE_ID, LOCAL_HR_ZONE, LOCAL_LAP, LOCAL_RECORD,
    LOCAL_RECORD_COMPRESSED, LOCAL_SESSION, LOCAL_USER_PROFILE, LOCAL_ZONES_TARGET, V,
    intensity_number, scaled_u32, small_u8, sport_number, sub_sport_number,
};
use super::{
    DEVELOPER_FIELDS, FitOptions, MANUFACTURER_DEVELOPMENT, dev_air_power, dev_form_power,
    fit_time, semicircles, split_cadence,
};
use easyrun::model::{
    HrCalcType, Lap, RawActivity, Sample, Session, Sport, TimerEventKind, Timestamp,
    WatchHrSettings,
};

pub(super) fn write_file_id(enc: &mut Encoder, activity: &RawActivity, options: &FitOptions) {
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
            // time_created: the activity's own when it states one, else its start.
            V::U32(Some(fit_time(
                activity.created.unwrap_or(activity.start_time),
            ))),
        ],
    );
}

pub(super) fn write_developer_definitions(enc: &mut Encoder) {
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

pub(super) fn write_watch_settings(enc: &mut Encoder, watch: &WatchHrSettings) {
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
pub(super) struct Columns {
    position: bool,
    altitude: bool,
    hr: bool,
    cadence: bool,
    distance: bool,
    speed: bool,
    power: bool,
}

impl Columns {
    pub(super) fn of(samples: &[Sample]) -> Self {
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

    pub(super) fn definition(self, with_time: bool, dev_fields: usize) -> Definition {
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

    pub(super) fn values(
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
                .map(|c| split_cadence(crate::per_foot_cadence(sport, c)));
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
pub(super) enum Item {
    Event(usize),
    Record(usize),
    Lap(usize),
}

/// Writes events, records and laps merged by time; returns the last timestamp.
pub(super) fn write_stream(
    enc: &mut Encoder,
    activity: &RawActivity,
    options: &FitOptions,
) -> Option<u32> {
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
pub(super) fn lap_end_times(activity: &RawActivity, last_sample: Option<u32>) -> Vec<u32> {
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

pub(super) fn lap_definition() -> Definition {
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

pub(super) fn write_lap(
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
pub(super) fn derived_session(activity: &RawActivity) -> Option<Session> {
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

pub(super) fn write_session(
    enc: &mut Encoder,
    session: &Session,
    index: usize,
    laps: usize,
    end: u32,
) {
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

/// The `activity` message; `local_timestamp` is `end` on the local clock
/// (`utc_offset_s` ahead of UTC: 0 unless the activity states its offset).
pub(super) fn write_activity(
    enc: &mut Encoder,
    end: u32,
    timer_s: f64,
    sessions: usize,
    utc_offset_s: i64,
) {
    let local = u32::try_from(i64::from(end) + utc_offset_s).ok();
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
            V::U32(local),
        ],
    );
}

/// A `device_settings` message whose `time_offset` states the watch's offset from UTC
/// (seconds; a negative one as its two's complement, as Garmin writes it).
pub(super) fn write_device_settings(enc: &mut Encoder, utc_offset_s: i64) {
    let def = Definition::new(2).field(2, Base::U32);
    enc.define(LOCAL_DEVICE_SETTINGS, &def);
    let wrapped = i32::try_from(utc_offset_s).map(|v| v as u32).ok();
    enc.data(LOCAL_DEVICE_SETTINGS, &def, &[V::U32(wrapped)]);
}
