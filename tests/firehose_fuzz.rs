//! No Firehose, S3 or Glue request panics the dispatcher: valid requests with random members
//! deleted, retyped or replaced at any depth, interleaved with time, never crash (an error is
//! fine) and the world keeps working afterwards.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::mutate::mutate;
use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::world::WorldConfig;
use proptest::prelude::*;
use serde_json::{json, Value};

const ROLE: &str = "arn:aws:iam::123456789012:role/r";

fn seeds() -> Vec<(&'static str, &'static str, Value)> {
    let s3 = json!({ "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt", "BufferingHints": { "SizeInMBs": 1, "IntervalInSeconds": 0 } });
    vec![
        ("s3", "CreateBucket", json!({ "Bucket": "bkt" })),
        (
            "glue",
            "CreateDatabase",
            json!({ "DatabaseInput": { "Name": "d" } }),
        ),
        (
            "glue",
            "CreateTable",
            json!({ "DatabaseName": "d", "TableInput": { "Name": "t", "StorageDescriptor": { "Columns": [{ "Name": "a", "Type": "int" }, { "Name": "b", "Type": "timestamp" }] } } }),
        ),
        (
            "playground",
            "CreateTransformFunction",
            json!({ "FunctionName": "f", "ErrorRate": 0.5, "ResponseFault": "BAD_BASE64", "Steps": [{ "Type": "DropWhere", "Field": "a", "Op": ">", "Value": 3 }, { "Type": "Script", "Source": "record.a = record.a + 1; partition(\"p\", record.a);" }] }),
        ),
        (
            "firehose",
            "CreateDeliveryStream",
            json!({ "DeliveryStreamName": "x", "ExtendedS3DestinationConfiguration": {
            "RoleARN": ROLE, "BucketARN": "arn:aws:s3:::bkt", "Prefix": "p=!{partitionKeyFromLambda:p}/!{partitionKeyFromQuery:a}/", "ErrorOutputPrefix": "e/!{firehose:error-output-type}/!{timestamp:yyyy}/",
            "BufferingHints": { "SizeInMBs": 64, "IntervalInSeconds": 60 }, "CompressionFormat": "UNCOMPRESSED",
            "DynamicPartitioningConfiguration": { "Enabled": true, "RetryOptions": { "DurationInSeconds": 10 } },
            "DataFormatConversionConfiguration": { "Enabled": true, "SchemaConfiguration": { "DatabaseName": "d", "TableName": "t", "RoleARN": ROLE },
                "InputFormatConfiguration": { "Deserializer": { "HiveJsonSerDe": { "TimestampFormats": ["millis", "yyyy-MM-dd'T'HH:mm:ss"] } } },
                "OutputFormatConfiguration": { "Serializer": { "ParquetSerDe": { "Compression": "GZIP" } } } },
            "ProcessingConfiguration": { "Enabled": true, "Processors": [
                { "Type": "RecordDeAggregation", "Parameters": [{ "ParameterName": "SubRecordType", "ParameterValue": "JSON" }] },
                { "Type": "Lambda", "Parameters": [{ "ParameterName": "LambdaArn", "ParameterValue": "arn:aws:lambda:us-east-1:123456789012:function:f" }, { "ParameterName": "NumberOfRetries", "ParameterValue": "1" }] },
                { "Type": "MetadataExtraction", "Parameters": [{ "ParameterName": "MetadataExtractionQuery", "ParameterValue": "{a:.a}" }] },
                { "Type": "AppendDelimiterToRecord", "Parameters": [] } ] },
            "S3BackupMode": "Enabled", "S3BackupConfiguration": s3.clone() } }),
        ),
        (
            "firehose",
            "CreateDeliveryStream",
            json!({ "DeliveryStreamName": "h", "HttpEndpointDestinationConfiguration": {
            "EndpointConfiguration": { "Url": "https://e.example.com", "Name": "e" }, "BufferingHints": { "SizeInMBs": 1, "IntervalInSeconds": 0 },
            "RetryOptions": { "DurationInSeconds": 5 }, "S3BackupMode": "AllData", "S3Configuration": s3.clone(), "RequestConfiguration": { "ContentEncoding": "GZIP" } } }),
        ),
        (
            "firehose",
            "CreateDeliveryStream",
            json!({ "DeliveryStreamName": "r", "RedshiftDestinationConfiguration": {
            "RoleARN": ROLE, "ClusterJDBCURL": "jdbc:redshift://c:5439/d", "Username": "u", "Password": "p",
            "CopyCommand": { "DataTableName": "t", "DataTableColumns": "a,b", "CopyOptions": "delimiter ','" }, "S3Configuration": s3.clone() } }),
        ),
        (
            "firehose",
            "CreateDeliveryStream",
            json!({ "DeliveryStreamName": "o", "AmazonopensearchserviceDestinationConfiguration": {
            "RoleARN": ROLE, "DomainARN": "arn:aws:es:us-east-1:1:domain/d", "IndexName": "i", "IndexRotationPeriod": "OneWeek", "S3Configuration": s3 } }),
        ),
        (
            "firehose",
            "PutRecord",
            json!({ "DeliveryStreamName": "x", "Record": { "Data": "eyJhIjoxfXsiYSI6Mn0=" } }),
        ),
        (
            "firehose",
            "PutRecordBatch",
            json!({ "DeliveryStreamName": "h", "Records": [{ "Data": "eyJhIjoxfQo=" }, { "Data": "YQ==" }] }),
        ),
        (
            "firehose",
            "PutRecordBatch",
            json!({ "DeliveryStreamName": "r", "Records": [{ "Data": "MSwyCg==" }, { "Data": "MSwyLDMK" }] }),
        ),
        (
            "firehose",
            "PutRecordBatch",
            json!({ "DeliveryStreamName": "o", "Records": [{ "Data": "eyJhIjoxfQ==" }, { "Data": "W10=" }] }),
        ),
        (
            "firehose",
            "UpdateDestination",
            json!({ "DeliveryStreamName": "x", "CurrentDeliveryStreamVersionId": "1", "DestinationId": "destinationId-000000000001", "ExtendedS3DestinationUpdate": { "BufferingHints": { "SizeInMBs": 70, "IntervalInSeconds": 61 } } }),
        ),
        (
            "firehose",
            "DescribeDeliveryStream",
            json!({ "DeliveryStreamName": "x" }),
        ),
        (
            "firehose",
            "ListDeliveryStreams",
            json!({ "Limit": 2, "ExclusiveStartDeliveryStreamName": "a" }),
        ),
        (
            "firehose",
            "DeleteDeliveryStream",
            json!({ "DeliveryStreamName": "o" }),
        ),
        (
            "playground",
            "SetDestinationBehavior",
            json!({ "DeliveryStreamName": "h", "OutageSeconds": 30, "ErrorRate": 0.5, "LostAckRate": 0.5, "LatencyMs": 10 }),
        ),
        (
            "playground",
            "DescribeDeliveryPipeline",
            json!({ "DeliveryStreamName": "x" }),
        ),
        (
            "playground",
            "GetDestinationData",
            json!({ "DeliveryStreamName": "h", "Query": "a:1", "IncludePayloads": true }),
        ),
        (
            "playground",
            "TestTransformFunction",
            json!({ "FunctionName": "f", "Data": "eyJhIjoxfQ==" }),
        ),
        (
            "s3",
            "ListObjectsV2",
            json!({ "Bucket": "bkt", "Prefix": "e/", "Delimiter": "/", "MaxKeys": 2, "ContinuationToken": "ZQ==" }),
        ),
        ("s3", "GetObject", json!({ "Bucket": "bkt", "Key": "k" })),
        (
            "cloudwatch",
            "GetMetricStatistics",
            json!({ "Namespace": "AWS/Firehose", "MetricName": "DeliveryToS3.DataFreshness", "Dimensions": [{ "Name": "DeliveryStreamName", "Value": "x" }], "StartTime": 1767225600, "EndTime": 1767229200, "Period": 60, "Statistics": ["Maximum"] }),
        ),
    ]
}

