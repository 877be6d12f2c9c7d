//! Surface from the map: which share of a run was on paved and unpaved ground, from an
//! OpenStreetMap file the runner supplies, offline.
//!
//! An input stage beside `ingest` plus a matching stage: a map file (`.osm` XML or
//! `.osm.pbf`) is read once into a compact index in the user's cache ([`cache`]; built
//! by [`collect`] and [`build`] through the index file and scratch files, [`spill`]), and
//! each activity's moving track is map-matched against it ([`matcher`]) into
//! [`MapSurface`] shares. See docs/architecture.md and docs/metrics.md.

pub mod build;
pub mod cache;
pub mod class;
pub mod collect;
pub mod error;
pub mod geo;
pub mod idset;
pub mod index;
pub mod matcher;
pub mod osm_pbf;
pub mod osm_xml;
pub mod pbf_blocks;
pub mod progress;
pub mod route;
pub mod rtree;
pub mod shares;
pub mod spill;
#[cfg(test)]
mod test_pbf;
pub mod varint;

pub use cache::{Map, default_cache_dir, open};
pub use class::{Evidence, SurfaceClass, WayClass, WayKind};
pub use error::{MapError, MapErrorKind};
pub use matcher::Params;
pub use progress::{Phase, Progress};
pub use shares::{MapSurface, NoMapSurface, SurfaceShares, surface_from_maps};
