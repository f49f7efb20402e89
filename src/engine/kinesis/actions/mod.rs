//! The Kinesis API actions, one file per group, and the action table the dispatcher uses.

pub mod consumers;
pub mod control;
pub mod get_records;
pub mod put;
pub mod put_records;
pub mod reshard;
pub mod retention;
pub mod subscribe;
pub mod tags;

use serde_json::Value;

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kinesis::names::{stream_name_from_arn, validate_stream_name};
use crate::engine::kinesis::Kinesis;
use crate::engine::world::World;

/// Every Kinesis action the playground implements, in the order README lists them.
pub const ACTIONS: &[&str] = &[
    "CreateStream",
    "DeleteStream",
    "DescribeStream",
    "DescribeStreamSummary",
    "ListStreams",
    "ListShards",
    "PutRecord",
    "PutRecords",
    "GetShardIterator",
    "GetRecords",
    "SplitShard",
    "MergeShards",
    "UpdateShardCount",
    "UpdateStreamMode",
    "IncreaseStreamRetentionPeriod",
    "DecreaseStreamRetentionPeriod",
    "AddTagsToStream",
    "ListTagsForStream",
    "RemoveTagsFromStream",
    "RegisterStreamConsumer",
    "DeregisterStreamConsumer",
    "DescribeStreamConsumer",
    "ListStreamConsumers",
    "SubscribeToShard",
];

/// Runs one Kinesis action.
pub fn dispatch(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    match action {
        "CreateStream" => control::create_stream(world, req),
        "DeleteStream" => control::delete_stream(world, req),
        "DescribeStream" => control::describe_stream(world, req),
        "DescribeStreamSummary" => control::describe_stream_summary(world, req),
        "ListStreams" => control::list_streams(world, req),
        "ListShards" => control::list_shards(world, req),
        "PutRecord" => put::put_record(world, req),
        "PutRecords" => put_records::put_records(world, req),
        "GetShardIterator" => get_records::get_shard_iterator(world, req),
        "GetRecords" => get_records::get_records(world, req),
        "SplitShard" => reshard::split_shard(world, req),
        "MergeShards" => reshard::merge_shards(world, req),
        "UpdateShardCount" => reshard::update_shard_count(world, req),
        "UpdateStreamMode" => reshard::update_stream_mode(world, req),
        "IncreaseStreamRetentionPeriod" => retention::increase_stream_retention_period(world, req),
        "DecreaseStreamRetentionPeriod" => retention::decrease_stream_retention_period(world, req),
        "AddTagsToStream" => tags::add_tags_to_stream(world, req),
        "ListTagsForStream" => tags::list_tags_for_stream(world, req),
        "RemoveTagsFromStream" => tags::remove_tags_from_stream(world, req),
        "RegisterStreamConsumer" => consumers::register_stream_consumer(world, req),
        "DeregisterStreamConsumer" => consumers::deregister_stream_consumer(world, req),
        "DescribeStreamConsumer" => consumers::describe_stream_consumer(world, req),
        "ListStreamConsumers" => consumers::list_stream_consumers(world, req),
        "SubscribeToShard" => subscribe::subscribe_to_shard(world, req),
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!(
                "kinesis has no action '{other}'; supported: {}",
                ACTIONS.join(", ")
            ),
        )),
    }
}

/// The stream a request names by `StreamName` or `StreamARN` (one is required; both must agree).
pub fn stream_name_of<'a>(req: &Request<'a>) -> Result<&'a str, ApiError> {
    let by_name = req.opt_str("StreamName")?;
    let by_arn = req.opt_str("StreamARN")?;
    match (by_name, by_arn) {
        (Some(name), None) => {
            validate_stream_name(name, "streamName")?;
            Ok(name)
        }
        (None, Some(arn)) => stream_name_from_arn(arn).ok_or_else(|| {
            ApiError::validation(
                arn,
                "streamARN",
                "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+",
            )
        }),
        (Some(name), Some(arn)) => {
            if stream_name_from_arn(arn) == Some(name) {
                Ok(name)
            } else {
                Err(ApiError::invalid_argument(format!(
                    "StreamName {name} and StreamARN {arn} name different streams"
                )))
            }
        }
        (None, None) => Err(ApiError::invalid_argument(
            "Either StreamName or StreamARN must be provided",
        )),
    }
}

/// The stream a request names, or `ResourceNotFoundException`.
pub fn existing_stream<'w>(
    world: &'w World,
    req: &Request<'_>,
) -> Result<&'w crate::engine::kinesis::stream::Stream, ApiError> {
    let name = stream_name_of(req)?;
    world
        .kinesis
        .stream(name)
        .ok_or_else(|| Kinesis::stream_not_found(name))
}
