//! Enhanced fan-out (EFO): registered stream consumers and their SubscribeToShard subscriptions,
//! pushed on virtual time (semantics.md §1.1, §1.11, §1.13, §1.14).
//!
//! # Consumers
//!
//! `RegisterStreamConsumer` adds a [`Consumer`] in `CREATING`; after [`CONSUMER_CREATE_DELAY_MS`]
//! the world runs [`EfoEvent::ConsumerActive`] and it becomes `ACTIVE`. `DeregisterStreamConsumer`
//! puts it in `DELETING`, ends its subscriptions at once, and [`EfoEvent::ConsumerGone`] removes it
//! after [`CONSUMER_DELETE_DELAY_MS`]. A consumer's ARN embeds its creation second (§1.1), so a
//! consumer registered again under the same name gets a new ARN.
//!
//! # Subscriptions
//!
//! The real `SubscribeToShard` answers with an HTTP/2 event stream that pushes
//! `SubscribeToShardEvent`s for up to 5 minutes (§1.13). The playground returns at once with a
//! description of the subscription and *records* the events it would have pushed in a bounded
//! buffer per consumer and shard ([`Channel`]); `playground.ReadSubscriptionEvents` drains it.
//!
//! Delivery runs on virtual time through one event variant, [`EfoEvent::Deliver`], per
//! subscription:
//!
//! - a record becomes visible to subscriptions [`EFO_PROPAGATION_MS`] after it arrived (§1.13,
//!   "~70 ms average regardless of consumer count");
//! - each consumer has its own 2 MiB/s token bucket per shard ([`EFO_BYTES_PER_S`]), separate from
//!   the shard's shared 2 MiB/s GetRecords budget (§1.13);
//! - an event is pushed at least every [`EFO_HEARTBEAT_MS`] even without data, so the
//!   `ContinuationSequenceNumber` keeps advancing (§1.13);
//! - at the end of a closed shard the last event has `ContinuationSequenceNumber = null` and
//!   `ChildShards`, and the subscription ends (§1.13, §7 item 12).
//!
//! **Cost of delivery.** A subscription has at most one live delivery event in the scheduler. When
//! it is caught up, that event is its next heartbeat (5 s away) or its expiry; a write to its shard
//! pulls the event forward to `arrival + 70 ms` (the write path only notes a wake-up, which the world
//! moves into its scheduler before anything else is scheduled or run, so scheduling order is the
//! order of the requests). While data flows, deliveries are at least [`EFO_TICK_MS`] apart. A world
//! with 16 shards × 4 consumers under constant load therefore runs at most 64 × 20 = 1,280 delivery
//! events per virtual second, and ~13 per second when idle.

use std::collections::{BTreeMap, VecDeque};

use crate::engine::kinesis::sequence_number::SequenceNumber;
use crate::engine::kinesis::shard::ShardState;
use crate::engine::kinesis::throughput::{RollingCalls, TokenBucket, MIB};
use crate::engine::kinesis::Kinesis;
use crate::engine::time::{Epoch, VirtualMs};
use crate::engine::world::{Event, World};

/// Consumers registered per stream (§1.13: 20; 50 only with On-demand Advantage, not modelled).
pub const MAX_CONSUMERS_PER_STREAM: usize = 20;
/// Consumers that may be `CREATING` at once (§1.13: a 6th → `LimitExceededException`). AWS words
/// the rule without a per-stream qualifier ("you cannot have more than 5 consumers in a CREATING
/// status at the same time"), so the playground counts it across the account.
pub const MAX_CONSUMERS_CREATING: usize = 5;
/// Virtual time from RegisterStreamConsumer to `ACTIVE`. AWS gives no SLA (registration takes
/// seconds in practice); the playground uses 5 s, like a reshard's UPDATING window
/// (`limits::RESHARD_DELAY_MS`), so `CREATING` is visible and the 5-CREATING rule (§1.13) can be
/// met in a lesson.
pub const CONSUMER_CREATE_DELAY_MS: VirtualMs = 5_000;
/// Virtual time from DeregisterStreamConsumer to gone (same reasoning as the create delay).
pub const CONSUMER_DELETE_DELAY_MS: VirtualMs = 5_000;
/// RegisterStreamConsumer calls per account per rolling second (§1.16: 5 TPS).
pub const REGISTER_CALLS_PER_S: usize = 5;
/// DeregisterStreamConsumer calls per account per rolling second (§1.16: 5 TPS).
pub const DEREGISTER_CALLS_PER_S: usize = 5;
/// ListStreamConsumers calls per account per rolling second (§1.16: 5 TPS).
pub const LIST_CONSUMERS_CALLS_PER_S: usize = 5;
/// DescribeStreamConsumer calls per account per rolling second (§1.16: 20 TPS).
pub const DESCRIBE_CONSUMER_CALLS_PER_S: usize = 20;
/// ListStreamConsumers page size when `MaxResults` is absent (KDS-API: default 100).
pub const LIST_CONSUMERS_DEFAULT_RESULTS: i64 = 100;
/// Largest `MaxResults` (KDS-API `ListStreamConsumersInputLimit`: 1-10,000).
pub const LIST_CONSUMERS_MAX_RESULTS: i64 = 10_000;

