//! The non-S3 destinations: Redshift, OpenSearch, Splunk, HTTP endpoint (incl. Datadog and
//! New Relic) and Snowflake (semantics.md §4.2 hint ranges, §4.6 retries and backup modes).

use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;
use crate::engine::firehose::compression::CompressionFormat;
use crate::engine::firehose::config::destination::{
    hints_json, parse_hints, parse_s3_target, retry_ms, s3_description, DestinationKind,
    HintRanges, HttpFlavour, IndexRotation, S3_HINTS,
};
use crate::engine::firehose::config::processing::parse_processing;
use crate::engine::firehose::config::{BackupMode, Destination};
use crate::engine::firehose::prefix::check_prefixes;
use crate::engine::world::World;

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::invalid_argument(message)
}

fn backup_mode(
    req: Request<'_>,
    failed: &str,
    all: &str,
    default: &str,
) -> Result<BackupMode, ApiError> {
    match req.opt_str("S3BackupMode")?.unwrap_or(default) {
        m if m == failed => Ok(BackupMode::FailedOnly),
        m if m == all => Ok(BackupMode::All),
        other => Err(ApiError::validation(
            other,
            "s3BackupMode",
            &format!("Member must satisfy enum value set: [{failed}, {all}]"),
        )),
    }
}

fn strip_secrets(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        for secret in ["Password", "HECToken", "PrivateKey", "KeyPassphrase"] {
            m.remove(secret);
        }
        if let Some(ep) = m
            .get_mut("EndpointConfiguration")
            .and_then(Value::as_object_mut)
        {
            ep.remove("AccessKey");
        }
    }
    v
}

