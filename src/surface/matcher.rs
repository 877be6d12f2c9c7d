//! Hidden-Markov map matching after Newson & Krumm (2009, "Hidden Markov map matching
//! through noise and sparseness"): at each track point the hidden state is the way the
//! runner was on — one candidate per way within [`Params::radius_m`] — or *off map*
//! (open ground, or a way the map lacks). Viterbi finds the likeliest sequence; a
//! forward–backward pass gives each point's posterior, from which the confidence comes.
//!
//! - Emission: Gaussian in the distance to the way, σ estimated from the track
//!   (1.4826 × the median distance to the nearest way, N&K §4.1), clamped to
//!   [`SIGMA_MIN_M`, `SIGMA_MAX_M`]; plus a heading term −κ·sin²Δ between the direction
//!   of motion and the segment (axial: either direction along a way is fine), which
//!   keeps a runner on a street from snapping onto the crossings.
//! - Off map: a fixed emission, as if the point were [`OFF_MAP_SIGMAS`] σ from a way.
//! - Transition: exponential in |route − straight-line distance| with scale β
//!   ([`Params::beta_m`]); route distances come from [`super::route`]. Changing way
//!   costs [`Params::switch_nats`] (continuity: a sidewalk beside a road is not joined
//!   by every noisy fix), entering or leaving the map [`Params::off_map_nats`].

use super::class::{SurfaceClass, WayClass};
use super::geo::{Local, Xy, project, to_e7};
use super::index::MapIndex;
use super::route::{Graph, OnSegment};

pub const SIGMA_MIN_M: f64 = 4.0;
pub const SIGMA_MAX_M: f64 = 15.0;
/// The off-map state emits like a candidate this many σ away.
pub const OFF_MAP_SIGMAS: f64 = 3.5;

/// Tuning of the matcher (defaults after Meili and N&K, adapted to foot speeds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Ways farther than this from a point are not candidates, metres (Meili: 50).
    pub radius_m: f64,
    /// Candidates kept per point, nearest first.
    pub max_candidates: usize,
    /// Scale of the transition's exponential, metres.
    pub beta_m: f64,
    /// Fixed GPS σ, metres; `None` estimates it from the track.
    pub sigma_m: Option<f64>,
    /// Cost of changing way, nats.
    pub switch_nats: f64,
    /// Cost of entering or leaving the map, nats.
    pub off_map_nats: f64,
    /// Weight of the heading term, nats at 90°.
    pub heading_kappa: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            radius_m: 50.0,
            max_candidates: 8,
            beta_m: 5.0,
            sigma_m: None,
            switch_nats: 1.0,
            off_map_nats: 5.0,
            heading_kappa: 1.5,
        }
    }
}

/// One candidate: the closest point of one way to a track point.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Candidate {
    way: u32,
    class: WayClass,
    on: OnSegment,
    dist_m: f64,
    /// Unit direction of the segment (local frame), if it has a length.
    dir: Option<Xy>,
}

/// What the matcher decided for one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointMatch {
    /// The way (OSM id and class), or `None` off map.
    pub way: Option<(i64, WayClass)>,
    /// Distance to that way, metres.
    pub dist_m: Option<f64>,
    /// Posterior probability that the point's surface class is the one chosen.
    pub confidence: f64,
}

impl PointMatch {
    /// The surface class; off map is unknown.
    pub fn surface(&self) -> SurfaceClass {
        self.way.map_or(SurfaceClass::Unknown, |(_, c)| c.surface)
    }
}

/// The matched track.
#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    /// One decision per input point, in order.
    pub points: Vec<PointMatch>,
    /// The GPS σ used, metres.
    pub sigma_m: f64,
}

struct Step {
    local: Local,
    chunks: Vec<u32>,
    cands: Vec<Candidate>,
}

