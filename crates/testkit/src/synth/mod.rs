//! Synthetic runs: a deterministic generator of [`RawActivity`] values with known
//! properties (pace, heart-rate curve and drift, cadence, route, terrain, pauses, laps)
//! for fixtures, scenario tests and benchmark inputs.
//!
//! Scripted events put one known fault into an otherwise steady run: pace surges
//! ([`RunSpec::surge`]), optical cadence lock ([`RunSpec::cadence_lock`]), heart-rate
//! spikes ([`RunSpec::hr_spikes`]) and dropouts ([`RunSpec::hr_gap`]), timer pauses
//! ([`RunSpec::pause`]) and standing still with the timer running
//! ([`RunSpec::standstill`]). A spec that uses none of them generates exactly the
//! activity it generated before they existed.
//!
//! Everything comes from a [`RunSpec`] and its `seed` through an in-crate SplitMix64
//! generator, so one spec always gives the same activity. Values are quantised to the
//! FIT resolution (distance 0.01 m, speed 0.001 m/s, altitude 0.2 m, whole-bpm heart
//! rate, whole steps/min cadence), so a FIT round trip is exact.
//!
//! # Example
//! ```
//! use easyrun::model::Timestamp;
//! use easyrun_testkit::synth::RunSpec;
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

mod effects;
mod generate;
mod rng;

pub use rng::SplitMix64;

use easyrun::model::{Position, RawActivity, Sport, SubSport, Timestamp, WatchHrSettings};

/// The shape of the ground under the route.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Terrain {
    /// Level ground (altitude noise only).
    Flat,
    /// Rolling hills: a sine of `amplitude_m` (half the peak-to-trough height) every
    /// `wavelength_m` of distance. Speed drops and heart rate rises on the climbs.
    Hilly { amplitude_m: f64, wavelength_m: f64 },
}

/// How speed (and heart rate) respond to grade on [`Terrain::Hilly`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HillPacing {
    /// Speed × (1 − 2.5·grade) clamped to 0.6–1.3, heart rate + 80 bpm per unit of
    /// (lagged) grade: a runner who pushes the climbs. The original behaviour.
    #[default]
    Linear,
    /// Even effort: speed ÷ the equal-heart-rate GAP factor of the grade (Strava's 2017
    /// model, `metrics::gap`; clamped to 0.3–2), heart rate unaffected by grade.
    /// Grade-adjusted speed stays at the flat pace, so the hills show in ascent only —
    /// not as surges, drift or intensity.
    EvenEffort,
}

