//! The Direct PUT quota of a delivery stream (semantics.md §4.1, us-east-1 figures): 500,000
//! records/s, 2,000 requests/s and 5 MiB/s, PutRecord and PutRecordBatch combined. Token buckets
//! refilled continuously on virtual time with one second of burst.

use crate::engine::time::VirtualMs;

/// Records per second.
pub const RECORDS_PER_S: u64 = 500_000;
/// Requests per second.
pub const REQUESTS_PER_S: u64 = 2_000;
/// Bytes per second (5 MiB).
pub const BYTES_PER_S: u64 = 5 * 1024 * 1024;

/// One token bucket holding at most one second of its rate. Tokens are kept in
/// milli-units so refills of a few milliseconds are exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket {
    rate: u64,
    milli_tokens: u64,
    last_ms: VirtualMs,
}

impl Bucket {
    /// A full bucket of `rate` per second.
    pub fn new(rate: u64, now: VirtualMs) -> Bucket {
        Bucket {
            rate,
            milli_tokens: rate * 1000,
            last_ms: now,
        }
    }

    fn refill(&mut self, now: VirtualMs) {
        if now > self.last_ms {
            let add = (now - self.last_ms).saturating_mul(self.rate);
            self.milli_tokens = (self.milli_tokens.saturating_add(add)).min(self.rate * 1000);
            self.last_ms = now;
        }
    }

    /// Whole tokens available at `now`.
    pub fn available(&mut self, now: VirtualMs) -> u64 {
        self.refill(now);
        self.milli_tokens / 1000
    }

    /// Takes `n` tokens if available.
    pub fn try_take(&mut self, now: VirtualMs, n: u64) -> bool {
        self.refill(now);
        if self.milli_tokens >= n * 1000 {
            self.milli_tokens -= n * 1000;
            true
        } else {
            false
        }
    }
}

/// The three buckets of one delivery stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirectPutQuota {
    /// Records.
    pub records: Bucket,
    /// Requests.
    pub requests: Bucket,
    /// Bytes.
    pub bytes: Bucket,
}

impl DirectPutQuota {
    /// Full buckets at `now`.
    pub fn new(now: VirtualMs) -> DirectPutQuota {
        DirectPutQuota {
            records: Bucket::new(RECORDS_PER_S, now),
            requests: Bucket::new(REQUESTS_PER_S, now),
            bytes: Bucket::new(BYTES_PER_S, now),
        }
    }

    /// Admits one request (false: throttled).
    pub fn admit_request(&mut self, now: VirtualMs) -> bool {
        self.requests.try_take(now, 1)
    }

    /// Admits one record of `bytes` (false: throttled; nothing taken).
    pub fn admit_record(&mut self, now: VirtualMs, bytes: u64) -> bool {
        if self.records.available(now) >= 1 && self.bytes.available(now) >= bytes {
            self.records.try_take(now, 1);
            self.bytes.try_take(now, bytes);
            true
        } else {
            false
        }
    }
}
