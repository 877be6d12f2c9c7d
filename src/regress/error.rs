//! Typed errors of regress: a baseline or manifest that cannot be read or is broken,
//! always with the file and, for broken content, the line and column.

use thiserror::Error;

/// Why a baseline or manifest cannot be used.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum RegressError {
    /// The file cannot be read.
    #[error("{path}: cannot read: {message}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A baseline that is not valid JSON, or not a valid baseline.
    #[error("{path}:{line}:{column}: broken baseline: {message}")]
    Baseline {
        /// The file.
        path: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A manifest that is not valid TOML, or not a valid manifest.
    #[error("{path}:{line}:{column}: broken manifest: {message}")]
    Manifest {
        /// The file.
        path: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl RegressError {
    /// Stable snake_case code for output.
    pub fn kind(&self) -> &'static str {
        match self {
            RegressError::Io { .. } => "io",
            RegressError::Baseline { .. } => "broken_baseline",
            RegressError::Manifest { .. } => "broken_manifest",
        }
    }
}

/// 1-based line and column of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end = end.saturating_sub(1);
    }
    let before = text.get(..end).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_column("ab", 99), (1, 3));
    }
}
