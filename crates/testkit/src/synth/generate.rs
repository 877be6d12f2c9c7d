//! The generator proper: turns a [`RunSpec`] into samples, timer events, laps and a
//! session, second by second.

use std::f64::consts::PI;

use super::effects::{self, SURGE_CADENCE_SHARE};
use super::{RunSpec, SplitMix64, Terrain};
use easyrun::model::{
    Format, Lap, LapIntensity, Position, RawActivity, Sample, Session, TimerEvent, TimerEventKind,
    Timestamp,
};

/// Mean Earth radius (IUGG), metres.
pub(super) const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A first-order autoregressive noise with standard deviation `sd` and correlation
/// `rho` from one second to the next.
struct Wander {
    value: f64,
    rho: f64,
    sd: f64,
}

impl Wander {
    fn new(rho: f64, sd: f64) -> Self {
        Wander {
            value: 0.0,
            rho,
            sd,
        }
    }

    fn step(&mut self, rng: &mut SplitMix64) -> f64 {
        let innovation = (1.0 - self.rho * self.rho).max(0.0).sqrt() * self.sd;
        self.value = self.rho * self.value + innovation * rng.gauss();
        self.value
    }
}

fn quantise(value: f64, step: f64) -> f64 {
    (value / step).round() * step
}

/// Rounds to `step` and cleans the binary noise (`0.30000000000000004`) so values print
/// and serialise stably.
fn snap(value: f64, step: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (quantise(value, step) * scale).round() / scale
}

impl Terrain {
    /// Height above the base and grade (rise/run) at `distance_m`.
    fn at(self, distance_m: f64) -> (f64, f64) {
        match self {
            Terrain::Flat => (0.0, 0.0),
            Terrain::Hilly {
                amplitude_m,
                wavelength_m,
            } => {
                let w = wavelength_m.max(1.0);
                let phase = 2.0 * PI * distance_m / w;
                (
                    amplitude_m * phase.sin(),
                    amplitude_m * 2.0 * PI / w * phase.cos(),
                )
            }
        }
    }
}

fn position_on_loop(spec: &RunSpec, distance_m: f64, north_m: f64, east_m: f64) -> Position {
    let r = spec.loop_m.max(10.0) / (2.0 * PI);
    let theta = 2.0 * PI * distance_m / spec.loop_m.max(10.0);
    let east = r * theta.cos() + east_m;
    let north = r * theta.sin() + north_m;
    let lat = spec.center.lat_deg + (north / EARTH_RADIUS_M).to_degrees();
    let lon = spec.center.lon_deg
        + (east / (EARTH_RADIUS_M * spec.center.lat_deg.to_radians().cos())).to_degrees();
    Position {
        lat_deg: lat,
        lon_deg: lon,
    }
}

