//! The classic rebalance protocol (semantics.md §6.4) on one group: start (PreparingRebalance),
//! members rejoin, the leader's assignor runs, generation + 1, Stable. Eager assignors revoke
//! everything at the start; the cooperative-sticky assignor revokes only what must move in a
//! first round and hands it out in a second. A partition never has two owners at once.
//!
//! Pure functions on a group and the topics; they return the timeout events to schedule.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::kafka::assignor::TopicPartition;
use crate::engine::kafka::group::{ConsumerGroup, GroupState, Rebalance};
use crate::engine::kafka::topic::Topic;
use crate::engine::time::VirtualMs;

/// A rebalance timeout to schedule: (due, group id, rebalance id).
pub type TimeoutDue = (VirtualMs, String, u64);

/// Partition counts of the topics the group subscribes to (0 for a missing topic).
pub fn partition_counts(
    g: &ConsumerGroup,
    topics: &BTreeMap<String, Topic>,
) -> BTreeMap<String, u32> {
    g.subscribed_topics()
        .into_iter()
        .map(|t| {
            let n = topics.get(&t).map_or(0, |x| x.partitions.len() as u32);
            (t, n)
        })
        .collect()
}

/// Commits `member`'s positions of `tps` if it auto-commits and is alive: the Java client
/// commits in `onPartitionsRevoked` before giving partitions up (§6.4, at-least-once).
fn commit_on_revoke(g: &mut ConsumerGroup, member: &str, tps: &BTreeSet<TopicPartition>) {
    let Some(m) = g.members.get(member) else {
        return;
    };
    if !m.config.enable_auto_commit || m.crashed {
        return;
    }
    let commits: Vec<(TopicPartition, u64)> = tps
        .iter()
        .filter_map(|tp| m.positions.get(tp).map(|p| (tp.clone(), *p)))
        .collect();
    g.committed.extend(commits);
}

/// Revokes `tps` from `member` (committing first when it auto-commits).
fn revoke(g: &mut ConsumerGroup, member: &str, tps: &BTreeSet<TopicPartition>) {
    commit_on_revoke(g, member, tps);
    if let Some(m) = g.members.get_mut(member) {
        for tp in tps {
            m.assignment.remove(tp);
            m.positions.remove(tp);
        }
    }
}

/// Starts a rebalance for `reason` (a join, leave, crash, subscription or partition-count
/// change). With no members left the group becomes Empty at once. A rebalance already in
/// progress simply continues. `joined` is a member that rejoins as part of the trigger.
pub fn start(
    g: &mut ConsumerGroup,
    topics: &BTreeMap<String, Topic>,
    now: VirtualMs,
    reason: &str,
    joined: Option<&str>,
) -> Vec<TimeoutDue> {
    if g.members.is_empty() {
        g.rebalance = None;
        if g.state != GroupState::Empty {
            g.generation += 1;
            g.state = GroupState::Empty;
            g.leader = None;
            g.record_history(now, reason);
        }
        return Vec::new();
    }
    let mut out: Vec<TimeoutDue> = Vec::new();
    if g.rebalance.is_none() {
        g.rebalances += 1;
        let longest = g
            .members
            .values()
            .map(|m| m.config.max_poll_interval_ms)
            .max()
            .unwrap_or(0);
        g.rebalance = Some(Rebalance {
            id: g.rebalances,
            reason: reason.to_string(),
            started_ms: now,
            deadline_ms: now.saturating_add(longest),
            second_round: false,
        });
        out.push((now.saturating_add(longest), g.id.clone(), g.rebalances));
        g.state = GroupState::PreparingRebalance;
        for m in g.members.values_mut() {
            m.rejoined = false;
        }
        if !g.assignor.is_cooperative() {
            // Eager (§6.4): every member gives up everything before rejoining.
            let ids: Vec<String> = g.members.keys().cloned().collect();
            for id in ids {
                let owned = g.members[&id].assignment.clone();
                revoke(g, &id, &owned);
            }
        }
    }
    if let Some(id) = joined {
        if let Some(m) = g.members.get_mut(id) {
            m.rejoined = true;
        }
    }
    out.extend(try_complete(g, topics, now));
    out
}

