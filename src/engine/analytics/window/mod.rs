//! The keyed window operator, Flink-style (semantics.md §5.2–§5.5): watermarks, window assigners
//! with Flink's exact boundaries, event/processing-time and count triggers, allowed lateness and
//! the late side output, incremental aggregates, session merging, and key groups for rescaling.
//!
//! Map:
//! - [`window_start`], [`assign_windows`]: assigners (§5.3).
//! - [`BoundedOutOfOrderness`], [`combine_watermarks`]: watermark generation and propagation (§5.2).
//! - [`java_string_hash`], [`murmur_hash`], [`key_group`], [`operator_index`],
//!   [`default_max_parallelism`]: keyed state sharding (§5.5).
//! - [`Accumulators`]: the aggregate functions of one pane.
//! - [`WindowOperator`]: panes of all keys, timers, firing, lateness, purge (§5.4).
//!
//! Everything is deterministic: ordered maps only, no clock, no randomness, saturating arithmetic,
//! and no input panics.

mod accumulator;
mod assign;
mod count;
mod key_group;
mod operator;
mod panes;
mod session;
mod watermark;

pub use accumulator::{value_order, Accumulators};
pub use assign::{assign_windows, window_start, MAX_WINDOWS_PER_ELEMENT};
pub use key_group::{
    default_max_parallelism, java_string_hash, key_group, murmur_hash, operator_index,
};
pub use operator::WindowOperator;
pub use watermark::{combine_watermarks, BoundedOutOfOrderness};

use crate::engine::analytics::spec::Window;
use serde_json::Value;

/// What the window operator emits.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// A window (pane) fired: one result row per key and window (§5.4).
    Fired {
        /// The grouping key.
        key: String,
        /// The window; count windows use record indexes (§5.3).
        window: Window,
        /// One value per aggregate, in [`AggregateSpec`](crate::engine::analytics::spec::AggregateSpec)
        /// order.
        results: Vec<Value>,
        /// Records aggregated in the window.
        records: u64,
        /// A late firing (the window, or a session merged into it, had fired before): the result
        /// replaces the earlier one.
        update: bool,
    },
    /// A record dropped as late, sent to the late side output (§5.4 `sideOutputLateData`).
    Late {
        /// The grouping key.
        key: String,
        /// The record's event timestamp.
        timestamp: i64,
        /// How far behind the watermark it was: `watermark − timestamp`.
        lateness_ms: i64,
        /// The row itself.
        row: Value,
    },
}

impl Output {
    /// The deterministic order of the outputs of one call: `(window.end, window.start, key)`; a
    /// late record sorts as the window `[timestamp, timestamp + 1)`.
    pub fn sort_key(&self) -> (i64, i64, &str) {
        match self {
            Output::Fired { key, window, .. } => (window.end, window.start, key),
            Output::Late { key, timestamp, .. } => (timestamp.saturating_add(1), *timestamp, key),
        }
    }
}

/// Sorts outputs by [`Output::sort_key`] (stable).
pub(crate) fn sort_outputs(out: &mut [Output]) {
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