/// How long one subscription pushes events before it must be renewed (§1.13: up to 5 minutes).
pub const SUBSCRIPTION_TTL_MS: VirtualMs = 300_000;
/// A second SubscribeToShard for the same consumer and shard within this long after a successful
/// one is refused with `ResourceInUseException`; later, it takes over (§1.13).
pub const RESUBSCRIBE_GUARD_MS: VirtualMs = 5_000;
/// SubscribeToShard calls per consumer per shard per rolling second (§1.13, §7 item 10).
pub const SUBSCRIBE_CALLS_PER_S: usize = 1;
/// Delay from a record's arrival until subscriptions see it (§1.13: ~70 ms average propagation
/// with enhanced fan-out, against ~200 ms for a shared-throughput reader).
pub const EFO_PROPAGATION_MS: VirtualMs = 70;
/// Dedicated read bandwidth per consumer per shard, bytes per second (§1.13: 2 MiB/s per
/// consumer, not shared with GetRecords readers or other consumers).
pub const EFO_BYTES_PER_S: u64 = 2 * MIB;
/// Longest gap between two events of a subscription: an empty event is pushed when no data came
/// for this long (§1.13: the continuation sequence number "advances even with no data"; AWS's
/// guide speaks of an event at least every 5 s).
pub const EFO_HEARTBEAT_MS: VirtualMs = 5_000;
/// Shortest gap between two deliveries of one subscription while data flows. Records reaching a
/// subscription in the same 50 ms are batched into one event, so a record waits between
/// [`EFO_PROPAGATION_MS`] (first record after a quiet spell) and 70 + 50 ms (sustained traffic);
/// it also bounds the scheduler's load (see the module docs).
pub const EFO_TICK_MS: VirtualMs = 50;
/// Most records in one `SubscribeToShardEvent` (not documented by AWS; the playground uses the
/// GetRecords per-call cap of 10,000, §1.8).
pub const EFO_EVENT_MAX_RECORDS: usize = 10_000;
/// Events kept per consumer and shard until `ReadSubscriptionEvents` drains them; older events are
/// dropped (and counted) when it overflows.
pub const EVENT_BUFFER_CAPACITY: usize = 1_000;

/// `ConsumerStatus` (§1.13).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsumerStatus {
    /// Registered, not yet usable.
    Creating,
    /// May subscribe.
    Active,
    /// Deregistered (or its stream is being deleted); gone soon.
    Deleting,
}

impl ConsumerStatus {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsumerStatus::Creating => "CREATING",
            ConsumerStatus::Active => "ACTIVE",
            ConsumerStatus::Deleting => "DELETING",
        }
    }
}

/// A registered enhanced fan-out consumer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consumer {
    /// `ConsumerName`.
    pub name: String,
    /// The stream it is registered with.
    pub stream: String,
    /// Virtual creation time of that stream (a re-created stream of the same name is another one).
    pub stream_created_ms: VirtualMs,
    /// `ConsumerARN` (§1.1).
    pub arn: String,
    /// `ConsumerStatus`.
    pub status: ConsumerStatus,
    /// Virtual time of registration.
    pub created_ms: VirtualMs,
    /// Unix milliseconds of registration (`ConsumerCreationTimestamp`).
    pub created_unix_ms: u64,
    /// Tags given at registration.
    pub tags: BTreeMap<String, String>,
}

/// `arn:aws:kinesis:<region>:<acct>:stream/<stream>/consumer/<name>:<creationEpochSeconds>` (§1.1).
pub fn consumer_arn(stream: &str, name: &str, created_unix_s: u64) -> String {
    format!(
        "{}/consumer/{name}:{created_unix_s}",
        Kinesis::arn_for(stream)
    )
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= crate::engine::kinesis::limits::STREAM_NAME_MAX_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Splits a consumer ARN into `(stream, consumer name, creation epoch seconds)`; `None` if it does
/// not have the shape of one (KDS-API pattern
/// `^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+`).
pub fn parse_consumer_arn(arn: &str) -> Option<(&str, &str, u64)> {
    let mut parts = arn.splitn(6, ':');
    let (tag, partition, service) = (parts.next()?, parts.next()?, parts.next()?);
    let (_region, account, resource) = (parts.next()?, parts.next()?, parts.next()?);
    if tag != "arn"
        || !partition.starts_with("aws")
        || service != "kinesis"
        || account.len() != 12
        || !account.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let (path, epoch) = resource.rsplit_once(':')?;
    if epoch.is_empty() || epoch.len() > 19 || !epoch.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (stream, name) = path.strip_prefix("stream/")?.split_once("/consumer/")?;
    (is_name(stream) && is_name(name)).then_some((stream, name, epoch.parse().ok()?))
}

/// Why a subscription stopped pushing events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// Its 5 minutes ran out (§1.13); subscribe again to continue.
    Expired,
    /// A later SubscribeToShard for the same consumer and shard took over (§1.13).
    Replaced,
    /// The shard is closed and every record was pushed; the last event carried `ChildShards`.
    ShardEnd,
    /// The consumer was deregistered.
    ConsumerDeleting,
    /// The stream is being deleted (`EnforceConsumerDeletion`) or is gone.
    StreamDeleting,
    /// The shard is no longer listed (expired after retention).
    ShardGone,
}

