//! The pure simulation engine. No browser crate is reachable from here: it builds and tests with
//! `--no-default-features`, natively, and the same code runs in wasm.
//!
//! Map:
//! - [`time`], [`rng`], [`scheduler`]: the deterministic core (virtual ms, one seeded xoshiro256\*\*,
//!   `(due, seq)`-ordered events).
//! - [`world`]: owns the clock, scheduler, RNG and every service; `World::advance_to` runs events.
//! - [`kinesis`]: Kinesis Data Streams (streams, shards, hash keys, sequence numbers, actions).
//! - [`apps`]: simulated applications (producers and their workloads).
//! - [`firehose`]: Amazon Data Firehose; [`s3`]: the buckets it writes; [`glue`]: table schemas.
//! - [`logs`], [`events`], [`iot`]: CloudWatch Logs, EventBridge and AWS IoT as sources that
//!   write into Firehose and Kinesis ([`sources`]: targets, delivery, retries, their events).
//! - [`kafka`]: Apache Kafka as in Amazon MSK (topics, partitions, groups, Connect).
//! - [`api`]: the one dispatcher, AWS-named errors, typed request reading, service `playground`.
//! - [`console`]: the API console's language (boto3-style calls → dispatcher calls).
//! - [`action_log`]: sessions = seed + timed dispatcher calls (JSON Lines), replay.
//! - [`chaos`]: long runs of a multi-service pipeline under random faults, invariants checked.
//! - [`digest`]: a digest of the world for determinism checks.
//!
//! ```
//! use kinesis_playground::engine::action_log::Session;
//! use kinesis_playground::engine::world::WorldConfig;
//! use serde_json::json;
//!
//! let mut s = Session::new(WorldConfig::seeded(7));
//! s.call("kinesis", "CreateStream", json!({"StreamName": "orders", "ShardCount": 4})).unwrap();
//! s.advance_to(2_000); // CREATING → ACTIVE
//! let out = s.call("kinesis", "PutRecord", json!({
//!     "StreamName": "orders", "Data": "aGVsbG8=", "PartitionKey": "user-1"})).unwrap();
//! assert_eq!(out["ShardId"], "shardId-000000000003"); // semantics.md §1.2 worked example
//! ```
#![deny(missing_docs)]

pub mod action_log;
pub mod analytics;
pub mod api;
pub mod apps;
pub mod chaos;
pub mod cloudwatch;
pub mod console;
pub mod digest;
pub mod events;
pub mod export;
pub mod faults;
pub mod firehose;
pub mod glue;
pub mod iot;
pub mod kafka;
pub mod kinesis;
pub mod lesson;
pub mod logs;
pub mod rng;
pub mod s3;
pub mod scenario;
pub mod scheduler;
pub mod sources;
pub mod time;
pub mod world;
