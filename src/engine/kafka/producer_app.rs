//! A simulated Kafka producer client (service `playground`: `CreateKafkaProducer`,
//! `StopKafkaProducer`, `DescribeKafkaProducers`). It generates records at a steady rate on
//! virtual time, batches them per partition and sends a batch when it reaches `batch.size` or
//! `linger.ms` after its first record (§6.3). `ResponseLossRate` loses the broker's answer after a
//! successful append, so the client retries the same batch: an idempotent producer's retry is
//! discarded by the broker's sequence check; a non-idempotent one writes a duplicate.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::api::request::Request;
use crate::engine::kafka::actions_admin::validate_topic_name;
use crate::engine::kafka::actions_produce::parse_acks;
use crate::engine::kafka::produce::{Acks, OutgoingRecord};
pub use crate::engine::kafka::producer_run::on_event;
use crate::engine::kafka::producer_run::send;
use crate::engine::kafka::state::CoreEvent;
use crate::engine::kafka::KafkaEvent;
use crate::engine::time::VirtualMs;
use crate::engine::world::{Event, World};

/// The playground actions of simulated producers.
pub const ACTIONS: &[&str] = &[
    "CreateKafkaProducer",
    "StopKafkaProducer",
    "DescribeKafkaProducers",
];

/// Records are generated every this many virtual ms.
pub const TICK_MS: u64 = 100;

/// Most retries of one batch whose responses keep getting lost.
pub const MAX_RETRIES: u32 = 10;

/// A batch being filled for one partition.
#[derive(Clone, Debug)]
pub struct PendingBatch {
    /// When its first record arrived (`linger.ms` counts from here).
    pub created_ms: VirtualMs,
    /// Its records.
    pub records: Vec<OutgoingRecord>,
    /// Their bytes.
    pub bytes: u64,
}

/// Counters of a producer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerStats {
    /// Records generated.
    pub generated: u64,
    /// Records acknowledged (or sent, with acks=0).
    pub acked: u64,
    /// Records whose batch failed.
    pub failed: u64,
    /// Batches sent (first attempts).
    pub batches: u64,
    /// Retries after lost responses.
    pub retries: u64,
    /// Records the broker wrote twice because of a retry (non-idempotent).
    pub duplicates_written: u64,
    /// Records of retried batches the broker discarded as duplicates (idempotent).
    pub duplicates_discarded: u64,
    /// Failed batches by error name.
    pub errors: BTreeMap<String, u64>,
}

/// One simulated producer.
#[derive(Clone, Debug)]
pub struct KafkaProducer {
    /// Name.
    pub name: String,
    /// Target topic.
    pub topic: String,
    /// Records per second.
    pub records_per_second: u32,
    /// Distinct keys `key-0…`; `None` = null keys (sticky partitioner).
    pub key_count: Option<u32>,
    /// Share of records that use the hot key `key-0`.
    pub hot_key_share: f64,
    /// Value size in bytes.
    pub value_bytes: usize,
    /// `acks`.
    pub acks: Acks,
    /// `enable.idempotence`.
    pub idempotence: bool,
    /// `linger.ms`.
    pub linger_ms: u64,
    /// `batch.size`.
    pub batch_size: u64,
    /// Probability that a successful append's response is lost.
    pub response_loss_rate: f64,
    /// Generation (ticks of an older one are ignored).
    pub generation: u32,
    /// Whether it still produces.
    pub running: bool,
    /// Fraction of a record carried to the next tick (thousandths).
    pub carry_milli: u64,
    /// Batches being filled, by partition.
    pub batches: BTreeMap<u32, PendingBatch>,
    /// When the pending linger event runs.
    pub linger_due: Option<VirtualMs>,
    /// Counters.
    pub stats: ProducerStats,
}

impl KafkaProducer {
    /// The client id it uses on the cluster.
    pub fn client_id(&self) -> String {
        format!("producer-{}", self.name)
    }

    /// A canonical text for the world digest.
    pub fn digest_text(&self) -> String {
        format!(
            "{};{};{};{:?};{};{};{:?};{:?};{:?}",
            self.topic,
            self.generation,
            self.running,
            self.linger_due,
            self.carry_milli,
            self.batches.len(),
            self.batches
                .iter()
                .map(|(p, b)| (*p, b.created_ms, b.records.len()))
                .collect::<Vec<_>>(),
            self.stats,
            self.key_count
        )
    }
}

