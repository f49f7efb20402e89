//! Reading the one destination configuration of CreateDeliveryStream / UpdateDestination
//! (semantics.md §4.2 ranges and defaults, §4.4 prefix rules, §4.5, §4.6).

use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;
use crate::engine::firehose::compression::CompressionFormat;
use crate::engine::firehose::config::processing::parse_processing;
use crate::engine::firehose::config::{
    BackupMode, BufferingHints, ConversionConfig, Destination, PartitioningConfig, S3Target, MIB,
};
use crate::engine::firehose::parquet::{Deserializer, ParquetCompression, ORC_UNAVAILABLE};
use crate::engine::firehose::prefix::check_prefixes;
use crate::engine::s3::bucket_from_arn;
use crate::engine::world::World;

/// OpenSearch index rotation (§4.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexRotation {
    /// `NoRotation`.
    NoRotation,
    /// `OneHour`: `index-YYYY-MM-DD-HH`.
    OneHour,
    /// `OneDay`: `index-YYYY-MM-DD`.
    OneDay,
    /// `OneWeek`: `index-YYYY-w<week>`.
    OneWeek,
    /// `OneMonth`: `index-YYYY-MM`.
    OneMonth,
}

/// Which kind of HTTP endpoint a `HttpEndpointDestinationConfiguration` talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpFlavour {
    /// Any HTTPS endpoint.
    Generic,
    /// Datadog's Firehose intake (`…datadoghq…`).
    Datadog,
    /// New Relic's Firehose intake (`…newrelic…`).
    NewRelic,
}

/// The destination types and what each needs at delivery time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DestinationKind {
    /// S3 (`S3DestinationConfiguration`, `extended = false`) or extended S3.
    S3 {
        /// Extended S3 (processing, conversion, partitioning, source backup).
        extended: bool,
    },
    /// Redshift: objects staged in S3, then `COPY` into a table.
    Redshift {
        /// `CopyCommand.DataTableName`.
        table: String,
        /// `CopyCommand.DataTableColumns` (empty: from the JSON keys).
        columns: Vec<String>,
        /// `CopyOptions` contains `json 'auto'`.
        json: bool,
        /// Field delimiter for non-JSON loads (`DELIMITER 'x'`, default `|`).
        delimiter: char,
    },
    /// OpenSearch Service (`_bulk` indexing).
    OpenSearch {
        /// `IndexName`.
        index: String,
        /// `IndexRotationPeriod`.
        rotation: IndexRotation,
    },
    /// Splunk HEC.
    Splunk {
        /// `HECEndpoint`.
        endpoint: String,
        /// `HECAcknowledgmentTimeoutInSeconds`, ms.
        ack_timeout_ms: u64,
    },
    /// HTTP endpoint (generic, Datadog, New Relic).
    HttpEndpoint {
        /// `EndpointConfiguration.Url`.
        url: String,
        /// `EndpointConfiguration.Name`.
        name: String,
        /// Which service.
        flavour: HttpFlavour,
        /// `RequestConfiguration.ContentEncoding` is GZIP.
        gzip: bool,
    },
    /// Snowflake (rows into a table).
    Snowflake {
        /// `Database.Schema.Table`.
        table: String,
    },
}

