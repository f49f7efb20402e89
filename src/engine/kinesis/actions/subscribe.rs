//! SubscribeToShard: push subscriptions of enhanced fan-out consumers (semantics.md §1.13). The
//! real API answers with an HTTP/2 event stream; the playground returns the subscription at once
//! and records its events for `playground.ReadSubscriptionEvents`.

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::{missing, Request};
use crate::engine::kinesis::actions::consumers::{consumer_arn_member, consumer_not_found};
use crate::engine::kinesis::consumer::{
    subscription_id, ConsumerStatus, RESUBSCRIBE_GUARD_MS, SUBSCRIBE_CALLS_PER_S,
    SUBSCRIPTION_TTL_MS,
};
use crate::engine::kinesis::names::validate_stream_name;
use crate::engine::kinesis::sequence_number::is_sequence_number_pattern;
use crate::engine::kinesis::shard::parse_shard_id;
use crate::engine::kinesis::starting_position::{Members, StartingPosition};
use crate::engine::kinesis::{Kinesis, ACCOUNT_ID};
use crate::engine::time::unix_ms_to_aws_timestamp;
use crate::engine::world::World;

/// How SubscribeToShard names the starting-position members.
const SUBSCRIBE_TO_SHARD: Members = Members {
    action: "SubscribeToShard",
    kind: "StartingPosition.Type",
    kind_path: "startingPosition.type",
    sequence: "StartingPosition.SequenceNumber",
    timestamp: "StartingPosition.Timestamp",
};

fn starting_position<'a>(req: &Request<'a>) -> Result<StartingPosition<'a>, ApiError> {
    let sp = req
        .opt_struct("StartingPosition")?
        .ok_or_else(|| missing("StartingPosition"))?;
    sp.deny_unknown(&["Type", "SequenceNumber", "Timestamp"])?;
    let kind = sp.opt_str("Type")?.ok_or_else(|| {
        ApiError::validation("null", "startingPosition.type", "Member must not be null")
    })?;
    let seq = sp.opt_str("SequenceNumber")?;
    if let Some(s) = seq {
        if !is_sequence_number_pattern(s) {
            return Err(ApiError::validation(
                s,
                "startingPosition.sequenceNumber",
                "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
            ));
        }
    }
    let ts = match sp.raw("Timestamp") {
        None => None,
        Some(v) => Some(v.as_f64().ok_or_else(|| {
            ApiError::serialization("member 'Timestamp' must be a number (epoch seconds)")
        })?),
    };
    StartingPosition::parse(kind, seq, ts, &SUBSCRIBE_TO_SHARD)
}

fn shard_not_found(stream: &str, shard: &str) -> ApiError {
    ApiError::not_found(format!(
        "Shard {shard} in stream {stream} under account {ACCOUNT_ID} does not exist"
    ))
}

/// SubscribeToShard (§1.13): see the module docs for what it returns instead of an event stream.
pub fn subscribe_to_shard(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["ConsumerARN", "ShardId", "StartingPosition"])?;
    let arn = consumer_arn_member(&req)?.ok_or_else(|| missing("ConsumerARN"))?;
    let shard_str = req.str("ShardId")?;
    validate_stream_name(shard_str, "shardId")?; // same 1-128 `[a-zA-Z0-9_.-]+` rule
    let start = starting_position(&req)?;
    let now = world.now();
    let epoch = world.epoch();
    let consumer = world
        .kinesis
        .efo
        .consumer_by_arn(arn)
        .cloned()
        .ok_or_else(|| consumer_not_found(arn))?;
    if consumer.status != ConsumerStatus::Active {
        return Err(ApiError::in_use(format!(
            "Consumer {arn} under account {ACCOUNT_ID} is {}; SubscribeToShard needs an ACTIVE consumer (§1.13).",
            consumer.status.as_str()
        )));
    }
    let stream_name = consumer.stream.as_str();
    let (shard_index, position) = {
        let stream = world
            .kinesis
            .stream(stream_name)
            .filter(|s| s.created_ms() == consumer.stream_created_ms)
            .ok_or_else(|| Kinesis::stream_not_found(stream_name))?;
        let index =
            parse_shard_id(shard_str).ok_or_else(|| shard_not_found(stream_name, shard_str))?;
        let shard = stream
            .shard(index)
            .ok_or_else(|| shard_not_found(stream_name, shard_str))?;
        let position = start.resolve(
            shard,
            stream_name,
            stream.created_unix_s(),
            now,
            epoch,
            &SUBSCRIBE_TO_SHARD,
        )?;
        (index, position)
    };
    let shard_id = crate::engine::kinesis::shard::shard_id(shard_index);
    let (channel, ch) = world
        .kinesis
        .efo
        .channel_mut_or_new(&consumer, shard_index, now);
    // §1.13: one call per second per consumer per shard, then the 5-s rule.
    let refusal = if !ch.calls.try_call(now, SUBSCRIBE_CALLS_PER_S) {
        Some(ApiError::new(
            ErrorKind::LimitExceededException,
            format!(
                "Rate exceeded for consumer {arn} and shard {shard_id}: at most {SUBSCRIBE_CALLS_PER_S} SubscribeToShard call per second (§1.13)."
            ),
        ))
    } else if ch
        .last_success_ms
        .is_some_and(|t| now < t + RESUBSCRIBE_GUARD_MS)
    {
        Some(ApiError::in_use(format!(
            "Another subscription of consumer {arn} to shard {shard_id} started less than 5 seconds ago; a new SubscribeToShard takes over only 5 s after the last successful call (§1.13)."
        )))
    } else {
        None
    };
    if let Some(e) = refusal {
        world
            .kinesis
            .metrics
            .shard_second(stream_name, shard_index, now)
            .subscribe_rate_exceeded += 1;
        return Err(e);
    }
    let Some((sub, first_delivery)) = world.kinesis.efo.start_subscription(channel, position, now)
    else {
        return Err(ApiError::new(
            ErrorKind::InternalFailureException,
            "subscription channel vanished",
        ));
    };
    world.schedule(now, first_delivery);
    world
        .kinesis
        .metrics
        .shard_second(stream_name, shard_index, now)
        .subscribe_success += 1;
    Ok(json!({
        "Subscription": {
            "SubscriptionId": subscription_id(sub),
            "ConsumerARN": arn,
            "ShardId": shard_id,
            "ExpiresAt": unix_ms_to_aws_timestamp(epoch.to_unix_ms(now + SUBSCRIPTION_TTL_MS)),
        }
    }))
}
