//! Built-in starting scenarios: a seed plus the calls that set the stage.

use serde_json::json;

use crate::engine::action_log::{ActionCall, Session};
use crate::engine::world::WorldConfig;

/// Seed of the default sandbox.
pub const DEFAULT_SEED: u64 = 20_260_101;

/// The sandbox the page opens with: stream `orders` with 4 provisioned shards, and once it is
/// ACTIVE a `clickstream` producer writing 5 records/s with uniform keys over 50 users.
pub fn sandbox_calls() -> Vec<ActionCall> {
    vec![
        ActionCall {
            at: Some(0),
            service: "kinesis".into(),
            action: "CreateStream".into(),
            request: json!({ "StreamName": "orders", "ShardCount": 4 }),
        },
        ActionCall {
            at: Some(2_000),
            service: "playground".into(),
            action: "StartProducer".into(),
            request: json!({
                "ProducerName": "clickstream",
                "StreamName": "orders",
                "RecordsPerSecond": 5,
                "KeyDistribution": { "Type": "UNIFORM", "KeyCount": 50 },
            }),
        },
    ]
}

/// A session with the sandbox applied, at virtual time 2 s.
pub fn sandbox_session(seed: u64) -> Session {
    let mut s = Session::new(WorldConfig::seeded(seed));
    for call in sandbox_calls() {
        // The built-in calls are valid by construction; a failure would show in the log anyway.
        let _ = s.apply(call);
    }
    s
}
