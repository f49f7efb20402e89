//! The pump of a delivery stream: everything due at the current virtual time — Kinesis polls,
//! transform buffer flushes and invocations, destination buffer flushes (size or interval,
//! whichever first; semantics.md §4.2), delivery attempts — then the next wake-up.

use crate::engine::firehose::config::{BackupMode, Processor};
use crate::engine::firehose::delivery::{build_delivery, run_deliveries};
use crate::engine::firehose::delivery_stream::{DeliveryStream, FlushLog, Invocation, Status};
use crate::engine::firehose::error_output::{write_backup, ErrorSink, Failure};
use crate::engine::firehose::prefix::{evaluate, PrefixContext};
use crate::engine::firehose::processing::{
    check_response, invocation_event, run_function, RecordResult,
};
use crate::engine::firehose::record::{FhRecord, FlushReason};
use crate::engine::firehose::{FirehoseEvent, MAX_DATA_AGE_MS};
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// Active partitions allowed per delivery stream (§4.5 default).
pub const MAX_ACTIVE_PARTITIONS: usize = 500;
/// Sub-records allowed per record by de-aggregation (§4.5).
pub const MAX_SUB_RECORDS: usize = 500;

/// Runs `f` with delivery stream `name` taken out of the world (so `f` may use the world's RNG,
/// S3 and Kinesis freely), puts it back, and schedules its next pump.
pub fn with_stream<R>(
    world: &mut World,
    name: &str,
    f: impl FnOnce(&mut World, &mut DeliveryStream) -> R,
) -> Option<R> {
    let mut ds = world.firehose.streams.remove(name)?;
    let out = f(world, &mut ds);
    let next = next_due(&ds, world.now());
    let created = ds.created_ms;
    let schedule = match (next, ds.pump_at) {
        (Some(n), Some(at)) => n < at || at < world.now(),
        (Some(_), None) => true,
        _ => false,
    };
    if schedule {
        if let Some(n) = next {
            ds.pump_at = Some(n);
            world.firehose.streams.insert(name.to_string(), ds);
            world.schedule(
                n,
                Event::Firehose(FirehoseEvent::Pump {
                    stream: name.to_string(),
                    created_ms: created,
                }),
            );
            return Some(out);
        }
    }
    world.firehose.streams.insert(name.to_string(), ds);
    Some(out)
}

/// Handles a pump event.
pub fn on_event(world: &mut World, event: FirehoseEvent) {
    match event {
        FirehoseEvent::Pump { stream, created_ms } => {
            let now = world.now();
            let ok = world
                .firehose
                .streams
                .get(&stream)
                .is_some_and(|d| d.created_ms == created_ms);
            if !ok {
                return;
            }
            if let Some(ds) = world.firehose.streams.get_mut(&stream) {
                if ds.pump_at == Some(now) {
                    ds.pump_at = None;
                }
            }
            with_stream(world, &stream, pump);
        }
    }
}

/// Runs everything due now.
pub fn pump(world: &mut World, ds: &mut DeliveryStream) {
    let now = world.now();
    match ds.status {
        Status::Creating => {
            if now >= ds.created_ms + crate::engine::firehose::CREATE_DELAY_MS {
                ds.status = Status::Active;
                crate::engine::firehose::source::activate(world, ds);
            } else {
                return;
            }
        }
        Status::Deleting => return,
        Status::Active => {}
    }
    let mut errors = ErrorSink::default();
    crate::engine::firehose::source::poll_if_due(world, ds, &mut errors);
    flush_processing(world, ds, FlushReason::Interval, false);
    run_invocations(world, ds, &mut errors);
    flush_destination(world, ds, &mut errors, false);
    run_deliveries(world, ds, &mut errors);
    if !errors.is_empty() {
        errors.write(world, ds);
    }
    let fresh = ds.oldest_pending().map_or(0, |t| now.saturating_sub(t));
    let m = ds.metrics.at(now);
    m.freshness_ms = m.freshness_ms.max(fresh);
    m.partitions = m.partitions.max(ds.buffers.len() as u64);
}

