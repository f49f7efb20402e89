//! Count windows (semantics.md §5.3): `countWindow(n)` = GlobalWindows +
//! `PurgingTrigger(CountTrigger(n))` — fire and clear every `n` records of a key;
//! `countWindow(n, s)` = GlobalWindows + `CountEvictor(n)` + `CountTrigger(s)` — every `s` records,
//! over the last `n` (the evictor disables incremental aggregation, so the rows are buffered and
//! the aggregates recomputed at each firing). Count windows are never late.
//!
//! The reported window is `[index of the first record, one past the last)` in the key's record
//! sequence (0-based).

use std::collections::VecDeque;

use serde_json::Value;

use crate::engine::analytics::spec::{AggregateSpec, Window};

use super::accumulator::Accumulators;

/// A count window's firing: window, results, records.
pub(super) type CountFiring = (Window, Vec<Value>, u64);

/// The count-window state of one key.
#[derive(Clone, Debug)]
pub(super) enum CountState {
    /// `slide == size`: incremental, purged at each firing.
    Tumbling {
        /// Index of the first record of the open window.
        first: u64,
        /// Records in the open window.
        records: u64,
        /// Its aggregates.
        accs: Accumulators,
    },
    /// `slide != size`: the last `size` rows, with their JSON lengths.
    Sliding {
        /// Records seen so far.
        seen: u64,
        /// Records since the last firing.
        since_fire: u64,
        /// The buffered rows.
        rows: VecDeque<(Value, u64)>,
        /// Sum of the buffered rows' lengths.
        bytes: u64,
    },
}

impl CountState {
    /// Fresh state for `countWindow(size, slide)`.
    pub fn new(size: u64, slide: u64, specs: &[AggregateSpec]) -> CountState {
        if size == slide {
            CountState::Tumbling {
                first: 0,
                records: 0,
                accs: Accumulators::new(specs),
            }
        } else {
            CountState::Sliding {
                seen: 0,
                since_fire: 0,
                rows: VecDeque::new(),
                bytes: 0,
            }
        }
    }

    /// Adds a row; returns the firing it triggers, if any. `size` and `slide` must be > 0.
    pub fn add(
        &mut self,
        size: u64,
        slide: u64,
        specs: &[AggregateSpec],
        row: &Value,
    ) -> Option<CountFiring> {
        match self {
            CountState::Tumbling {
                first,
                records,
                accs,
            } => {
                accs.add(specs, row);
                *records += 1;
                if *records < size {
                    return None;
                }
                let w = Window {
                    start: clamp(*first),
                    end: clamp(first.saturating_add(*records)),
                };
                let out = (w, accs.results(), *records);
                *first = first.saturating_add(*records);
                *records = 0;
                *accs = Accumulators::new(specs);
                Some(out)
            }
            CountState::Sliding {
                seen,
                since_fire,
                rows,
                bytes,
            } => {
                let len = row.to_string().len() as u64;
                rows.push_back((row.clone(), len));
                *bytes = bytes.saturating_add(len);
                while rows.len() as u64 > size {
                    if let Some((_, l)) = rows.pop_front() {
                        *bytes = bytes.saturating_sub(l);
                    }
                }
                *seen = seen.saturating_add(1);
                *since_fire += 1;
                if *since_fire < slide {
                    return None;
                }
                *since_fire = 0;
                let mut accs = Accumulators::new(specs);
                for (r, _) in rows.iter() {
                    accs.add(specs, r);
                }
                let n = rows.len() as u64;
                let w = Window {
                    start: clamp(seen.saturating_sub(n)),
                    end: clamp(*seen),
                };
                Some((w, accs.results(), n))
            }
        }
    }

    /// Whether any record is held (a live pane).
    pub fn is_live(&self) -> bool {
        match self {
            CountState::Tumbling { records, .. } => *records > 0,
            CountState::Sliding { rows, .. } => !rows.is_empty(),
        }
    }

    /// Approximate bytes held (accumulators or buffered rows, plus counters).
    pub fn approx_bytes(&self) -> u64 {
        match self {
            CountState::Tumbling { accs, .. } => accs.approx_bytes().saturating_add(16),
            CountState::Sliding { rows, bytes, .. } => {
                bytes.saturating_add(8 * rows.len() as u64 + 16)
            }
        }
    }
}

fn clamp(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
