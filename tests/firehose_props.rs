//! Conservation (semantics.md §4.6) under random failures, outages and transform results: every
//! accepted record ends exactly once in the destination, or in the error/backup output, or is
//! dropped by the transform — never two of these, never lost — and records inside one object keep
//! their arrival order. Also: the Parquet objects Firehose writes read back with the `parquet`
//! crate row for row.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::BTreeMap;

use base64::Engine as _;
use common::firehose::*;
use common::{advance_by, ok, session};
use kinesis_playground::engine::firehose::compression::CompressionFormat;
use proptest::prelude::*;
use serde_json::{json, Value};

fn ids_in(bytes: &[u8]) -> Vec<u64> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

fn raw_ids(
    s: &mut kinesis_playground::engine::action_log::Session,
    bucket_name: &str,
    prefix: &str,
) -> Vec<u64> {
    let mut out = Vec::new();
    for k in keys(s, bucket_name, prefix) {
        for line in String::from_utf8_lossy(&object(s, bucket_name, &k)).lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            let raw = base64::engine::general_purpose::STANDARD
                .decode(v["rawData"].as_str().unwrap())
                .unwrap();
            out.extend(ids_in(&raw));
        }
    }
    out
}

#[derive(Debug, Clone)]
struct Plan {
    http: bool,
    compression: usize,
    transform: bool,
    error_rate: f64,
    outages: Vec<(u64, u64)>,
    batches: Vec<(u64, u8)>,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        any::<bool>(),
        0usize..5,
        any::<bool>(),
        prop_oneof![Just(0.0), 0.0f64..0.6],
        prop::collection::vec((0u64..600, 1u64..400), 0..3),
        prop::collection::vec((0u64..20_000, 1u8..40), 1..25),
    )
        .prop_map(
            |(http, compression, transform, error_rate, outages, batches)| Plan {
                http,
                compression,
                transform,
                error_rate,
                outages,
                batches,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_accepted_record_ends_exactly_once(p in plan(), seed in any::<u64>()) {
        let mut s = session(seed);
        bucket(&mut s, "bkt");
        let format = CompressionFormat::ALL[p.compression];
        let processing = if p.transform {
            ok(&mut s, "playground", "CreateTransformFunction", json!({
                "FunctionName": "t", "ErrorRate": 0.2,
                "Steps": [
                    { "Type": "DropWhere", "Field": "drop", "Op": "==", "Value": true },
                    { "Type": "Script", "Source": "if (record.id % 7 == 3) { fail \"sevens\"; }\nreturn to_json(record) + \"\\n\";" },
                ],
            }));
            json!({ "Enabled": true, "Processors": [{ "Type": "Lambda", "Parameters": [
                { "ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:us-east-1:123456789012:function:t" },
                { "ParameterName": "BufferIntervalInSeconds", "ParameterValue": "60" } ] }] })
        } else {
            json!({ "Enabled": false })
        };
        let s3 = json!({ "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt", "BufferingHints": { "SizeInMBs": 1, "IntervalInSeconds": 60 }, "CompressionFormat": format.as_str(), "Prefix": "out/", "ErrorOutputPrefix": "err/!{firehose:error-output-type}/" });
        if p.http {
            ok(&mut s, "firehose", "CreateDeliveryStream", json!({ "DeliveryStreamName": "fh", "HttpEndpointDestinationConfiguration": {
                "EndpointConfiguration": { "Url": "https://x.example.com" }, "BufferingHints": { "SizeInMBs": 1, "IntervalInSeconds": 60 },
                "RetryOptions": { "DurationInSeconds": 300 }, "ProcessingConfiguration": processing,
                "S3Configuration": { "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt", "Prefix": "backup/", "ErrorOutputPrefix": "err/!{firehose:error-output-type}/" } } }));
        } else {
            let mut c = s3.clone();
            c["ProcessingConfiguration"] = processing;
            ok(&mut s, "firehose", "CreateDeliveryStream", json!({ "DeliveryStreamName": "fh", "ExtendedS3DestinationConfiguration": c }));
        }
        wait_active(&mut s, "fh");
        ok(&mut s, "playground", "SetDestinationBehavior", json!({ "DeliveryStreamName": "fh", "ErrorRate": p.error_rate, "LatencyMs": 300 }));
        let mut outages = p.outages.clone();
        outages.sort();
        let mut next_id = 0u64;
        let mut accepted: BTreeMap<u64, bool> = BTreeMap::new(); // id → will be dropped by the transform
        let mut t = 0;
        let mut events: Vec<(u64, Option<(u64, u8)>)> = p.batches.iter().map(|b| (b.0, Some(*b))).collect();
        for (at, len) in &outages {
            events.push((at * 100, None));
            let _ = len;
        }
        events.sort_by_key(|e| e.0);
        let mut outage_iter = outages.iter();
        for (at, ev) in events {
            advance_by(&mut s, at.saturating_sub(t));
            t = t.max(at);
            match ev {
                None => {
                    let (_, secs) = outage_iter.next().unwrap();
                    ok(&mut s, "playground", "SetDestinationBehavior", json!({ "DeliveryStreamName": "fh", "OutageSeconds": secs }));
                }
                Some((_, n)) => {
                    let recs: Vec<Vec<u8>> = (0..n).map(|i| {
                        let id = next_id + i as u64;
                        let drop = id % 5 == 1;
                        format!("{{\"id\":{id},\"drop\":{drop},\"pad\":\"{}\"}}\n", "p".repeat((id % 50) as usize)).into_bytes()
                    }).collect();
                    let r = fh_put_batch(&mut s, "fh", &recs);
                    for (i, e) in r["RequestResponses"].as_array().unwrap().iter().enumerate() {
                        if e["RecordId"].is_string() {
                            let id = next_id + i as u64;
                            accepted.insert(id, p.transform && id % 5 == 1);
                        }
                    }
                    next_id += n as u64;
                }
            }
        }
        // Long enough for every buffer, retry and outage to play out (outages ≤ 400 s; retries 300 s).
        advance_by(&mut s, 3 * 3_600_000);
        let pl = pipeline(&mut s, "fh");
        prop_assert_eq!(pl["Ledger"]["InFlight"].as_u64(), Some(0), "{}", pl);
        let mut delivered: Vec<u64> = Vec::new();
        if p.http {
            let d = ok(&mut s, "playground", "GetDestinationData", json!({ "DeliveryStreamName": "fh", "IncludePayloads": true }));
            for pl in d["Payloads"].as_array().unwrap() {
                delivered.extend(ids_in(&base64::engine::general_purpose::STANDARD.decode(pl.as_str().unwrap()).unwrap()));
            }
        } else {
            for k in keys(&mut s, "bkt", "out/") {
                let ids = ids_in(&object_text(&mut s, "bkt", &k, format));
                prop_assert!(ids.windows(2).all(|w| w[0] < w[1]), "arrival order inside {}: {:?}", k, ids);
                delivered.extend(ids);
            }
        }
        let failed = raw_ids(&mut s, "bkt", "err/");
        let mut seen: BTreeMap<u64, u32> = BTreeMap::new();
        for id in delivered.iter().chain(failed.iter()) {
            *seen.entry(*id).or_default() += 1;
        }
        for (id, dropped) in &accepted {
            let n = seen.get(id).copied().unwrap_or(0);
            if *dropped {
                // The transform drops it — unless the invocation itself failed (ErrorRate 0.2)
                // past its retries: then Firehose never saw the transform's answer and the whole
                // batch goes to the processing-failed error output (§4.3), this record included.
                prop_assert!(!delivered.contains(id), "record {} was dropped by the transform yet delivered", id);
                prop_assert!(n == 0 || (n == 1 && failed.contains(id)), "record {} dropped by the transform appears {} times", id, n);
            } else {
                prop_assert_eq!(n, 1, "record {} must end exactly once (delivered or error output)", id);
            }
        }
        prop_assert!(seen.keys().all(|id| accepted.contains_key(id)), "nothing appears that was not accepted");
        let l = &pl["Ledger"];
        let sum = l["Delivered"].as_u64().unwrap() + l["Failed"].as_u64().unwrap() + l["Dropped"].as_u64().unwrap() + l["Expired"].as_u64().unwrap();
        prop_assert_eq!(sum, l["Accepted"].as_u64().unwrap());
        prop_assert_eq!(l["Expired"].as_u64(), Some(0));
    }
}

#[test]
fn parquet_objects_read_back_row_for_row() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let mut s = session(31);
    ok(
        &mut s,
        "glue",
        "CreateDatabase",
        json!({ "DatabaseInput": { "Name": "analytics" } }),
    );
    ok(
        &mut s,
        "glue",
        "CreateTable",
        json!({ "DatabaseName": "analytics", "TableInput": { "Name": "orders", "StorageDescriptor": { "Columns": [
        { "Name": "id", "Type": "bigint" }, { "Name": "customer", "Type": "string" }, { "Name": "amount", "Type": "double" }, { "Name": "ts", "Type": "timestamp" } ] } } }),
    );
    create_s3_stream(
        &mut s,
        "pq",
        "bkt-pq",
        json!({
            "BufferingHints": { "SizeInMBs": 64, "IntervalInSeconds": 60 },
            "ErrorOutputPrefix": "err/!{firehose:error-output-type}/",
            "Prefix": "pq/!{timestamp:yyyy}/",
            "FileExtension": ".parquet",
            "DataFormatConversionConfiguration": {
                "Enabled": true,
                "SchemaConfiguration": { "DatabaseName": "analytics", "TableName": "orders", "RoleARN": ROLE },
                "InputFormatConfiguration": { "Deserializer": { "OpenXJsonSerDe": {} } },
                "OutputFormatConfiguration": { "Serializer": { "ParquetSerDe": { "Compression": "SNAPPY" } } },
            },
        }),
    );
    let mut recs = Vec::new();
    for i in 0..100u64 {
        recs.push(format!("{{\"id\":{i},\"Customer\":\"c{}\",\"amount\":{}.5,\"ts\":\"2026-01-01T00:00:{:02}Z\"}}", i % 7, i, i % 60).into_bytes());
    }
    recs.push(b"{\"id\":\"not a number\"}".to_vec());
    fh_put_batch(&mut s, "pq", &recs);
    advance_by(&mut s, 61_000);
    let k = keys(&mut s, "bkt-pq", "pq/");
    assert_eq!(k.len(), 1);
    assert!(k[0].ends_with(".parquet"), "{}", k[0]);
    let bytes = object(&mut s, "bkt-pq", &k[0]);
    assert_eq!(&bytes[..4], b"PAR1");
    let path = std::env::temp_dir().join(format!("kp-firehose-{}.parquet", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), 100);
    for (i, row) in reader.get_row_iter(None).unwrap().enumerate() {
        let row = row.unwrap();
        let text = row.to_string();
        assert!(text.contains(&format!("id: {i}")), "{text}");
        assert!(
            text.contains(&format!("customer: \"c{}\"", i % 7)),
            "{text}"
        );
        assert!(text.contains(&format!("amount: {i}.5")), "{text}");
    }
    let e = keys(&mut s, "bkt-pq", "err/format-conversion-failed/");
    assert_eq!(e.len(), 1, "the malformed record");
    let e = common::err(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({ "DeliveryStreamName": "orc", "ExtendedS3DestinationConfiguration": {
        "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt-pq", "BufferingHints": { "SizeInMBs": 64, "IntervalInSeconds": 60 },
        "DataFormatConversionConfiguration": { "SchemaConfiguration": { "DatabaseName": "analytics", "TableName": "orders", "RoleARN": ROLE },
            "OutputFormatConfiguration": { "Serializer": { "OrcSerDe": {} } } } } }),
    );
    assert!(e.message.contains("OrcSerDe"), "{}", e.message);
}
