//! The simulated producer on virtual time (semantics.md §6.3): every tick it generates the
//! records of the interval, fills one batch per partition, sends a batch when it reaches
//! `batch.size` or `linger.ms` after its first record, and retries a batch whose response was lost.

use std::rc::Rc;

use crate::engine::kafka::actions_produce::{bump_seq, next_seq};
use crate::engine::kafka::produce::{self, Acks, BatchSequence, OutgoingRecord};
use crate::engine::kafka::producer_app::{PendingBatch, MAX_RETRIES, TICK_MS};
use crate::engine::kafka::state::CoreEvent;
use crate::engine::kafka::KafkaEvent;
use crate::engine::world::{Event, World};

/// Runs a producer event.
pub fn on_event(world: &mut World, event: CoreEvent) {
    match event {
        CoreEvent::ProducerTick { name, generation } => tick(world, &name, generation),
        CoreEvent::ProducerLinger { name, generation } => linger(world, &name, generation),
        CoreEvent::Maintenance => crate::engine::kafka::maintenance::on_maintenance(world),
    }
}

fn current(world: &World, name: &str, generation: u32) -> bool {
    world
        .kafka
        .core
        .producers
        .get(name)
        .is_some_and(|p| p.generation == generation)
}

fn tick(world: &mut World, name: &str, generation: u32) {
    if !current(world, name, generation) || !world.kafka.core.producers[name].running {
        return;
    }
    let now = world.now();
    let (count, topic, client, key_count, hot, value_bytes, batch_size) = {
        let p = world.kafka.core.producers.get_mut(name).expect("checked");
        let milli = p.carry_milli + u64::from(p.records_per_second) * TICK_MS;
        p.carry_milli = milli % 1000;
        (
            milli / 1000,
            p.topic.clone(),
            p.client_id(),
            p.key_count,
            p.hot_key_share,
            p.value_bytes,
            p.batch_size,
        )
    };
    for _ in 0..count {
        let key = key_count.map(|n| {
            let k = if hot > 0.0 && world.rng().chance(hot) {
                0
            } else {
                world.rng().below(u64::from(n))
            };
            format!("key-{k}")
        });
        let p = world.kafka.core.producers.get_mut(name).expect("checked");
        p.stats.generated += 1;
        let mut value = format!("{name}-{}", p.stats.generated - 1);
        while value.len() < value_bytes {
            value.push('.');
        }
        let rec = OutgoingRecord {
            key: key.map(|k| Rc::from(k.as_bytes())),
            value: Some(Rc::from(value.as_bytes())),
            timestamp_ms: now,
            headers: Vec::new(),
        };
        let size = rec.size_bytes();
        let part = match produce::choose_partition(
            world,
            &client,
            &topic,
            None,
            rec.key.as_deref(),
            size,
            batch_size,
        ) {
            Ok(part) => part,
            Err(e) => {
                let p = world.kafka.core.producers.get_mut(name).expect("checked");
                p.stats.failed += 1;
                *p.stats
                    .errors
                    .entry(e.kind.as_str().to_string())
                    .or_default() += 1;
                continue;
            }
        };
        let p = world.kafka.core.producers.get_mut(name).expect("checked");
        let b = p.batches.entry(part).or_insert_with(|| PendingBatch {
            created_ms: now,
            records: Vec::new(),
            bytes: 0,
        });
        b.records.push(rec);
        b.bytes += size;
        if b.bytes >= batch_size || p.linger_ms == 0 {
            send(world, name, part);
        }
    }
    schedule_linger(world, name);
    world.schedule(
        now + TICK_MS,
        Event::Kafka(KafkaEvent::Core(CoreEvent::ProducerTick {
            name: name.to_string(),
            generation,
        })),
    );
}

fn schedule_linger(world: &mut World, name: &str) {
    let Some(p) = world.kafka.core.producers.get_mut(name) else {
        return;
    };
    let Some(first) = p.batches.values().map(|b| b.created_ms).min() else {
        return;
    };
    let due = first + p.linger_ms;
    if p.linger_due.is_some_and(|d| d <= due) {
        return;
    }
    p.linger_due = Some(due);
    let generation = p.generation;
    world.schedule(
        due,
        Event::Kafka(KafkaEvent::Core(CoreEvent::ProducerLinger {
            name: name.to_string(),
            generation,
        })),
    );
}

fn linger(world: &mut World, name: &str, generation: u32) {
    if !current(world, name, generation) {
        return;
    }
    let now = world.now();
    let p = world.kafka.core.producers.get_mut(name).expect("checked");
    if p.linger_due != Some(now) {
        return;
    }
    p.linger_due = None;
    let linger = p.linger_ms;
    let due: Vec<u32> = p
        .batches
        .iter()
        .filter(|(_, b)| b.created_ms + linger <= now)
        .map(|(k, _)| *k)
        .collect();
    for part in due {
        send(world, name, part);
    }
    schedule_linger(world, name);
}

/// Sends the pending batch of `partition`, retrying it while responses get lost.
pub fn send(world: &mut World, name: &str, partition: u32) {
    let Some(p) = world.kafka.core.producers.get_mut(name) else {
        return;
    };
    let Some(batch) = p.batches.remove(&partition) else {
        return;
    };
    p.stats.batches += 1;
    let (topic, client, acks, idem, loss) = (
        p.topic.clone(),
        p.client_id(),
        p.acks,
        p.idempotence,
        p.response_loss_rate,
    );
    let n = batch.records.len() as u64;
    let seq = if idem {
        let (producer_id, epoch) = produce::init_producer_id(world, &client);
        Some(BatchSequence {
            producer_id,
            epoch,
            first_seq: next_seq(world, &client, &topic, partition),
        })
    } else {
        None
    };
    let mut attempt = 0;
    loop {
        let result = produce::append_batch(world, &topic, partition, &batch.records, acks, seq);
        match result {
            Ok(a) => {
                if seq.is_some() && !a.duplicate {
                    bump_seq(world, &client, &topic, partition, n as i32);
                }
                let lost = acks != Acks::Zero
                    && attempt < MAX_RETRIES
                    && loss > 0.0
                    && world.rng().chance(loss);
                let p = world.kafka.core.producers.get_mut(name).expect("exists");
                if attempt > 0 {
                    if a.duplicate {
                        p.stats.duplicates_discarded += n;
                    } else {
                        p.stats.duplicates_written += n;
                    }
                }
                if lost {
                    p.stats.retries += 1;
                    attempt += 1;
                    continue;
                }
                p.stats.acked += n;
            }
            Err(e) => {
                let p = world.kafka.core.producers.get_mut(name).expect("exists");
                p.stats.failed += n;
                *p.stats
                    .errors
                    .entry(e.kind.as_str().to_string())
                    .or_default() += 1;
            }
        }
        break;
    }
}