impl EndReason {
    /// A stable upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Expired => "EXPIRED",
            EndReason::Replaced => "REPLACED",
            EndReason::ShardEnd => "SHARD_END",
            EndReason::ConsumerDeleting => "CONSUMER_DELETING",
            EndReason::StreamDeleting => "STREAM_DELETING",
            EndReason::ShardGone => "SHARD_GONE",
        }
    }
}

/// One SubscribeToShard call's subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// World-unique number (`SubscriptionId` is rendered from it).
    pub id: u64,
    /// Virtual time of the call.
    pub started_ms: VirtualMs,
    /// Virtual time it ends unless renewed earlier (start + 5 min).
    pub expires_ms: VirtualMs,
    /// Sequence index of the next record to push.
    pub position: u64,
    /// `None` while active.
    pub ended: Option<(VirtualMs, EndReason)>,
    /// Virtual time of the last event pushed.
    pub last_event_ms: Option<VirtualMs>,
    /// Events pushed.
    pub events: u64,
    /// Records pushed.
    pub records: u64,
    /// Bytes (data + partition key) pushed.
    pub bytes: u64,
    /// `ContinuationSequenceNumber` of the last event (`None` at shard end or before the first).
    pub continuation: Option<SequenceNumber>,
    /// `MillisBehindLatest` of the last event.
    pub millis_behind: u64,
}

impl Subscription {
    /// Whether it still pushes events.
    pub fn is_active(&self) -> bool {
        self.ended.is_none()
    }

    /// `SubscriptionId` as the playground renders it.
    pub fn id_string(&self) -> String {
        subscription_id(self.id)
    }
}

/// `SubscriptionId` for subscription number `n`.
pub fn subscription_id(n: u64) -> String {
    format!("subscription-{n:08}")
}

/// One record inside a pushed event (a copy: the buffer outlives retention changes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushedRecord {
    /// Its sequence number.
    pub sequence_number: SequenceNumber,
    /// Virtual arrival time.
    pub arrival_ms: VirtualMs,
    /// Unix ms of arrival (`ApproximateArrivalTimestamp`).
    pub arrival_unix_ms: u64,
    /// Partition key.
    pub partition_key: Box<str>,
    /// Data bytes.
    pub data: Box<[u8]>,
}

/// A child shard named in a final event (`ChildShards`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildShard {
    /// Shard index.
    pub index: u32,
    /// Parent shard indices (one for a split child, two for a merge child).
    pub parents: Vec<u32>,
    /// Hash-key range `(starting, ending)`.
    pub range: (u128, u128),
}

/// One `SubscribeToShardEvent` as pushed, with when and by which subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushedEvent {
    /// The subscription that pushed it.
    pub subscription_id: u64,
    /// Virtual time it was pushed.
    pub at_ms: VirtualMs,
    /// `Records`.
    pub records: Vec<PushedRecord>,
    /// `ContinuationSequenceNumber` (`None` = null, at shard end).
    pub continuation: Option<SequenceNumber>,
    /// `MillisBehindLatest`.
    pub millis_behind: u64,
    /// `ChildShards` (only in the final event of a closed shard).
    pub child_shards: Option<Vec<ChildShard>>,
}

/// Everything kept for one consumer on one shard: the dedicated throughput, the call-rate state,
/// the latest subscription and the buffer of pushed events.
#[derive(Clone, Debug)]
pub struct Channel {
    /// The consumer's ARN.
    pub consumer_arn: String,
    /// The consumer's name.
    pub consumer_name: String,
    /// Stream name.
    pub stream: String,
    /// Virtual creation time of the stream.
    pub stream_created_ms: VirtualMs,
    /// Shard index.
    pub shard: u32,
    /// Dedicated 2 MiB/s bucket (§1.13).
    pub bucket: TokenBucket,
    /// SubscribeToShard calls in the last second (§1.13: 1 per second).
    pub calls: RollingCalls,
    /// Virtual time of the last successful SubscribeToShard (the 5-s rule, §1.13).
    pub last_success_ms: Option<VirtualMs>,
    /// The latest subscription (active or ended).
    pub subscription: Option<Subscription>,
    /// Events pushed and not yet read.
    pub buffer: VecDeque<PushedEvent>,
    /// Events dropped from a full buffer since the last read.
    pub dropped_since_read: u64,
    /// Events dropped in total.
    pub dropped_total: u64,
    /// Events, records and bytes pushed over every subscription of this channel.
    pub totals: (u64, u64, u64),
    generation: u64,
    wake_due: Option<VirtualMs>,
    last_tick_ms: Option<VirtualMs>,
}

