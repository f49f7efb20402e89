//! The group coordinator (semantics.md §6.4): members join, leave and crash; liveness by
//! `session.timeout.ms` (heartbeats) and `max.poll.interval.ms` (polls), on virtual time. Events
//! are scheduled only for groups that exist: a rebalance's timeout, a crashed member's session
//! expiry, one poll-interval check per member, and the simulated applications' poll ticks.

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::kafka::group::{ConsumerConfig, ConsumerGroup, Member};
use crate::engine::kafka::rebalance::{self, TimeoutDue};
use crate::engine::kafka::KafkaEvent;
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// Scheduled work of consumer groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupEvent {
    /// Members that have not rejoined rebalance `id` by now are removed (§6.4).
    RebalanceTimeout {
        /// Group id.
        group: String,
        /// Rebalance number.
        id: u64,
    },
    /// A crashed member's session expires unless it heartbeat since.
    SessionCheck {
        /// Group id.
        group: String,
        /// Member id.
        member: String,
    },
    /// A member that has not polled within `max.poll.interval.ms` leaves the group.
    PollCheck {
        /// Group id.
        group: String,
        /// Member id.
        member: String,
    },
    /// A simulated consumer application's member polls (`consumer_app`).
    AppPoll {
        /// Application name.
        app: String,
        /// Member id.
        member: String,
        /// The member's tick epoch (stale ticks are dropped).
        epoch: u64,
    },
}

/// Schedules a group event.
pub fn schedule(world: &mut World, due: VirtualMs, event: GroupEvent) {
    world.schedule(due, Event::Kafka(KafkaEvent::Group(event)));
}

/// Schedules the rebalance timeouts a protocol step asked for.
pub fn schedule_timeouts(world: &mut World, dues: Vec<TimeoutDue>) {
    for (due, group, id) in dues {
        schedule(world, due, GroupEvent::RebalanceTimeout { group, id });
    }
}

/// `GroupIdNotFoundException` for `group`.
pub fn no_group(group: &str) -> ApiError {
    ApiError::new(
        ErrorKind::GroupIdNotFoundException,
        format!("consumer group '{group}' does not exist"),
    )
}

/// `UnknownMemberIdException` for `member` of `group`.
pub fn no_member(group: &str, member: &str) -> ApiError {
    ApiError::new(
        ErrorKind::UnknownMemberIdException,
        format!(
            "member '{member}' is not (or no longer) in group '{group}' (removed after a leave, \
             a crash's session timeout or max.poll.interval.ms); subscribe again to rejoin"
        ),
    )
}

/// A member joins `group` (created if needed) subscribed to `topics`; starts a rebalance.
/// `member_id` reuses an id (simulated applications rejoining); `None` hands out a new one.
/// Returns the member id.
pub fn join(
    world: &mut World,
    group: &str,
    client_id: &str,
    topics: Vec<String>,
    config: ConsumerConfig,
    member_id: Option<String>,
) -> Result<String, ApiError> {
    let now = world.now();
    let k = &mut world.kafka;
    let g = k
        .groups
        .entry(group.to_string())
        .or_insert_with(|| ConsumerGroup::new(group, config.assignor));
    if g.members.is_empty() {
        g.assignor = config.assignor;
    } else if g.assignor != config.assignor {
        return Err(ApiError::new(
            ErrorKind::InvalidConfigurationException,
            format!(
                "group '{group}' uses partition.assignment.strategy '{}'; a member with '{}' \
                 cannot join (Kafka: InconsistentGroupProtocolException)",
                g.assignor.as_str(),
                config.assignor.as_str()
            ),
        ));
    }
    let id = member_id.unwrap_or_else(|| format!("{client_id}-{:04}", g.next_member));
    g.next_member += 1;
    let mut topics = topics;
    topics.sort();
    topics.dedup();
    let poll_due = now.saturating_add(config.max_poll_interval_ms);
    g.members.insert(
        id.clone(),
        Member {
            id: id.clone(),
            client_id: client_id.to_string(),
            topics,
            config,
            assignment: Default::default(),
            positions: Default::default(),
            generation: 0,
            rejoined: true,
            last_poll_ms: now,
            last_heartbeat_ms: now,
            last_auto_commit_ms: now,
            crashed: false,
            poll_cursor: 0,
        },
    );
    let reason = format!("{id} joined");
    let dues = rebalance::start(g, &k.topics, now, &reason, Some(&id));
    schedule_timeouts(world, dues);
    schedule(
        world,
        poll_due,
        GroupEvent::PollCheck {
            group: group.to_string(),
            member: id.clone(),
        },
    );
    Ok(id)
}

