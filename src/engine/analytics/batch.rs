//! Batch + streaming (semantics.md §5.1–§5.4): the same query over the records a stream still
//! retains, as a bounded input — every record is on time (the watermark only jumps to
//! `Long.MAX_VALUE` at the end of input, which fires everything) — and its comparison with what
//! the streaming job published. Where the stream dropped no record as late (and read every
//! retained record), the two are equal.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::engine::analytics::job::output_row;
use crate::engine::analytics::rows::{coerce, field, key_of, matches, parse_row, timestamp_ms};
use crate::engine::analytics::spec::{QuerySpec, TimeCharacteristic, Window};
use crate::engine::analytics::window::{Output, WindowOperator};
use crate::engine::apps::kpl::aggregation::deaggregate_with_key;
use crate::engine::world::World;

/// Final rows by (window, key).
pub type BatchRows = BTreeMap<(Window, String), Value>;

/// The final result per (window, key) of `spec` over the retained records of its stream, read in
/// arrival order (ties: shard, then sequence). `None` when the stream does not exist.
pub fn run_batch(
    world: &World,
    spec: &QuerySpec,
    allowed_lateness_ms: i64,
) -> Option<(BatchRows, u64)> {
    let epoch = world.epoch();
    let mut input: Vec<(u64, u32, u64, &[u8], &str)> = Vec::new();
    if spec.source.from_firehose {
        // A Firehose source: what the delivery stream's tap still holds, in arrival order.
        let ds = world.firehose.streams.get(&spec.source.stream)?;
        for t in ds.tap.read_from(ds.tap.start()) {
            input.push((t.arrival_ms, 0, t.position, &t.data, ""));
        }
    }
    let no_shards = Vec::new();
    let shards = match world.kinesis.stream(&spec.source.stream) {
        _ if spec.source.from_firehose => no_shards.iter().collect::<Vec<_>>(),
        Some(stream) => stream.shards().iter().collect(),
        None => return None,
    };
    for shard in shards {
        for r in shard.records() {
            input.push((
                r.arrival_ms,
                shard.index(),
                r.seq_index,
                &r.data,
                &r.partition_key,
            ));
        }
    }
    input.sort_by_key(|(t, s, q, _, _)| (*t, *s, *q));
    let mut op = WindowOperator::new(
        spec.window,
        spec.time,
        allowed_lateness_ms,
        spec.aggregates.clone(),
    );
    let mut results: BTreeMap<(Window, String), Value> = BTreeMap::new();
    let mut collect = |outs: Vec<Output>| {
        for o in outs {
            if let Output::Fired {
                key,
                window,
                results: r,
                ..
            } = o
            {
                let row = output_row(spec, &key, window, &r);
                results.insert((window, key), row);
            }
        }
    };
    let mut n = 0u64;
    for (arrival, _, _, data, pk) in input {
        for u in deaggregate_with_key(pk, data) {
            let Some(mut row) = parse_row(&u.data) else {
                continue;
            };
            coerce(&mut row, &spec.source);
            if spec.filter.as_ref().is_some_and(|f| !matches(f, &row)) {
                continue;
            }
            let ts = match (spec.time, &spec.source.rowtime) {
                (TimeCharacteristic::EventTime, Some(c)) => match timestamp_ms(field(&row, c)) {
                    Some(t) => t,
                    None => continue,
                },
                // Processing time has no meaning for a bounded re-read; arrival time stands in.
                _ => epoch.to_unix_ms(arrival) as i64,
            };
            n += 1;
            let key = key_of(&row, &spec.keys);
            collect(op.process(&key, ts, &row, i64::MIN));
        }
    }
    collect(op.on_watermark(i64::MAX));
    collect(op.on_processing_time(i64::MAX));
    Some((results, n))
}

/// Compares a streaming result table with the batch result: equal panes, differing panes,
/// panes only in one of them. Batch panes of time windows the streaming watermark has not reached
/// yet (`max_timestamp > watermark`; the bounded input fires them at its end) are listed apart as
/// not yet fired, not as differences.
pub fn compare(
    streaming: &BTreeMap<(Window, String), Value>,
    batch: &BTreeMap<(Window, String), Value>,
    watermark: Option<i64>,
) -> Value {
    let mut equal = 0u64;
    let mut differ = Vec::new();
    let mut only_batch = Vec::new();
    let mut only_stream = Vec::new();
    let mut open = 0u64;
    for (k, b) in batch {
        if watermark.is_some_and(|w| k.0.max_timestamp() > w) && !streaming.contains_key(k) {
            open += 1;
            continue;
        }
        match streaming.get(k) {
            Some(s) if s == b => equal += 1,
            Some(s) => differ
                .push(json!({ "Key": k.1, "WindowStart": k.0.start, "Streaming": s, "Batch": b })),
            None => only_batch.push(json!({ "Key": k.1, "WindowStart": k.0.start, "Batch": b })),
        }
    }
    for (k, s) in streaming {
        if !batch.contains_key(k) {
            only_stream.push(json!({ "Key": k.1, "WindowStart": k.0.start, "Streaming": s }));
        }
    }
    let same = differ.is_empty() && only_batch.is_empty() && only_stream.is_empty();
    json!({
        "Equal": same,
        "EqualPanes": equal,
        "Differing": differ,
        "OnlyInBatch": only_batch,
        "OnlyInStreaming": only_stream,
        "NotYetFiredInStreaming": open,
    })
}
