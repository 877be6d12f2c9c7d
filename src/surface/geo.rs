//! Plane geometry for map matching: OSM's fixed-point degrees, a local equirectangular
//! projection (metres around a reference point; under 0.1 % error within a few km,
//! which is all one matching step spans) and the projection of a point on a segment.

/// OSM stores coordinates as 1e-7 degrees (about 1 cm).
pub const E7: f64 = 1e7;

use crate::model::geo::EARTH_RADIUS_M;

/// Degrees → OSM fixed point, saturating at the i32 range.
pub fn to_e7(deg: f64) -> i32 {
    let v = (deg * E7).round();
    if v >= f64::from(i32::MAX) {
        i32::MAX
    } else if v <= f64::from(i32::MIN) {
        i32::MIN
    } else {
        v as i32
    }
}

/// A point in metres east (`x`) and north (`y`) of a projection's origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Xy {
    pub x: f64,
    pub y: f64,
}

impl Xy {
    pub fn dist(self, o: Xy) -> f64 {
        (self.x - o.x).hypot(self.y - o.y)
    }
}

/// An equirectangular projection around (`lat0`, `lon0`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Local {
    lat0_e7: f64,
    lon0_e7: f64,
    /// Metres per 1e-7 degree of longitude / latitude.
    kx: f64,
    ky: f64,
}

impl Local {
    pub fn new(lat_deg: f64, lon_deg: f64) -> Self {
        let ky = EARTH_RADIUS_M * std::f64::consts::PI / 180.0 / E7;
        Local {
            lat0_e7: lat_deg * E7,
            lon0_e7: lon_deg * E7,
            kx: ky * lat_deg.to_radians().cos(),
            ky,
        }
    }

    pub fn xy_e7(&self, lat_e7: i32, lon_e7: i32) -> Xy {
        Xy {
            x: (f64::from(lon_e7) - self.lon0_e7) * self.kx,
            y: (f64::from(lat_e7) - self.lat0_e7) * self.ky,
        }
    }

    pub fn xy(&self, lat_deg: f64, lon_deg: f64) -> Xy {
        Xy {
            x: (lon_deg * E7 - self.lon0_e7) * self.kx,
            y: (lat_deg * E7 - self.lat0_e7) * self.ky,
        }
    }

    /// Half-widths, in 1e-7 degrees, of a box of `radius_m` around the origin.
    pub fn box_e7(&self, radius_m: f64) -> (i32, i32) {
        let dlat = radius_m / self.ky;
        let dlon = radius_m / self.kx.max(1e-9);
        (dlat.ceil().min(9e8) as i32, dlon.ceil().min(1.8e9) as i32)
    }
}

/// Where a point falls on segment `a`–`b`: the distance to it and the fraction along.
pub fn project(p: Xy, a: Xy, b: Xy) -> (f64, f64) {
    let dx = b.x - a.x;
    let dy = b.y - a.y;
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let q = Xy {
        x: a.x + t * dx,
        y: a.y + t * dy,
    };
    (p.dist(q), t)
}

/// Great-circle distance between two positions in degrees, metres (haversine).
#[cfg(test)]
pub fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    use crate::model::Position;
    crate::model::geo::haversine_m(
        Position {
            lat_deg: lat1,
            lon_deg: lon1,
        },
        Position {
            lat_deg: lat2,
            lon_deg: lon2,
        },
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn local_projection_matches_haversine_within_a_km() {
        let (lat, lon) = (47.3769, 8.5417);
        let l = Local::new(lat, lon);
        let (lat2, lon2) = (47.3800, 8.5500);
        let d = l.xy(lat2, lon2).dist(l.xy(lat, lon));
        let h = haversine_m(lat, lon, lat2, lon2);
        assert!((d - h).abs() < 0.001 * h, "{d} vs {h}");
        // 0.0031° north (344.7 m) and 0.0083° east at 47.38° N (624.9 m).
        assert!((h - 713.7).abs() < 0.5, "{h}");
    }

    #[test]
    fn projection_on_segment() {
        let a = Xy { x: 0.0, y: 0.0 };
        let b = Xy { x: 10.0, y: 0.0 };
        let (d, t) = project(Xy { x: 4.0, y: 3.0 }, a, b);
        assert!((d - 3.0).abs() < 1e-12 && (t - 0.4).abs() < 1e-12);
        let (d, t) = project(Xy { x: -3.0, y: 4.0 }, a, b);
        assert!((d - 5.0).abs() < 1e-12 && t == 0.0);
        let (d, _) = project(Xy { x: 3.0, y: 4.0 }, a, a);
        assert!((d - 5.0).abs() < 1e-12);
    }

    #[test]
    fn e7_saturates() {
        assert_eq!(to_e7(47.123_456_78), 471_234_568);
        assert_eq!(to_e7(1e9), i32::MAX);
        assert_eq!(to_e7(-1e9), i32::MIN);
    }
}