impl Channel {
    /// What the UI draws for this consumer on this shard (`None` before the first subscription).
    pub fn view(&self) -> Option<SubscriptionView> {
        let sub = self.subscription.as_ref()?;
        Some(SubscriptionView {
            consumer_name: self.consumer_name.clone(),
            consumer_arn: self.consumer_arn.clone(),
            stream: self.stream.clone(),
            shard: self.shard,
            subscription_id: sub.id_string(),
            active: sub.is_active(),
            end_reason: sub.ended.map(|(_, r)| r.as_str()),
            position: sub.position,
            continuation: sub.continuation.map(SequenceNumber::to_decimal),
            events_delivered: sub.events,
            records_delivered: sub.records,
            bytes_delivered: sub.bytes,
            last_event_ms: sub.last_event_ms,
            millis_behind_latest: sub.millis_behind,
            expires_ms: sub.expires_ms,
            buffered_events: self.buffer.len(),
            dropped_events: self.dropped_total,
        })
    }
}

/// What the world schedules for enhanced fan-out (one variant of [`crate::engine::world::Event`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EfoEvent {
    /// A `CREATING` consumer becomes `ACTIVE`.
    ConsumerActive {
        /// Consumer ARN.
        arn: String,
    },
    /// A `DELETING` consumer disappears.
    ConsumerGone {
        /// Consumer ARN.
        arn: String,
    },
    /// A subscription's delivery tick: push what is visible, or a heartbeat, or the shard end.
    Deliver {
        /// Channel id.
        channel: u64,
        /// The channel's tick generation when scheduled; older ticks are stale and ignored.
        generation: u64,
    },
}

/// What the UI draws for one consumer on one shard ([`Efo::subscription_views`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscriptionView {
    /// Consumer name.
    pub consumer_name: String,
    /// Consumer ARN.
    pub consumer_arn: String,
    /// Stream name.
    pub stream: String,
    /// Shard index.
    pub shard: u32,
    /// `SubscriptionId` of the latest subscription.
    pub subscription_id: String,
    /// Whether it is pushing events.
    pub active: bool,
    /// Why it ended, if it did.
    pub end_reason: Option<&'static str>,
    /// Sequence index of the next record to push (the subscription's position in the shard).
    pub position: u64,
    /// `ContinuationSequenceNumber` of the last event, decimal.
    pub continuation: Option<String>,
    /// Events pushed by this subscription.
    pub events_delivered: u64,
    /// Records pushed by this subscription.
    pub records_delivered: u64,
    /// Bytes pushed by this subscription.
    pub bytes_delivered: u64,
    /// Virtual time of its last event.
    pub last_event_ms: Option<VirtualMs>,
    /// `MillisBehindLatest` of its last event.
    pub millis_behind_latest: u64,
    /// Virtual time it expires.
    pub expires_ms: VirtualMs,
    /// Events waiting in the buffer.
    pub buffered_events: usize,
    /// Events dropped from a full buffer, in total.
    pub dropped_events: u64,
}

/// Every consumer and subscription of the account.
#[derive(Clone, Debug, Default)]
pub struct Efo {
    /// Consumers by stream, then consumer name.
    consumers: BTreeMap<String, BTreeMap<String, Consumer>>,
    /// Channels by id.
    channels: BTreeMap<u64, Channel>,
    /// Channel ids by consumer ARN, then shard.
    channel_index: BTreeMap<String, BTreeMap<u32, u64>>,
    /// Channels with an active subscription, by stream then shard (the write path's wake-ups).
    active: BTreeMap<String, BTreeMap<u32, Vec<u64>>>,
    next_channel: u64,
    next_subscription: u64,
    /// Delivery events requested by the write path, not yet in the world's scheduler.
    wakeups: Vec<(VirtualMs, Event)>,
    /// Account-level control-plane call rates (§1.16).
    pub(crate) register_calls: RollingCalls,
    pub(crate) deregister_calls: RollingCalls,
    pub(crate) list_calls: RollingCalls,
    pub(crate) describe_calls: RollingCalls,
}

impl Efo {
    /// Whether nothing was ever registered (the digest skips EFO state then).
    pub fn is_empty(&self) -> bool {
        self.consumers.is_empty() && self.channels.is_empty() && self.next_subscription == 0
    }

    /// Every consumer, ordered by (stream, name).
    pub fn consumers(&self) -> impl Iterator<Item = &Consumer> {
        self.consumers.values().flat_map(BTreeMap::values)
    }

    /// The consumers of one stream, ordered by name.
    pub fn stream_consumers(&self, stream: &str) -> impl Iterator<Item = &Consumer> {
        self.consumers
            .get(stream)
            .into_iter()
            .flat_map(BTreeMap::values)
    }

    /// `ConsumerCount` of a stream: consumers registered with it in any status (§1.11).
    pub fn consumer_count(&self, stream: &str) -> usize {
        self.stream_consumers(stream).count()
    }

    /// Consumers of a stream that are not already `DELETING` (those block DeleteStream, §1.11).
    pub fn live_consumer_count(&self, stream: &str) -> usize {
        self.stream_consumers(stream)
            .filter(|c| c.status != ConsumerStatus::Deleting)
            .count()
    }

    /// `ACTIVE` consumers of a stream (billed per consumer-shard-hour).
    pub fn active_consumer_count(&self, stream: &str) -> usize {
        self.stream_consumers(stream)
            .filter(|c| c.status == ConsumerStatus::Active)
            .count()
    }

