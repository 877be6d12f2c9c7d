//! All metrics of one activity in one serializable struct: what the judge reads and
//! what reports print. Each field's formula lives in its own module (and in
//! docs/metrics.md); this file only gathers them.
//!
//! - `moving_s`: moving seconds; `distance_m`: `Activity::moving_distance_m`.
//! - `avg_pace_s_per_km = moving_s / (distance_m / 1000)`.
//! - `avg_gap_s_per_km`: [`super::gap::mean_gap_pace_s_per_km`].
//! - `hr_coverage = hr_moving_s / moving_s`: the share of moving time with usable HR.

use serde::{Deserialize, Serialize};

use super::drift::{self, Decoupling};
use super::gap;
use super::load::{self, Load};
use super::surges::{self, Surge};
use super::terrain::{self, Terrain};
use super::zones::{self, CeilingShare, ZoneTimes};
use crate::model::{Activity, Second};
use crate::profile::{AthleteProfile, HrZones};

/// Every metric of one activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Moving seconds.
    pub moving_s: u32,
    /// Distance covered while moving, metres.
    pub distance_m: f64,
    /// Moving time per moving kilometre, s/km.
    pub avg_pace_s_per_km: Option<f64>,
    /// Grade-adjusted average pace, s/km.
    pub avg_gap_s_per_km: Option<f64>,
    /// Moving seconds with usable heart rate.
    pub hr_moving_s: u32,
    /// `hr_moving_s / moving_s`, 0..=1.
    pub hr_coverage: Option<f64>,
    /// Mean usable moving HR, bpm.
    pub avg_hr_bpm: Option<f64>,
    /// Maximum of the 5-s rolling median of usable moving HR, bpm.
    pub max_hr_bpm: Option<f64>,
    /// Time in zones (when zones are known).
    pub zones: Option<ZoneTimes>,
    /// Time above the zones' recovery ceiling (when zones are known).
    pub ceiling: Option<CeilingShare>,
    pub decoupling: Decoupling,
    pub terrain: Terrain,
    pub surges: Vec<Surge>,
    /// Coefficient of variation of 30-s mean GAP speed, %.
    pub gap_speed_cv_pct: Option<f64>,
    pub load: Load,
}

/// Computes every metric of `activity`. `zones` gives time in zones and the ceiling;
/// `profile` gives the load thresholds; `hysteresis_m` is the altitude hysteresis
/// ([`terrain::DEVICE_HYSTERESIS_M`] or [`terrain::GPS_HYSTERESIS_M`]); `indoor` runs are
/// flat by definition.
pub fn compute(
    activity: &Activity,
    zones: Option<&HrZones>,
    profile: &AthleteProfile,
    hysteresis_m: f64,
    indoor: bool,
) -> Metrics {
    let hr = zones::MovingHr::of(activity);
    compute_with(activity, &hr, zones, profile, hysteresis_m, indoor)
}

/// [`compute`] with the usable moving HR of `activity` already selected (`hr`, shared
/// by the metrics that read it and by the caller's own facts).
pub fn compute_with(
    activity: &Activity,
    hr: &zones::MovingHr,
    zones: Option<&HrZones>,
    profile: &AthleteProfile,
    hysteresis_m: f64,
    indoor: bool,
) -> Metrics {
    let Walk {
        moving_s,
        hr_moving_s,
        distances,
        gap,
        drift,
    } = Walk::of(activity);
    let distance_m = distances.moving_m;
    let (surges, gap_speed_cv_pct) = surges::surges_and_cv(activity);
    Metrics {
        moving_s,
        distance_m,
        avg_pace_s_per_km: (distance_m > 0.0).then(|| f64::from(moving_s) / (distance_m / 1000.0)),
        avg_gap_s_per_km: gap.pace_s_per_km(moving_s, distance_m),
        hr_moving_s,
        hr_coverage: (moving_s > 0).then(|| f64::from(hr_moving_s) / f64::from(moving_s)),
        avg_hr_bpm: zones::clean_average_hr_bpm_of(hr),
        max_hr_bpm: zones::clean_max_hr_bpm_of(hr),
        zones: zones.map(|z| zones::time_in_zones_of(hr, z)),
        ceiling: zones.map(|z| zones::above_ceiling_of(hr, z.ceiling_bpm)),
        decoupling: drift.decoupling(),
        terrain: terrain::terrain_with(activity, &distances, hysteresis_m, indoor),
        surges,
        gap_speed_cv_pct,
        load: load::load_of(hr, profile),
    }
}