/// Removes `member` (already gone members are ignored) and rebalances for `reason`.
pub fn remove_member(world: &mut World, group: &str, member: &str, reason: &str) {
    let now = world.now();
    let k = &mut world.kafka;
    let Some(g) = k.groups.get_mut(group) else {
        return;
    };
    if g.members.remove(member).is_none() {
        return;
    }
    if g.leader.as_deref() == Some(member) {
        g.leader = None;
    }
    let dues = if g.is_rebalancing() && !g.members.is_empty() {
        rebalance::try_complete(g, &k.topics, now)
    } else {
        g.rebalance = None;
        rebalance::start(g, &k.topics, now, reason, None)
    };
    schedule_timeouts(world, dues);
}

/// A clean `close()` / LeaveGroup: commits positions when auto commit is on, then leaves.
pub fn leave(world: &mut World, group: &str, member: &str) -> Result<(), ApiError> {
    let g = world
        .kafka
        .groups
        .get_mut(group)
        .ok_or_else(|| no_group(group))?;
    let m = g
        .members
        .get(member)
        .filter(|m| !m.crashed)
        .ok_or_else(|| no_member(group, member))?;
    if m.config.enable_auto_commit {
        // Positions exist only for partitions the member owns right now, so this is safe even
        // mid-rebalance (eager revocation already committed and cleared them).
        let commits: Vec<_> = m.positions.iter().map(|(tp, o)| (tp.clone(), *o)).collect();
        g.committed.extend(commits);
    }
    remove_member(world, group, member, &format!("{member} left the group"));
    Ok(())
}

/// The member's process dies: heartbeats and polls stop; the coordinator removes it when
/// `session.timeout.ms` passes without a heartbeat (§6.4). Its partitions stay owned until then.
pub fn crash(world: &mut World, group: &str, member: &str) -> Result<VirtualMs, ApiError> {
    let now = world.now();
    let g = world
        .kafka
        .groups
        .get_mut(group)
        .ok_or_else(|| no_group(group))?;
    let m = g
        .members
        .get_mut(member)
        .filter(|m| !m.crashed)
        .ok_or_else(|| no_member(group, member))?;
    m.crashed = true;
    m.last_heartbeat_ms = now;
    let due = now.saturating_add(m.config.session_timeout_ms);
    schedule(
        world,
        due,
        GroupEvent::SessionCheck {
            group: group.to_string(),
            member: member.to_string(),
        },
    );
    Ok(due)
}

/// The member calls `poll()`: records the time and rejoins a rebalance in progress.
pub fn on_poll(world: &mut World, group: &str, member: &str) -> Result<(), ApiError> {
    let now = world.now();
    let k = &mut world.kafka;
    let g = k.groups.get_mut(group).ok_or_else(|| no_group(group))?;
    let m = g
        .members
        .get_mut(member)
        .filter(|m| !m.crashed)
        .ok_or_else(|| no_member(group, member))?;
    m.last_poll_ms = now;
    let mut dues = rebalance::check_metadata(g, &k.topics, now);
    if let Some(m) = g.members.get_mut(member) {
        if g.rebalance.is_some() && !m.rejoined {
            m.rejoined = true;
            dues.extend(rebalance::try_complete(g, &k.topics, now));
        }
    }
    schedule_timeouts(world, dues);
    Ok(())
}

/// Runs a scheduled group event.
pub fn on_event(world: &mut World, event: GroupEvent) {
    let now = world.now();
    match event {
        GroupEvent::RebalanceTimeout { group, id } => {
            let k = &mut world.kafka;
            if let Some(g) = k.groups.get_mut(&group) {
                let dues = rebalance::on_timeout(g, &k.topics, now, id);
                schedule_timeouts(world, dues);
            }
        }
        GroupEvent::SessionCheck { group, member } => {
            let expired = world
                .kafka
                .groups
                .get(&group)
                .and_then(|g| g.members.get(&member))
                .is_some_and(|m| {
                    m.crashed && now >= m.last_heartbeat_ms + m.config.session_timeout_ms
                });
            if expired {
                let reason = format!("{member}: session.timeout.ms passed without a heartbeat");
                remove_member(world, &group, &member, &reason);
            }
        }
        GroupEvent::PollCheck { group, member } => {
            let due = world
                .kafka
                .groups
                .get(&group)
                .and_then(|g| g.members.get(&member))
                .filter(|m| !m.crashed)
                .map(|m| m.last_poll_ms.saturating_add(m.config.max_poll_interval_ms));
            match due {
                Some(due) if now >= due => {
                    let reason = format!("{member}: no poll within max.poll.interval.ms");
                    remove_member(world, &group, &member, &reason);
                }
                Some(due) => schedule(world, due, GroupEvent::PollCheck { group, member }),
                None => {}
            }
        }
        GroupEvent::AppPoll { app, member, epoch } => {
            crate::engine::kafka::consumer_app::on_tick(world, &app, &member, epoch)
        }
    }
}

/// A canonical text of every group and simulated consumer application, for the world digest.
pub fn digest_text(world: &World) -> String {
    let mut out = String::new();
    for g in world.kafka.groups.values() {
        out.push_str(&g.digest_text());
    }
    for a in world.kafka.consumer_apps.values() {
        out.push_str(&a.digest_text());
    }
    out
}
