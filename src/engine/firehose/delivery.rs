//! Delivery (semantics.md §4.5, §4.6): building each flushed batch (format conversion →
//! compression → object), attempting it against the destination on virtual time (latency, error
//! rate, outages), retrying for the destination's retry duration, and then the error output or
//! backup. At-least-once: an attempt whose acknowledgement is lost is sent again.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::firehose::compression::{compress, CompressionFormat};
use crate::engine::firehose::config::destination::IndexRotation;
use crate::engine::firehose::config::{BackupMode, DestinationKind};
use crate::engine::firehose::delivery_stream::{Delivery, DeliveryStream};
use crate::engine::firehose::error_output::{write_backup, write_object, ErrorSink, Failure};
use crate::engine::firehose::parquet::{deserialize, write_parquet};
use crate::engine::firehose::prefix::{evaluate, object_name, uuid, PrefixContext};
use crate::engine::firehose::record::{FhRecord, FlushReason};
use crate::engine::firehose::stores::{CopyRun, Document, Received};
use crate::engine::firehose::MAX_DATA_AGE_MS;
use crate::engine::time::{civil_from_unix_secs, VirtualMs};
use crate::engine::world::World;

/// Longest wait between two attempts of one batch, ms (model).
pub const MAX_BACKOFF_MS: u64 = 30_000;

/// Builds the batch for a flush: converts and compresses S3 objects now (Redshift's staging
/// object is written to S3 at once; COPY is the delivery attempt).
pub fn build_delivery(
    world: &mut World,
    ds: &mut DeliveryStream,
    partition: &str,
    reason: FlushReason,
    records: Vec<FhRecord>,
    errors: &mut ErrorSink,
) -> Option<Delivery> {
    let now = world.now();
    let mut records = records;
    let mut body: Vec<u8> = Vec::new();
    let is_s3 = matches!(
        ds.destination.kind,
        DestinationKind::S3 { .. } | DestinationKind::Redshift { .. }
    );
    if let Some(conv) = ds.destination.conversion.clone() {
        let mut rows = Vec::new();
        let mut kept = Vec::new();
        for r in records {
            match deserialize(&conv.schema, &conv.deserializer, &r.data) {
                Ok(mut rs) => {
                    rows.append(&mut rs);
                    kept.push(r);
                }
                Err(message) => {
                    ds.metrics.at(now).conversion_failed_records += 1;
                    errors.add(
                        "format-conversion-failed",
                        Failure {
                            record: r,
                            code: "DataFormatConversion.MalformedData".into(),
                            message,
                            attempts: 1,
                        },
                    );
                }
            }
        }
        ds.metrics.at(now).converted_records += kept.len() as u64;
        records = kept;
        if records.is_empty() {
            return None;
        }
        body = write_parquet(&conv.schema, &rows, conv.compression);
    } else if is_s3 {
        for r in &records {
            body.extend_from_slice(&r.data);
        }
    }
    ds.next_batch += 1;
    let oldest = records.iter().map(|r| r.arrival_ms).min().unwrap_or(now);
    let object = if is_s3 {
        let unix_ms = world.epoch().to_unix_ms(oldest);
        let prefix = if ds.destination.partitioning.is_some() {
            partition.to_string()
        } else {
            let ctx = PrefixContext {
                unix_ms,
                ..Default::default()
            };
            evaluate(
                ds.destination.s3.prefix.as_deref().unwrap_or(""),
                &ctx,
                world.rng(),
            )
            .unwrap_or_default()
        };
        let compression = ds.destination.s3.compression;
        let id = uuid(world.rng());
        let ext = ds
            .destination
            .s3
            .file_extension
            .clone()
            .unwrap_or_else(|| compression.extension().to_string());
        let name = object_name(&ds.name, ds.version, unix_ms, &id, &ext);
        let raw_len = body.len() as u64;
        let bytes = compress(compression, &body, &name, unix_ms / 1000);
        let key = format!("{prefix}{name}");
        if matches!(ds.destination.kind, DestinationKind::Redshift { .. }) {
            let bucket = ds.destination.s3.bucket.clone();
            world.s3.put_object(
                &bucket,
                &key,
                bytes.clone(),
                now,
                Some(raw_len),
                Some(records.len() as u64),
            );
        }
        Some((key, bytes, raw_len))
    } else {
        None
    };
    Some(Delivery {
        id: ds.next_batch,
        reason,
        partition: partition.to_string(),
        records,
        object,
        attempts: 0,
        first_attempt_ms: None,
        in_flight: None,
        not_before: now,
        last_error: None,
        committed: false,
    })
}

