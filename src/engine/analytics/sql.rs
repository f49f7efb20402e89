//! SQL subset (semantics.md §5.8). Placeholder until the SQL front-end lands.
