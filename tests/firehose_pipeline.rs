//! Firehose beyond plain S3 delivery: the transform contract (§4.3), Kinesis as source (§4.1),
//! dynamic partitioning and Parquet conversion (§4.5), non-S3 destinations with retries,
//! outages and backups (§4.6), and the `AWS/Firehose` metrics (§4.7).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use base64::Engine as _;
use common::firehose::*;
use common::{advance_by, create_active, ok, put, session};
use serde_json::{json, Value};

fn hints(size_mb: u64, interval_s: u64) -> Value {
    json!({ "SizeInMBs": size_mb, "IntervalInSeconds": interval_s })
}

fn lambda_processing(function: &str, extra: &[(&str, &str)]) -> Value {
    let mut params = vec![
        json!({ "ParameterName": "LambdaArn", "ParameterValue": format!("arn:aws:lambda:us-east-1:123456789012:function:{function}") }),
    ];
    for (k, v) in extra {
        params.push(json!({ "ParameterName": k, "ParameterValue": v }));
    }
    json!({ "Enabled": true, "Processors": [{ "Type": "Lambda", "Parameters": params }] })
}

fn lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn transform_ok_dropped_and_processing_failed() {
    let mut s = session(11);
    ok(
        &mut s,
        "playground",
        "CreateTransformFunction",
        json!({
            "FunctionName": "clean",
            "Steps": [
                { "Type": "DropWhere", "Field": "level", "Op": "==", "Value": "DEBUG" },
                { "Type": "Script", "Source": "if (record.amount < 0) { fail \"negative amount\"; }\nrecord.amount = record.amount * 100;\nreturn to_json(record) + \"\\n\";" },
            ],
        }),
    );
    create_s3_stream(
        &mut s,
        "tx",
        "bkt-tx",
        json!({
            "BufferingHints": hints(1, 60),
            "ErrorOutputPrefix": "err/!{firehose:error-output-type}/",
            "ProcessingConfiguration": lambda_processing("clean", &[("BufferIntervalInSeconds", "60")]),
        }),
    );
    let recs: Vec<Vec<u8>> = vec![
        br#"{"id":1,"level":"INFO","amount":2}"#.to_vec(),
        br#"{"id":2,"level":"DEBUG","amount":3}"#.to_vec(),
        br#"{"id":3,"level":"INFO","amount":-1}"#.to_vec(),
        br#"{"id":4,"level":"WARN","amount":5}"#.to_vec(),
    ];
    fh_put_batch(&mut s, "tx", &recs);
    advance_by(&mut s, 60_500); // transform buffer interval, invocation
    advance_by(&mut s, 61_000); // destination buffer interval
    let k = keys(&mut s, "bkt-tx", "2026/");
    assert_eq!(k.len(), 1, "{k:?}");
    let out = lines(&object(&mut s, "bkt-tx", &k[0]));
    assert_eq!(
        out,
        vec![
            json!({"id":1,"level":"INFO","amount":200}),
            json!({"id":4,"level":"WARN","amount":500})
        ]
    );
    let e = keys(&mut s, "bkt-tx", "err/processing-failed/");
    assert_eq!(e.len(), 1, "{:?}", keys(&mut s, "bkt-tx", ""));
    let failed = lines(&object(&mut s, "bkt-tx", &e[0]));
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["errorCode"], "Lambda.ProcessingFailed");
    assert!(failed[0]["errorMessage"]
        .as_str()
        .unwrap()
        .contains("negative amount"));
    let raw = base64::engine::general_purpose::STANDARD
        .decode(failed[0]["rawData"].as_str().unwrap())
        .unwrap();
    assert_eq!(raw, recs[2]);
    assert!(failed[0]["lambdaArn"]
        .as_str()
        .unwrap()
        .ends_with(":function:clean"));
    let l = &pipeline(&mut s, "tx")["Ledger"];
    assert_eq!(
        (
            l["Accepted"].as_u64(),
            l["Delivered"].as_u64(),
            l["Dropped"].as_u64(),
            l["Failed"].as_u64()
        ),
        (Some(4), Some(2), Some(1), Some(1))
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn failing_and_malformed_transforms_retry_then_fail_the_batch() {
    let mut s = session(12);
    ok(
        &mut s,
        "playground",
        "CreateTransformFunction",
        json!({ "FunctionName": "liar", "Steps": [{ "Type": "AppendNewline" }], "ResponseFault": "MISMATCHED_RECORD_ID", "DurationMs": 100 }),
    );
    ok(
        &mut s,
        "playground",
        "CreateTransformFunction",
        json!({ "FunctionName": "loop", "Steps": [{ "Type": "Script", "Source": "while (true) { }" }] }),
    );
    create_s3_stream(
        &mut s,
        "m",
        "bkt-m",
        json!({ "BufferingHints": hints(1, 60), "ProcessingConfiguration": lambda_processing("liar", &[("NumberOfRetries", "2")]) }),
    );
    create_s3_stream(
        &mut s,
        "lp",
        "bkt-m",
        json!({ "Prefix": "lp/", "BufferingHints": hints(1, 60), "ProcessingConfiguration": lambda_processing("loop", &[]) }),
    );
    fh_put_batch(&mut s, "m", &[b"a".to_vec(), b"b".to_vec()]);
    fh_put(&mut s, "lp", b"{\"x\":1}");
    advance_by(&mut s, 61_000);
    let e = keys(&mut s, "bkt-m", "processing-failed/");
    assert_eq!(e.len(), 1, "{:?}", keys(&mut s, "bkt-m", ""));
    let f = lines(&object(&mut s, "bkt-m", &e[0]));
    assert_eq!(f.len(), 2);
    assert_eq!(f[0]["errorCode"], "Lambda.MissingRecordId");
    assert_eq!(f[0]["attemptsMade"], 3, "1 attempt + NumberOfRetries 2");
    let e = keys(&mut s, "bkt-m", "lp/processing-failed/");
    let f = lines(&object(&mut s, "bkt-m", &e[0]));
    assert!(
        f[0]["errorMessage"].as_str().unwrap().contains("budget"),
        "{}",
        f[0]
    );
    assert_eq!(
        f[0]["attemptsMade"], 1,
        "a per-record failure is not an invocation failure"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn kinesis_stream_as_source_reads_from_latest() {
    let mut s = session(13);
    create_active(&mut s, "orders", 2);
    put(&mut s, "orders", "before", b"{\"n\":0}\n"); // before the delivery stream: not read (LATEST)
    bucket(&mut s, "bkt-kds");
    ok(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "from-kds",
            "DeliveryStreamType": "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration": { "KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders", "RoleARN": ROLE },
            "ExtendedS3DestinationConfiguration": { "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt-kds", "BufferingHints": hints(1, 60) },
        }),
    );
    wait_active(&mut s, "from-kds");
    advance_by(&mut s, 1_000);
    let mut expect = Vec::new();
    for i in 1..=20 {
        let line = format!("{{\"n\":{i}}}\n");
        put(&mut s, "orders", &format!("k{i}"), line.as_bytes());
        expect.push(json!({ "n": i }));
    }
    let e = common::err(
        &mut s,
        "firehose",
        "PutRecord",
        json!({ "DeliveryStreamName": "from-kds", "Record": { "Data": "YQ==" } }),
    );
    assert_eq!(e.kind.as_str(), "InvalidArgumentException");
    advance_by(&mut s, 65_000);
    let k = keys(&mut s, "bkt-kds", "");
    assert_eq!(k.len(), 1);
    let mut got = lines(&object(&mut s, "bkt-kds", &k[0]));
    got.sort_by_key(|v| v["n"].as_u64());
    assert_eq!(got, expect);
    // Firehose's reads show in the shard's GetRecords metrics like any other reader's.
    let m = ok(
        &mut s,
        "cloudwatch",
        "GetMetricStatistics",
        json!({
            "Namespace": "AWS/Firehose", "MetricName": "DataReadFromKinesisStream.Records",
            "Dimensions": [{ "Name": "DeliveryStreamName", "Value": "from-kds" }],
            "StartTime": 1767225600, "EndTime": 1767225600 + 120, "Period": 60, "Statistics": ["Sum"],
        }),
    );
    let total: f64 = m["Datapoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Sum"].as_f64().unwrap())
        .sum();
    assert_eq!(total, 20.0);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn dynamic_partitioning_by_json_key() {
    let mut s = session(14);
    create_s3_stream(
        &mut s,
        "dp",
        "bkt-dp",
        json!({
            "Prefix": "customer=!{partitionKeyFromQuery:customer}/!{timestamp:yyyy}/",
            "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
            "BufferingHints": hints(64, 60),
            "DynamicPartitioningConfiguration": { "Enabled": true },
            "ProcessingConfiguration": { "Enabled": true, "Processors": [
                { "Type": "MetadataExtraction", "Parameters": [
                    { "ParameterName": "MetadataExtractionQuery", "ParameterValue": "{customer:.customer}" },
                    { "ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6" } ] },
                { "Type": "AppendDelimiterToRecord", "Parameters": [] },
            ] },
        }),
    );
    let recs: Vec<Vec<u8>> = ["a", "b", "a", "c"]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{{\"customer\":\"{c}\",\"i\":{i}}}").into_bytes())
        .chain([b"{\"other\":1}".to_vec()])
        .collect();
    fh_put_batch(&mut s, "dp", &recs);
    assert_eq!(
        pipeline(&mut s, "dp")["Buffers"].as_array().unwrap().len(),
        3,
        "one buffer per active partition"
    );
    advance_by(&mut s, 61_000);
    for (c, n) in [("a", 2), ("b", 1), ("c", 1)] {
        let k = keys(&mut s, "bkt-dp", &format!("customer={c}/2026/"));
        assert_eq!(k.len(), 1, "{c}");
        assert_eq!(lines(&object(&mut s, "bkt-dp", &k[0])).len(), n);
    }
    let e = keys(&mut s, "bkt-dp", "errors/partitioning-failed/");
    assert_eq!(e.len(), 1, "{:?}", keys(&mut s, "bkt-dp", ""));
    let e = common::err(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({ "DeliveryStreamName": "dp0", "ExtendedS3DestinationConfiguration": {
        "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt-dp", "Prefix": "c=!{partitionKeyFromQuery:c}/", "ErrorOutputPrefix": "e/!{firehose:error-output-type}/",
        "BufferingHints": hints(64, 0), "DynamicPartitioningConfiguration": { "Enabled": true } } }),
    );
    assert!(e.message.contains("Zero buffering"), "{}", e.message);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn http_endpoint_outage_retries_then_backs_up() {
    let mut s = session(15);
    bucket(&mut s, "bkt-http");
    ok(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "web",
            "HttpEndpointDestinationConfiguration": {
                "EndpointConfiguration": { "Url": "https://collector.example.com/ingest", "Name": "collector" },
                "BufferingHints": hints(1, 60),
                "RetryOptions": { "DurationInSeconds": 120 },
                "S3BackupMode": "FailedDataOnly",
                "S3Configuration": { "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt-http" },
            },
        }),
    );
    wait_active(&mut s, "web");
    fh_put_batch(&mut s, "web", &[b"one\n".to_vec(), b"two\n".to_vec()]);
    advance_by(&mut s, 61_000);
    let d = ok(
        &mut s,
        "playground",
        "GetDestinationData",
        json!({ "DeliveryStreamName": "web" }),
    );
    assert_eq!(d["PayloadCount"], 2);
    assert_eq!(d["Requests"][0]["Attempt"], 1);
    ok(
        &mut s,
        "playground",
        "SetDestinationBehavior",
        json!({ "DeliveryStreamName": "web", "OutageSeconds": 600 }),
    );
    fh_put_batch(&mut s, "web", &[b"three\n".to_vec()]);
    advance_by(&mut s, 90_000);
    let p = pipeline(&mut s, "web");
    assert!(
        p["Deliveries"][0]["Attempts"].as_u64().unwrap() >= 3,
        "{}",
        p["Deliveries"]
    );
    assert!(
        keys(&mut s, "bkt-http", "http-endpoint-failed/").is_empty(),
        "still retrying"
    );
    advance_by(&mut s, 120_000);
    let k = keys(&mut s, "bkt-http", "http-endpoint-failed/");
    assert_eq!(k.len(), 1, "after 120 s of retries the batch is backed up");
    let f = lines(&object(&mut s, "bkt-http", &k[0]));
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(f[0]["rawData"].as_str().unwrap())
            .unwrap(),
        b"three\n"
    );
    assert_eq!(f[0]["errorCode"], "HttpEndpoint.ResponseError");
    let l = &pipeline(&mut s, "web")["Ledger"];
    assert_eq!(
        (l["Delivered"].as_u64(), l["Failed"].as_u64()),
        (Some(2), Some(1))
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn lost_acknowledgements_duplicate_deliveries() {
    let mut s = session(16);
    bucket(&mut s, "bkt-dup");
    ok(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({
            "DeliveryStreamName": "splunk",
            "SplunkDestinationConfiguration": {
                "HECEndpoint": "https://splunk.example.com:8088", "HECEndpointType": "Raw", "HECToken": "t",
                "BufferingHints": hints(1, 10),
                "S3Configuration": { "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt-dup" },
            },
        }),
    );
    wait_active(&mut s, "splunk");
    ok(
        &mut s,
        "playground",
        "SetDestinationBehavior",
        json!({ "DeliveryStreamName": "splunk", "LostAckRate": 1.0 }),
    );
    fh_put(&mut s, "splunk", b"evt\n");
    advance_by(&mut s, 15_000);
    ok(
        &mut s,
        "playground",
        "SetDestinationBehavior",
        json!({ "DeliveryStreamName": "splunk", "LostAckRate": 0.0 }),
    );
    advance_by(&mut s, 60_000);
    let d = ok(
        &mut s,
        "playground",
        "GetDestinationData",
        json!({ "DeliveryStreamName": "splunk" }),
    );
    let n = d["PayloadCount"].as_u64().unwrap();
    assert!(n >= 2, "at-least-once: the event arrived {n} times");
    let l = &pipeline(&mut s, "splunk")["Ledger"];
    assert_eq!(l["Delivered"], 1);
    assert_eq!(l["Duplicates"].as_u64(), Some(n - 1));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn opensearch_redshift_and_snowflake_receive_rows() {
    let mut s = session(17);
    bucket(&mut s, "bkt-dw");
    let s3 = json!({ "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt-dw", "BufferingHints": hints(1, 60) });
    ok(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({ "DeliveryStreamName": "os", "AmazonopensearchserviceDestinationConfiguration": {
        "RoleARN": ROLE, "DomainARN": "arn:aws:es:us-east-1:123456789012:domain/logs", "IndexName": "logs", "IndexRotationPeriod": "OneDay",
        "BufferingHints": hints(1, 60), "S3Configuration": s3.clone() } }),
    );
    ok(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({ "DeliveryStreamName": "rs", "RedshiftDestinationConfiguration": {
        "RoleARN": ROLE, "ClusterJDBCURL": "jdbc:redshift://c.example.com:5439/dev", "Username": "u", "Password": "p",
        "CopyCommand": { "DataTableName": "events", "CopyOptions": "json 'auto'" }, "S3Configuration": s3.clone() } }),
    );
    ok(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({ "DeliveryStreamName": "sf", "SnowflakeDestinationConfiguration": {
        "AccountUrl": "https://acme.snowflakecomputing.com", "User": "u", "PrivateKey": "k", "Database": "D", "Schema": "S", "Table": "T",
        "BufferingHints": hints(1, 60), "S3Configuration": s3 } }),
    );
    for n in ["os", "rs", "sf"] {
        wait_active(&mut s, n);
    }
    for n in ["os", "rs", "sf"] {
        fh_put_batch(
            &mut s,
            n,
            &[
                br#"{"user":"ann","level":"ERROR"}"#.to_vec(),
                br#"{"user":"bob","level":"INFO"}"#.to_vec(),
                b"not json".to_vec(),
            ],
        );
    }
    advance_by(&mut s, 61_000);
    let os = ok(
        &mut s,
        "playground",
        "GetDestinationData",
        json!({ "DeliveryStreamName": "os", "Query": "level:error" }),
    );
    assert_eq!(os["Indices"][0]["Index"], "logs-2026-01-01");
    assert_eq!(os["Indices"][0]["Documents"], 2);
    assert_eq!(os["Hits"]["Total"], 1);
    assert_eq!(os["Hits"]["Documents"][0]["_source"]["user"], "ann");
    assert_eq!(
        keys(&mut s, "bkt-dw", "AmazonOpenSearchService-failed/").len(),
        1,
        "the non-JSON document"
    );
    // The Redshift COPY fails on the non-JSON line, is retried, and the staged object ends in an
    // errors/ manifest; S3 holds the staged object.
    let rs = pipeline(&mut s, "rs");
    assert!(
        rs["Deliveries"][0]["LastError"]
            .as_str()
            .unwrap()
            .contains("stl_load_errors"),
        "{}",
        rs["Deliveries"]
    );
    let sf = ok(
        &mut s,
        "playground",
        "GetDestinationData",
        json!({ "DeliveryStreamName": "sf" }),
    );
    assert_eq!(sf["Columns"], json!(["user", "level"]));
    assert_eq!(sf["RowCount"], 2);
    assert_eq!(keys(&mut s, "bkt-dw", "snowflake-failed/").len(), 1);
    advance_by(&mut s, 3_700_000);
    assert_eq!(keys(&mut s, "bkt-dw", "errors/manifests/").len(), 1);
    // A clean Redshift load.
    fh_put_batch(&mut s, "rs", &[br#"{"user":"cy","level":"WARN"}"#.to_vec()]);
    advance_by(&mut s, 61_000);
    let rsd = ok(
        &mut s,
        "playground",
        "GetDestinationData",
        json!({ "DeliveryStreamName": "rs" }),
    );
    assert_eq!(rsd["Columns"], json!(["user", "level"]));
    assert_eq!(rsd["Rows"], json!([["cy", "WARN"]]));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn freshness_and_delivery_metrics() {
    let mut s = session(18);
    create_s3_stream(
        &mut s,
        "met",
        "bkt-met",
        json!({ "BufferingHints": hints(5, 60) }),
    );
    for _ in 0..10 {
        fh_put(&mut s, "met", b"{}\n");
        advance_by(&mut s, 1_000);
    }
    advance_by(&mut s, 60_000);
    let q = |s: &mut kinesis_playground::engine::action_log::Session,
             metric: &str,
             stat: &str|
     -> Vec<f64> {
        let m = ok(
            s,
            "cloudwatch",
            "GetMetricStatistics",
            json!({
                "Namespace": "AWS/Firehose", "MetricName": metric,
                "Dimensions": [{ "Name": "DeliveryStreamName", "Value": "met" }],
                "StartTime": 1767225600, "EndTime": 1767225600 + 120, "Period": 1, "Statistics": [stat],
            }),
        );
        m["Datapoints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[stat].as_f64().unwrap())
            .collect()
    };
    assert_eq!(
        q(&mut s, "IncomingRecords", "Sum").iter().sum::<f64>(),
        10.0
    );
    assert_eq!(
        q(&mut s, "DeliveryToS3.Records", "Sum").iter().sum::<f64>(),
        10.0
    );
    assert_eq!(
        q(&mut s, "DeliveryToS3.ObjectCount", "Sum")
            .iter()
            .sum::<f64>(),
        1.0
    );
    let fresh = q(&mut s, "DeliveryToS3.DataFreshness", "Maximum");
    let max = fresh.iter().cloned().fold(0.0, f64::max);
    assert!(
        (59.0..=61.0).contains(&max),
        "oldest record waited the 60 s interval: {max}"
    );
    let e = common::err(
        &mut s,
        "cloudwatch",
        "GetMetricStatistics",
        json!({
            "Namespace": "AWS/Firehose", "MetricName": "DeliveryToSplunk.Records",
            "Dimensions": [{ "Name": "DeliveryStreamName", "Value": "met" }],
            "StartTime": 1767225600, "EndTime": 1767225700, "Period": 60,
        }),
    );
    assert_eq!(e.kind.as_str(), "InvalidArgumentException");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn all_data_backup_and_source_record_backup() {
    let mut s = session(19);
    bucket(&mut s, "bkt-bak");
    ok(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({ "DeliveryStreamName": "dd", "HttpEndpointDestinationConfiguration": {
        "EndpointConfiguration": { "Url": "https://http-intake.logs.datadoghq.com/api/v2/logs", "Name": "Datadog" },
        "BufferingHints": hints(4, 60), "S3BackupMode": "AllData",
        "S3Configuration": { "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt-bak", "Prefix": "all/", "CompressionFormat": "GZIP" } } }),
    );
    ok(
        &mut s,
        "playground",
        "CreateTransformFunction",
        json!({ "FunctionName": "up", "Steps": [{ "Type": "Uppercase" }] }),
    );
    create_s3_stream(
        &mut s,
        "src",
        "bkt-bak",
        json!({ "Prefix": "out/", "BufferingHints": hints(1, 60),
        "ProcessingConfiguration": lambda_processing("up", &[]),
        "S3BackupMode": "Enabled", "S3BackupConfiguration": { "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt-bak", "Prefix": "source/" } }),
    );
    wait_active(&mut s, "dd");
    fh_put_batch(&mut s, "dd", &[b"a\n".to_vec(), b"b\n".to_vec()]);
    fh_put(&mut s, "src", b"hello\n");
    advance_by(&mut s, 125_000);
    let d = pipeline(&mut s, "dd");
    assert_eq!(d["Destination"]["Type"], "Datadog");
    assert_eq!(d["Ledger"]["Delivered"], 2);
    assert_eq!(d["Ledger"]["BackedUp"], 2);
    let k = keys(&mut s, "bkt-bak", "all/");
    assert_eq!(k.len(), 1);
    assert!(k[0].ends_with(".gz"));
    assert_eq!(
        object_text(
            &mut s,
            "bkt-bak",
            &k[0],
            kinesis_playground::engine::firehose::compression::CompressionFormat::Gzip
        ),
        b"a\nb\n"
    );
    let out = keys(&mut s, "bkt-bak", "out/");
    assert_eq!(
        object(&mut s, "bkt-bak", &out[0]),
        b"HELLO\n",
        "transformed"
    );
    let src = keys(&mut s, "bkt-bak", "source/");
    assert_eq!(
        object(&mut s, "bkt-bak", &src[0]),
        b"hello\n",
        "the untransformed source record"
    );
    let e = common::err(
        &mut s,
        "firehose",
        "UpdateDestination",
        json!({ "DeliveryStreamName": "src", "CurrentDeliveryStreamVersionId": "1", "DestinationId": "destinationId-000000000001", "ExtendedS3DestinationUpdate": { "S3BackupMode": "Disabled" } }),
    );
    assert!(e.message.contains("cannot be disabled"), "{}", e.message);
}
