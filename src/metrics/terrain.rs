//! Terrain of a run: elevation gain and loss with hysteresis, ascent per kilometre, the
//! share of distance on steep grades, and a Flat / Rolling / Hilly class.
//!
//! - Gain/loss with hysteresis (the threshold method of GoldenCheetah's ElevationGain
//!   and Runalyze's elevation calculator): altitude only counts once it has moved more
//!   than `threshold_m` away from the last anchor. This implementation tracks the
//!   current extreme and credits whole climbs and descents extreme to extreme: a
//!   direction change is confirmed when the altitude falls (rises) more than the
//!   threshold below (above) the running extreme, and a climb still open at the end is
//!   credited up to its highest point. So a steady climb of `h` metres gives exactly
//!   `h`, and noise smaller than the threshold gives 0. Before the first turn the lowest
//!   and highest values so far are both candidate anchors, so a trace that starts
//!   mid-rise counts its first swing. The threshold is the caller's (clean::elevation
//!   chooses it by the altitude's noise: 2 m barometric, ≥ 5 m GPS; shared/DOMAIN.md §5:
//!   a flat hour with 1 m noise gives ~2000 m raw gain, ~224 m at 3 m, 0 at 5 m).
//!   Altitude is read on moving seconds, in time order.
//! - Ascent per km = ascent / moving distance (`Activity::moving_distance_m`); under
//!   [`MIN_RATE_DISTANCE_M`] of moving distance it is reported but not classified on.
//! - Steep share = distance on moving steps with `|grade| > STEEP_GRADE` / distance on
//!   moving steps with a known grade (grade is cleaning's, over a distance window).
//! - Class (shared/DOMAIN.md §5): Flat when ascent ≤ [`FLAT_MAX_ASCENT_PER_KM_M`] m/km
//!   and steep share ≤ [`FLAT_MAX_STEEP_SHARE`]; Hilly when ascent >
//!   [`HILLY_MIN_ASCENT_PER_KM_M`] m/km or steep share > [`HILLY_MIN_STEEP_SHARE`];
//!   Rolling otherwise. An unknown steep share does not constrain the class.
//! - Indoor runs (treadmill, indoor track) are flat by definition: their altitude is
//!   junk, so no ascent is reported. Outdoor runs without altitude have no class.

use serde::{Deserialize, Serialize};

use crate::model::{Activity, Second};

/// |grade| above which a step counts as steep (rise/run).
pub const STEEP_GRADE: f64 = 0.04;
/// Flat: at most this ascent per km, metres.
pub const FLAT_MAX_ASCENT_PER_KM_M: f64 = 10.0;
/// Flat: at most this share of distance steep.
pub const FLAT_MAX_STEEP_SHARE: f64 = 0.05;
/// Hilly: more than this ascent per km, metres.
pub const HILLY_MIN_ASCENT_PER_KM_M: f64 = 20.0;
/// Hilly: more than this share of distance steep.
pub const HILLY_MIN_STEEP_SHARE: f64 = 0.15;
/// Below this moving distance the ascent per km says nothing (4 m over a 130-m test
/// file is "31 m/km"): the class then rests on the steep share alone, metres.
pub const MIN_RATE_DISTANCE_M: f64 = 1000.0;
/// Hysteresis for barometric-grade altitude, metres (clean::elevation chooses it).
pub const DEVICE_HYSTERESIS_M: f64 = crate::clean::elevation::BAROMETRIC_HYSTERESIS_M;
/// Smallest hysteresis for GPS altitude, metres (clean::elevation grows it with the
/// measured noise).
pub const GPS_HYSTERESIS_M: f64 = crate::clean::elevation::GPS_HYSTERESIS_M;

/// Terrain class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerrainClass {
    Flat,
    Rolling,
    Hilly,
}

impl TerrainClass {
    /// Snake-case name, as in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            TerrainClass::Flat => "flat",
            TerrainClass::Rolling => "rolling",
            TerrainClass::Hilly => "hilly",
        }
    }
}

