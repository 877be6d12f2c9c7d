//! Cleaning, before any metric: samples → 1 Hz grid ([`resample`]), moving time
//! ([`pauses`]), heart-rate quality ([`hr_quality`]) and altitude ([`elevation`]).
//! Total: any [`RawActivity`] gives an [`Activity`]; what could not be used is flagged
//! and counted in its [`CleaningReport`].

pub mod clock;
pub mod distance;
pub mod elevation;
mod extremes;
pub mod gps_distance;
pub mod hr_artifacts;
pub mod hr_quality;
pub mod pauses;
pub mod resample;
pub(crate) mod total_order;

use crate::model::{Activity, CleaningReport, RawActivity, Second};

/// Elapsed time: the file's statement, else the sample span — never less than the moving
/// seconds on the grid (a Suunto session without its final lap states 67 min for 82 min
/// of records): then the grid's own span. After a forward clock jump was taken out, a
/// statement longer than the repaired records' span (a GPX reader's last-minus-first)
/// gives way to that span.
fn elapsed_s(raw: &RawActivity, repaired: &clock::Repaired<'_>, seconds: &[Second]) -> f64 {
    let span = match (repaired.samples.first(), repaired.samples.last()) {
        (Some(a), Some(b)) => b.time.seconds_since(a.time),
        _ => 0.0,
    };
    let mut stated = raw.elapsed_s.unwrap_or(span);
    if repaired.jumps.iter().any(|j| j.forward) && stated > span * 1.05 + 60.0 {
        stated = span;
    }
    let moving = seconds.iter().filter(|s| s.moving).count() as f64;
    if stated >= moving {
        return stated;
    }
    let grid_span = seconds.last().map_or(0.0, |s| f64::from(s.t_s));
    grid_span.max(moving)
}

/// Cleans one activity without knowing the athlete's max HR.
pub fn clean(raw: &RawActivity) -> Activity {
    clean_with(raw, None)
}

/// Cleans one activity; `known_max_hr_bpm` (the athlete's max HR from a flag, profile
/// or the watch) lets heart rate above it plus a margin be rejected.
pub fn clean_with(raw: &RawActivity, known_max_hr_bpm: Option<f64>) -> Activity {
    let repaired = clock::repair(raw);
    let grid = resample::to_grid(&repaired.samples);
    let mut seconds = grid.seconds;
    let excluded = pauses::mark_moving(&mut seconds, grid.t0, &repaired.timer_events);
    let hr = hr_quality::assess(&mut seconds, known_max_hr_bpm.map(|v| v as f32));
    let indoor = elevation::is_indoor(raw.sub_sport.as_ref());
    let noise = elevation::noise_m(&repaired.samples);
    let gps_device = elevation::phone_recorded(raw.manufacturer.as_deref(), raw.product.as_deref());
    let altitude = elevation::process(&mut seconds, raw.format, noise, gps_device, indoor);
    let span_s = seconds.last().map_or(0, |s| s.t_s + 1);
    let recorded_s = seconds.len() as u32;
    let cleaning = CleaningReport {
        non_monotonic_samples: grid.non_monotonic_samples,
        backwards_samples: grid.backwards_samples,
        backwards_dropped_s: grid.backwards_dropped_s,
        clock_jumps: repaired.jumps.clone(),
        distance_held_s: grid.distance.held_s,
        distance_resets: grid.distance.resets,
        speed_from_distance_s: grid.distance.speed_from_distance_s,
        distance_from_speed: grid.distance.from_speed,
        gps_smoothing_s: grid.gps.map(|g| g.half_window_s),
        recorded_s,
        paused_s: excluded.timer_paused_s + span_s.saturating_sub(recorded_s),
        stopped_s: excluded.stopped_s,
        hr_interpolated_s: hr.interpolated_s,
        hr_missing_s: hr.missing_s,
        hr_implausible_s: hr.implausible_s,
        hr_spike_s: hr.spike_s,
        hr_above_max_s: hr.above_max_s,
        hr_swing_s: hr.swing_s,
        hr_erratic_s: hr.erratic_s,
        hr_bridged_s: hr.bridged_s,
        hr_artifact_spans: hr.artifact_spans,
        hr_cadence_lock_s: hr.cadence_lock_s,
        cadence_lock_spans: hr.cadence_lock_spans,
        altitude: altitude.treatment,
        altitude_noise_m: altitude.noise_m,
        altitude_hysteresis_m: altitude.hysteresis_m,
    };
    Activity {
        header: raw.header(),
        t0: grid.t0,
        elapsed_s: elapsed_s(raw, &repaired, &seconds),
        stated_distance_m: raw.distance_m,
        has_gps: raw.samples.iter().any(|s| s.position.is_some()),
        seconds,
        laps: raw.laps.clone(),
        watch_hr: raw.watch_hr.clone(),
        cleaning,
    }
}
