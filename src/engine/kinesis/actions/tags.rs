//! AddTagsToStream, ListTagsForStream and RemoveTagsFromStream (KDS-API; semantics.md §1.16).
//!
//! Shapes follow the API model: tag keys 1-128 characters, values 0-256, `Tags` at least one
//! entry, `TagKeys` 1-50 keys, ListTagsForStream `Limit` 1-50 — violations are
//! `ValidationException`s. Service-side rules are `InvalidArgumentException`s, as AWS and
//! kinesalite answer them: at most 10 tags per AddTagsToStream call, at most 50 per stream
//! (§1.16), and only Unicode letters, digits, white space and `_ . / = + - % @ :` in keys and values.
//! Tags may be changed in any status but DELETING (CreateStream tags already apply while CREATING).

use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::request::{missing, Request};
use crate::engine::kinesis::actions::stream_name_of;
use crate::engine::kinesis::limits::{
    LIST_TAGS_MAX_LIMIT, MAX_TAGS_PER_ADD_CALL, MAX_TAGS_PER_STREAM, REMOVE_TAGS_MAX_KEYS,
    TAG_KEY_MAX_CHARS, TAG_VALUE_MAX_CHARS,
};
use crate::engine::kinesis::stream::{Stream, StreamStatus};
use crate::engine::kinesis::{Kinesis, ACCOUNT_ID};
use crate::engine::world::World;

/// Largest `Tags` map the API model accepts (`TagMap`: 1-200 entries).
const TAG_MAP_MAX_ENTRIES: usize = 200;

fn tag_chars_ok(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_alphanumeric()
            || c.is_whitespace()
            || matches!(c, '_' | '.' | '/' | '=' | '+' | '-' | '%' | '@' | ':')
    })
}

fn invalid_chars() -> ApiError {
    ApiError::invalid_argument(
        "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.",
    )
}

fn validate_key(key: &str, member: &str) -> Result<(), ApiError> {
    let len = key.chars().count();
    if len < 1 {
        return Err(ApiError::validation(
            key,
            member,
            "Member must have length greater than or equal to 1",
        ));
    }
    if len > TAG_KEY_MAX_CHARS {
        return Err(ApiError::validation(
            key,
            member,
            &format!("Member must have length less than or equal to {TAG_KEY_MAX_CHARS}"),
        ));
    }
    Ok(())
}

fn stream_for_tags<'w>(world: &'w mut World, name: &str) -> Result<&'w mut Stream, ApiError> {
    let stream = world
        .kinesis
        .stream_mut(name)
        .ok_or_else(|| Kinesis::stream_not_found(name))?;
    if stream.status == StreamStatus::Deleting {
        return Err(ApiError::in_use(format!(
            "Stream {name} under account {ACCOUNT_ID} not ACTIVE, instead in state DELETING"
        )));
    }
    Ok(stream)
}

