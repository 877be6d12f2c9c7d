//! Metrics: pure, total functions from a cleaned [`crate::model::Activity`] (plus the
//! athlete's thresholds) to numbers the judge reads.
//!
//! Every function works on MOVING seconds (`Second::moving`) unless its docs say
//! otherwise, and each second of the 1 Hz grid counts as one second. Nothing here fails:
//! when a quality gate is not met a metric says "not applicable" with a reason instead
//! of returning a number that means nothing. Formulas, defaults and references are in
//! each file's header and in docs/metrics.md.

pub mod drift;
pub mod gap;
pub mod load;
pub mod steady;
pub mod summary;
pub mod surges;
pub mod terrain;
pub mod zones;

mod ranked;
mod series;
#[cfg(test)]
mod testkit;

pub use drift::{Decoupling, Drift, DriftGate, decoupling, decoupling_after};
pub use gap::{gap_factor, grade_adjusted_speed, mean_gap_pace_s_per_km, minetti_cost_j_per_kg_m};
pub use load::{Load, LoadGate, LthrBasis, Trimp, Weighting, banister_trimp, load};
pub use summary::{Metrics, compute, compute_with};
pub use surges::{Surge, gap_speed_cv_pct, surges};
pub use terrain::{Terrain, TerrainBasis, TerrainClass, classify, elevation_change, terrain};
pub use zones::{
    CeilingShare, MovingHr, ZoneTimes, above_ceiling, clean_average_hr_bpm, clean_max_hr_bpm,
    hr_moving_s, time_in_zones,
};
