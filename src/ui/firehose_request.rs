//! The Firehose form's model: destination kinds with their few fields and defaults, and the
//! `CreateDeliveryStream` / transform function / Glue requests built from what the user chose.
//! Pure (no DOM), so the form stays a thin view.

use serde_json::{json, Value};

use crate::engine::firehose::functions::function_arn;

/// IAM role used in every generated configuration.
pub const ROLE: &str = "arn:aws:iam::123456789012:role/firehose";
/// The Glue database the Parquet option creates tables in.
pub const GLUE_DB: &str = "firehose_db";

/// The destinations the form offers (Datadog and New Relic are HTTP endpoints with their URL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DestKind {
    /// Amazon S3 (extended).
    S3,
    /// Amazon Redshift (COPY from staged S3 objects).
    Redshift,
    /// Amazon OpenSearch Service.
    OpenSearch,
    /// Splunk HEC.
    Splunk,
    /// A generic HTTPS endpoint.
    Http,
    /// Datadog (HTTP endpoint, hints ≤ 4 MiB).
    Datadog,
    /// New Relic (HTTP endpoint).
    NewRelic,
    /// Snowflake (Snowpipe Streaming).
    Snowflake,
}

/// One destination-specific text field: label, default, test id.
pub type Field = (&'static str, &'static str, &'static str);

impl DestKind {
    /// Every kind, in menu order.
    pub const ALL: [DestKind; 8] = [
        DestKind::S3,
        DestKind::Redshift,
        DestKind::OpenSearch,
        DestKind::Splunk,
        DestKind::Http,
        DestKind::Datadog,
        DestKind::NewRelic,
        DestKind::Snowflake,
    ];

    /// `<option value>`.
    pub fn id(self) -> &'static str {
        match self {
            DestKind::S3 => "s3",
            DestKind::Redshift => "redshift",
            DestKind::OpenSearch => "opensearch",
            DestKind::Splunk => "splunk",
            DestKind::Http => "http",
            DestKind::Datadog => "datadog",
            DestKind::NewRelic => "newrelic",
            DestKind::Snowflake => "snowflake",
        }
    }

    /// Menu label.
    pub fn label(self) -> &'static str {
        match self {
            DestKind::S3 => "Amazon S3",
            DestKind::Redshift => "Amazon Redshift",
            DestKind::OpenSearch => "OpenSearch Service",
            DestKind::Splunk => "Splunk",
            DestKind::Http => "HTTP endpoint",
            DestKind::Datadog => "Datadog",
            DestKind::NewRelic => "New Relic",
            DestKind::Snowflake => "Snowflake",
        }
    }

    /// Parses [`DestKind::id`].
    pub fn parse(s: &str) -> DestKind {
        DestKind::ALL
            .into_iter()
            .find(|k| k.id() == s)
            .unwrap_or(DestKind::S3)
    }

    /// Default buffering hints (MiB, seconds) inside the destination's allowed ranges.
    pub fn default_hints(self) -> (u64, u64) {
        match self {
            DestKind::S3 | DestKind::Redshift | DestKind::OpenSearch | DestKind::Http => (5, 300),
            DestKind::Splunk => (5, 60),
            DestKind::Datadog => (4, 60),
            DestKind::NewRelic => (1, 60),
            DestKind::Snowflake => (1, 30),
        }
    }

    /// Default retry duration, seconds (`None`: S3 retries for 24 h, not configurable).
    pub fn default_retry_s(self) -> Option<u64> {
        match self {
            DestKind::S3 => None,
            DestKind::Redshift | DestKind::Splunk => Some(3600),
            DestKind::OpenSearch | DestKind::Http | DestKind::Datadog | DestKind::NewRelic => {
                Some(300)
            }
            DestKind::Snowflake => Some(60),
        }
    }

    /// Backup modes, default first: (value, label).
    pub fn backup_modes(self) -> &'static [(&'static str, &'static str)] {
        match self {
            DestKind::S3 => &[
                ("Disabled", "Disabled"),
                ("Enabled", "Source records → backup/"),
            ],
            DestKind::Redshift => &[
                ("Disabled", "Disabled"),
                ("Enabled", "Source records → backup/"),
            ],
            DestKind::OpenSearch => &[
                ("FailedDocumentsOnly", "Failed documents only"),
                ("AllDocuments", "All documents"),
            ],
            DestKind::Splunk => &[
                ("FailedEventsOnly", "Failed events only"),
                ("AllEvents", "All events"),
            ],
            _ => &[
                ("FailedDataOnly", "Failed data only"),
                ("AllData", "All data"),
            ],
        }
    }

    /// The destination's own fields (up to four).
    pub fn fields(self) -> &'static [Field] {
        match self {
            DestKind::S3 => &[],
            DestKind::Redshift => &[
                (
                    "JDBC URL",
                    "jdbc:redshift://demo.abc123.us-east-1.redshift.amazonaws.com:5439/dev",
                    "fh-f0",
                ),
                ("Table", "events", "fh-f1"),
                ("COPY options", "json 'auto'", "fh-f2"),
                ("Columns (delimited COPY)", "", "fh-f3"),
            ],
            DestKind::OpenSearch => &[
                (
                    "Domain ARN",
                    "arn:aws:es:us-east-1:123456789012:domain/demo",
                    "fh-f0",
                ),
                ("Index", "events", "fh-f1"),
                ("Rotation", "OneDay", "fh-f2"),
            ],
            DestKind::Splunk => &[
                ("HEC endpoint", "https://splunk.example.com:8088", "fh-f0"),
                ("Endpoint type", "Raw", "fh-f1"),
                ("HEC token", "00000000-0000-0000-0000-000000000000", "fh-f2"),
            ],
            DestKind::Http => &[
                ("URL", "https://collector.example.com/firehose", "fh-f0"),
                ("Name", "collector", "fh-f1"),
                ("Access key", "example-key", "fh-f2"),
            ],
            DestKind::Datadog => &[
                (
                    "URL",
                    "https://aws-kinesis-http-intake.logs.datadoghq.com/v1/input",
                    "fh-f0",
                ),
                ("Name", "Datadog", "fh-f1"),
                ("API key", "dd-api-key", "fh-f2"),
            ],
            DestKind::NewRelic => &[
                ("URL", "https://aws-api.newrelic.com/firehose/v1", "fh-f0"),
                ("Name", "New Relic", "fh-f1"),
                ("License key", "nr-license-key", "fh-f2"),
            ],
            DestKind::Snowflake => &[
                (
                    "Account URL",
                    "https://xy12345.us-east-1.snowflakecomputing.com",
                    "fh-f0",
                ),
                ("Database", "DEMO", "fh-f1"),
                ("Schema", "PUBLIC", "fh-f2"),
                ("Table", "EVENTS", "fh-f3"),
            ],
        }
    }
}

