//! Simulated applications that live inside the world: producers now, consumers later.

pub mod producer;
pub mod workload;
