//! Producers writing to a Firehose delivery stream (Direct PUT) instead of a data stream: the SDK
//! calls `PutRecord` for one record and `PutRecordBatch` for several, the Kinesis Agent ships its
//! batches with `PutRecordBatch` (its `deliveryStream` flow), both through the dispatcher so the
//! Direct PUT quotas and `ServiceUnavailableException` apply (semantics.md §4.1). The KPL writes
//! to data streams only; a KPL pipeline into Firehose goes through a stream the delivery stream
//! reads (KinesisStreamAsSource), which de-aggregates KPL records (§4.1).

use base64::Engine as _;
use serde_json::json;

use crate::engine::api::error::ApiError;
use crate::engine::sources::{put_each, Outgoing, Target};
use crate::engine::world::World;

/// What a producer writes to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProducerTarget {
    /// A Kinesis data stream (`StreamName`).
    #[default]
    DataStream,
    /// A Firehose delivery stream with Direct PUT (`DeliveryStreamName`).
    DeliveryStream,
}

/// Puts `records` into delivery stream `name` as the SDK does (`PutRecord` for a single record,
/// else `PutRecordBatch`): one result per record, in order.
pub fn put(world: &mut World, name: &str, records: &[&[u8]]) -> Vec<Result<(), ApiError>> {
    let b64 = base64::engine::general_purpose::STANDARD;
    if records.len() == 1 {
        let r = crate::engine::api::dispatch(
            world,
            "firehose",
            "PutRecord",
            &json!({"DeliveryStreamName": name, "Record": {"Data": b64.encode(records[0])}}),
        );
        return vec![r.map(|_| ())];
    }
    put_batch(world, name, records)
}

/// Puts `records` into delivery stream `name` with `PutRecordBatch` calls: one result per record.
pub fn put_batch(world: &mut World, name: &str, records: &[&[u8]]) -> Vec<Result<(), ApiError>> {
    let outgoing: Vec<Outgoing> = records
        .iter()
        .map(|d| Outgoing {
            partition_key: String::new(),
            data: d.to_vec(),
        })
        .collect();
    put_each(world, &Target::Firehose(name.to_string()), &outgoing)
}
