//! The produce path (semantics.md §6.2, §6.3): partition choice (explicit > murmur2 of the key >
//! sticky for null keys), the broker's checks (leader, size, keys on compacted topics,
//! `min.insync.replicas` for `acks=all`, idempotent sequences) and the append with its
//! replication.

use std::collections::BTreeMap;

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::kafka::murmur2::partition_for_key;
use crate::engine::kafka::record::{KafkaRecord, Payload};
use crate::engine::kafka::{maintenance, replication};
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// `acks` (§6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acks {
    /// Fire and forget: the client never hears back (offset −1).
    Zero,
    /// Answered once the leader appended.
    One,
    /// Answered once every ISR member has it (`all` / `-1`).
    All,
}

impl Acks {
    /// Parses `"0"`, `"1"`, `"all"` or `"-1"`.
    pub fn parse(text: &str) -> Option<Acks> {
        match text {
            "0" => Some(Acks::Zero),
            "1" => Some(Acks::One),
            "all" | "-1" => Some(Acks::All),
            _ => None,
        }
    }

    /// Kafka's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Acks::Zero => "0",
            Acks::One => "1",
            Acks::All => "all",
        }
    }
}

/// The default `batch.size` (§6.3): also the sticky partitioner's switch threshold (§6.2).
pub const DEFAULT_BATCH_SIZE: u64 = 16_384;

/// A client's state on the cluster: its idempotent producer id and sequences, and its sticky
/// partitions for null keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientSession {
    /// Producer id from `InitProducerId` (−1 before the first idempotent send).
    pub producer_id: i64,
    /// Producer epoch.
    pub epoch: i16,
    /// Next sequence per (topic, partition).
    pub next_seq: BTreeMap<(String, u32), i32>,
    /// Sticky partition and bytes sent to it since it was chosen, per topic (§6.2).
    pub sticky: BTreeMap<String, (u32, u64)>,
}

impl Default for ClientSession {
    fn default() -> ClientSession {
        ClientSession {
            producer_id: -1,
            epoch: 0,
            next_seq: BTreeMap::new(),
            sticky: BTreeMap::new(),
        }
    }
}

/// One record as a producer sends it.
#[derive(Clone, Debug)]
pub struct OutgoingRecord {
    /// Key bytes (`None` = null key).
    pub key: Option<Payload>,
    /// Value bytes (`None` = tombstone).
    pub value: Option<Payload>,
    /// CreateTime.
    pub timestamp_ms: VirtualMs,
    /// Headers.
    pub headers: Vec<(String, Payload)>,
}

impl OutgoingRecord {
    /// Its size as the log counts it.
    pub fn size_bytes(&self) -> u64 {
        self.as_record(0, -1, -1).size_bytes()
    }

    fn as_record(&self, offset: u64, producer_id: i64, sequence: i32) -> KafkaRecord {
        KafkaRecord {
            offset,
            timestamp_ms: self.timestamp_ms,
            key: self.key.clone(),
            value: self.value.clone(),
            headers: self.headers.clone(),
            producer_id,
            sequence,
        }
    }
}

/// The idempotence fields of a batch (§6.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchSequence {
    /// Producer id.
    pub producer_id: i64,
    /// Producer epoch.
    pub epoch: i16,
    /// Sequence of the batch's first record.
    pub first_seq: i32,
}

/// What the broker did with a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// Offset of the batch's first record.
    pub base_offset: u64,
    /// The batch repeated already appended sequences and was discarded (answered with the
    /// original offsets).
    pub duplicate: bool,
}

fn unknown(topic: &str, partition: Option<u32>) -> ApiError {
    let what = match partition {
        Some(p) => format!("partition {topic}-{p}"),
        None => format!("topic {topic}"),
    };
    ApiError::new(
        ErrorKind::UnknownTopicOrPartitionException,
        format!("This server does not host this topic-partition: {what}"),
    )
}

/// `InitProducerId`: the broker hands `client` a producer id (once per session) (§6.3).
pub fn init_producer_id(world: &mut World, client: &str) -> (i64, i16) {
    let core = &mut world.kafka.core;
    let next = core.last_producer_id + 1;
    let s = core.clients.entry(client.to_string()).or_default();
    if s.producer_id < 0 {
        s.producer_id = next;
        core.last_producer_id = next;
    }
    (s.producer_id, s.epoch)
}