pub(super) fn build(spec: &RunSpec) -> RawActivity {
    let mut rng = SplitMix64::new(spec.seed);
    let mut pace_wander = Wander::new(0.98, spec.pace_variation);
    let mut hr_wander = Wander::new(0.9, spec.hr_noise_bpm);
    let mut cad_wander = Wander::new(0.9, 1.5);
    let mut alt_wander = Wander::new(0.95, spec.altitude_noise_m);
    let mut north_wander = Wander::new(0.9, spec.gps_noise_m);
    let mut east_wander = Wander::new(0.9, spec.gps_noise_m);
    let mut power_wander = Wander::new(0.8, 6.0);

    let mut pauses = spec.pauses.clone();
    pauses.sort_by_key(|p| p.at_s);
    let mut standstills = spec.standstills.clone();
    standstills.sort_by_key(|&(at, _)| at);
    let spikes = effects::spike_plan(spec);
    let base_speed = 1000.0 / spec.pace_s_per_km.max(60.0);
    let duration = f64::from(spec.duration_s.max(1));
    let tau_s = (f64::from(spec.warmup_s) / 3.0).max(1.0);
    let has_hr_at = |moving_s: u32| {
        spec.hr
            && !spec
                .hr_gaps
                .iter()
                .any(|&(from, len)| moving_s >= from && moving_s < from.saturating_add(len))
    };

    let mut samples = Vec::with_capacity(spec.duration_s as usize + 1);
    let mut events = vec![TimerEvent {
        time: spec.start,
        kind: TimerEventKind::Start,
    }];
    let mut stopped_spans: Vec<(i64, i64)> = Vec::new();
    let mut distance = 0.0f64;
    let mut elapsed: i64 = 0;
    // Heart rate after a pause rejoins the curve with this offset decaying (τ 20 s).
    let mut hr_offset = 0.0f64;
    let mut grade_smooth = 0.0f64;
    // Extra bpm from surges, following the speed with a lag.
    let mut surge_hr = 0.0f64;
    let mut pause_iter = pauses.iter().peekable();
    let mut still_iter = standstills.iter().peekable();
    // Seconds stood still with the timer running: timer time on top of `duration_s`.
    let mut standing_s: u32 = 0;

    for moving_s in 0..=spec.duration_s {
        let t = f64::from(moving_s);
        let (height, grade) = spec.terrain.at(distance);
        grade_smooth += (grade - grade_smooth) / 30.0;
        let (hill_factor, hill_in_hr) = effects::hill_effect(spec.hill_pacing, grade);
        let surge = effects::surge_factor(spec, moving_s);
        // A factor of exactly 1 leaves every product unchanged (runs without surges
        // are byte-identical to before surges existed).
        let speed = quantise(
            (base_speed * hill_factor * surge * (1.0 + pace_wander.step(&mut rng))).max(0.5),
            0.001,
        );
        if moving_s > 0 {
            distance += speed;
        }
        let steady = spec.hr_start_bpm + (spec.hr_end_bpm - spec.hr_start_bpm) * t / duration;
        let warm = (spec.hr_initial_bpm - spec.hr_start_bpm) * (-t / tau_s).exp();
        let hr_noise = hr_wander.step(&mut rng);
        let hill_hr = if hill_in_hr { 80.0 * grade_smooth } else { 0.0 };
        surge_hr = effects::surge_hr_step(surge_hr, surge);
        let hr = steady + warm + hill_hr + hr_offset + hr_noise + surge_hr;
        hr_offset *= (-1.0f64 / 20.0).exp();
        let cadence_mean = spec.cadence_spm * (1.0 + SURGE_CADENCE_SHARE * (surge - 1.0));
        let cadence = (cadence_mean * (1.0 - 0.5 * grade) + cad_wander.step(&mut rng)).round();
        // Cadence lock: the optical reading leaves the heart and sits on the step rate.
        let lock = effects::lock_weight(spec, moving_s);
        let locked_hr =
            cadence + hr_noise.clamp(-effects::LOCK_SCATTER_BPM, effects::LOCK_SCATTER_BPM);
        let reading = if lock > 0.0 {
            hr + lock * (locked_hr - hr)
        } else {
            hr
        };
        let reading = match spikes.iter().find(|&&(at, _)| at == moving_s) {
            Some(&(_, height)) => reading + height,
            None => reading,
        };
        let reading = spec
            .hr_bursts
            .iter()
            .find(|&&(at, len, _)| moving_s >= at && moving_s < at.saturating_add(len))
            .map_or(reading, |&(_, _, bpm)| bpm);
        let position = spec.gps.then(|| {
            position_on_loop(
                spec,
                distance,
                north_wander.step(&mut rng),
                east_wander.step(&mut rng),
            )
        });
        let altitude = spec.altitude.then(|| {
            snap(
                spec.base_altitude_m + height + alt_wander.step(&mut rng),
                0.2,
                1,
            )
        });
        let power = spec.power.then(|| {
            let watts = 72.0 * speed * (1.0 + 4.0 * grade) + power_wander.step(&mut rng);
            watts.round().clamp(0.0, 2000.0) as u16
        });
        let time = Timestamp(spec.start.0 + elapsed * 1000);
        samples.push(Sample {
            time,
            position,
            altitude_m: altitude,
            distance_m: Some(snap(distance, 0.01, 2)),
            speed_mps: Some(snap(speed, 0.001, 3)),
            hr_bpm: has_hr_at(moving_s).then(|| reading.round().clamp(30.0, 230.0) as u16),
            cadence_spm: Some(cadence.clamp(0.0, 254.0)),
            power_w: power,
        });

        // Heart rate as the runner leaves this second (a pause or standstill lowers it).
        let mut last_hr = hr;
        while let Some(pause) = pause_iter.next_if(|p| p.at_s <= moving_s) {
            if pause.at_s != moving_s || moving_s == spec.duration_s {
                continue;
            }
            let stop = elapsed;
            let restart = elapsed + i64::from(pause.duration_s.max(2));
            events.push(TimerEvent {
                time: Timestamp(spec.start.0 + stop * 1000),
                kind: TimerEventKind::StopAll,
            });
            let mut paused_hr = last_hr;
            let resting = spec.hr_start_bpm - 25.0;
            for k in (stop + 1)..restart {
                paused_hr = resting + (paused_hr - resting) * (-1.0f64 / 30.0).exp();
                let noisy = paused_hr + hr_wander.step(&mut rng);
                if !pause.recording {
                    continue;
                }
                samples.push(Sample {
                    time: Timestamp(spec.start.0 + k * 1000),
                    position,
                    altitude_m: altitude,
                    distance_m: Some(snap(distance, 0.01, 2)),
                    speed_mps: Some(0.0),
                    hr_bpm: has_hr_at(moving_s).then(|| noisy.round().clamp(30.0, 230.0) as u16),
                    cadence_spm: Some(0.0),
                    power_w: spec.power.then_some(0),
                });
            }
            hr_offset = paused_hr - (steady + warm);
            last_hr = paused_hr;
            stopped_spans.push((stop, restart));
            events.push(TimerEvent {
                time: Timestamp(spec.start.0 + restart * 1000),
                kind: TimerEventKind::Start,
            });
            // The next moving second runs from the restart: its sample is 1 s later.
            elapsed = restart;
        }
        // Standing still with the timer running: samples at speed 0, no timer events.
        while let Some(&(at_s, len_s)) = still_iter.next_if(|&&(at, _)| at <= moving_s) {
            if at_s != moving_s || moving_s == spec.duration_s || len_s == 0 {
                continue;
            }
            let mut still_hr = last_hr;
            let resting = spec.hr_start_bpm - 25.0;
            for k in (elapsed + 1)..=(elapsed + i64::from(len_s)) {
                still_hr = resting + (still_hr - resting) * (-1.0f64 / 30.0).exp();
                let noisy = still_hr + hr_wander.step(&mut rng);
                samples.push(Sample {
                    time: Timestamp(spec.start.0 + k * 1000),
                    position,
                    altitude_m: altitude,
                    distance_m: Some(snap(distance, 0.01, 2)),
                    speed_mps: Some(0.0),
                    hr_bpm: has_hr_at(moving_s).then(|| noisy.round().clamp(30.0, 230.0) as u16),
                    cadence_spm: Some(0.0),
                    power_w: spec.power.then_some(0),
                });
            }
            hr_offset = still_hr - (steady + warm);
            last_hr = still_hr;
            standing_s += len_s;
            elapsed += i64::from(len_s);
        }
        elapsed += 1;
    }
    let end = Timestamp(spec.start.0 + (elapsed - 1) * 1000);
    events.push(TimerEvent {
        time: end,
        kind: TimerEventKind::StopAll,
    });

    let laps = build_laps(spec, &samples, &stopped_spans);
    let span_s = end.seconds_since(spec.start);
    let timer_s = f64::from(spec.duration_s) + f64::from(standing_s);
    let distance_m = samples.last().and_then(|s| s.distance_m);
    let (avg_hr, max_hr) = hr_summary(&samples);
    let session = Session {
        sport: Some(spec.sport.clone()),
        sub_sport: spec.sub_sport.clone(),
        start_time: Some(spec.start),
        elapsed_s: Some(span_s),
        timer_s: Some(timer_s),
        distance_m,
        avg_hr_bpm: avg_hr,
        max_hr_bpm: max_hr,
        ascent_m: None,
        descent_m: None,
    };
    let mut activity = RawActivity::new("synthetic", Format::Fit);
    activity.sport = Some(spec.sport.clone());
    activity.sub_sport = spec.sub_sport.clone();
    activity.name = spec.name.clone();
    activity.start_time = spec.start;
    activity.elapsed_s = Some(span_s);
    activity.timer_s = Some(timer_s);
    activity.distance_m = distance_m;
    activity.samples = samples;
    activity.laps = laps;
    activity.sessions = vec![session];
    activity.timer_events = events;
    activity.watch_hr = spec.watch_hr.clone();
    activity
}

