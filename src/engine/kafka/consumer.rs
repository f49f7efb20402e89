//! A group member's consumer side (semantics.md §6.4): positions, `auto.offset.reset`, poll up
//! to the high watermark, auto and manual commits, seeks, and lag.

use std::collections::BTreeMap;

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::kafka::assignor::TopicPartition;
use crate::engine::kafka::coordinator::{self, no_group, no_member};
use crate::engine::kafka::group::OffsetReset;
use crate::engine::kafka::partition::Partition;
use crate::engine::kafka::record::KafkaRecord;
use crate::engine::kafka::topic::Topic;
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// What one `poll()` returned.
#[derive(Clone, Debug)]
pub struct PollResult {
    /// Records with their partition, in return order.
    pub records: Vec<(TopicPartition, KafkaRecord)>,
    /// The group's generation.
    pub generation: u32,
    /// The member's assignment after the poll.
    pub assignment: Vec<TopicPartition>,
    /// Whether the group is still rebalancing.
    pub rebalancing: bool,
}

/// Where a seek goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekTo {
    /// An exact offset (within [log start, log end]).
    Offset(u64),
    /// `offsetsForTimes`: the first offset with timestamp ≥ t, else the end (§6.4).
    Timestamp(VirtualMs),
    /// `seekToBeginning`.
    Beginning,
    /// `seekToEnd`.
    End,
}

/// The partition `tp`, if its topic and partition exist.
pub fn partition<'a>(
    topics: &'a BTreeMap<String, Topic>,
    tp: &TopicPartition,
) -> Option<&'a Partition> {
    topics.get(&tp.0)?.partitions.get(tp.1 as usize)
}

/// `UnknownTopicOrPartitionException` for `tp`.
pub fn no_partition(tp: &TopicPartition) -> ApiError {
    ApiError::new(
        ErrorKind::UnknownTopicOrPartitionException,
        format!("topic '{}' has no partition {}", tp.0, tp.1),
    )
}

/// The offset a seek resolves to on `p`.
pub fn resolve_seek(p: &Partition, tp: &TopicPartition, to: SeekTo) -> Result<u64, ApiError> {
    match to {
        SeekTo::Offset(o) if o < p.log_start_offset() || o > p.log_end_offset() => {
            Err(ApiError::new(
                ErrorKind::OffsetOutOfRangeException,
                format!(
                    "offset {o} of {}-{} is outside [log start {}, log end {}]",
                    tp.0,
                    tp.1,
                    p.log_start_offset(),
                    p.log_end_offset()
                ),
            ))
        }
        SeekTo::Offset(o) => Ok(o),
        SeekTo::Timestamp(ts) => Ok(p.offset_for_timestamp(ts).unwrap_or(p.high_watermark())),
        SeekTo::Beginning => Ok(p.log_start_offset()),
        SeekTo::End => Ok(p.high_watermark()),
    }
}

/// Lag of a committed offset: records (HW − committed) and ms (now − timestamp of the record at
/// the committed offset, 0 when caught up).
pub fn lag(p: &Partition, committed: Option<u64>, now: VirtualMs) -> (u64, u64) {
    let hw = p.high_watermark();
    let from = committed
        .unwrap_or(p.log_start_offset())
        .max(p.log_start_offset());
    let records = hw.saturating_sub(from);
    let ms = p
        .fetch(from, hw, 1)
        .first()
        .map_or(0, |r| now.saturating_sub(r.timestamp_ms));
    (records, ms)
}

/// Refuses offsets beyond a partition's log end offset before committing anything.
pub fn validate_commits(
    topics: &BTreeMap<String, Topic>,
    offsets: &[(TopicPartition, u64)],
) -> Result<(), ApiError> {
    for (tp, o) in offsets {
        let p = partition(topics, tp).ok_or_else(|| no_partition(tp))?;
        if *o > p.log_end_offset() {
            return Err(ApiError::new(
                ErrorKind::OffsetOutOfRangeException,
                format!(
                    "commit of offset {o} for {}-{} is beyond its log end offset {} (a playground \
                     safeguard: real Kafka stores any offset and the consumer resets later)",
                    tp.0,
                    tp.1,
                    p.log_end_offset()
                ),
            ));
        }
    }
    Ok(())
}

/// Commits for a member: explicit `offsets`, or its current positions (`commitSync()`).
/// `generation` is the generation the client believes in, if it sent one.
pub fn commit(
    world: &mut World,
    group: &str,
    member: &str,
    generation: Option<u32>,
    offsets: Option<Vec<(TopicPartition, u64)>>,
) -> Result<Vec<(TopicPartition, u64)>, ApiError> {
    let k = &mut world.kafka;
    let g = k.groups.get_mut(group).ok_or_else(|| no_group(group))?;
    let m = g
        .members
        .get(member)
        .filter(|m| !m.crashed)
        .ok_or_else(|| no_member(group, member))?;
    if let Some(gen) = generation.filter(|g2| *g2 != g.generation) {
        return Err(ApiError::new(
            ErrorKind::IllegalGenerationException,
            format!(
                "commit from generation {gen} but group '{group}' is in generation {}",
                g.generation
            ),
        ));
    }
    if g.is_rebalancing() && !m.rejoined {
        return Err(ApiError::new(
            ErrorKind::RebalanceInProgressException,
            format!(
                "group '{group}' is rebalancing and member '{member}' has not rejoined yet; \
                 poll() to rejoin, then commit"
            ),
        ));
    }
    let offsets =
        offsets.unwrap_or_else(|| m.positions.iter().map(|(tp, o)| (tp.clone(), *o)).collect());
    validate_commits(&k.topics, &offsets)?;
    g.committed.extend(offsets.iter().cloned());
    Ok(offsets)
}