/// AddTagsToStream: adds or overwrites tags.
pub fn add_tags_to_stream(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamName", "StreamARN", "Tags"])?;
    let name = stream_name_of(&req)?;
    let tags = req.opt_string_map("Tags")?.ok_or_else(|| missing("Tags"))?;
    if tags.is_empty() {
        return Err(ApiError::validation(
            "{}",
            "tags",
            "Member must have length greater than or equal to 1",
        ));
    }
    if tags.len() > TAG_MAP_MAX_ENTRIES {
        return Err(ApiError::validation(
            &format!("{} entries", tags.len()),
            "tags",
            &format!("Member must have length less than or equal to {TAG_MAP_MAX_ENTRIES}"),
        ));
    }
    for (k, v) in &tags {
        let klen = k.chars().count();
        if !(1..=TAG_KEY_MAX_CHARS).contains(&klen) {
            return Err(ApiError::validation(
                k,
                "tags",
                &format!("Map keys must satisfy constraint: [Member must have length less than or equal to {TAG_KEY_MAX_CHARS}, Member must have length greater than or equal to 1]"),
            ));
        }
        if v.chars().count() > TAG_VALUE_MAX_CHARS {
            return Err(ApiError::validation(
                v,
                &format!("tags.{k}"),
                &format!("Map value must satisfy constraint: [Member must have length less than or equal to {TAG_VALUE_MAX_CHARS}, Member must have length greater than or equal to 0]"),
            ));
        }
    }
    if tags.len() > MAX_TAGS_PER_ADD_CALL {
        return Err(ApiError::invalid_argument(format!(
            "Failed to add tags to stream {name} under account {ACCOUNT_ID} because a single AddTagsToStream call can add at most {MAX_TAGS_PER_ADD_CALL} tags ({} given); call it again for the rest.",
            tags.len()
        )));
    }
    if tags
        .iter()
        .any(|(k, v)| !tag_chars_ok(k) || !tag_chars_ok(v))
    {
        return Err(invalid_chars());
    }
    let stream = stream_for_tags(world, name)?;
    let new_keys = tags
        .iter()
        .filter(|(k, _)| !stream.tags.contains_key(*k))
        .count();
    if stream.tags.len() + new_keys > MAX_TAGS_PER_STREAM {
        return Err(ApiError::invalid_argument(format!(
            "Failed to add tags to stream {name} under account {ACCOUNT_ID} because a given stream cannot have more than {MAX_TAGS_PER_STREAM} tags associated with it."
        )));
    }
    for (k, v) in tags {
        stream.tags.insert(k.to_string(), v.to_string());
    }
    Ok(json!({}))
}

/// ListTagsForStream: tags in key order after `ExclusiveStartTagKey`, up to `Limit`.
pub fn list_tags_for_stream(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamName", "StreamARN", "ExclusiveStartTagKey", "Limit"])?;
    let name = stream_name_of(&req)?;
    let start = req.opt_str("ExclusiveStartTagKey")?;
    if let Some(k) = start {
        validate_key(k, "exclusiveStartTagKey")?;
    }
    let limit = req
        .opt_int("Limit", 1, LIST_TAGS_MAX_LIMIT)?
        .unwrap_or(LIST_TAGS_MAX_LIMIT) as usize;
    let stream = world
        .kinesis
        .stream(name)
        .ok_or_else(|| Kinesis::stream_not_found(name))?;
    let eligible: Vec<(&String, &String)> = stream
        .tags
        .iter()
        .filter(|(k, _)| start.is_none_or(|s| k.as_str() > s))
        .collect();
    let tags: Vec<Value> = eligible
        .iter()
        .take(limit)
        .map(|(k, v)| json!({ "Key": k, "Value": v }))
        .collect();
    Ok(json!({ "Tags": tags, "HasMoreTags": eligible.len() > limit }))
}

/// RemoveTagsFromStream: removes the named keys (absent keys are ignored).
pub fn remove_tags_from_stream(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["StreamName", "StreamARN", "TagKeys"])?;
    let name = stream_name_of(&req)?;
    let items = req.opt_list("TagKeys")?.ok_or_else(|| missing("TagKeys"))?;
    if items.is_empty() {
        return Err(ApiError::validation(
            "[]",
            "tagKeys",
            "Member must have length greater than or equal to 1",
        ));
    }
    if items.len() > REMOVE_TAGS_MAX_KEYS {
        return Err(ApiError::validation(
            &format!("{} keys", items.len()),
            "tagKeys",
            &format!("Member must have length less than or equal to {REMOVE_TAGS_MAX_KEYS}"),
        ));
    }
    let mut keys = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(k) = item.as_str() else {
            return Err(ApiError::serialization(format!(
                "member 'TagKeys[{i}]' must be a string"
            )));
        };
        validate_key(k, &format!("tagKeys.{}.member", i + 1))?;
        keys.push(k);
    }
    if keys.iter().any(|k| !tag_chars_ok(k)) {
        return Err(invalid_chars());
    }
    let stream = stream_for_tags(world, name)?;
    for k in keys {
        stream.tags.remove(k);
    }
    Ok(json!({}))
}