/// Matches `points` (latitude, longitude in degrees, in track order).
pub fn match_points<B: AsRef<[u8]>>(
    index: &MapIndex<B>,
    points: &[(f64, f64)],
    params: &Params,
) -> Matched {
    let steps: Vec<Step> = points
        .iter()
        .map(|&(lat, lon)| candidates(index, lat, lon, params))
        .collect();
    let sigma = params.sigma_m.unwrap_or_else(|| estimate_sigma(&steps));
    let n = steps.len();
    if n == 0 {
        return Matched {
            points: Vec::new(),
            sigma_m: sigma,
        };
    }
    // Emissions per step: candidates, then the off-map state last.
    let emissions: Vec<Vec<f64>> = (0..n)
        .map(|t| emission(&steps, points, t, sigma, params))
        .collect();
    let transitions: Vec<Vec<Vec<f64>>> = (0..n.saturating_sub(1))
        .map(|t| transition(index, &steps, points, t, params))
        .collect();
    let path = viterbi(&emissions, &transitions);
    let posterior = forward_backward(&emissions, &transitions);
    let points = path
        .iter()
        .enumerate()
        .map(|(t, &s)| {
            let step = steps.get(t);
            let cand = step.and_then(|st| st.cands.get(s));
            let class_of = |k: usize| {
                step.and_then(|st| st.cands.get(k))
                    .map_or(SurfaceClass::Unknown, |c| c.class.surface)
            };
            let chosen = class_of(s);
            let confidence = posterior
                .get(t)
                .map_or(0.0, |p| {
                    p.iter()
                        .enumerate()
                        .filter(|&(k, _)| class_of(k) == chosen)
                        .map(|(_, &v)| v)
                        .sum::<f64>()
                })
                .clamp(0.0, 1.0);
            PointMatch {
                way: cand.and_then(|c| index.way(c.way).map(|(id, _, class)| (id, class))),
                dist_m: cand.map(|c| c.dist_m),
                confidence,
            }
        })
        .collect();
    Matched {
        points,
        sigma_m: sigma,
    }
}

/// The nearest point of each way within the radius, nearest ways first.
fn candidates<B: AsRef<[u8]>>(index: &MapIndex<B>, lat: f64, lon: f64, params: &Params) -> Step {
    let local = Local::new(lat, lon);
    let (dlat, dlon) = local.box_e7(params.radius_m);
    let (la, lo) = (to_e7(lat), to_e7(lon));
    let mut chunks = Vec::new();
    index.search(
        [
            lo.saturating_sub(dlon),
            la.saturating_sub(dlat),
            lo.saturating_add(dlon),
            la.saturating_add(dlat),
        ],
        &mut chunks,
    );
    chunks.sort_unstable();
    let origin = Xy { x: 0.0, y: 0.0 };
    let mut cands: Vec<Candidate> = Vec::new();
    for &c in &chunks {
        let Some(chunk) = index.chunk(c) else {
            continue;
        };
        let Some((_, _, class)) = index.way(chunk.way) else {
            continue;
        };
        let mut prev = index
            .vertex(chunk.first_ref)
            .map(|(_, la, lo)| local.xy_e7(la, lo));
        for s in 0..chunk.segments {
            let r = chunk.first_ref.saturating_add(s);
            let next = index
                .vertex(r.saturating_add(1))
                .map(|(_, la, lo)| local.xy_e7(la, lo));
            if let (Some(a), Some(b)) = (prev, next) {
                let (d, frac) = project(origin, a, b);
                if d <= params.radius_m {
                    let len = a.dist(b);
                    let dir = (len > 1e-6).then(|| Xy {
                        x: (b.x - a.x) / len,
                        y: (b.y - a.y) / len,
                    });
                    let cand = Candidate {
                        way: chunk.way,
                        class,
                        on: OnSegment { r, frac },
                        dist_m: d,
                        dir,
                    };
                    match cands.iter_mut().find(|k| k.way == chunk.way) {
                        Some(k) if d < k.dist_m => *k = cand,
                        Some(_) => {}
                        None => cands.push(cand),
                    }
                }
            }
            prev = next;
        }
    }
    cands.sort_by(|a, b| a.dist_m.total_cmp(&b.dist_m).then(a.way.cmp(&b.way)));
    cands.truncate(params.max_candidates);
    Step {
        local,
        chunks,
        cands,
    }
}