    /// Consumers `CREATING` anywhere in the account (§1.13: at most 5).
    pub fn creating_count(&self) -> usize {
        self.consumers()
            .filter(|c| c.status == ConsumerStatus::Creating)
            .count()
    }

    /// The consumer `name` of `stream`.
    pub fn consumer(&self, stream: &str, name: &str) -> Option<&Consumer> {
        self.consumers.get(stream)?.get(name)
    }

    /// The consumer with exactly this ARN.
    pub fn consumer_by_arn(&self, arn: &str) -> Option<&Consumer> {
        let (stream, name, _) = parse_consumer_arn(arn)?;
        self.consumer(stream, name).filter(|c| c.arn == arn)
    }

    fn consumer_by_arn_mut(&mut self, arn: &str) -> Option<&mut Consumer> {
        let (stream, name, _) = parse_consumer_arn(arn)?;
        self.consumers
            .get_mut(stream)?
            .get_mut(name)
            .filter(|c| c.arn == arn)
    }

    /// Adds a consumer (the caller checked every rule).
    pub(crate) fn insert_consumer(&mut self, consumer: Consumer) {
        self.consumers
            .entry(consumer.stream.clone())
            .or_default()
            .insert(consumer.name.clone(), consumer);
    }

    /// The channel of a consumer on a shard, if it ever subscribed there.
    pub fn channel(&self, consumer_arn: &str, shard: u32) -> Option<&Channel> {
        let id = self.channel_index.get(consumer_arn)?.get(&shard)?;
        self.channels.get(id)
    }

    /// Mutable channel, created on first use for a consumer that exists.
    pub(crate) fn channel_mut_or_new(
        &mut self,
        consumer: &Consumer,
        shard: u32,
        now: VirtualMs,
    ) -> (u64, &mut Channel) {
        let by_shard = self.channel_index.entry(consumer.arn.clone()).or_default();
        let id = *by_shard.entry(shard).or_insert_with(|| {
            let id = self.next_channel;
            self.next_channel += 1;
            id
        });
        let ch = self.channels.entry(id).or_insert_with(|| Channel {
            consumer_arn: consumer.arn.clone(),
            consumer_name: consumer.name.clone(),
            stream: consumer.stream.clone(),
            stream_created_ms: consumer.stream_created_ms,
            shard,
            bucket: TokenBucket::full(EFO_BYTES_PER_S, now),
            calls: RollingCalls::default(),
            last_success_ms: None,
            subscription: None,
            buffer: VecDeque::new(),
            dropped_since_read: 0,
            dropped_total: 0,
            totals: (0, 0, 0),
            generation: 0,
            wake_due: None,
            last_tick_ms: None,
        });
        (id, ch)
    }

    /// Drains up to `max` buffered events of a consumer on a shard; returns them with the number
    /// dropped since the previous read.
    pub fn drain_events(
        &mut self,
        consumer_arn: &str,
        shard: u32,
        max: usize,
    ) -> Option<(Vec<PushedEvent>, u64)> {
        let id = *self.channel_index.get(consumer_arn)?.get(&shard)?;
        let ch = self.channels.get_mut(&id)?;
        let n = max.min(ch.buffer.len());
        let events: Vec<PushedEvent> = ch.buffer.drain(..n).collect();
        let dropped = std::mem::take(&mut ch.dropped_since_read);
        Some((events, dropped))
    }

    /// Starts a subscription on channel `id` at `now` from sequence index `position`, ending any
    /// active one (it is replaced, §1.13). Returns the new subscription's number and the delivery
    /// event to schedule now.
    pub(crate) fn start_subscription(
        &mut self,
        id: u64,
        position: u64,
        now: VirtualMs,
    ) -> Option<(u64, Event)> {
        if self
            .channels
            .get(&id)?
            .subscription
            .as_ref()
            .is_some_and(Subscription::is_active)
        {
            self.end_subscription(id, now, EndReason::Replaced);
        }
        let sub_id = self.next_subscription;
        self.next_subscription += 1;
        let ch = self.channels.get_mut(&id)?;
        ch.last_success_ms = Some(now);
        ch.subscription = Some(Subscription {
            id: sub_id,
            started_ms: now,
            expires_ms: now + SUBSCRIPTION_TTL_MS,
            position,
            ended: None,
            last_event_ms: None,
            events: 0,
            records: 0,
            bytes: 0,
            continuation: None,
            millis_behind: 0,
        });
        ch.generation += 1;
        ch.wake_due = Some(now);
        ch.last_tick_ms = None;
        let generation = ch.generation;
        let (stream, shard) = (ch.stream.clone(), ch.shard);
        self.active
            .entry(stream)
            .or_default()
            .entry(shard)
            .or_default()
            .push(id);
        Some((
            sub_id,
            Event::Efo(EfoEvent::Deliver {
                channel: id,
                generation,
            }),
        ))
    }