/// What the form collected.
#[derive(Clone, Debug, Default)]
pub struct FormValues {
    /// Delivery stream name.
    pub name: String,
    /// Source Kinesis data stream (`None`: Direct PUT).
    pub source: Option<String>,
    /// Destination kind.
    pub kind: Option<DestKind>,
    /// Bucket (destination for S3, backup/staging otherwise).
    pub bucket: String,
    /// S3 prefix ("" = default).
    pub prefix: String,
    /// Buffer size, MiB.
    pub size_mb: u64,
    /// Buffer interval, s.
    pub interval_s: u64,
    /// Compression format (AWS spelling).
    pub compression: String,
    /// Transform function to invoke, if any.
    pub function: Option<String>,
    /// CloudWatch Logs sources: Decompression + CloudWatchLogProcessing + a newline delimiter.
    pub cloudwatch_logs: bool,
    /// Parquet conversion: (Glue table, ParquetSerDe compression).
    pub parquet: Option<(String, String)>,
    /// Dynamic partitioning JSON key.
    pub partition_key: Option<String>,
    /// Backup mode value.
    pub backup: String,
    /// Retry duration, s (non-S3).
    pub retry_s: u64,
    /// Destination-specific fields, in [`DestKind::fields`] order.
    pub fields: Vec<String>,
}

