//! Apache Kafka as in Amazon MSK (semantics.md §6): brokers in three Availability Zones, topics
//! with replicated partitions, producers (murmur2 partitioning, acks, batching, idempotence),
//! consumer groups (assignors, rebalances, committed offsets), retention and compaction, and
//! Kafka Connect — on the same virtual time as Kinesis, behind service `kafka` of the one
//! dispatcher.
//!
//! One record's path: `Produce` (or a simulated producer's batch after `linger.ms`) → partition
//! choice (explicit, murmur2 of the key, or sticky) → the leader's log (offset = log end offset)
//! → followers' log end offsets → high watermark (lowest LEO of the ISR) → `Poll` of the group
//! member that owns the partition, from its position → commit (next offset to read).
//!
//! Map:
//! - [`murmur2`]: the Java client's key hash and partition choice.
//! - [`record`], [`partition`], [`topic`], [`cluster`]: state.
//! - [`actions`]: service `kafka` (routing); `actions_*`: its action families.

pub mod actions;
pub mod actions_admin;
pub mod actions_connect;
pub mod actions_consumer_app;
pub mod actions_describe;
pub mod actions_group;
pub mod actions_produce;
pub mod assignor;
pub mod cluster;
pub mod compaction;
pub mod connect;
pub mod connect_sink;
pub mod connect_source;
pub mod consumer;
pub mod consumer_app;
pub mod coordinator;
pub mod group;
pub mod lenses;
pub mod maintenance;
pub mod murmur2;
pub mod partition;
pub mod produce;
pub mod producer_app;
pub mod producer_run;
pub mod rebalance;
pub mod record;
pub mod replication;
pub mod retention;
pub mod segment;
pub mod state;
pub mod topic;

use std::collections::BTreeMap;

use crate::engine::api::error::ApiError;
use crate::engine::kafka::cluster::{BrokerId, Cluster};
use crate::engine::kafka::partition::Partition;
use crate::engine::kafka::record::{KafkaRecord, Payload};
use crate::engine::kafka::topic::{Topic, TopicConfig};
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// Scheduled Kafka work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KafkaEvent {
    /// Followers fetch from their leaders; the high watermark moves (§6.1).
    Replicate,
    /// Retention, the log cleaner and simulated producers (the core's own events).
    Core(state::CoreEvent),
    /// Consumer groups: rebalance timeouts, liveness checks, simulated consumers' polls (§6.4).
    Group(crate::engine::kafka::coordinator::GroupEvent),
    /// A Kafka Connect connector's tasks poll (§6.6; `connect`).
    Connect(connect::ConnectEvent),
}

/// The cluster and everything on it.
#[derive(Clone, Debug, Default)]
pub struct Kafka {
    /// Brokers.
    pub cluster: Cluster,
    /// Topics by name.
    pub topics: BTreeMap<String, Topic>,
    /// Scheduling flags, client sessions and simulated producers of the core.
    pub core: state::CoreState,
    /// Consumer groups by id (§6.4).
    pub groups: crate::engine::kafka::group::Groups,
    /// Simulated consumer applications by name (service `playground`).
    pub consumer_apps: crate::engine::kafka::consumer_app::ConsumerApps,
    /// Kafka Connect connectors (§6.6).
    pub connect: connect::Connect,
    /// Kinesis producers mirrored to topics (§6.7).
    pub lenses: lenses::Lenses,
}

