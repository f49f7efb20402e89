//! Amazon Data Firehose (semantics.md §4): delivery streams, buffering, transformation, format
//! conversion, compression, destinations and backups.
//!
//! Map:
//! - [`compression`]: GZIP, ZIP, Snappy and Hadoop-Snappy object bytes (§4.5).
//! - [`parquet`]: JSON → Apache Parquet record format conversion against a Glue-style schema (§4.5).
//! - [`script`]: the sandboxed transform language and the built-in transforms (§4.3).

pub mod compression;
pub mod parquet;
pub mod script;
