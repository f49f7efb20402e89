//! Enhanced fan-out actions: RegisterStreamConsumer, DeregisterStreamConsumer,
//! DescribeStreamConsumer, ListStreamConsumers and SubscribeToShard (semantics.md §1.1, §1.13,
//! §1.14, §1.16). State and delivery live in [`crate::engine::kinesis::consumer`].
//!
//! **SubscribeToShard.** The real API answers with an HTTP/2 event stream on which AWS pushes
//! `SubscribeToShardEvent`s for up to 5 minutes. The playground answers at once with
//! `{Subscription: {SubscriptionId, ConsumerARN, ShardId, ExpiresAt}}` and records the events the
//! stream would have carried, on virtual time, in a bounded buffer per consumer and shard;
//! `playground.ReadSubscriptionEvents` drains them (`api::playground_efo`).

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kinesis::consumer::{
    consumer_arn, parse_consumer_arn, Consumer, ConsumerStatus, EfoEvent, EndReason,
    CONSUMER_CREATE_DELAY_MS, CONSUMER_DELETE_DELAY_MS, DEREGISTER_CALLS_PER_S,
    DESCRIBE_CONSUMER_CALLS_PER_S, LIST_CONSUMERS_CALLS_PER_S, LIST_CONSUMERS_DEFAULT_RESULTS,
    LIST_CONSUMERS_MAX_RESULTS, MAX_CONSUMERS_CREATING, MAX_CONSUMERS_PER_STREAM,
    REGISTER_CALLS_PER_S,
};
use crate::engine::kinesis::limits::MAX_TAGS_PER_STREAM;
use crate::engine::kinesis::names::{stream_name_from_arn, validate_stream_name};
use crate::engine::kinesis::throughput::RollingCalls;
use crate::engine::kinesis::{Kinesis, ACCOUNT_ID};
use crate::engine::time::{unix_ms_to_aws_timestamp, VirtualMs};
use crate::engine::world::{Event, World};

/// Longest ARN the API accepts (KDS-API `StreamARN`, `ConsumerARN`: 1-2048).
const ARN_MAX_LEN: usize = 2048;
/// Lifetime of a ListStreamConsumers `NextToken` (§1.11: tokens live 300 s).
const NEXT_TOKEN_TTL_MS: u64 = 300_000;
const CONSUMER_ARN_PATTERN: &str = "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+";
const STREAM_ARN_PATTERN: &str = "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+";

/// The stream named by the required `StreamARN` member.
fn stream_arn_member<'a>(req: &Request<'a>) -> Result<&'a str, ApiError> {
    let arn = req.str("StreamARN")?;
    check_arn_len(arn, "streamARN")?;
    stream_name_from_arn(arn)
        .ok_or_else(|| ApiError::validation(arn, "streamARN", STREAM_ARN_PATTERN))
}

fn check_arn_len(arn: &str, member: &str) -> Result<(), ApiError> {
    if arn.is_empty() {
        return Err(ApiError::validation(
            arn,
            member,
            "Member must have length greater than or equal to 1",
        ));
    }
    if arn.len() > ARN_MAX_LEN {
        return Err(ApiError::validation(
            arn,
            member,
            &format!("Member must have length less than or equal to {ARN_MAX_LEN}"),
        ));
    }
    Ok(())
}

/// A `ConsumerARN` member, checked against the KDS-API pattern.
pub(crate) fn consumer_arn_member<'a>(req: &Request<'a>) -> Result<Option<&'a str>, ApiError> {
    let Some(arn) = req.opt_str("ConsumerARN")? else {
        return Ok(None);
    };
    check_arn_len(arn, "consumerARN")?;
    if parse_consumer_arn(arn).is_none() {
        return Err(ApiError::validation(
            arn,
            "consumerARN",
            &format!("Member must satisfy regular expression pattern: {CONSUMER_ARN_PATTERN}"),
        ));
    }
    Ok(Some(arn))
}

/// How a request names a consumer: by ARN, or by stream and name (Describe/Deregister).
enum Target<'a> {
    Arn(&'a str),
    Name { stream: &'a str, name: &'a str },
}

fn target<'a>(req: &Request<'a>) -> Result<Target<'a>, ApiError> {
    let arn = consumer_arn_member(req)?;
    let stream = match req.raw("StreamARN") {
        None => None,
        Some(_) => Some(stream_arn_member(req)?),
    };
    let name = req.opt_str("ConsumerName")?;
    if let Some(n) = name {
        validate_stream_name(n, "consumerName")?;
    }
    match (arn, stream, name) {
        (Some(arn), s, n) => {
            // Extra members must name the same consumer.
            let (arn_stream, arn_name, _) = parse_consumer_arn(arn).unwrap_or_default();
            if s.is_some_and(|s| s != arn_stream) || n.is_some_and(|n| n != arn_name) {
                return Err(ApiError::invalid_argument(format!(
                    "ConsumerARN {arn} names another consumer than the StreamARN / ConsumerName given"
                )));
            }
            Ok(Target::Arn(arn))
        }
        (None, Some(stream), Some(name)) => Ok(Target::Name { stream, name }),
        _ => Err(ApiError::invalid_argument(
            "Either ConsumerARN, or both StreamARN and ConsumerName, must be provided",
        )),
    }
}