/// σ from the median distance to the nearest way (N&K: σ = 1.4826 · median).
fn estimate_sigma(steps: &[Step]) -> f64 {
    let mut nearest: Vec<f64> = steps
        .iter()
        .filter_map(|s| s.cands.first().map(|c| c.dist_m))
        .collect();
    if nearest.is_empty() {
        return SIGMA_MIN_M;
    }
    nearest.sort_by(f64::total_cmp);
    let median = nearest.get(nearest.len() / 2).copied().unwrap_or(0.0);
    (1.4826 * median).clamp(SIGMA_MIN_M, SIGMA_MAX_M)
}

/// Direction of motion at point `t` (unit, in `t`'s frame), from its neighbours.
fn motion(steps: &[Step], points: &[(f64, f64)], t: usize) -> Option<Xy> {
    let local = &steps.get(t)?.local;
    let a = points.get(t.saturating_sub(1))?;
    let b = points.get((t + 1).min(points.len().saturating_sub(1)))?;
    let (pa, pb) = (local.xy(a.0, a.1), local.xy(b.0, b.1));
    let len = pa.dist(pb);
    (len >= 8.0).then(|| Xy {
        x: (pb.x - pa.x) / len,
        y: (pb.y - pa.y) / len,
    })
}

fn emission(steps: &[Step], points: &[(f64, f64)], t: usize, sigma: f64, p: &Params) -> Vec<f64> {
    let Some(step) = steps.get(t) else {
        return vec![off_emission()];
    };
    let heading = motion(steps, points, t);
    let mut e: Vec<f64> = step
        .cands
        .iter()
        .map(|c| {
            let z = c.dist_m / sigma;
            let turn = match (heading, c.dir) {
                (Some(m), Some(d)) => {
                    let cross = m.x * d.y - m.y * d.x;
                    p.heading_kappa * cross * cross
                }
                _ => 0.0,
            };
            -0.5 * z * z - turn
        })
        .collect();
    e.push(off_emission());
    e
}

fn off_emission() -> f64 {
    -0.5 * OFF_MAP_SIGMAS * OFF_MAP_SIGMAS
}

/// Log transition scores from the states of step `t` to those of `t + 1`.
fn transition<B: AsRef<[u8]>>(
    index: &MapIndex<B>,
    steps: &[Step],
    points: &[(f64, f64)],
    t: usize,
    p: &Params,
) -> Vec<Vec<f64>> {
    let (Some(a), Some(b)) = (steps.get(t), steps.get(t + 1)) else {
        return Vec::new();
    };
    let Some(pb) = points.get(t + 1) else {
        return Vec::new();
    };
    let straight = a.local.xy(pb.0, pb.1).dist(Xy { x: 0.0, y: 0.0 });
    let base = -p.beta_m.ln();
    let (ka, kb) = (a.cands.len(), b.cands.len());
    let mut m = vec![vec![base; kb + 1]; ka + 1];
    if ka > 0 && kb > 0 {
        let mut chunks: Vec<u32> = a.chunks.iter().chain(&b.chunks).copied().collect();
        chunks.sort_unstable();
        chunks.dedup();
        let graph = Graph::build(index, &chunks, &a.local);
        let targets: Vec<OnSegment> = b.cands.iter().map(|c| c.on).collect();
        // Farther than this is no plausible step on foot between two fixes.
        let limit = 2.0 * straight + 2.0 * p.radius_m;
        for (i, ca) in a.cands.iter().enumerate() {
            let routes = graph.distances(ca.on, &targets, limit);
            for (j, cb) in b.cands.iter().enumerate() {
                let route = routes
                    .get(j)
                    .copied()
                    .flatten()
                    .unwrap_or(limit + p.radius_m);
                let switch = if ca.way == cb.way { 0.0 } else { p.switch_nats };
                if let Some(cell) = m.get_mut(i).and_then(|row| row.get_mut(j)) {
                    *cell = base - (route - straight).abs() / p.beta_m - switch;
                }
            }
        }
    }
    for (i, row) in m.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            let (off_a, off_b) = (i == ka, j == kb);
            if off_a != off_b {
                *cell = base - p.off_map_nats;
            }
        }
    }
    m
}