impl DestinationKind {
    /// The `…DestinationDescription` member name of DescribeDeliveryStream.
    pub fn description_member(&self) -> &'static str {
        match self {
            DestinationKind::S3 { extended: true } => "ExtendedS3DestinationDescription",
            DestinationKind::S3 { extended: false } => "S3DestinationDescription",
            DestinationKind::Redshift { .. } => "RedshiftDestinationDescription",
            DestinationKind::OpenSearch { .. } => "AmazonopensearchserviceDestinationDescription",
            DestinationKind::Splunk { .. } => "SplunkDestinationDescription",
            DestinationKind::HttpEndpoint { .. } => "HttpEndpointDestinationDescription",
            DestinationKind::Snowflake { .. } => "SnowflakeDestinationDescription",
        }
    }

    /// The metric family of deliveries (`DeliveryToS3`, …; §4.7).
    pub fn metric_family(&self) -> &'static str {
        match self {
            DestinationKind::S3 { .. } => "DeliveryToS3",
            DestinationKind::Redshift { .. } => "DeliveryToRedshift",
            DestinationKind::OpenSearch { .. } => "DeliveryToAmazonOpenSearchService",
            DestinationKind::Splunk { .. } => "DeliveryToSplunk",
            DestinationKind::HttpEndpoint { .. } => "DeliveryToHttpEndpoint",
            DestinationKind::Snowflake { .. } => "DeliveryToSnowflake",
        }
    }

    /// `!{firehose:error-output-type}` of a failed delivery (§4.4).
    pub fn failed_output_type(&self) -> &'static str {
        match self {
            DestinationKind::S3 { .. } => "s3-failed",
            DestinationKind::Redshift { .. } => "redshift-failed",
            DestinationKind::OpenSearch { .. } => "AmazonOpenSearchService-failed",
            DestinationKind::Splunk { .. } => "splunk-failed",
            DestinationKind::HttpEndpoint { .. } => "http-endpoint-failed",
            DestinationKind::Snowflake { .. } => "snowflake-failed",
        }
    }

    /// Short label for pictures.
    pub fn label(&self) -> &'static str {
        match self {
            DestinationKind::S3 { .. } => "Amazon S3",
            DestinationKind::Redshift { .. } => "Amazon Redshift",
            DestinationKind::OpenSearch { .. } => "OpenSearch",
            DestinationKind::Splunk { .. } => "Splunk",
            DestinationKind::HttpEndpoint {
                flavour: HttpFlavour::Datadog,
                ..
            } => "Datadog",
            DestinationKind::HttpEndpoint {
                flavour: HttpFlavour::NewRelic,
                ..
            } => "New Relic",
            DestinationKind::HttpEndpoint { .. } => "HTTP endpoint",
            DestinationKind::Snowflake { .. } => "Snowflake",
        }
    }
}

/// The destination configuration members CreateDeliveryStream accepts.
pub const CREATE_MEMBERS: &[&str] = &[
    "S3DestinationConfiguration",
    "ExtendedS3DestinationConfiguration",
    "RedshiftDestinationConfiguration",
    "AmazonopensearchserviceDestinationConfiguration",
    "SplunkDestinationConfiguration",
    "HttpEndpointDestinationConfiguration",
    "SnowflakeDestinationConfiguration",
];

/// Size (MiB) and interval (s) ranges and defaults of a destination (§4.2 table).
#[derive(Clone, Copy, Debug)]
pub(crate) struct HintRanges {
    pub(crate) size: (u64, u64, u64),
    pub(crate) interval: (u64, u64, u64),
}

pub(crate) const S3_HINTS: HintRanges = HintRanges {
    size: (1, 128, 5),
    interval: (0, 900, 300),
};

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::invalid_argument(message)
}

pub(crate) fn parse_hints(
    req: Option<Request<'_>>,
    r: HintRanges,
    what: &str,
) -> Result<BufferingHints, ApiError> {
    let (size, interval) = match req {
        None => (None, None),
        Some(h) => {
            h.deny_unknown(&["SizeInMBs", "IntervalInSeconds"])?;
            (
                h.opt_int("SizeInMBs", 1, 128)?,
                h.opt_int("IntervalInSeconds", 0, 900)?,
            )
        }
    };
    if size.is_some() != interval.is_some() {
        return Err(bad(format!(
            "{what}: BufferingHints must set both SizeInMBs and IntervalInSeconds, or neither (semantics.md §4.2)"
        )));
    }
    let size = size.map_or(r.size.2, |s| s as u64);
    let interval = interval.map_or(r.interval.2, |s| s as u64);
    if !(r.size.0..=r.size.1).contains(&size) {
        return Err(bad(format!(
            "{what}: BufferingHints.SizeInMBs must be between {} and {} MiB for this destination, got {size}",
            r.size.0, r.size.1
        )));
    }
    if !(r.interval.0..=r.interval.1).contains(&interval) {
        return Err(bad(format!(
            "{what}: BufferingHints.IntervalInSeconds must be between {} and {} s for this destination, got {interval}",
            r.interval.0, r.interval.1
        )));
    }
    Ok(BufferingHints {
        size_bytes: size * MIB,
        interval_ms: interval * 1000,
    })
}

pub(crate) fn hints_json(h: BufferingHints) -> Value {
    json!({ "SizeInMBs": h.size_bytes / MIB, "IntervalInSeconds": h.interval_ms / 1000 })
}

