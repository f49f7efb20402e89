//! Validation of names, keys and identifiers, with AWS's wording (§1.1, §1.2).

use crate::engine::api::error::ApiError;
use crate::engine::kinesis::limits::{PARTITION_KEY_MAX_CHARS, STREAM_NAME_MAX_LEN};

/// Checks a stream or consumer name: 1-128 characters matching `[a-zA-Z0-9_.-]+` (§1.1).
pub fn validate_stream_name(name: &str, member: &str) -> Result<(), ApiError> {
    let len = name.chars().count();
    if len < 1 {
        return Err(ApiError::validation(
            name,
            member,
            "Member must have length greater than or equal to 1",
        ));
    }
    if len > STREAM_NAME_MAX_LEN {
        return Err(ApiError::validation(
            name,
            member,
            &format!("Member must have length less than or equal to {STREAM_NAME_MAX_LEN}"),
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return Err(ApiError::validation(
            name,
            member,
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        ));
    }
    Ok(())
}

/// Checks a partition key: 1-256 Unicode characters (§1.2).
pub fn validate_partition_key(key: &str) -> Result<(), ApiError> {
    let len = key.chars().count();
    if len < 1 {
        return Err(ApiError::validation(
            key,
            "partitionKey",
            "Member must have length greater than or equal to 1",
        ));
    }
    if len > PARTITION_KEY_MAX_CHARS {
        return Err(ApiError::validation(
            key,
            "partitionKey",
            &format!("Member must have length less than or equal to {PARTITION_KEY_MAX_CHARS}"),
        ));
    }
    Ok(())
}

/// The stream name named by an ARN `arn:aws:kinesis:<region>:<account>:stream/<name>`.
pub fn stream_name_from_arn(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (arn_tag, partition, service) = (parts.next()?, parts.next()?, parts.next()?);
    let (_region, _account, resource) = (parts.next()?, parts.next()?, parts.next()?);
    if arn_tag != "arn" || partition.is_empty() || service != "kinesis" {
        return None;
    }
    let name = resource.strip_prefix("stream/")?;
    (!name.is_empty() && !name.contains('/')).then_some(name)
}