    /// Ends the active subscription of channel `id`, if any.
    fn end_subscription(&mut self, id: u64, now: VirtualMs, reason: EndReason) {
        let Some(ch) = self.channels.get_mut(&id) else {
            return;
        };
        let Some(sub) = ch.subscription.as_mut().filter(|s| s.is_active()) else {
            return;
        };
        sub.ended = Some((now, reason));
        ch.generation += 1;
        ch.wake_due = None;
        if let Some(by_shard) = self.active.get_mut(&ch.stream) {
            if let Some(ids) = by_shard.get_mut(&ch.shard) {
                ids.retain(|&c| c != id);
                if ids.is_empty() {
                    by_shard.remove(&ch.shard);
                }
            }
            if by_shard.is_empty() {
                self.active.remove(&ch.stream);
            }
        }
    }

    /// Ends every active subscription of a consumer.
    fn end_consumer_subscriptions(&mut self, arn: &str, now: VirtualMs, reason: EndReason) {
        let ids: Vec<u64> = self
            .channel_index
            .get(arn)
            .map(|m| m.values().copied().collect())
            .unwrap_or_default();
        for id in ids {
            self.end_subscription(id, now, reason);
        }
    }

    /// Puts a consumer in `DELETING` and ends its subscriptions (DeregisterStreamConsumer).
    /// Returns whether the consumer was found in another status.
    pub(crate) fn begin_delete(&mut self, arn: &str, now: VirtualMs, reason: EndReason) -> bool {
        let Some(c) = self.consumer_by_arn_mut(arn) else {
            return false;
        };
        if c.status == ConsumerStatus::Deleting {
            return false;
        }
        c.status = ConsumerStatus::Deleting;
        self.end_consumer_subscriptions(arn, now, reason);
        true
    }

    /// DeleteStream with `EnforceConsumerDeletion`: every consumer of `stream` goes `DELETING`
    /// (they disappear with the stream).
    pub(crate) fn delete_stream_consumers(&mut self, stream: &str, now: VirtualMs) {
        let arns: Vec<String> = self
            .stream_consumers(stream)
            .map(|c| c.arn.clone())
            .collect();
        for arn in arns {
            self.begin_delete(&arn, now, EndReason::StreamDeleting);
        }
    }

    /// Forgets a consumer and its channels.
    fn remove_consumer(&mut self, arn: &str, now: VirtualMs) {
        self.end_consumer_subscriptions(arn, now, EndReason::ConsumerDeleting);
        if let Some((stream, name, _)) = parse_consumer_arn(arn) {
            if let Some(by_name) = self.consumers.get_mut(stream) {
                if by_name.get(name).is_some_and(|c| c.arn == arn) {
                    by_name.remove(name);
                }
                if by_name.is_empty() {
                    self.consumers.remove(stream);
                }
            }
        }
        if let Some(ids) = self.channel_index.remove(arn) {
            for id in ids.values() {
                self.channels.remove(id);
            }
        }
    }

    /// Forgets every consumer of a removed stream (called from `Kinesis::remove`).
    pub fn remove_stream(&mut self, stream: &str) {
        let arns: Vec<String> = self
            .stream_consumers(stream)
            .map(|c| c.arn.clone())
            .collect();
        for arn in arns {
            // Consumer and channels go with the stream; the end time is never shown.
            self.end_consumer_subscriptions(&arn, 0, EndReason::StreamDeleting);
            self.remove_consumer(&arn, 0);
        }
    }

    /// Called by the write path after a record arrived at `now` on `shard` of `stream`: pulls the
    /// next delivery of every active subscription there forward to when the record becomes visible
    /// (but at least [`EFO_TICK_MS`] after its previous delivery). O(1) without subscriptions.
    pub fn note_append(&mut self, stream: &str, shard: u32, now: VirtualMs) {
        let Some(ids) = self.active.get(stream).and_then(|m| m.get(&shard)) else {
            return;
        };
        for id in ids {
            let Some(ch) = self.channels.get_mut(id) else {
                continue;
            };
            let desired =
                (now + EFO_PROPAGATION_MS).max(ch.last_tick_ms.map_or(0, |t| t + EFO_TICK_MS));
            if ch.wake_due.is_none_or(|w| w > desired) {
                ch.generation += 1;
                ch.wake_due = Some(desired);
                self.wakeups.push((
                    desired,
                    Event::Efo(EfoEvent::Deliver {
                        channel: *id,
                        generation: ch.generation,
                    }),
                ));
            }
        }
    }

    /// Wake-ups requested by the write path, for the world to schedule (in request order).
    pub fn take_wakeups(&mut self) -> Vec<(VirtualMs, Event)> {
        std::mem::take(&mut self.wakeups)
    }

    /// Whether wake-ups are waiting to be scheduled.
    pub fn has_wakeups(&self) -> bool {
        !self.wakeups.is_empty()
    }

    /// What the UI draws: one row per consumer and shard that ever subscribed, ordered by consumer
    /// ARN then shard.
    pub fn subscription_views(&self) -> Vec<SubscriptionView> {
        self.channel_index
            .values()
            .flat_map(BTreeMap::values)
            .filter_map(|id| self.channels.get(id).and_then(Channel::view))
            .collect()
    }

    /// The view of one consumer on one shard, if it ever subscribed there.
    pub fn subscription_view(&self, consumer_arn: &str, shard: u32) -> Option<SubscriptionView> {
        self.channel(consumer_arn, shard)?.view()
    }

