//! Helpers shared by the integration tests. Every helper goes through the one dispatcher
//! (`Session::call`), exactly as the UI and the CLI do.
//!
//! Tests that run both natively and in headless Chromium are marked
//! `#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]` and
//! `#[cfg_attr(not(target_arch = "wasm32"), test)]`; each such file also carries
//! `wasm_bindgen_test_configure!(run_in_browser)` at its top.
#![allow(dead_code)]

pub mod analytics;
pub mod firehose;
pub mod mutate;

use base64::Engine as _;
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::api::error::ApiError;
use kinesis_playground::engine::kinesis::limits::STREAM_CREATE_DELAY_MS;
use kinesis_playground::engine::world::WorldConfig;
use serde_json::{json, Value};

/// 2^128 − 1 in decimal (semantics.md §1.2).
pub const MAX_HASH_KEY_DEC: &str = "340282366920938463463374607431768211455";

/// Base64 of `bytes`, as the AWS JSON protocol carries blobs.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A fresh session with `seed`.
pub fn session(seed: u64) -> Session {
    Session::new(WorldConfig::seeded(seed))
}

/// A request shortened for failure messages (a 1 MiB blob would drown the report).
pub fn brief(request: &Value) -> String {
    let text = request.to_string();
    if text.len() <= 300 {
        return text;
    }
    let cut: String = text.chars().take(300).collect();
    format!("{cut}… ({} bytes)", text.len())
}

/// Calls the dispatcher and panics with the AWS error if the call fails.
pub fn ok(s: &mut Session, service: &str, action: &str, request: Value) -> Value {
    let shown = brief(&request);
    match s.call(service, action, request) {
        Ok(v) => v,
        Err(e) => panic!("{service}.{action} {shown} failed: {e}"),
    }
}

/// Calls the dispatcher, expects a failure and returns it.
pub fn err(s: &mut Session, service: &str, action: &str, request: Value) -> ApiError {
    let shown = brief(&request);
    match s.call(service, action, request) {
        Ok(v) => panic!(
            "{service}.{action} {shown} unexpectedly succeeded: {}",
            brief(&v)
        ),
        Err(e) => e,
    }
}

/// Moves virtual time forward by `ms` (e.g. to let a shard's 1 MiB/s write bucket refill).
pub fn advance_by(s: &mut Session, ms: u64) {
    let t = s.world().now() + ms;
    s.advance_to(t);
}

/// Expects a failure of AWS type `kind` (e.g. `"ValidationException"`) and returns its message.
pub fn expect_err(s: &mut Session, action: &str, request: Value, kind: &str) -> String {
    let e = err(s, "kinesis", action, request);
    assert_eq!(e.kind.as_str(), kind, "wrong error type for {action}: {e}");
    e.message
}

/// Creates a provisioned stream and advances virtual time until it is ACTIVE.
pub fn create_active(s: &mut Session, name: &str, shards: u32) {
    ok(
        s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": name, "ShardCount": shards}),
    );
    let t = s.world().now() + STREAM_CREATE_DELAY_MS;
    s.advance_to(t);
    let status = s.world().kinesis.stream(name).map(|st| st.status.as_str());
    assert_eq!(
        status,
        Some("ACTIVE"),
        "stream {name} should be ACTIVE after the create delay"
    );
}

/// A session with one ACTIVE stream.
pub fn session_with_stream(seed: u64, name: &str, shards: u32) -> Session {
    let mut s = session(seed);
    create_active(&mut s, name, shards);
    s
}

/// PutRecord with a partition key and data; returns the response.
pub fn put(s: &mut Session, stream: &str, key: &str, data: &[u8]) -> Value {
    ok(
        s,
        "kinesis",
        "PutRecord",
        json!({"StreamName": stream, "PartitionKey": key, "Data": b64(data)}),
    )
}

/// The `ShardId` and `SequenceNumber` of a PutRecord response.
pub fn shard_and_seq(v: &Value) -> (String, String) {
    let shard = v["ShardId"]
        .as_str()
        .expect("ShardId is a string")
        .to_string();
    let seq = v["SequenceNumber"]
        .as_str()
        .expect("SequenceNumber is a string")
        .to_string();
    (shard, seq)
}

/// Compares two decimal strings without leading zeros as unsigned integers.
pub fn dec_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}
