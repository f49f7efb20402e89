//! The record path of a running job (semantics.md §5.2–§5.5): polling the shards, turning records
//! into rows, per-split watermarks and their minimum, firing panes into the sinks, and the
//! Kinesis sink stream; plus the SELECT's output rows.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::engine::analytics::job::{
    Job, Split, TracePoint, WatermarkPoint, TRACE_POINTS, WATERMARK_POINTS,
};
use crate::engine::analytics::rows::{
    coerce, key_of, key_values, matches, parse_row, timestamp_ms,
};
use crate::engine::analytics::sink::{LateRow, ResultRow};
use crate::engine::analytics::spec::{QuerySpec, TimeCharacteristic, Window, WindowSpec};
use crate::engine::analytics::window::{
    combine_watermarks, key_group, operator_index, BoundedOutOfOrderness, Output,
};
use crate::engine::apps::kpl::aggregation::deaggregate_with_key;
use crate::engine::apps::sdk_consumer::{tick_collect, SdkConsumer};
use crate::engine::world::World;

impl Job {
    pub(crate) fn poll(&mut self, world: &mut World) {
        if self.spec.source.from_firehose {
            self.poll_firehose(world);
            return;
        }
        let now = world.now();
        let mut read: Vec<(u32, Value)> = Vec::new();
        tick_collect(world, &mut self.reader, Some(&mut read));
        for (index, sh) in &self.reader.shards {
            if !sh.finished && !self.splits.contains_key(index) {
                let d = self.spec.source.watermark_delay_ms;
                self.splits.insert(
                    *index,
                    Split {
                        shard: *index,
                        generator: BoundedOutOfOrderness::sql(
                            d,
                            self.settings.idle_timeout_ms,
                            now as i64,
                        ),
                        records: 0,
                    },
                );
            }
        }
        for (index, r) in read {
            let data = base64::engine::general_purpose::STANDARD
                .decode(r["Data"].as_str().unwrap_or_default())
                .unwrap_or_default();
            let pk = r["PartitionKey"].as_str().unwrap_or_default().to_string();
            for u in deaggregate_with_key(&pk, &data) {
                self.process(world, index, &u.data);
            }
        }
    }

    /// Reads what the delivery stream's tap received since the last poll, as one split.
    fn poll_firehose(&mut self, world: &mut World) {
        let now = world.now();
        let Some(ds) = world.firehose.streams.get(&self.spec.source.stream) else {
            return;
        };
        let start = ds.tap.start();
        if self.firehose_position < start {
            self.firehose_skipped += start - self.firehose_position;
            self.firehose_position = start;
        }
        let read: Vec<Vec<u8>> = ds
            .tap
            .read_from(self.firehose_position)
            .map(|t| t.data.clone())
            .collect();
        self.firehose_position += read.len() as u64;
        if !self.splits.contains_key(&0) {
            let d = self.spec.source.watermark_delay_ms;
            self.splits.insert(
                0,
                Split {
                    shard: 0,
                    generator: BoundedOutOfOrderness::sql(
                        d,
                        self.settings.idle_timeout_ms,
                        now as i64,
                    ),
                    records: 0,
                },
            );
        }
        for data in read {
            self.process(world, 0, &data);
        }
    }

    pub(crate) fn process(&mut self, world: &mut World, shard: u32, data: &[u8]) {
        let now = world.now();
        self.counters.records_in += 1;
        if let Some(s) = self.splits.get_mut(&shard) {
            s.records += 1;
        }
        let Some(mut row) = parse_row(data) else {
            self.counters.parse_errors += 1;
            return;
        };
        coerce(&mut row, &self.spec.source);
        if let Some(f) = &self.spec.filter {
            if !matches(f, &row) {
                self.counters.filtered_out += 1;
                return;
            }
        }
        let ts = match (self.spec.time, &self.spec.source.rowtime) {
            (TimeCharacteristic::EventTime, Some(col)) => {
                match timestamp_ms(crate::engine::analytics::rows::field(&row, col)) {
                    Some(t) => t,
                    None => {
                        self.counters.bad_timestamps += 1;
                        return;
                    }
                }
            }
            _ => world.epoch().to_unix_ms(now) as i64,
        };
        if self.spec.time == TimeCharacteristic::EventTime {
            if let Some(s) = self.splits.get_mut(&shard) {
                s.generator.on_event(ts, now as i64);
            }
        }
        let key = key_of(&row, &self.spec.keys);
        let p = self.subtasks.len().max(1) as u32;
        let idx = operator_index(
            key_group(&key, self.max_parallelism),
            p,
            self.max_parallelism,
        );
        let wm = self.watermark;
        let outs = match self.subtasks.get_mut(idx as usize) {
            Some(s) => {
                s.records += 1;
                s.operator.process(&key, ts, &row, wm)
            }
            None => return,
        };
        self.counters.processed += 1;
        let late = outs.iter().any(|o| matches!(o, Output::Late { .. }));
        if self.trace.len() == TRACE_POINTS {
            self.trace.pop_front();
        }
        self.trace.push_back(TracePoint {
            event_ms: ts,
            processed_ms: now,
            key,
            shard,
            subtask: idx,
            late,
        });
        self.handle(world, idx, outs);
    }