    /// A canonical text of the whole EFO state, for `engine::digest` (buffered events are summarised
    /// by their subscription, time, record count and continuation).
    pub fn digest_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = write!(s, "efo={};{};", self.next_channel, self.next_subscription);
        for c in self.consumers() {
            let _ = write!(
                s,
                "consumer={};{};{};{};",
                c.arn,
                c.stream_created_ms,
                c.status.as_str(),
                c.created_ms
            );
        }
        for (id, ch) in &self.channels {
            let _ = write!(
                s,
                "channel={id};{};{};{:?};{:?};{:?};{};{:?};{:?};{};{};{:?};",
                ch.consumer_arn,
                ch.shard,
                ch.bucket,
                ch.calls,
                ch.last_success_ms,
                ch.generation,
                ch.wake_due,
                ch.last_tick_ms,
                ch.dropped_since_read,
                ch.dropped_total,
                ch.totals
            );
            if let Some(sub) = &ch.subscription {
                let _ = write!(s, "sub={sub:?};");
            }
            for e in &ch.buffer {
                let _ = write!(
                    s,
                    "ev={};{};{};{:?};{};{};",
                    e.subscription_id,
                    e.at_ms,
                    e.records.len(),
                    e.continuation,
                    e.millis_behind,
                    e.child_shards.as_ref().map_or(0, Vec::len)
                );
            }
        }
        let _ = write!(
            s,
            "rates={:?};{:?};{:?};{:?};",
            self.register_calls, self.deregister_calls, self.list_calls, self.describe_calls
        );
        s
    }
}

impl Kinesis {
    /// Runs one delivery tick of channel `id` at `now` (see the module docs); returns the next
    /// delivery event to schedule, if the subscription goes on.
    fn efo_deliver(
        &mut self,
        id: u64,
        generation: u64,
        now: VirtualMs,
        epoch: Epoch,
    ) -> Option<(VirtualMs, Event)> {
        let ch = self.efo.channels.get_mut(&id)?;
        if ch.generation != generation {
            return None; // stale: rescheduled, replaced or ended since
        }
        ch.wake_due = None;
        let sub = ch.subscription.as_mut().filter(|s| s.is_active())?;
        if now >= sub.expires_ms {
            self.efo.end_subscription(id, now, EndReason::Expired);
            return None;
        }
        let stream = self
            .streams
            .get(&ch.stream)
            .filter(|s| s.created_ms() == ch.stream_created_ms);
        let Some(stream) = stream else {
            self.efo
                .end_subscription(id, now, EndReason::StreamDeleting);
            return None;
        };
        let Some(shard) = stream.shard(ch.shard) else {
            self.efo.end_subscription(id, now, EndReason::ShardGone);
            return None;
        };
        // Push what is visible, within the consumer's own bucket (§1.13).
        ch.bucket.refill(now);
        let records = shard.records();
        let start = shard.first_at_or_after(sub.position);
        let mut pushed = Vec::new();
        let mut bytes = 0u64;
        let mut held_back = false; // visible records left for the next tick (bucket or size cap)
        for r in records.range(start..) {
            if r.arrival_ms + EFO_PROPAGATION_MS > now {
                break;
            }
            let size = (r.data.len() + r.partition_key.len()) as u64;
            if pushed.len() >= EFO_EVENT_MAX_RECORDS || !ch.bucket.allows(size) {
                held_back = true;
                break;
            }
            ch.bucket.take(size);
            bytes += size;
            let arrival_unix_ms = epoch.to_unix_ms(r.arrival_ms);
            pushed.push(PushedRecord {
                sequence_number: shard.sequence_number(r.seq_index, arrival_unix_ms / 1000),
                arrival_ms: r.arrival_ms,
                arrival_unix_ms,
                partition_key: r.partition_key.clone(),
                data: r.data.clone(),
            });
        }
        if let Some(last) = pushed.last() {
            sub.position = last.sequence_number.seq_index + 1;
        }
        let first_pending = records.get(start + pushed.len());
        let closed_ms =
            (shard.state() == ShardState::Closed).then(|| shard.closed_ms().unwrap_or(0));
        let shard_end =
            first_pending.is_none() && closed_ms.is_some_and(|c| c + EFO_PROPAGATION_MS <= now);
        let heartbeat_due = sub
            .last_event_ms
            .is_none_or(|t| now >= t + EFO_HEARTBEAT_MS);
        if !pushed.is_empty() || heartbeat_due || shard_end {
            // MillisBehindLatest (§1.13, as GetRecords §1.8): 0 when every visible record was
            // pushed; otherwise how far the oldest record still waiting is behind now.
            let millis_behind = if held_back {
                first_pending.map_or(0, |r| now.saturating_sub(r.arrival_ms))
            } else {
                0
            };
            // The continuation resumes with AFTER_SEQUENCE_NUMBER (§1.13): the last pushed
            // record, or — without data — the position so far stamped with the current second,
            // so it advances even when nothing arrives.
            let continuation =
                if shard_end {
                    None
                } else if let Some(last) = pushed.last() {
                    Some(last.sequence_number)
                } else {
                    Some(shard.sequence_number(
                        sub.position.saturating_sub(1),
                        epoch.to_unix_ms(now) / 1000,
                    ))
                };
            let child_shards = shard_end.then(|| {
                stream
                    .shards()
                    .iter()
                    .filter(|c| {
                        c.parent() == Some(ch.shard) || c.adjacent_parent() == Some(ch.shard)
                    })
                    .map(|c| ChildShard {
                        index: c.index(),
                        parents: c.parent().into_iter().chain(c.adjacent_parent()).collect(),
                        range: (c.range().starting, c.range().ending),
                    })
                    .collect()
            });
            let n = pushed.len() as u64;
            sub.events += 1;
            sub.records += n;
            sub.bytes += bytes;
            sub.last_event_ms = Some(now);
            sub.continuation = continuation;
            sub.millis_behind = millis_behind;
            ch.totals.0 += 1;
            ch.totals.1 += n;
            ch.totals.2 += bytes;
            if ch.buffer.len() >= EVENT_BUFFER_CAPACITY {
                ch.buffer.pop_front();
                ch.dropped_since_read += 1;
                ch.dropped_total += 1;
            }
            ch.buffer.push_back(PushedEvent {
                subscription_id: sub.id,
                at_ms: now,
                records: pushed,
                continuation,
                millis_behind,
                child_shards,
            });
            // §1.14: SubscribeToShardEvent.{Success, Records, Bytes, MillisBehindLatest}.
            let second = self.metrics.shard_second(&ch.stream, ch.shard, now);
            second.efo_events += 1;
            second.efo_records += n;
            second.efo_bytes += bytes;
            second.efo_millis_behind_max = second.efo_millis_behind_max.max(millis_behind);
            if let Some(u) = self.usage.get_mut(&ch.stream) {
                u.efo_bytes += bytes;
            }
        }
        if shard_end {
            self.efo.end_subscription(id, now, EndReason::ShardEnd);
            return None;
        }
        // The next delivery: the heartbeat, sooner if data is waiting or the shard end is due.
        let mut next = sub.last_event_ms.map_or(now, |t| t + EFO_HEARTBEAT_MS);
        if held_back {
            next = next.min(now + EFO_TICK_MS);
        } else if let Some(r) = first_pending {
            next = next.min((r.arrival_ms + EFO_PROPAGATION_MS).max(now + EFO_TICK_MS));
        } else if let Some(c) = closed_ms {
            next = next.min((c + EFO_PROPAGATION_MS).max(now + 1));
        }
        next = next.min(sub.expires_ms).max(now + 1);
        ch.last_tick_ms = Some(now);
        ch.generation += 1;
        ch.wake_due = Some(next);
        Some((
            next,
            Event::Efo(EfoEvent::Deliver {
                channel: id,
                generation: ch.generation,
            }),
        ))
    }

