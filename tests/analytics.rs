//! Streaming applications end to end through the dispatcher (semantics.md §5): service
//! `kinesisanalyticsv2` and the playground job actions — windows firing on watermarks, the late
//! side output, idle splits, checkpoints and the transactional sink, task-manager failures,
//! savepoints with rescaling, the Kinesis sink stream, the batch comparison.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::analytics::*;
use common::{advance_by, create_active, err, ok, session};
use serde_json::{json, Value};

fn rows_by(v: &Value) -> Vec<(String, i64, f64)> {
    let mut out: Vec<(String, i64, f64)> = v["Rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                format!(
                    "{} {}",
                    r["Row"]["window_start"].as_str().unwrap_or("?"),
                    r["Row"]["customer"].as_str().unwrap_or("?")
                ),
                r["Row"]["orders"].as_i64().unwrap_or(-1),
                r["Row"]["total"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tumbling_window_fires_on_the_watermark_and_a_late_record_goes_to_the_side_output() {
    let mut s = session(1);
    create_active(&mut s, "orders", 1);
    let created = create_app(
        &mut s,
        "counts",
        &tumbling_sql("orders", 10, 2),
        5_000,
        json!({}),
    );
    assert_eq!(created["ApplicationDetail"]["ApplicationStatus"], "READY");
    start_running(&mut s, "counts", Value::Null);
    put_order(&mut s, "orders", "acme", 10.0, 1_000);
    put_order(&mut s, "orders", "acme", 5.5, 3_000);
    put_order(&mut s, "orders", "bolt", 2.0, 5_000);
    // Watermark = 11,999 − 2,000 = 9,999 = max timestamp of [0, 10 s): fires (§5.4).
    put_order(&mut s, "orders", "acme", 1.0, 11_999);
    advance_by(&mut s, 1_000);
    let j = job(&mut s, "counts");
    assert_eq!(j["Watermark"], json!(EPOCH_UNIX_MS + 9_999));
    let alo = results(&mut s, "counts", "AT_LEAST_ONCE");
    assert_eq!(
        rows_by(&alo),
        vec![
            ("2026-01-01 00:00:00.000 acme".to_string(), 2, 15.5),
            ("2026-01-01 00:00:00.000 bolt".to_string(), 1, 2.0)
        ]
    );
    let row = &alo["Rows"][0]["Row"];
    assert_eq!(row["window_end"], "2026-01-01 00:00:10.000");
    // Not yet committed: the transactional sink publishes at checkpoint completion.
    let eo = results(&mut s, "counts", "EXACTLY_ONCE");
    assert_eq!(eo["Total"], 0);
    assert_eq!(eo["Pending"], 2);
    // A record behind the watermark whose only window has fired is late: side output.
    put_order(&mut s, "orders", "acme", 99.0, 4_000);
    advance_by(&mut s, 6_000);
    let late = results(&mut s, "counts", "LATE");
    assert_eq!(late["Total"], 1);
    assert_eq!(late["Rows"][0]["LatenessMs"], 5_999);
    let eo = results(&mut s, "counts", "EXACTLY_ONCE");
    assert_eq!(
        rows_by(&eo),
        rows_by(&alo),
        "committed after the checkpoint"
    );
    let j = job(&mut s, "counts");
    assert!(j["Checkpoints"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["Status"] == "COMPLETED"));
    assert_eq!(j["Counters"]["Late"], 1);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn an_idle_shard_stalls_the_watermark_until_the_idle_timeout() {
    for (props, fires) in [
        (json!({}), false),
        (json!({"table.exec.source.idle-timeout": "3s"}), true),
    ] {
        let mut s = session(2);
        create_active(&mut s, "orders", 2);
        create_app(
            &mut s,
            "idle",
            &tumbling_sql("orders", 10, 0),
            60_000,
            props,
        );
        start_running(&mut s, "idle", Value::Null);
        // One customer: every record goes to the same shard; the other shard stays silent.
        for t in [1_000, 2_000, 15_000] {
            put_order(&mut s, "orders", "acme", 1.0, t);
        }
        advance_by(&mut s, 5_000);
        let j = job(&mut s, "idle");
        let splits = j["Splits"].as_array().unwrap();
        assert_eq!(splits.len(), 2);
        let alo = results(&mut s, "idle", "AT_LEAST_ONCE");
        if fires {
            assert_eq!(j["Watermark"], json!(EPOCH_UNIX_MS + 15_000));
            assert!(splits.iter().any(|x| x["Idle"] == true));
            assert_eq!(alo["Total"], 1);
        } else {
            assert_eq!(
                j["Watermark"],
                Value::Null,
                "the silent split holds the minimum back"
            );
            assert_eq!(alo["Total"], 0);
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_killed_task_manager_restores_the_checkpoint_replays_and_exactly_once_matches_the_batch() {
    let mut s = session(3);
    create_active(&mut s, "orders", 2);
    create_app(
        &mut s,
        "eo",
        &tumbling_sql("orders", 5, 0),
        4_000,
        json!({}),
    );
    start_running(&mut s, "eo", Value::Null);
    let customers = ["acme", "bolt", "core"];
    let mut t = 0;
    for round in 0..12 {
        for (i, c) in customers.iter().enumerate() {
            t += 700;
            put_order(&mut s, "orders", c, (round * 3 + i) as f64, t);
        }
        advance_by(&mut s, 700);
        if round == 7 {
            let k = ok(
                &mut s,
                "playground",
                "KillTaskManager",
                json!({"ApplicationName": "eo"}),
            );
            assert_eq!(k["Phase"], "RESTARTING");
            assert!(k["RestoreFromCheckpoint"].as_u64().is_some());
        }
    }
    // Flush: records far ahead on both shards push the watermark past every window.
    for c in customers {
        put_order(&mut s, "orders", c, 0.0, 100_000);
    }
    advance_by(&mut s, 10_000);
    ok(
        &mut s,
        "kinesisanalyticsv2",
        "StopApplication",
        json!({"ApplicationName": "eo"}),
    );
    advance_by(&mut s, 3_000);
    assert_eq!(status(&mut s, "eo"), "READY");
    let j = job(&mut s, "eo");
    assert_eq!(j["Counters"]["Restarts"], 1);
    let alo = results(&mut s, "eo", "AT_LEAST_ONCE");
    let eo = results(&mut s, "eo", "EXACTLY_ONCE");
    let dups = alo["Duplicates"].as_u64().unwrap();
    assert!(dups > 0, "the replay re-emitted panes: {alo}");
    assert_eq!(
        alo["Total"].as_u64().unwrap() - dups,
        eo["Total"].as_u64().unwrap()
    );
    let b = ok(
        &mut s,
        "playground",
        "RunBatchQuery",
        json!({"ApplicationName": "eo"}),
    );
    assert_eq!(b["Comparison"]["Equal"], true, "{}", b["Comparison"]);
    assert_eq!(b["AtLeastOnceComparison"]["Equal"], true);
    assert_eq!(b["LateRecordsDroppedByStreaming"], 0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn savepoint_stop_rescale_and_restart_reproduce_the_uninterrupted_results() {
    let mut s = session(4);
    create_active(&mut s, "orders", 2);
    let sql = tumbling_sql("orders", 4, 1);
    create_app(&mut s, "steady", &sql, 3_000, json!({}));
    create_app(&mut s, "moved", &sql, 3_000, json!({}));
    start_running(&mut s, "steady", Value::Null);
    start_running(&mut s, "moved", Value::Null);
    let keys = ["a", "b", "c", "d", "e", "f", "g", "h"];
    let mut t = 0i64;
    for round in 0..20 {
        for (i, k) in keys.iter().enumerate() {
            t += 150;
            put_order(&mut s, "orders", k, (round + i) as f64, t);
        }
        advance_by(&mut s, 1_200);
        if round == 8 {
            ok(
                &mut s,
                "kinesisanalyticsv2",
                "CreateApplicationSnapshot",
                json!({"ApplicationName": "moved", "SnapshotName": "before-rescale"}),
            );
            ok(
                &mut s,
                "kinesisanalyticsv2",
                "StopApplication",
                json!({"ApplicationName": "moved"}),
            );
            advance_by(&mut s, 2_000);
            let v = ok(
                &mut s,
                "kinesisanalyticsv2",
                "DescribeApplication",
                json!({"ApplicationName": "moved"}),
            );
            let version = v["ApplicationDetail"]["ApplicationVersionId"].clone();
            ok(
                &mut s,
                "kinesisanalyticsv2",
                "UpdateApplication",
                json!({
                    "ApplicationName": "moved", "CurrentApplicationVersionId": version,
                    "ApplicationConfigurationUpdate": {"FlinkApplicationConfigurationUpdate": {"ParallelismConfigurationUpdate": {"ConfigurationTypeUpdate": "CUSTOM", "ParallelismUpdate": 4}}}
                }),
            );
            let snaps = ok(
                &mut s,
                "kinesisanalyticsv2",
                "ListApplicationSnapshots",
                json!({"ApplicationName": "moved"}),
            );
            assert_eq!(
                snaps["SnapshotSummaries"].as_array().unwrap().len(),
                2,
                "{snaps}"
            );
            start_running(
                &mut s,
                "moved",
                json!({"ApplicationRestoreConfiguration": {"ApplicationRestoreType": "RESTORE_FROM_LATEST_SNAPSHOT"}}),
            );
            let j = job(&mut s, "moved");
            assert_eq!(j["Parallelism"], 4);
            assert_eq!(j["StateRestored"], true);
        }
    }
    for k in keys {
        put_order(&mut s, "orders", k, 0.0, 1_000_000);
    }
    advance_by(&mut s, 8_000);
    let a = results(&mut s, "steady", "EXACTLY_ONCE");
    let b = results(&mut s, "moved", "EXACTLY_ONCE");
    assert!(a["Total"].as_u64().unwrap() > 20);
    assert_eq!(rows_by(&a), rows_by(&b));
    let j = job(&mut s, "moved");
    let busy = j["Subtasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["Records"].as_u64().unwrap() > 0)
        .count();
    assert!(
        busy >= 2,
        "keys spread over subtasks by key group: {}",
        j["Subtasks"]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn results_go_to_a_kinesis_sink_stream_readable_with_get_records() {
    let mut s = session(5);
    create_active(&mut s, "orders", 1);
    create_active(&mut s, "results", 1);
    let sql = tumbling_sql("orders", 10, 0).replace(
        "SELECT window_start",
        "INSERT INTO results\nSELECT window_start",
    );
    create_app(&mut s, "sinker", &sql, 60_000, json!({}));
    start_running(&mut s, "sinker", Value::Null);
    put_order(&mut s, "orders", "acme", 3.0, 1_000);
    put_order(&mut s, "orders", "acme", 4.0, 20_000);
    advance_by(&mut s, 1_000);
    let it = ok(
        &mut s,
        "kinesis",
        "GetShardIterator",
        json!({"StreamName": "results", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}),
    );
    let r = ok(
        &mut s,
        "kinesis",
        "GetRecords",
        json!({"ShardIterator": it["ShardIterator"]}),
    );
    let recs = r["Records"].as_array().unwrap();
    assert_eq!(recs.len(), 1);
    use base64::Engine as _;
    let data = base64::engine::general_purpose::STANDARD
        .decode(recs[0]["Data"].as_str().unwrap())
        .unwrap();
    let row: Value = serde_json::from_slice(&data).unwrap();
    assert_eq!(row["customer"], "acme");
    assert_eq!(row["orders"], 1);
    assert_eq!(row["total"], 3.0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_service_validates_like_aws() {
    let mut s = session(6);
    create_active(&mut s, "orders", 1);
    let base = |sql: &str, runtime: &str| {
        json!({
            "ApplicationName": "bad", "RuntimeEnvironment": runtime,
            "ServiceExecutionRole": "arn:aws:iam::123456789012:role/flink",
            "ApplicationConfiguration": {"ApplicationCodeConfiguration": {"CodeContent": {"TextContent": sql}, "CodeContentType": "PLAINTEXT"}},
        })
    };
    let bad_sql = tumbling_sql("orders", 10, 0).replace(
        "GROUP BY window_start, window_end, customer",
        "GROUP BY customer",
    );
    let e = err(
        &mut s,
        "kinesisanalyticsv2",
        "CreateApplication",
        base(&bad_sql, "FLINK-1_20"),
    );
    assert_eq!(e.kind.as_str(), "CodeValidationException");
    assert!(e.message.contains("line "), "{e}");
    let e = err(
        &mut s,
        "kinesisanalyticsv2",
        "CreateApplication",
        base(&tumbling_sql("orders", 10, 0), "SQL-1_0"),
    );
    assert_eq!(e.kind.as_str(), "InvalidArgumentException");
    assert!(e.message.contains("15 Oct 2025"));
    let e = err(
        &mut s,
        "kinesisanalyticsv2",
        "CreateApplication",
        base(&tumbling_sql("orders", 10, 0), "FLINK-0_1"),
    );
    assert_eq!(e.kind.as_str(), "InvalidArgumentException");
    create_app(
        &mut s,
        "nostream",
        &tumbling_sql("missing", 10, 0),
        60_000,
        json!({}),
    );
    let e = err(
        &mut s,
        "kinesisanalyticsv2",
        "StartApplication",
        json!({"ApplicationName": "nostream"}),
    );
    assert_eq!(e.kind.as_str(), "InvalidApplicationConfigurationException");
    let e = err(
        &mut s,
        "kinesisanalyticsv2",
        "CreateApplication",
        json!({"ApplicationName": "nostream", "RuntimeEnvironment": "FLINK-1_20", "ServiceExecutionRole": "arn:aws:iam::123456789012:role/flink", "ApplicationConfiguration": {"ApplicationCodeConfiguration": {"CodeContent": {"TextContent": tumbling_sql("orders", 10, 0)}, "CodeContentType": "PLAINTEXT"}}}),
    );
    assert_eq!(e.kind.as_str(), "ResourceInUseException");
    let e = err(
        &mut s,
        "kinesisanalyticsv2",
        "UpdateApplication",
        json!({"ApplicationName": "nostream", "CurrentApplicationVersionId": 7}),
    );
    assert_eq!(e.kind.as_str(), "ConcurrentModificationException");
    let e = err(
        &mut s,
        "kinesisanalyticsv2",
        "DeleteApplication",
        json!({"ApplicationName": "nostream"}),
    );
    assert_eq!(e.kind.as_str(), "InvalidArgumentException");
    let e = err(
        &mut s,
        "kinesisanalyticsv2",
        "CreateApplicationSnapshot",
        json!({"ApplicationName": "nostream", "SnapshotName": "x"}),
    );
    assert_eq!(e.kind.as_str(), "InvalidApplicationConfigurationException");
    let e = err(
        &mut s,
        "playground",
        "KillTaskManager",
        json!({"ApplicationName": "nostream"}),
    );
    assert_eq!(e.kind.as_str(), "ResourceNotFoundException");
    let e = err(
        &mut s,
        "kinesisanalyticsv2",
        "DescribeApplication",
        json!({"ApplicationName": "ghost"}),
    );
    assert_eq!(e.kind.as_str(), "ResourceNotFoundException");
    let d = ok(
        &mut s,
        "kinesisanalyticsv2",
        "DescribeApplication",
        json!({"ApplicationName": "nostream"}),
    );
    let ts = d["ApplicationDetail"]["CreateTimestamp"].clone();
    ok(
        &mut s,
        "kinesisanalyticsv2",
        "DeleteApplication",
        json!({"ApplicationName": "nostream", "CreateTimestamp": ts}),
    );
    let l = ok(&mut s, "kinesisanalyticsv2", "ListApplications", json!({}));
    assert_eq!(l["ApplicationSummaries"].as_array().unwrap().len(), 0);
    let v = ok(
        &mut s,
        "playground",
        "ValidateSql",
        json!({"Sql": "SELECT 1 FROM"}),
    );
    assert_eq!(v["Valid"], false);
    assert!(v["Line"].as_u64().is_some() && v["Column"].as_u64().is_some());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_builder_writes_sql_that_compiles_and_preview_shows_the_windows() {
    let mut s = session(7);
    create_active(&mut s, "orders", 1);
    let b = ok(
        &mut s,
        "playground",
        "BuildSql",
        json!({
            "Stream": "orders", "Table": "orders", "StartPosition": "TRIM_HORIZON",
            "Columns": [{"Name": "customer", "Type": "STRING"}, {"Name": "amount", "Type": "DOUBLE"}, {"Name": "ts", "Type": "TIMESTAMP(3)"}],
            "Rowtime": "ts", "WatermarkDelayMs": 2000,
            "Window": {"Type": "HOP", "SizeMs": 10000, "SlideMs": 5000},
            "Keys": ["customer"],
            "Aggregates": [{"Function": "COUNT"}, {"Function": "AVG", "Column": "amount", "Alias": "avg_amount"}],
            "Where": "amount > 1",
        }),
    );
    assert_eq!(b["Valid"], true, "{b}");
    let sql = b["Sql"].as_str().unwrap().to_string();
    assert!(
        sql.contains("HOP(") && sql.contains("WHERE amount > 1"),
        "{sql}"
    );
    create_app(&mut s, "hop", &sql, 60_000, json!({}));
    // 08:07 style: an event at 7 s is in [0, 10) and [5, 15) (§5.3).
    let p = ok(
        &mut s,
        "playground",
        "PreviewWindows",
        json!({"ApplicationName": "hop", "EventTime": EPOCH_UNIX_MS + 7_000}),
    );
    let w: Vec<(i64, i64)> = p["Windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["Start"].as_i64().unwrap() - EPOCH_UNIX_MS,
                w["End"].as_i64().unwrap() - EPOCH_UNIX_MS,
            )
        })
        .collect();
    let mut w = w;
    w.sort();
    assert_eq!(w, vec![(0, 10_000), (5_000, 15_000)]);
}

/// The kill/restore scenario as a digest of the whole world (statuses, counters, watermarks,
/// checkpoints, published rows).
fn kill_scenario_digest() -> String {
    let mut s = session(11);
    create_active(&mut s, "orders", 3);
    create_app(
        &mut s,
        "d",
        &tumbling_sql("orders", 3, 1),
        2_000,
        json!({"table.exec.emit.allow-lateness": "1s"}),
    );
    start_running(&mut s, "d", Value::Null);
    for i in 0..60i64 {
        put_order(
            &mut s,
            "orders",
            ["a", "b", "c", "d"][(i % 4) as usize],
            i as f64,
            i * 250 - (i % 5) * 400,
        );
        advance_by(&mut s, 190);
        if i == 31 {
            ok(
                &mut s,
                "playground",
                "KillTaskManager",
                json!({"ApplicationName": "d"}),
            );
        }
    }
    advance_by(&mut s, 10_000);
    kinesis_playground::engine::digest::world_digest(s.world())
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn same_seed_and_actions_give_the_same_world_natively_and_in_wasm() {
    let a = kill_scenario_digest();
    assert_eq!(a, kill_scenario_digest());
    assert_eq!(a, "18b05a05a4ddc95967819af2afc85d63");
}

/// Runs records over two shards with a kill after several checkpoints; returns the batch
/// comparison and the largest streaming-minus-batch `orders` difference.
fn kill_with_mode(mode: &str) -> (Value, i64) {
    let mut s = session(12);
    create_active(&mut s, "orders", 2);
    create_app(
        &mut s,
        "m",
        &tumbling_sql("orders", 20, 0),
        1_000,
        json!({"execution.checkpointing.mode": mode}),
    );
    start_running(&mut s, "m", Value::Null);
    let mut t = 0;
    for i in 0..40 {
        for c in ["acme", "bolt", "core", "dyno"] {
            t += 50;
            put_order(&mut s, "orders", c, 1.0, t);
        }
        advance_by(&mut s, 300);
        if i == 30 {
            ok(
                &mut s,
                "playground",
                "KillTaskManager",
                json!({"ApplicationName": "m"}),
            );
        }
    }
    for c in ["acme", "bolt", "core", "dyno"] {
        put_order(&mut s, "orders", c, 0.0, 1_000_000);
    }
    advance_by(&mut s, 5_000);
    let b = ok(
        &mut s,
        "playground",
        "RunBatchQuery",
        json!({"ApplicationName": "m"}),
    );
    let over = b["Comparison"]["Differing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["Streaming"]["orders"].as_i64().unwrap() - d["Batch"]["orders"].as_i64().unwrap()
        })
        .max()
        .unwrap_or(0);
    (b["Comparison"].clone(), over)
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn at_least_once_checkpointing_counts_replayed_records_twice_after_a_failure() {
    let (eo, over) = kill_with_mode("EXACTLY_ONCE");
    assert_eq!(eo["Equal"], true, "{eo}");
    assert_eq!(over, 0);
    let (alo, over) = kill_with_mode("AT_LEAST_ONCE");
    assert_eq!(alo["Equal"], false, "{alo}");
    assert!(
        over > 0,
        "state snapshotted past the barrier over-counts: {alo}"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_read_only_actions_on_a_shared_world_answer_like_the_dispatcher() {
    use kinesis_playground::engine::analytics::actions_playground::read;
    use kinesis_playground::engine::api::request::Request;
    let mut s = session(8);
    create_active(&mut s, "orders", 1);
    create_app(
        &mut s,
        "r",
        &tumbling_sql("orders", 10, 2),
        5_000,
        json!({}),
    );
    start_running(&mut s, "r", Value::Null);
    put_order(&mut s, "orders", "acme", 1.0, 1_000);
    put_order(&mut s, "orders", "acme", 2.0, 15_000);
    advance_by(&mut s, 1_000);
    let calls = [
        ("DescribeJob", json!({"ApplicationName": "r"})),
        (
            "GetJobResults",
            json!({"ApplicationName": "r", "Sink": "AT_LEAST_ONCE"}),
        ),
        (
            "PreviewWindows",
            json!({"ApplicationName": "r", "EventTime": EPOCH_UNIX_MS + 3_000}),
        ),
        ("RunBatchQuery", json!({"ApplicationName": "r"})),
        ("ValidateSql", json!({"Sql": "SELECT 1 FROM"})),
    ];
    for (action, req) in calls {
        let shared = read(s.world(), action, Request::new(&req).unwrap()).unwrap();
        assert_eq!(shared, ok(&mut s, "playground", action, req), "{action}");
    }
    let logged = s.log().len();
    let e = read(
        s.world(),
        "KillTaskManager",
        Request::new(&json!({"ApplicationName": "r"})).unwrap(),
    );
    assert_eq!(e.unwrap_err().kind.as_str(), "UnknownOperationException");
    assert_eq!(s.log().len(), logged, "reading logs nothing");
}
