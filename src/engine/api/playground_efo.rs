//! Service `playground`, enhanced fan-out part: reading what SubscribeToShard pushed.
//!
//! The real SubscribeToShard keeps an HTTP/2 event stream open; the playground records the
//! `SubscribeToShardEvent`s on virtual time instead (`kinesis::consumer`). These actions are how
//! the CLI, the tests and the UI's console read them:
//!
//! - `ReadSubscriptionEvents {ConsumerARN, ShardId, MaxEvents?}` drains up to `MaxEvents`
//!   (default and maximum: the whole buffer, [`EVENT_BUFFER_CAPACITY`]) buffered events of one
//!   consumer on one shard, oldest first, with how many were dropped from a full buffer since the
//!   previous read and the state of the latest subscription;
//! - `ListSubscriptions {StreamName?}` lists every consumer/shard pair that subscribed, with the
//!   same numbers the UI draws.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::{missing, Request};
use crate::engine::kinesis::consumer::{
    parse_consumer_arn, subscription_id, ChildShard, PushedEvent, SubscriptionView,
    EVENT_BUFFER_CAPACITY,
};
use crate::engine::kinesis::names::validate_stream_name;
use crate::engine::kinesis::shard::{parse_shard_id, shard_id};
use crate::engine::kinesis::ACCOUNT_ID;
use crate::engine::time::{unix_ms_to_aws_timestamp, Epoch};
use crate::engine::world::World;

/// The enhanced fan-out actions of service `playground`.
pub const ACTIONS: &[&str] = &["ReadSubscriptionEvents", "ListSubscriptions"];

/// Runs one of [`ACTIONS`].
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "ReadSubscriptionEvents" => read_subscription_events(world, req),
        "ListSubscriptions" => list_subscriptions(world, req),
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("playground has no action '{other}'"),
        )),
    }
}

fn child_json(c: &ChildShard) -> Value {
    json!({
        "ShardId": shard_id(c.index),
        "ParentShards": c.parents.iter().map(|p| shard_id(*p)).collect::<Vec<_>>(),
        "HashKeyRange": {
            "StartingHashKey": c.range.0.to_string(),
            "EndingHashKey": c.range.1.to_string(),
        },
    })
}

/// One pushed event: the `SubscribeToShardEvent` as AWS shapes it, plus when and by which
/// subscription it was pushed.
fn event_json(e: &PushedEvent, epoch: Epoch) -> Value {
    let records: Vec<Value> = e
        .records
        .iter()
        .map(|r| {
            json!({
                "SequenceNumber": r.sequence_number.to_decimal(),
                "ApproximateArrivalTimestamp": unix_ms_to_aws_timestamp(r.arrival_unix_ms),
                "Data": base64::engine::general_purpose::STANDARD.encode(&r.data),
                "PartitionKey": r.partition_key.as_ref(),
            })
        })
        .collect();
    let mut inner = json!({
        "Records": records,
        "ContinuationSequenceNumber": e.continuation.map(|c| c.to_decimal()),
        "MillisBehindLatest": e.millis_behind,
    });
    if let Some(children) = &e.child_shards {
        inner["ChildShards"] = Value::Array(children.iter().map(child_json).collect());
    }
    json!({
        "SubscriptionId": subscription_id(e.subscription_id),
        "DeliveredAtMs": e.at_ms,
        "DeliveredAt": unix_ms_to_aws_timestamp(epoch.to_unix_ms(e.at_ms)),
        "SubscribeToShardEvent": inner,
    })
}

fn view_json(v: &SubscriptionView, epoch: Epoch) -> Value {
    let mut out = json!({
        "ConsumerName": v.consumer_name,
        "ConsumerARN": v.consumer_arn,
        "StreamName": v.stream,
        "ShardId": shard_id(v.shard),
        "SubscriptionId": v.subscription_id,
        "Status": if v.active { "ACTIVE" } else { "ENDED" },
        "ExpiresAt": unix_ms_to_aws_timestamp(epoch.to_unix_ms(v.expires_ms)),
        "ContinuationSequenceNumber": v.continuation,
        "MillisBehindLatest": v.millis_behind_latest,
        "EventsDelivered": v.events_delivered,
        "RecordsDelivered": v.records_delivered,
        "BytesDelivered": v.bytes_delivered,
        "LastEventAtMs": v.last_event_ms,
        "BufferedEvents": v.buffered_events,
        "DroppedEvents": v.dropped_events,
    });
    if let Some(r) = v.end_reason {
        out["EndReason"] = json!(r);
    }
    out
}

fn read_subscription_events(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ConsumerARN", "ShardId", "MaxEvents"])?;
    let arn = req
        .opt_str("ConsumerARN")?
        .ok_or_else(|| missing("ConsumerARN"))?;
    if parse_consumer_arn(arn).is_none() {
        return Err(ApiError::validation(
            arn,
            "consumerARN",
            "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:.*stream/[a-zA-Z0-9_.-]+/consumer/[a-zA-Z0-9_.-]+:[0-9]+",
        ));
    }
    let shard_str = req.str("ShardId")?;
    validate_stream_name(shard_str, "shardId")?;
    let max = req
        .opt_int("MaxEvents", 1, EVENT_BUFFER_CAPACITY as i64)?
        .unwrap_or(EVENT_BUFFER_CAPACITY as i64) as usize;
    let epoch = world.epoch();
    let efo = &mut world.kinesis.efo;
    if efo.consumer_by_arn(arn).is_none() {
        return Err(ApiError::not_found(format!(
            "Consumer {arn} under account {ACCOUNT_ID} not found."
        )));
    }
    let no_subscription = || {
        ApiError::not_found(format!(
            "Consumer {arn} never subscribed to shard {shard_str}: call kinesis.SubscribeToShard first."
        ))
    };
    let shard = parse_shard_id(shard_str).ok_or_else(no_subscription)?;
    let (events, dropped) = efo
        .drain_events(arn, shard, max)
        .ok_or_else(no_subscription)?;
    let view = efo.subscription_view(arn, shard);
    let remaining = view.as_ref().map_or(0, |v| v.buffered_events);
    Ok(json!({
        "Events": events.iter().map(|e| event_json(e, epoch)).collect::<Vec<_>>(),
        "DroppedEvents": dropped,
        "RemainingEvents": remaining,
        "Subscription": view.map(|v| view_json(&v, epoch)),
    }))
}

fn list_subscriptions(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamName"])?;
    let stream = req.opt_str("StreamName")?;
    if let Some(s) = stream {
        validate_stream_name(s, "streamName")?;
    }
    let epoch = world.epoch();
    let list: Vec<Value> = world
        .kinesis
        .efo
        .subscription_views()
        .iter()
        .filter(|v| stream.is_none_or(|s| v.stream == s))
        .map(|v| view_json(v, epoch))
        .collect();
    Ok(json!({ "Subscriptions": list }))
}