fn junk() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        (-1e20f64..1e20).prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        Just(json!("!{timestamp:QQQ}/!{")),
        Just(json!("arn:aws:s3:::")),
        Just(json!([])),
        Just(json!({})),
        Just(json!([{ "Data": "%%%" }])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn mutated_firehose_requests_never_panic(
        muts in prop::collection::vec((0usize..64, prop::collection::vec(0usize..16, 0..5), prop::option::of(junk()), 0u64..20_000), 1..30)
    ) {
        let mut s = Session::new(WorldConfig::seeded(5));
        let seeds = seeds();
        // The valid calls first, so later mutated calls hit existing streams.
        for (svc, act, req) in &seeds {
            let _ = s.call(svc, act, req.clone());
        }
        s.advance_to(6_000);
        for (which, path, replacement, dt) in muts {
            let (svc, act, mut req) = seeds[which % seeds.len()].clone();
            mutate(&mut req, &path, replacement);
            let _ = s.call(svc, act, req);
            let now = s.world().now();
            s.advance_to(now + dt);
        }
        let now = s.world().now();
        s.advance_to(now + 600_000);
        // Still usable.
        let _ = s.call("firehose", "ListDeliveryStreams", json!({}));
        let listed = s.call("s3", "ListBuckets", json!({}));
        prop_assert!(listed.is_ok(), "ListBuckets failed");
    }
}

#[test]
fn the_seed_requests_are_valid() {
    let mut s = Session::new(WorldConfig::seeded(5));
    for (svc, act, req) in seeds() {
        if act == "GetObject" {
            continue;
        }
        if matches!(
            act,
            "PutRecord"
                | "PutRecordBatch"
                | "UpdateDestination"
                | "SetDestinationBehavior"
                | "DescribeDeliveryPipeline"
                | "GetDestinationData"
                | "GetMetricStatistics"
        ) && s.world().now() < 6_000
        {
            s.advance_to(6_000);
        }
        let r = s.call(svc, act, req);
        assert!(r.is_ok(), "{svc}.{act}: {r:?}");
    }
    s.advance_to(600_000);
    let p = s
        .call(
            "playground",
            "DescribeDeliveryPipeline",
            json!({ "DeliveryStreamName": "h" }),
        )
        .unwrap();
    assert!(p["Ledger"]["Accepted"].as_u64().unwrap() > 0, "{p}");
}
