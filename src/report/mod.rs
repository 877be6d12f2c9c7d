//! Reports: renderers from analysis results to any `io::Write`.