impl Kafka {
    /// Whether nothing was ever created (digests of worlds without Kafka stay unchanged).
    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
            && self.groups.is_empty()
            && self.consumer_apps.is_empty()
            && self.lenses.mirrors.is_empty()
            && self.connect.connectors.is_empty()
    }

    /// Creates topic `name` with `partitions` partitions of `replication_factor` replicas
    /// (replica `r` of partition `p` on broker `brokers[(p + r) % n]`, the first the leader),
    /// default configs. Validation is the caller's (the `CreateTopics` action).
    pub fn create_topic(
        &mut self,
        name: &str,
        partitions: u32,
        replication_factor: u32,
        now: VirtualMs,
    ) -> &mut Topic {
        let ids: Vec<BrokerId> = self.cluster.brokers.iter().map(|b| b.id).collect();
        let n = ids.len().max(1);
        let parts = (0..partitions as usize)
            .map(|p| {
                let replicas: Vec<BrokerId> = (0..replication_factor as usize)
                    .filter_map(|r| ids.get((p + r) % n).copied())
                    .collect();
                Partition {
                    leader: replicas.first().copied(),
                    isr: replicas.clone(),
                    replica_leo: replicas.iter().map(|b| (*b, 0)).collect(),
                    replicas,
                    ..Partition::default()
                }
            })
            .collect();
        self.topics.insert(
            name.to_string(),
            Topic {
                name: name.to_string(),
                created_ms: now,
                replication_factor,
                config: TopicConfig::default(),
                overrides: BTreeMap::new(),
                partitions: parts,
            },
        );
        self.topics.get_mut(name).expect("just inserted")
    }

    /// Appends one record to `topic`/`partition` on the leader at `now` and replicates it to
    /// the whole ISR at once (so the high watermark is the new log end offset). Returns its offset,
    /// or `None` if the topic or partition does not exist.
    pub fn append(
        &mut self,
        topic: &str,
        partition: u32,
        key: Option<Payload>,
        value: Option<Payload>,
        now: VirtualMs,
    ) -> Option<u64> {
        let config = self.topics.get(topic)?.config.clone();
        let p = self
            .topics
            .get_mut(topic)?
            .partitions
            .get_mut(partition as usize)?;
        let record = KafkaRecord {
            offset: 0,
            timestamp_ms: now,
            key,
            value,
            headers: Vec::new(),
            producer_id: -1,
            sequence: -1,
        };
        let (offset, _) = p.push(record, &config, now);
        for b in p.isr.clone() {
            p.replica_leo.insert(b, p.next_offset);
        }
        p.high_watermark = p.next_offset;
        Some(offset)
    }
}

/// Produces one keyed record as a client application would (`acks=all`, the Java client's
/// default partitioner, §6.2–§6.3): used by the two-lenses mirror and Kafka Connect source tasks.
/// Returns (partition, offset).
pub fn produce_keyed(
    world: &mut World,
    client_id: &str,
    topic: &str,
    key: &[u8],
    value: &[u8],
) -> Result<(u32, u64), ApiError> {
    let record = produce::OutgoingRecord {
        key: Some(Payload::from(key)),
        value: Some(Payload::from(value)),
        timestamp_ms: world.now(),
        headers: Vec::new(),
    };
    let partition = produce::choose_partition(
        world,
        client_id,
        topic,
        None,
        Some(key),
        record.size_bytes(),
        16_384,
    )?;
    let appended = produce::append_batch(
        world,
        topic,
        partition,
        std::slice::from_ref(&record),
        produce::Acks::All,
        None,
    )?;
    Ok((partition, appended.base_offset))
}

/// Runs a scheduled Kafka event.
pub fn on_event(world: &mut World, event: KafkaEvent) {
    match event {
        KafkaEvent::Replicate => replication::on_replicate(world),
        KafkaEvent::Core(state::CoreEvent::Maintenance) => maintenance::on_maintenance(world),
        KafkaEvent::Core(e) => producer_app::on_event(world, e),
        KafkaEvent::Group(event) => crate::engine::kafka::coordinator::on_event(world, event),
        KafkaEvent::Connect(e) => actions_connect::on_event(world, e),
    }
}

/// A canonical text of the Kafka state for the world digest.
pub fn digest_text(world: &World) -> String {
    let k = &world.kafka;
    let mut out = k.core.digest_text();
    for b in &k.cluster.brokers {
        out.push_str(&format!("broker={};{};", b.id, b.online));
    }
    for (name, t) in &k.topics {
        out.push_str(&format!(
            "topic={name};{};{};{:?};",
            t.created_ms, t.replication_factor, t.config
        ));
        for (i, p) in t.partitions.iter().enumerate() {
            out.push_str(&format!(
                "p={i};{};{};{};{:?};{:?};{:?};{:?};{};",
                p.log_start_offset,
                p.next_offset,
                p.high_watermark,
                p.replicas,
                p.leader,
                p.isr,
                p.replica_leo,
                p.leader_epoch
            ));
            out.push_str(&format!(
                "segs={:?};prod={:?};ckpt={};",
                p.segments, p.producers, p.cleaner_checkpoint
            ));
            for r in &p.records {
                out.push_str(&format!(
                    "{};{};{:?};{:?};{};{};",
                    r.offset, r.timestamp_ms, r.key, r.value, r.producer_id, r.sequence
                ));
            }
        }
    }
    out.push_str(&crate::engine::kafka::coordinator::digest_text(world));
    out.push_str(&lenses::digest_text(&k.lenses));
    out.push_str(&k.connect.digest_text());
    out
}