/// When the stream next has something to do.
pub fn next_due(ds: &DeliveryStream, now: VirtualMs) -> Option<VirtualMs> {
    let mut due: Option<VirtualMs> = None;
    let mut see = |t: Option<VirtualMs>| {
        if let Some(t) = t {
            let t = t.max(now);
            due = Some(due.map_or(t, |d: VirtualMs| d.min(t)));
        }
    };
    match ds.status {
        Status::Creating => return Some(ds.created_ms + crate::engine::firehose::CREATE_DELAY_MS),
        Status::Deleting => return None,
        Status::Active => {}
    }
    if let crate::engine::firehose::delivery_stream::Source::Kinesis { next_poll_ms, .. } =
        &ds.source
    {
        see(Some(*next_poll_ms));
    }
    if let Some(Processor::Lambda {
        buffer_interval_ms, ..
    }) = ds.destination.processing.lambda()
    {
        see(ds.processing_buffer.deadline(*buffer_interval_ms));
    }
    if let Some(inv) = ds.invocations.front() {
        see(Some(inv.ends_ms.unwrap_or(now)));
    }
    for b in ds.buffers.values() {
        see(b.deadline(ds.destination.buffering.interval_ms));
    }
    if let Some(d) = ds.deliveries.front() {
        see(Some(d.in_flight.map_or(d.not_before, |(end, _, _)| end)));
    }
    // While anything is pending, wake at least once per second so DataFreshness is sampled.
    if ds.in_flight() > 0 {
        see(Some(now + 1000));
    }
    due
}

/// Accepts records into the pipeline (after de-aggregation) at `now`.
pub fn accept(
    world: &mut World,
    ds: &mut DeliveryStream,
    records: Vec<FhRecord>,
    errors: &mut ErrorSink,
) {
    let now = world.now();
    for r in records {
        ds.ledger.accepted += 1;
        if ds.destination.processing.lambda().is_some() {
            let (size, _) = lambda_hints(ds);
            ds.processing_buffer.push(r, now);
            if ds.processing_buffer.bytes >= size {
                flush_processing(world, ds, FlushReason::Size, true);
            }
        } else {
            after_transform(world, ds, r, errors);
        }
    }
    run_invocations(world, ds, errors);
    flush_destination(world, ds, errors, false);
    run_deliveries(world, ds, errors);
}

/// Splits a record per the `RecordDeAggregation` processor (§4.5), keeping everything else.
pub fn deaggregate(ds: &DeliveryStream, data: Vec<u8>) -> Result<Vec<Vec<u8>>, String> {
    let Some(Processor::RecordDeAggregation { delimiter }) =
        ds.destination.processing.processors.iter().find(|p| {
            ds.destination.processing.enabled && matches!(p, Processor::RecordDeAggregation { .. })
        })
    else {
        return Ok(vec![data]);
    };
    let parts: Vec<Vec<u8>> = match delimiter {
        None => {
            let mut out = Vec::new();
            let stream =
                serde_json::Deserializer::from_slice(&data).into_iter::<serde_json::Value>();
            for v in stream {
                let v = v.map_err(|e| format!("record is not a sequence of JSON objects: {e}"))?;
                out.push(v.to_string().into_bytes());
            }
            out
        }
        Some(d) => split_on(&data, d),
    };
    if parts.len() > MAX_SUB_RECORDS {
        return Err(format!(
            "record holds {} sub-records; the limit is {MAX_SUB_RECORDS}",
            parts.len()
        ));
    }
    Ok(parts)
}

fn split_on(data: &[u8], d: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + d.len() <= data.len() {
        if &data[i..i + d.len()] == d {
            out.push(data[start..i].to_vec());
            i += d.len();
            start = i;
        } else {
            i += 1;
        }
    }
    if start < data.len() {
        out.push(data[start..].to_vec());
    }
    out.retain(|p| !p.is_empty());
    out
}

fn lambda_hints(ds: &DeliveryStream) -> (u64, u64) {
    match ds.destination.processing.lambda() {
        Some(Processor::Lambda {
            buffer_bytes,
            buffer_interval_ms,
            ..
        }) => (*buffer_bytes, *buffer_interval_ms),
        _ => (u64::MAX, u64::MAX),
    }
}

/// Moves the transform buffer into an invocation when it is due (or `force`).
fn flush_processing(world: &mut World, ds: &mut DeliveryStream, reason: FlushReason, force: bool) {
    let now = world.now();
    let (size, interval) = lambda_hints(ds);
    let reason = if force {
        Some(reason)
    } else {
        ds.processing_buffer.due(size, interval, now)
    };
    let Some(reason) = reason else {
        return;
    };
    let bytes = ds.processing_buffer.bytes;
    let records = ds.processing_buffer.take();
    if records.is_empty() {
        return;
    }
    ds.log_flush(FlushLog {
        at_ms: now,
        reason,
        buffer: "transform".into(),
        records: records.len() as u64,
        bytes,
    });
    if ds.destination.backup_mode == BackupMode::SourceRecords {
        if let Some(target) = ds.destination.source_backup.clone() {
            write_backup(world, ds, &target, &records, true);
        }
    }
    ds.next_batch += 1;
    ds.invocations.push_back(Invocation {
        id: ds.next_batch,
        records,
        attempts: 0,
        ends_ms: None,
        failure: None,
        first_start_ms: now,
    });
}

