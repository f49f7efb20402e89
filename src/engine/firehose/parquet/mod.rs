//! JSON → Apache Parquet record format conversion (semantics.md §4.5).
