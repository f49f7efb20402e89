//! Firehose (semantics.md §4): buffering, keys, compression round trips, transformation,
//! destinations, retries and backups, through the dispatcher on scripted virtual time.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use common::firehose::*;
use common::{advance_by, b64, err, ok, session};
use kinesis_playground::engine::firehose::compression::CompressionFormat;
use serde_json::json;

fn hints(size_mb: u64, interval_s: u64) -> serde_json::Value {
    json!({ "SizeInMBs": size_mb, "IntervalInSeconds": interval_s })
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn flushes_on_size_before_the_interval() {
    let mut s = session(1);
    create_s3_stream(
        &mut s,
        "sz",
        "bkt-sz",
        json!({ "BufferingHints": hints(1, 900) }),
    );
    let big = vec![b'a'; 600 * 1024];
    fh_put(&mut s, "sz", &big);
    assert!(
        keys(&mut s, "bkt-sz", "").is_empty(),
        "600 KiB < 1 MiB: still buffered"
    );
    fh_put(&mut s, "sz", &big);
    advance_by(&mut s, 500); // delivery latency
    let k = keys(&mut s, "bkt-sz", "");
    assert_eq!(
        k.len(),
        1,
        "1.2 MiB ≥ 1 MiB: flushed by size long before 900 s"
    );
    let p = pipeline(&mut s, "sz");
    assert_eq!(p["Flushes"][0]["Reason"], "SIZE");
    assert_eq!(p["Flushes"][0]["Records"], 2);
    assert_eq!(object(&mut s, "bkt-sz", &k[0]).len(), 1200 * 1024);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn flushes_on_interval_when_size_is_not_reached() {
    let mut s = session(2);
    create_s3_stream(
        &mut s,
        "iv",
        "bkt-iv",
        json!({ "BufferingHints": hints(128, 60) }),
    );
    fh_put(&mut s, "iv", b"one\n");
    advance_by(&mut s, 20_000);
    fh_put(&mut s, "iv", b"two\n");
    advance_by(&mut s, 39_000); // 59 s after the first record
    assert!(keys(&mut s, "bkt-iv", "").is_empty());
    advance_by(&mut s, 1_200); // 60 s + latency
    let k = keys(&mut s, "bkt-iv", "");
    assert_eq!(k.len(), 1);
    assert_eq!(object(&mut s, "bkt-iv", &k[0]), b"one\ntwo\n");
    assert_eq!(pipeline(&mut s, "iv")["Flushes"][0]["Reason"], "INTERVAL");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn whichever_comes_first_and_the_notes_preset() {
    // 32 MiB / 60 s (the notes' example): 40 × 1,000 KiB = 39 MiB in 10 s fills the size first;
    // the rest waits for the interval.
    let mut s = session(3);
    create_s3_stream(
        &mut s,
        "wf",
        "bkt-wf",
        json!({ "BufferingHints": hints(32, 60) }),
    );
    let rec = vec![b'x'; 1_024_000];
    for _ in 0..40 {
        fh_put(&mut s, "wf", &rec);
        advance_by(&mut s, 250);
    }
    let p = pipeline(&mut s, "wf");
    assert_eq!(p["Flushes"][0]["Reason"], "SIZE");
    assert_eq!(
        p["Flushes"][0]["Records"], 33,
        "33 × 1,000 KiB is the first fill ≥ 32 MiB"
    );
    advance_by(&mut s, 60_000);
    let p = pipeline(&mut s, "wf");
    assert_eq!(p["Flushes"][0]["Reason"], "INTERVAL");
    assert_eq!(p["Flushes"][0]["Records"], 7);
    assert_eq!(keys(&mut s, "bkt-wf", "").len(), 2);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn zero_buffering_delivers_at_once() {
    let mut s = session(4);
    create_s3_stream(
        &mut s,
        "zb",
        "bkt-zb",
        json!({ "BufferingHints": hints(5, 0) }),
    );
    fh_put(&mut s, "zb", b"now\n");
    advance_by(&mut s, 200);
    assert_eq!(keys(&mut s, "bkt-zb", "").len(), 1);
    assert_eq!(
        pipeline(&mut s, "zb")["Flushes"][0]["Reason"],
        "ZERO_BUFFERING"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn s3_keys_follow_the_documented_format() {
    // Epoch 2026-01-01T00:00:00Z; ACTIVE at 5 s; the first record arrives at 00:00:05.
    let mut s = session(5);
    create_s3_stream(
        &mut s,
        "keys",
        "bkt-keys",
        json!({ "BufferingHints": hints(5, 60), "CompressionFormat": "GZIP" }),
    );
    fh_put(&mut s, "keys", b"r\n");
    advance_by(&mut s, 61_000);
    let k = keys(&mut s, "bkt-keys", "");
    assert_eq!(k.len(), 1);
    let key = &k[0];
    assert!(
        key.starts_with("2026/01/01/00/keys-1-2026-01-01-00-00-05-"),
        "{key}"
    );
    assert!(key.ends_with(".gz"), "{key}");
    let uuid = &key["2026/01/01/00/keys-1-2026-01-01-00-00-05-".len()..key.len() - 3];
    assert_eq!(uuid.len(), 36, "{uuid}");
    assert_eq!(uuid.as_bytes()[14], b'4', "version-4 UUID: {uuid}");
    // A custom prefix with a timestamp expression and the error prefix.
    create_s3_stream(
        &mut s,
        "custom",
        "bkt-keys",
        json!({
            "Prefix": "logs/!{timestamp:yyyy-MM-dd}/",
            "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
            "BufferingHints": hints(5, 60),
        }),
    );
    fh_put(&mut s, "custom", b"c\n");
    advance_by(&mut s, 61_000);
    let k = keys(&mut s, "bkt-keys", "logs/");
    assert_eq!(k.len(), 1);
    assert!(
        k[0].starts_with("logs/2026-01-01/custom-1-2026-01-01-00-"),
        "{}",
        k[0]
    );
    // A custom prefix without a timestamp gets the default time prefix appended.
    create_s3_stream(
        &mut s,
        "plain",
        "bkt-keys",
        json!({ "Prefix": "raw/", "BufferingHints": hints(5, 60) }),
    );
    fh_put(&mut s, "plain", b"p\n");
    advance_by(&mut s, 61_000);
    let k = keys(&mut s, "bkt-keys", "raw/");
    assert!(k[0].starts_with("raw/2026/01/01/00/plain-1-"), "{}", k[0]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_compression_round_trips() {
    let mut s = session(6);
    for (i, f) in CompressionFormat::ALL.into_iter().enumerate() {
        let name = format!("c{i}");
        create_s3_stream(
            &mut s,
            &name,
            "bkt-comp",
            json!({ "BufferingHints": hints(1, 60), "CompressionFormat": f.as_str(), "Prefix": format!("{name}/") }),
        );
        let mut expect = Vec::new();
        for j in 0..50 {
            let line = format!("{{\"n\":{j},\"pad\":\"{}\"}}\n", "z".repeat(j * 10));
            expect.extend_from_slice(line.as_bytes());
            fh_put(&mut s, &name, line.as_bytes());
        }
        advance_by(&mut s, 61_000);
        let k = keys(&mut s, "bkt-comp", &format!("{name}/"));
        assert_eq!(k.len(), 1, "{f:?}");
        assert!(k[0].ends_with(f.extension()), "{}", k[0]);
        assert_eq!(object_text(&mut s, "bkt-comp", &k[0], f), expect, "{f:?}");
        let head = ok(
            &mut s,
            "s3",
            "HeadObject",
            json!({ "Bucket": "bkt-comp", "Key": k[0] }),
        );
        assert_eq!(
            head["Metadata"]["uncompressed-size"],
            expect.len().to_string()
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn limits_and_validation_use_aws_error_names() {
    let mut s = session(7);
    bucket(&mut s, "bkt-val");
    let base = |extra: serde_json::Value| {
        let mut c = json!({ "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt-val" });
        for (k, v) in extra.as_object().unwrap() {
            c[k] = v.clone();
        }
        json!({ "DeliveryStreamName": "v", "ExtendedS3DestinationConfiguration": c })
    };
    let e = err(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        base(json!({ "BufferingHints": { "SizeInMBs": 5 } })),
    );
    assert!(e.message.contains("both"), "{}", e.message);
    let e = err(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        base(json!({ "BufferingHints": hints(129, 60) })),
    );
    assert_eq!(e.kind.as_str(), "ValidationException");
    let e = err(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        base(json!({ "CompressionFormat": "LZ4" })),
    );
    assert_eq!(e.kind.as_str(), "ValidationException");
    let e = err(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        base(
            json!({ "Prefix": "!{partitionKeyFromQuery:x}/", "ErrorOutputPrefix": "e/!{firehose:error-output-type}/" }),
        ),
    );
    assert_eq!(e.kind.as_str(), "InvalidArgumentException");
    let e = err(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        base(json!({ "Prefix": "a/!{timestamp:yyyy}/" })),
    );
    assert!(e.message.contains("ErrorOutputPrefix"), "{}", e.message);
    let e = err(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({ "DeliveryStreamName": "bad name", "ExtendedS3DestinationConfiguration": {} }),
    );
    assert_eq!(e.kind.as_str(), "ValidationException");
    let e = err(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        json!({ "DeliveryStreamName": "nb", "ExtendedS3DestinationConfiguration": { "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::missing-bucket" } }),
    );
    assert!(e.message.contains("does not exist"), "{}", e.message);
    create_s3_stream(&mut s, "ok", "bkt-val", json!({}));
    let e = err(
        &mut s,
        "firehose",
        "CreateDeliveryStream",
        base(json!({}))
            .as_object()
            .map(|m| {
                let mut m = m.clone();
                m.insert("DeliveryStreamName".into(), json!("ok"));
                serde_json::Value::Object(m)
            })
            .unwrap(),
    );
    assert_eq!(e.kind.as_str(), "ResourceInUseException");
    // Records: ≤ 1,000 KiB, ≤ 500 per batch, ≤ 4 MiB per batch.
    let e = err(
        &mut s,
        "firehose",
        "PutRecord",
        json!({ "DeliveryStreamName": "ok", "Record": { "Data": b64(&vec![0u8; 1_024_001]) } }),
    );
    assert_eq!(e.kind.as_str(), "ValidationException");
    fh_put(&mut s, "ok", &vec![0u8; 1_024_000]);
    let many: Vec<serde_json::Value> = (0..501).map(|_| json!({ "Data": "YQ==" })).collect();
    let e = err(
        &mut s,
        "firehose",
        "PutRecordBatch",
        json!({ "DeliveryStreamName": "ok", "Records": many }),
    );
    assert_eq!(e.kind.as_str(), "ValidationException");
    let five: Vec<serde_json::Value> = (0..5)
        .map(|_| json!({ "Data": b64(&vec![1u8; 1_000_000]) }))
        .collect();
    let e = err(
        &mut s,
        "firehose",
        "PutRecordBatch",
        json!({ "DeliveryStreamName": "ok", "Records": five }),
    );
    assert!(e.message.contains("4 MiB"), "{}", e.message);
    let e = err(
        &mut s,
        "firehose",
        "PutRecord",
        json!({ "DeliveryStreamName": "nope", "Record": { "Data": "YQ==" } }),
    );
    assert_eq!(e.kind.as_str(), "ResourceNotFoundException");
    // Direct PUT quota: 5 MiB/s, so the sixth 1,000 KiB record in the same millisecond is refused.
    let four: Vec<serde_json::Value> = (0..4)
        .map(|_| json!({ "Data": b64(&vec![2u8; 1_000_000]) }))
        .collect();
    let r = ok(
        &mut s,
        "firehose",
        "PutRecordBatch",
        json!({ "DeliveryStreamName": "ok", "Records": four }),
    );
    assert_eq!(r["FailedPutCount"], 0);
    // 1,024,000 + 4 × 1,000,000 bytes taken: 218,880 of the 5 MiB remain in this millisecond.
    let two = vec![
        json!({ "Data": b64(&vec![3u8; 100_000]) }),
        json!({ "Data": b64(&vec![3u8; 1_000_000]) }),
    ];
    let r = ok(
        &mut s,
        "firehose",
        "PutRecordBatch",
        json!({ "DeliveryStreamName": "ok", "Records": two }),
    );
    assert_eq!(r["FailedPutCount"], 1, "{r}");
    assert_eq!(
        r["RequestResponses"][1]["ErrorCode"],
        "ServiceUnavailableException"
    );
    assert!(r["RequestResponses"][0]["RecordId"].is_string());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn describe_list_update_and_delete() {
    let mut s = session(8);
    create_s3_stream(
        &mut s,
        "d1",
        "bkt-d",
        json!({ "BufferingHints": hints(5, 300) }),
    );
    let d = ok(
        &mut s,
        "firehose",
        "DescribeDeliveryStream",
        json!({ "DeliveryStreamName": "d1" }),
    );
    let desc = &d["DeliveryStreamDescription"];
    assert_eq!(desc["VersionId"], "1");
    assert_eq!(desc["DeliveryStreamType"], "DirectPut");
    let dest = &desc["Destinations"][0];
    assert_eq!(dest["DestinationId"], "destinationId-000000000001");
    assert_eq!(
        dest["ExtendedS3DestinationDescription"]["BufferingHints"]["IntervalInSeconds"],
        300
    );
    assert_eq!(
        dest["ExtendedS3DestinationDescription"]["CompressionFormat"],
        "UNCOMPRESSED"
    );
    fh_put(&mut s, "d1", b"before\n");
    let e = err(
        &mut s,
        "firehose",
        "UpdateDestination",
        json!({ "DeliveryStreamName": "d1", "CurrentDeliveryStreamVersionId": "7", "DestinationId": "destinationId-000000000001", "ExtendedS3DestinationUpdate": { "CompressionFormat": "GZIP" } }),
    );
    assert_eq!(e.kind.as_str(), "ConcurrentModificationException");
    ok(
        &mut s,
        "firehose",
        "UpdateDestination",
        json!({ "DeliveryStreamName": "d1", "CurrentDeliveryStreamVersionId": "1", "DestinationId": "destinationId-000000000001", "ExtendedS3DestinationUpdate": { "CompressionFormat": "GZIP" } }),
    );
    let d = ok(
        &mut s,
        "firehose",
        "DescribeDeliveryStream",
        json!({ "DeliveryStreamName": "d1" }),
    );
    assert_eq!(d["DeliveryStreamDescription"]["VersionId"], "2");
    let e3 = &d["DeliveryStreamDescription"]["Destinations"][0]["ExtendedS3DestinationDescription"];
    assert_eq!(e3["CompressionFormat"], "GZIP");
    assert_eq!(
        e3["BufferingHints"]["IntervalInSeconds"], 300,
        "unchanged members keep their values"
    );
    // The buffered record was flushed under version 1; later objects carry version 2.
    advance_by(&mut s, 500);
    let k = keys(&mut s, "bkt-d", "");
    assert_eq!(k.len(), 1);
    assert!(k[0].contains("/d1-1-"), "{}", k[0]);
    fh_put(&mut s, "d1", b"after\n");
    advance_by(&mut s, 301_000);
    let k = keys(&mut s, "bkt-d", "");
    assert!(
        k.iter().any(|k| k.contains("/d1-2-") && k.ends_with(".gz")),
        "{k:?}"
    );
    create_s3_stream(&mut s, "d2", "bkt-d", json!({}));
    let l = ok(
        &mut s,
        "firehose",
        "ListDeliveryStreams",
        json!({ "Limit": 1 }),
    );
    assert_eq!(l["DeliveryStreamNames"], json!(["d1"]));
    assert_eq!(l["HasMoreDeliveryStreams"], true);
    ok(
        &mut s,
        "firehose",
        "DeleteDeliveryStream",
        json!({ "DeliveryStreamName": "d2" }),
    );
    let l = ok(&mut s, "firehose", "ListDeliveryStreams", json!({}));
    assert_eq!(l["DeliveryStreamNames"], json!(["d1"]));
}
