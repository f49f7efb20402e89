//! Bookkeeping of the Kafka core that is not a topic: which periodic work is scheduled, the
//! producer-id counter, client sessions (idempotence, sticky partitioner) and the simulated
//! producer applications.

use std::collections::BTreeMap;

use crate::engine::kafka::produce::ClientSession;
use crate::engine::kafka::producer_app::KafkaProducer;
use crate::engine::time::VirtualMs;

/// Scheduled work of the Kafka core (wrapped by `KafkaEvent::Core`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoreEvent {
    /// Retention and the log cleaner look at every partition (§6.5).
    Maintenance,
    /// Simulated producer `name` generates the records of the next interval.
    ProducerTick {
        /// Producer name.
        name: String,
        /// Its generation (stale ticks of a stopped or recreated producer are ignored).
        generation: u32,
    },
    /// Simulated producer `name` sends batches whose `linger.ms` is over.
    ProducerLinger {
        /// Producer name.
        name: String,
        /// Its generation.
        generation: u32,
    },
}

/// Core state beside the topics.
#[derive(Clone, Debug, Default)]
pub struct CoreState {
    /// A `Replicate` event is pending (scheduled only while some follower lags).
    pub replication_scheduled: bool,
    /// When the pending `Maintenance` event runs, if any.
    pub maintenance_due: Option<VirtualMs>,
    /// Last producer id handed out by `InitProducerId` (§6.3).
    pub last_producer_id: i64,
    /// Client sessions by `ClientId` (the `Produce` action's and each simulated producer's).
    pub clients: BTreeMap<String, ClientSession>,
    /// Simulated producer applications by name.
    pub producers: BTreeMap<String, KafkaProducer>,
    /// Generations handed out to simulated producers (a recreated producer gets a new one).
    pub producer_generation: u32,
}

impl CoreState {
    /// A canonical text for the world digest.
    pub fn digest_text(&self) -> String {
        let mut out = format!(
            "core={};{:?};{};{};",
            self.replication_scheduled,
            self.maintenance_due,
            self.last_producer_id,
            self.producer_generation
        );
        for (id, c) in &self.clients {
            out.push_str(&format!("client={id};{:?};", c));
        }
        for (name, p) in &self.producers {
            out.push_str(&format!("producer={name};{};", p.digest_text()));
        }
        out
    }
}