/// Starts and completes transform invocations, one at a time, oldest first.
fn run_invocations(world: &mut World, ds: &mut DeliveryStream, errors: &mut ErrorSink) {
    let now = world.now();
    let Some(Processor::Lambda {
        function,
        retries,
        function_arn,
        ..
    }) = ds.destination.processing.lambda().cloned()
    else {
        return;
    };
    while let Some(inv) = ds.invocations.front_mut() {
        match inv.ends_ms {
            None => {
                // Start an attempt; its outcome is drawn now so the RNG order follows virtual time.
                inv.attempts += 1;
                let f = world.firehose.functions.get(&function).cloned();
                let (duration, failure) = match &f {
                    None => (
                        0,
                        Some((
                            "Lambda.FunctionNotFound".to_string(),
                            format!("function {function} does not exist"),
                        )),
                    ),
                    Some(f) if f.duration_ms > f.timeout_ms => (
                        f.timeout_ms,
                        Some((
                            "Lambda.FunctionTimeout".to_string(),
                            format!(
                                "the invocation took longer than the function's {} s timeout",
                                f.timeout_ms / 1000
                            ),
                        )),
                    ),
                    Some(f) => {
                        let fails = f.error_rate > 0.0 && world.rng().chance(f.error_rate);
                        (
                            f.duration_ms,
                            fails.then(|| {
                                (
                                    "Lambda.FunctionError".to_string(),
                                    "the function returned an error (simulated error rate)"
                                        .to_string(),
                                )
                            }),
                        )
                    }
                };
                let inv = ds.invocations.front_mut().expect("front exists");
                inv.failure = failure;
                inv.ends_ms = Some(now + duration);
                let m = ds.metrics.at(now);
                m.invocations += 1;
                m.invocation_ms += duration;
            }
            Some(end) if end <= now => {
                let mut inv = ds.invocations.pop_front().expect("front exists");
                let mut failure = inv.failure.take();
                let mut results = Vec::new();
                if failure.is_none() {
                    let event = invocation_event(
                        &format!("{:08}-invocation-{}", ds.created_ms, inv.id),
                        &ds.arn,
                        source_arn(ds),
                        &inv.records,
                        world.epoch(),
                    );
                    let response = match world.firehose.functions.get(&function) {
                        Some(f) => run_function(f, &event),
                        None => serde_json::json!({}),
                    };
                    match check_response(&inv.records, &response) {
                        Ok(r) => results = r,
                        Err(e) => failure = Some(e),
                    }
                }
                match failure {
                    Some((code, message)) if inv.attempts <= retries => {
                        let _ = (code, message);
                        inv.ends_ms = None;
                        ds.invocations.push_front(inv);
                        continue;
                    }
                    Some((code, message)) => {
                        for r in inv.records {
                            errors.add(
                                "processing-failed",
                                Failure {
                                    record: r,
                                    code: code.clone(),
                                    message: message.clone(),
                                    attempts: inv.attempts,
                                },
                            );
                        }
                    }
                    None => {
                        ds.metrics.at(now).invocations_ok += 1;
                        for (mut r, result) in inv.records.into_iter().zip(results) {
                            match result {
                                RecordResult::Ok { data, keys } => {
                                    let m = ds.metrics.at(now);
                                    m.processed_records += 1;
                                    m.processed_bytes += data.len() as u64;
                                    r.data = data;
                                    r.lambda_keys = keys;
                                    after_transform(world, ds, r, errors);
                                }
                                RecordResult::Dropped => ds.ledger.dropped += 1,
                                RecordResult::Failed { code, message } => {
                                    errors.add(
                                        "processing-failed",
                                        Failure {
                                            record: r,
                                            code,
                                            message,
                                            attempts: inv.attempts,
                                        },
                                    );
                                }
                            }
                        }
                    }
                }
                let _ = &function_arn;
            }
            Some(_) => break,
        }
    }
}

fn source_arn(ds: &DeliveryStream) -> Option<&str> {
    match &ds.source {
        crate::engine::firehose::delivery_stream::Source::Kinesis { arn, .. } => Some(arn.as_str()),
        _ => None,
    }
}

