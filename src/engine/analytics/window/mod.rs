//! Window operator (semantics.md §5.3–§5.5). Placeholder until it lands.
