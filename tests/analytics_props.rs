//! Exactly-once under failures (semantics.md §5.6), as a property: with random task-manager
//! kills, restarts and checkpoint intervals, the transactional sink's final table equals a
//! failure-free batch computation of the same input; the at-least-once log holds every committed
//! row plus duplicates, all explained by replays (every extra row repeats an earlier one).
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::analytics::*;
use common::{advance_by, create_active, ok, session};
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Clone, Debug)]
enum Op {
    Put { key: u8, count: u8, gap_ms: u16 },
    Advance(u16),
    Kill,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0u8..6, 1u8..8, 1u16..900).prop_map(|(key, count, gap_ms)| Op::Put { key, count, gap_ms }),
        3 => (50u16..4_000).prop_map(Op::Advance),
        1 => Just(Op::Kill),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn exactly_once_equals_the_batch_under_random_failures(
        seed in 0u64..1_000,
        shards in 1u32..4,
        checkpoint_ms in 500u64..6_000,
        window_s in 1u32..6,
        ops in prop::collection::vec(op(), 5..40),
    ) {
        let mut s = session(seed);
        create_active(&mut s, "orders", shards);
        create_app(&mut s, "job", &tumbling_sql("orders", window_s, 1), checkpoint_ms, json!({}));
        start_running(&mut s, "job", Value::Null);
        // Strictly increasing event times: nothing is ever late, so the batch is the oracle.
        let mut t = 0i64;
        let mut kills = 0;
        for o in &ops {
            match o {
                Op::Put { key, count, gap_ms } => {
                    for i in 0..*count {
                        t += i64::from(*gap_ms);
                        put_order(&mut s, "orders", &format!("k{key}"), f64::from(i) + 0.5, t);
                    }
                }
                Op::Advance(ms) => advance_by(&mut s, u64::from(*ms)),
                Op::Kill => {
                    let j = job(&mut s, "job");
                    if j["Phase"] == "RUNNING" {
                        ok(&mut s, "playground", "KillTaskManager", json!({"ApplicationName": "job"}));
                        kills += 1;
                    }
                }
            }
        }
        // Every shard sees a record far ahead, so every window with data fires.
        for k in 0..32 {
            put_order(&mut s, "orders", &format!("flush{k}"), 0.0, t + 1_000_000);
        }
        advance_by(&mut s, 5_000);
        ok(&mut s, "kinesisanalyticsv2", "StopApplication", json!({"ApplicationName": "job"}));
        advance_by(&mut s, 3_000);
        let b = ok(&mut s, "playground", "RunBatchQuery", json!({"ApplicationName": "job"}));
        prop_assert_eq!(&b["Comparison"]["Equal"], &json!(true), "{}", b["Comparison"]);
        prop_assert_eq!(&b["AtLeastOnceComparison"]["Equal"], &json!(true));
        let j = job(&mut s, "job");
        prop_assert_eq!(j["Counters"]["Restarts"].as_u64(), Some(kills));
        let alo = results(&mut s, "job", "AT_LEAST_ONCE");
        let eo = results(&mut s, "job", "EXACTLY_ONCE");
        let (alo_n, dups, eo_n) = (alo["Total"].as_u64().unwrap(), alo["Duplicates"].as_u64().unwrap(), eo["Total"].as_u64().unwrap());
        prop_assert!(alo_n >= eo_n);
        prop_assert_eq!(alo_n - dups, eo_n, "every extra at-least-once row is a replayed duplicate");
        if kills == 0 {
            prop_assert_eq!(dups, 0);
        }
    }
}