/// Reads one of the non-S3 destination configurations.
pub fn parse_other(
    world: &World,
    member: &str,
    d: Request<'_>,
    what: &str,
    destination_id: String,
) -> Result<Destination, ApiError> {
    let common = [
        "RoleARN",
        "S3Configuration",
        "S3BackupMode",
        "RetryOptions",
        "ProcessingConfiguration",
        "CloudWatchLoggingOptions",
        "BufferingHints",
    ];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut v = common.to_vec();
        v.extend_from_slice(extra);
        v
    };
    let s3_req = d.opt_struct("S3Configuration")?.ok_or_else(|| {
        bad(format!(
            "{what} requires S3Configuration (the backup bucket)"
        ))
    })?;
    let processing = parse_processing(d.opt_struct("ProcessingConfiguration")?)?;
    let (kind, buffering, mode, retry, target) = match member {
        "RedshiftDestinationConfiguration" => {
            d.deny_unknown(&with(&[
                "ClusterJDBCURL",
                "CopyCommand",
                "Username",
                "Password",
                "S3BackupConfiguration",
                "SecretsManagerConfiguration",
            ]))?;
            let jdbc = d.str("ClusterJDBCURL")?;
            if !jdbc.starts_with("jdbc:redshift://") {
                return Err(bad(format!(
                    "ClusterJDBCURL must start with jdbc:redshift://, got {jdbc:?}"
                )));
            }
            let copy = d
                .opt_struct("CopyCommand")?
                .ok_or_else(|| bad("RedshiftDestinationConfiguration requires CopyCommand"))?;
            copy.deny_unknown(&["DataTableName", "DataTableColumns", "CopyOptions"])?;
            let table = copy.str("DataTableName")?.to_string();
            let columns: Vec<String> = copy
                .opt_str("DataTableColumns")?
                .map(|c| {
                    c.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let options = copy
                .opt_str("CopyOptions")?
                .unwrap_or("")
                .to_ascii_lowercase();
            let json = options.contains("json 'auto'") || options.contains("format as json 'auto'");
            let delimiter = options
                .split("delimiter")
                .nth(1)
                .and_then(|rest| rest.trim().strip_prefix('\''))
                .and_then(|rest| rest.chars().next())
                .unwrap_or('|');
            if json && columns.is_empty() {
                // fine: columns come from the JSON keys of the first row
            } else if !json && columns.is_empty() {
                return Err(bad("CopyCommand.DataTableColumns is required for a delimited COPY (or use CopyOptions \"json 'auto'\")"));
            }
            let mode = match d.opt_str("S3BackupMode")?.unwrap_or("Disabled") {
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
            let staging = parse_s3_target(world, s3_req, S3_HINTS, "S3Configuration", &[])?;
            if !matches!(
                staging.compression,
                CompressionFormat::Uncompressed | CompressionFormat::Gzip
            ) {
                return Err(bad("Redshift's S3Configuration.CompressionFormat must be UNCOMPRESSED or GZIP: COPY cannot read the others (semantics.md §4.5)"));
            }
            (
                DestinationKind::Redshift {
                    table: table.clone(),
                    columns,
                    json,
                    delimiter,
                },
                staging.buffering,
                mode,
                retry_ms(d, 3600)?,
                format!("table {table}"),
            )
        }
        "AmazonopensearchserviceDestinationConfiguration" => {
            d.deny_unknown(&with(&[
                "DomainARN",
                "ClusterEndpoint",
                "IndexName",
                "TypeName",
                "IndexRotationPeriod",
                "VpcConfiguration",
                "DocumentIdOptions",
            ]))?;
            if d.opt_str("DomainARN")?.is_none() && d.opt_str("ClusterEndpoint")?.is_none() {
                return Err(bad("Either DomainARN or ClusterEndpoint is required"));
            }
            let index = d.str("IndexName")?.to_string();
            if index.is_empty()
                || index.len() > 80
                || index
                    .chars()
                    .any(|c| c.is_ascii_uppercase() || " ,\"*\\<|>/?".contains(c))
            {
                return Err(ApiError::validation(&index, "indexName", "Member must be 1–80 lower-case characters without spaces or , \" * \\ < | > / ?"));
            }
            let rotation = match d.opt_str("IndexRotationPeriod")?.unwrap_or("OneDay") {
                "NoRotation" => IndexRotation::NoRotation,
                "OneHour" => IndexRotation::OneHour,
                "OneDay" => IndexRotation::OneDay,
                "OneWeek" => IndexRotation::OneWeek,
                "OneMonth" => IndexRotation::OneMonth,
                other => return Err(ApiError::validation(other, "indexRotationPeriod", "Member must satisfy enum value set: [NoRotation, OneHour, OneDay, OneWeek, OneMonth]")),
            };
            (
                DestinationKind::OpenSearch {
                    index: index.clone(),
                    rotation,
                },
                parse_hints(
                    d.opt_struct("BufferingHints")?,
                    HintRanges {
                        size: (1, 100, 5),
                        interval: (0, 900, 300),
                    },
                    what,
                )?,
                backup_mode(
                    d,
                    "FailedDocumentsOnly",
                    "AllDocuments",
                    "FailedDocumentsOnly",
                )?,
                retry_ms(d, 300)?,
                format!("index {index}"),
            )
        }
        "SplunkDestinationConfiguration" => {
            d.deny_unknown(&with(&[
                "HECEndpoint",
                "HECEndpointType",
                "HECToken",
                "HECAcknowledgmentTimeoutInSeconds",
                "SecretsManagerConfiguration",
            ]))?;
            let endpoint = d.str("HECEndpoint")?.to_string();
            match d.str("HECEndpointType")? {
                "Raw" | "Event" => {}
                other => {
                    return Err(ApiError::validation(
                        other,
                        "hECEndpointType",
                        "Member must satisfy enum value set: [Raw, Event]",
                    ))
                }
            }
            let ack = d
                .opt_int("HECAcknowledgmentTimeoutInSeconds", 180, 600)?
                .unwrap_or(180) as u64;
            (
                DestinationKind::Splunk {
                    endpoint: endpoint.clone(),
                    ack_timeout_ms: ack * 1000,
                },
                parse_hints(
                    d.opt_struct("BufferingHints")?,
                    HintRanges {
                        size: (1, 5, 5),
                        interval: (0, 60, 60),
                    },
                    what,
                )?,
                backup_mode(d, "FailedEventsOnly", "AllEvents", "FailedEventsOnly")?,
                retry_ms(d, 3600)?,
                endpoint,
            )
        }
        "HttpEndpointDestinationConfiguration" => {
            d.deny_unknown(&with(&[
                "EndpointConfiguration",
                "RequestConfiguration",
                "SecretsManagerConfiguration",
            ]))?;
            let ep = d.opt_struct("EndpointConfiguration")?.ok_or_else(|| {
                bad("HttpEndpointDestinationConfiguration requires EndpointConfiguration")
            })?;
            ep.deny_unknown(&["Url", "Name", "AccessKey"])?;
            let url = ep.str("Url")?.to_string();
            if !url.starts_with("https://") || url.len() > 1000 {
                return Err(ApiError::validation(
                    &url,
                    "endpointConfiguration.url",
                    "Member must satisfy regular expression pattern: https://.*",
                ));
            }
            let name = ep.opt_str("Name")?.unwrap_or("").to_string();
            let low = url.to_ascii_lowercase();
            let flavour = if low.contains("datadoghq") {
                HttpFlavour::Datadog
            } else if low.contains("newrelic") || low.contains("nr-data") {
                HttpFlavour::NewRelic
            } else {
                HttpFlavour::Generic
            };
            let ranges = match flavour {
                HttpFlavour::Datadog => HintRanges {
                    size: (1, 4, 4),
                    interval: (0, 900, 60),
                },
                _ => HintRanges {
                    size: (1, 64, 5),
                    interval: (0, 900, 300),
                },
            };
            let gzip = match d.opt_struct("RequestConfiguration")? {
                None => false,
                Some(rc) => {
                    rc.deny_unknown(&["ContentEncoding", "CommonAttributes"])?;
                    match rc.opt_str("ContentEncoding")?.unwrap_or("NONE") {
                        "NONE" => false,
                        "GZIP" => true,
                        other => {
                            return Err(ApiError::validation(
                                other,
                                "contentEncoding",
                                "Member must satisfy enum value set: [NONE, GZIP]",
                            ))
                        }
                    }
                }
            };
            (
                DestinationKind::HttpEndpoint {
                    url: url.clone(),
                    name,
                    flavour,
                    gzip,
                },
                parse_hints(d.opt_struct("BufferingHints")?, ranges, what)?,
                backup_mode(d, "FailedDataOnly", "AllData", "FailedDataOnly")?,
                retry_ms(d, 300)?,
                url,
            )
        }
        "SnowflakeDestinationConfiguration" => {
            d.deny_unknown(&with(&[
                "AccountUrl",
                "PrivateKey",
                "KeyPassphrase",
                "User",
                "Database",
                "Schema",
                "Table",
                "SnowflakeRoleConfiguration",
                "DataLoadingOption",
                "MetaDataColumnName",
                "ContentColumnName",
                "SnowflakeVpcConfiguration",
                "SecretsManagerConfiguration",
            ]))?;
            let url = d.str("AccountUrl")?;
            let table = format!(
                "{}.{}.{}",
                d.str("Database")?,
                d.str("Schema")?,
                d.str("Table")?
            );
            (
                DestinationKind::Snowflake {
                    table: table.clone(),
                },
                parse_hints(
                    d.opt_struct("BufferingHints")?,
                    HintRanges {
                        size: (1, 128, 128),
                        interval: (0, 900, 0),
                    },
                    what,
                )?,
                backup_mode(d, "FailedDataOnly", "AllData", "FailedDataOnly")?,
                retry_ms(d, 60)?,
                format!("{url} {table}"),
            )
        }
        other => return Err(bad(format!("Unknown destination configuration {other}"))),
    };
    let s3 = parse_s3_target(world, s3_req, S3_HINTS, "S3Configuration", &[])?;
    check_prefixes(
        s3.prefix.as_deref(),
        s3.error_output_prefix.as_deref(),
        false,
    )
    .map_err(bad)?;
    let source_backup = match (&kind, mode, d.opt_struct("S3BackupConfiguration")?) {
        (DestinationKind::Redshift { .. }, BackupMode::SourceRecords, Some(b)) => Some(
            parse_s3_target(world, b, S3_HINTS, "S3BackupConfiguration", &[])?,
        ),
        (DestinationKind::Redshift { .. }, BackupMode::SourceRecords, None) => {
            return Err(bad("S3BackupMode Enabled requires S3BackupConfiguration"))
        }
        _ => None,
    };
    let mut description = strip_secrets(&d.as_value());
    description["S3DestinationDescription"] = s3_description(&s3, None);
    description
        .as_object_mut()
        .map(|m| m.remove("S3Configuration"));
    if !matches!(kind, DestinationKind::Redshift { .. }) {
        description["BufferingHints"] = hints_json(buffering);
    }
    description["RetryOptions"] = json!({ "DurationInSeconds": retry / 1000 });
    Ok(Destination {
        kind,
        destination_id,
        buffering,
        s3,
        source_backup,
        processing,
        conversion: None,
        partitioning: None,
        backup_mode: mode,
        retry_ms: retry,
        target,
        description,
    })
}