fn hints(v: &FormValues) -> Value {
    json!({ "SizeInMBs": v.size_mb, "IntervalInSeconds": v.interval_s })
}

fn field(v: &FormValues, i: usize) -> String {
    v.fields.get(i).cloned().unwrap_or_default()
}

/// The processors: CloudWatch Logs decompression and message extraction, the Lambda transform,
/// MetadataExtraction for a partition key, a delimiter.
fn processing(v: &FormValues) -> Option<Value> {
    let mut processors = Vec::new();
    if v.cloudwatch_logs {
        processors.push(json!({ "Type": "Decompression", "Parameters": [
            { "ParameterName": "CompressionFormat", "ParameterValue": "GZIP" },
        ]}));
        processors.push(json!({ "Type": "CloudWatchLogProcessing", "Parameters": [
            { "ParameterName": "DataMessageExtraction", "ParameterValue": "true" },
        ]}));
        processors.push(json!({ "Type": "AppendDelimiterToRecord", "Parameters": [] }));
    }
    if let Some(f) = &v.function {
        processors.push(json!({ "Type": "Lambda", "Parameters": [
            { "ParameterName": "LambdaArn", "ParameterValue": function_arn(f) },
        ]}));
    }
    if let Some(k) = &v.partition_key {
        processors.push(json!({ "Type": "MetadataExtraction", "Parameters": [
            { "ParameterName": "MetadataExtractionQuery", "ParameterValue": format!("{{{k}:.{k}}}") },
            { "ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6" },
        ]}));
    }
    (!processors.is_empty()).then(|| json!({ "Enabled": true, "Processors": processors }))
}

/// The S3 part shared by every destination: role, bucket, prefix.
fn s3_target(v: &FormValues) -> Value {
    let mut s3 = json!({ "RoleARN": ROLE, "BucketARN": format!("arn:aws:s3:::{}", v.bucket) });
    if !v.prefix.is_empty() {
        s3["Prefix"] = json!(v.prefix);
    }
    s3
}

fn extended_s3(v: &FormValues) -> Value {
    let mut c = s3_target(v);
    c["BufferingHints"] = hints(v);
    c["CompressionFormat"] = json!(v.compression);
    if let Some(p) = processing(v) {
        c["ProcessingConfiguration"] = p;
    }
    if let Some(k) = &v.partition_key {
        c["Prefix"] = json!(format!("data/{k}=!{{partitionKeyFromQuery:{k}}}/"));
        c["ErrorOutputPrefix"] = json!("errors/!{firehose:error-output-type}/");
        c["DynamicPartitioningConfiguration"] = json!({ "Enabled": true });
    }
    if let Some((table, compression)) = &v.parquet {
        c["DataFormatConversionConfiguration"] = json!({
            "Enabled": true,
            "SchemaConfiguration": { "DatabaseName": GLUE_DB, "TableName": table, "RoleARN": ROLE },
            "InputFormatConfiguration": { "Deserializer": { "OpenXJsonSerDe": {} } },
            "OutputFormatConfiguration": { "Serializer": { "ParquetSerDe": { "Compression": compression } } },
        });
    }
    c["S3BackupMode"] = json!(v.backup);
    if v.backup == "Enabled" {
        c["S3BackupConfiguration"] = json!({
            "RoleARN": ROLE, "BucketARN": format!("arn:aws:s3:::{}", v.bucket), "Prefix": "backup/",
        });
    }
    c
}

