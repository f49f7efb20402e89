//! The Kinesis source connector's tasks (semantics.md §6.6): each task reads the shards dealt to
//! it (shard index % tasks.max = task id) through the real Kinesis read path and produces every
//! record to the topic, keyed by its partition key; source offsets (last sequence number per
//! shard) are flushed every `offset.flush.interval.ms`.

use base64::Engine as _;

use crate::engine::apps::consumer_apps::stream_shards;
use crate::engine::apps::sdk_consumer::{tick_collect, IteratorStart, SdkConsumer, SdkShard};
use crate::engine::kafka::connect::{ConnectTask, Connector, ConnectorKind, TaskState};
use crate::engine::kinesis::shard::shard_id;
use crate::engine::world::World;

/// A fresh reader for task `id` of `tasks`, resuming after the flushed `offsets` (shard id →
/// sequence number) where there are any.
pub fn new_reader(world: &World, c: &Connector, id: u32, tasks: u32) -> Option<Box<SdkConsumer>> {
    let ConnectorKind::KinesisSource {
        stream,
        from_trim_horizon,
        ..
    } = &c.kind
    else {
        return None;
    };
    let start = if *from_trim_horizon {
        IteratorStart::TrimHorizon
    } else {
        IteratorStart::Latest
    };
    let mut r = SdkConsumer::new(world, stream, start, 1_000, 10_000);
    for (index, s) in r.shards.iter_mut() {
        if let Some(seq) = c.offsets.get(&shard_id(*index)) {
            s.last_sequence = Some(seq.clone());
            s.finished = false;
        }
        if index % tasks.max(1) != id {
            s.finished = true;
        }
    }
    Some(Box::new(r))
}

/// Marks shards the task does not own as done for its reader (new children included), so only
/// the owner reads them.
fn claim_owned(world: &World, r: &mut SdkConsumer, id: u32, tasks: u32) {
    for (index, _, _) in stream_shards(world, &r.stream, r.stream_created_ms).unwrap_or_default() {
        let owned = index % tasks.max(1) == id;
        let s = r.shards.entry(index).or_insert_with(|| SdkShard {
            from_trim_horizon: true,
            ..SdkShard::default()
        });
        if !owned {
            s.finished = true;
        }
    }
}

/// One poll of every running task of source connector `c`, then the offset flush if due.
pub fn poll(world: &mut World, c: &mut Connector) {
    let ConnectorKind::KinesisSource { topic, .. } = &c.kind else {
        return;
    };
    let topic = topic.clone();
    let tasks = c.tasks.len() as u32;
    let now = world.now();
    for t in c.tasks.iter_mut() {
        if t.state != TaskState::Running || c.paused {
            continue;
        }
        let Some(reader) = t.reader.as_mut() else {
            continue;
        };
        claim_owned(world, reader, t.id, tasks);
        let mut read = Vec::new();
        if tick_collect(world, reader, Some(&mut read)).is_none() {
            fail(t, "the Kinesis stream was deleted");
            continue;
        }
        for (index, r) in read {
            let key = r["PartitionKey"].as_str().unwrap_or_default().to_string();
            let data = base64::engine::general_purpose::STANDARD
                .decode(r["Data"].as_str().unwrap_or_default())
                .unwrap_or_default();
            let client = format!("connector-{}-{}", c.name, t.id);
            match crate::engine::kafka::produce_keyed(world, &client, &topic, key.as_bytes(), &data)
            {
                Ok(_) => {
                    t.records += 1;
                    let seq = r["SequenceNumber"].as_str().unwrap_or_default();
                    let sid = shard_id(index);
                    // Sequence numbers of a shard are equal-length decimal strings (§1.5).
                    let later = |a: &str, b: &str| (a.len(), a) > (b.len(), b);
                    match c.high_water.get(&sid) {
                        Some(h) if !later(seq, h) => c.replayed += 1,
                        _ => {
                            c.high_water.insert(sid.clone(), seq.to_string());
                        }
                    }
                    t.pending_offsets.insert(sid, seq.to_string());
                }
                Err(e) => {
                    fail(t, &format!("producing to {topic} failed: {e}"));
                    break;
                }
            }
        }
    }
    if now.saturating_sub(c.last_flush_ms) >= c.flush_interval_ms {
        flush(c, now);
    }
}

/// Writes every task's pending source offsets to the offset store.
pub fn flush(c: &mut Connector, now: u64) {
    for t in c.tasks.iter_mut() {
        for (k, v) in std::mem::take(&mut t.pending_offsets) {
            c.offsets.insert(k, v);
        }
    }
    c.last_flush_ms = now;
}

fn fail(t: &mut ConnectTask, why: &str) {
    t.state = TaskState::Failed;
    t.trace = Some(why.to_string());
    t.reader = None;
    // Offsets not flushed are lost with the task: a restart re-reads those records.
    t.pending_offsets.clear();
}

/// Fails task `t` (a simulated crash of its worker thread).
pub fn crash(t: &mut ConnectTask) {
    fail(
        t,
        "org.apache.kafka.connect.errors.ConnectException: task killed (simulated)",
    );
}

/// Restarts task `t` of source connector `c` from the flushed offsets; counts the records it will
/// produce again (read after the last flush) in `c.replayed` as they arrive.
pub fn restart(world: &World, c: &Connector, t: &mut ConnectTask, tasks: u32) {
    t.reader = new_reader(world, c, t.id, tasks);
    t.state = TaskState::Running;
    t.trace = None;
    t.restarts += 1;
    t.pending_offsets.clear();
}
