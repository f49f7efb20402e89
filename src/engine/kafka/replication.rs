//! Replication (semantics.md §6.1): followers, the ISR, the high watermark, leader election,
//! broker failure and recovery.
//!
//! The log is stored once; a replica is its log end offset (LEO) into it. `acks=all` writes reach
//! every ISR member at once (see `produce`); `acks=0/1` writes reach only the leader and the
//! followers catch up at the next `Replicate` event, 100 ms later — scheduled only while some
//! follower lags, so idle worlds schedule nothing.

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::kafka::cluster::{BrokerId, Cluster};
use crate::engine::kafka::partition::Partition;
use crate::engine::kafka::KafkaEvent;
use crate::engine::world::{Event, World};

/// Interval of the followers' fetch loop in the model (Kafka's `replica.fetch.wait.max.ms` is 500;
/// followers usually fetch far sooner under load).
pub const REPLICATION_INTERVAL_MS: u64 = 100;

/// Whether some online follower of `p` is behind its online leader.
pub fn lags(p: &Partition, cluster: &Cluster) -> bool {
    let Some(leader) = p.leader else {
        return false;
    };
    if !cluster.is_online(leader) {
        return false;
    }
    p.replicas
        .iter()
        .any(|r| *r != leader && cluster.is_online(*r) && p.leo_of(*r) < p.next_offset)
}

/// Schedules the next `Replicate` event if a follower lags and none is pending.
pub fn ensure_scheduled(world: &mut World) {
    if world.kafka.core.replication_scheduled {
        return;
    }
    let cluster = &world.kafka.cluster;
    let any = world
        .kafka
        .topics
        .values()
        .any(|t| t.partitions.iter().any(|p| lags(p, cluster)));
    if any {
        schedule(world);
    }
}

/// Schedules the next `Replicate` event unless one is pending (the caller knows a follower lags).
pub fn schedule(world: &mut World) {
    if world.kafka.core.replication_scheduled {
        return;
    }
    world.kafka.core.replication_scheduled = true;
    let due = world.now() + REPLICATION_INTERVAL_MS;
    world.schedule(due, Event::Kafka(KafkaEvent::Replicate));
}

/// Every online follower fetches up to its leader's log end and rejoins the ISR when caught up;
/// high watermarks move (§6.1).
pub fn on_replicate(world: &mut World) {
    world.kafka.core.replication_scheduled = false;
    let cluster = world.kafka.cluster.clone();
    for t in world.kafka.topics.values_mut() {
        for p in &mut t.partitions {
            catch_up(p, &cluster);
        }
    }
    ensure_scheduled(world);
}

/// Brings every online follower of `p` to the leader's log end, restoring the ISR in replica order.
pub fn catch_up(p: &mut Partition, cluster: &Cluster) {
    let Some(leader) = p.leader else {
        return;
    };
    if !cluster.is_online(leader) {
        return;
    }
    let end = p.next_offset;
    for r in p.replicas.clone() {
        if cluster.is_online(r) {
            p.replica_leo.insert(r, end);
        }
    }
    let replicas = p.replicas.clone();
    let isr = p.isr.clone();
    p.isr = replicas
        .into_iter()
        .filter(|r| isr.contains(r) || (cluster.is_online(*r) && p.leo_of(*r) == end))
        .collect();
    p.recompute_high_watermark();
}

/// Makes `leader` the leader of `p`: epoch + 1, and the log ends at its LEO — records above it
/// (acknowledged only by the old leader, e.g. with `acks=1`) are truncated away.
fn install_leader(p: &mut Partition, leader: BrokerId) {
    let end = p.leo_of(leader);
    p.truncate_to(end);
    p.leader = Some(leader);
    p.leader_epoch += 1;
    p.replica_leo.insert(leader, p.next_offset);
    p.recompute_high_watermark();
}

/// `FailBroker`: the broker stops at once; it leaves every ISR it is in (unless it is the last
/// member, which Kafka keeps), and partitions it led elect a new leader from the remaining ISR —
/// or go offline (Leader null) if none is online and unclean election is disabled (§6.1).
pub fn fail_broker(world: &mut World, id: BrokerId) -> Result<(), ApiError> {
    set_online(world, id, false)?;
    let cluster = world.kafka.cluster.clone();
    for t in world.kafka.topics.values_mut() {
        let unclean = t.config.unclean_leader_election;
        for p in &mut t.partitions {
            if !p.replicas.contains(&id) {
                continue;
            }
            if p.isr.len() > 1 {
                p.isr.retain(|b| *b != id);
            }
            if p.leader == Some(id) {
                p.leader = None;
                elect(p, &cluster, unclean);
            } else {
                p.recompute_high_watermark();
            }
        }
    }
    ensure_scheduled(world);
    Ok(())
}

/// Elects a leader for an offline partition: the first online ISR member in replica order
/// (clean), else with unclean election the first online replica (its LEO becomes the log end and
/// the ISR restarts from it). Leaves the partition offline otherwise.
pub fn elect(p: &mut Partition, cluster: &Cluster, unclean: bool) {
    let clean = p
        .replicas
        .iter()
        .copied()
        .find(|r| p.isr.contains(r) && cluster.is_online(*r));
    if let Some(l) = clean {
        p.isr.retain(|b| cluster.is_online(*b));
        install_leader(p, l);
        return;
    }
    if unclean {
        if let Some(l) = p.replicas.iter().copied().find(|r| cluster.is_online(*r)) {
            p.isr = vec![l];
            let end = p.leo_of(l);
            p.high_watermark = p.high_watermark.min(end);
            install_leader(p, l);
        }
    }
}

/// `RecoverBroker`: the broker runs again. Offline partitions it can lead elect it; elsewhere its
/// replicas truncate to the high watermark and catch up, rejoining the ISR when caught up.
/// Preferred leaders are not restored (no `auto.leader.rebalance` in the model).
pub fn recover_broker(world: &mut World, id: BrokerId) -> Result<(), ApiError> {
    set_online(world, id, true)?;
    let cluster = world.kafka.cluster.clone();
    for t in world.kafka.topics.values_mut() {
        let unclean = t.config.unclean_leader_election;
        for p in &mut t.partitions {
            if !p.replicas.contains(&id) {
                continue;
            }
            if p.leader.is_none() {
                elect(p, &cluster, unclean);
            }
            if p.leader != Some(id) {
                let hw = p.high_watermark;
                let leo = p.leo_of(id).min(hw);
                p.replica_leo.insert(id, leo);
            }
        }
    }
    ensure_scheduled(world);
    Ok(())
}

fn set_online(world: &mut World, id: BrokerId, online: bool) -> Result<(), ApiError> {
    let known: Vec<BrokerId> = world.kafka.cluster.brokers.iter().map(|b| b.id).collect();
    let Some(b) = world.kafka.cluster.brokers.iter_mut().find(|b| b.id == id) else {
        return Err(ApiError::new(
            ErrorKind::BrokerNotAvailableException,
            format!("Broker {id} does not exist; brokers: {known:?}"),
        ));
    };
    if b.online == online {
        let state = if online { "online" } else { "offline" };
        return Err(ApiError::new(
            ErrorKind::BrokerNotAvailableException,
            format!("Broker {id} is already {state}"),
        ));
    }
    b.online = online;
    Ok(())
}
