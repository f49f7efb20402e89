//! Discrete-event scheduler: events ordered by virtual time, then by insertion order.
//!
//! Two events due at the same millisecond run in the order they were scheduled, so a run is a pure
//! function of the seed and the actions.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::engine::time::VirtualMs;

/// A pending event and its position in the total order `(due, seq)`.
#[derive(Clone, Debug)]
struct Entry<E> {
    due: VirtualMs,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.due == other.due && self.seq == other.seq
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    // BinaryHeap is a max-heap: reverse so the earliest (due, seq) pops first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.due, other.seq).cmp(&(self.due, self.seq))
    }
}

/// A queue of future events of type `E`.
#[derive(Clone, Debug)]
pub struct Scheduler<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Scheduler {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }
}

impl<E> Scheduler<E> {
    /// Schedules `event` at virtual time `due`.
    pub fn schedule(&mut self, due: VirtualMs, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry { due, seq, event });
    }

    /// Removes and returns the earliest event due at or before `t`.
    pub fn pop_due(&mut self, t: VirtualMs) -> Option<(VirtualMs, E)> {
        if self.heap.peek().is_some_and(|e| e.due <= t) {
            self.heap.pop().map(|e| (e.due, e.event))
        } else {
            None
        }
    }

    /// Due time of the earliest pending event.
    pub fn next_due(&self) -> Option<VirtualMs> {
        self.heap.peek().map(|e| e.due)
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