/// Rounded mean and maximum heart rate of the samples that have one.
fn hr_summary(samples: &[Sample]) -> (Option<u16>, Option<u16>) {
    let hrs: Vec<u16> = samples.iter().filter_map(|s| s.hr_bpm).collect();
    if hrs.is_empty() {
        return (None, None);
    }
    let sum: u64 = hrs.iter().map(|&h| u64::from(h)).sum();
    let avg = (sum as f64 / hrs.len() as f64).round() as u16;
    (Some(avg), hrs.iter().copied().max())
}

/// Laps at every `lap_m` of distance: lap k runs from the first sample at or past
/// k·lap_m to the first sample of the next lap (the last lap to the last sample).
fn build_laps(spec: &RunSpec, samples: &[Sample], stopped: &[(i64, i64)]) -> Vec<Lap> {
    let Some(last) = samples.len().checked_sub(1) else {
        return Vec::new();
    };
    let mut bounds = vec![0usize];
    if let Some(lap_m) = spec.lap_m.filter(|m| *m > 0.0) {
        let mut next = lap_m;
        for (i, s) in samples.iter().enumerate() {
            if s.distance_m.unwrap_or(0.0) >= next && i < last {
                bounds.push(i);
                while s.distance_m.unwrap_or(0.0) >= next {
                    next += lap_m;
                }
            }
        }
    }
    let mut laps = Vec::with_capacity(bounds.len());
    for (k, &from) in bounds.iter().enumerate() {
        let to = bounds.get(k + 1).copied().unwrap_or(last);
        let (Some(a), Some(b)) = (samples.get(from), samples.get(to)) else {
            continue;
        };
        let members = if k + 1 == bounds.len() {
            samples.get(from..=to)
        } else {
            samples.get(from..to)
        }
        .unwrap_or_default();
        let elapsed = b.time.seconds_since(a.time);
        let t0 = (a.time.0 - spec.start.0) / 1000;
        let t1 = (b.time.0 - spec.start.0) / 1000;
        let paused: i64 = stopped
            .iter()
            .map(|&(s, e)| (e.min(t1) - s.max(t0)).max(0))
            .sum();
        let (avg, max) = hr_summary(members);
        laps.push(Lap {
            start_time: Some(a.time),
            elapsed_s: Some(elapsed),
            timer_s: Some(elapsed - paused as f64),
            distance_m: Some(snap(
                b.distance_m.unwrap_or(0.0) - a.distance_m.unwrap_or(0.0),
                0.01,
                2,
            )),
            avg_hr_bpm: avg,
            max_hr_bpm: max,
            intensity: Some(LapIntensity::Active),
        });
    }
    laps
}
