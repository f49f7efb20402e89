//! Simulated Kafka consumer applications (service `playground`): each member is a real group
//! member (semantics.md §6.4) that polls every `PollIntervalMs` on scheduled events, processes
//! what it got at once (at most `RecordsPerSecondPerMember`), and — with auto commit — commits
//! positions returned by previous polls, so a crash means duplicates, never losses. Every app
//! keeps a ledger of how often each (topic, partition, offset) was processed.

use std::collections::BTreeMap;

use crate::engine::kafka::assignor::TopicPartition;
use crate::engine::kafka::consumer::{self, partition};
use crate::engine::kafka::coordinator::{self, GroupEvent};
use crate::engine::kafka::group::ConsumerConfig;
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// What an application member is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppMemberState {
    /// Polling and heartbeating.
    Running,
    /// Not polling until then (heartbeats go on, so `max.poll.interval.ms` decides).
    Paused(VirtualMs),
    /// Left the group cleanly.
    Stopped,
    /// Process died: no heartbeats, no polls (`session.timeout.ms` decides).
    Crashed,
}

impl AppMemberState {
    /// Name shown in descriptions.
    pub fn as_str(self) -> &'static str {
        match self {
            AppMemberState::Running => "RUNNING",
            AppMemberState::Paused(_) => "PAUSED",
            AppMemberState::Stopped => "STOPPED",
            AppMemberState::Crashed => "CRASHED",
        }
    }
}

/// One member of an application.
#[derive(Clone, Debug)]
pub struct AppMember {
    /// Its group member id.
    pub id: String,
    /// State.
    pub state: AppMemberState,
    /// Tick epoch: a tick carrying another epoch is stale.
    pub epoch: u64,
    /// Records it processed.
    pub processed: u64,
    /// Processing budget in milli-records (rate × interval accumulates).
    pub credit_milli: u64,
    /// Last poll error (e.g. `NoOffsetForPartitionException`), if any.
    pub last_error: Option<String>,
}

/// How often each offset of one partition was processed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartitionLedger {
    /// Offset of `counts[0]`.
    pub base: u64,
    /// Times processed, per offset from `base`.
    pub counts: Vec<u16>,
}

impl PartitionLedger {
    /// Counts one processing of `offset`.
    pub fn record(&mut self, offset: u64) {
        if self.counts.is_empty() {
            self.base = offset;
        }
        if offset < self.base {
            let shift = (self.base - offset) as usize;
            let mut counts = vec![0u16; shift];
            counts.append(&mut self.counts);
            self.counts = counts;
            self.base = offset;
        }
        let i = (offset - self.base) as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] = self.counts[i].saturating_add(1);
    }

    /// Times `offset` was processed.
    pub fn count(&self, offset: u64) -> u16 {
        offset
            .checked_sub(self.base)
            .and_then(|i| self.counts.get(i as usize).copied())
            .unwrap_or(0)
    }
}

/// A simulated consumer application.
#[derive(Clone, Debug)]
pub struct ConsumerApp {
    /// Name.
    pub name: String,
    /// `group.id`.
    pub group_id: String,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// Configuration of every member.
    pub config: ConsumerConfig,
    /// Poll period.
    pub poll_interval_ms: u64,
    /// Processing rate per member, if limited.
    pub records_per_second: Option<u64>,
    /// Members by id.
    pub members: BTreeMap<String, AppMember>,
    /// Processing counts per partition.
    pub ledger: BTreeMap<TopicPartition, PartitionLedger>,
    /// Records processed in total (duplicates included).
    pub processed: u64,
}

impl ConsumerApp {
    /// A canonical text for the world digest.
    pub fn digest_text(&self) -> String {
        let mut out = format!(
            "capp={};{};{:?};{};{:?};{};",
            self.name,
            self.group_id,
            self.topics,
            self.poll_interval_ms,
            self.records_per_second,
            self.processed
        );
        for m in self.members.values() {
            out.push_str(&format!(
                "{};{:?};{};{};{};",
                m.id, m.state, m.epoch, m.processed, m.credit_milli
            ));
        }
        for (tp, l) in &self.ledger {
            out.push_str(&format!("{tp:?};{};{:?};", l.base, l.counts));
        }
        out
    }
}

/// Every simulated consumer application by name.
pub type ConsumerApps = BTreeMap<String, ConsumerApp>;

