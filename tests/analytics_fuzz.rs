//! No `kinesisanalyticsv2` or analytics playground request panics the dispatcher: valid requests
//! with random members deleted, retyped or replaced at any depth, interleaved with time, puts and
//! kills, never crash (an error is fine) and the world keeps working afterwards.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::mutate::mutate;
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::world::WorldConfig;
use proptest::prelude::*;
use serde_json::{json, Value};

const SQL: &str = "CREATE TABLE orders (customer STRING, amount DOUBLE, ts TIMESTAMP(3), \
WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'kinesis', 'stream' = 'orders', \
'scan.stream.initpos' = 'TRIM_HORIZON');\nINSERT INTO out SELECT window_start, window_end, customer, \
COUNT(*) AS n, SUM(amount) AS total, TOP_N(customer, 2) AS top FROM TABLE(HOP(TABLE orders, \
DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '6' SECOND)) WHERE amount > 0 GROUP BY window_start, \
window_end, customer;";

fn seeds() -> Vec<(&'static str, &'static str, Value)> {
    let app = |name: &str| {
        json!({
            "ApplicationName": name, "RuntimeEnvironment": "FLINK-1_20",
            "ServiceExecutionRole": "arn:aws:iam::123456789012:role/flink",
            "ApplicationConfiguration": {
                "ApplicationCodeConfiguration": {"CodeContent": {"TextContent": SQL}, "CodeContentType": "PLAINTEXT"},
                "FlinkApplicationConfiguration": {
                    "CheckpointConfiguration": {"ConfigurationType": "CUSTOM", "CheckpointingEnabled": true, "CheckpointInterval": 1500, "MinPauseBetweenCheckpoints": 100},
                    "ParallelismConfiguration": {"ConfigurationType": "CUSTOM", "Parallelism": 3, "ParallelismPerKPU": 2}},
                "EnvironmentProperties": {"PropertyGroups": [{"PropertyGroupId": "FlinkApplicationProperties", "PropertyMap": {
                    "table.exec.emit.allow-lateness": "2s", "table.exec.source.idle-timeout": "3000", "execution.checkpointing.mode": "AT_LEAST_ONCE"}}]},
                "ApplicationSnapshotConfiguration": {"SnapshotsEnabled": true},
            }
        })
    };
    let data = |c: &str, t: i64| {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(
            json!({"customer": c, "amount": 2.5, "ts": 1_767_225_600_000i64 + t}).to_string(),
        )
    };
    vec![
        (
            "kinesis",
            "CreateStream",
            json!({"StreamName": "orders", "ShardCount": 2}),
        ),
        (
            "kinesis",
            "CreateStream",
            json!({"StreamName": "out", "ShardCount": 1}),
        ),
        ("kinesisanalyticsv2", "CreateApplication", app("a")),
        (
            "kinesisanalyticsv2",
            "StartApplication",
            json!({"ApplicationName": "a", "RunConfiguration": {"ApplicationRestoreConfiguration": {"ApplicationRestoreType": "RESTORE_FROM_LATEST_SNAPSHOT"}}}),
        ),
        (
            "kinesis",
            "PutRecord",
            json!({"StreamName": "orders", "PartitionKey": "x", "Data": data("x", 9_000)}),
        ),
        (
            "kinesis",
            "PutRecord",
            json!({"StreamName": "orders", "PartitionKey": "y", "Data": data("y", 3_000)}),
        ),
        (
            "kinesisanalyticsv2",
            "CreateApplicationSnapshot",
            json!({"ApplicationName": "a", "SnapshotName": "s1"}),
        ),
        (
            "playground",
            "KillTaskManager",
            json!({"ApplicationName": "a"}),
        ),
        ("playground", "DescribeJob", json!({"ApplicationName": "a"})),
        (
            "playground",
            "GetJobResults",
            json!({"ApplicationName": "a", "Sink": "LATE", "Limit": 5}),
        ),
        (
            "playground",
            "RunBatchQuery",
            json!({"ApplicationName": "a", "Limit": 3}),
        ),
        (
            "playground",
            "PreviewWindows",
            json!({"ApplicationName": "a", "EventTime": 1_767_225_605_000i64}),
        ),
        ("playground", "ValidateSql", json!({"Sql": SQL})),
        (
            "playground",
            "BuildSql",
            json!({"Stream": "orders", "Columns": [{"Name": "ts", "Type": "TIMESTAMP(3)"}, {"Name": "k", "Type": "STRING"}], "Rowtime": "ts", "Window": {"Type": "SESSION", "GapMs": 3000}, "Keys": ["k"], "Aggregates": [{"Function": "COUNT"}], "Where": "k <> 'z'"}),
        ),
        (
            "kinesisanalyticsv2",
            "UpdateApplication",
            json!({"ApplicationName": "a", "CurrentApplicationVersionId": 1, "ApplicationConfigurationUpdate": {"FlinkApplicationConfigurationUpdate": {"ParallelismConfigurationUpdate": {"ConfigurationTypeUpdate": "CUSTOM", "ParallelismUpdate": 5}}}}),
        ),
        (
            "kinesisanalyticsv2",
            "ListApplicationSnapshots",
            json!({"ApplicationName": "a", "Limit": 1}),
        ),
        (
            "kinesisanalyticsv2",
            "StopApplication",
            json!({"ApplicationName": "a", "Force": false}),
        ),
        (
            "kinesisanalyticsv2",
            "DescribeApplication",
            json!({"ApplicationName": "a"}),
        ),
        (
            "kinesisanalyticsv2",
            "ListApplications",
            json!({"Limit": 2}),
        ),
    ]
}

fn junk() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        (-1e20f64..1e20).prop_map(|f| json!(f)),
        Just(json!("SELECT (((((((( FROM")),
        Just(json!("9223372036854775807")),
        Just(json!([])),
        Just(json!({})),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn mutated_analytics_requests_never_panic(
        muts in prop::collection::vec((0usize..64, prop::collection::vec(0usize..16, 0..6), prop::option::of(junk()), 0u64..8_000), 1..30)
    ) {
        let mut s = Session::new(WorldConfig::seeded(9));
        let seeds = seeds();
        for (svc, act, req) in seeds.iter().take(3) {
            let _ = s.call(svc, act, req.clone());
        }
        s.advance_to(3_000);
        for (which, path, replacement, dt) in muts {
            let (svc, act, mut req) = seeds[which % seeds.len()].clone();
            mutate(&mut req, &path, replacement);
            let _ = s.call(svc, act, req);
            let now = s.world().now();
            s.advance_to(now + dt);
        }
        let now = s.world().now();
        s.advance_to(now + 120_000);
        let listed = s.call("kinesisanalyticsv2", "ListApplications", json!({}));
        prop_assert!(listed.is_ok());
    }
}

#[test]
fn the_seed_requests_are_valid() {
    let mut s = Session::new(WorldConfig::seeded(9));
    for (svc, act, req) in seeds() {
        let r = s.call(svc, act, req);
        assert!(r.is_ok(), "{svc}.{act}: {r:?}");
        let now = s.world().now();
        s.advance_to(
            now + if act == "CreateStream"
                || act == "StartApplication"
                || act == "UpdateApplication"
                || act == "StopApplication"
            {
                6_000
            } else {
                500
            },
        );
    }
}
