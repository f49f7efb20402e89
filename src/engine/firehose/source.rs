//! Records entering a delivery stream: Direct PUT ([`new_record`]) and a Kinesis data stream as
//! source (semantics.md §4.1): from LATEST at activation, one GetRecords per shard per second
//! through the real read path (so it takes its share of the shard's 5 calls/s and 2 MiB/s),
//! following child shards after resharding, de-aggregating KPL records.

use base64::Engine as _;
use serde_json::Value;

use crate::engine::apps::kpl::aggregation::deaggregate_with_key;
use crate::engine::apps::sdk_consumer::{tick_collect, IteratorStart, SdkConsumer};
use crate::engine::firehose::cwl_processing::{unpack, Unpacked};
use crate::engine::firehose::delivery_stream::{DeliveryStream, Source};
use crate::engine::firehose::error_output::{ErrorSink, Failure};
use crate::engine::firehose::pipeline::{accept, deaggregate};
use crate::engine::firehose::record::{FhRecord, KinesisMeta};
use crate::engine::kinesis::shard::shard_id;
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// Firehose polls each shard once per second (§4.1).
pub const POLL_INTERVAL_MS: u64 = 1_000;
/// `Limit` of its GetRecords calls.
pub const GET_RECORDS_LIMIT: u32 = 10_000;

/// A new record of `ds` (not yet accepted): assigns its sequence and `RecordId`.
pub fn new_record(
    ds: &mut DeliveryStream,
    data: Vec<u8>,
    now: VirtualMs,
    kinesis: Option<KinesisMeta>,
) -> FhRecord {
    let seq = ds.next_seq;
    ds.next_seq += 1;
    // RecordIds are long opaque strings; this one encodes the stream's creation time and the
    // record's sequence so it is unique and stable under replay.
    let record_id = format!("{:020}{:012}{:024}", ds.created_ms, ds.version, seq);
    FhRecord {
        seq,
        record_id,
        raw_len: data.len(),
        data,
        arrival_ms: now,
        kinesis,
        query_keys: Vec::new(),
        lambda_keys: Vec::new(),
    }
}

/// Splits incoming payloads by the `RecordDeAggregation` processor and accepts them; a payload
/// that cannot be split goes to the error output as `processing-failed`.
pub fn ingest(
    world: &mut World,
    ds: &mut DeliveryStream,
    payloads: Vec<(Vec<u8>, Option<KinesisMeta>)>,
    errors: &mut ErrorSink,
) {
    let now = world.now();
    let mut records = Vec::with_capacity(payloads.len());
    for (packed, meta) in payloads {
        let parts = match unpack(&ds.destination.processing, packed.clone()) {
            Unpacked::Records(parts) => parts,
            Unpacked::Control => {
                // Accepted, then dropped by message extraction.
                ds.ledger.accepted += 1;
                ds.ledger.dropped += 1;
                continue;
            }
            Unpacked::Failed(prefix, code, message) => {
                let r = new_record(ds, packed, now, meta);
                ds.ledger.accepted += 1;
                errors.add(
                    prefix,
                    Failure {
                        record: r,
                        code: code.into(),
                        message,
                        attempts: 1,
                    },
                );
                continue;
            }
        };
        for data in parts {
            match deaggregate(ds, data.clone()) {
                Ok(parts) => {
                    for p in parts {
                        ds.tap.push(now, &p);
                        records.push(new_record(ds, p, now, meta.clone()));
                    }
                }
                Err(message) => {
                    let r = new_record(ds, data, now, meta.clone());
                    ds.ledger.accepted += 1;
                    errors.add(
                        "processing-failed",
                        Failure {
                            record: r,
                            code: "RecordDeAggregation.Failed".into(),
                            message,
                            attempts: 1,
                        },
                    );
                }
            }
        }
    }
    accept(world, ds, records, errors);
}

/// Starts reading the source stream (at activation: LATEST).
pub fn activate(world: &mut World, ds: &mut DeliveryStream) {
    if let Source::Kinesis {
        stream,
        reader,
        next_poll_ms,
        ..
    } = &mut ds.source
    {
        let c = SdkConsumer::new(
            world,
            stream,
            IteratorStart::Latest,
            POLL_INTERVAL_MS,
            GET_RECORDS_LIMIT,
        );
        *reader = Some(Box::new(c));
        *next_poll_ms = world.now();
    }
}

/// Polls the source stream if due.
pub fn poll_if_due(world: &mut World, ds: &mut DeliveryStream, errors: &mut ErrorSink) {
    let now = world.now();
    let Source::Kinesis {
        reader,
        next_poll_ms,
        ..
    } = &mut ds.source
    else {
        return;
    };
    if *next_poll_ms > now {
        return;
    }
    let Some(c) = reader.as_mut() else {
        return;
    };
    let mut read: Vec<(u32, Value)> = Vec::new();
    let next = tick_collect(world, c, Some(&mut read));
    *next_poll_ms = next.unwrap_or(now + POLL_INTERVAL_MS).max(now + 1);
    let behind = c
        .shards
        .values()
        .map(|s| s.stats.millis_behind_latest)
        .max()
        .unwrap_or(0);
    let epoch = world.epoch();
    let mut payloads = Vec::with_capacity(read.len());
    let (mut n, mut bytes) = (0u64, 0u64);
    for (index, r) in read {
        let data = base64::engine::general_purpose::STANDARD
            .decode(r["Data"].as_str().unwrap_or_default())
            .unwrap_or_default();
        n += 1;
        bytes += data.len() as u64;
        let pk = r["PartitionKey"].as_str().unwrap_or_default().to_string();
        let seq = r["SequenceNumber"].as_str().unwrap_or_default().to_string();
        let arrival_unix_ms =
            (r["ApproximateArrivalTimestamp"].as_f64().unwrap_or(0.0) * 1000.0).round() as u64;
        let arrival_ms = epoch.to_virtual(arrival_unix_ms).unwrap_or(now);
        // KPL-aggregated records are de-aggregated before transformation (§4.1).
        for u in deaggregate_with_key(&pk, &data) {
            let meta = KinesisMeta {
                shard_id: shard_id(index),
                partition_key: u.partition_key.clone(),
                sequence_number: seq.clone(),
                subsequence_number: u.sub_sequence_number,
                arrival_ms,
            };
            payloads.push((u.data, Some(meta)));
        }
    }
    let m = ds.metrics.at(now);
    m.kinesis_records += n;
    m.kinesis_bytes += bytes;
    m.kinesis_millis_behind = m.kinesis_millis_behind.max(behind);
    if !payloads.is_empty() {
        let m = ds.metrics.at(now);
        m.incoming_records += payloads.len() as u64;
        m.incoming_bytes += bytes;
        ingest(world, ds, payloads, errors);
    }
}