/// A pace pickup: from moving second `at_s`, for `len_s` seconds, speed × `speed_factor`
/// (reached and left over 5 s ramps). Heart rate follows with a lag, towards
/// +50 bpm per unit of extra factor (×1.3 → +15 bpm; rise τ 25 s, recovery τ 40 s), and
/// cadence rises by 15 % of the extra factor (×1.3 → +4.5 %).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Surge {
    /// Moving second the surge starts at.
    pub at_s: u32,
    /// Length, seconds.
    pub len_s: u32,
    /// Speed multiplier at full surge (> 1 for a pickup).
    pub speed_factor: f64,
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
    /// Moving time, seconds; samples every second from 0 to `duration_s` inclusive.
    /// Pauses and standstills come on top (standstills also count as timer time).
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
    /// Standard deviation of the slow altitude wander (sensor noise), metres.
    pub altitude_noise_m: f64,
    /// Altitude of the route's base, metres.
    pub base_altitude_m: f64,
    pub terrain: Terrain,
    /// Whether samples carry running power.
    pub power: bool,
    /// Timer pauses, in any order.
    pub pauses: Vec<Pause>,
    /// Standing still with the timer running, `(at_s, len_s)`: after moving second
    /// `at_s`, `len_s` samples at speed 0 (cadence 0, heart rate easing towards
    /// `hr_start_bpm − 25`). They add to the timer time, not to `duration_s`.
    pub standstills: Vec<(u32, u32)>,
    /// Pace pickups.
    pub surges: Vec<Surge>,
    /// Optical cadence lock, `(from_s, len_s)` in moving time: the heart-rate reading
    /// jumps onto the step rate (over 3 s), sits within ±2 bpm of it, and comes back to
    /// the true curve (over 4 s) at the end.
    pub cadence_locks: Vec<(u32, u32)>,
    /// Number of one-second heart-rate spikes, +40 to +70 bpm above the true value, one
    /// in each of `hr_spikes` equal slots of the run (placed by a stream of their own,
    /// so the rest of the run is unchanged).
    pub hr_spikes: u32,
    /// Heart-rate artifacts of a fixed reading: `(from_s, len_s, bpm)` in moving time,
    /// the reading sits at `bpm` (a strap losing contact, an optical sensor's swing)
    /// while the true curve goes on underneath.
    pub hr_bursts: Vec<(u32, u32, f64)>,
    /// How speed and heart rate respond to hills.
    pub hill_pacing: HillPacing,
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
            altitude_noise_m: 0.3,
            base_altitude_m: 408.0,
            terrain: Terrain::Flat,
            power: false,
            pauses: Vec::new(),
            standstills: Vec::new(),
            surges: Vec::new(),
            cadence_locks: Vec::new(),
            hr_spikes: 0,
            hr_bursts: Vec::new(),
            hill_pacing: HillPacing::Linear,
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

    /// The sub-sport alone (surface: trail, street, track, …).
    pub fn sub_sport(mut self, sub_sport: Option<SubSport>) -> Self {
        self.sub_sport = sub_sport;
        self
    }

    /// Standard deviation of the slow pace wander, as a fraction of speed.
    pub fn pace_variation(mut self, fraction: f64) -> Self {
        self.pace_variation = fraction;
        self
    }

    /// Standard deviations of the position and altitude wander, metres.
    pub fn sensor_noise(mut self, gps_m: f64, altitude_m: f64) -> Self {
        self.gps_noise_m = gps_m;
        self.altitude_noise_m = altitude_m;
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

    /// Standing still for `len_s` seconds after moving second `at_s`, the timer running.
    pub fn standstill(mut self, at_s: u32, len_s: u32) -> Self {
        self.standstills.push((at_s, len_s));
        self
    }

    /// A pace pickup of `speed_factor` for `len_s` seconds from moving second `at_s`.
    pub fn surge(mut self, at_s: u32, len_s: u32, speed_factor: f64) -> Self {
        self.surges.push(Surge {
            at_s,
            len_s,
            speed_factor,
        });
        self
    }

    /// The heart-rate reading locks onto the step rate for `len_s` seconds from moving
    /// second `at_s`.
    pub fn cadence_lock(mut self, at_s: u32, len_s: u32) -> Self {
        self.cadence_locks.push((at_s, len_s));
        self
    }

    /// `count` one-second heart-rate spikes spread over the run.
    pub fn hr_spikes(mut self, count: u32) -> Self {
        self.hr_spikes = count;
        self
    }

    /// A heart-rate reading fixed at `bpm` for `len_s` moving seconds from `at_s` (an
    /// artifact: the true heart goes on underneath).
    pub fn hr_burst(mut self, at_s: u32, len_s: u32, bpm: f64) -> Self {
        self.hr_bursts.push((at_s, len_s, bpm));
        self
    }

    /// A walk break: `len_s` moving seconds from `at_s` at 0.45 × the pace (≈ 14 min/km
    /// for a 6:30 runner), heart rate easing by the surge model's response.
    pub fn walk(self, at_s: u32, len_s: u32) -> Self {
        self.surge(at_s, len_s, 0.45)
    }

    /// How speed and heart rate respond to hills.
    pub fn hill_pacing(mut self, pacing: HillPacing) -> Self {
        self.hill_pacing = pacing;
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
        generate::build(self)
    }
}

#[cfg(test)]
mod tests;
