//! Names as the real clients spell them: boto3 method names, AWS CLI commands and flags.

/// botocore's `xform_name`: `PutRecord` → `put_record`, `StreamARN` → `stream_arn`,
/// `S3DestinationConfiguration` → `s3_destination_configuration`, `KMSKeyId` → `kms_key_id`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            // botocore: (.)([A-Z][a-z]+) then ([a-z0-9])([A-Z]).
            let boundary =
                (next_lower && prev != '_') || prev.is_ascii_lowercase() || prev.is_ascii_digit();
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The AWS CLI's spelling: `put-record`, `--stream-name`.
pub fn kebab_case(name: &str) -> String {
    snake_case(name).replace('_', "-")
}

/// The boto3 client name and the AWS CLI command of a dispatcher service, if it is an AWS API
/// the exporter writes code for.
pub fn aws_service(service: &str) -> Option<(&'static str, &'static str)> {
    Some(match service {
        "kinesis" => ("kinesis", "kinesis"),
        "firehose" => ("firehose", "firehose"),
        "s3" => ("s3", "s3api"),
        "glue" => ("glue", "glue"),
        "cloudwatch" => ("cloudwatch", "cloudwatch"),
        "kinesisanalyticsv2" => ("kinesisanalyticsv2", "kinesisanalyticsv2"),
        "logs" => ("logs", "logs"),
        "events" => ("events", "events"),
        "iot" => ("iot", "iot"),
        "iot-data" => ("iot-data", "iot-data"),
        _ => return None,
    })
}

/// Request members that are blobs (base64 in the JSON request, `bytes` in boto3), as paths
/// where `[]` stands for every element of a list: the console's table.
pub fn blob_paths(service: &str, _action: &str) -> &'static [&'static [&'static str]] {
    crate::engine::console::blob_patterns(service)
}

/// Request members that are timestamps (epoch seconds in the JSON request).
pub fn timestamp_paths(service: &str, action: &str) -> &'static [&'static [&'static str]] {
    match (service, action) {
        ("kinesis", "GetShardIterator") => &[&["Timestamp"]],
        ("kinesis", "SubscribeToShard") => &[&["StartingPosition", "Timestamp"]],
        _ => &[],
    }
}

/// Whether `path` (keys, with `[]` for list elements) matches one of `patterns`.
pub fn path_matches(patterns: &[&[&str]], path: &[String]) -> bool {
    patterns.iter().any(|p| {
        p.len() == path.len()
            && p.iter()
                .zip(path)
                .all(|(a, b)| *a == b || (*a == "[]" && b.starts_with('[')))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn botocore_names() {
        for (from, to) in [
            ("PutRecord", "put_record"),
            ("GetShardIterator", "get_shard_iterator"),
            ("StreamARN", "stream_arn"),
            ("S3DestinationConfiguration", "s3_destination_configuration"),
            ("KMSKeyId", "kms_key_id"),
            ("ListObjectsV2", "list_objects_v2"),
            ("PutRecordBatch", "put_record_batch"),
            (
                "ExtendedS3DestinationConfiguration",
                "extended_s3_destination_configuration",
            ),
            ("ShardCount", "shard_count"),
            ("DeliveryStreamARN", "delivery_stream_arn"),
        ] {
            assert_eq!(snake_case(from), to, "{from}");
        }
        assert_eq!(kebab_case("ExplicitHashKey"), "explicit-hash-key");
    }
}