/// Joins a new (or, after `max.poll.interval.ms` removed it, the same) member to the app's group
/// and schedules its first poll now.
pub fn start_member(
    world: &mut World,
    app: &str,
    reuse: Option<String>,
) -> Result<String, crate::engine::api::error::ApiError> {
    let Some(a) = world.kafka.consumer_apps.get(app) else {
        return Err(crate::engine::api::error::ApiError::not_found(format!(
            "Kafka consumer app {app} not found."
        )));
    };
    let (group, topics, config) = (a.group_id.clone(), a.topics.clone(), a.config.clone());
    let id = coordinator::join(world, &group, app, topics, config, reuse)?;
    let now = world.now();
    let a = world
        .kafka
        .consumer_apps
        .get_mut(app)
        .expect("checked above");
    let m = a.members.entry(id.clone()).or_insert(AppMember {
        id: id.clone(),
        state: AppMemberState::Running,
        epoch: 0,
        processed: 0,
        credit_milli: 0,
        last_error: None,
    });
    m.epoch += 1;
    m.state = AppMemberState::Running;
    let epoch = m.epoch;
    coordinator::schedule(
        world,
        now,
        GroupEvent::AppPoll {
            app: app.to_string(),
            member: id.clone(),
            epoch,
        },
    );
    Ok(id)
}

/// One poll tick of an application member.
pub fn on_tick(world: &mut World, app: &str, member: &str, epoch: u64) {
    let now = world.now();
    let Some(a) = world.kafka.consumer_apps.get_mut(app) else {
        return;
    };
    let (interval, rate, max_poll, group) = (
        a.poll_interval_ms,
        a.records_per_second,
        a.config.max_poll_records,
        a.group_id.clone(),
    );
    let Some(m) = a.members.get_mut(member).filter(|m| m.epoch == epoch) else {
        return;
    };
    let tick = GroupEvent::AppPoll {
        app: app.to_string(),
        member: member.to_string(),
        epoch,
    };
    match m.state {
        AppMemberState::Stopped | AppMemberState::Crashed => return,
        AppMemberState::Paused(until) if now < until => {
            coordinator::schedule(world, until, tick);
            return;
        }
        AppMemberState::Paused(_) | AppMemberState::Running => m.state = AppMemberState::Running,
    }
    let max = match rate {
        Some(r) => {
            let cap = u64::from(max_poll) * 1000;
            m.credit_milli = (m.credit_milli + r * interval).min(cap);
            (m.credit_milli / 1000) as u32
        }
        None => max_poll,
    };
    let in_group = world
        .kafka
        .groups
        .get(&group)
        .is_some_and(|g| g.members.contains_key(member));
    if !in_group {
        // Removed (max.poll.interval.ms): the consumer rejoins on its next poll.
        if start_member(world, app, Some(member.to_string())).is_err() {
            return;
        }
        return; // start_member scheduled a fresh tick (new epoch).
    }
    let result = consumer::poll(world, &group, member, Some(max));
    let Some(a) = world.kafka.consumer_apps.get_mut(app) else {
        return;
    };
    match result {
        Ok(polled) => {
            let n = polled.records.len() as u64;
            for (tp, r) in &polled.records {
                a.ledger.entry(tp.clone()).or_default().record(r.offset);
            }
            a.processed += n;
            if let Some(m) = a.members.get_mut(member) {
                m.processed += n;
                m.credit_milli = m.credit_milli.saturating_sub(n * 1000);
                m.last_error = None;
            }
        }
        Err(e) => {
            if let Some(m) = a.members.get_mut(member) {
                m.last_error = Some(format!("{}: {}", e.kind.as_str(), e.message));
            }
        }
    }
    coordinator::schedule(world, now.saturating_add(interval), tick);
}

/// Per-partition ledger summary: (first offset, next offset, processed, duplicates, records in
/// [log start, HW) never processed).
pub fn ledger_summary(world: &World, app: &ConsumerApp) -> Vec<(TopicPartition, [u64; 5])> {
    let mut tps: Vec<TopicPartition> = app.ledger.keys().cloned().collect();
    for t in &app.topics {
        if let Some(topic) = world.kafka.topics.get(t) {
            tps.extend((0..topic.partitions.len() as u32).map(|p| (t.clone(), p)));
        }
    }
    tps.sort();
    tps.dedup();
    let empty = PartitionLedger::default();
    tps.into_iter()
        .map(|tp| {
            let l = app.ledger.get(&tp).unwrap_or(&empty);
            let processed: u64 = l.counts.iter().map(|c| u64::from(*c)).sum();
            let dups: u64 = l
                .counts
                .iter()
                .map(|c| u64::from(c.saturating_sub(1)))
                .sum();
            let missing = partition(&world.kafka.topics, &tp).map_or(0, |p| {
                p.fetch(p.log_start_offset(), p.high_watermark(), usize::MAX)
                    .iter()
                    .filter(|r| l.count(r.offset) == 0)
                    .count() as u64
            });
            let next = l.base + l.counts.len() as u64;
            (tp, [l.base, next, processed, dups, missing])
        })
        .collect()
}
