//! The KPL (semantics.md §2.6): the aggregated-record format, de-aggregation, and the producer's
//! aggregation, collection, buffered-time deadlines, rate limiting and TTL.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use std::collections::BTreeSet;

use common::*;
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::apps::kpl::aggregation::{
    aggregate, decode, AggregateSize, Entry, MAGIC,
};
use kinesis_playground::engine::apps::kpl::{deaggregate, deaggregate_with_key};
use md5::{Digest, Md5};
use serde_json::{json, Value};

fn entry<'a>(pk: &'a str, ehk: Option<&'a str>, data: &'a [u8]) -> Entry<'a> {
    Entry {
        partition_key: pk,
        explicit_hash_key: ehk,
        data,
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn aggregated_bytes_are_magic_protobuf_md5() {
    let blob = aggregate(&[entry("pk", None, b"data")]);
    // AggregatedRecord { partition_key_table: ["pk"], records: [{partition_key_index: 0, data: "data"}] }
    let proto: &[u8] = &[
        0x0A, 0x02, b'p', b'k', 0x1A, 0x08, 0x08, 0x00, 0x1A, 0x04, b'd', b'a', b't', b'a',
    ];
    assert_eq!(&blob[..4], &[0xF3, 0x89, 0x9A, 0xC2]);
    assert_eq!(&blob[..4], &MAGIC);
    assert_eq!(&blob[4..blob.len() - 16], proto);
    assert_eq!(&blob[blob.len() - 16..], Md5::digest(proto).as_slice());

    let blob = aggregate(&[
        entry("a", Some("7"), b"x"),
        entry("b", None, b"y"),
        entry("a", Some("7"), b"z"),
    ]);
    let proto = &blob[4..blob.len() - 16];
    assert_eq!(
        &blob[blob.len() - 16..],
        Md5::digest(proto).as_slice(),
        "the trailer is the MD5 of the protobuf"
    );
    // Keys are shared: table "a","b" then EHK table "7", then three records.
    assert_eq!(
        &proto[..9],
        &[0x0A, 0x01, b'a', 0x0A, 0x01, b'b', 0x12, 0x01, b'7']
    );
    let users = decode(&blob).unwrap();
    assert_eq!(users.len(), 3);
    assert_eq!(users[2].partition_key, "a");
    assert_eq!(users[2].explicit_hash_key.as_deref(), Some("7"));
    assert_eq!(users[1].explicit_hash_key, None);
    assert_eq!(
        users
            .iter()
            .map(|u| u.sub_sequence_number)
            .collect::<Vec<_>>(),
        [0, 1, 2]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn size_tracking_matches_the_encoding() {
    let mut size = AggregateSize::default();
    let mut entries = Vec::new();
    let datas: Vec<Vec<u8>> = (0..300).map(|i| vec![b'x'; i * 7 % 400]).collect();
    let keys: Vec<String> = (0..300).map(|i| format!("key-{}", i % 37)).collect();
    for i in 0..300 {
        let e = entry(
            &keys[i],
            if i % 5 == 0 { Some("123456789") } else { None },
            &datas[i],
        );
        size.add(&e);
        entries.push(e);
        assert_eq!(size.total(), aggregate(&entries).len());
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn anything_not_an_aggregate_passes_through() {
    let good = aggregate(&[entry("k", None, b"v")]);
    let mut bad_md5 = good.clone();
    let last = bad_md5.len() - 1;
    bad_md5[last] ^= 1;
    let mut bad_proto = MAGIC.to_vec();
    let junk = [0x1A, 0x05, 0x08];
    bad_proto.extend_from_slice(&junk);
    bad_proto.extend_from_slice(&Md5::digest(junk));
    for data in [
        b"plain".to_vec(),
        MAGIC.to_vec(),
        bad_md5,
        bad_proto,
        Vec::new(),
    ] {
        let out = deaggregate_with_key("outer", &data);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].partition_key, "outer");
        assert_eq!(out[0].data, data);
        assert_eq!(out[0].sub_sequence_number, 0);
        assert_eq!(deaggregate(&data)[0].partition_key, "");
    }
}

fn kpl_session(seed: u64, shards: u32, rate: u32, kpl: Value, extra: Value) -> Session {
    let mut s = session_with_stream(seed, "k", shards);
    let mut req = json!({"ProducerName": "kpl", "StreamName": "k", "RecordsPerSecond": rate, "Mode": "KPL", "Kpl": kpl});
    for (k, v) in extra.as_object().unwrap() {
        req[k] = v.clone();
    }
    ok(&mut s, "playground", "StartProducer", req);
    s
}

fn listing(s: &mut Session) -> Value {
    ok(s, "playground", "ListProducers", json!({}))["Producers"][0].clone()
}

/// (arrival ms, partition key, data) of every Kinesis record of stream `k`.
fn kinesis_records(s: &Session) -> Vec<(u64, String, Vec<u8>)> {
    let st = s.world().kinesis.stream("k").unwrap();
    st.shards()
        .iter()
        .flat_map(|sh| {
            sh.records()
                .iter()
                .map(|r| (r.arrival_ms, r.partition_key.to_string(), r.data.to_vec()))
        })
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn aggregation_fits_five_times_the_record_limit_through_one_shard() {
    let mut s = kpl_session(21, 1, 5_000, json!({}), json!({}));
    advance_by(&mut s, 10_000);
    let p = listing(&mut s);
    assert_eq!(p["Throttles"], 0, "{p}");
    assert_eq!(p["RecordsFailed"], 0, "{p}");
    let sent = p["RecordsSent"].as_u64().unwrap();
    assert!(
        sent + p["BufferedUserRecords"].as_u64().unwrap()
            == p["RecordsGenerated"].as_u64().unwrap(),
        "{p}"
    );
    assert!(
        p["UserRecordsPerKinesisRecord"].as_f64().unwrap() > 100.0,
        "{p}"
    );
    let mut ids = Vec::new();
    for (_, key, data) in kinesis_records(&s) {
        assert!(data.len() <= 51_200, "AggregationMaxSize");
        assert_eq!(&data[..4], &MAGIC);
        for u in deaggregate_with_key(&key, &data) {
            let v: Value = serde_json::from_slice(&u.data).unwrap();
            ids.push(v["event_id"].as_u64().unwrap());
        }
    }
    assert_eq!(ids.len() as u64, sent);
    let distinct: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(
        distinct,
        (0..sent).collect(),
        "every user record exactly once"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_lone_record_waits_record_max_buffered_time_and_goes_unaggregated() {
    let mut s = kpl_session(22, 2, 2, json!({"RecordMaxBufferedTime": 250}), json!({}));
    let epoch = s.world().epoch();
    advance_by(&mut s, 5_000);
    let recs = kinesis_records(&s);
    assert_eq!(recs.len(), 10);
    for (arrival, key, data) in recs {
        assert!(key.starts_with("user-"));
        let v: Value = serde_json::from_slice(&data).expect("a single user record is sent as is");
        let ts = v["ts"].as_str().unwrap().to_string();
        let expect =
            kinesis_playground::engine::time::format_iso8601(epoch.to_unix_ms(arrival - 250));
        assert_eq!(
            ts, expect,
            "sent exactly RecordMaxBufferedTime after it was put"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn oversize_records_bypass_aggregation_and_collection_limits_split_requests() {
    let mut s = kpl_session(
        23,
        2,
        20,
        json!({}),
        json!({"RecordSize": {"Type": "FIXED", "Bytes": 60000}}),
    );
    advance_by(&mut s, 2_000);
    let recs = kinesis_records(&s);
    assert!(!recs.is_empty());
    assert!(
        recs.iter()
            .all(|r| r.2.len() == 60_000 && r.2[..4] != MAGIC),
        "too big to aggregate"
    );

    let mut s = kpl_session(
        23,
        4,
        2_000,
        json!({"AggregationEnabled": false, "CollectionMaxCount": 50}),
        json!({}),
    );
    advance_by(&mut s, 3_000);
    let p = listing(&mut s);
    let sent = p["RecordsSent"].as_u64().unwrap();
    assert!(p["Requests"].as_u64().unwrap() >= sent / 50, "{p}");
    assert_eq!(
        p["KinesisRecordsSent"], sent,
        "no aggregation: one Kinesis record per user record"
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_rate_limiter_curbs_throttling_and_the_ttl_fails_what_cannot_be_sent() {
    let overloaded = |pct: u32, ttl: u32| {
        let mut s = kpl_session(
            24,
            1,
            3_000,
            json!({"AggregationEnabled": false, "RateLimit": pct, "RecordTtl": ttl}),
            json!({}),
        );
        advance_by(&mut s, 6_000);
        listing(&mut s)
    };
    let (limited, unlimited) = (overloaded(100, 30_000), overloaded(1_000, 30_000));
    let throttles = |p: &Value| p["Throttles"].as_u64().unwrap();
    assert!(
        throttles(&limited) * 5 < throttles(&unlimited),
        "{limited} vs {unlimited}"
    );
    assert!(limited["Retries"].as_u64().unwrap() <= unlimited["Retries"].as_u64().unwrap());

    let p = overloaded(150, 1_000);
    assert!(p["GivenUp"].as_u64().unwrap() > 1_000, "{p}");
    assert_eq!(p["GivenUp"], p["RecordsFailed"]);
    // The stream still took what one shard takes: ~1,000 records/s.
    let sent = p["RecordsSent"].as_u64().unwrap();
    assert!((5_000..=8_000).contains(&sent), "{p}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn throttled_user_records_are_retried_without_backoff() {
    // RateLimit 1000 % lets the KPL overrun the shard: throttled records come back after
    // RecordMaxBufferedTime / 2 and eventually get through (TTL 30 s).
    let mut s = kpl_session(
        25,
        1,
        1_400,
        json!({"AggregationEnabled": false, "RateLimit": 1000}),
        json!({}),
    );
    advance_by(&mut s, 4_000);
    ok(
        &mut s,
        "playground",
        "StopProducer",
        json!({"ProducerName": "kpl"}),
    );
    let p = listing(&mut s);
    assert!(
        p["Throttles"].as_u64().unwrap() > 0 && p["Retries"].as_u64().unwrap() > 0,
        "{p}"
    );
    assert_eq!(p["RecordsFailed"], 0, "{p}");
}
