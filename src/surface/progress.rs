//! Progress of an index build, for the caller to show (the CLI draws a bar on stderr;
//! the library never prints).

/// Which part of the build is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading the ways (the whole file for XML).
    Ways,
    /// Reading the coordinates of the nodes the ways use.
    Nodes,
    /// Writing the index.
    Index,
}

impl Phase {
    /// `ways`, `nodes` or `index`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Ways => "ways",
            Phase::Nodes => "nodes",
            Phase::Index => "index",
        }
    }
}

/// Bytes done of those the current phase reads (a pass over a sorted PBF reads only
/// its part of the file; the index phase counts in fractions of the map's size).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// The part of the build running.
    pub phase: Phase,
    /// Bytes done in this phase.
    pub done_bytes: u64,
    /// Bytes this phase reads in all.
    pub total_bytes: u64,
}
