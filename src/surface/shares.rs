//! From a matched track to the surface verdict's numbers: the shares of moving distance
//! on paved, unpaved and unknown ground, how much of it rests on tags rather than
//! inference, the off-map part, the longest unbroken paved stretch, and a confidence.
//!
//! The moving track is thinned to points at least [`SPACING_M`] apart (N&K thin to 2σ:
//! denser fixes add correlated noise, not information). Every moving second's distance
//! belongs to the kept point nearest it along the track; seconds without a position are
//! unknown. The same per-second classes, merged into [`SurfaceStretch`]es, say where on
//! the run's clock each surface was (the report's strip along its charts).

use serde::{Deserialize, Serialize};

use super::cache::Map;
use super::class::SurfaceClass;
use super::collect::BoundsE7;
use super::geo::to_e7;
use super::matcher::{Params, match_points};
use crate::model::Activity;

/// Minimum distance between matched points, metres.
pub const SPACING_M: f64 = 10.0;
/// Below this share of the run's points inside a map's area, the map is not used.
pub const MIN_COVERAGE: f64 = 0.2;

/// Fractions of moving distance (they sum to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct SurfaceShares {
    /// On paved ways.
    pub paved: f64,
    /// On unpaved ways.
    pub unpaved: f64,
    /// On ways of unknown surface, or off the map.
    pub unknown: f64,
}

/// The surface of one run from a map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapSurface {
    /// The map file used.
    pub map: String,
    /// Paved, unpaved and unknown shares of the moving distance.
    pub shares: SurfaceShares,
    /// Share of moving distance whose class comes from `surface`/`tracktype` tags.
    pub tagged_share: f64,
    /// Share whose class is inferred (way type, smoothness).
    pub inferred_share: f64,
    /// Share matched to no way (open ground, unmapped ways, outside the map); part of
    /// `unknown`.
    pub off_map_share: f64,
    /// Longest stretch of consecutive paved points, metres.
    pub longest_paved_m: f64,
    /// The moving distance the shares divide, metres.
    pub moving_distance_m: f64,
    /// Distance-weighted mean posterior of the chosen surface class, 0–1.
    pub confidence: f64,
    /// GPS σ the matcher used, metres.
    pub gps_sigma_m: f64,
    /// The moving seconds' classes in time order, consecutive seconds of one class
    /// merged (a pause or a hole in the grid ends a stretch). Not part of the wire
    /// format: the report draws a downsampled copy (`analyze::series::surface_strip`).
    #[serde(skip)]
    pub stretches: Vec<SurfaceStretch>,
}

/// Consecutive moving seconds `start_s..end_s` (seconds from the first sample, end
/// exclusive) on one surface class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SurfaceStretch {
    /// First second, from the first sample.
    pub start_s: u32,
    /// One past the last second.
    pub end_s: u32,
    /// The surface class of every second of it.
    pub class: SurfaceClass,
}

/// Adds second `t_s` of `class` to `stretches`, extending the last one when it is the
/// same class and ends where this second starts.
fn push_second(stretches: &mut Vec<SurfaceStretch>, t_s: u32, class: SurfaceClass) {
    match stretches.last_mut() {
        Some(last) if last.class == class && last.end_s == t_s => {
            last.end_s = t_s.saturating_add(1)
        }
        _ => stretches.push(SurfaceStretch {
            start_s: t_s,
            end_s: t_s.saturating_add(1),
            class,
        }),
    }
}

/// Why no map surface came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NoMapSurface {
    /// No map was given.
    NoMaps,
    /// The run has no moving positions.
    NoGps,
    /// None of the maps covers enough of the run.
    NotCovered,
}

/// A moving second: its distance step and position.
struct Moving {
    t_s: u32,
    step_m: f64,
    pos: Option<(f64, f64)>,
}

fn moving_seconds(activity: &Activity) -> Vec<Moving> {
    let mut out = Vec::new();
    let mut prev: Option<&crate::model::Second> = None;
    for s in &activity.seconds {
        if s.moving {
            let step_m = match (prev, s.distance_m) {
                (Some(p), Some(d)) if p.t_s + 1 == s.t_s => {
                    p.distance_m.map_or(0.0, |pd| (d - pd).max(0.0))
                }
                _ => 0.0,
            };
            out.push(Moving {
                t_s: s.t_s,
                step_m,
                pos: s.position.map(|p| (p.lat_deg, p.lon_deg)),
            });
        }
        prev = Some(s);
    }
    out
}

fn inside(bounds: Option<BoundsE7>, (lat, lon): (f64, f64)) -> bool {
    bounds.is_some_and(|b| b.contains(to_e7(lat), to_e7(lon)))
}