/// What the terrain numbers rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerrainBasis {
    /// Measured from the activity's altitude.
    Altitude,
    /// Indoor run: flat by definition, altitude ignored.
    Indoor,
    /// Outdoor run without altitude: terrain unknown.
    NoAltitude,
}

/// Terrain of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Terrain {
    pub basis: TerrainBasis,
    pub hysteresis_m: f64,
    pub ascent_m: Option<f64>,
    pub descent_m: Option<f64>,
    pub ascent_per_km_m: Option<f64>,
    /// Share of distance at |grade| > [`STEEP_GRADE`], 0..=1.
    pub steep_share: Option<f64>,
    pub class: Option<TerrainClass>,
}

/// Elevation gain and loss, metres, of an altitude series with hysteresis
/// `threshold_m` (see the module docs). Non-finite values are skipped.
pub fn elevation_change(
    altitudes_m: impl IntoIterator<Item = f64>,
    threshold_m: f64,
) -> (f64, f64) {
    #[derive(Clone, Copy)]
    enum Trend {
        Unknown,
        Up,
        Down,
    }
    let threshold_m = if threshold_m.is_finite() {
        threshold_m.max(0.0)
    } else {
        0.0
    };
    let (mut gain, mut loss) = (0.0, 0.0);
    let mut trend = Trend::Unknown;
    // Up/Down: (anchor, running extreme); Unknown: (lowest, highest) so far, so that a
    // first swing counts from wherever it turned, not from the first value (a trace that
    // starts half-way up a 3-m rise would otherwise never move 2 m from its start).
    let mut state: Option<(f64, f64)> = None;
    for alt in altitudes_m.into_iter().filter(|a| a.is_finite()) {
        let Some((a, b)) = state else {
            state = Some((alt, alt));
            continue;
        };
        let next = match trend {
            Trend::Unknown if alt - a > threshold_m => (Trend::Up, a, alt),
            Trend::Unknown if b - alt > threshold_m => (Trend::Down, b, alt),
            Trend::Unknown => (Trend::Unknown, a.min(alt), b.max(alt)),
            Trend::Up if alt >= b => (Trend::Up, a, alt),
            Trend::Up if b - alt > threshold_m => {
                gain += b - a;
                (Trend::Down, b, alt)
            }
            Trend::Down if alt <= b => (Trend::Down, a, alt),
            Trend::Down if alt - b > threshold_m => {
                loss += a - b;
                (Trend::Up, b, alt)
            }
            same => (same, a, b),
        };
        trend = next.0;
        state = Some((next.1, next.2));
    }
    if let Some((anchor, extreme)) = state {
        match trend {
            Trend::Up => gain += extreme - anchor,
            Trend::Down => loss += anchor - extreme,
            Trend::Unknown => {}
        }
    }
    (gain, loss)
}

/// Distances of one walk over consecutive moving seconds: the moving distance (the sum
/// `Activity::moving_distance_m` makes, step by step in the same order) and the share of
/// it on steep ground.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Distances {
    /// Moving distance, metres (`Activity::moving_distance_m`).
    pub moving_m: f64,
    /// Of the steps with a grade: their distance, and the part steeper than
    /// [`STEEP_GRADE`] either way, metres.
    known_m: f64,
    steep_m: f64,
}

impl Distances {
    pub(crate) fn of(activity: &Activity) -> Distances {
        let mut d = Distances::default();
        for w in activity.seconds.windows(2) {
            if let [a, b] = w {
                d.step(a, b);
            }
        }
        d
    }