/// Reads an S3 location (`S3DestinationConfiguration` shape plus the extended members).
pub(crate) fn parse_s3_target(
    world: &World,
    req: Request<'_>,
    r: HintRanges,
    what: &str,
    extended_members: &[&str],
) -> Result<S3Target, ApiError> {
    let mut known = vec![
        "RoleARN",
        "BucketARN",
        "Prefix",
        "ErrorOutputPrefix",
        "BufferingHints",
        "CompressionFormat",
        "EncryptionConfiguration",
        "CloudWatchLoggingOptions",
    ];
    known.extend_from_slice(extended_members);
    req.deny_unknown(&known)?;
    check_role(req.str("RoleARN")?, "roleARN")?;
    let arn = req.str("BucketARN")?;
    let bucket = bucket_from_arn(arn).ok_or_else(|| {
        bad(format!(
            "{what}: BucketARN {arn:?} is not an S3 bucket ARN (arn:aws:s3:::name)"
        ))
    })?;
    if !world.s3.has_bucket(bucket) {
        return Err(bad(format!(
            "{what}: bucket {bucket} does not exist; create it first (s3 CreateBucket)"
        )));
    }
    let compression = match req.opt_str("CompressionFormat")? {
        None => CompressionFormat::Uncompressed,
        Some(s) => CompressionFormat::parse(s).ok_or_else(|| {
            ApiError::validation(s, "compressionFormat", "Member must satisfy enum value set: [UNCOMPRESSED, GZIP, ZIP, Snappy, HADOOP_SNAPPY]")
        })?,
    };
    let file_extension = match req.opt_str("FileExtension")? {
        None => None,
        Some(e) => {
            let ok = e.is_empty()
                || (e.len() <= 128
                    && e.starts_with('.')
                    && e[1..].chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || "!-_.*'()".contains(c)
                    }));
            if !ok {
                return Err(ApiError::validation(
                    e,
                    "fileExtension",
                    "Member must satisfy regular expression pattern: ^$|\\.[0-9a-z!\\-_.*'()]+",
                ));
            }
            Some(e.to_string())
        }
    };
    Ok(S3Target {
        bucket: bucket.to_string(),
        prefix: req.opt_str("Prefix")?.map(str::to_string),
        error_output_prefix: req.opt_str("ErrorOutputPrefix")?.map(str::to_string),
        buffering: parse_hints(req.opt_struct("BufferingHints")?, r, what)?,
        compression,
        file_extension,
    })
}

/// Checks an IAM role ARN against AWS's pattern `arn:.*:iam::\d{12}:role/[a-zA-Z_0-9+=,.@\-_/]+`.
pub(crate) fn check_role(arn: &str, member: &str) -> Result<(), ApiError> {
    let ok = arn
        .strip_prefix("arn:")
        .and_then(|r| r.split_once(":iam::"))
        .and_then(|(_, r)| r.split_once(":role/"))
        .is_some_and(|(account, name)| {
            account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+=,.@-_/".contains(&b))
        });
    if ok && arn.len() <= 512 {
        Ok(())
    } else {
        Err(ApiError::validation(arn, member, "Member must satisfy regular expression pattern: arn:.*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+"))
    }
}

pub(crate) fn s3_description(t: &S3Target, role: Option<&str>) -> Value {
    json!({
        "RoleARN": role.unwrap_or("arn:aws:iam::123456789012:role/firehose"),
        "BucketARN": format!("arn:aws:s3:::{}", t.bucket),
        "Prefix": t.prefix,
        "ErrorOutputPrefix": t.error_output_prefix,
        "BufferingHints": hints_json(t.buffering),
        "CompressionFormat": t.compression.as_str(),
        "EncryptionConfiguration": { "NoEncryptionConfig": "NoEncryption" },
    })
}

pub(crate) fn retry_ms(req: Request<'_>, default_s: u64) -> Result<u64, ApiError> {
    match req.opt_struct("RetryOptions")? {
        None => Ok(default_s * 1000),
        Some(r) => {
            r.deny_unknown(&["DurationInSeconds"])?;
            Ok(r.opt_int("DurationInSeconds", 0, 7200)?
                .map_or(default_s, |s| s as u64)
                * 1000)
        }
    }
}

