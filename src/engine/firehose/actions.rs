//! Service `firehose` of the dispatcher: CreateDeliveryStream, DeleteDeliveryStream,
//! DescribeDeliveryStream, ListDeliveryStreams, UpdateDestination, PutRecord, PutRecordBatch
//! (semantics.md §4.1), with AWS's validation and error names.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::firehose::config::parse_destination;
use crate::engine::firehose::delivery_stream::{DeliveryStream, Ledger, Source, Status};
use crate::engine::firehose::error_output::ErrorSink;
use crate::engine::firehose::pipeline::{flush_all, with_stream};
use crate::engine::firehose::quota::DirectPutQuota;
use crate::engine::firehose::source::ingest;
use crate::engine::firehose::{delivery_stream_arn, validate_name, MAX_DELIVERY_STREAMS};
use crate::engine::world::World;

/// Actions of service `firehose`.
pub const ACTIONS: &[&str] = &[
    "CreateDeliveryStream",
    "DeleteDeliveryStream",
    "DescribeDeliveryStream",
    "ListDeliveryStreams",
    "UpdateDestination",
    "PutRecord",
    "PutRecordBatch",
];

/// Largest record data blob, bytes (1,000 KiB; §4.1).
pub const MAX_RECORD_BYTES: usize = 1_024_000;
/// Most records per PutRecordBatch (§4.1).
pub const MAX_BATCH_RECORDS: usize = 500;
/// Largest PutRecordBatch, bytes (4 MiB; §4.1).
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

/// Runs one Firehose action.
pub fn dispatch(world: &mut World, action: &str, body: &Value) -> Result<Value, ApiError> {
    let req = Request::new(body)?;
    match action {
        "CreateDeliveryStream" => create(world, req),
        "DeleteDeliveryStream" => delete(world, req),
        "DescribeDeliveryStream" => {
            req.deny_unknown(&["DeliveryStreamName", "Limit", "ExclusiveStartDestinationId"])?;
            let name = req.str("DeliveryStreamName")?;
            let ds = find(world, name)?;
            Ok(
                json!({ "DeliveryStreamDescription": crate::engine::firehose::describe::description(world, ds) }),
            )
        }
        "ListDeliveryStreams" => list(world, req),
        "UpdateDestination" => update(world, req),
        "PutRecord" | "PutRecordBatch" => put(world, req, action == "PutRecordBatch"),
        other => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!(
                "firehose has no action '{other}'; supported: {}",
                ACTIONS.join(", ")
            ),
        )),
    }
}

/// The delivery stream `name`, or `ResourceNotFoundException`.
pub fn find<'a>(world: &'a World, name: &str) -> Result<&'a DeliveryStream, ApiError> {
    world.firehose.streams.get(name).ok_or_else(|| {
        ApiError::not_found(format!(
            "Firehose {name} under account 123456789012 not found."
        ))
    })
}

