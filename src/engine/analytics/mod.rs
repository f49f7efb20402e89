//! Stream analytics, Flink-style (semantics.md §5): event time, watermarks, windows, keyed state,
//! checkpoints, savepoints and a SQL subset, on virtual time.
//!
//! Map:
//! - [`spec`]: what a job computes (the shared vocabulary of the SQL front-end, the window operator
//!   and the runtime).
//! - [`window`]: window assigners, triggers, allowed lateness, aggregates, the keyed window operator
//!   and key groups (§5.3–§5.5).
//! - [`rows`]: a record as a JSON row: fields, timestamps, keys, `WHERE` evaluation.
//! - [`sql`]: the SQL subset → [`spec::QuerySpec`], with positioned errors (§5.8).

pub mod rows;
pub mod spec;
pub mod sql;
pub mod window;
