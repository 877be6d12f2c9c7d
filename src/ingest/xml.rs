//! Shared helpers for the streaming XML readers (GPX, TCX).