fn create(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    let mut known = vec![
        "DeliveryStreamName",
        "DeliveryStreamType",
        "KinesisStreamSourceConfiguration",
        "DeliveryStreamEncryptionConfigurationInput",
        "Tags",
    ];
    known.extend_from_slice(crate::engine::firehose::config::destination::CREATE_MEMBERS);
    req.deny_unknown(&known)?;
    let name = req.str("DeliveryStreamName")?;
    validate_name(name, "deliveryStreamName")?;
    if world.firehose.streams.contains_key(name) {
        return Err(ApiError::in_use(format!(
            "Firehose {name} under accountId 123456789012 already exists"
        )));
    }
    if world.firehose.streams.len() >= MAX_DELIVERY_STREAMS {
        return Err(ApiError::new(ErrorKind::LimitExceededException, format!("You have already created {MAX_DELIVERY_STREAMS} Firehose streams, the default limit per Region (semantics.md §4.1)")));
    }
    let ty = req.opt_str("DeliveryStreamType")?.unwrap_or("DirectPut");
    let source = match ty {
        "DirectPut" => {
            if req.raw("KinesisStreamSourceConfiguration").is_some() {
                return Err(ApiError::invalid_argument("KinesisStreamSourceConfiguration is only allowed with DeliveryStreamType KinesisStreamAsSource"));
            }
            Source::DirectPut
        }
        "KinesisStreamAsSource" => {
            let k = req.opt_struct("KinesisStreamSourceConfiguration")?.ok_or_else(|| ApiError::invalid_argument("DeliveryStreamType KinesisStreamAsSource requires KinesisStreamSourceConfiguration"))?;
            k.deny_unknown(&["KinesisStreamARN", "RoleARN"])?;
            k.str("RoleARN")?;
            let arn = k.str("KinesisStreamARN")?;
            let stream = arn
                .strip_prefix("arn:aws:kinesis:")
                .and_then(|r| r.split(":stream/").nth(1))
                .ok_or_else(|| ApiError::invalid_argument(format!("KinesisStreamARN {arn:?} is not a Kinesis stream ARN")))?;
            let ok = world.kinesis.stream(stream).is_some_and(|s| s.status.allows_io());
            if !ok {
                return Err(ApiError::invalid_argument(format!("Kinesis stream {stream} does not exist or is not ACTIVE")));
            }
            Source::Kinesis { stream: stream.to_string(), arn: arn.to_string(), reader: None, next_poll_ms: 0 }
        }
        "MSKAsSource" | "DatabaseAsSource" => {
            return Err(ApiError::invalid_argument(format!("DeliveryStreamType {ty} is not simulated; use DirectPut or KinesisStreamAsSource")))
        }
        other => return Err(ApiError::validation(other, "deliveryStreamType", "Member must satisfy enum value set: [DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource]")),
    };
    let destination = parse_destination(world, req, false)?;
    let mut tags = BTreeMap::new();
    for t in req.opt_list("Tags")?.into_iter().flatten() {
        let t = Request::new(t)?;
        tags.insert(
            t.str("Key")?.to_string(),
            t.opt_str("Value")?.unwrap_or("").to_string(),
        );
    }
    if tags.len() > 50 {
        return Err(ApiError::new(
            ErrorKind::LimitExceededException,
            "A Firehose stream can have at most 50 tags",
        ));
    }
    let now = world.now();
    let arn = delivery_stream_arn(name);
    let ds = DeliveryStream {
        name: name.to_string(),
        arn: arn.clone(),
        created_ms: now,
        status: Status::Creating,
        version: 1,
        updated_ms: None,
        source,
        destination,
        quota: DirectPutQuota::new(now),
        processing_buffer: Default::default(),
        invocations: Default::default(),
        buffers: Default::default(),
        deliveries: Default::default(),
        flushes: Default::default(),
        ledger: Ledger::default(),
        metrics: Default::default(),
        behaviour: Default::default(),
        store: Default::default(),
        next_seq: 0,
        next_batch: 0,
        pump_at: None,
        tags,
        tap: Default::default(),
    };
    world.firehose.streams.insert(name.to_string(), ds);
    with_stream(world, name, |_, _| ());
    Ok(json!({ "DeliveryStreamARN": arn }))
}

fn delete(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&["DeliveryStreamName", "AllowForceDelete"])?;
    let name = req.str("DeliveryStreamName")?;
    find(world, name)?;
    // Buffered data of a deleted stream is discarded (AWS deletes without delivering it).
    world.firehose.streams.remove(name);
    Ok(json!({}))
}

fn list(world: &World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "Limit",
        "DeliveryStreamType",
        "ExclusiveStartDeliveryStreamName",
    ])?;
    let limit = req.opt_int("Limit", 1, 10_000)?.unwrap_or(10) as usize;
    let ty = req.opt_str("DeliveryStreamType")?;
    let start = req.opt_str("ExclusiveStartDeliveryStreamName")?;
    let names: Vec<&String> = world
        .firehose
        .streams
        .iter()
        .filter(|(n, _)| start.is_none_or(|s| n.as_str() > s))
        .filter(|(_, d)| match ty {
            None => true,
            Some("DirectPut") => matches!(d.source, Source::DirectPut),
            Some("KinesisStreamAsSource") => matches!(d.source, Source::Kinesis { .. }),
            Some(_) => false,
        })
        .map(|(n, _)| n)
        .collect();
    let more = names.len() > limit;
    Ok(
        json!({ "DeliveryStreamNames": names.into_iter().take(limit).collect::<Vec<_>>(), "HasMoreDeliveryStreams": more }),
    )
}