/// What one walk over the seconds gives, each as its own function computes it:
/// `Activity::moving_s`, [`zones::hr_moving_s`], the moving distance and steep share
/// ([`terrain::Distances`]), the GAP pace's sums ([`gap::GapSums`]) and the
/// decoupling's ([`drift::DriftSums`], which needs the moving time first: a count).
/// Each second's usable HR and GAP speed are computed once for all of them.
struct Walk {
    moving_s: u32,
    hr_moving_s: u32,
    distances: terrain::Distances,
    gap: gap::GapSums,
    drift: drift::DriftSums,
}

impl Walk {
    fn of(activity: &Activity) -> Walk {
        let moving_s = activity.moving_s();
        let mut walk = Walk {
            moving_s,
            hr_moving_s: 0,
            distances: terrain::Distances::default(),
            gap: gap::GapSums::default(),
            drift: drift::DriftSums::new(moving_s, drift::WARMUP_S),
        };
        let mut previous: Option<&Second> = None;
        let mut i = 0usize;
        for s in &activity.seconds {
            if let Some(a) = previous {
                walk.distances.step(a, s);
            }
            previous = Some(s);
            if s.moving {
                let hr = super::series::usable_hr(s);
                let gap_mps = gap::gap_speed_mps(s);
                walk.hr_moving_s += u32::from(hr.is_some());
                walk.gap.add_values(s.speed_mps, gap_mps);
                walk.drift.add(i, hr, s.speed_mps.is_some(), || gap_mps);
                i += 1;
            }
        }
        walk
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::{Columns, assert_close, assert_some_close};
    use crate::metrics::{TerrainClass, terrain::DEVICE_HYSTERESIS_M};
    use crate::profile::{Sex, Source, Sourced, ZoneModel};

    fn profile() -> AthleteProfile {
        let s = |v: f64| Some(Sourced::new(v, Source::Flag));
        AthleteProfile {
            max_hr_bpm: s(190.0),
            rest_hr_bpm: s(50.0),
            sex: Some(Sourced::new(Sex::Male, Source::Flag)),
            ..AthleteProfile::default()
        }
    }

    #[test]
    fn an_easy_flat_run_end_to_end() {
        // 40 min at 2.5 m/s (6:40 /km), 130 bpm, flat at 50 m.
        let mut c = Columns::steady(2400, 2.5, 130.0);
        c.altitude_m = vec![Some(50.0); 2400];
        c.grade = vec![Some(0.0); 2400];
        let p = profile();
        let z = HrZones::build(ZoneModel::Hrmax, &p).unwrap_or_else(|_| unreachable!());
        let m = compute(&c.build(), Some(&z), &p, DEVICE_HYSTERESIS_M, false);
        assert_eq!((m.moving_s, m.hr_moving_s), (2400, 2400));
        assert_close(m.distance_m, 2399.0 * 2.5, 1e-6);
        assert_some_close(m.avg_pace_s_per_km, 2400.0 / 5.9975, 1e-9);
        assert_some_close(m.avg_gap_s_per_km, 2400.0 / 5.9975, 1e-9);
        assert_some_close(m.hr_coverage, 1.0, 1e-12);
        assert_some_close(m.avg_hr_bpm, 130.0, 1e-9);
        assert_some_close(m.max_hr_bpm, 130.0, 1e-9);
        // 130 bpm is zone 2 (114–133) of HRmax 190; the ceiling is 142.5.
        assert_eq!(m.zones.map(|z| z.seconds), Some(vec![0, 2400, 0, 0, 0]));
        assert_eq!(m.ceiling.map(|c| c.above_s), Some(0));
        assert_some_close(m.decoupling.drift().map(|d| d.decoupling_pct), 0.0, 1e-9);
        assert_eq!(m.terrain.class, Some(TerrainClass::Flat));
        assert!(m.surges.is_empty());
        assert_some_close(m.gap_speed_cv_pct, 0.0, 1e-9);
        let x: f64 = 80.0 / 140.0;
        assert_some_close(
            m.load.trimp().map(|t| t.trimp),
            40.0 * x * 0.64 * (1.92 * x).exp(),
            1e-9,
        );
    }

    #[test]
    fn json_keys_carry_units() {
        let m = compute(
            &Columns::steady(60, 3.0, 140.0).build(),
            None,
            &AthleteProfile::default(),
            DEVICE_HYSTERESIS_M,
            true,
        );
        let json = serde_json::to_value(&m).unwrap_or_default();
        for key in [
            "moving_s",
            "distance_m",
            "avg_pace_s_per_km",
            "avg_gap_s_per_km",
            "hr_moving_s",
            "avg_hr_bpm",
            "max_hr_bpm",
            "gap_speed_cv_pct",
        ] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert_eq!(
            json.pointer("/terrain/class"),
            Some(&serde_json::json!("flat"))
        );
        assert_eq!(
            json.pointer("/load"),
            Some(&serde_json::json!({"status": "not_applicable", "reason": "missing_max_hr"}))
        );
        assert_eq!(
            json.pointer("/decoupling/reason"),
            Some(&serde_json::json!("too_short"))
        );
    }

    #[test]
    fn one_walk_gives_what_each_function_gives_bit_for_bit() {
        use easyrun_testkit::synth::SplitMix64;
        let mut rng = SplitMix64::new(21);
        for case in 0..60usize {
            let n = 5 + 53 * case;
            let mut c = Columns::steady(n, 3.0, 140.0);
            for i in 0..n {
                if let (Some(v), Some(h), Some(m)) = (
                    c.speed_mps.get_mut(i),
                    c.hr_bpm.get_mut(i),
                    c.moving.get_mut(i),
                ) {
                    *v = match rng.next_u64() % 20 {
                        0 => None,
                        1 => Some(-0.0),
                        _ => Some((3.0 + 0.4 * rng.gauss()) as f32),
                    };
                    *h = (!rng.next_u64().is_multiple_of(15)).then_some(150.0);
                    *m = !rng.next_u64().is_multiple_of(12);
                }
            }
            c.grade = (0..n)
                .map(|_| (!rng.next_u64().is_multiple_of(8)).then(|| (0.06 * rng.gauss()) as f32))
                .collect();
            let mut t = 0u32;
            c.t_s = (0..n)
                .map(|_| {
                    t += if rng.next_u64().is_multiple_of(40) {
                        7
                    } else {
                        1
                    };
                    t
                })
                .collect();
            let a = c.build();
            let w = Walk::of(&a);
            assert_eq!(w.moving_s, a.moving_s());
            assert_eq!(
                format!("{:?}", w.drift.decoupling()),
                format!("{:?}", drift::decoupling(&a)),
                "case {case}"
            );
            assert_eq!(w.hr_moving_s, zones::hr_moving_s(&a));
            assert_eq!(w.distances, terrain::Distances::of(&a));
            assert_eq!(
                w.distances.moving_m.to_bits(),
                a.moving_distance_m().to_bits()
            );
            // The GAP pace as its own walk had it (one fold of both sums).
            let (speed, gap_sum) = a
                .seconds
                .iter()
                .filter(|s| s.moving)
                .filter_map(|s| Some((f64::from(s.speed_mps?), gap::gap_speed_mps(s)?)))
                .fold((0.0, 0.0), |(x, y), (v, g)| (x + v, y + g));
            let km = a.moving_distance_m() / 1000.0;
            let want =
                (km > 0.0 && gap_sum > 0.0).then(|| f64::from(a.moving_s()) / km * speed / gap_sum);
            let got = w.gap.pace_s_per_km(w.moving_s, w.distances.moving_m);
            assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "case {case}");
            assert_eq!(
                gap::mean_gap_pace_s_per_km(&a).map(f64::to_bits),
                want.map(f64::to_bits)
            );
        }
    }
}
