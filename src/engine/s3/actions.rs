//! Service `s3` of the dispatcher, shaped like boto3's S3 client: members and results use the
//! boto3 names (`Bucket`, `Key`, `Contents`, …); blobs travel as base64 (`Body`).

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::s3::{bucket_arn, validate_bucket_name, Object};
use crate::engine::time::{format_iso8601, VirtualMs};
use crate::engine::world::World;

/// Actions of service `s3`.
pub const ACTIONS: &[&str] = &[
    "CreateBucket",
    "DeleteBucket",
    "ListBuckets",
    "ListObjectsV2",
    "GetObject",
    "HeadObject",
];

/// ListObjectsV2's largest page (and default).
pub const MAX_KEYS: i64 = 1_000;

/// Runs one S3 action.
pub fn dispatch(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    match action {
        "CreateBucket" => create_bucket(world, req),
        "DeleteBucket" => delete_bucket(world, req),
        "ListBuckets" => {
            req.deny_unknown(&[])?;
            Ok(list_buckets(world))
        }
        "ListObjectsV2" => list_objects_v2(world, req),
        "GetObject" => get_object(world, req, true),
        "HeadObject" => get_object(world, req, false),
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!(
                "s3 has no action '{other}'; supported: {}",
                ACTIONS.join(", ")
            ),
        )),
    }
}

fn no_such_bucket(name: &str) -> ApiError {
    ApiError::new(
        ErrorKind::NoSuchBucket,
        format!("The specified bucket does not exist: {name}"),
    )
}

fn timestamp(world: &World, t: VirtualMs) -> String {
    format_iso8601(world.epoch().to_unix_ms(t))
}

fn create_bucket(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "Bucket",
        "CreateBucketConfiguration",
        "ACL",
        "ObjectOwnership",
    ])?;
    let name = req.str("Bucket")?;
    validate_bucket_name(name).map_err(|m| ApiError::new(ErrorKind::InvalidBucketName, m))?;
    let now = world.now();
    if !world.s3.create_bucket(name, now) {
        return Err(ApiError::new(
            ErrorKind::BucketAlreadyOwnedByYou,
            format!("Your previous request to create the named bucket succeeded and you already own it: {name}"),
        ));
    }
    Ok(json!({ "Location": format!("/{name}"), "BucketArn": bucket_arn(name) }))
}

fn delete_bucket(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["Bucket"])?;
    let name = req.str("Bucket")?;
    let bucket = world.s3.bucket(name).ok_or_else(|| no_such_bucket(name))?;
    if !bucket.objects.is_empty() {
        return Err(ApiError::new(
            ErrorKind::BucketNotEmpty,
            format!(
                "The bucket you tried to delete is not empty: {name} holds {} objects",
                bucket.objects.len()
            ),
        ));
    }
    world.s3.remove_bucket(name);
    Ok(json!({}))
}

fn list_buckets(world: &World) -> Value {
    let buckets: Vec<Value> = world
        .s3
        .buckets()
        .iter()
        .map(|(name, b)| json!({ "Name": name, "CreationDate": timestamp(world, b.created_ms) }))
        .collect();
    json!({ "Buckets": buckets, "Owner": { "ID": "123456789012" } })
}

fn encode_token(key: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(key.as_bytes())
}

fn decode_token(token: &str) -> Result<String, ApiError> {
    base64::engine::general_purpose::STANDARD
        .decode(token)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| ApiError::invalid_argument("The continuation token provided is incorrect"))
}

fn list_objects_v2(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "Bucket",
        "Prefix",
        "Delimiter",
        "MaxKeys",
        "ContinuationToken",
        "StartAfter",
        "FetchOwner",
        "EncodingType",
    ])?;
    let name = req.str("Bucket")?;
    let prefix = req.opt_str("Prefix")?.unwrap_or("");
    let delimiter = req.opt_str("Delimiter")?.filter(|d| !d.is_empty());
    let max_keys = req
        .opt_int("MaxKeys", 0, i64::MAX)?
        .unwrap_or(MAX_KEYS)
        .min(MAX_KEYS) as usize;
    let after = match req.opt_str("ContinuationToken")? {
        Some(t) => Some(decode_token(t)?),
        None => req.opt_str("StartAfter")?.map(str::to_string),
    };
    let bucket = world.s3.bucket(name).ok_or_else(|| no_such_bucket(name))?;
    let mut contents = Vec::new();
    let mut common: Vec<String> = Vec::new();
    let mut last_key: Option<String> = None;
    let mut truncated = false;
    let lower = match &after {
        Some(a) if a.as_str() > prefix => a.clone(),
        _ => prefix.to_string(),
    };
    for (key, obj) in bucket.objects.range(lower..) {
        if after.as_deref() == Some(key.as_str()) {
            continue;
        }
        // Keys are sorted: once past the prefix range nothing else matches.
        if !key.starts_with(prefix) {
            break;
        }
        if contents.len() + common.len() >= max_keys {
            truncated = true;
            break;
        }
        if let Some(d) = delimiter {
            if let Some(pos) = key[prefix.len()..].find(d) {
                let cp = key[..prefix.len() + pos + d.len()].to_string();
                if common.last() != Some(&cp) {
                    common.push(cp);
                }
                last_key = Some(key.clone());
                continue;
            }
        }
        contents.push(object_summary(world, key, obj));
        last_key = Some(key.clone());
    }
    let mut out = json!({
        "Name": name,
        "Prefix": prefix,
        "MaxKeys": max_keys,
        "KeyCount": contents.len() + common.len(),
        "IsTruncated": truncated,
        "Contents": contents,
    });
    if let Some(d) = delimiter {
        out["Delimiter"] = json!(d);
        out["CommonPrefixes"] = json!(common
            .iter()
            .map(|p| json!({ "Prefix": p }))
            .collect::<Vec<_>>());
    }
    if truncated {
        if let Some(k) = last_key {
            out["NextContinuationToken"] = json!(encode_token(&k));
        }
    }
    Ok(out)
}

fn object_summary(world: &World, key: &str, o: &Object) -> Value {
    json!({
        "Key": key,
        "LastModified": timestamp(world, o.last_modified_ms),
        "ETag": o.etag,
        "Size": o.body.len(),
        "StorageClass": "STANDARD",
    })
}

fn get_object(world: &mut World, req: Request<'_>, with_body: bool) -> Result<Value, ApiError> {
    req.deny_unknown(&["Bucket", "Key", "Range"])?;
    let name = req.str("Bucket")?;
    let key = req.str("Key")?;
    let bucket = world.s3.bucket(name).ok_or_else(|| no_such_bucket(name))?;
    let o = bucket.objects.get(key).ok_or_else(|| {
        ApiError::new(
            ErrorKind::NoSuchKey,
            format!("The specified key does not exist: {key}"),
        )
    })?;
    let mut metadata = serde_json::Map::new();
    if let Some(n) = o.uncompressed_size {
        metadata.insert("uncompressed-size".into(), json!(n.to_string()));
    }
    if let Some(n) = o.records {
        metadata.insert("records".into(), json!(n.to_string()));
    }
    let mut out = json!({
        "ContentLength": o.body.len(),
        "ETag": o.etag,
        "LastModified": timestamp(world, o.last_modified_ms),
        "ContentType": o.content_type,
        "Metadata": metadata,
    });
    if with_body {
        out["Body"] = json!(base64::engine::general_purpose::STANDARD.encode(&o.body));
    }
    Ok(out)
}