/// The surface of `activity` from the best-covering of `maps`.
pub fn surface_from_maps(
    activity: &Activity,
    maps: &[Map],
    params: &Params,
) -> Result<MapSurface, NoMapSurface> {
    if maps.is_empty() {
        return Err(NoMapSurface::NoMaps);
    }
    let moving = moving_seconds(activity);
    // Kept points: indices into `moving`, at least SPACING_M apart along the track.
    let mut kept: Vec<usize> = Vec::new();
    let mut since = f64::INFINITY;
    for (i, m) in moving.iter().enumerate() {
        since += m.step_m;
        if m.pos.is_some() && since >= SPACING_M {
            kept.push(i);
            since = 0.0;
        }
    }
    if kept.len() < 2 {
        return Err(NoMapSurface::NoGps);
    }
    let positions: Vec<(f64, f64)> = kept
        .iter()
        .filter_map(|&i| moving.get(i).and_then(|m| m.pos))
        .collect();
    let coverage = |m: &Map| {
        positions
            .iter()
            .filter(|&&p| inside(m.index.bounds, p))
            .count() as f64
            / positions.len() as f64
    };
    let (best, cov) = maps
        .iter()
        .map(|m| (m, coverage(m)))
        .fold(None::<(&Map, f64)>, |acc, (m, c)| match acc {
            Some((_, bc)) if bc >= c => acc,
            _ => Some((m, c)),
        })
        .ok_or(NoMapSurface::NoMaps)?;
    if cov < MIN_COVERAGE {
        return Err(NoMapSurface::NotCovered);
    }
    let matched = match_points(&best.index, &positions, params);

    // Owner of each moving second: the kept point nearest along the track.
    let mut totals = Totals::default();
    let mut stretches: Vec<SurfaceStretch> = Vec::new();
    let mut k = 0usize;
    let mut run_paved = 0.0f64;
    let mut along = 0.0f64;
    let kept_along: Vec<f64> = {
        let mut acc = 0.0;
        let mut out = Vec::with_capacity(kept.len());
        let mut next = kept.iter().peekable();
        for (i, m) in moving.iter().enumerate() {
            acc += m.step_m;
            if next.peek() == Some(&&i) {
                out.push(acc);
                next.next();
            }
        }
        out
    };
    for m in &moving {
        along += m.step_m;
        while k + 1 < kept_along.len()
            && kept_along.get(k + 1).is_some_and(|&next| {
                (next - along).abs() <= (along - kept_along.get(k).copied().unwrap_or(0.0)).abs()
            })
        {
            k += 1;
        }
        let d = m.step_m;
        totals.moving_m += d;
        let Some(pm) = (m.pos.is_some()).then(|| matched.points.get(k)).flatten() else {
            totals.unknown_m += d;
            run_paved = 0.0;
            push_second(&mut stretches, m.t_s, SurfaceClass::Unknown);
            continue;
        };
        let outside = positions
            .get(k)
            .is_some_and(|&p| !inside(best.index.bounds, p));
        let class = if outside {
            SurfaceClass::Unknown
        } else {
            pm.surface()
        };
        push_second(&mut stretches, m.t_s, class);
        match class {
            SurfaceClass::Paved => totals.paved_m += d,
            SurfaceClass::Unpaved => totals.unpaved_m += d,
            SurfaceClass::Unknown => totals.unknown_m += d,
        }
        if pm.way.is_none() || outside {
            totals.off_map_m += d;
        } else if let Some((_, c)) = pm.way
            && c.surface != SurfaceClass::Unknown
        {
            if c.evidence.is_tagged() {
                totals.tagged_m += d;
            } else {
                totals.inferred_m += d;
            }
        }
        totals.confidence_m += d * pm.confidence;
        totals.positioned_m += d;
        if class == SurfaceClass::Paved {
            run_paved += d;
            totals.longest_paved_m = totals.longest_paved_m.max(run_paved);
        } else {
            run_paved = 0.0;
        }
    }
    let total = totals.moving_m.max(1e-9);
    Ok(MapSurface {
        map: best.path.display().to_string(),
        shares: SurfaceShares {
            paved: totals.paved_m / total,
            unpaved: totals.unpaved_m / total,
            unknown: totals.unknown_m / total,
        },
        tagged_share: totals.tagged_m / total,
        inferred_share: totals.inferred_m / total,
        off_map_share: totals.off_map_m / total,
        longest_paved_m: totals.longest_paved_m,
        moving_distance_m: totals.moving_m,
        confidence: totals.confidence_m / totals.positioned_m.max(1e-9),
        gps_sigma_m: matched.sigma_m,
        stretches,
    })
}

#[derive(Debug, Default)]
struct Totals {
    moving_m: f64,
    paved_m: f64,
    unpaved_m: f64,
    unknown_m: f64,
    tagged_m: f64,
    inferred_m: f64,
    off_map_m: f64,
    confidence_m: f64,
    positioned_m: f64,
    longest_paved_m: f64,
}
