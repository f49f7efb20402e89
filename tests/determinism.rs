//! Determinism: same seed + same calls ⇒ same world digest; advancing in steps equals advancing at
//! once; a saved session replays to the same digest; and a golden digest pinned here is checked
//! both natively and in the browser (so native and wasm agree bit for bit).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::{b64, ok, session};
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::digest::world_digest;
use kinesis_playground::engine::scenario::{sandbox_session, DEFAULT_SEED};
use serde_json::json;

/// Digest of [`scenario`] with seed 7 run to [`END_MS`]. Regenerate only on a deliberate change of
/// the simulation (and say so in the commit): every saved session depends on it.
const GOLDEN_DIGEST: &str = "efa0ec16a812eb1a70a687827f9f1d3b";

/// Virtual time the golden scenario ends at.
const END_MS: u64 = 90_000;

/// A fixed scenario: two streams, direct puts (some failing), and two running producers (one with a
/// hot key), stopped and restarted along the way. Returns the session at virtual time `t_stop`,
/// which is before [`END_MS`] so callers can test different ways of advancing.
fn scenario(seed: u64) -> Session {
    let mut s = session(seed);
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "orders", "ShardCount": 4}),
    );
    ok(
        &mut s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "clicks", "ShardCount": 3}),
    );
    // A failed put while CREATING is part of the history too.
    let _ = s.call(
        "kinesis",
        "PutRecord",
        json!({"StreamName": "orders", "PartitionKey": "early", "Data": b64(b"x")}),
    );
    s.advance_to(2_000);
    for i in 0..20u32 {
        ok(
            &mut s,
            "kinesis",
            "PutRecord",
            json!({"StreamName": "orders", "PartitionKey": format!("user-{i}"),
                   "Data": b64(format!("order {i}").as_bytes())}),
        );
    }
    ok(
        &mut s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "clickstream", "StreamName": "clicks", "RecordsPerSecond": 37,
               "KeyDistribution": {"Type": "UNIFORM", "KeyCount": 50}}),
    );
    ok(
        &mut s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "hot", "StreamName": "orders", "RecordsPerSecond": 13.5,
               "KeyDistribution": {"Type": "HOT_KEY", "KeyCount": 20, "HotKeyShare": 0.7}}),
    );
    s.advance_to(20_000);
    ok(
        &mut s,
        "playground",
        "StopProducer",
        json!({"ProducerName": "hot"}),
    );
    s.advance_to(25_500);
    ok(
        &mut s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "hot", "StreamName": "orders", "RecordsPerSecond": 3}),
    );
    ok(
        &mut s,
        "kinesis",
        "PutRecord",
        json!({"StreamName": "clicks", "PartitionKey": "k",
        "ExplicitHashKey": "0", "Data": b64(b"explicit")}),
    );
    ok(
        &mut s,
        "playground",
        "AdvanceTime",
        json!({"Milliseconds": 4_321}),
    );
    s
}

fn digest(s: &Session) -> String {
    world_digest(s.world())
}

fn records(s: &Session) -> usize {
    s.world()
        .kinesis
        .streams()
        .values()
        .flat_map(|st| st.shards())
        .map(|sh| sh.records().len())
        .sum()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn golden_digest_native_and_wasm_agree() {
    let mut s = scenario(7);
    s.advance_to(END_MS);
    // Sanity: the producers really ran (≈ 37/s for ~88 s and 13.5/s, then 3/s).
    assert!(records(&s) > 3_000, "records: {}", records(&s));
    assert_eq!(digest(&s), GOLDEN_DIGEST);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn same_seed_same_calls_same_digest() {
    let mut a = scenario(7);
    let mut b = scenario(7);
    a.advance_to(END_MS);
    b.advance_to(END_MS);
    assert_eq!(digest(&a), digest(&b));
    assert_eq!(a.to_jsonl(), b.to_jsonl());
    // The seed matters: producers draw keys and payloads from the world RNG.
    let mut c = scenario(8);
    c.advance_to(END_MS);
    assert_ne!(digest(&a), digest(&c));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn advancing_in_steps_equals_advancing_at_once() {
    let mut straight = scenario(7);
    straight.advance_to(END_MS);
    let want = digest(&straight);

    // Two steps, a = an arbitrary point in between.
    for a in [29_000u64, 29_821, 45_000, 89_999, END_MS] {
        let mut s = scenario(7);
        s.advance_to(a);
        s.advance_to(END_MS);
        assert_eq!(digest(&s), want, "advance_to({a}); advance_to({END_MS})");
    }
    // Animation-style frames of 16 ms, then odd frame lengths.
    let mut s = scenario(7);
    let mut t = s.world().now();
    while t < END_MS {
        t = (t + 16).min(END_MS);
        s.advance_to(t);
    }
    assert_eq!(digest(&s), want, "16 ms frames");
    let mut s = scenario(7);
    let mut t = s.world().now();
    let mut step = 1;
    while t < END_MS {
        t = (t + step).min(END_MS);
        s.advance_to(t);
        step = step * 7 % 1_013 + 1;
    }
    assert_eq!(digest(&s), want, "irregular frames");
    // Going back is a no-op.
    let mut s = scenario(7);
    s.advance_to(END_MS);
    s.advance_to(1_000);
    assert_eq!(s.world().now(), END_MS);
    assert_eq!(digest(&s), want);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn saved_session_replays_to_the_same_digest() {
    let mut s = scenario(7);
    s.advance_to(END_MS);
    let text = s.to_jsonl();
    let replayed = Session::from_jsonl(&text).expect("replay");
    assert_eq!(replayed.world().now(), END_MS);
    assert_eq!(replayed.log(), s.log());
    assert_eq!(digest(&replayed), digest(&s));
    // And the replay saves to the same text.
    assert_eq!(replayed.to_jsonl(), text);
    // The header carries the seed, the epoch and the time reached.
    let header: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(header["session"]["seed"], 7);
    assert_eq!(header["session"]["now"], END_MS);
    assert_eq!(header["session"]["epochUnixMs"], 1_767_225_600_000u64);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn replay_from_a_saved_session_can_continue() {
    // Save mid-run, replay, then continue both the same way: still equal.
    let mut live = scenario(3);
    live.advance_to(40_000);
    let mut replayed = Session::from_jsonl(&live.to_jsonl()).unwrap();
    for s in [&mut live, &mut replayed] {
        ok(
            s,
            "kinesis",
            "PutRecord",
            json!({"StreamName": "orders", "PartitionKey": "late",
            "Data": b64(b"after save")}),
        );
        s.advance_to(70_000);
    }
    assert_eq!(digest(&live), digest(&replayed));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn sandbox_is_deterministic() {
    let mut a = sandbox_session(DEFAULT_SEED);
    let mut b = sandbox_session(DEFAULT_SEED);
    a.advance_to(60_000);
    b.advance_to(60_000);
    assert_eq!(digest(&a), digest(&b));
    // The sandbox producer writes 5 records/s from t = 2 s: 58 s → 290 records (+1 at t = 2 s).
    assert_eq!(records(&a), 291);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn digest_sees_every_change() {
    let mut s = scenario(7);
    s.advance_to(END_MS);
    let before = digest(&s);
    ok(
        &mut s,
        "kinesis",
        "PutRecord",
        json!({"StreamName": "orders", "PartitionKey": "one-more",
        "Data": b64(b"!")}),
    );
    let after_put = digest(&s);
    assert_ne!(before, after_put);
    s.advance_to(END_MS + 1);
    assert_ne!(after_put, digest(&s), "time is part of the digest");
}