/// Runs the attempts due now, oldest batch first (one in flight at a time).
pub fn run_deliveries(world: &mut World, ds: &mut DeliveryStream, errors: &mut ErrorSink) {
    let now = world.now();
    let is_s3 = matches!(ds.destination.kind, DestinationKind::S3 { .. });
    loop {
        let Some(d) = ds.deliveries.front_mut() else {
            return;
        };
        let oldest = d.records.iter().map(|r| r.arrival_ms).min().unwrap_or(now);
        match d.in_flight {
            None if now.saturating_sub(oldest) > MAX_DATA_AGE_MS => {
                let d = ds.deliveries.pop_front().expect("front exists");
                ds.ledger.expired += d.records.len() as u64;
            }
            None if d.not_before > now => return,
            None => {
                d.attempts += 1;
                d.first_attempt_ms.get_or_insert(now);
                let b = ds.behaviour.clone();
                let ok = if b.outage_until > now {
                    false
                } else {
                    !(b.error_rate > 0.0 && world.rng().chance(b.error_rate))
                };
                let lost_ack =
                    ok && !is_s3 && b.lost_ack_rate > 0.0 && world.rng().chance(b.lost_ack_rate);
                let d = ds.deliveries.front_mut().expect("front exists");
                if !ok {
                    d.last_error = Some(if b.outage_until > now {
                        "destination unavailable (outage)".into()
                    } else {
                        "destination returned an error (simulated error rate)".into()
                    });
                }
                d.in_flight = Some((now + b.latency_ms, ok, lost_ack));
                ds.metrics.at(now).delivery_attempts += 1;
            }
            Some((end, _, _)) if end > now => return,
            Some((_, ok, lost_ack)) => {
                d.in_flight = None;
                let committed = ok && commit(world, ds, errors);
                let d = ds.deliveries.front_mut().expect("front exists");
                if committed && !lost_ack {
                    let d = ds.deliveries.pop_front().expect("front exists");
                    ds.metrics.at(now).delivery_ok += 1;
                    if ds.destination.backup_mode == BackupMode::All {
                        let target = ds.destination.s3.clone();
                        write_backup(world, ds, &target, &d.records, false);
                    }
                    continue;
                }
                if lost_ack {
                    d.last_error = Some(
                        "no acknowledgement before the timeout; the batch will be sent again"
                            .into(),
                    );
                }
                let first = d.first_attempt_ms.unwrap_or(now);
                let retry_ms = ds.destination.retry_ms;
                if now.saturating_sub(first) < retry_ms {
                    let backoff = (1000u64 << (d.attempts.min(16) - 1).min(5)).min(MAX_BACKOFF_MS);
                    d.not_before = now + backoff.min(retry_ms.saturating_sub(now - first)).max(1);
                    continue;
                }
                let d = ds.deliveries.pop_front().expect("front exists");
                give_up(world, ds, d, errors);
            }
        }
    }
}

/// After the retry duration: S3 keeps data up to 24 h (then it is lost, counted as expired);
/// Redshift lists the skipped object in a manifest under `errors/`; the others write the
/// records to `<destination>-failed/` in the backup bucket (§4.6).
fn give_up(world: &mut World, ds: &mut DeliveryStream, d: Delivery, errors: &mut ErrorSink) {
    let n = d.records.len() as u64;
    let message = d
        .last_error
        .clone()
        .unwrap_or_else(|| "delivery failed".into());
    match &ds.destination.kind {
        DestinationKind::S3 { .. } => ds.ledger.expired += n,
        DestinationKind::Redshift { .. } => {
            let target = ds.destination.s3.clone();
            let (key, _, _) = d.object.clone().unwrap_or_default();
            let manifest = json!({ "entries": [{ "url": format!("s3://{}/{}", target.bucket, key), "mandatory": true }] });
            let oldest = d
                .records
                .iter()
                .map(|r| r.arrival_ms)
                .min()
                .unwrap_or(world.now());
            let prefix = format!(
                "{}errors/manifests/",
                crate::engine::firehose::prefix::literal_head(target.prefix.as_deref())
            );
            write_object(
                world,
                ds,
                &target,
                &prefix,
                manifest.to_string().into_bytes(),
                n,
                oldest,
                CompressionFormat::Uncompressed,
            );
            ds.ledger.failed += n;
        }
        kind => {
            let ty = kind.failed_output_type();
            let code = match kind {
                DestinationKind::Splunk { .. } => "Splunk.ConnectionTimeout",
                DestinationKind::OpenSearch { .. } => "OS.ServiceUnavailable",
                DestinationKind::Snowflake { .. } => "Snowflake.ConnectionFailure",
                _ => "HttpEndpoint.ResponseError",
            };
            if ds.destination.backup_mode == BackupMode::All {
                let target = ds.destination.s3.clone();
                write_backup(world, ds, &target, &d.records, false);
            }
            for r in d.records {
                errors.add(
                    ty,
                    Failure {
                        record: r,
                        code: code.into(),
                        message: message.clone(),
                        attempts: d.attempts,
                    },
                );
            }
        }
    }
}

