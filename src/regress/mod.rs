//! Regression checks for CI, after the report stage: a scan's results pinned in a
//! baseline file (or stated in a hand-written manifest of expectations) and compared
//! with a fresh scan of the same folder, so that any change of a judgement — a new
//! release, a tuned threshold, a new device's file — shows up as a readable difference.
//!
//! The pieces, in pipeline order: [`observe()`] turns a [`crate::scan::Scan`] into
//! [`Observed`] outcomes keyed by path relative to the baseline or manifest
//! ([`paths`]); [`baseline`] reads and writes the pinned file; [`compare()`] and
//! [`expect`] produce [`Case`]s with [`Difference`]s, within the [`tolerance`]s the
//! baseline states; [`report`] and [`junit`] render them to any `io::Write`.
//! Formats and semantics: docs/ci.md.

pub mod baseline;
pub mod compare;
pub mod error;
pub mod expect;
pub mod junit;
pub mod observe;
pub mod paths;
pub mod report;
pub mod tolerance;

pub use baseline::{BASELINE_FORMAT, Baseline};
pub use compare::{Case, Comparison, Difference, Status, compare};
pub use error::RegressError;
pub use expect::{Expectation, Manifest, check_expectations};
pub use observe::{ActivityFacts, Observed, Outcome, RunSettings, Thresholds, observe};
pub use paths::Anchor;
pub use report::{Report, ReportFormat, Section};
pub use tolerance::{Tolerance, Tolerances};
