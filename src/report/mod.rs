//! Reports: renderers from results to any `io::Write`; they never print themselves.

pub mod check;
pub mod escape;
pub mod html;
pub mod inspect;
pub mod scan;
pub mod schema;
pub mod series;