    /// Adds the step from second `a` to the next one, `b`.
    pub(crate) fn step(&mut self, a: &Second, b: &Second) {
        // Every test made first and the step chosen by selects, not branches: whether a
        // second moves, has a grade or is steep changes at the data's whim. Adding 0.0
        // leaves each sum as it was (none of them is ever -0.0), so the sums are the
        // branching version's, bit for bit.
        let (Some(da), Some(db)) = (a.distance_m, b.distance_m) else {
            return;
        };
        let counted = b.moving & (b.t_s == a.t_s.wrapping_add(1)) & (a.t_s != u32::MAX);
        let step_m = if counted { (db - da).max(0.0) } else { 0.0 };
        self.moving_m += step_m;
        let grade = b.grade.map_or(0.0, f64::from);
        let known = if b.grade.is_some() { step_m } else { 0.0 };
        self.known_m += known;
        self.steep_m += if grade.abs() > STEEP_GRADE {
            known
        } else {
            0.0
        };
    }

    /// Share of the distance with a grade that is steeper than [`STEEP_GRADE`] either
    /// way (`None` without any).
    fn steep_share(&self) -> Option<f64> {
        (self.known_m > 0.0).then(|| self.steep_m / self.known_m)
    }
}

/// The class for an ascent rate and (optional) steep share.
pub fn classify(ascent_per_km_m: f64, steep_share: Option<f64>) -> TerrainClass {
    let steep = steep_share.unwrap_or(0.0);
    if ascent_per_km_m > HILLY_MIN_ASCENT_PER_KM_M || steep > HILLY_MIN_STEEP_SHARE {
        TerrainClass::Hilly
    } else if ascent_per_km_m <= FLAT_MAX_ASCENT_PER_KM_M && steep <= FLAT_MAX_STEEP_SHARE {
        TerrainClass::Flat
    } else {
        TerrainClass::Rolling
    }
}

/// Terrain of `activity`, altitude hysteresis `hysteresis_m` ([`DEVICE_HYSTERESIS_M`]
/// or [`GPS_HYSTERESIS_M`]); `indoor` runs are flat by definition.
pub fn terrain(activity: &Activity, hysteresis_m: f64, indoor: bool) -> Terrain {
    terrain_with(activity, &Distances::of(activity), hysteresis_m, indoor)
}