fn update(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    let mut known = vec![
        "DeliveryStreamName",
        "CurrentDeliveryStreamVersionId",
        "DestinationId",
    ];
    let updates: Vec<String> = crate::engine::firehose::config::destination::CREATE_MEMBERS
        .iter()
        .map(|m| m.replace("Configuration", "Update"))
        .collect();
    known.extend(updates.iter().map(String::as_str));
    req.deny_unknown(&known)?;
    let name = req.str("DeliveryStreamName")?;
    let version = req.str("CurrentDeliveryStreamVersionId")?;
    let dest_id = req.str("DestinationId")?;
    let ds = find(world, name)?;
    if ds.status != Status::Active {
        return Err(ApiError::in_use(format!(
            "Firehose {name} is not ACTIVE; it is {}",
            ds.status.as_str()
        )));
    }
    if version != ds.version.to_string() {
        return Err(ApiError::new(ErrorKind::ConcurrentModificationException, format!("Version {version} is not the current version {} of Firehose {name}; describe it again", ds.version)));
    }
    if dest_id != ds.destination.destination_id {
        return Err(ApiError::invalid_argument(format!(
            "Destination {dest_id} not found in Firehose {name}"
        )));
    }
    // The update carries the members to change; unspecified members keep their values when the
    // destination type stays the same.
    let current_member = ds
        .destination
        .kind
        .description_member()
        .replace("Description", "Update");
    let mut merged = req.as_value();
    if let Some(obj) = merged.as_object_mut() {
        if let Some(Value::Object(upd)) = obj.get(&current_member).cloned() {
            let mut base = stored_request(ds);
            if let Some(b) = base.as_object_mut() {
                for (k, v) in upd {
                    b.insert(k, v);
                }
            }
            obj.insert(current_member.clone(), base);
        }
    }
    let merged_req = Request::new(&merged)?;
    let mut destination = parse_destination(world, merged_req, true)?;
    let had_s3_backup = world.firehose.streams.get(name).is_some_and(|d| {
        d.destination.backup_mode == crate::engine::firehose::config::BackupMode::SourceRecords
    });
    if had_s3_backup
        && destination.backup_mode != crate::engine::firehose::config::BackupMode::SourceRecords
    {
        return Err(ApiError::invalid_argument(
            "S3BackupMode cannot be disabled once enabled (semantics.md §4.3)",
        ));
    }
    destination.destination_id = dest_id.to_string();
    with_stream(world, name, |world, ds| {
        flush_all(world, ds);
        ds.destination = destination;
        ds.version += 1;
        ds.updated_ms = Some(world.now());
    });
    Ok(json!({}))
}

/// The stored configuration as a request member (for merging updates).
fn stored_request(ds: &DeliveryStream) -> Value {
    let mut v = ds.destination.description.clone();
    if let Some(m) = v.as_object_mut() {
        if let Some(s3) = m.remove("S3DestinationDescription") {
            m.insert("S3Configuration".into(), s3);
        }
        if let Some(b) = m.remove("S3BackupDescription") {
            m.insert("S3BackupConfiguration".into(), b);
        }
        m.retain(|_, v| !v.is_null());
        if let Some(Value::Object(e)) = m.get("EncryptionConfiguration") {
            if e.contains_key("NoEncryptionConfig") {
                m.remove("EncryptionConfiguration");
            }
        }
        if let Some(Value::Object(s3)) = m.get_mut("S3Configuration") {
            s3.retain(|_, v| !v.is_null());
            s3.remove("EncryptionConfiguration");
        }
    }
    v
}

fn decode_record(r: Request<'_>, member: &str) -> Result<Vec<u8>, ApiError> {
    r.deny_unknown(&["Data"])?;
    let data = r.str("Data")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|_| ApiError::serialization(format!("{member}.Data is not valid base64")))?;
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(ApiError::validation(&format!("<{} bytes>", bytes.len()), &format!("{}.data", crate::engine::api::request::member_path(member)), &format!("Member must have length less than or equal to {MAX_RECORD_BYTES} (1,000 KiB before base64; semantics.md §4.1)")));
    }
    Ok(bytes)
}