/// Runs a producer action.
pub fn dispatch(world: &mut World, action: &str, req: Request<'_>) -> Result<Value, ApiError> {
    match action {
        "CreateKafkaProducer" => create(world, req),
        "StopKafkaProducer" => {
            req.deny_unknown(&["ProducerName"])?;
            let name = req.str("ProducerName")?;
            let Some(p) = world.kafka.core.producers.get_mut(name) else {
                return Err(ApiError::not_found(format!(
                    "Kafka producer {name} not found."
                )));
            };
            p.running = false;
            // close() flushes what is buffered.
            let parts: Vec<u32> = p.batches.keys().copied().collect();
            for part in parts {
                send(world, name, part);
            }
            Ok(describe(world, name))
        }
        "DescribeKafkaProducers" => {
            req.deny_unknown(&[])?;
            let names: Vec<String> = world.kafka.core.producers.keys().cloned().collect();
            let list: Vec<Value> = names.iter().map(|n| describe(world, n)).collect();
            Ok(json!({ "Producers": list }))
        }
        _ => Err(ApiError::new(
            ErrorKind::UnknownOperationException,
            format!("unknown Kafka producer action '{action}'"),
        )),
    }
}

fn create(world: &mut World, req: Request<'_>) -> Result<Value, ApiError> {
    req.deny_unknown(&[
        "ProducerName",
        "Topic",
        "RecordsPerSecond",
        "KeyCount",
        "HotKeyShare",
        "ValueBytes",
        "Acks",
        "EnableIdempotence",
        "LingerMs",
        "BatchSize",
        "ResponseLossRate",
    ])?;
    let name = req.str("ProducerName")?;
    validate_topic_name(name)?;
    let topic = req.str("Topic")?;
    if !world.kafka.topics.contains_key(topic) {
        return Err(ApiError::new(
            ErrorKind::UnknownTopicOrPartitionException,
            format!("Topic '{topic}' does not exist"),
        ));
    }
    if world
        .kafka
        .core
        .producers
        .get(name)
        .is_some_and(|p| p.running)
    {
        return Err(ApiError::in_use(format!(
            "Kafka producer {name} is already running."
        )));
    }
    let rps = req.int("RecordsPerSecond", 1, 10_000)? as u32;
    let key_count = req.opt_int("KeyCount", 1, 1_000_000)?.map(|k| k as u32);
    let hot = req.opt_f64("HotKeyShare", 0.0, 1.0)?.unwrap_or(0.0);
    let value_bytes = req.opt_int("ValueBytes", 1, 1_048_576)?.unwrap_or(100) as usize;
    let (acks, idempotence) = parse_acks(&req)?;
    let linger_ms = req.opt_int("LingerMs", 0, 60_000)?.unwrap_or(5) as u64;
    let batch_size = req.opt_int("BatchSize", 1, 1_048_576)?.unwrap_or(16_384) as u64;
    let loss = req.opt_f64("ResponseLossRate", 0.0, 1.0)?.unwrap_or(0.0);
    world.kafka.core.producer_generation += 1;
    let generation = world.kafka.core.producer_generation;
    let p = KafkaProducer {
        name: name.to_string(),
        topic: topic.to_string(),
        records_per_second: rps,
        key_count,
        hot_key_share: hot,
        value_bytes,
        acks,
        idempotence,
        linger_ms,
        batch_size,
        response_loss_rate: loss,
        generation,
        running: true,
        carry_milli: 0,
        batches: BTreeMap::new(),
        linger_due: None,
        stats: ProducerStats::default(),
    };
    world.kafka.core.producers.insert(name.to_string(), p);
    let due = world.now() + TICK_MS;
    world.schedule(
        due,
        Event::Kafka(KafkaEvent::Core(CoreEvent::ProducerTick {
            name: name.to_string(),
            generation,
        })),
    );
    Ok(describe(world, name))
}

fn describe(world: &World, name: &str) -> Value {
    let Some(p) = world.kafka.core.producers.get(name) else {
        return Value::Null;
    };
    let s = &p.stats;
    json!({
        "ProducerName": p.name, "Topic": p.topic, "Running": p.running,
        "ClientId": p.client_id(), "RecordsPerSecond": p.records_per_second,
        "KeyCount": p.key_count, "HotKeyShare": p.hot_key_share, "ValueBytes": p.value_bytes,
        "Acks": p.acks.as_str(), "EnableIdempotence": p.idempotence, "LingerMs": p.linger_ms,
        "BatchSize": p.batch_size, "ResponseLossRate": p.response_loss_rate,
        "ProducerId": world.kafka.core.clients.get(&p.client_id()).map_or(-1, |c| c.producer_id),
        "RecordsGenerated": s.generated, "RecordsAcked": s.acked, "RecordsFailed": s.failed,
        "BatchesSent": s.batches, "Retries": s.retries, "DuplicatesWritten": s.duplicates_written,
        "DuplicatesDiscarded": s.duplicates_discarded, "Errors": s.errors,
        "BufferedRecords": p.batches.values().map(|b| b.records.len()).sum::<usize>(),
    })
}
