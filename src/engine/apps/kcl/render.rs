//! JSON views of KCL applications for the `playground` service: the lease table as DynamoDB items,
//! workers, the anomaly ledger, consumer lag and the processed-records log.

use serde_json::{json, Value};

use crate::engine::apps::kcl::app::Application;
use crate::engine::apps::kcl::config::CheckpointPolicy;
use crate::engine::apps::kcl::lease::Checkpoint;
use crate::engine::apps::kcl::worker::{Processor, ProcessorState, Worker, WorkerState};
use crate::engine::kinesis::shard::shard_id;
use crate::engine::world::World;

/// The worker and processor currently working for lease `key` under its owner, if the owner is
/// alive or paused.
pub fn holder<'a>(app: &'a Application, key: &str) -> Option<(&'a Worker, &'a Processor)> {
    let owner = app.leases.get(key)?.owner.as_deref()?;
    let w = app.workers.iter().find(|w| w.id == owner)?;
    if matches!(
        w.state,
        WorkerState::Dead { .. } | WorkerState::Stopped { .. }
    ) {
        return None;
    }
    Some((w, w.processors.get(key)?))
}

/// Retained records of lease `key`'s shard not yet processed by the application at `now`. Views
/// never change the world, so records whose processing finished since the last event count as
/// processed here without being delivered yet.
pub fn records_behind(world: &World, app: &Application, key: &str) -> u64 {
    let now = world.now();
    let Some(lease) = app.leases.get(key) else {
        return 0;
    };
    let Some(shard) = world
        .kinesis
        .stream(&app.stream)
        .and_then(|s| s.shard(lease.shard))
    else {
        return 0;
    };
    let from = match holder(app, key) {
        Some((w, p)) if !p.buffer.is_empty() => {
            let per = w
                .processing_ms
                .unwrap_or(app.config.processing_ms_per_record);
            let done = match (w.is_alive() && p.state == ProcessorState::Processing, per) {
                (false, _) => 0,
                (true, 0) => p.buffer.len(),
                (true, per) => (now.saturating_sub(p.busy_until) / per) as usize,
            };
            match p.buffer.get(done) {
                Some(f) => Some(f.idx),
                None => p.buffer.back().map(|f| f.idx + 1),
            }
        }
        Some((_, p)) if p.last_processed.is_some() => p.last_processed.as_ref().map(|(_, i)| i + 1),
        Some((_, p)) if p.last_fetched.is_some() => p.last_fetched.as_ref().map(|(_, i)| i + 1),
        _ => match &lease.checkpoint {
            Checkpoint::Sequence(_, i) => Some(i + 1),
            Checkpoint::SubSequence(_, i, _) => Some(*i),
            Checkpoint::TrimHorizon | Checkpoint::AtTimestamp => Some(0),
            Checkpoint::Latest | Checkpoint::ShardEnd => None,
        },
    };
    match from {
        Some(pos) => (shard.records().len() - shard.first_at_or_after(pos)) as u64,
        None => 0,
    }
}

fn checkpoint_json(p: CheckpointPolicy) -> Value {
    match p {
        CheckpointPolicy::EveryRecords(n) => json!({ "Records": n }),
        CheckpointPolicy::EveryMillis(ms) => json!({ "Millis": ms }),
        CheckpointPolicy::Manual => json!("MANUAL"),
    }
}

/// One application for ListKclApplications.
pub fn application_json(world: &World, app: &Application) -> Value {
    let now = world.now();
    let workers: Vec<Value> = app
        .workers
        .iter()
        .map(|w| {
            let leases: Vec<&str> = app
                .leases
                .all()
                .filter(|l| l.owner.as_deref() == Some(w.id.as_str()))
                .map(|l| l.key.as_str())
                .collect();
            let mut v = json!({
                "WorkerId": w.id,
                "State": w.state.as_str(),
                "Leases": leases,
                "Processors": w.processors.values().map(|p| json!({
                    "LeaseKey": p.lease_key,
                    "State": p.state.label(),
                    "Buffered": p.buffer.len(),
                })).collect::<Vec<_>>(),
                "ProcessingMillisPerRecord": w.processing_ms.unwrap_or(app.config.processing_ms_per_record),
                "RecordsProcessed": w.processed,
                "StartedAt": w.started_at,
            });
            match w.state {
                WorkerState::Paused { until, .. } => v["PausedUntil"] = json!(until),
                WorkerState::Dead { at } | WorkerState::Stopped { at } => v["StoppedAt"] = json!(at),
                WorkerState::Alive => {}
            }
            v
        })
        .collect();
    json!({
        "ApplicationName": app.name,
        "StreamName": app.stream,
        "Status": if app.running { "RUNNING" } else { "STOPPED" },
        "InitialPositionInStream": app.config.initial_position.as_str(),
        "CheckpointEvery": checkpoint_json(app.config.checkpoint),
        "ProcessingMillisPerRecord": app.config.processing_ms_per_record,
        "IdempotentSink": app.config.idempotent_sink,
        "MaxRecords": app.config.max_records,
        "IdleTimeBetweenReadsInMillis": app.config.idle_time_between_reads_ms,
        "StartedAt": app.started_at,
        "Now": now,
        "Workers": workers,
        "LeaseCount": app.leases.len(),
        "RecordsProcessed": app.ledger.deliveries,
        "Duplicates": app.ledger.duplicates,
        "OutOfOrder": app.ledger.out_of_order,
    })
}

