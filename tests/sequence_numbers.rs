//! Sequence numbers: 56 digits, strictly increasing per shard, parse round-trip, and decoding of a
//! real KDS value (semantics.md §1.6).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod common;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use common::{dec_cmp, ok, put, session_with_stream, shard_and_seq};
use kinesis_playground::engine::kinesis::sequence_number::{
    is_sequence_number_pattern, SequenceNumber, CLOSED_SHARD_SEQ_INDEX,
};
use serde_json::json;

/// A real sequence number from the AWS CLI's describe-stream example (semantics.md §1.6).
const REAL: &str = "49600871682957036442365024926191073437251060580128653314";

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn decodes_the_real_example() {
    assert_eq!(REAL.len(), 56);
    let sn = SequenceNumber::parse(REAL).expect("the real example is a version-2 sequence number");
    assert_eq!(sn.shard_created_s, 0x5db7_59cd);
    assert_eq!(sn.shard_created_s, 1_572_297_165);
    assert_eq!(sn.shard_index, 0);
    // It is shard 0's StartingSequenceNumber: sequence index 0, "arrival" = creation time.
    assert_eq!(sn.seq_index, 0);
    assert_eq!(sn.arrival_s, 1_572_297_165);
    assert_eq!(sn.to_decimal(), REAL, "round-trip");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn siblings_of_the_real_example_differ_only_in_the_shard_fields() {
    // The same stream's shards 1 and 2 (CLI-EX): only the shard-index fields change.
    for idx in [1u32, 2, 15, 16, 4_095] {
        let sib = SequenceNumber {
            shard_created_s: 1_572_297_165,
            seq_index: 0,
            arrival_s: 1_572_297_165,
            shard_index: idx,
        };
        let text = sib.to_decimal();
        assert_eq!(text.len(), 56);
        assert_eq!(SequenceNumber::parse(&text), Some(sib));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn version_two_hex_layout() {
    // 47 hex digits: 2 | ctime(9) | nibble(1) | seq(16) | 00 | arrival(9) | shard(8) | 2.
    let sn = SequenceNumber {
        shard_created_s: 0x6955_b900,
        seq_index: 0x0123_4567_89ab_cdef,
        arrival_s: 0x6955_b9ff,
        shard_index: 0x1234_5678,
    };
    let text = sn.to_decimal();
    let hex = decimal_to_hex(&text);
    let want = concat!(
        "2",
        "06955b900",
        "8",
        "0123456789abcdef",
        "00",
        "06955b9ff",
        "12345678",
        "2"
    );
    assert_eq!(hex.len(), 47);
    assert_eq!(hex, want);
    assert_eq!(SequenceNumber::parse(&text), Some(sn));
}

/// Decimal → lower-case hex, by long division (test-only, independent of the engine's code).
fn decimal_to_hex(dec: &str) -> String {
    let mut digits: Vec<u32> = dec.bytes().map(|b| u32::from(b - b'0')).collect();
    let mut out = Vec::new();
    while !(digits.is_empty() || digits.iter().all(|&d| d == 0)) {
        let mut rem = 0u32;
        let mut next = Vec::with_capacity(digits.len());
        for d in digits {
            let cur = rem * 10 + d;
            let q = cur / 16;
            rem = cur % 16;
            if !(next.is_empty() && q == 0) {
                next.push(q);
            }
        }
        out.push(std::char::from_digit(rem, 16).unwrap());
        digits = next;
    }
    out.iter().rev().collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn parse_rejects_what_is_not_a_sequence_number() {
    for bad in [
        "",
        "0",
        "1",
        "-1",
        "01",
        "abc",
        "4960087168295703644236502492619107343725106058012865331x",
        // Version nibble 3 instead of 2 at the low end.
        "49600871682957036442365024926191073437251060580128653315",
    ] {
        assert_eq!(SequenceNumber::parse(bad), None, "{bad:?}");
    }
    // 130 digits: longer than the pattern allows.
    assert_eq!(SequenceNumber::parse(&"9".repeat(130)), None);
    assert!(is_sequence_number_pattern("0"));
    assert!(is_sequence_number_pattern(REAL));
    assert!(!is_sequence_number_pattern("01"));
    assert!(!is_sequence_number_pattern(""));
    assert!(!is_sequence_number_pattern(&"1".repeat(130)));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn round_trip_over_field_extremes() {
    for shard_created_s in [0u64, 1, 1_767_225_600, (1 << 36) - 1] {
        for seq_index in [0u64, 1, 1 << 32, CLOSED_SHARD_SEQ_INDEX, u64::MAX] {
            for shard_index in [0u32, 1, 15, 16, 12_345, u32::MAX] {
                let sn = SequenceNumber {
                    shard_created_s,
                    seq_index,
                    arrival_s: shard_created_s,
                    shard_index,
                };
                let text = sn.to_decimal();
                assert!(is_sequence_number_pattern(&text));
                assert_eq!(SequenceNumber::parse(&text), Some(sn), "{text}");
            }
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn puts_get_56_digit_strictly_increasing_numbers_per_shard() {
    let mut s = session_with_stream(11, "orders", 4);
    let mut last: BTreeMap<String, String> = BTreeMap::new();
    let mut per_shard: BTreeMap<String, u64> = BTreeMap::new();
    let t0 = s.world().now();
    for i in 0..2_000u64 {
        // 0.75 s between puts on average, so arrival seconds change many times.
        if i % 4 == 0 {
            let now = s.world().now();
            s.advance_to(now + 3_000);
        }
        let key = format!("user-{}", i % 37);
        let out = put(&mut s, "orders", &key, &i.to_le_bytes());
        let (shard, seq) = shard_and_seq(&out);
        assert_eq!(seq.len(), 56, "sequence number {seq} must have 56 digits");
        assert!(seq.bytes().all(|b| b.is_ascii_digit()) && !seq.starts_with('0'));
        let sn = SequenceNumber::parse(&seq).expect("parse");
        assert_eq!(sn.to_decimal(), seq, "round-trip");
        assert_eq!(
            format!("shardId-{:012}", sn.shard_index),
            shard,
            "shard embedded"
        );
        // Arrival time is the virtual clock on the scenario epoch, in seconds.
        let unix_s = s.world().epoch().to_unix_ms(s.world().now()) / 1000;
        assert_eq!(sn.arrival_s, unix_s);
        if let Some(prev) = last.get(&shard) {
            assert_eq!(
                dec_cmp(prev, &seq),
                Ordering::Less,
                "{prev} < {seq} in {shard}"
            );
            assert!(SequenceNumber::parse(prev).unwrap().seq_index < sn.seq_index);
        }
        last.insert(shard.clone(), seq);
        *per_shard.entry(shard).or_default() += 1;
    }
    assert!(
        s.world().now() > t0 + 1_000_000,
        "the run crossed many seconds"
    );
    assert_eq!(per_shard.len(), 4, "every shard got records");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn many_puts_in_the_same_millisecond_still_increase() {
    let mut s = session_with_stream(12, "one", 1);
    let mut prev = String::new();
    for i in 0..500u32 {
        let (_, seq) = shard_and_seq(&put(&mut s, "one", "k", &i.to_be_bytes()));
        if !prev.is_empty() {
            assert_eq!(dec_cmp(&prev, &seq), Ordering::Less);
        }
        prev = seq;
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn shard_starting_sequence_number_is_below_every_record() {
    let mut s = session_with_stream(13, "orders", 3);
    let mut seqs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in 0..60u32 {
        let (shard, seq) = shard_and_seq(&put(&mut s, "orders", &format!("k{i}"), b"v"));
        seqs.entry(shard).or_default().push(seq);
    }
    let listed = ok(
        &mut s,
        "kinesis",
        "ListShards",
        json!({"StreamName": "orders"}),
    );
    for shard in listed["Shards"].as_array().unwrap() {
        let id = shard["ShardId"].as_str().unwrap();
        let start = shard["SequenceNumberRange"]["StartingSequenceNumber"]
            .as_str()
            .unwrap();
        assert_eq!(start.len(), 56);
        assert!(
            shard["SequenceNumberRange"]
                .get("EndingSequenceNumber")
                .is_none(),
            "open shard"
        );
        let sn = SequenceNumber::parse(start).unwrap();
        assert_eq!(format!("shardId-{:012}", sn.shard_index), id);
        for seq in seqs.get(id).into_iter().flatten() {
            assert_eq!(dec_cmp(start, seq), Ordering::Less, "{start} < {seq}");
        }
    }
}
