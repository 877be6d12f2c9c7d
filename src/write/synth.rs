//! Synthetic runs: a deterministic generator of [`RawActivity`] values with known
//! properties (pace, heart-rate curve and drift, cadence, route, terrain, pauses, laps)
//! for fixtures, scenario tests and benchmark inputs.
//!
//! Everything comes from a [`RunSpec`] and its `seed` through an in-crate SplitMix64
//! generator, so one spec always gives the same activity. Values are quantised to the
//! FIT resolution (distance 0.01 m, speed 0.001 m/s, altitude 0.2 m, whole-bpm heart
//! rate, whole steps/min cadence), so a FIT round trip is exact.
//!
//! # Example
//! ```
//! use easyrun::model::Timestamp;
//! use easyrun::write::synth::RunSpec;
//!
//! let start = Timestamp::parse_rfc3339("2025-03-11T06:30:00Z").unwrap_or_default();
//! let run = RunSpec::new(start, 30 * 60)
//!     .pace(390.0)
//!     .hr(128.0, 136.0)
//!     .pause(900, 60, false)
//!     .build();
//! assert_eq!(run.samples.len(), 30 * 60 + 1);
//! assert_eq!(run.timer_s, Some(1800.0));
//! assert_eq!(run.elapsed_s, Some(1860.0));
//! ```

use std::f64::consts::PI;

use crate::model::{
    Format, Lap, LapIntensity, Position, RawActivity, Sample, Session, Sport, SubSport, TimerEvent,
    TimerEventKind, Timestamp, WatchHrSettings,
};

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The shape of the ground under the route.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Terrain {
    /// Level ground (altitude noise only).
    Flat,
    /// Rolling hills: a sine of `amplitude_m` (half the peak-to-trough height) every
    /// `wavelength_m` of distance. Speed drops and heart rate rises on the climbs.
    Hilly { amplitude_m: f64, wavelength_m: f64 },
}

/// A timer pause: the watch's stop button after `at_s` seconds of moving time, the
/// start button `duration_s` seconds later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    /// Moving time at which the timer stops, seconds.
    pub at_s: u32,
    /// Length of the stop, seconds (≥ 2).
    pub duration_s: u32,
    /// Whether the watch keeps writing records (speed 0) while stopped.
    pub recording: bool,
}

/// A description of a synthetic run. Build one with [`RunSpec::new`] and the chained
/// setters, then call [`RunSpec::build`]. All fields are public for callers that prefer
/// struct syntax.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// First sample time (UTC).
    pub start: Timestamp,
    /// Moving (timer) time, seconds; samples every second from 0 to `duration_s`
    /// inclusive, pauses come on top.
    pub duration_s: u32,
    /// Mean pace on the flat, seconds per km.
    pub pace_s_per_km: f64,
    /// Standard deviation of the slow pace wander, as a fraction of speed.
    pub pace_variation: f64,
    /// Heart rate at the first sample, bpm.
    pub hr_initial_bpm: f64,
    /// Steady heart rate reached after the warm-up, bpm.
    pub hr_start_bpm: f64,
    /// Heart rate at the end: the steady part drifts linearly from `hr_start_bpm`.
    pub hr_end_bpm: f64,
    /// Time to settle from `hr_initial_bpm` to the steady curve (≈ 95 %), seconds.
    pub warmup_s: u32,
    /// Standard deviation of heart-rate noise, bpm.
    pub hr_noise_bpm: f64,
    /// Whether samples carry heart rate at all.
    pub hr: bool,
    /// Moving-time spans `(from_s, len_s)` with no heart rate (strap dropouts).
    pub hr_gaps: Vec<(u32, u32)>,
    /// Mean cadence, steps per minute.
    pub cadence_spm: f64,
    pub sport: Sport,
    pub sub_sport: Option<SubSport>,
    /// Whether samples carry positions (off for treadmill runs).
    pub gps: bool,
    /// Whether samples carry altitude.
    pub altitude: bool,
    /// Centre of the loop route.
    pub center: Position,
    /// Length of one loop of the route, metres.
    pub loop_m: f64,
    /// Standard deviation of the position wander, metres.
    pub gps_noise_m: f64,
    /// Altitude of the route's base, metres.
    pub base_altitude_m: f64,
    pub terrain: Terrain,
    /// Whether samples carry running power.
    pub power: bool,
    /// Timer pauses, in any order.
    pub pauses: Vec<Pause>,
    /// Auto-lap distance, metres (`None`: one lap for the whole run).
    pub lap_m: Option<f64>,
    /// Heart-rate settings the watch stores in the file.
    pub watch_hr: Option<WatchHrSettings>,
    /// Activity name.
    pub name: Option<String>,
    /// Seed of the noise generator.
    pub seed: u64,
}

