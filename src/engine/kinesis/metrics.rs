//! CloudWatch-style metrics of streams and shards, per virtual second (semantics.md §1.14).
//!
//! Each shard keeps one compact [`SecondStats`] per virtual second for the last
//! [`RETAINED_SECONDS`]; stream-level metrics are sums (or maxima) over its shards, as CloudWatch's
//! stream-level `IncomingRecords` is the sum of the shard-level ones. Minute and longer periods are
//! aggregated at query time.

use std::collections::{BTreeMap, VecDeque};

use crate::engine::time::VirtualMs;

/// Seconds of per-second history kept per shard (3 hours).
pub const RETAINED_SECONDS: u64 = 3 * 3600;

/// Everything counted for one shard in one virtual second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SecondStats {
    /// Bytes accepted (data + partition key): `IncomingBytes`.
    pub incoming_bytes: u64,
    /// Records accepted: `IncomingRecords`.
    pub incoming_records: u64,
    /// Records refused for throughput: `WriteProvisionedThroughputExceeded`.
    pub write_throttled: u64,
    /// Bytes returned by GetRecords: `OutgoingBytes` / `GetRecords.Bytes`.
    pub outgoing_bytes: u64,
    /// Records returned by GetRecords: `OutgoingRecords` / `GetRecords.Records`.
    pub outgoing_records: u64,
    /// Successful GetRecords calls: `GetRecords.Success`.
    pub get_records_calls: u64,
    /// Throttled GetRecords calls: `ReadProvisionedThroughputExceeded`.
    pub read_throttled: u64,
    /// Largest iterator age seen, ms: `GetRecords.IteratorAgeMilliseconds` (Maximum).
    pub iterator_age_max_ms: u64,
    /// Successful SubscribeToShard calls: `SubscribeToShard.Success` (§1.14).
    pub subscribe_success: u64,
    /// SubscribeToShard calls refused for the call rate or an active subscription (§1.13):
    /// `SubscribeToShard.RateExceeded` (§1.14).
    pub subscribe_rate_exceeded: u64,
    /// Events pushed to subscriptions: `SubscribeToShardEvent.Success` (§1.14).
    pub efo_events: u64,
    /// Records pushed to subscriptions: `SubscribeToShardEvent.Records` (§1.14).
    pub efo_records: u64,
    /// Bytes pushed to subscriptions: `SubscribeToShardEvent.Bytes` (§1.14).
    pub efo_bytes: u64,
    /// Largest `MillisBehindLatest` pushed: `SubscribeToShardEvent.MillisBehindLatest` (§1.14).
    pub efo_millis_behind_max: u64,
}

/// A metric the playground records, by its CloudWatch name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    /// `IncomingBytes`.
    IncomingBytes,
    /// `IncomingRecords`.
    IncomingRecords,
    /// `WriteProvisionedThroughputExceeded`.
    WriteProvisionedThroughputExceeded,
    /// `ReadProvisionedThroughputExceeded`.
    ReadProvisionedThroughputExceeded,
    /// `OutgoingBytes` (shard level) = `GetRecords.Bytes` (stream level).
    OutgoingBytes,
    /// `OutgoingRecords` (shard level) = `GetRecords.Records` (stream level).
    OutgoingRecords,
    /// `GetRecords.Success`.
    GetRecordsSuccess,
    /// `GetRecords.IteratorAgeMilliseconds` (stream) / `IteratorAgeMilliseconds` (shard).
    IteratorAgeMilliseconds,
    /// `SubscribeToShard.Success`.
    SubscribeToShardSuccess,
    /// `SubscribeToShard.RateExceeded`.
    SubscribeToShardRateExceeded,
    /// `SubscribeToShardEvent.Success`.
    SubscribeToShardEventSuccess,
    /// `SubscribeToShardEvent.Records`.
    SubscribeToShardEventRecords,
    /// `SubscribeToShardEvent.Bytes`.
    SubscribeToShardEventBytes,
    /// `SubscribeToShardEvent.MillisBehindLatest` (Maximum per second).
    SubscribeToShardEventMillisBehindLatest,
}

impl Metric {
    /// Every metric with the names CloudWatch accepts for it (stream-level name first).
    pub const ALL: [(Metric, &'static [&'static str], &'static str); 14] = [
        (Metric::IncomingBytes, &["IncomingBytes"], "Bytes"),
        (Metric::IncomingRecords, &["IncomingRecords"], "Count"),
        (
            Metric::WriteProvisionedThroughputExceeded,
            &["WriteProvisionedThroughputExceeded"],
            "Count",
        ),
        (
            Metric::ReadProvisionedThroughputExceeded,
            &["ReadProvisionedThroughputExceeded"],
            "Count",
        ),
        (
            Metric::OutgoingBytes,
            &["GetRecords.Bytes", "OutgoingBytes"],
            "Bytes",
        ),
        (
            Metric::OutgoingRecords,
            &["GetRecords.Records", "OutgoingRecords"],
            "Count",
        ),
        (Metric::GetRecordsSuccess, &["GetRecords.Success"], "Count"),
        (
            Metric::IteratorAgeMilliseconds,
            &[
                "GetRecords.IteratorAgeMilliseconds",
                "IteratorAgeMilliseconds",
            ],
            "Milliseconds",
        ),
        (
            Metric::SubscribeToShardSuccess,
            &["SubscribeToShard.Success"],
            "Count",
        ),
        (
            Metric::SubscribeToShardRateExceeded,
            &["SubscribeToShard.RateExceeded"],
            "Count",
        ),
        (
            Metric::SubscribeToShardEventSuccess,
            &["SubscribeToShardEvent.Success"],
            "Count",
        ),
        (
            Metric::SubscribeToShardEventRecords,
            &["SubscribeToShardEvent.Records"],
            "Count",
        ),
        (
            Metric::SubscribeToShardEventBytes,
            &["SubscribeToShardEvent.Bytes"],
            "Bytes",
        ),
        (
            Metric::SubscribeToShardEventMillisBehindLatest,
            &["SubscribeToShardEvent.MillisBehindLatest"],
            "Milliseconds",
        ),
    ];

