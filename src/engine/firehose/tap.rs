//! What an analytics application with `'connector' = 'firehose'` reads: the records a delivery
//! stream accepts, as they pass through (after de-aggregation and CloudWatch Logs message
//! extraction, before any transform), numbered in arrival order. The tap keeps the newest
//! [`TAP_RECORDS`] records; a reader that falls further behind skips the ones it lost and counts
//! them.

use std::collections::VecDeque;

use crate::engine::time::VirtualMs;

/// Records each tap keeps.
pub const TAP_RECORDS: usize = 20_000;

/// One tapped record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tapped {
    /// Position in the tap (0, 1, …).
    pub position: u64,
    /// Arrival, virtual ms.
    pub arrival_ms: VirtualMs,
    /// The record's bytes.
    pub data: Vec<u8>,
}

/// The newest records a delivery stream accepted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tap {
    records: VecDeque<Tapped>,
    next: u64,
}

impl Tap {
    /// Appends one record.
    pub fn push(&mut self, arrival_ms: VirtualMs, data: &[u8]) {
        self.records.push_back(Tapped {
            position: self.next,
            arrival_ms,
            data: data.to_vec(),
        });
        self.next += 1;
        while self.records.len() > TAP_RECORDS {
            self.records.pop_front();
        }
    }

    /// Position of the next record to arrive (a LATEST reader starts here).
    pub fn end(&self) -> u64 {
        self.next
    }

    /// Position of the oldest record kept (a TRIM_HORIZON reader starts here).
    pub fn start(&self) -> u64 {
        self.records.front().map_or(self.next, |r| r.position)
    }

    /// Records from `position` on.
    pub fn read_from(&self, position: u64) -> impl Iterator<Item = &Tapped> {
        let skip = position.saturating_sub(self.start()) as usize;
        self.records.iter().skip(skip)
    }
}