pub(crate) fn consumer_not_found(what: &str) -> ApiError {
    ApiError::not_found(format!(
        "Consumer {what} under account {ACCOUNT_ID} not found."
    ))
}

fn resolve<'w>(world: &'w World, t: &Target<'_>) -> Result<&'w Consumer, ApiError> {
    match *t {
        Target::Arn(arn) => world
            .kinesis
            .efo
            .consumer_by_arn(arn)
            .ok_or_else(|| consumer_not_found(arn)),
        Target::Name { stream, name } => {
            if world.kinesis.stream(stream).is_none() {
                return Err(Kinesis::stream_not_found(stream));
            }
            world
                .kinesis
                .efo
                .consumer(stream, name)
                .ok_or_else(|| consumer_not_found(&format!("{name} of stream {stream}")))
        }
    }
}

/// Admits one call under an account-level rate (§1.16), or answers `LimitExceededException`.
fn admit(
    calls: &mut RollingCalls,
    now: VirtualMs,
    max: usize,
    action: &str,
) -> Result<(), ApiError> {
    if calls.try_call(now, max) {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorKind::LimitExceededException,
            format!(
                "Rate exceeded for {action}: at most {max} calls per second per account (§1.16)."
            ),
        ))
    }
}

/// The `Consumer` structure.
fn consumer_json(c: &Consumer) -> Value {
    json!({
        "ConsumerName": c.name,
        "ConsumerARN": c.arn,
        "ConsumerStatus": c.status.as_str(),
        "ConsumerCreationTimestamp": unix_ms_to_aws_timestamp(c.created_unix_ms),
    })
}