    /// Looks a metric up by CloudWatch name.
    pub fn from_name(name: &str) -> Option<(Metric, &'static str)> {
        Metric::ALL
            .iter()
            .find(|(_, names, _)| names.contains(&name))
            .map(|(m, _, unit)| (*m, *unit))
    }

    /// Whether the metric aggregates by maximum (ages) rather than by sum (counts, bytes).
    pub fn is_gauge(self) -> bool {
        matches!(
            self,
            Metric::IteratorAgeMilliseconds | Metric::SubscribeToShardEventMillisBehindLatest
        )
    }

    /// This metric's value in one second's stats.
    pub fn value(self, s: &SecondStats) -> u64 {
        match self {
            Metric::IncomingBytes => s.incoming_bytes,
            Metric::IncomingRecords => s.incoming_records,
            Metric::WriteProvisionedThroughputExceeded => s.write_throttled,
            Metric::ReadProvisionedThroughputExceeded => s.read_throttled,
            Metric::OutgoingBytes => s.outgoing_bytes,
            Metric::OutgoingRecords => s.outgoing_records,
            Metric::GetRecordsSuccess => s.get_records_calls,
            Metric::IteratorAgeMilliseconds => s.iterator_age_max_ms,
            Metric::SubscribeToShardSuccess => s.subscribe_success,
            Metric::SubscribeToShardRateExceeded => s.subscribe_rate_exceeded,
            Metric::SubscribeToShardEventSuccess => s.efo_events,
            Metric::SubscribeToShardEventRecords => s.efo_records,
            Metric::SubscribeToShardEventBytes => s.efo_bytes,
            Metric::SubscribeToShardEventMillisBehindLatest => s.efo_millis_behind_max,
        }
    }
}

/// Per-second history of one shard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShardMetrics {
    seconds: VecDeque<(u64, SecondStats)>,
}

impl ShardMetrics {
    /// The stats of the second containing `now`, created if needed.
    pub fn at(&mut self, now: VirtualMs) -> &mut SecondStats {
        let sec = now / 1000;
        if self.seconds.back().is_none_or(|(s, _)| *s != sec) {
            self.seconds.push_back((sec, SecondStats::default()));
            while self
                .seconds
                .front()
                .is_some_and(|(s, _)| s + RETAINED_SECONDS <= sec)
            {
                self.seconds.pop_front();
            }
        }
        let last = self.seconds.len() - 1;
        &mut self.seconds[last].1
    }

    /// Seconds with any activity in `[from_s, to_s)`.
    pub fn range(&self, from_s: u64, to_s: u64) -> impl Iterator<Item = &(u64, SecondStats)> {
        self.seconds
            .iter()
            .filter(move |(s, _)| *s >= from_s && *s < to_s)
    }
}

/// Metrics of every shard of every stream.
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    shards: BTreeMap<String, BTreeMap<u32, ShardMetrics>>,
}

impl Metrics {
    /// The current second's stats of one shard.
    pub fn shard_second(&mut self, stream: &str, shard: u32, now: VirtualMs) -> &mut SecondStats {
        self.shards
            .entry(stream.to_string())
            .or_default()
            .entry(shard)
            .or_default()
            .at(now)
    }

    /// One shard's stats for virtual second `sec`, if it had any activity.
    pub fn shard_stats(&self, stream: &str, shard: u32, sec: u64) -> Option<SecondStats> {
        let m = self.shards.get(stream)?.get(&shard)?;
        m.seconds
            .iter()
            .rev()
            .find(|(s, _)| *s == sec)
            .map(|(_, st)| *st)
    }

    /// Forgets a deleted stream's metrics.
    pub fn remove_stream(&mut self, stream: &str) {
        self.shards.remove(stream);
    }

    /// Datapoints of `metric` for `stream` (all shards, or one) over `[from_s, to_s)` in periods of
    /// `period_s` seconds: `(period start s, sum, max, sample count)` for periods with activity.
    pub fn series(
        &self,
        stream: &str,
        shard: Option<u32>,
        metric: Metric,
        from_s: u64,
        to_s: u64,
        period_s: u64,
    ) -> Vec<(u64, u64, u64, u64)> {
        let period_s = period_s.max(1);
        let mut buckets: BTreeMap<u64, (u64, u64, u64)> = BTreeMap::new();
        let Some(by_shard) = self.shards.get(stream) else {
            return Vec::new();
        };
        for (idx, m) in by_shard {
            if shard.is_some_and(|s| s != *idx) {
                continue;
            }
            for (sec, stats) in m.range(from_s, to_s) {
                let v = metric.value(stats);
                let start = from_s + (sec - from_s) / period_s * period_s;
                let b = buckets.entry(start).or_insert((0, 0, 0));
                b.0 += v;
                b.1 = b.1.max(v);
                b.2 += 1;
            }
        }
        buckets
            .into_iter()
            .map(|(s, (sum, max, n))| (s, sum, max, n))
            .collect()
    }
}
