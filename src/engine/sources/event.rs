//! The scheduled events of CloudWatch Logs, EventBridge and AWS IoT, and where each is handled.

use crate::engine::world::World;

/// Work a source has due.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceEvent {
    /// A subscription filter delivers its buffer and due retries (`logs::subscription`).
    LogsFlush {
        /// Log group.
        group: String,
        /// Filter name.
        filter: String,
    },
    /// A simulated application's log agent flushes (`logs::app`).
    LogApp {
        /// Application name.
        app: String,
        /// Run generation.
        generation: u64,
    },
    /// A scheduled EventBridge rule fires (`events`).
    RuleSchedule {
        /// Rule name.
        rule: String,
        /// Rule generation the firing was scheduled under.
        generation: u64,
    },
    /// An EventBridge rule's targets retry (`events`).
    RuleRetry {
        /// Rule name.
        rule: String,
    },
    /// A device fleet publishes (`iot::fleet`).
    Fleet {
        /// Fleet name.
        fleet: String,
        /// Run generation.
        generation: u64,
    },
}

/// Handles one source event.
pub fn on_event(world: &mut World, event: SourceEvent) {
    match event {
        SourceEvent::LogsFlush { group, filter } => {
            crate::engine::logs::subscription::flush(world, &group, &filter)
        }
        SourceEvent::LogApp { app, generation } => {
            crate::engine::logs::app::on_tick(world, &app, generation)
        }
        SourceEvent::RuleSchedule { rule, generation } => {
            crate::engine::events::on_schedule(world, &rule, generation)
        }
        SourceEvent::RuleRetry { rule } => crate::engine::events::on_retry(world, &rule),
        SourceEvent::Fleet { fleet, generation } => {
            crate::engine::iot::fleet::on_tick(world, &fleet, generation)
        }
    }
}
