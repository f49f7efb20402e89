//! A digest of the whole world state, for determinism checks (same seed + actions ⇒ same digest,
//! natively and in the browser).

use md5::{Digest, Md5};

use crate::engine::world::World;

/// Hex MD5 over a canonical rendering of the world: clock, every stream, shard and record, and
/// every producer, in their deterministic (sorted) order.
pub fn world_digest(world: &World) -> String {
    let mut h = Md5::new();
    h.update(format!("now={};seed={};", world.now(), world.config().seed));
    for (name, s) in world.kinesis.streams() {
        h.update(format!(
            "stream={name};{};{};{};{};",
            s.status.as_str(),
            s.mode.as_str(),
            s.retention_hours,
            s.max_record_size_kib
        ));
        // Pending reshard, rate-rule counters, id high-water mark and tags (§1.10, §1.12, §1.16);
        // hashed only when set, so digests of worlds without them are unchanged.
        if s.reshard != Default::default() {
            h.update(format!("reshard={:?};", s.reshard));
        }
        if !s.tags.is_empty() {
            h.update(format!("tags={:?};", s.tags));
        }
        for shard in s.shards() {
            h.update(format!(
                "shard={};{}-{};{:?};{:?};{:?};",
                shard.index(),
                shard.range().starting,
                shard.range().ending,
                shard.parent(),
                shard.adjacent_parent(),
                shard.state()
            ));
            if let Some(c) = shard.closed_ms() {
                h.update(format!("closed={c};"));
            }
            for r in shard.records() {
                h.update(format!(
                    "{};{};{};{};",
                    r.seq_index, r.arrival_ms, r.hash_key, r.partition_key
                ));
                h.update(&r.data);
            }
        }
    }
    for (name, p) in world.producers.all() {
        h.update(format!(
            "producer={name};{};{};{};{};{};",
            p.running, p.generation, p.emitted_in_run, p.stats.sent, p.stats.failed
        ));
    }
    // Producers with SDK, KPL or agent clients or the newer workload options: their client state;
    // hashed only for those, so digests of worlds with original producers are unchanged.
    for (name, p) in world.producers.all() {
        if !p.config.is_original() {
            h.update(crate::engine::apps::producer::digest_text(name, p));
        }
    }
    // Lambda event source mappings (§3); hashed only when any exist.
    if !world.lambda.is_empty() {
        h.update(world.lambda.digest_text());
    }
    for (az, until) in world.faults.az_outages(world.now()) {
        h.update(format!("az_down={az};{until};"));
    }
    // Enhanced fan-out consumers, subscriptions and their event buffers (§1.13); hashed only when
    // any exist, so digests of worlds without them are unchanged.
    if !world.kinesis.efo.is_empty() {
        h.update(world.kinesis.efo.digest_text());
    }
    // KCL applications: lease tables, workers, processors and delivery ledgers (§2.1–§2.5);
    // hashed only when any exist.
    if !world.kcl.is_empty() {
        h.update(world.kcl.digest_text());
    }
    // SDK and enhanced fan-out consumer applications; hashed only when any exist.
    if !world.consumer_apps.is_empty() {
        h.update(world.consumer_apps.digest_text());
    }
    // Firehose delivery streams and S3 objects; hashed only when any exist.
    if !world.firehose.streams.is_empty() || !world.s3.buckets().is_empty() {
        h.update(crate::engine::firehose::digest_text(world));
        h.update(world.s3.digest_text());
    }
    // Streaming applications: status, counters, watermarks, checkpoints and published results;
    // hashed only when any exist.
    if !world.analytics.applications.is_empty() {
        h.update(crate::engine::analytics::application::digest_text(world));
    }
    // The Kafka cluster; hashed only when it has topics.
    if !world.kafka.is_empty() {
        h.update(crate::engine::kafka::digest_text(world));
    }
    // CloudWatch Logs, EventBridge and AWS IoT (their state is in ordered maps and vectors, so
    // its debug rendering is canonical); hashed only when any exist.
    if world.logs != Default::default() {
        h.update(format!("{:?}", world.logs));
    }
    if world.events != Default::default() {
        h.update(format!("{:?}", world.events));
    }
    if world.iot != Default::default() {
        h.update(format!("{:?}", world.iot));
    }
    let bytes = h.finalize();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
