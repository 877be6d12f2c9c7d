//! The batch driver: expands paths, reads files in parallel, collects in a stable order.
//! The one place where parallelism is introduced.
