//! Analytics with a Firehose delivery stream as its source (`'connector' = 'firehose'`): the same
//! records through a delivery stream and through a Kinesis stream give the same window results,
//! and both equal the batch oracle.

mod common;

use common::analytics::{create_app, results, start_running, tumbling_sql, EPOCH_UNIX_MS};
use common::firehose::create_s3_stream;
use common::{advance_by, b64, create_active, err, ok, session};
use serde_json::{json, Value};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn firehose_sql(delivery_stream: &str) -> String {
    tumbling_sql("x", 4, 1).replace(
        "'connector' = 'kinesis', 'stream' = 'x'",
        &format!("'connector' = 'firehose', 'delivery-stream' = '{delivery_stream}'"),
    )
}

fn rows(v: &Value) -> Vec<Value> {
    let mut rows: Vec<Value> = v["Rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!([r["Key"], r["WindowStart"], r["Row"]]))
        .collect();
    rows.sort_by_key(|r| r.to_string());
    rows
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_firehose_source_gives_the_results_of_the_same_records_from_a_stream() {
    let mut s = session(21);
    create_active(&mut s, "orders", 2);
    create_s3_stream(
        &mut s,
        "orders-fh",
        "lake",
        json!({"BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}}),
    );
    let sql = firehose_sql("orders-fh");
    assert!(sql.contains("'connector' = 'firehose'"), "{sql}");
    create_app(
        &mut s,
        "from-stream",
        &tumbling_sql("orders", 4, 1),
        3_000,
        json!({}),
    );
    create_app(&mut s, "from-firehose", &sql, 3_000, json!({}));
    start_running(&mut s, "from-stream", Value::Null);
    start_running(&mut s, "from-firehose", Value::Null);
    let keys = ["a", "b", "c", "d", "e"];
    let mut t = 0i64;
    for round in 0..30u64 {
        for (i, k) in keys.iter().enumerate() {
            t += 130;
            // Slightly out of order: every third record is 700 ms old.
            let ts = if (round as usize + i) % 3 == 0 {
                t - 700
            } else {
                t
            };
            let data = json!({"customer": k, "amount": (round as usize + i) as f64, "ts": EPOCH_UNIX_MS + ts}).to_string();
            ok(
                &mut s,
                "kinesis",
                "PutRecord",
                json!({"StreamName": "orders", "PartitionKey": k, "Data": b64(data.as_bytes())}),
            );
            ok(
                &mut s,
                "firehose",
                "PutRecord",
                json!({"DeliveryStreamName": "orders-fh", "Record": {"Data": b64(data.as_bytes())}}),
            );
            advance_by(&mut s, 130);
        }
    }
    advance_by(&mut s, 20_000);
    let a = results(&mut s, "from-stream", "EXACTLY_ONCE");
    let b = results(&mut s, "from-firehose", "EXACTLY_ONCE");
    assert!(a["Total"].as_u64().unwrap() > 20, "{a}");
    let j = common::analytics::job(&mut s, "from-firehose");
    assert_eq!(
        rows(&a),
        rows(&b),
        "same windows, keys, counts and sums: {}",
        j["Counters"]
    );
    let oracle = ok(
        &mut s,
        "playground",
        "RunBatchQuery",
        json!({"ApplicationName": "from-firehose"}),
    );
    assert_eq!(
        oracle["Comparison"]["Equal"], true,
        "{}",
        oracle["Comparison"]
    );
    let d = ok(
        &mut s,
        "kinesisanalyticsv2",
        "DescribeApplication",
        json!({"ApplicationName": "from-firehose"}),
    );
    assert_eq!(d["ApplicationDetail"]["ApplicationStatus"], "RUNNING");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn firehose_source_options_are_checked() {
    let mut s = session(22);
    let bad = tumbling_sql("x", 4, 1).replace(
        "'connector' = 'kinesis', 'stream' = 'x'",
        "'connector' = 'firehose', 'stream' = 'x'",
    );
    let v = ok(&mut s, "playground", "ValidateSql", json!({"Sql": bad}));
    assert_eq!(v["Valid"], false);
    assert!(
        v["Message"].as_str().unwrap().contains("'delivery-stream'"),
        "{v}"
    );
    let bad = tumbling_sql("x", 4, 1).replace("'stream' = 'x'", "'delivery-stream' = 'x'");
    let v = ok(&mut s, "playground", "ValidateSql", json!({"Sql": bad}));
    assert!(
        v["Message"]
            .as_str()
            .unwrap()
            .contains("'connector' = 'firehose'"),
        "{v}"
    );
    let good = ok(
        &mut s,
        "playground",
        "ValidateSql",
        json!({"Sql": firehose_sql("f")}),
    );
    assert_eq!(good["Valid"], true, "{good}");
    assert!(
        good["Sql"]
            .as_str()
            .unwrap()
            .contains("'delivery-stream' = 'f'"),
        "to_sql keeps the connector: {good}"
    );
    create_app(
        &mut s,
        "nowhere",
        &firehose_sql("missing"),
        3_000,
        json!({}),
    );
    let e = err(
        &mut s,
        "kinesisanalyticsv2",
        "StartApplication",
        json!({"ApplicationName": "nowhere"}),
    );
    assert_eq!(
        e.kind.as_str(),
        "InvalidApplicationConfigurationException",
        "{e}"
    );
}
