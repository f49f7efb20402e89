//! The KPL's per-shard rate limiter (§2.6: `RateLimit`, % of the shard limit; token buckets for
//! records and bytes per shard). Integer milli-units on virtual time, like `kinesis::throughput`,
//! but able to say how long until a withdrawal fits.

use crate::engine::kinesis::throughput::{WRITE_BYTES_PER_S, WRITE_RECORDS_PER_S};
use crate::engine::time::VirtualMs;

/// One token bucket holding one second of its rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    per_s: u64,
    level_milli: u64,
    last_ms: VirtualMs,
}

impl Bucket {
    fn full(per_s: u64, now: VirtualMs) -> Bucket {
        Bucket {
            per_s: per_s.max(1),
            level_milli: per_s.max(1) * 1000,
            last_ms: now,
        }
    }

    fn refill(&mut self, now: VirtualMs) {
        if now > self.last_ms {
            let add = (now - self.last_ms).saturating_mul(self.per_s);
            self.level_milli = self.level_milli.saturating_add(add).min(self.per_s * 1000);
            self.last_ms = now;
        }
    }

    /// Milli-units needed for `units` (a withdrawal larger than the bucket needs a full bucket).
    fn need(&self, units: u64) -> u64 {
        units.saturating_mul(1000).min(self.per_s * 1000)
    }

    /// Ms until `units` fit (0 = now).
    fn wait_ms(&self, units: u64) -> u64 {
        let need = self.need(units);
        if self.level_milli >= need {
            0
        } else {
            (need - self.level_milli).div_ceil(self.per_s)
        }
    }
}

/// Records and bytes buckets of one shard at `RateLimit` % of the shard's write limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardLimiter {
    records: Bucket,
    bytes: Bucket,
}

impl ShardLimiter {
    /// Full buckets at `rate_limit_pct` % of 1,000 records/s and 1 MiB/s (§1.4).
    pub fn new(rate_limit_pct: u32, now: VirtualMs) -> ShardLimiter {
        let pct = u64::from(rate_limit_pct);
        ShardLimiter {
            records: Bucket::full(WRITE_RECORDS_PER_S * pct / 100, now),
            bytes: Bucket::full(WRITE_BYTES_PER_S * pct / 100, now),
        }
    }

    /// Takes one record of `bytes` if both buckets allow it; otherwise says how many ms to wait.
    pub fn try_take(&mut self, now: VirtualMs, bytes: u64) -> Result<(), u64> {
        self.records.refill(now);
        self.bytes.refill(now);
        let wait = self.records.wait_ms(1).max(self.bytes.wait_ms(bytes));
        if wait > 0 {
            return Err(wait);
        }
        self.records.level_milli -= self.records.need(1);
        self.bytes.level_milli = self
            .bytes
            .level_milli
            .saturating_sub(bytes.saturating_mul(1000));
        Ok(())
    }
}
