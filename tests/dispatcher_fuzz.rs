//! No input panics the dispatcher: random and mutated requests at every action of every service,
//! random timed call lines at the session parser (semantics: errors, never a crash).
#![cfg(not(target_arch = "wasm32"))]

use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::world::WorldConfig;
use proptest::prelude::*;
use serde_json::{json, Value};

const ACTIONS: &[(&str, &str)] = &[
    ("kinesis", "CreateStream"),
    ("kinesis", "DeleteStream"),
    ("kinesis", "DescribeStream"),
    ("kinesis", "DescribeStreamSummary"),
    ("kinesis", "ListStreams"),
    ("kinesis", "ListShards"),
    ("kinesis", "PutRecord"),
    ("kinesis", "PutRecords"),
    ("kinesis", "GetShardIterator"),
    ("kinesis", "GetRecords"),
    ("kinesis", "SplitShard"),
    ("kinesis", "MergeShards"),
    ("kinesis", "UpdateShardCount"),
    ("kinesis", "UpdateStreamMode"),
    ("kinesis", "IncreaseStreamRetentionPeriod"),
    ("kinesis", "DecreaseStreamRetentionPeriod"),
    ("kinesis", "AddTagsToStream"),
    ("kinesis", "ListTagsForStream"),
    ("kinesis", "RemoveTagsFromStream"),
    ("kinesis", "RegisterStreamConsumer"),
    ("kinesis", "DescribeStreamConsumer"),
    ("kinesis", "ListStreamConsumers"),
    ("kinesis", "DeregisterStreamConsumer"),
    ("kinesis", "SubscribeToShard"),
    ("cloudwatch", "GetMetricStatistics"),
    ("cloudwatch", "ListMetrics"),
    ("playground", "StartProducer"),
    ("playground", "StopProducer"),
    ("playground", "ListProducers"),
    ("playground", "AdvanceTime"),
    ("playground", "StartSdkConsumer"),
    ("playground", "StartEfoConsumer"),
    ("playground", "StopConsumerApp"),
    ("playground", "DescribeConsumerApps"),
    ("playground", "DescribeWorld"),
    ("playground", "InjectFault"),
    ("playground", "ClearFaults"),
    ("playground", "ListFaults"),
    ("playground", "ReadSubscriptionEvents"),
    ("playground", "ListSubscriptions"),
    ("nope", "Nope"),
];

const MEMBERS: &[&str] = &[
    "StreamName",
    "StreamARN",
    "ShardCount",
    "Data",
    "PartitionKey",
    "ExplicitHashKey",
    "Records",
    "ShardId",
    "ShardIteratorType",
    "StartingSequenceNumber",
    "Timestamp",
    "ShardIterator",
    "Limit",
    "ShardToSplit",
    "NewStartingHashKey",
    "ShardToMerge",
    "AdjacentShardToMerge",
    "TargetShardCount",
    "ScalingType",
    "RetentionPeriodHours",
    "Tags",
    "TagKeys",
    "ConsumerName",
    "PollIntervalMs",
    "ConsumerARN",
    "StartingPosition",
    "StreamModeDetails",
    "ShardFilter",
    "MaxResults",
    "NextToken",
    "Namespace",
    "MetricName",
    "Dimensions",
    "StartTime",
    "EndTime",
    "Period",
    "Statistics",
    "ProducerName",
    "RecordsPerSecond",
    "KeyDistribution",
    "Milliseconds",
    "Type",
    "AvailabilityZone",
    "DurationMs",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(json!("s")),
        Just(json!("shardId-000000000000")),
        Just(json!("TRIM_HORIZON")),
        Just(json!("340282366920938463463374607431768211456")),
        Just(json!("aGVsbG8=")),
        Just(json!("%%%")),
        Just(json!("arn:aws:kinesis:us-east-1:123456789012:stream/s")),
        "[ -~]{0,40}".prop_map(Value::String),
        "\\PC{0,300}".prop_map(Value::String),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            proptest::collection::btree_map(prop::sample::select(MEMBERS), inner, 0..6).prop_map(
                |m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            ),
        ]
    })
}

fn request() -> impl Strategy<Value = Value> {
    proptest::collection::btree_map(prop::sample::select(MEMBERS), value(), 0..8)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn no_request_panics_the_dispatcher(calls in proptest::collection::vec((prop::sample::select(ACTIONS), request(), 0u64..400_000), 1..12)) {
        let mut s = Session::new(WorldConfig::seeded(1));
        s.call("kinesis", "CreateStream", json!({"StreamName": "s", "ShardCount": 2})).expect("create");
        s.advance_to(2_000);
        for ((service, action), req, dt) in calls {
            let t = s.world().now() + dt;
            s.advance_to(t);
            let out = s.call(service, action, req);
            if let Err(e) = out {
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn no_line_panics_the_session_parser(line in "\\PC{0,200}") {
        let mut s = Session::new(WorldConfig::seeded(2));
        let out = s.apply_json_line(&line);
        prop_assert!(out.get("ok").is_some() || out.get("error").is_some());
    }
}