/// [`terrain`] with the activity's distances already walked ([`Distances::of`]).
pub(crate) fn terrain_with(
    activity: &Activity,
    distances: &Distances,
    hysteresis_m: f64,
    indoor: bool,
) -> Terrain {
    let unmeasured = |basis, class| Terrain {
        basis,
        hysteresis_m,
        ascent_m: None,
        descent_m: None,
        ascent_per_km_m: None,
        steep_share: None,
        class,
    };
    if indoor {
        return unmeasured(TerrainBasis::Indoor, Some(TerrainClass::Flat));
    }
    // Walked in place, not collected.
    let mut altitudes = activity
        .seconds
        .iter()
        .filter(|s| s.moving)
        .filter_map(|s| s.altitude_m.map(f64::from))
        .peekable();
    if altitudes.peek().is_none() {
        return unmeasured(TerrainBasis::NoAltitude, None);
    }
    let (ascent_m, descent_m) = elevation_change(altitudes, hysteresis_m);
    let distance_km = distances.moving_m / 1000.0;
    let ascent_per_km_m = (distance_km > 0.0).then(|| ascent_m / distance_km);
    let steep_share = distances.steep_share();
    Terrain {
        basis: TerrainBasis::Altitude,
        hysteresis_m,
        ascent_m: Some(ascent_m),
        descent_m: Some(descent_m),
        ascent_per_km_m,
        steep_share,
        class: ascent_per_km_m.map(|a| {
            let rate = if distance_km * 1000.0 >= MIN_RATE_DISTANCE_M {
                a
            } else {
                0.0
            };
            classify(rate, steep_share)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::{Columns, assert_close, assert_some_close};

    #[test]
    fn a_steady_climb_gives_its_exact_ascent() {
        // 1000 s at 3 m/s up 5 %: 0.15 m/s, 150 m over 3000 m.
        let mut c = Columns::steady(1001, 3.0, 140.0);
        c.altitude_m = (0..1001)
            .map(|t| Some((0.15 * f64::from(t)) as f32))
            .collect();
        c.grade = vec![Some(0.05); 1001];
        let t = terrain(&c.build(), DEVICE_HYSTERESIS_M, false);
        assert_some_close(t.ascent_m, 150.0, 1e-3);
        assert_some_close(t.descent_m, 0.0, 1e-9);
        assert_some_close(t.ascent_per_km_m, 50.0, 1e-3);
        assert_some_close(t.steep_share, 1.0, 1e-12);
        assert_eq!(
            (t.basis, t.class),
            (TerrainBasis::Altitude, Some(TerrainClass::Hilly))
        );
    }

    /// Deterministic noise in [−1, 1] m.
    fn noise_m(t: u32) -> f64 {
        let t = f64::from(t);
        (t * 1.7).sin() * (t * 0.31).cos()
    }

    #[test]
    fn metre_noise_on_the_flat_gives_no_gain_with_the_barometric_hysteresis() {
        let alts: Vec<f64> = (0..3600).map(|t| 100.0 + noise_m(t)).collect();
        let raw_gain: f64 = alts
            .windows(2)
            .map(|w| match w {
                [a, b] => (b - a).max(0.0),
                _ => 0.0,
            })
            .sum();
        assert!(raw_gain > 1000.0, "the noise is real: {raw_gain} m raw");
        let (gain, loss) = elevation_change(alts.iter().copied(), DEVICE_HYSTERESIS_M);
        assert_eq!((gain, loss), (0.0, 0.0));

        let mut c = Columns::steady(3600, 3.0, 140.0);
        c.altitude_m = alts.iter().map(|&a| Some(a as f32)).collect();
        c.grade = vec![Some(0.0); 3600];
        let t = terrain(&c.build(), DEVICE_HYSTERESIS_M, false);
        assert_some_close(t.ascent_m, 0.0, 1e-9);
        assert_eq!(t.class, Some(TerrainClass::Flat));
    }

    #[test]
    fn hysteresis_credits_whole_climbs_and_descents() {
        // 0 → 20 → 5 → 30 → 28: the final 2-m dip stays under the threshold.
        let path = [0.0, 10.0, 20.0, 18.0, 5.0, 12.0, 30.0, 28.0];
        let (gain, loss) = elevation_change(path, 3.0);
        assert_close(gain, 20.0 + 25.0, 1e-12);
        assert_close(loss, 15.0, 1e-12);
        // A 4-m bump counts at 3 m hysteresis but not at 5 m.
        let bump = [0.0, 4.0, 0.0];
        assert_eq!(elevation_change(bump, 3.0), (4.0, 4.0));
        assert_eq!(elevation_change(bump, 5.0), (0.0, 0.0));
        assert_eq!(elevation_change([], 3.0), (0.0, 0.0));
        // Starting half-way up: ±1.5 m swings count at 2 m hysteresis — four 3-m
        // descents from the first crest on, three full 3-m climbs between them.
        let waves: Vec<f64> = (0..400)
            .map(|t| 1.5 * (f64::from(t) * std::f64::consts::TAU / 100.0).sin())
            .collect();
        let (gain, loss) = elevation_change(waves, 2.0);
        assert!((gain - 9.0).abs() < 0.01, "{gain}");
        assert!((loss - 12.0).abs() < 0.01, "{loss}");
    }

    #[test]
    fn class_thresholds() {
        assert_eq!(classify(10.0, Some(0.05)), TerrainClass::Flat);
        assert_eq!(classify(10.1, Some(0.0)), TerrainClass::Rolling);
        assert_eq!(classify(5.0, Some(0.06)), TerrainClass::Rolling);
        assert_eq!(classify(20.0, Some(0.15)), TerrainClass::Rolling);
        assert_eq!(classify(20.1, Some(0.0)), TerrainClass::Hilly);
        assert_eq!(classify(0.0, Some(0.16)), TerrainClass::Hilly);
        assert_eq!(classify(8.0, None), TerrainClass::Flat);
    }

    #[test]
    fn indoor_is_flat_and_no_altitude_is_unknown() {
        let mut c = Columns::steady(600, 3.0, 140.0);
        c.altitude_m = (0..600).map(|t| Some(t as f32)).collect();
        let t = terrain(&c.build(), DEVICE_HYSTERESIS_M, true);
        assert_eq!(
            (t.basis, t.class, t.ascent_m),
            (TerrainBasis::Indoor, Some(TerrainClass::Flat), None)
        );
        let t = terrain(
            &Columns::steady(600, 3.0, 140.0).build(),
            GPS_HYSTERESIS_M,
            false,
        );
        assert_eq!(
            (t.basis, t.class, t.ascent_m),
            (TerrainBasis::NoAltitude, None, None)
        );
    }

    #[test]
    fn steep_share_weights_by_distance() {
        // 600 s at 3 m/s flat, then 200 s at 1.5 m/s on 8 %: 300 m steep of 2097 m.
        let mut c = Columns::steady(800, 3.0, 140.0);
        c.speed_mps
            .iter_mut()
            .skip(600)
            .for_each(|v| *v = Some(1.5));
        c.grade = (0..800)
            .map(|i| Some(if i < 600 { 0.0 } else { 0.08 }))
            .collect();
        c.altitude_m = vec![Some(0.0); 800];
        let t = terrain(&c.build(), DEVICE_HYSTERESIS_M, false);
        assert_some_close(t.steep_share, 300.0 / (599.0 * 3.0 + 300.0), 1e-12);
    }

    /// The steep share's own walk, as this file had it before it shared the walk with the
    /// moving distance: the reference.
    fn reference_steep_share(activity: &Activity) -> Option<f64> {
        let (mut steep_m, mut known_m) = (0.0, 0.0);
        for w in activity.seconds.windows(2) {
            if let [a, b] = w
                && b.moving
                && b.t_s == a.t_s + 1
                && let (Some(da), Some(db), Some(grade)) = (a.distance_m, b.distance_m, b.grade)
            {
                let step_m = (db - da).max(0.0);
                known_m += step_m;
                if f64::from(grade).abs() > STEEP_GRADE {
                    steep_m += step_m;
                }
            }
        }
        (known_m > 0.0).then(|| steep_m / known_m)
    }

    #[test]
    fn one_walk_gives_the_moving_distance_and_the_steep_share_bit_for_bit() {
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(9);
        for case in 0..80usize {
            let n = 10 + 37 * case;
            let mut c = Columns::steady(n, 3.0, 140.0);
            for i in 0..n {
                if let (Some(v), Some(m)) = (c.speed_mps.get_mut(i), c.moving.get_mut(i)) {
                    *v = match rng.next_u64() % 30 {
                        0 => None,
                        // Backwards steps (clamped to 0) and standing still.
                        1 => Some(-1.0),
                        2 => Some(0.0),
                        _ => Some((3.0 + 0.5 * rng.gauss()) as f32),
                    };
                    *m = !rng.next_u64().is_multiple_of(25);
                }
            }
            c.grade = (0..n)
                .map(|_| match rng.next_u64() % 10 {
                    0 => None,
                    1 => Some(STEEP_GRADE as f32),
                    2 => Some(f32::NAN),
                    _ => Some((0.05 * rng.gauss()) as f32),
                })
                .collect();
            let mut t = 0u32;
            c.t_s = (0..n)
                .map(|_| {
                    t += if rng.next_u64().is_multiple_of(50) {
                        5
                    } else {
                        1
                    };
                    t
                })
                .collect();
            let a = c.build();
            let d = Distances::of(&a);
            assert_eq!(
                d.moving_m.to_bits(),
                a.moving_distance_m().to_bits(),
                "case {case}"
            );
            assert_eq!(
                d.steep_share().map(f64::to_bits),
                reference_steep_share(&a).map(f64::to_bits),
                "case {case}"
            );
        }
    }
}