/// Hands the front batch to the destination. Returns false if the destination refused the batch
/// as a whole (a Redshift COPY error), which is retried like any failed attempt.
fn commit(world: &mut World, ds: &mut DeliveryStream, errors: &mut ErrorSink) -> bool {
    let now = world.now();
    let epoch = world.epoch();
    let Some(d) = ds.deliveries.front() else {
        return false;
    };
    let n = d.records.len() as u64;
    let bytes: u64 = d.records.iter().map(|r| r.data.len() as u64).sum();
    let attempt = d.attempts;
    let request_id = format!(
        "{:08x}-{:04x}-firehose-{}",
        ds.created_ms,
        d.id & 0xffff,
        d.id
    );
    let mut failed: Vec<(usize, String)> = Vec::new();
    match ds.destination.kind.clone() {
        DestinationKind::S3 { .. } => {
            let Some((key, bytes_obj, raw)) = d.object.clone() else {
                return false;
            };
            let bucket = ds.destination.s3.bucket.clone();
            world
                .s3
                .put_object(&bucket, &key, bytes_obj, now, Some(raw), Some(n));
            ds.ledger.objects += 1;
            ds.metrics.at(now).objects += 1;
        }
        DestinationKind::Redshift {
            table,
            columns,
            json,
            delimiter,
        } => {
            let mut rows = Vec::new();
            let mut cols = if ds.store.columns.is_empty() {
                columns.clone()
            } else {
                ds.store.columns.clone()
            };
            for r in &d.records {
                let text = String::from_utf8_lossy(&r.data);
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    if json {
                        let Ok(Value::Object(m)) = serde_json::from_str::<Value>(line) else {
                            ds.store.copies.push(CopyRun {
                                object: format!("FAILED: {line:.40}"),
                                rows: 0,
                                at_ms: now,
                            });
                            let d = ds.deliveries.front_mut().expect("front exists");
                            d.last_error = Some(format!("Load into table '{table}' failed: a line is not a JSON object. Check 'stl_load_errors' system table for details."));
                            return false;
                        };
                        if cols.is_empty() {
                            cols = m.keys().cloned().collect();
                        }
                        rows.push(
                            cols.iter()
                                .map(|c| {
                                    m.iter().find(|(k, _)| k.eq_ignore_ascii_case(c)).map_or(
                                        String::new(),
                                        |(_, v)| {
                                            v.as_str().map_or_else(|| v.to_string(), str::to_string)
                                        },
                                    )
                                })
                                .collect::<Vec<_>>(),
                        );
                    } else {
                        let cells: Vec<String> =
                            line.split(delimiter).map(str::to_string).collect();
                        if cells.len() != cols.len() {
                            let d = ds.deliveries.front_mut().expect("front exists");
                            d.last_error = Some(format!("Load into table '{table}' failed: a line has {} fields, the table {} columns. Check 'stl_load_errors' system table for details.", cells.len(), cols.len()));
                            return false;
                        }
                        rows.push(cells);
                    }
                }
            }
            ds.store.columns = cols;
            let count = rows.len() as u64;
            ds.store.rows.extend(rows);
            let object = d.object.as_ref().map(|o| o.0.clone()).unwrap_or_default();
            if ds.store.copies.len() == crate::engine::firehose::stores::Store::MAX_LOG {
                ds.store.copies.remove(0);
            }
            ds.store.copies.push(CopyRun {
                object,
                rows: count,
                at_ms: now,
            });
        }
        DestinationKind::OpenSearch { index, rotation } => {
            let name = rotated_index(&index, rotation, epoch.to_unix_ms(now));
            for (i, r) in d.records.iter().enumerate() {
                match serde_json::from_slice::<Value>(&r.data) {
                    Ok(v @ Value::Object(_)) => {
                        let doc = Document {
                            id: format!("{}-{}", r.record_id, attempt),
                            source: v,
                            indexed_ms: now,
                        };
                        ds.store.indices.entry(name.clone()).or_default().push(doc);
                    }
                    _ => failed.push((
                        i,
                        "mapper_parsing_exception: the document is not a single-line JSON object"
                            .into(),
                    )),
                }
            }
        }
        DestinationKind::Splunk { .. } => {
            for r in &d.records {
                ds.store.payloads.push(r.data.clone());
            }
            ds.store.log_request(Received {
                request_id,
                at_ms: now,
                records: n,
                body_bytes: bytes,
                attempt,
            });
        }
        DestinationKind::HttpEndpoint { gzip, .. } => {
            let recs: Vec<Value> = d.records.iter().map(|r| json!({ "data": base64::engine::general_purpose::STANDARD.encode(&r.data) })).collect();
            let body = json!({ "requestId": request_id, "timestamp": epoch.to_unix_ms(now), "records": recs }).to_string().into_bytes();
            let sent = if gzip {
                compress(CompressionFormat::Gzip, &body, "", 0).len()
            } else {
                body.len()
            };
            for r in &d.records {
                ds.store.payloads.push(r.data.clone());
            }
            ds.store.log_request(Received {
                request_id,
                at_ms: now,
                records: n,
                body_bytes: sent as u64,
                attempt,
            });
        }
        DestinationKind::Snowflake { .. } => {
            for (i, r) in d.records.iter().enumerate() {
                match serde_json::from_slice::<Value>(&r.data) {
                    Ok(Value::Object(m)) => {
                        for k in m.keys() {
                            if !ds.store.columns.contains(k) {
                                ds.store.columns.push(k.clone());
                            }
                        }
                        let row = ds
                            .store
                            .columns
                            .iter()
                            .map(|c| {
                                m.get(c).map_or(String::new(), |v| {
                                    v.as_str().map_or_else(|| v.to_string(), str::to_string)
                                })
                            })
                            .collect();
                        ds.store.rows.push(row);
                    }
                    _ => failed.push((
                        i,
                        "the record is not a JSON object; Snowflake rows need one".into(),
                    )),
                }
            }
            ds.store.log_request(Received {
                request_id,
                at_ms: now,
                records: n,
                body_bytes: bytes,
                attempt,
            });
        }
    }
    let d = ds.deliveries.front().expect("front exists");
    let good = n - failed.len() as u64;
    if d.committed {
        ds.ledger.duplicates += good;
    } else {
        ds.ledger.delivered += good;
    }
    let m = ds.metrics.at(now);
    m.delivered_records += good;
    m.delivered_bytes += bytes;
    let ty = ds.destination.kind.failed_output_type();
    let d = ds.deliveries.front_mut().expect("front exists");
    d.committed = true;
    // Per-document failures leave the batch (they go to the error output once).
    for (i, message) in failed.iter().rev() {
        let r = d.records.remove(*i);
        errors.add(
            ty,
            Failure {
                record: r,
                code: "OS.MapperParsingException".into(),
                message: message.clone(),
                attempts: d.attempts,
            },
        );
    }
    true
}

