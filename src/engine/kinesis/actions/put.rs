//! PutRecord: validation, routing and the AWS-shaped answer (semantics.md §1.2, §1.4, §1.5).

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;
use crate::engine::kinesis::actions::stream_name_of;
use crate::engine::kinesis::hash_key::parse_hash_key;
use crate::engine::kinesis::limits::DATA_BLOB_MAX_BYTES;
use crate::engine::kinesis::names::validate_partition_key;
use crate::engine::kinesis::sequence_number::is_sequence_number_pattern;
use crate::engine::kinesis::shard::shard_id;
use crate::engine::kinesis::{Kinesis, PutOutcome, Routing};
use crate::engine::world::World;

/// One record to write, validated.
#[derive(Clone, Debug)]
pub struct RecordInput<'a> {
    /// Partition key (1-256 chars).
    pub partition_key: &'a str,
    /// Explicit hash key, if given.
    pub explicit_hash_key: Option<u128>,
    /// Decoded data.
    pub data: Vec<u8>,
}

/// Decodes a base64 `Data` member (the AWS JSON protocol carries blobs as base64).
pub fn decode_data(b64: &str, member: &str) -> Result<Vec<u8>, ApiError> {
    // Cheap upper bound before decoding anything huge.
    if b64.len() / 4 * 3 > DATA_BLOB_MAX_BYTES + 3 {
        return Err(ApiError::validation(
            "<blob>",
            member,
            &format!("Member must have length less than or equal to {DATA_BLOB_MAX_BYTES}"),
        ));
    }
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| ApiError::serialization(format!("member '{member}' is not valid base64: {e}")))
}

/// Validates the members shared by PutRecord and PutRecords entries.
pub fn read_record<'a>(
    req: &Request<'a>,
    member_prefix: &str,
) -> Result<RecordInput<'a>, ApiError> {
    let data_b64 = req.str("Data")?;
    let data = decode_data(data_b64, &format!("{member_prefix}data"))?;
    let partition_key = req.str("PartitionKey")?;
    validate_partition_key(partition_key)?;
    let explicit_hash_key = match req.opt_str("ExplicitHashKey")? {
        None => None,
        Some(s) => Some(parse_hash_key(s).ok_or_else(|| {
            ApiError::invalid_argument(format!(
                "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {s}"
            ))
        })?),
    };
    Ok(RecordInput {
        partition_key,
        explicit_hash_key,
        data,
    })
}

/// Checks the record against the stream's `MaxRecordSizeInKiB` (data + partition key, §1.4).
pub fn check_record_size(
    world: &World,
    stream: &str,
    rec: &RecordInput<'_>,
) -> Result<(), ApiError> {
    let Some(s) = world.kinesis.stream(stream) else {
        return Err(Kinesis::stream_not_found(stream));
    };
    let max = s.max_record_size_kib as usize * 1024;
    let size = rec.data.len() + rec.partition_key.len();
    if size > max {
        return Err(ApiError::validation(
            "<blob>",
            "data",
            &format!(
                "Member must have length less than or equal to {max}: the record is {size} bytes (data plus partition key) and the stream's MaxRecordSizeInKiB is {}",
                s.max_record_size_kib
            ),
        ));
    }
    Ok(())
}

/// Writes a validated record through the stream's single write path.
pub fn write(
    world: &mut World,
    stream: &str,
    rec: &RecordInput<'_>,
) -> Result<PutOutcome, ApiError> {
    check_record_size(world, stream, rec)?;
    let routing = match rec.explicit_hash_key {
        Some(h) => Routing::Explicit(h),
        None => Routing::PartitionKey(rec.partition_key),
    };
    let (now, epoch) = (world.now(), world.epoch());
    world
        .kinesis
        .append(stream, routing, rec.partition_key, &rec.data, now, epoch)
}

/// PutRecord.
pub fn put_record(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "StreamName",
        "StreamARN",
        "Data",
        "PartitionKey",
        "ExplicitHashKey",
        "SequenceNumberForOrdering",
    ])?;
    let stream = stream_name_of(&req)?;
    let rec = read_record(&req, "")?;
    if let Some(s) = req.opt_str("SequenceNumberForOrdering")? {
        if !is_sequence_number_pattern(s) {
            return Err(ApiError::validation(
                s,
                "sequenceNumberForOrdering",
                "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
            ));
        }
    }
    let out = write(world, stream, &rec)?;
    Ok(json!({
        "ShardId": shard_id(out.shard_index),
        "SequenceNumber": out.sequence_number.to_decimal(),
    }))
}