/// Sets positions for owned partitions that have none (committed offset, else
/// `auto.offset.reset`) and resets positions that fell below the log start (retention).
fn init_positions(world: &mut World, group: &str, member: &str) -> Result<(), ApiError> {
    let k = &mut world.kafka;
    let Some(g) = k.groups.get_mut(group) else {
        return Ok(());
    };
    let committed = g.committed.clone();
    let Some(m) = g.members.get_mut(member) else {
        return Ok(());
    };
    for tp in m.assignment.clone() {
        let Some(p) = partition(&k.topics, &tp) else {
            continue;
        };
        let valid = |o: u64| o >= p.log_start_offset() && o <= p.log_end_offset();
        if m.positions.get(&tp).is_some_and(|o| valid(*o)) {
            continue;
        }
        let pos = match committed.get(&tp).filter(|o| valid(**o)) {
            Some(o) => *o,
            None => match m.config.auto_offset_reset {
                OffsetReset::Earliest => p.log_start_offset(),
                OffsetReset::Latest => p.high_watermark(),
                OffsetReset::None => {
                    return Err(ApiError::new(
                        ErrorKind::NoOffsetForPartitionException,
                        format!(
                            "no valid committed offset for {}-{} in group '{group}' and \
                             auto.offset.reset is none",
                            tp.0, tp.1
                        ),
                    ))
                }
            },
        };
        m.positions.insert(tp, pos);
    }
    Ok(())
}

/// `poll()`: rejoins a rebalance if one is running, auto-commits the positions returned by
/// previous polls every `auto.commit.interval.ms`, then returns records from the positions up
/// to each partition's high watermark (at most `max_records`, partitions taken in turn).
pub fn poll(
    world: &mut World,
    group: &str,
    member: &str,
    max_records: Option<u32>,
) -> Result<PollResult, ApiError> {
    coordinator::on_poll(world, group, member)?;
    let now = world.now();
    {
        let g = world
            .kafka
            .groups
            .get_mut(group)
            .ok_or_else(|| no_group(group))?;
        let rebalancing = g.is_rebalancing();
        let m = g
            .members
            .get_mut(member)
            .ok_or_else(|| no_member(group, member))?;
        if m.config.enable_auto_commit
            && now.saturating_sub(m.last_auto_commit_ms) >= m.config.auto_commit_interval_ms
            && (!rebalancing || m.rejoined)
        {
            m.last_auto_commit_ms = now;
            let commits: Vec<_> = m.positions.iter().map(|(tp, o)| (tp.clone(), *o)).collect();
            g.committed.extend(commits);
        }
    }
    init_positions(world, group, member)?;
    let k = &mut world.kafka;
    let g = k.groups.get_mut(group).ok_or_else(|| no_group(group))?;
    let generation = g.generation;
    let rebalancing = g.is_rebalancing();
    let m = g
        .members
        .get_mut(member)
        .ok_or_else(|| no_member(group, member))?;
    let limit = max_records
        .unwrap_or(m.config.max_poll_records)
        .min(m.config.max_poll_records);
    let owned: Vec<TopicPartition> = m.assignment.iter().cloned().collect();
    let mut records = Vec::new();
    let n = owned.len();
    for i in 0..n {
        let tp = &owned[(i + m.poll_cursor) % n];
        let remaining = (limit as usize).saturating_sub(records.len());
        if remaining == 0 {
            break;
        }
        let (Some(p), Some(pos)) = (partition(&k.topics, tp), m.positions.get(tp).copied()) else {
            continue;
        };
        let got = p.fetch(pos, p.high_watermark(), remaining);
        let next = if got.len() < remaining {
            // Everything below the high watermark was returned (gaps included).
            p.high_watermark().max(pos)
        } else {
            got.last().map_or(pos, |r| r.offset + 1)
        };
        records.extend(got.iter().map(|r| (tp.clone(), r.clone())));
        m.positions.insert(tp.clone(), next);
    }
    m.poll_cursor = m.poll_cursor.wrapping_add(1);
    Ok(PollResult {
        records,
        generation,
        assignment: owned,
        rebalancing,
    })
}

/// `seek()` of an owned partition.
pub fn seek(
    world: &mut World,
    group: &str,
    member: &str,
    tp: TopicPartition,
    to: SeekTo,
) -> Result<u64, ApiError> {
    let k = &mut world.kafka;
    let g = k.groups.get_mut(group).ok_or_else(|| no_group(group))?;
    let m = g
        .members
        .get_mut(member)
        .filter(|m| !m.crashed)
        .ok_or_else(|| no_member(group, member))?;
    let p = partition(&k.topics, &tp).ok_or_else(|| no_partition(&tp))?;
    if !m.assignment.contains(&tp) {
        return Err(ApiError::new(
            ErrorKind::ValidationException,
            format!(
                "no current assignment for partition {}-{} (member '{member}' owns {} partitions); \
                 seek only works on owned partitions",
                tp.0,
                tp.1,
                m.assignment.len()
            ),
        ));
    }
    let offset = resolve_seek(p, &tp, to)?;
    m.positions.insert(tp, offset);
    Ok(offset)
}