/// The partition for a record (§6.2): `explicit` if given (must exist), else murmur2 of the key,
/// else the client's sticky partition for `topic`, switched to another available partition once
/// `batch_size` bytes went to it (KIP-480/794).
pub fn choose_partition(
    world: &mut World,
    client: &str,
    topic: &str,
    explicit: Option<u32>,
    key: Option<&[u8]>,
    record_bytes: u64,
    batch_size: u64,
) -> Result<u32, ApiError> {
    let t = world
        .kafka
        .topics
        .get(topic)
        .ok_or_else(|| unknown(topic, None))?;
    let n = t.partitions.len() as u32;
    if let Some(p) = explicit {
        return if p < n {
            Ok(p)
        } else {
            Err(unknown(topic, Some(p)))
        };
    }
    if let Some(k) = key {
        return Ok(partition_for_key(k, n));
    }
    let cluster = &world.kafka.cluster;
    let available: Vec<u32> = (0..n)
        .filter(|i| {
            t.partitions[*i as usize]
                .leader
                .is_some_and(|l| cluster.is_online(l))
        })
        .collect();
    let candidates: Vec<u32> = if available.is_empty() {
        (0..n).collect()
    } else {
        available
    };
    let current = world
        .kafka
        .core
        .clients
        .get(client)
        .and_then(|c| c.sticky.get(topic).copied());
    let chosen = match current {
        Some((p, bytes)) if bytes < batch_size && p < n => p,
        _ => {
            let others: Vec<u32> = candidates
                .iter()
                .copied()
                .filter(|p| candidates.len() == 1 || Some(*p) != current.map(|c| c.0))
                .collect();
            let i = world.rng().below(others.len() as u64) as usize;
            let p = others.get(i).copied().unwrap_or(0);
            world
                .kafka
                .core
                .clients
                .entry(client.to_string())
                .or_default()
                .sticky
                .insert(topic.to_string(), (p, 0));
            p
        }
    };
    if let Some(s) = world
        .kafka
        .core
        .clients
        .get_mut(client)
        .and_then(|c| c.sticky.get_mut(topic))
    {
        s.1 += record_bytes;
    }
    Ok(chosen)
}

/// The broker's side of a produce request for one partition: checks, then appends `records`
/// as one batch on the leader; with `acks=all` every online ISR member has them before the
/// answer, otherwise followers catch up at the next replication event.
pub fn append_batch(
    world: &mut World,
    topic: &str,
    partition: u32,
    records: &[OutgoingRecord],
    acks: Acks,
    seq: Option<BatchSequence>,
) -> Result<Appended, ApiError> {
    let now = world.now();
    let cluster = world.kafka.cluster.clone();
    let t = world
        .kafka
        .topics
        .get_mut(topic)
        .ok_or_else(|| unknown(topic, None))?;
    let config = t.config.clone();
    let p = t
        .partitions
        .get_mut(partition as usize)
        .ok_or_else(|| unknown(topic, Some(partition)))?;
    let tp = format!("{topic}-{partition}");
    if !p.leader.is_some_and(|l| cluster.is_online(l)) {
        return Err(ApiError::new(
            ErrorKind::LeaderNotAvailableException,
            format!("Partition {tp} has no leader: no in-sync replica is online (§6.1)"),
        ));
    }
    for r in records {
        let size = r.size_bytes();
        if size > config.max_message_bytes {
            return Err(ApiError::new(
                ErrorKind::RecordTooLargeException,
                format!(
                    "The record is {size} bytes, larger than max.message.bytes {} of topic {topic}",
                    config.max_message_bytes
                ),
            ));
        }
        if config.compacted() && r.key.is_none() {
            return Err(ApiError::new(
                ErrorKind::InvalidRecordException,
                format!("Compacted topic {topic} cannot accept a record without a key (§6.5)"),
            ));
        }
    }
    let online_isr = p.isr.iter().filter(|b| cluster.is_online(**b)).count() as u32;
    if acks == Acks::All && online_isr < config.min_insync_replicas {
        return Err(ApiError::new(
            ErrorKind::NotEnoughReplicasException,
            format!(
                "The in-sync replica set of {tp} has {online_isr} member(s) {:?}, fewer than \
                 min.insync.replicas {} required by acks=all",
                p.isr, config.min_insync_replicas
            ),
        ));
    }
    if let Some(s) = seq {
        let n = records.len() as i32;
        if let Some(e) = p.producers.get(&s.producer_id) {
            if let Some(b) = e
                .recent
                .iter()
                .find(|b| b.0 == s.first_seq && b.1 == s.first_seq.wrapping_add(n - 1))
            {
                return Ok(Appended {
                    base_offset: b.2,
                    duplicate: true,
                });
            }
            let expected = e.last_seq.wrapping_add(1);
            if s.first_seq != expected {
                return Err(ApiError::new(
                    ErrorKind::OutOfOrderSequenceException,
                    format!(
                        "Producer {} sent sequence {} to {tp}; the broker expected {expected} (§6.3)",
                        s.producer_id, s.first_seq
                    ),
                ));
            }
        }
    }
    let mut base = None;
    let mut rolled = false;
    for (i, r) in records.iter().enumerate() {
        let (pid, sq) = seq.map_or((-1, -1), |s| {
            (s.producer_id, s.first_seq.wrapping_add(i as i32))
        });
        let (off, roll) = p.push(r.as_record(0, pid, sq), &config, now);
        base.get_or_insert(off);
        rolled |= roll;
    }
    let base_offset = base.unwrap_or(p.next_offset);
    if let Some(s) = seq {
        if !records.is_empty() {
            let last = s.first_seq.wrapping_add(records.len() as i32 - 1);
            let e = p.producers.entry(s.producer_id).or_default();
            e.epoch = s.epoch;
            e.last_seq = last;
            e.recent.push((s.first_seq, last, base_offset));
            if e.recent.len() > 5 {
                e.recent.remove(0);
            }
        }
    }
    if acks == Acks::All {
        let end = p.next_offset;
        for b in p.isr.clone() {
            if cluster.is_online(b) {
                p.replica_leo.insert(b, end);
            }
        }
    }
    p.recompute_high_watermark();
    let size_limited = config.deletes() && config.retention_bytes >= 0 && p.segments.len() > 1;
    if replication::lags(p, &cluster) {
        replication::schedule(world);
    }
    maintenance::after_append(world, rolled, size_limited);
    Ok(Appended {
        base_offset,
        duplicate: false,
    })
}