fn put(world: &mut World, req: Request<'_>, batch: bool) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "DeliveryStreamName",
        if batch { "Records" } else { "Record" },
    ])?;
    let name = req.str("DeliveryStreamName")?;
    let payloads: Vec<Vec<u8>> = if batch {
        let list = req
            .opt_list("Records")?
            .ok_or_else(|| crate::engine::api::request::missing("Records"))?;
        if list.is_empty() || list.len() > MAX_BATCH_RECORDS {
            return Err(ApiError::validation(
                &format!("<{} records>", list.len()),
                "records",
                &format!("Member must have length between 1 and {MAX_BATCH_RECORDS}"),
            ));
        }
        let mut out = Vec::with_capacity(list.len());
        for (i, r) in list.iter().enumerate() {
            out.push(decode_record(Request::new(r)?, &format!("Records[{i}]"))?);
        }
        let total: usize = out.iter().map(Vec::len).sum();
        if total > MAX_BATCH_BYTES {
            return Err(ApiError::invalid_argument(format!("PutRecordBatch carries {total} bytes; the limit is {MAX_BATCH_BYTES} (4 MiB) per call (semantics.md §4.1)")));
        }
        out
    } else {
        let r = req
            .opt_struct("Record")?
            .ok_or_else(|| crate::engine::api::request::missing("Record"))?;
        vec![decode_record(r, "Record")?]
    };
    let ds = find(world, name)?;
    if matches!(ds.source, Source::Kinesis { .. }) {
        return Err(ApiError::invalid_argument(format!("This operation is not permitted on KinesisStreamAsSource delivery stream type: {name} reads from a Kinesis data stream")));
    }
    if ds.status != Status::Active {
        return Err(ApiError::not_found(format!(
            "Firehose {name} is {}, not ACTIVE",
            ds.status.as_str()
        )));
    }
    with_stream(world, name, |world, ds| {
        put_into(world, ds, payloads, batch)
    })
    .unwrap_or_else(|| Err(ApiError::not_found(format!("Firehose {name} not found"))))
}

fn put_into(
    world: &mut World,
    ds: &mut DeliveryStream,
    payloads: Vec<Vec<u8>>,
    batch: bool,
) -> Result<Value, ApiError> {
    let now = world.now();
    let n = payloads.len() as u64;
    let total: u64 = payloads.iter().map(|p| p.len() as u64).sum();
    if !ds.quota.admit_request(now) {
        ds.metrics.at(now).throttled_records += n;
        return Err(ApiError::new(ErrorKind::ServiceUnavailableException, "Slow down. The Firehose stream's Direct PUT quota of 2,000 requests/s is exhausted (semantics.md §4.1)"));
    }
    let m = ds.metrics.at(now);
    m.incoming_put_requests += 1;
    let mut accepted = Vec::new();
    let mut responses = Vec::new();
    let mut failed = 0u64;
    for p in payloads {
        let bytes = p.len() as u64;
        if ds.quota.admit_record(now, bytes) {
            let m = ds.metrics.at(now);
            m.incoming_records += 1;
            m.incoming_bytes += bytes;
            accepted.push(p);
            responses.push(None);
        } else {
            failed += 1;
            ds.metrics.at(now).throttled_records += 1;
            responses.push(Some("Slow down. Direct PUT quota of 500,000 records/s or 5 MiB/s exceeded (semantics.md §4.1)"));
        }
    }
    if !batch && failed == 1 {
        return Err(ApiError::new(
            ErrorKind::ServiceUnavailableException,
            responses[0].unwrap_or("Slow down."),
        ));
    }
    let first_seq = ds.next_seq;
    let mut errors = ErrorSink::default();
    let payloads: Vec<_> = accepted.into_iter().map(|p| (p, None)).collect();
    let had_deagg = ds.destination.processing.processors.iter().any(|p| {
        matches!(
            p,
            crate::engine::firehose::config::Processor::RecordDeAggregation { .. }
        )
    });
    ingest(world, ds, payloads, &mut errors);
    if !errors.is_empty() {
        errors.write(world, ds);
    }
    let _ = total;
    // RecordIds in request order: the nth accepted payload's first record id.
    let mut ids = Vec::new();
    if had_deagg {
        // With de-aggregation one payload may become several records; report the payload's
        // position-based id.
        for i in 0..responses.iter().filter(|r| r.is_none()).count() as u64 {
            ids.push(format!(
                "{:020}{:012}{:024}",
                ds.created_ms,
                ds.version,
                first_seq + i
            ));
        }
    } else {
        for i in 0..responses.iter().filter(|r| r.is_none()).count() as u64 {
            ids.push(format!(
                "{:020}{:012}{:024}",
                ds.created_ms,
                ds.version,
                first_seq + i
            ));
        }
    }
    let mut ids = ids.into_iter();
    if !batch {
        return Ok(json!({ "RecordId": ids.next().unwrap_or_default(), "Encrypted": false }));
    }
    let entries: Vec<Value> = responses
        .into_iter()
        .map(|r| match r {
            None => json!({ "RecordId": ids.next().unwrap_or_default() }),
            Some(msg) => json!({ "ErrorCode": "ServiceUnavailableException", "ErrorMessage": msg }),
        })
        .collect();
    Ok(json!({ "FailedPutCount": failed, "Encrypted": false, "RequestResponses": entries }))
}