    /// After a reshard closed shards of `stream`: subscriptions on shards that are now closed get a
    /// delivery when the shard end becomes visible (instead of at their next heartbeat).
    fn efo_shards_closed(&mut self, stream: &str, now: VirtualMs) -> Vec<(VirtualMs, Event)> {
        let Some(s) = self.streams.get(stream) else {
            return Vec::new();
        };
        let Some(by_shard) = self.efo.active.get(stream) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (shard, ids) in by_shard {
            let Some(closed) = s.shard(*shard).and_then(|sh| sh.closed_ms()) else {
                continue;
            };
            let due = (closed + EFO_PROPAGATION_MS).max(now);
            for id in ids {
                let Some(ch) = self.efo.channels.get_mut(id) else {
                    continue;
                };
                if ch.wake_due.is_none_or(|w| w > due) {
                    ch.generation += 1;
                    ch.wake_due = Some(due);
                    out.push((
                        due,
                        Event::Efo(EfoEvent::Deliver {
                            channel: *id,
                            generation: ch.generation,
                        }),
                    ));
                }
            }
        }
        out
    }
}

/// Runs an enhanced fan-out event (the [`Event::Efo`] handler).
pub fn on_event(world: &mut World, event: EfoEvent) {
    let now = world.now();
    match event {
        EfoEvent::ConsumerActive { arn } => {
            if let Some(c) = world.kinesis.efo.consumer_by_arn_mut(&arn) {
                if c.status == ConsumerStatus::Creating {
                    c.status = ConsumerStatus::Active;
                }
            }
        }
        EfoEvent::ConsumerGone { arn } => {
            if world
                .kinesis
                .efo
                .consumer_by_arn(&arn)
                .is_some_and(|c| c.status == ConsumerStatus::Deleting)
            {
                world.kinesis.efo.remove_consumer(&arn, now);
            }
        }
        EfoEvent::Deliver {
            channel,
            generation,
        } => {
            let epoch = world.epoch();
            if let Some((due, ev)) = world.kinesis.efo_deliver(channel, generation, now, epoch) {
                world.schedule(due, ev);
            }
        }
    }
}

/// Called after a reshard of `stream` completed (world event `StreamUpdateComplete`).
pub fn on_shards_closed(world: &mut World, stream: &str) {
    let now = world.now();
    for (due, ev) in world.kinesis.efo_shards_closed(stream, now) {
        world.schedule(due, ev);
    }
}