/// The OpenSearch index name for `index` rotated at `unix_ms` (§4.6).
pub fn rotated_index(index: &str, rotation: IndexRotation, unix_ms: u64) -> String {
    let (y, mo, d, h, _, _) = civil_from_unix_secs(unix_ms / 1000);
    match rotation {
        IndexRotation::NoRotation => index.to_string(),
        IndexRotation::OneHour => format!("{index}-{y:04}-{mo:02}-{d:02}-{h:02}"),
        IndexRotation::OneDay => format!("{index}-{y:04}-{mo:02}-{d:02}"),
        IndexRotation::OneWeek => {
            let (wy, w) = iso_week(unix_ms / 1000);
            format!("{index}-{wy:04}-w{w:02}")
        }
        IndexRotation::OneMonth => format!("{index}-{y:04}-{mo:02}"),
    }
}

/// ISO-8601 (week-year, week) of Unix seconds.
pub fn iso_week(secs: u64) -> (i64, u32) {
    let days = (secs / 86_400) as i64;
    let weekday = (days + 3).rem_euclid(7); // 0 = Monday (1970-01-01 was a Thursday)
    let thursday = days - weekday + 3;
    let (ty, _, _, _, _, _) = civil_from_unix_secs((thursday.max(0) as u64) * 86_400);
    let jan1 = days_from_civil(ty, 1, 1);
    (ty, ((thursday - jan1) / 7 + 1) as u32)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Age of a delivery's oldest record.
pub fn batch_age(d: &Delivery, now: VirtualMs) -> VirtualMs {
    d.records
        .iter()
        .map(|r| now.saturating_sub(r.arrival_ms))
        .max()
        .unwrap_or(0)
}
