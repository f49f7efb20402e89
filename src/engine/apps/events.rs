//! The scheduled events of simulated applications (one `Event::App` variant in the world), and
//! where each goes.

use crate::engine::apps::lambda::LambdaEvent;
use crate::engine::world::World;

/// What a producer's client wakes up for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// SDK: retry request `id` after its backoff.
    SdkRetry(u64),
    /// SDK: the PutRecords batch `id` has waited its longest; send it.
    SdkBatch(u64),
    /// KPL: a buffer deadline or a rate-limiter refill is due.
    KplFlush,
    /// Agent: poll the file (every `minTimeBetweenFilePollsMillis`).
    AgentPoll,
    /// Agent: re-send the batch in flight after its backoff.
    AgentSend,
}

/// A scheduled event of a simulated application.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppEvent {
    /// A producer's client has work due.
    ProducerWake {
        /// Producer name.
        producer: String,
        /// The producer's generation when scheduled (stale wakes are ignored).
        generation: u64,
        /// What is due.
        wake: Wake,
    },
    /// A Lambda event source mapping has work due.
    Lambda(LambdaEvent),
    /// A consumer application (`apps::consumer_apps`) is due to poll or drain.
    ConsumerApp {
        /// Application name.
        name: String,
        /// The application's generation when scheduled (stale ticks are ignored).
        generation: u64,
    },
}

/// Runs one application event.
pub fn on_event(world: &mut World, event: AppEvent) {
    match event {
        AppEvent::ProducerWake {
            producer,
            generation,
            wake,
        } => {
            crate::engine::apps::producer::on_wake(world, &producer, generation, wake);
        }
        AppEvent::Lambda(e) => crate::engine::apps::lambda::on_event(world, e),
        AppEvent::ConsumerApp { name, generation } => {
            crate::engine::apps::consumer_apps::on_tick(world, &name, generation)
        }
    }
}