impl RunSpec {
    /// An easy 6:00/km road run around a 2 km loop, heart rate settling at 130 and
    /// drifting to 135 bpm, 170 steps/min, flat, laps every km, no pauses.
    pub fn new(start: Timestamp, duration_s: u32) -> Self {
        RunSpec {
            start,
            duration_s,
            pace_s_per_km: 360.0,
            pace_variation: 0.03,
            hr_initial_bpm: 95.0,
            hr_start_bpm: 130.0,
            hr_end_bpm: 135.0,
            warmup_s: 300,
            hr_noise_bpm: 1.5,
            hr: true,
            hr_gaps: Vec::new(),
            cadence_spm: 170.0,
            sport: Sport::Running,
            sub_sport: Some(SubSport::Street),
            gps: true,
            altitude: true,
            center: Position {
                lat_deg: 47.3769,
                lon_deg: 8.5417,
            },
            loop_m: 2000.0,
            gps_noise_m: 1.0,
            base_altitude_m: 408.0,
            terrain: Terrain::Flat,
            power: false,
            pauses: Vec::new(),
            lap_m: Some(1000.0),
            watch_hr: None,
            name: None,
            seed: 0x00EA_5E00,
        }
    }

    /// Mean pace on the flat, seconds per km.
    pub fn pace(mut self, s_per_km: f64) -> Self {
        self.pace_s_per_km = s_per_km;
        self
    }

    /// Steady heart rate after the warm-up and at the end (drift), bpm.
    pub fn hr(mut self, start_bpm: f64, end_bpm: f64) -> Self {
        self.hr_start_bpm = start_bpm;
        self.hr_end_bpm = end_bpm;
        self
    }

    /// Heart rate at the first sample and the time to settle, seconds.
    pub fn warmup(mut self, initial_bpm: f64, warmup_s: u32) -> Self {
        self.hr_initial_bpm = initial_bpm;
        self.warmup_s = warmup_s;
        self
    }

    /// Mean cadence, steps per minute.
    pub fn cadence(mut self, spm: f64) -> Self {
        self.cadence_spm = spm;
        self
    }

    pub fn sport(mut self, sport: Sport, sub_sport: Option<SubSport>) -> Self {
        self.sport = sport;
        self.sub_sport = sub_sport;
        self
    }

    /// A treadmill run: no positions, no altitude, sub-sport treadmill.
    pub fn treadmill(mut self) -> Self {
        self.gps = false;
        self.altitude = false;
        self.terrain = Terrain::Flat;
        self.sub_sport = Some(SubSport::Treadmill);
        self
    }

    /// Rolling hills of `amplitude_m` every `wavelength_m`.
    pub fn hilly(mut self, amplitude_m: f64, wavelength_m: f64) -> Self {
        self.terrain = Terrain::Hilly {
            amplitude_m,
            wavelength_m,
        };
        self
    }

    /// Centre of the loop route and its length, metres.
    pub fn route(mut self, center: Position, loop_m: f64) -> Self {
        self.center = center;
        self.loop_m = loop_m;
        self
    }

    /// A timer pause after `at_s` seconds of moving time.
    pub fn pause(mut self, at_s: u32, duration_s: u32, recording: bool) -> Self {
        self.pauses.push(Pause {
            at_s,
            duration_s,
            recording,
        });
        self
    }

