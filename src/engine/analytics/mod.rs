//! Stream analytics, Flink-style (semantics.md §5): event time, watermarks, windows, keyed state,
//! checkpoints, savepoints and a SQL subset, on virtual time; service `kinesisanalyticsv2`.
//!
//! Map:
//! - [`spec`]: what a job computes (the shared vocabulary of the SQL front-end, the window operator
//!   and the runtime).
//! - [`rows`]: a record as a JSON row: fields, timestamps, keys, `WHERE` evaluation.
//! - [`window`]: window assigners, triggers, allowed lateness, aggregates, the keyed window operator
//!   and key groups (§5.3–§5.5).
//! - [`sql`]: the SQL subset → [`spec::QuerySpec`], with positioned errors (§5.8).
//! - [`settings`]: parallelism, checkpointing, snapshots and Flink options of an application.
//! - [`job`]: a running job: Kinesis source splits, watermarks, subtasks, sinks (§5.2, §5.5).
//! - [`checkpoint`]: barrier snapshots, the coordinator and its history (§5.6).
//! - [`sink`]: the transactional results table, the at-least-once log, late side output.
//! - [`application`]: applications, their lifecycle and snapshots; [`actions`]: the service.
//! - [`batch`]: the same query over a stream's retained records as a bounded input.
//! - [`describe`]: the job as JSON for the pictures (`playground.DescribeJob`).

pub mod actions;
pub mod actions_playground;
pub mod application;
pub mod batch;
pub mod checkpoint;
pub mod describe;
pub mod job;
pub mod job_records;
pub mod rows;
pub mod settings;
pub mod sink;
pub mod spec;
pub mod sql;
pub mod window;

pub use application::{Analytics, AnalyticsEvent};