/// Completes the rebalance if every member has rejoined.
pub fn try_complete(
    g: &mut ConsumerGroup,
    topics: &BTreeMap<String, Topic>,
    now: VirtualMs,
) -> Vec<TimeoutDue> {
    if g.rebalance.is_none() || g.members.values().any(|m| !m.rejoined) {
        return Vec::new();
    }
    complete(g, topics, now)
}

/// The rebalance timeout passed: members that have not rejoined are removed, then it completes.
pub fn on_timeout(
    g: &mut ConsumerGroup,
    topics: &BTreeMap<String, Topic>,
    now: VirtualMs,
    id: u64,
) -> Vec<TimeoutDue> {
    if g.rebalance.as_ref().map(|r| r.id) != Some(id) {
        return Vec::new();
    }
    g.members.retain(|_, m| m.rejoined);
    if g.members.is_empty() {
        let reason = g
            .rebalance
            .take()
            .map_or(String::new(), |r| r.reason + "; rebalance timeout");
        return start(g, topics, now, &reason, None);
    }
    complete(g, topics, now)
}

/// The leader's assignor runs; generation + 1.
fn complete(
    g: &mut ConsumerGroup,
    topics: &BTreeMap<String, Topic>,
    now: VirtualMs,
) -> Vec<TimeoutDue> {
    let Some(rebalance) = g.rebalance.take() else {
        return Vec::new();
    };
    g.state = GroupState::CompletingRebalance;
    let counts = partition_counts(g, topics);
    let subscriptions: BTreeMap<String, Vec<String>> = g
        .members
        .values()
        .map(|m| (m.id.clone(), m.topics.clone()))
        .collect();
    let current = g.owners();
    let target = g.assignor.assign(&subscriptions, &counts, &current);
    if !g.leader.as_ref().is_some_and(|l| g.members.contains_key(l)) {
        g.leader = g.members.keys().next().cloned();
    }
    let mut revoked_any = false;
    let ids: Vec<String> = g.members.keys().cloned().collect();
    for id in &ids {
        let want = target.get(id).cloned().unwrap_or_default();
        let owned = g.members[id].assignment.clone();
        let revoked: BTreeSet<TopicPartition> = owned.difference(&want).cloned().collect();
        if !revoked.is_empty() {
            revoked_any = true;
            revoke(g, id, &revoked);
        }
    }
    for id in &ids {
        let want = target.get(id).cloned().unwrap_or_default();
        let m = g.members.get_mut(id).expect("listed above");
        // A partition owned by another member before this round waits for round two.
        let free: Vec<TopicPartition> = want
            .into_iter()
            .filter(|tp| current.get(tp).is_none_or(|o| o == id))
            .collect();
        m.assignment.extend(free);
        m.generation = g.generation + 1;
        m.rejoined = false;
    }
    g.generation += 1;
    g.partition_counts = counts;
    let reason = if rebalance.second_round {
        format!("{} (cooperative round 2)", rebalance.reason)
    } else {
        rebalance.reason.clone()
    };
    g.record_history(now, &reason);
    g.state = GroupState::Stable;
    if g.assignor.is_cooperative() && revoked_any {
        // Round two (§6.4): the revoked partitions go to their new owners.
        g.rebalances += 1;
        let longest = g
            .members
            .values()
            .map(|m| m.config.max_poll_interval_ms)
            .max()
            .unwrap_or(0);
        let deadline = now.saturating_add(longest);
        g.rebalance = Some(Rebalance {
            id: g.rebalances,
            reason: rebalance.reason,
            started_ms: now,
            deadline_ms: deadline,
            second_round: true,
        });
        g.state = GroupState::PreparingRebalance;
        return vec![(deadline, g.id.clone(), g.rebalances)];
    }
    Vec::new()
}

/// Starts a rebalance if a subscribed topic's partition count changed since the last
/// assignment (the leader notices through a metadata refresh, §6.4).
pub fn check_metadata(
    g: &mut ConsumerGroup,
    topics: &BTreeMap<String, Topic>,
    now: VirtualMs,
) -> Vec<TimeoutDue> {
    if g.members.is_empty() || g.is_rebalancing() {
        return Vec::new();
    }
    if partition_counts(g, topics) == g.partition_counts {
        return Vec::new();
    }
    start(
        g,
        topics,
        now,
        "partition count or subscription changed",
        None,
    )
}