/// The likeliest state sequence.
fn viterbi(emissions: &[Vec<f64>], transitions: &[Vec<Vec<f64>>]) -> Vec<usize> {
    let Some(first) = emissions.first() else {
        return Vec::new();
    };
    let mut score = first.clone();
    let mut back: Vec<Vec<usize>> = Vec::with_capacity(emissions.len());
    for (t, e) in emissions.iter().enumerate().skip(1) {
        let tr = transitions.get(t - 1);
        let mut next = vec![f64::NEG_INFINITY; e.len()];
        let mut from = vec![0usize; e.len()];
        for (j, ej) in e.iter().enumerate() {
            for (i, si) in score.iter().enumerate() {
                let v = si
                    + tr.and_then(|m| m.get(i))
                        .and_then(|r| r.get(j))
                        .copied()
                        .unwrap_or(f64::NEG_INFINITY);
                if v > next.get(j).copied().unwrap_or(f64::NEG_INFINITY) {
                    if let Some(slot) = next.get_mut(j) {
                        *slot = v;
                    }
                    if let Some(slot) = from.get_mut(j) {
                        *slot = i;
                    }
                }
            }
            if let Some(slot) = next.get_mut(j) {
                *slot += ej;
            }
        }
        score = next;
        back.push(from);
    }
    let mut s = argmax(&score);
    let mut path = vec![s; emissions.len()];
    for t in (1..emissions.len()).rev() {
        if let Some(p) = path.get_mut(t) {
            *p = s;
        }
        s = back.get(t - 1).and_then(|b| b.get(s)).copied().unwrap_or(0);
    }
    if let Some(p) = path.first_mut() {
        *p = s;
    }
    path
}

fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v.get(best).copied().unwrap_or(f64::NEG_INFINITY) {
            best = i;
        }
    }
    best
}

fn logsumexp(v: impl Iterator<Item = f64> + Clone) -> f64 {
    let m = v.clone().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + v.map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// Posterior state probabilities per step (the same scores read as an HMM).
fn forward_backward(emissions: &[Vec<f64>], transitions: &[Vec<Vec<f64>>]) -> Vec<Vec<f64>> {
    let n = emissions.len();
    let tr = |t: usize, i: usize, j: usize| {
        transitions
            .get(t)
            .and_then(|m| m.get(i))
            .and_then(|r| r.get(j))
            .copied()
            .unwrap_or(f64::NEG_INFINITY)
    };
    let mut alpha: Vec<Vec<f64>> = Vec::with_capacity(n);
    for (t, e) in emissions.iter().enumerate() {
        let row: Vec<f64> = if t == 0 {
            e.clone()
        } else {
            let prev = alpha.get(t - 1).cloned().unwrap_or_default();
            e.iter()
                .enumerate()
                .map(|(j, ej)| {
                    ej + logsumexp(prev.iter().enumerate().map(|(i, a)| a + tr(t - 1, i, j)))
                })
                .collect()
        };
        alpha.push(row);
    }
    let mut beta: Vec<Vec<f64>> = vec![Vec::new(); n];
    if let (Some(last), Some(e)) = (beta.last_mut(), emissions.last()) {
        *last = vec![0.0; e.len()];
    }
    for t in (0..n.saturating_sub(1)).rev() {
        let next_e = emissions.get(t + 1).cloned().unwrap_or_default();
        let next_b = beta.get(t + 1).cloned().unwrap_or_default();
        let k = emissions.get(t).map_or(0, Vec::len);
        let row: Vec<f64> = (0..k)
            .map(|i| {
                logsumexp(
                    next_e
                        .iter()
                        .zip(&next_b)
                        .enumerate()
                        .map(|(j, (ej, bj))| tr(t, i, j) + ej + bj),
                )
            })
            .collect();
        if let Some(slot) = beta.get_mut(t) {
            *slot = row;
        }
    }
    alpha
        .iter()
        .zip(&beta)
        .map(|(a, b)| {
            let joint: Vec<f64> = a.iter().zip(b).map(|(x, y)| x + y).collect();
            let z = logsumexp(joint.iter().copied());
            joint.iter().map(|v| (v - z).exp()).collect()
        })
        .collect()
}
