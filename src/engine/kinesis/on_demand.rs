//! On-demand capacity mode: the service scales shards for you (semantics.md §1.12).
//!
//! Model (each rule from §1.12, timing is the playground's choice within AWS's "within 15
//! minutes"):
//! - every [`CHECK_INTERVAL_MS`] of virtual time an on-demand stream is examined;
//! - a shard whose incoming traffic over the last interval averaged more than 500 KB/s (or more
//!   than 500 records/s, half its record quota) is split evenly at the middle of its hash range —
//!   this spreads many keys, but a single hot key still throttles at 1 MiB/s or 1,000 records/s;
//! - capacity follows **2 × the peak write throughput of the previous 30 days**: the open shard
//!   count grows (busiest shards split first) until it covers twice the peak, never below the
//!   initial 4 shards (4 MiB/s);
//! - scale-down ("gradual, over 24 h") is not simulated: shards stay once created.
//!
//! The stream stays ACTIVE: AWS scales on-demand streams without an UPDATING window.

use std::collections::VecDeque;

use crate::engine::kinesis::limits::ON_DEMAND_INITIAL_SHARDS;
use crate::engine::kinesis::metrics::Metric;
use crate::engine::kinesis::stream::{StreamMode, StreamStatus};
use crate::engine::kinesis::throughput::{WRITE_BYTES_PER_S, WRITE_RECORDS_PER_S};
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// How often an on-demand stream's capacity is re-examined (virtual ms).
pub const CHECK_INTERVAL_MS: u64 = 60_000;
/// A shard above this incoming rate is split (§1.12: 500 KB/s).
pub const HOT_SHARD_BYTES_PER_S: u64 = 500 * 1000;
/// A shard above this record rate is split too (half the 1,000 records/s quota).
pub const HOT_SHARD_RECORDS_PER_S: u64 = 500;
/// Window of the "2 × previous peak" rule (§1.12: 30 days).
pub const PEAK_WINDOW_MS: u64 = 30 * 24 * 3_600_000;
/// Most open shards the playground's on-demand scaling creates (a browser-sized ceiling below the
/// account shard limit).
pub const MAX_ON_DEMAND_SHARDS: usize = 64;

/// Per-stream state of on-demand scaling.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OnDemandState {
    /// Virtual time of the next scheduled check, if one is scheduled.
    pub next_check: Option<VirtualMs>,
    /// Peak stream write per interval: (interval end, peak bytes/s, peak records/s).
    pub peaks: VecDeque<(VirtualMs, u64, u64)>,
    /// Splits made by on-demand scaling so far.
    pub splits: u64,
}

impl OnDemandState {
    /// The peak bytes/s and records/s within the 30-day window ending at `now`.
    pub fn peak(&self, now: VirtualMs) -> (u64, u64) {
        self.peaks
            .iter()
            .filter(|(t, _, _)| t.saturating_add(PEAK_WINDOW_MS) > now)
            .fold((0, 0), |(b, r), (_, pb, pr)| (b.max(*pb), r.max(*pr)))
    }

    /// Open shards needed to absorb twice the 30-day peak.
    pub fn target_shards(&self, now: VirtualMs) -> usize {
        let (b, r) = self.peak(now);
        let by_bytes = (2 * b).div_ceil(WRITE_BYTES_PER_S);
        let by_records = (2 * r).div_ceil(WRITE_RECORDS_PER_S);
        (by_bytes.max(by_records) as usize).max(ON_DEMAND_INITIAL_SHARDS as usize)
    }
}

/// Schedules the periodic check for an ACTIVE on-demand stream, unless one is scheduled.
pub fn ensure_scheduled(world: &mut World, stream: &str) {
    let now = world.now();
    let Some(s) = world.kinesis.stream_mut(stream) else {
        return;
    };
    if s.mode != StreamMode::OnDemand || s.on_demand.next_check.is_some() {
        return;
    }
    let due = now + CHECK_INTERVAL_MS;
    s.on_demand.next_check = Some(due);
    let created_ms = s.created_ms();
    world.schedule(
        due,
        Event::OnDemandCheck {
            stream: stream.to_string(),
            created_ms,
        },
    );
}

/// Runs one check (the `OnDemandCheck` event) and schedules the next.
pub fn check(world: &mut World, stream: &str, created_ms: VirtualMs) {
    let now = world.now();
    let from_s = now.saturating_sub(CHECK_INTERVAL_MS) / 1000;
    let to_s = now / 1000;
    let interval_s = (to_s - from_s).max(1);
    let Some(s) = world.kinesis.stream(stream) else {
        return;
    };
    if s.created_ms() != created_ms || s.on_demand.next_check != Some(now) {
        return;
    }
    if s.mode != StreamMode::OnDemand {
        if let Some(s) = world.kinesis.stream_mut(stream) {
            s.on_demand.next_check = None;
        }
        return;
    }
    // Per-shard average rates over the interval, and the stream's peak second.
    let metrics = &world.kinesis.metrics;
    let mut load: Vec<(u64, u32, u128, u128)> = Vec::new(); // (score, index, start, end)
    let mut hot: Vec<u32> = Vec::new();
    for shard in s.open_shards() {
        let sum = |m: Metric| -> u64 {
            metrics
                .series(stream, Some(shard.index()), m, from_s, to_s, interval_s)
                .iter()
                .map(|p| p.1)
                .sum()
        };
        let (bytes, records) = (sum(Metric::IncomingBytes), sum(Metric::IncomingRecords));
        let (bps, rps) = (bytes / interval_s, records / interval_s);
        if bps > HOT_SHARD_BYTES_PER_S || rps > HOT_SHARD_RECORDS_PER_S {
            hot.push(shard.index());
        }
        let score = (bps * 1000 / WRITE_BYTES_PER_S).max(rps * 1000 / WRITE_RECORDS_PER_S);
        load.push((
            score,
            shard.index(),
            shard.range().starting,
            shard.range().ending,
        ));
    }
    let per_second = |m: Metric| -> u64 {
        metrics
            .series(stream, None, m, from_s, to_s, 1)
            .iter()
            .map(|p| p.1)
            .max()
            .unwrap_or(0)
    };
    let (peak_b, peak_r) = (
        per_second(Metric::IncomingBytes),
        per_second(Metric::IncomingRecords),
    );
    let open = s.open_shard_count();
    let active = s.status == StreamStatus::Active;
    let created_unix_s = world.epoch().to_unix_ms(now) / 1000;

    let Some(s) = world.kinesis.stream_mut(stream) else {
        return;
    };
    s.on_demand.peaks.push_back((now, peak_b, peak_r));
    while s
        .on_demand
        .peaks
        .front()
        .is_some_and(|(t, _, _)| t.saturating_add(PEAK_WINDOW_MS) <= now)
    {
        s.on_demand.peaks.pop_front();
    }
    if active {
        let target = s
            .on_demand
            .target_shards(now)
            .max(open + hot.len())
            .min(MAX_ON_DEMAND_SHARDS);
        // Busiest first; ties by index, so the plan is deterministic.
        load.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut open_now = open;
        for (_, index, start, end) in load {
            if open_now >= target {
                break;
            }
            let mid = start + (end - start) / 2 + 1;
            if end - start >= 3 && s.split_shard_now(index, mid, now, created_unix_s).is_ok() {
                open_now += 1;
                s.on_demand.splits += 1;
            }
        }
    }
    let due = now + CHECK_INTERVAL_MS;
    s.on_demand.next_check = Some(due);
    world.schedule(
        due,
        Event::OnDemandCheck {
            stream: stream.to_string(),
            created_ms,
        },
    );
}
