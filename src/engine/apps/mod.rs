//! Simulated applications that live inside the world: producers now, consumers later.

pub mod agent;
pub mod consumer_apps;
pub mod detmath;
pub mod efo_consumer;
pub mod events;
pub mod firehose_client;
pub mod kcl;
pub mod keys;
pub mod kpl;
pub mod lambda;
pub mod payloads;
pub mod producer;
pub mod rate_shape;
pub mod sdk;
pub mod sdk_consumer;
pub mod workload;