/// Finds and reads the one destination configuration of `req` (members in `members`, named as
/// CreateDeliveryStream or UpdateDestination name them).
pub fn parse_destination(
    world: &World,
    req: Request<'_>,
    update: bool,
) -> Result<Destination, ApiError> {
    let suffix = if update { "Update" } else { "Configuration" };
    let mut found: Vec<(&str, Request<'_>)> = Vec::new();
    for m in CREATE_MEMBERS {
        let name = m.replace("Configuration", suffix);
        if let Some(r) = req.opt_struct(&name)? {
            found.push((m, r));
        }
    }
    let (member, d) = match found.len() {
        1 => found[0],
        0 => {
            return Err(bad(format!(
            "Exactly one destination configuration is required, e.g. ExtendedS3Destination{suffix}"
        )))
        }
        _ => return Err(bad("Only one destination configuration may be given")),
    };
    let what = member.trim_end_matches("Configuration");
    let destination_id = "destinationId-000000000001".to_string();
    match member {
        "S3DestinationConfiguration" => {
            let s3 = parse_s3_target(world, d, S3_HINTS, what, &[])?;
            check_prefixes(
                s3.prefix.as_deref(),
                s3.error_output_prefix.as_deref(),
                false,
            )
            .map_err(bad)?;
            Ok(Destination {
                kind: DestinationKind::S3 { extended: false },
                destination_id,
                buffering: s3.buffering,
                description: s3_description(&s3, d.opt_str("RoleARN")?),
                target: format!("s3://{}", s3.bucket),
                s3,
                source_backup: None,
                processing: Default::default(),
                conversion: None,
                partitioning: None,
                backup_mode: BackupMode::Disabled,
                retry_ms: 24 * 3_600_000,
            })
        }
        "ExtendedS3DestinationConfiguration" => parse_extended_s3(world, d, what, destination_id),
        _ => super::destination_other::parse_other(world, member, d, what, destination_id),
    }
}

fn parse_extended_s3(
    world: &World,
    d: Request<'_>,
    what: &str,
    destination_id: String,
) -> Result<Destination, ApiError> {
    let conversion_req = d
        .opt_struct("DataFormatConversionConfiguration")?
        .filter(|c| c.opt_bool("Enabled").ok().flatten().unwrap_or(true));
    let hints = if conversion_req.is_some() {
        // Record format conversion needs ≥ 64 MiB buffers; default 128 MiB (FH-API BufferingHints).
        HintRanges {
            size: (64, 128, 128),
            interval: S3_HINTS.interval,
        }
    } else {
        S3_HINTS
    };
    let s3 = parse_s3_target(
        world,
        d,
        hints,
        what,
        &[
            "ProcessingConfiguration",
            "S3BackupMode",
            "S3BackupConfiguration",
            "DataFormatConversionConfiguration",
            "DynamicPartitioningConfiguration",
            "FileExtension",
            "CustomTimeZone",
        ],
    )?;
    if let Some(tz) = d.opt_str("CustomTimeZone")? {
        if tz != "UTC" {
            return Err(bad(format!(
                "CustomTimeZone {tz:?}: the playground renders prefixes in UTC only"
            )));
        }
    }
    let processing = parse_processing(d.opt_struct("ProcessingConfiguration")?)?;
    let partitioning = match d.opt_struct("DynamicPartitioningConfiguration")? {
        Some(p) if p.opt_bool("Enabled")?.unwrap_or(false) => {
            p.deny_unknown(&["Enabled", "RetryOptions"])?;
            Some(PartitioningConfig {
                retry_ms: retry_ms(p, 300)?,
            })
        }
        Some(p) => {
            p.deny_unknown(&["Enabled", "RetryOptions"])?;
            None
        }
        None => None,
    };
    let partitioned = partitioning.is_some();
    if partitioned && s3.buffering.interval_ms == 0 {
        return Err(bad("Zero buffering (IntervalInSeconds 0) is not supported with dynamic partitioning (semantics.md §4.2)"));
    }
    if partitioned && s3.error_output_prefix.is_none() {
        return Err(bad(
            "ErrorOutputPrefix is required when dynamic partitioning is enabled",
        ));
    }
    check_prefixes(
        s3.prefix.as_deref(),
        s3.error_output_prefix.as_deref(),
        partitioned,
    )
    .map_err(bad)?;
    let conversion = match conversion_req {
        None => None,
        Some(c) => Some(parse_conversion(world, c, &s3)?),
    };
    let backup_mode = match d.opt_str("S3BackupMode")?.unwrap_or("Disabled") {
        "Disabled" => BackupMode::Disabled,
        "Enabled" => BackupMode::SourceRecords,
        other => {
            return Err(ApiError::validation(
                other,
                "s3BackupMode",
                "Member must satisfy enum value set: [Disabled, Enabled]",
            ))
        }
    };
    let source_backup = match (backup_mode, d.opt_struct("S3BackupConfiguration")?) {
        (BackupMode::SourceRecords, Some(b)) => Some(parse_s3_target(
            world,
            b,
            S3_HINTS,
            "S3BackupConfiguration",
            &[],
        )?),
        (BackupMode::SourceRecords, None) => {
            return Err(bad("S3BackupMode Enabled requires S3BackupConfiguration"))
        }
        _ => None,
    };
    let mut description = s3_description(&s3, d.opt_str("RoleARN")?);
    description["ProcessingConfiguration"] = d
        .raw("ProcessingConfiguration")
        .cloned()
        .unwrap_or(json!({"Enabled": false}));
    description["S3BackupMode"] = json!(if backup_mode == BackupMode::Disabled {
        "Disabled"
    } else {
        "Enabled"
    });
    if let Some(b) = &source_backup {
        description["S3BackupDescription"] = s3_description(b, None);
    }
    if let Some(c) = d.raw("DataFormatConversionConfiguration") {
        description["DataFormatConversionConfiguration"] = c.clone();
    }
    description["DynamicPartitioningConfiguration"] = json!({
        "Enabled": partitioned,
        "RetryOptions": { "DurationInSeconds": partitioning.as_ref().map_or(300, |p| p.retry_ms / 1000) },
    });
    if let Some(e) = &s3.file_extension {
        description["FileExtension"] = json!(e);
    }
    Ok(Destination {
        kind: DestinationKind::S3 { extended: true },
        destination_id,
        buffering: s3.buffering,
        target: format!("s3://{}", s3.bucket),
        s3,
        source_backup,
        processing,
        conversion,
        partitioning,
        backup_mode,
        retry_ms: 24 * 3_600_000,
        description,
    })
}

fn parse_conversion(
    world: &World,
    c: Request<'_>,
    s3: &S3Target,
) -> Result<ConversionConfig, ApiError> {
    c.deny_unknown(&[
        "Enabled",
        "SchemaConfiguration",
        "InputFormatConfiguration",
        "OutputFormatConfiguration",
    ])?;
    if s3.compression != CompressionFormat::Uncompressed {
        return Err(bad("CompressionFormat must be UNCOMPRESSED when record format conversion is enabled: the Parquet file compresses its own pages (semantics.md §4.5)"));
    }
    let schema = c
        .opt_struct("SchemaConfiguration")?
        .ok_or_else(|| bad("DataFormatConversionConfiguration requires SchemaConfiguration"))?;
    schema.deny_unknown(&[
        "RoleARN",
        "CatalogId",
        "DatabaseName",
        "TableName",
        "Region",
        "VersionId",
    ])?;
    let db = schema.str("DatabaseName")?;
    let table = schema.str("TableName")?;
    let columns = world.glue.table_columns(db, table).ok_or_else(|| {
        bad(format!(
            "Glue table {db}.{table} does not exist; create it first (glue CreateTable)"
        ))
    })?;
    let input = c
        .raw("InputFormatConfiguration")
        .cloned()
        .unwrap_or(json!({"Deserializer": {"OpenXJsonSerDe": {}}}));
    let deserializer = Deserializer::from_aws(&input)
        .map_err(|m| bad(format!("InputFormatConfiguration: {m}")))?;
    let out = c.opt_struct("OutputFormatConfiguration")?.ok_or_else(|| {
        bad("DataFormatConversionConfiguration requires OutputFormatConfiguration")
    })?;
    let ser = out
        .opt_struct("Serializer")?
        .ok_or_else(|| bad("OutputFormatConfiguration requires Serializer"))?;
    if ser.raw("OrcSerDe").is_some() {
        return Err(bad(format!("OrcSerDe: {ORC_UNAVAILABLE}")));
    }
    let parquet = ser
        .opt_struct("ParquetSerDe")?
        .ok_or_else(|| bad("Serializer requires ParquetSerDe (OrcSerDe is unavailable here)"))?;
    let compression = match parquet.opt_str("Compression")?.unwrap_or("SNAPPY") {
        "SNAPPY" => ParquetCompression::Snappy,
        "GZIP" => ParquetCompression::Gzip,
        "UNCOMPRESSED" => ParquetCompression::Uncompressed,
        other => {
            return Err(ApiError::validation(
                other,
                "compression",
                "Member must satisfy enum value set: [UNCOMPRESSED, GZIP, SNAPPY]",
            ))
        }
    };
    Ok(ConversionConfig {
        schema: columns,
        table: format!("{db}.{table}"),
        deserializer,
        compression,
    })
}
