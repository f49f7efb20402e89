//! Playground actions lessons use: `RecordPrediction` (a learner's answer, logged before the
//! simulation reveals it) and `DescribeStreamRecords` (the records a stream retains, newest
//! last, optionally for one partition key — what a goal counts).

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::world::World;

/// The actions of this file.
pub const ACTIONS: &[&str] = &["RecordPrediction", "DescribeStreamRecords"];

/// Most records DescribeStreamRecords lists (the newest).
pub const MAX_LISTED: usize = 10_000;

/// Runs one action.
pub fn dispatch(world: &mut World, action: &str, req: Request) -> Result<Value, ApiError> {
    match action {
        "RecordPrediction" => {
            req.deny_unknown(&["Question", "Answer"])?;
            let question = req.str("Question")?;
            if question.is_empty() || question.len() > 256 {
                return Err(ApiError::new(
                    ErrorKind::ValidationException,
                    "Question must have 1 to 256 characters",
                ));
            }
            let answer = req.raw("Answer").cloned().unwrap_or(Value::Null);
            if !(answer.is_string() || answer.is_number() || answer.is_boolean())
                || answer.to_string().len() > 1024
            {
                return Err(ApiError::new(
                    ErrorKind::ValidationException,
                    "Answer must be a string, number or boolean of at most 1 KiB",
                ));
            }
            Ok(json!({ "Question": question, "Answer": answer, "RecordedAt": world.now() }))
        }
        "DescribeStreamRecords" => {
            req.deny_unknown(&["StreamName", "PartitionKey"])?;
            let name = req.str("StreamName")?;
            let key = req.opt_str("PartitionKey")?;
            let stream = world.kinesis.stream(name).ok_or_else(|| {
                ApiError::new(
                    ErrorKind::ResourceNotFoundException,
                    format!("Stream {name} under account 123456789012 not found."),
                )
            })?;
            let mut records: Vec<(u64, Value)> = Vec::new();
            for shard in stream.shards() {
                let id = shard.shard_id();
                for r in shard.records() {
                    if key.is_some_and(|k| k != &*r.partition_key) {
                        continue;
                    }
                    records.push((
                        r.arrival_ms,
                        json!({
                            "ShardId": id,
                            "PartitionKey": &*r.partition_key,
                            "ArrivalMs": r.arrival_ms,
                            "Bytes": r.data.len() + r.partition_key.len(),
                        }),
                    ));
                }
            }
            records.sort_by_key(|(t, _)| *t);
            let count = records.len();
            let oldest = records.first().map(|(t, _)| *t);
            let newest = records.last().map(|(t, _)| *t);
            let skip = count.saturating_sub(MAX_LISTED);
            Ok(json!({
                "Count": count,
                "OldestArrivalMs": oldest,
                "NewestArrivalMs": newest,
                "Records": records.into_iter().skip(skip).map(|(_, v)| v).collect::<Vec<_>>(),
            }))
        }
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("unknown playground action {other}"),
        )),
    }
}
