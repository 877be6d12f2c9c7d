//! Reports: renderers from results to any `io::Write`; they never print themselves.

pub mod check;
pub mod clock;
pub mod escape;
pub mod html;
pub mod inspect;
pub mod rate;
pub mod scan;
pub mod schema;
pub mod units;

/// Rounds `v` to `decimals` places, so output is stable and readable.
pub fn round_to(v: f64, decimals: i32) -> f64 {
    let p = 10f64.powi(decimals);
    (v * p).round() / p
}