/// DescribeLeaseTable: the items as a DynamoDB Scan returns them, a flat view with expiry
/// countdowns, and the newest lease events.
pub fn lease_table_json(world: &World, app: &Application) -> Value {
    let now = world.now();
    let items: Vec<Value> = app.leases.all().map(|l| l.to_item()).collect();
    let leases: Vec<Value> = app
        .leases
        .all()
        .map(|l| {
            let p = holder(app, &l.key).map(|(_, p)| p);
            json!({
                "LeaseKey": l.key,
                "LeaseOwner": l.owner,
                "LeaseCounter": l.counter,
                "Checkpoint": l.checkpoint.as_str(),
                "CheckpointSubSequenceNumber": l.checkpoint_sub,
                "OwnerSwitchesSinceCheckpoint": l.owner_switches_since_checkpoint,
                "ParentShardIds": l.parents,
                "ChildShardIds": l.children,
                "LastCounterChangeMs": l.last_counter_change_ms,
                "ExpiresInMs": l.expires_in_ms(now),
                "Expired": l.is_expired(now),
                "ProcessorState": p.map(|p| p.state.label()),
                "Buffered": p.map_or(0, |p| p.buffer.len()),
            })
        })
        .collect();
    let events: Vec<Value> = app
        .events
        .iter()
        .map(|e| {
            json!({
                "At": e.at,
                "Event": e.kind.as_str(),
                "LeaseKey": e.lease_key,
                "WorkerId": e.worker,
                "Other": e.other,
                "ExpiredLeasesSeen": e.expired_seen,
                "Detail": e.detail,
            })
        })
        .collect();
    json!({
        "TableName": app.name,
        "Count": items.len(),
        "ScannedCount": items.len(),
        "Items": items,
        "Leases": leases,
        "Events": events,
        "EventsTotal": app.events_total,
    })
}

/// GetAnomalyLedger: totals and the newest `limit` entries, oldest first.
pub fn ledger_json(app: &Application, limit: usize) -> Value {
    let l = &app.ledger;
    let skip = l.entries.len().saturating_sub(limit);
    let entries: Vec<Value> = l
        .entries
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, e)| {
            let mut v = json!({
                "EntryId": i + 1,
                "Kind": e.kind.as_str(),
                "ShardId": shard_id(e.shard),
                "WorkerId": format!("worker-{}", e.worker),
                "PartitionKey": e.key.as_deref(),
                "FirstSequenceNumber": e.first_seq.as_ref(),
                "LastSequenceNumber": e.last_seq.as_ref(),
                "DeliveredAfterSequenceNumber": e.after_seq.as_deref(),
                "Count": e.count,
                "FirstAt": e.first_at,
                "LastAt": e.last_at,
                "Cause": e.describe(),
            });
            // User records of KPL aggregates are (shard, sequence, sub-sequence) (§2.6).
            if let Some(sub) = e.first_sub {
                v["FirstSubSequenceNumber"] = json!(sub);
            }
            if let Some(sub) = e.last_sub {
                v["LastSubSequenceNumber"] = json!(sub);
            }
            v
        })
        .collect();
    json!({
        "ApplicationName": app.name,
        "Deliveries": l.deliveries,
        "Duplicates": l.duplicates,
        "OutOfOrder": l.out_of_order,
        "EntryCount": l.entries.len(),
        "EntriesNotListed": l.entries_dropped,
        "Entries": entries,
    })
}

/// GetConsumerLag: per lease, records behind and MillisBehindLatest with a short trend.
pub fn lag_json(world: &World, app: &Application) -> Value {
    let shards: Vec<Value> = app
        .leases
        .all()
        .map(|l| {
            let lag = app.lag.get(&l.shard).cloned().unwrap_or_default();
            json!({
                "ShardId": l.key,
                "LeaseOwner": l.owner,
                "RecordsBehind": records_behind(world, app, &l.key),
                "MillisBehindLatest": lag.millis_behind_latest,
                "LastPollAt": lag.last_poll_ms,
                "GetRecordsCalls": lag.calls,
                "Throttled": lag.throttled,
                "RecordsFetched": lag.fetched,
                "LastError": lag.last_error,
                "Trend": lag.trend.iter().map(|(t, r, m)| json!({
                    "At": t, "RecordsBehind": r, "MillisBehindLatest": m,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "ApplicationName": app.name, "Now": world.now(), "Shards": shards })
}

/// GetProcessedRecords: the newest `limit` deliveries and the sink's size.
pub fn processed_json(app: &Application, limit: usize) -> Value {
    let l = &app.ledger;
    let skip = l.output.len().saturating_sub(limit);
    let records: Vec<Value> = l
        .output
        .iter()
        .skip(skip)
        .map(|r| {
            let mut v = json!({
                "ShardId": shard_id(r.shard),
                "SequenceNumber": r.seq.as_ref(),
                "PartitionKey": r.key.as_ref(),
                "WorkerId": format!("worker-{}", r.worker),
                "At": r.at,
                "Duplicate": r.duplicate,
            });
            if let Some(sub) = r.sub {
                // A user record of a KPL aggregate (§2.6).
                v["SubSequenceNumber"] = json!(sub);
            }
            v
        })
        .collect();
    let sink_rows = match &l.sink {
        Some(rows) => rows.len() as u64,
        None => l.deliveries,
    };
    json!({
        "ApplicationName": app.name,
        "Deliveries": l.deliveries,
        "Dropped": l.output_dropped,
        "Records": records,
        "Sink": { "Idempotent": l.sink.is_some(), "Rows": sink_rows },
    })
}