    /// No heart rate for `len_s` seconds from moving time `from_s`.
    pub fn hr_gap(mut self, from_s: u32, len_s: u32) -> Self {
        self.hr_gaps.push((from_s, len_s));
        self
    }

    /// Samples without heart rate.
    pub fn without_hr(mut self) -> Self {
        self.hr = false;
        self
    }

    pub fn with_power(mut self) -> Self {
        self.power = true;
        self
    }

    /// Auto-lap distance, metres; `None` for a single lap.
    pub fn laps_every(mut self, lap_m: Option<f64>) -> Self {
        self.lap_m = lap_m;
        self
    }

    pub fn watch_hr(mut self, settings: WatchHrSettings) -> Self {
        self.watch_hr = Some(settings);
        self
    }

    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Generates the activity.
    pub fn build(&self) -> RawActivity {
        build(self)
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast and good enough for test noise.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Approximately standard normal (Irwin–Hall with 4 terms): plain arithmetic only,
    /// so the values are identical on every platform.
    pub fn gauss(&mut self) -> f64 {
        let sum: f64 = (0..4).map(|_| self.next_f64()).sum();
        (sum - 2.0) * 3.0f64.sqrt()
    }
}

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

fn build(spec: &RunSpec) -> RawActivity {
    let mut rng = SplitMix64::new(spec.seed);
    let mut pace_wander = Wander::new(0.98, spec.pace_variation);
    let mut hr_wander = Wander::new(0.9, spec.hr_noise_bpm);
    let mut cad_wander = Wander::new(0.9, 1.5);
    let mut alt_wander = Wander::new(0.95, 0.3);
    let mut north_wander = Wander::new(0.9, spec.gps_noise_m);
    let mut east_wander = Wander::new(0.9, spec.gps_noise_m);
    let mut power_wander = Wander::new(0.8, 6.0);

    let mut pauses = spec.pauses.clone();
    pauses.sort_by_key(|p| p.at_s);
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
    let mut pause_iter = pauses.iter().peekable();

    for moving_s in 0..=spec.duration_s {
        let t = f64::from(moving_s);
        let (height, grade) = spec.terrain.at(distance);
        grade_smooth += (grade - grade_smooth) / 30.0;
        let hill_factor = (1.0 - 2.5 * grade).clamp(0.6, 1.3);
        let speed = quantise(
            (base_speed * hill_factor * (1.0 + pace_wander.step(&mut rng))).max(0.5),
            0.001,
        );
        if moving_s > 0 {
            distance += speed;
        }
        let steady = spec.hr_start_bpm + (spec.hr_end_bpm - spec.hr_start_bpm) * t / duration;
        let warm = (spec.hr_initial_bpm - spec.hr_start_bpm) * (-t / tau_s).exp();
        let hr = steady + warm + 80.0 * grade_smooth + hr_offset + hr_wander.step(&mut rng);
        hr_offset *= (-1.0f64 / 20.0).exp();
        let cadence = (spec.cadence_spm * (1.0 - 0.5 * grade) + cad_wander.step(&mut rng)).round();
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
            hr_bpm: has_hr_at(moving_s).then(|| hr.round().clamp(30.0, 230.0) as u16),
            cadence_spm: Some(cadence.clamp(0.0, 254.0)),
            power_w: power,
        });

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
            let mut paused_hr = hr;
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
            stopped_spans.push((stop, restart));
            events.push(TimerEvent {
                time: Timestamp(spec.start.0 + restart * 1000),
                kind: TimerEventKind::Start,
            });
            // The next moving second runs from the restart: its sample is 1 s later.
            elapsed = restart;
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
    let timer_s = f64::from(spec.duration_s);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn start() -> Timestamp {
        Timestamp::parse_rfc3339("2025-05-01T06:00:00Z").unwrap()
    }

    #[test]
    fn same_spec_same_activity() {
        let spec = RunSpec::new(start(), 600)
            .hilly(10.0, 800.0)
            .pause(300, 45, true);
        assert_eq!(spec.build(), spec.build());
        assert_ne!(spec.build(), spec.clone().seed(7).build());
    }