/// The whole `CreateDeliveryStream` request.
pub fn create_request(v: &FormValues) -> Value {
    let kind = v.kind.unwrap_or(DestKind::S3);
    let mut req = json!({ "DeliveryStreamName": v.name });
    match &v.source {
        Some(stream) => {
            req["DeliveryStreamType"] = json!("KinesisStreamAsSource");
            req["KinesisStreamSourceConfiguration"] = json!({
                "KinesisStreamARN": format!("arn:aws:kinesis:us-east-1:123456789012:stream/{stream}"),
                "RoleARN": ROLE,
            });
        }
        None => req["DeliveryStreamType"] = json!("DirectPut"),
    }
    if kind == DestKind::S3 {
        req["ExtendedS3DestinationConfiguration"] = extended_s3(v);
        return req;
    }
    let mut s3 = s3_target(v);
    let mut c = json!({ "RoleARN": ROLE, "RetryOptions": { "DurationInSeconds": v.retry_s } });
    if let Some(p) = processing(v) {
        c["ProcessingConfiguration"] = p;
    }
    let member = match kind {
        DestKind::Redshift => {
            s3["BufferingHints"] = hints(v);
            s3["CompressionFormat"] = json!(v.compression);
            let mut copy = json!({ "DataTableName": field(v, 1), "CopyOptions": field(v, 2) });
            if !field(v, 3).is_empty() {
                copy["DataTableColumns"] = json!(field(v, 3));
            }
            c["ClusterJDBCURL"] = json!(field(v, 0));
            c["CopyCommand"] = copy;
            c["Username"] = json!("firehose");
            c["Password"] = json!("example-password");
            c["S3BackupMode"] = json!(v.backup);
            if v.backup == "Enabled" {
                c["S3BackupConfiguration"] = json!({
                    "RoleARN": ROLE, "BucketARN": format!("arn:aws:s3:::{}", v.bucket), "Prefix": "backup/",
                });
            }
            "RedshiftDestinationConfiguration"
        }
        DestKind::OpenSearch => {
            c["DomainARN"] = json!(field(v, 0));
            c["IndexName"] = json!(field(v, 1));
            c["IndexRotationPeriod"] = json!(field(v, 2));
            "AmazonopensearchserviceDestinationConfiguration"
        }
        DestKind::Splunk => {
            c.as_object_mut().map(|m| m.remove("RoleARN"));
            c["HECEndpoint"] = json!(field(v, 0));
            c["HECEndpointType"] = json!(field(v, 1));
            c["HECToken"] = json!(field(v, 2));
            "SplunkDestinationConfiguration"
        }
        DestKind::Http | DestKind::Datadog | DestKind::NewRelic => {
            c["EndpointConfiguration"] =
                json!({ "Url": field(v, 0), "Name": field(v, 1), "AccessKey": field(v, 2) });
            "HttpEndpointDestinationConfiguration"
        }
        DestKind::Snowflake | DestKind::S3 => {
            c["AccountUrl"] = json!(field(v, 0));
            c["Database"] = json!(field(v, 1));
            c["Schema"] = json!(field(v, 2));
            c["Table"] = json!(field(v, 3));
            c["User"] = json!("FIREHOSE");
            c["PrivateKey"] = json!("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
            "SnowflakeDestinationConfiguration"
        }
    };
    if kind != DestKind::Redshift {
        c["BufferingHints"] = hints(v);
        c["S3BackupMode"] = json!(v.backup);
        s3["CompressionFormat"] = json!(v.compression);
    }
    c["S3Configuration"] = s3;
    req[member] = c;
    req
}

/// `"customer:string, amount:double"` → Glue columns. Blank entries are skipped; a missing type
/// is `string`.
pub fn glue_columns(spec: &str) -> Vec<Value> {
    spec.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (name, ty) = s.split_once(':').unwrap_or((s, "string"));
            json!({ "Name": name.trim(), "Type": ty.trim() })
        })
        .collect()
}

/// A Glue table name for a delivery stream name (lower case, `_` for anything else).
pub fn table_name(stream: &str) -> String {
    stream
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The sample JSON line number `i` of "Fire 100 JSON records" (newline-terminated).
pub fn sample_record(i: u64) -> String {
    const CUSTOMERS: [&str; 5] = ["acme", "globex", "initech", "umbrella", "hooli"];
    const LEVELS: [&str; 4] = ["INFO", "INFO", "WARN", "DEBUG"];
    format!(
        "{{\"customer\":\"{}\",\"order\":{i},\"amount\":{}.{:02},\"level\":\"{}\"}}\n",
        CUSTOMERS[(i % 5) as usize],
        10 + (i * 37) % 490,
        (i * 13) % 100,
        LEVELS[(i % 4) as usize],
    )
}