/// Partition keys, delimiter, and into the destination buffer of the record's partition.
fn after_transform(
    world: &mut World,
    ds: &mut DeliveryStream,
    mut r: FhRecord,
    errors: &mut ErrorSink,
) {
    let now = world.now();
    if let Some(keys) = ds.destination.processing.metadata_keys() {
        match crate::engine::firehose::config::processing::extract_keys(keys, &r.data) {
            Ok(k) => r.query_keys = k,
            Err(message) => {
                errors.add(
                    "partitioning-failed",
                    Failure {
                        record: r,
                        code: "DynamicPartitioning.MetadataExtractionFailed".into(),
                        message,
                        attempts: 1,
                    },
                );
                return;
            }
        }
    }
    for p in &ds.destination.processing.processors {
        if let Processor::AppendDelimiterToRecord { delimiter } = p {
            if ds.destination.processing.enabled {
                r.data.extend_from_slice(delimiter);
            }
        }
    }
    let partition = if ds.destination.partitioning.is_some() {
        let ctx = PrefixContext {
            unix_ms: world.epoch().to_unix_ms(r.arrival_ms),
            error_output_type: None,
            from_query: &r.query_keys,
            from_lambda: &r.lambda_keys,
        };
        let template = ds.destination.s3.prefix.clone().unwrap_or_default();
        match evaluate(&template, &ctx, world.rng()) {
            Ok(p) => p,
            Err(message) => {
                errors.add(
                    "partitioning-failed",
                    Failure {
                        record: r,
                        code: "DynamicPartitioning.PrefixEvaluationFailed".into(),
                        message,
                        attempts: 1,
                    },
                );
                return;
            }
        }
    } else {
        String::new()
    };
    if !ds.buffers.contains_key(&partition) && ds.buffers.len() >= MAX_ACTIVE_PARTITIONS {
        ds.metrics.at(now).partition_exceeded += 1;
        errors.add(
            "activePartitionExceeded",
            Failure {
                record: r,
                code: "DynamicPartitioning.ActivePartitionsLimitExceeded".into(),
                message: format!("more than {MAX_ACTIVE_PARTITIONS} active partitions"),
                attempts: 1,
            },
        );
        return;
    }
    let size = ds.destination.buffering.size_bytes;
    let b = ds.buffers.entry(partition.clone()).or_default();
    b.push(r, now);
    if b.bytes >= size {
        flush_one(world, ds, &partition, FlushReason::Size, errors);
    }
}

/// Flushes every destination buffer that is due (or all, if `all`).
pub fn flush_destination(
    world: &mut World,
    ds: &mut DeliveryStream,
    errors: &mut ErrorSink,
    all: bool,
) {
    let now = world.now();
    let h = ds.destination.buffering;
    let due: Vec<(String, FlushReason)> = ds
        .buffers
        .iter()
        .filter_map(|(k, b)| {
            let reason = if all && !b.records.is_empty() {
                Some(FlushReason::ConfigChange)
            } else {
                b.due(h.size_bytes, h.interval_ms, now)
            };
            reason.map(|r| (k.clone(), r))
        })
        .collect();
    for (k, reason) in due {
        flush_one(world, ds, &k, reason, errors);
    }
}

fn flush_one(
    world: &mut World,
    ds: &mut DeliveryStream,
    partition: &str,
    reason: FlushReason,
    errors: &mut ErrorSink,
) {
    let now = world.now();
    let Some(b) = ds.buffers.get_mut(partition) else {
        return;
    };
    let bytes = b.bytes;
    let records = b.take();
    ds.buffers.remove(partition);
    if records.is_empty() {
        return;
    }
    ds.log_flush(FlushLog {
        at_ms: now,
        reason,
        buffer: partition.to_string(),
        records: records.len() as u64,
        bytes,
    });
    if ds.destination.backup_mode == BackupMode::SourceRecords
        && ds.destination.processing.lambda().is_none()
    {
        if let Some(target) = ds.destination.source_backup.clone() {
            write_backup(world, ds, &target, &records, true);
        }
    }
    // Records older than the 24-hour limit are gone before they are sent.
    if let Some(d) = build_delivery(world, ds, partition, reason, records, errors) {
        ds.deliveries.push_back(d);
    }
    let _ = MAX_DATA_AGE_MS;
}

/// Flushes every buffer and transform batch at once (UpdateDestination, §4.4 version bump).
pub fn flush_all(world: &mut World, ds: &mut DeliveryStream) {
    let mut errors = ErrorSink::default();
    flush_processing(world, ds, FlushReason::ConfigChange, true);
    flush_destination(world, ds, &mut errors, true);
    if !errors.is_empty() {
        errors.write(world, ds);
    }
}
