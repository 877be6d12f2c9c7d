//! Network distances between the candidates of two consecutive matching steps: a
//! Dijkstra over the small graph of the ways near both points (the union of their
//! R-tree chunks), joined where ways share an OSM node. This is the "route distance" of
//! Newson & Krumm's transition probability; pedestrians ignore one-way rules, so every
//! segment is walked both ways.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use super::geo::Local;
use super::index::MapIndex;

/// Where a candidate sits: on the segment from vertex `r` to `r + 1`, at `frac`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OnSegment {
    pub r: u32,
    pub frac: f64,
}

/// The local graph: vertices are OSM nodes, edges the segments of the chunks.
#[derive(Debug, Default)]
pub struct Graph {
    node_to_vertex: HashMap<u32, usize>,
    adjacency: Vec<Vec<(usize, f64)>>,
    /// Per global vertex index `r` of a segment start: its two graph vertices and length.
    segments: HashMap<u32, (usize, usize, f64)>,
}

impl Graph {
    /// Builds the graph of `chunks`, lengths in `local`'s metres.
    pub fn build<B: AsRef<[u8]>>(index: &MapIndex<B>, chunks: &[u32], local: &Local) -> Graph {
        let mut g = Graph::default();
        for &c in chunks {
            let Some(chunk) = index.chunk(c) else {
                continue;
            };
            for s in 0..chunk.segments {
                let r = chunk.first_ref.saturating_add(s);
                if g.segments.contains_key(&r) {
                    continue;
                }
                let (Some((n0, lat0, lon0)), Some((n1, lat1, lon1))) =
                    (index.vertex(r), index.vertex(r.saturating_add(1)))
                else {
                    continue;
                };
                let len = local.xy_e7(lat0, lon0).dist(local.xy_e7(lat1, lon1));
                let v0 = g.vertex(n0);
                let v1 = g.vertex(n1);
                if let Some(a) = g.adjacency.get_mut(v0) {
                    a.push((v1, len));
                }
                if let Some(a) = g.adjacency.get_mut(v1) {
                    a.push((v0, len));
                }
                g.segments.insert(r, (v0, v1, len));
            }
        }
        g
    }

    fn vertex(&mut self, node: u32) -> usize {
        let next = self.adjacency.len();
        let v = *self.node_to_vertex.entry(node).or_insert(next);
        if v == next {
            self.adjacency.push(Vec::new());
        }
        v
    }

    /// Network distances from `from` to each of `to`, metres; `None` beyond `limit_m`
    /// or not connected within the graph.
    pub fn distances(&self, from: OnSegment, to: &[OnSegment], limit_m: f64) -> Vec<Option<f64>> {
        let Some(&(a0, a1, alen)) = self.segments.get(&from.r) else {
            return vec![None; to.len()];
        };
        let mut dist = vec![f64::INFINITY; self.adjacency.len()];
        let mut heap = BinaryHeap::new();
        for (v, d) in [(a0, from.frac * alen), (a1, (1.0 - from.frac) * alen)] {
            if let Some(slot) = dist.get_mut(v)
                && d < *slot
            {
                *slot = d;
                heap.push(Entry(d, v));
            }
        }
        while let Some(Entry(d, v)) = heap.pop() {
            if d > limit_m {
                break;
            }
            if dist.get(v).is_some_and(|&best| d > best) {
                continue;
            }
            for &(w, len) in self.adjacency.get(v).map_or(&[][..], |a| a.as_slice()) {
                let nd = d + len;
                if let Some(slot) = dist.get_mut(w)
                    && nd < *slot
                {
                    *slot = nd;
                    heap.push(Entry(nd, w));
                }
            }
        }
        to.iter()
            .map(|t| {
                let &(b0, b1, blen) = self.segments.get(&t.r)?;
                let via = (dist.get(b0).copied().unwrap_or(f64::INFINITY) + t.frac * blen)
                    .min(dist.get(b1).copied().unwrap_or(f64::INFINITY) + (1.0 - t.frac) * blen);
                let d = if t.r == from.r {
                    via.min((t.frac - from.frac).abs() * alen)
                } else {
                    via
                };
                (d <= limit_m).then_some(d)
            })
            .collect()
    }
}

/// A heap entry ordered by smallest distance first.
#[derive(Debug, Clone, Copy)]
struct Entry(f64, usize);

impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.0.total_cmp(&o.0) == Ordering::Equal && self.1 == o.1
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Entry {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then_with(|| o.1.cmp(&self.1))
    }
}