    pub(crate) fn emit_watermark(&mut self, world: &mut World) {
        let now = world.now();
        if self.spec.time != TimeCharacteristic::EventTime {
            return;
        }
        let live: Vec<&Split> = self
            .splits
            .values()
            .filter(|s| {
                // A Firehose source is one split that never finishes.
                self.spec.source.from_firehose
                    || self
                        .reader
                        .shards
                        .get(&s.shard)
                        .is_some_and(|r| !r.finished)
            })
            .collect();
        let inputs: Vec<(i64, bool)> = live
            .iter()
            .map(|s| {
                (
                    s.generator.current_watermark(),
                    s.generator.is_idle(now as i64),
                )
            })
            .collect();
        let per: Vec<(u32, i64, bool)> = live
            .iter()
            .zip(&inputs)
            .map(|(s, (w, i))| (s.shard, *w, *i))
            .collect();
        let wm = combine_watermarks(&inputs, self.watermark);
        if self.watermarks.len() == WATERMARK_POINTS {
            self.watermarks.pop_front();
        }
        self.watermarks.push_back(WatermarkPoint {
            at_ms: now,
            combined: wm,
            splits: per,
        });
        if wm > self.watermark {
            self.watermark = wm;
            let outs: Vec<(u32, Vec<Output>)> = self
                .subtasks
                .iter_mut()
                .enumerate()
                .map(|(i, s)| (i as u32, s.operator.on_watermark(wm)))
                .collect();
            for (i, o) in outs {
                self.handle(world, i, o);
            }
        }
    }

    pub(crate) fn handle(&mut self, world: &World, subtask: u32, outs: Vec<Output>) {
        let now = world.now();
        for o in outs {
            match o {
                Output::Fired {
                    key,
                    window,
                    results,
                    update,
                    ..
                } => {
                    if update {
                        self.counters.updates += 1;
                    } else {
                        self.counters.fired += 1;
                    }
                    if let Some(s) = self.subtasks.get_mut(subtask as usize) {
                        s.fired += 1;
                    }
                    let row = self.output_row(&key, window, &results);
                    let r = ResultRow {
                        key,
                        window,
                        row,
                        emitted_ms: now,
                        update,
                        incarnation: self.incarnation,
                        duplicate: false,
                        checkpoint: None,
                    };
                    self.sinks.emit(r, self.sink_stream.is_some());
                }
                Output::Late {
                    key,
                    timestamp,
                    lateness_ms,
                    row,
                } => {
                    self.counters.late += 1;
                    self.sinks.late(LateRow {
                        key,
                        timestamp,
                        lateness_ms,
                        row,
                        at_ms: now,
                    });
                }
            }
        }
    }

    /// A fired pane as the SELECT's output columns.
    pub fn output_row(&self, key: &str, window: Window, results: &[Value]) -> Value {
        output_row(&self.spec, key, window, results)
    }

    pub(crate) fn write_sink_stream(&mut self, world: &mut World) {
        let Some(stream) = self.sink_stream.clone() else {
            return;
        };
        while let Some(r) = self.sinks.stream_queue.front() {
            let pk = if r.key.is_empty() {
                r.window.start.to_string()
            } else {
                r.key.clone()
            };
            let data = base64::engine::general_purpose::STANDARD.encode(r.row.to_string());
            let req = json!({ "StreamName": stream, "PartitionKey": pk, "Data": data });
            match crate::engine::api::dispatch(world, "kinesis", "PutRecord", &req) {
                Ok(_) => {
                    self.sinks.stream_written += 1;
                    self.sinks.stream_queue.pop_front();
                }
                Err(_) => {
                    self.sinks.stream_retries += 1;
                    break;
                }
            }
        }
    }
}

/// Formats epoch ms as Flink SQL prints `TIMESTAMP(3)`: `yyyy-MM-dd HH:mm:ss.SSS` (UTC).
pub fn sql_timestamp(ms: i64) -> Value {
    if ms < 0 {
        return json!(ms);
    }
    let (y, mo, d, h, mi, s) = crate::engine::time::civil_from_unix_secs(ms as u64 / 1000);
    json!(format!(
        "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{:03}",
        ms % 1000
    ))
}

/// A fired pane as `spec`'s output columns (window bounds as `TIMESTAMP(3)` text; count windows
/// as record indexes).
pub fn output_row(spec: &QuerySpec, key: &str, window: Window, results: &[Value]) -> Value {
    let count = matches!(spec.window, WindowSpec::Count { .. });
    let ts = |ms: i64| if count { json!(ms) } else { sql_timestamp(ms) };
    let keys = key_values(key);
    let mut m = serde_json::Map::new();
    for col in &spec.output {
        let v = match col.as_str() {
            "window_start" => ts(window.start),
            "window_end" => ts(window.end),
            "window_time" => ts(window.max_timestamp()),
            c => {
                if let Some(i) = spec.keys.iter().position(|k| k.eq_ignore_ascii_case(c)) {
                    keys.get(i).cloned().unwrap_or(Value::Null)
                } else if let Some(i) = spec.aggregates.iter().position(|a| a.alias == c) {
                    results.get(i).cloned().unwrap_or(Value::Null)
                } else {
                    Value::Null
                }
            }
        };
        m.insert(col.clone(), v);
    }
    Value::Object(m)
}

/// LATEST means "after the last record at start": pins each open shard's position so a restore
/// before the first read does not skip what arrived in between.
pub(crate) fn pin_latest(world: &World, reader: &mut SdkConsumer) {
    let Some(stream) = world.kinesis.stream(&reader.stream) else {
        return;
    };
    let epoch = world.epoch();
    for (index, sh) in reader.shards.iter_mut() {
        if sh.finished {
            continue;
        }
        let Some(shard) = stream.shard(*index) else {
            continue;
        };
        match shard.records().back() {
            Some(r) => {
                let unix_s = epoch.to_unix_ms(r.arrival_ms) / 1000;
                sh.last_sequence = Some(shard.sequence_number(r.seq_index, unix_s).to_decimal());
            }
            None => sh.from_trim_horizon = true,
        }
    }
}