    #[test]
    fn one_hertz_samples_and_totals() {
        let run = RunSpec::new(start(), 1200).pace(360.0).build();
        assert_eq!(run.samples.len(), 1201);
        assert_eq!(run.record_span_s(), 1200.0);
        for pair in run.samples.windows(2) {
            assert_eq!(pair[1].time.seconds_since(pair[0].time), 1.0);
            assert!(pair[1].distance_m >= pair[0].distance_m);
        }
        let d = run.distance_m.unwrap();
        // 20 min at 6:00/km ≈ 3.33 km (pace wander only).
        assert!((d - 3333.0).abs() < 150.0, "{d}");
        assert_eq!(run.laps.len(), 4);
        let lap_sum: f64 = run.laps.iter().map(|l| l.distance_m.unwrap()).sum();
        assert!((lap_sum - d).abs() < 0.05);
        let lap_time: f64 = run.laps.iter().map(|l| l.elapsed_s.unwrap()).sum();
        assert_eq!(lap_time, 1200.0);
    }

    #[test]
    fn heart_rate_follows_the_curve() {
        let run = RunSpec::new(start(), 3600)
            .warmup(90.0, 300)
            .hr(130.0, 140.0)
            .build();
        let hr = |s: usize| f64::from(run.samples[s].hr_bpm.unwrap());
        assert!(hr(0) < 100.0);
        let mean = |a: usize, b: usize| (a..b).map(hr).sum::<f64>() / (b - a) as f64;
        assert!((mean(600, 900) - 131.0).abs() < 3.0);
        assert!((mean(3300, 3600) - 139.5).abs() < 3.0);
    }

    #[test]
    fn pauses_with_and_without_records() {
        let quiet = RunSpec::new(start(), 600).pause(200, 60, false).build();
        assert_eq!(quiet.samples.len(), 601);
        assert_eq!(quiet.record_span_s(), 660.0);
        assert_eq!(quiet.timer_s, Some(600.0));
        let kinds: Vec<_> = quiet.timer_events.iter().map(|e| e.kind).collect();
        use TimerEventKind::*;
        assert_eq!(kinds, vec![Start, StopAll, Start, StopAll]);
        assert_eq!(
            quiet.timer_events[2]
                .time
                .seconds_since(quiet.timer_events[1].time),
            60.0
        );
        let gap = quiet.samples[201]
            .time
            .seconds_since(quiet.samples[200].time);
        assert_eq!(gap, 61.0);
        assert!(quiet.samples[201].distance_m > quiet.samples[200].distance_m);

        let loud = RunSpec::new(start(), 600).pause(200, 60, true).build();
        assert_eq!(loud.samples.len(), 601 + 59);
        assert_eq!(loud.record_span_s(), 660.0);
        assert_eq!(loud.samples[230].speed_mps, Some(0.0));
        let lap_timer: f64 = loud.laps.iter().map(|l| l.timer_s.unwrap()).sum();
        assert_eq!(lap_timer, 600.0);
    }

    #[test]
    fn treadmill_has_no_position_or_altitude() {
        let run = RunSpec::new(start(), 300).treadmill().build();
        assert!(
            run.samples
                .iter()
                .all(|s| s.position.is_none() && s.altitude_m.is_none())
        );
        assert_eq!(run.sub_sport, Some(SubSport::Treadmill));
    }

    #[test]
    fn loop_stays_near_the_centre() {
        let spec = RunSpec::new(start(), 900);
        let run = spec.build();
        let r_deg = spec.loop_m / (2.0 * PI) / EARTH_RADIUS_M * 180.0 / PI;
        for s in &run.samples {
            let p = s.position.unwrap();
            assert!((p.lat_deg - spec.center.lat_deg).abs() < r_deg * 1.1);
        }
    }

    #[test]
    fn hr_gaps_leave_hr_missing() {
        let run = RunSpec::new(start(), 300).hr_gap(100, 20).build();
        let missing = run.samples.iter().filter(|s| s.hr_bpm.is_none()).count();
        assert_eq!(missing, 20);
    }
}
