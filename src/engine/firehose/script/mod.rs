//! The sandboxed transform language and built-in record transforms (semantics.md §4.3).
