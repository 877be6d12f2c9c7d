//! Great-circle distance between positions (haversine, on a sphere of the Earth's mean
//! radius), once for every stage that measures a track: the GPX reader's length, the
//! distance derived from positions, the clock checks (and the map matcher's tests).
//!
//! A track's steps share their ends: [`Fix`] keeps a position's latitude in radians and
//! its cosine, so a chain of steps computes one cosine per position instead of two per
//! step. [`step_m`] evaluates the same expression as [`haversine_m`], on the same
//! values: the two agree bit for bit.

use super::Position;

/// Mean Earth radius, metres (IUGG). gpxpy uses 6 378 137 m with a flat-earth shortcut
/// for short steps; the two agree within ~0.2 %.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A position with its latitude in radians and that latitude's cosine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// The position itself.
    pub position: Position,
    lat_rad: f64,
    cos_lat: f64,
}

impl Fix {
    /// `position` with its latitude's radians and cosine.
    pub fn new(position: Position) -> Fix {
        let lat_rad = position.lat_deg.to_radians();
        Fix {
            position,
            lat_rad,
            cos_lat: lat_rad.cos(),
        }
    }
}

/// Great-circle distance between two positions, metres (haversine).
pub fn haversine_m(a: Position, b: Position) -> f64 {
    step_m(&Fix::new(a), &Fix::new(b))
}

/// [`haversine_m`] between two fixes, from their kept latitudes and cosines.
pub fn step_m(a: &Fix, b: &Fix) -> f64 {
    let dlat = b.lat_rad - a.lat_rad;
    let dlon = (b.position.lon_deg - a.position.lon_deg).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + a.cos_lat * b.cos_lat * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The expression every stage computed before [`Fix`] (at 295271f).
    fn reference_m(a: Position, b: Position) -> f64 {
        let (la1, la2) = (a.lat_deg.to_radians(), b.lat_deg.to_radians());
        let dlat = la2 - la1;
        let dlon = (b.lon_deg - a.lon_deg).to_radians();
        let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
    }

    #[test]
    fn a_degree_of_latitude_and_the_reference_bit_for_bit() {
        let p = |lat_deg, lon_deg| Position { lat_deg, lon_deg };
        assert!((haversine_m(p(0.0, 0.0), p(1.0, 0.0)) - 111_195.0).abs() < 1.0);
        // Antipodes: half the circumference, the clamp keeps asin's argument at 1.
        let half = haversine_m(p(0.0, 0.0), p(0.0, 180.0));
        assert!(
            (half - std::f64::consts::PI * EARTH_RADIUS_M).abs() < 1e-6,
            "{half}"
        );
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..20_000 {
            let a = p(180.0 * next() - 90.0, 360.0 * next() - 180.0);
            // Steps of a track (metres to a few km) and anywhere on the globe.
            let near = p(
                a.lat_deg + 0.02 * (next() - 0.5),
                a.lon_deg + 0.02 * (next() - 0.5),
            );
            let far = p(180.0 * next() - 90.0, 360.0 * next() - 180.0);
            for b in [near, far, a] {
                let got = step_m(&Fix::new(a), &Fix::new(b));
                assert_eq!(got.to_bits(), reference_m(a, b).to_bits(), "{a:?} {b:?}");
                assert_eq!(haversine_m(a, b).to_bits(), got.to_bits());
            }
        }
        // A NaN latitude: `min` clamps the NaN to 1, as before (readers drop such
        // positions; the value only has to be the same).
        let nan = p(f64::NAN, 0.0);
        let got = haversine_m(nan, p(0.0, 0.0));
        assert_eq!(got.to_bits(), reference_m(nan, p(0.0, 0.0)).to_bits());
    }
}
