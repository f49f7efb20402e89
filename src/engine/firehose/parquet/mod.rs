//! JSON → Apache Parquet record format conversion (semantics.md §4.5).
//!
//! Firehose converts each incoming JSON record with a Glue table's columns ([`TableSchema`]) and a
//! JSON SerDe ([`Deserializer`]: OpenX by default, or Hive) into [`Row`]s; a record that cannot be
//! converted fails with a reason and goes to the `format-conversion-failed` error output. Each
//! delivered object is then one Parquet file written by the small hand-written writer here
//! ([`write_parquet`]), no Arrow / parquet crate, to keep the wasm small.
//!
//! Type mapping (every column OPTIONAL):
//!
//! | Hive type | Parquet physical | Converted / logical type |
//! |---|---|---|
//! | `string`, `varchar(n)`, `char(n)` | BYTE_ARRAY | UTF8 / STRING |
//! | `tinyint` | INT32 | INT_8 / INTEGER(8, signed) |
//! | `smallint` | INT32 | INT_16 / INTEGER(16, signed) |
//! | `int` | INT32 | — |
//! | `bigint` | INT64 | — |
//! | `float` | FLOAT | — |
//! | `double` | DOUBLE | — |
//! | `boolean` | BOOLEAN | — |
//! | `timestamp` | INT64 | TIMESTAMP_MILLIS / TIMESTAMP(UTC, MILLIS) |
//! | `date` | INT32 | DATE / DATE |
//!
//! (Real Firehose writes Hive-style INT96 timestamps; the playground writes the modern INT64
//! millisecond form, which every current reader understands.)
//!
//! Map: [`schema`] (Glue columns), [`deserialize`](mod@deserialize) (JSON → rows), [`time`]
//! (civil dates, timestamp text), [`thrift`] (compact protocol), [`rle`] (definition levels),
//! [`writer`] (file layout).

pub mod deserialize;
pub mod rle;
pub mod schema;
pub mod thrift;
pub mod time;
pub mod writer;

pub use deserialize::{deserialize, Cell, Deserializer, Row};
pub use schema::{parse_hive_type, GlueColumn, HiveType, TableSchema};
pub use writer::{write_parquet, ParquetCompression};

/// Why the playground offers no ORC output (shown in the UI).
pub const ORC_UNAVAILABLE: &str = "ORC output is not simulated: the only maintained pure-Rust ORC writer on crates.io (orc-rust) writes from Apache Arrow arrays, which would bloat the WebAssembly build, and there is no small standalone ORC writer, so use Parquet here.";
