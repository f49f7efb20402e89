//! Window operator (semantics.md §5.3–§5.5). TEMPORARY STUB replaced on merge.
#![allow(missing_docs, unused_variables)]
use crate::engine::analytics::spec::*;
use serde_json::Value;
pub fn window_start(ts: i64, offset: i64, size: i64) -> i64 { ts - (ts - offset).rem_euclid(size) }
pub fn assign_windows(spec: &WindowSpec, ts: i64) -> Vec<Window> { vec![] }
pub fn java_string_hash(s: &str) -> i32 { 0 }
pub fn murmur_hash(code: i32) -> i32 { 0 }
pub fn key_group(key: &str, max_parallelism: u32) -> u32 { 0 }
pub fn operator_index(key_group: u32, parallelism: u32, max_parallelism: u32) -> u32 { key_group * parallelism / max_parallelism }
pub fn default_max_parallelism(parallelism: u32) -> u32 { 128 }
#[derive(Clone, Debug)]
pub struct BoundedOutOfOrderness { d: i64 }
impl BoundedOutOfOrderness {
    pub fn new(delay_ms: i64, idle_timeout_ms: Option<i64>) -> Self { Self { d: delay_ms } }
    pub fn on_event(&mut self, ts: i64, now_ms: i64) {}
    pub fn current_watermark(&self) -> i64 { i64::MIN }
    pub fn is_idle(&self, now_ms: i64) -> bool { false }
    pub fn max_timestamp(&self) -> Option<i64> { None }
}
pub fn combine_watermarks(splits: &[(i64, bool)], previous: i64) -> i64 { previous }
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    Fired { key: String, window: Window, results: Vec<Value>, records: u64, update: bool },
    Late { key: String, timestamp: i64, lateness_ms: i64, row: Value },
}
#[derive(Clone, Debug)]
pub struct WindowOperator;
impl WindowOperator {
    pub fn new(window: WindowSpec, time: TimeCharacteristic, allowed_lateness_ms: i64, aggregates: Vec<AggregateSpec>) -> WindowOperator { WindowOperator }
    pub fn process(&mut self, key: &str, ts: i64, row: &Value, watermark: i64) -> Vec<Output> { vec![] }
    pub fn on_watermark(&mut self, wm: i64) -> Vec<Output> { vec![] }
    pub fn on_processing_time(&mut self, now: i64) -> Vec<Output> { vec![] }
    pub fn state_by_key_group(&self, max_parallelism: u32) -> Vec<(u32, u64, u64)> { vec![] }
    pub fn pane_count(&self) -> usize { 0 }
    pub fn retain_key_groups(&mut self, max_parallelism: u32, keep: &dyn Fn(u32) -> bool) {}
    pub fn absorb(&mut self, other: WindowOperator) {}
    pub fn current_watermark(&self) -> i64 { i64::MIN }
}