/// RegisterStreamConsumer (§1.13): the consumer is `CREATING`, then `ACTIVE` after
/// [`CONSUMER_CREATE_DELAY_MS`].
pub fn register_stream_consumer(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamARN", "ConsumerName", "Tags"])?;
    let stream_name = stream_arn_member(&req)?;
    let name = req.str("ConsumerName")?;
    validate_stream_name(name, "consumerName")?;
    let tags = req.opt_string_map("Tags")?.unwrap_or_default();
    if tags.len() > MAX_TAGS_PER_STREAM {
        return Err(ApiError::validation(
            &format!("{} tags", tags.len()),
            "tags",
            &format!("Member must have length less than or equal to {MAX_TAGS_PER_STREAM}"),
        ));
    }
    let now = world.now();
    admit(
        &mut world.kinesis.efo.register_calls,
        now,
        REGISTER_CALLS_PER_S,
        "RegisterStreamConsumer",
    )?;
    let stream = world
        .kinesis
        .stream(stream_name)
        .ok_or_else(|| Kinesis::stream_not_found(stream_name))?;
    if !stream.status.allows_io() {
        return Err(ApiError::in_use(format!(
            "Stream {stream_name} under account {ACCOUNT_ID} is {}; consumers can be registered with an ACTIVE (or UPDATING) stream only.",
            stream.status.as_str()
        )));
    }
    let stream_created_ms = stream.created_ms();
    let efo = &world.kinesis.efo;
    if efo.consumer(stream_name, name).is_some() {
        return Err(ApiError::in_use(format!(
            "Consumer {name} under stream {stream_name} under account {ACCOUNT_ID} already exists."
        )));
    }
    let registered = efo.consumer_count(stream_name);
    if registered >= MAX_CONSUMERS_PER_STREAM {
        return Err(ApiError::new(
            ErrorKind::LimitExceededException,
            format!(
                "Stream {stream_name} under account {ACCOUNT_ID} already has {registered} registered consumers; at most {MAX_CONSUMERS_PER_STREAM} per stream (§1.13)."
            ),
        ));
    }
    if efo.creating_count() >= MAX_CONSUMERS_CREATING {
        return Err(ApiError::new(
            ErrorKind::LimitExceededException,
            format!(
                "At most {MAX_CONSUMERS_CREATING} consumers can be CREATING at once in account {ACCOUNT_ID}; wait until one is ACTIVE (§1.13)."
            ),
        ));
    }
    let created_unix_ms = world.epoch().to_unix_ms(now);
    let arn = consumer_arn(stream_name, name, created_unix_ms / 1000);
    let consumer = Consumer {
        name: name.to_string(),
        stream: stream_name.to_string(),
        stream_created_ms,
        arn: arn.clone(),
        status: ConsumerStatus::Creating,
        created_ms: now,
        created_unix_ms,
        tags: tags
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    let out = json!({ "Consumer": consumer_json(&consumer) });
    world.kinesis.efo.insert_consumer(consumer);
    world.schedule(
        now + CONSUMER_CREATE_DELAY_MS,
        Event::Efo(EfoEvent::ConsumerActive { arn }),
    );
    Ok(out)
}

/// DeregisterStreamConsumer: the consumer goes `DELETING` (its subscriptions end now) and is gone
/// after [`CONSUMER_DELETE_DELAY_MS`]. Deregistering a `DELETING` consumer changes nothing.
pub fn deregister_stream_consumer(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamARN", "ConsumerName", "ConsumerARN"])?;
    let t = target(&req)?;
    let now = world.now();
    admit(
        &mut world.kinesis.efo.deregister_calls,
        now,
        DEREGISTER_CALLS_PER_S,
        "DeregisterStreamConsumer",
    )?;
    let arn = resolve(world, &t)?.arn.clone();
    if world
        .kinesis
        .efo
        .begin_delete(&arn, now, EndReason::ConsumerDeleting)
    {
        world.schedule(
            now + CONSUMER_DELETE_DELAY_MS,
            Event::Efo(EfoEvent::ConsumerGone { arn }),
        );
    }
    Ok(json!({}))
}

/// DescribeStreamConsumer, by `ConsumerARN` or by `StreamARN` + `ConsumerName`.
pub fn describe_stream_consumer(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamARN", "ConsumerName", "ConsumerARN"])?;
    let t = target(&req)?;
    let now = world.now();
    admit(
        &mut world.kinesis.efo.describe_calls,
        now,
        DESCRIBE_CONSUMER_CALLS_PER_S,
        "DescribeStreamConsumer",
    )?;
    let c = resolve(world, &t)?;
    let mut d = consumer_json(c);
    d["StreamARN"] = json!(Kinesis::arn_for(&c.stream));
    Ok(json!({ "ConsumerDescription": d }))
}

/// ListStreamConsumers, ordered by consumer name, paginated by `MaxResults` and `NextToken`.
pub fn list_stream_consumers(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "StreamARN",
        "NextToken",
        "MaxResults",
        "StreamCreationTimestamp",
    ])?;
    let stream_name = stream_arn_member(&req)?;
    let max = req
        .opt_int("MaxResults", 1, LIST_CONSUMERS_MAX_RESULTS)?
        .unwrap_or(LIST_CONSUMERS_DEFAULT_RESULTS) as usize;
    let created = match req.raw("StreamCreationTimestamp") {
        None => None,
        Some(v) => Some(v.as_f64().ok_or_else(|| {
            ApiError::serialization(
                "member 'StreamCreationTimestamp' must be a number (epoch seconds)",
            )
        })?),
    };
    let token = req.opt_str("NextToken")?;
    let now = world.now();
    admit(
        &mut world.kinesis.efo.list_calls,
        now,
        LIST_CONSUMERS_CALLS_PER_S,
        "ListStreamConsumers",
    )?;
    let stream = world
        .kinesis
        .stream(stream_name)
        .ok_or_else(|| Kinesis::stream_not_found(stream_name))?;
    if created.is_some_and(|c| c.floor() as u64 != stream.created_unix_s()) {
        // A stream of this name created at another time (KDS-API: the timestamp tells apart
        // streams that had the same name).
        return Err(Kinesis::stream_not_found(stream_name));
    }
    let after = match token {
        None => None,
        Some(t) => Some(decode_token(t, stream_name, now)?),
    };
    let eligible: Vec<&Consumer> = world
        .kinesis
        .efo
        .stream_consumers(stream_name)
        .filter(|c| after.as_deref().is_none_or(|a| c.name.as_str() > a))
        .collect();
    let page = &eligible[..max.min(eligible.len())];
    let mut out = json!({ "Consumers": page.iter().map(|c| consumer_json(c)).collect::<Vec<_>>() });
    if eligible.len() > page.len() {
        if let Some(last) = page.last() {
            out["NextToken"] = json!(encode_token(stream_name, &last.name, now));
        }
    }
    Ok(out)
}

fn encode_token(stream: &str, last: &str, now: VirtualMs) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("consumers|{stream}|{last}|{now}"))
}

fn decode_token(token: &str, stream: &str, now: VirtualMs) -> Result<String, ApiError> {
    let invalid = || ApiError::invalid_argument("Invalid NextToken.");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token)
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let parts: Vec<&str> = text.split('|').collect();
    let [kind, s, last, issued] = parts.as_slice() else {
        return Err(invalid());
    };
    let issued: u64 = issued.parse().map_err(|_| invalid())?;
    if *kind != "consumers" {
        return Err(invalid());
    }
    if *s != stream {
        return Err(ApiError::invalid_argument(format!(
            "The NextToken was issued for stream {s}, not for {stream}."
        )));
    }
    if now.saturating_sub(issued) > NEXT_TOKEN_TTL_MS {
        return Err(ApiError::new(
            ErrorKind::ExpiredNextTokenException,
            "The NextToken has expired: tokens are valid for 300 seconds (§1.11).",
        ));
    }
    Ok((*last).to_string())
}
