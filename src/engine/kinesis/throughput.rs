//! Per-shard throughput limits on virtual time (semantics.md §1.4, §1.5, §1.7, §1.8).
//!
//! All arithmetic is in integers (milli-units per virtual millisecond), so limits behave the same
//! natively and in wasm.
//!
//! - Writes (§1.5 model): two token buckets per shard, 1 MiB/s of bytes and 1,000 records/s, each
//!   holding one second of burst. A record is admitted only if both allow it. A record larger than
//!   the byte bucket (large records, §1.4) is admitted from a full bucket and drives it into debt, so
//!   the shard throttles until the "tank" refills.
//! - Reads (§1.8 model): a 2 MiB/s byte bucket that may go into debt by one call's payload (a
//!   10 MiB call throttles the next 5 s) plus at most 5 GetRecords calls per rolling second.
//! - GetShardIterator (§1.7): at most 5 calls per rolling second per shard.

use std::collections::VecDeque;

use crate::engine::time::VirtualMs;

/// Bytes per MiB.
pub const MIB: u64 = 1_048_576;
/// Per-shard write bandwidth, bytes per second (§1.4: 1 MiB/s).
pub const WRITE_BYTES_PER_S: u64 = MIB;
/// Per-shard write rate, records per second (§1.4: 1,000 records/s).
pub const WRITE_RECORDS_PER_S: u64 = 1_000;
/// Per-shard shared read bandwidth, bytes per second (§1.8: 2 MiB/s).
pub const READ_BYTES_PER_S: u64 = 2 * MIB;
/// GetRecords calls per shard per rolling second (§1.8).
pub const READ_CALLS_PER_S: usize = 5;
/// GetShardIterator calls per shard per rolling second (§1.7).
pub const ITERATOR_CALLS_PER_S: usize = 5;

/// A token bucket in milli-units: refills `per_s` units per second up to `per_s` (one second of
/// burst); may be driven into debt by a single oversized withdrawal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenBucket {
    per_s: u64,
    /// Current level in milli-units (negative = debt).
    level_milli: i64,
    last_ms: VirtualMs,
}

impl TokenBucket {
    /// A full bucket refilling `per_s` units per second.
    pub fn full(per_s: u64, now: VirtualMs) -> TokenBucket {
        TokenBucket {
            per_s,
            level_milli: (per_s * 1000) as i64,
            last_ms: now,
        }
    }

    fn capacity_milli(&self) -> i64 {
        (self.per_s * 1000) as i64
    }

    /// Refills for the time elapsed since the last call.
    pub fn refill(&mut self, now: VirtualMs) {
        if now > self.last_ms {
            let add = (now - self.last_ms).saturating_mul(self.per_s) as i64;
            self.level_milli = self
                .level_milli
                .saturating_add(add)
                .min(self.capacity_milli());
            self.last_ms = now;
        }
    }

    /// Whether `units` could be withdrawn now: the level covers them, or — for a withdrawal larger
    /// than the whole bucket — the bucket is full.
    pub fn allows(&self, units: u64) -> bool {
        let need = (units.saturating_mul(1000) as i64).min(self.capacity_milli());
        self.level_milli >= need
    }

    /// Withdraws `units` (possibly into debt).
    pub fn take(&mut self, units: u64) {
        self.level_milli = self
            .level_milli
            .saturating_sub(units.saturating_mul(1000) as i64);
    }

    /// Whether the bucket is in debt (a read bucket refuses calls then).
    pub fn in_debt(&self) -> bool {
        self.level_milli < 0
    }

    /// Fill level in `[.., 1]` of the one-second capacity, for meters (negative when in debt).
    pub fn fill_ratio(&self) -> f64 {
        self.level_milli as f64 / self.capacity_milli() as f64
    }
}

/// Call times within the last second, for "N calls per rolling second" limits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RollingCalls {
    times: VecDeque<VirtualMs>,
}

impl RollingCalls {
    /// Records a call at `now` if fewer than `max` happened in `(now − 1000, now]`; returns whether
    /// it was allowed.
    pub fn try_call(&mut self, now: VirtualMs, max: usize) -> bool {
        while self.times.front().is_some_and(|&t| t + 1000 <= now) {
            self.times.pop_front();
        }
        if self.times.len() >= max {
            return false;
        }
        self.times.push_back(now);
        true
    }

    /// Calls in the rolling second ending at `now`.
    pub fn count(&self, now: VirtualMs) -> usize {
        self.times.iter().filter(|&&t| t + 1000 > now).count()
    }
}

/// Every limiter of one shard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardThroughput {
    /// Write bytes.
    pub write_bytes: TokenBucket,
    /// Write records.
    pub write_records: TokenBucket,
    /// Shared read bytes.
    pub read_bytes: TokenBucket,
    /// GetRecords calls.
    pub read_calls: RollingCalls,
    /// GetShardIterator calls.
    pub iterator_calls: RollingCalls,
}

impl ShardThroughput {
    /// Fresh limiters with full buckets at `now`.
    pub fn new(now: VirtualMs) -> ShardThroughput {
        ShardThroughput {
            write_bytes: TokenBucket::full(WRITE_BYTES_PER_S, now),
            write_records: TokenBucket::full(WRITE_RECORDS_PER_S, now),
            read_bytes: TokenBucket::full(READ_BYTES_PER_S, now),
            read_calls: RollingCalls::default(),
            iterator_calls: RollingCalls::default(),
        }
    }

    /// Admits one record of `bytes` (data + partition key) at `now`, or refuses it.
    pub fn admit_write(&mut self, now: VirtualMs, bytes: u64) -> bool {
        self.write_bytes.refill(now);
        self.write_records.refill(now);
        if self.write_bytes.allows(bytes) && self.write_records.allows(1) {
            self.write_bytes.take(bytes);
            self.write_records.take(1);
            true
        } else {
            false
        }
    }

    /// Admits a GetRecords call at `now` (before knowing its size), or refuses it.
    pub fn admit_read_call(&mut self, now: VirtualMs) -> bool {
        self.read_bytes.refill(now);
        if self.read_bytes.in_debt() {
            return false;
        }
        self.read_calls.try_call(now, READ_CALLS_PER_S)
    }

    /// Charges the bytes a GetRecords call returned.
    pub fn charge_read(&mut self, bytes: u64) {
        self.read_bytes.take(bytes);
    }
}
