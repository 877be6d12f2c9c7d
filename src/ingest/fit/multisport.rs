//! Multisport FIT files (a triathlon, a brick, a run with a watch restart) hold one
//! `session` per leg (DOMAIN §9). [`split_sessions`] turns such a file into one activity
//! per session, named `file.fit#N` (N counts sessions from 1 in file order), each with
//! its session's sport, totals and start, and the records, laps and timer events of its
//! time span. The file's name (its `sport` message) stays with the sessions of the
//! file's own sport.

use crate::model::{RawActivity, Session, Timestamp};

/// One activity per session when the file holds two or more sessions that all state a
/// start time; the activity unchanged otherwise.
///
/// Session `i` owns the time span from its start to the next session's start (sessions
/// in time order); records and events before the first session belong to the first,
/// those after the last to the last, so no record is dropped. Laps go by their start
/// time (a lap without one goes with the record span it cannot be placed in: none).
pub fn split_sessions(raw: RawActivity) -> Vec<RawActivity> {
    if raw.sessions.len() < 2 || raw.sessions.iter().any(|s| s.start_time.is_none()) {
        return vec![raw];
    }
    let mut order: Vec<usize> = (0..raw.sessions.len()).collect();
    order.sort_by_key(|&i| raw.sessions.get(i).and_then(|s| s.start_time));
    // `bounds[k]`: start of the k-th session in time order.
    let bounds: Vec<Timestamp> = order
        .iter()
        .filter_map(|&i| raw.sessions.get(i).and_then(|s| s.start_time))
        .collect();
    // Position in time order of the session owning instant `t`.
    let owner = |t: Timestamp| bounds.partition_point(|b| *b <= t).saturating_sub(1);

    let mut parts: Vec<RawActivity> = order
        .iter()
        .map(|&i| part(&raw, i, raw.sessions.get(i)))
        .collect();
    for sample in &raw.samples {
        if let Some(p) = parts.get_mut(owner(sample.time)) {
            p.samples.push(*sample);
        }
    }
    for event in &raw.timer_events {
        if let Some(p) = parts.get_mut(owner(event.time)) {
            p.timer_events.push(*event);
        }
    }
    for lap in &raw.laps {
        if let Some(p) = lap.start_time.and_then(|t| parts.get_mut(owner(t))) {
            p.laps.push(lap.clone());
        }
    }
    // Back to file order, so `#N` and the output order follow the file.
    let mut numbered: Vec<(usize, RawActivity)> = order.into_iter().zip(parts).collect();
    numbered.sort_by_key(|(i, _)| *i);
    numbered.into_iter().map(|(_, p)| p).collect()
}

/// The activity of session `index` (without its samples, laps and events yet).
fn part(raw: &RawActivity, index: usize, session: Option<&Session>) -> RawActivity {
    let mut a = RawActivity::new(format!("{}#{}", raw.source, index + 1), raw.format);
    a.file_type.clone_from(&raw.file_type);
    a.manufacturer.clone_from(&raw.manufacturer);
    a.product.clone_from(&raw.product);
    a.watch_hr.clone_from(&raw.watch_hr);
    a.workout.clone_from(&raw.workout);
    a.stated_offsets.clone_from(&raw.stated_offsets);
    if let Some(s) = session {
        a.sport.clone_from(&s.sport);
        a.sub_sport.clone_from(&s.sub_sport);
        a.start_time = s.start_time.unwrap_or(raw.start_time);
        a.elapsed_s = s.elapsed_s;
        a.timer_s = s.timer_s;
        a.distance_m = s.distance_m;
        a.sessions = vec![s.clone()];
        // The `sport` message's name belongs to the file's (first) sport: a triathlon's
        // "Open Water" does not name its run.
        if s.sport == raw.sport {
            a.name.clone_from(&raw.name);
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Lap, Sample, Sport};

    fn session(sport: Sport, start_s: i64, elapsed_s: f64) -> Session {
        Session {
            sport: Some(sport),
            sub_sport: None,
            start_time: Some(Timestamp::from_unix_s(start_s)),
            elapsed_s: Some(elapsed_s),
            timer_s: Some(elapsed_s),
            distance_m: Some(elapsed_s * 3.0),
            avg_hr_bpm: None,
            max_hr_bpm: None,
            ascent_m: None,
            descent_m: None,
        }
    }

    fn brick() -> RawActivity {
        let mut raw = RawActivity::new("brick.fit", Format::Fit);
        raw.sessions = vec![
            session(Sport::Cycling, 1000, 600.0),
            session(Sport::Other("transition".into()), 1600, 60.0),
            session(Sport::Running, 1660, 300.0),
        ];
        raw.samples = (995..1960)
            .step_by(5)
            .map(|t| Sample {
                time: Timestamp::from_unix_s(t),
                ..Sample::default()
            })
            .collect();
        raw.laps = [1000, 1600, 1660, 1800]
            .iter()
            .map(|&t| Lap {
                start_time: Some(Timestamp::from_unix_s(t)),
                elapsed_s: None,
                timer_s: None,
                distance_m: None,
                avg_hr_bpm: None,
                max_hr_bpm: None,
                intensity: None,
            })
            .collect();
        raw
    }

    #[test]
    fn one_activity_per_session_with_its_own_span() {
        let parts = split_sessions(brick());
        let names: Vec<&str> = parts.iter().map(|p| p.source.as_str()).collect();
        assert_eq!(names, ["brick.fit#1", "brick.fit#2", "brick.fit#3"]);
        let sports: Vec<Option<Sport>> = parts.iter().map(|p| p.sport.clone()).collect();
        assert_eq!(
            sports,
            [
                Some(Sport::Cycling),
                Some(Sport::Other("transition".into())),
                Some(Sport::Running)
            ]
        );
        // 995..1600 (the sample before the start goes with the first leg), 1600..1660,
        // 1660..1960: every sample lands somewhere, once.
        let counts: Vec<usize> = parts.iter().map(|p| p.samples.len()).collect();
        assert_eq!(counts, [121, 12, 60]);
        assert_eq!(counts.iter().sum::<usize>(), brick().samples.len());
        let laps: Vec<usize> = parts.iter().map(|p| p.laps.len()).collect();
        assert_eq!(laps, [1, 1, 2]);
        let run = parts.get(2).unwrap_or_else(|| unreachable!());
        assert_eq!(run.start_time, Timestamp::from_unix_s(1660));
        assert_eq!(run.elapsed_s, Some(300.0));
        assert_eq!(run.sessions.len(), 1);
    }

    #[test]
    fn single_sessions_and_undated_sessions_stay_whole() {
        let mut one = brick();
        one.sessions.truncate(1);
        assert_eq!(split_sessions(one.clone()), vec![one]);
        let mut undated = brick();
        if let Some(s) = undated.sessions.get_mut(1) {
            s.start_time = None;
        }
        assert_eq!(split_sessions(undated.clone()), vec![undated]);
    }
}
