//! Permalinks and lesson checks never panic: random logs round-trip through a link, and random
//! learner calls are graded (refused or not) without a panic.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_playground::engine::action_log::ActionCall;
use kinesis_playground::engine::lesson::catalog;
use kinesis_playground::engine::lesson::check::check;
use kinesis_playground::engine::lesson::permalink::{decode, encode, Permalink};
use proptest::prelude::*;
use serde_json::json;

fn call() -> impl Strategy<Value = ActionCall> {
    (
        0u64..40_000,
        prop::sample::select(vec!["kinesis", "playground", "cloudwatch", "nope"]),
        prop::sample::select(vec![
            "PutRecord",
            "SplitShard",
            "MergeShards",
            "UpdateShardCount",
            "RecordPrediction",
            "DeleteStream",
            "DescribeStreamRecords",
            "AdvanceTime",
        ]),
        "[a-z0-9-]{0,12}",
        0u64..8,
    )
        .prop_map(|(at, service, action, key, n)| ActionCall {
            at: Some(at),
            service: service.into(),
            action: action.into(),
            request: json!({
                "StreamName": if n % 3 == 0 { "orders".to_string() } else { key.clone() },
                "PartitionKey": key, "Data": "eA==", "TargetShardCount": n,
                "ScalingType": "UNIFORM_SCALING", "Question": "shard-of-user-42", "Answer": key,
                "Milliseconds": n * 1000,
            }),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn links_round_trip(actions in proptest::collection::vec(call(), 0..20), seed in any::<u64>(),
                        now in any::<u64>(), embed in any::<bool>(), cut in any::<usize>()) {
        let link = Permalink { lesson: Some("partition-keys".into()), seed, actions, now, hide: vec![], embed };
        let f = encode(&link);
        prop_assert_eq!(decode(&f).expect("decodes"), link);
        let _ = decode(&f[..cut % (f.len() + 1)]);
    }

    #[test]
    fn random_learner_logs_are_graded_without_panicking(mut actions in proptest::collection::vec(call(), 0..12)) {
        actions.sort_by_key(|c| c.at);
        let lesson = catalog::find("partition-keys").expect("lesson");
        let report = check(&lesson, &actions);
        prop_assert_eq!(report.seeds.len(), 3);
        let lesson = catalog::find("split-and-merge").expect("lesson");
        let _ = check(&lesson, &actions);
    }
}
