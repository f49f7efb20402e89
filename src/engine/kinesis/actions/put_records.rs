//! PutRecords: up to 500 entries, not atomic, one result per entry in request order
//! (semantics.md §1.4, §1.5).

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kinesis::actions::put::{read_record, write, RecordInput};
use crate::engine::kinesis::actions::stream_name_of;
use crate::engine::kinesis::shard::shard_id;
use crate::engine::kinesis::Kinesis;
use crate::engine::world::World;

/// Most entries in one PutRecords call (§1.4).
pub const PUT_RECORDS_MAX_ENTRIES: usize = 500;
/// Largest PutRecords request, data plus partition keys (§1.4: 10 MiB since the large-record launch).
pub const PUT_RECORDS_MAX_BYTES: usize = 10 * 1_048_576;

/// PutRecords.
pub fn put_records(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamName", "StreamARN", "Records"])?;
    let stream = stream_name_of(&req)?;
    let entries = req
        .opt_list("Records")?
        .ok_or_else(|| crate::engine::api::request::missing("Records"))?;
    if entries.is_empty() || entries.len() > PUT_RECORDS_MAX_ENTRIES {
        let constraint = if entries.is_empty() {
            "Member must have length greater than or equal to 1".to_string()
        } else {
            format!("Member must have length less than or equal to {PUT_RECORDS_MAX_ENTRIES}")
        };
        return Err(ApiError::validation(
            &format!("[{} entries]", entries.len()),
            "records",
            &constraint,
        ));
    }
    // The whole request is validated before any entry is written (AWS validates the request body
    // first; only throttling and internal failures are per entry).
    let mut inputs: Vec<RecordInput<'_>> = Vec::with_capacity(entries.len());
    let mut total = 0usize;
    for (i, entry) in entries.iter().enumerate() {
        let r = Request::new(entry)
            .map_err(|e| ApiError::new(e.kind, format!("records.{}: {}", i + 1, e.message)))?;
        r.deny_unknown(&["Data", "ExplicitHashKey", "PartitionKey"])?;
        let rec = read_record(&r, &format!("records.{}.member.", i + 1))?;
        total += rec.data.len() + rec.partition_key.len();
        inputs.push(rec);
    }
    if total > PUT_RECORDS_MAX_BYTES {
        return Err(ApiError::invalid_argument(format!(
            "Records size exceeds the {PUT_RECORDS_MAX_BYTES}-byte PutRecords request limit (data plus partition keys): {total} bytes"
        )));
    }
    match world.kinesis.stream(stream) {
        None => return Err(Kinesis::stream_not_found(stream)),
        Some(s) if !s.status.allows_io() => {
            return Err(ApiError::not_found(format!(
                "Stream {stream} under account {} is {} and cannot accept records yet.",
                crate::engine::kinesis::ACCOUNT_ID,
                s.status.as_str()
            )))
        }
        Some(_) => {}
    }
    let mut results = Vec::with_capacity(inputs.len());
    let mut failed = 0u64;
    for rec in &inputs {
        match write(world, stream, rec) {
            Ok(out) => results.push(json!({
                "SequenceNumber": out.sequence_number.to_decimal(),
                "ShardId": shard_id(out.shard_index),
            })),
            Err(e) if e.kind == ErrorKind::ProvisionedThroughputExceededException => {
                failed += 1;
                results.push(json!({ "ErrorCode": e.kind.as_str(), "ErrorMessage": e.message }));
            }
            Err(e) if e.kind == ErrorKind::ValidationException => return Err(e),
            Err(e) => {
                failed += 1;
                results.push(json!({ "ErrorCode": "InternalFailure", "ErrorMessage": format!("Internal Service Failure ({})", e.message) }));
            }
        }
    }
    Ok(json!({ "FailedRecordCount": failed, "Records": results }))
}
