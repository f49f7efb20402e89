//! When retention and the log cleaner run: a `Maintenance` event, scheduled only when there is
//! work (a segment rolled, a size limit may be crossed, a deadline is known), so worlds without
//! such topics schedule nothing. Kafka checks every `log.retention.check.interval.ms` (300,000);
//! the playground checks one second after there is work, to make it visible.

use crate::engine::kafka::state::CoreEvent;
use crate::engine::kafka::{compaction, retention, KafkaEvent};
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// Delay between work appearing and the check (model).
pub const CHECK_DELAY_MS: u64 = 1_000;

/// Makes sure a `Maintenance` event runs at or before `at` (never sooner than one check delay).
pub fn ensure_by(world: &mut World, at: VirtualMs) {
    let at = at.max(world.now() + CHECK_DELAY_MS);
    if world.kafka.core.maintenance_due.is_some_and(|d| d <= at) {
        return;
    }
    world.kafka.core.maintenance_due = Some(at);
    world.schedule(at, Event::Kafka(KafkaEvent::Core(CoreEvent::Maintenance)));
}

/// Runs retention and the cleaner on every partition, then schedules the next known deadline.
pub fn on_maintenance(world: &mut World) {
    if world.kafka.core.maintenance_due != Some(world.now()) {
        return; // superseded by an earlier check
    }
    world.kafka.core.maintenance_due = None;
    let now = world.now();
    let mut next: Option<VirtualMs> = None;
    for t in world.kafka.topics.values_mut() {
        let config = t.config.clone();
        for p in &mut t.partitions {
            retention::apply(p, &config, now);
            compaction::clean(p, &config, now);
            for d in [
                retention::deadline(p, &config),
                compaction::deadline(p, &config, now),
            ]
            .into_iter()
            .flatten()
            {
                next = Some(next.map_or(d, |n: VirtualMs| n.min(d)));
            }
        }
    }
    if let Some(d) = next {
        ensure_by(world, d);
    }
}

/// Called after appends to a partition of `topic`: schedules a check if a segment rolled or a
/// size limit is set (retention may now have something to delete, the cleaner something to clean).
pub fn after_append(world: &mut World, rolled: bool, size_limited: bool) {
    if rolled || size_limited {
        let at = world.now() + CHECK_DELAY_MS;
        ensure_by(world, at);
    }
}
