//! GZIP, ZIP, Snappy and Hadoop-Snappy compression of delivered objects (semantics.md §4.5).
