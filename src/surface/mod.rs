//! Surface from the map: which share of a run was on paved and unpaved ground, from an
//! OpenStreetMap file the runner supplies, offline.
//!
//! An input of its own plus a matching stage on the cleaned activity: a map file
//! (`.osm` XML or `.osm.pbf`) is read once into a compact index in the user's cache
//! ([`open`]; `cache.rs`, built by `collect.rs` and `build.rs` through the index file
//! and scratch files, `spill.rs`), and each activity's moving track is map-matched
//! against it ([`match_points`]) into [`MapSurface`] shares ([`surface_from_maps`]).
//! It imports only `model`; `judge` and `analyze` use it. See docs/architecture.md and
//! docs/metrics.md.

mod build;
mod cache;
mod class;
mod collect;
mod error;
mod geo;
mod idset;
mod index;
mod matcher;
mod osm_pbf;
mod osm_xml;
mod pbf_blocks;
mod progress;
mod route;
mod rtree;
mod shares;
mod spill;
#[cfg(test)]
mod test_pbf;
mod varint;

pub use cache::{Bytes, Map, default_cache_dir, open};
pub use class::{Evidence, SurfaceClass, WayClass, WayKind};
pub use collect::BoundsE7;
pub use error::{MapError, MapErrorKind};
pub use index::{Counts, MapIndex};
pub use matcher::{Matched, Params, PointMatch, match_points};
pub use progress::{Phase, Progress};
pub use shares::{MapSurface, NoMapSurface, SurfaceShares, surface_from_maps};
