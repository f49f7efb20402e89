//! AWS-shaped JSON for streams and shards (field names as in the AWS JSON protocol).

use serde_json::{json, Value};

use crate::engine::kinesis::shard::{shard_id, Shard};
use crate::engine::kinesis::stream::Stream;

/// A `Shard` structure (DescribeStream, ListShards).
pub fn shard_json(shard: &Shard) -> Value {
    let mut v = json!({
        "ShardId": shard.shard_id(),
        "HashKeyRange": {
            "StartingHashKey": shard.range().starting.to_string(),
            "EndingHashKey": shard.range().ending.to_string(),
        },
        "SequenceNumberRange": {
            "StartingSequenceNumber": shard.starting_sequence_number().to_decimal(),
        },
    });
    if let Some(p) = shard.parent() {
        v["ParentShardId"] = json!(shard_id(p));
    }
    if let Some(p) = shard.adjacent_parent() {
        v["AdjacentParentShardId"] = json!(shard_id(p));
    }
    if let Some(end) = shard.ending_sequence_number() {
        v["SequenceNumberRange"]["EndingSequenceNumber"] = json!(end.to_decimal());
    }
    v
}

/// `StreamModeDetails`.
pub fn mode_json(stream: &Stream) -> Value {
    json!({ "StreamMode": stream.mode.as_str() })
}

/// `StreamCreationTimestamp` as epoch seconds.
pub fn created_json(stream: &Stream) -> Value {
    json!(stream.created_unix_s())
}
