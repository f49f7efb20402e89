//! Records a failed hand-over left behind, retried with exponential backoff until the source's
//! retry window closes. CloudWatch Logs retries throttled deliveries for up to 24 hours, then
//! drops them; EventBridge's default retry policy is 24 hours and 185 attempts (both documented
//! by AWS; semantics.md is silent on sources other than Kinesis and Firehose).

use std::collections::VecDeque;

use crate::engine::sources::{deliver, DeliveryStats, Outgoing, Target};
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// First retry after 1 s, doubling to at most 60 s.
const BACKOFF_BASE_MS: u64 = 1_000;
const BACKOFF_CAP_MS: u64 = 60_000;

/// How long and how often a source retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Oldest age a record may reach before it is dropped, ms.
    pub max_age_ms: u64,
    /// Most attempts per record (the first included).
    pub max_attempts: u32,
}

impl RetryPolicy {
    /// CloudWatch Logs subscriptions: 24 hours.
    pub const LOGS: RetryPolicy = RetryPolicy {
        max_age_ms: 24 * 3_600_000,
        max_attempts: u32::MAX,
    };
    /// EventBridge targets: 24 hours and 185 attempts.
    pub const EVENTS: RetryPolicy = RetryPolicy {
        max_age_ms: 24 * 3_600_000,
        max_attempts: 185,
    };
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Pending {
    due_ms: VirtualMs,
    first_ms: VirtualMs,
    attempts: u32,
    record: Outgoing,
}

/// Records waiting for another attempt, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetryQueue {
    items: VecDeque<Pending>,
}

fn backoff(attempts: u32) -> u64 {
    BACKOFF_BASE_MS
        .saturating_mul(1u64 << attempts.saturating_sub(1).min(16))
        .min(BACKOFF_CAP_MS)
}

impl RetryQueue {
    /// Records waiting.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// When the next retry is due.
    pub fn next_due(&self) -> Option<VirtualMs> {
        self.items.iter().map(|p| p.due_ms).min()
    }

    /// Queues records whose first attempt at `now` failed.
    pub fn push_failed(&mut self, failed: Vec<Outgoing>, now: VirtualMs) {
        for record in failed {
            self.items.push_back(Pending {
                due_ms: now + backoff(1),
                first_ms: now,
                attempts: 1,
                record,
            });
        }
    }

    /// Retries every record due at `now`; drops those past the policy; returns nothing, counting
    /// into `stats`.
    pub fn retry_due(
        &mut self,
        world: &mut World,
        target: &Target,
        policy: RetryPolicy,
        stats: &mut DeliveryStats,
    ) {
        let now = world.now();
        let (due, rest): (Vec<Pending>, Vec<Pending>) =
            self.items.drain(..).partition(|p| p.due_ms <= now);
        self.items = rest.into();
        if due.is_empty() {
            return;
        }
        stats.retries += due.len() as u64;
        let meta: Vec<(VirtualMs, u32)> = due.iter().map(|p| (p.first_ms, p.attempts)).collect();
        let records: Vec<Outgoing> = due.into_iter().map(|p| p.record).collect();
        let sent: Vec<Outgoing> = records.clone();
        let d = deliver(world, target, records);
        stats.add(&d);
        // `deliver` keeps the order of failures: match them back to their metadata in order.
        let mut failed = d.failed.into_iter().peekable();
        for (r, (first_ms, attempts)) in sent.into_iter().zip(meta) {
            if failed.peek() != Some(&r) {
                continue;
            }
            let r = failed.next().unwrap_or(r);
            let attempts = attempts + 1;
            if now.saturating_sub(first_ms) >= policy.max_age_ms || attempts >= policy.max_attempts
            {
                stats.dropped += 1;
            } else {
                self.items.push_back(Pending {
                    due_ms: now + backoff(attempts),
                    first_ms,
                    attempts,
                    record: r,
                });
            }
        }
    }
}
