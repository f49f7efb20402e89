//! The keyed window operator (semantics.md §5.3–§5.5): assigns each record to windows, keeps one
//! pane of incremental aggregates per key and window, fires panes on watermarks (event time) or on
//! the processing-time clock, handles allowed lateness, late records and session merging, and
//! exposes its state by key group for rescaling.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::engine::analytics::spec::{AggregateSpec, TimeCharacteristic, Window, WindowSpec};

use super::accumulator::Accumulators;
use super::assign::assign_windows;
use super::count::CountState;
use super::key_group::key_group;
use super::panes::{Pane, PaneStore};
use super::session::merge_plan;
use super::{sort_outputs, Output};

/// `end − 1` without overflow (§5.3 `maxTimestamp`).
fn max_ts(w: &Window) -> i64 {
    w.end.saturating_sub(1)
}

/// Keyed windows and their accumulators for all keys of one job. `Clone` is a checkpoint
/// snapshot (§5.6): restoring is replacing the operator with the clone.
///
/// Event time (§5.4, `EventTimeTrigger` + `WindowOperator`): a pane fires (without purging) when
/// the watermark reaches its `max_timestamp`, and is purged when the watermark reaches
/// `max_timestamp + allowed_lateness`. A record whose every window is already past
/// `max_timestamp + allowed_lateness ≤ watermark` is late and goes to the late side output; a
/// record added to a pane that is already due fires it again at once (a late firing, `update`).
///
/// Processing time (§5.4 `ProcessingTimeTrigger`): the record's timestamp is the processing time;
/// panes fire and are purged when the clock reaches `max_timestamp`; nothing is late.
///
/// Count windows ignore time entirely (see the `count` module).
#[derive(Clone, Debug)]
pub struct WindowOperator {
    spec: WindowSpec,
    time: TimeCharacteristic,
    lateness: i64,
    aggregates: Vec<AggregateSpec>,
    watermark: i64,
    proc_now: i64,
    panes: PaneStore,
    counts: BTreeMap<String, CountState>,
}

impl WindowOperator {
    /// An empty operator. A negative allowed lateness is treated as 0.
    pub fn new(
        window: WindowSpec,
        time: TimeCharacteristic,
        allowed_lateness_ms: i64,
        aggregates: Vec<AggregateSpec>,
    ) -> WindowOperator {
        WindowOperator {
            spec: window,
            time,
            lateness: allowed_lateness_ms.max(0),
            aggregates,
            watermark: i64::MIN,
            proc_now: i64::MIN,
            panes: PaneStore::default(),
            counts: BTreeMap::new(),
        }
    }

    fn event_time(&self) -> bool {
        self.time == TimeCharacteristic::EventTime
    }

    /// §5.4: `window.maxTimestamp() + allowedLateness <= currentWatermark` (event time only).
    fn is_late(&self, w: &Window) -> bool {
        self.event_time() && max_ts(w).saturating_add(self.lateness) <= self.watermark
    }

    /// Whether a pane's trigger time has passed.
    fn is_due(&self, w: &Window) -> bool {
        if self.event_time() {
            max_ts(w) <= self.watermark
        } else {
            max_ts(w) <= self.proc_now
        }
    }

    fn new_pane(&self) -> Pane {
        Pane::new(Accumulators::new(&self.aggregates))
    }

    fn timers(&self, w: &Window) -> (Option<i64>, Option<i64>) {
        let purge = self
            .event_time()
            .then(|| max_ts(w).saturating_add(self.lateness));
        (Some(max_ts(w)), purge)
    }

    /// Emits the pane's current result and marks it fired.
    fn fire(&mut self, key: &str, w: &Window) -> Option<Output> {
        let pane = self.panes.get_mut(key, w)?;
        let out = Output::Fired {
            key: key.to_string(),
            window: *w,
            results: pane.accs.results(),
            records: pane.records,
            update: pane.fired,
        };
        pane.fired = true;
        Some(out)
    }

    /// §5.4 `EventTimeTrigger.onElement`: a pane that is already due fires at once (processing
    /// time: and is purged).
    fn fire_if_due(&mut self, key: &str, w: &Window, out: &mut Vec<Output>) {
        if !self.is_due(w) {
            return;
        }
        self.panes.cancel_fire(key, w);
        out.extend(self.fire(key, w));
        if !self.event_time() {
            self.panes.remove(key, w);
        }
    }

    /// Processes one record of `key` with timestamp `ts` (event time, or the processing time).
    /// The operator's watermark is first raised to `watermark`, without firing other panes (that
    /// is [`WindowOperator::on_watermark`]'s job). Returns the firings it causes (late firings,
    /// count windows) or its late side output, ordered by `(window.end, window.start, key)`.
    pub fn process(&mut self, key: &str, ts: i64, row: &Value, watermark: i64) -> Vec<Output> {
        self.watermark = self.watermark.max(watermark);
        if let WindowSpec::Count { size, slide } = self.spec {
            return self.process_count(key, size, slide, row);
        }
        if !self.event_time() {
            self.proc_now = self.proc_now.max(ts);
        }
        let mut out = Vec::new();
        let mut skipped_all = true;
        for w in assign_windows(&self.spec, ts) {
            let added = if matches!(self.spec, WindowSpec::Session { .. }) {
                self.add_to_session(key, w, row, &mut out)
            } else {
                self.add_to_window(key, w, row, &mut out)
            };
            skipped_all &= !added;
        }
        // §5.4: `isSkippedElement && isElementLate(element)` → side output.
        if skipped_all && self.event_time() && ts.saturating_add(self.lateness) <= self.watermark {
            out.push(Output::Late {
                key: key.to_string(),
                timestamp: ts,
                lateness_ms: self.watermark.saturating_sub(ts),
                row: row.clone(),
            });
        }
        sort_outputs(&mut out);
        out
    }

    fn add_to_window(&mut self, key: &str, w: Window, row: &Value, out: &mut Vec<Output>) -> bool {
        if self.is_late(&w) {
            return false;
        }
        if self.panes.get_mut(key, &w).is_none() {
            let (fire, purge) = self.timers(&w);
            let pane = self.new_pane();
            self.panes.insert(key, w, pane, fire, purge);
        }
        if let Some(pane) = self.panes.get_mut(key, &w) {
            pane.accs.add(&self.aggregates, row);
            pane.records = pane.records.saturating_add(1);
        }
        self.fire_if_due(key, &w, out);
        true
    }

    /// §5.3 sessions: merge the proto-window with every session it intersects (transitively),
    /// merging their accumulators; the merged window is checked for lateness.
    fn add_to_session(
        &mut self,
        key: &str,
        proto: Window,
        row: &Value,
        out: &mut Vec<Output>,
    ) -> bool {
        let existing = self.panes.panes_of(key);
        let (others, merged) = merge_plan(existing.into_iter().flat_map(|m| m.keys()), proto);
        if self.is_late(&merged) {
            return false;
        }
        let mut pane = self.new_pane();
        for w in &others {
            if let Some(p) = self.panes.remove(key, w) {
                pane.merge(p);
            }
        }
        pane.accs.add(&self.aggregates, row);
        pane.records = pane.records.saturating_add(1);
        let (fire, purge) = self.timers(&merged);
        self.panes.insert(key, merged, pane, fire, purge);
        self.fire_if_due(key, &merged, out);
        true
    }

    fn process_count(&mut self, key: &str, size: u64, slide: u64, row: &Value) -> Vec<Output> {
        if size == 0 || slide == 0 {
            return Vec::new();
        }
        let state = self
            .counts
            .entry(key.to_string())
            .or_insert_with(|| CountState::new(size, slide, &self.aggregates));
        match state.add(size, slide, &self.aggregates, row) {
            Some((window, results, records)) => vec![Output::Fired {
                key: key.to_string(),
                window,
                results,
                records,
                update: false,
            }],
            None => Vec::new(),
        }
    }

    /// Event time: raises the watermark (monotonic) to `wm`, fires every pane with
    /// `max_timestamp ≤ wm` that has not fired yet, then purges the panes with
    /// `max_timestamp + allowed_lateness ≤ wm` (§5.4). Other modes only record the watermark.
    pub fn on_watermark(&mut self, wm: i64) -> Vec<Output> {
        self.watermark = self.watermark.max(wm);
        if !self.event_time() || matches!(self.spec, WindowSpec::Count { .. }) {
            return Vec::new();
        }
        let mut out = Vec::new();
        while let Some((key, w)) = self.panes.pop_fire(self.watermark) {
            out.extend(self.fire(&key, &w));
        }
        while self.panes.pop_purge(self.watermark) {}
        sort_outputs(&mut out);
        out
    }

    /// Processing time: advances the clock to `now` and fires and purges every pane with
    /// `max_timestamp ≤ now` (§5.4 `ProcessingTimeTrigger`). Nothing in other modes.
    pub fn on_processing_time(&mut self, now: i64) -> Vec<Output> {
        if self.event_time() || matches!(self.spec, WindowSpec::Count { .. }) {
            return Vec::new();
        }
        self.proc_now = self.proc_now.max(now);
        let mut out = Vec::new();
        while let Some((key, w)) = self.panes.pop_fire(self.proc_now) {
            out.extend(self.fire(&key, &w));
            self.panes.remove(&key, &w);
        }
        sort_outputs(&mut out);
        out
    }

    /// State per key group (§5.5): `(key group, live panes, approximate bytes)`, ascending by key
    /// group, non-empty groups only. Bytes: key length plus, per pane, 24 bytes of window and
    /// counters and the accumulators' estimate (buffered rows' JSON lengths for sliding count
    /// windows).
    pub fn state_by_key_group(&self, max_parallelism: u32) -> Vec<(u32, u64, u64)> {
        let mut groups: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
        for (key, panes) in self.panes.iter() {
            let g = groups.entry(key_group(key, max_parallelism)).or_default();
            g.0 = g.0.saturating_add(panes.len() as u64);
            let bytes = panes.values().fold(key.len() as u64, |b, p| {
                b.saturating_add(24).saturating_add(p.accs.approx_bytes())
            });
            g.1 = g.1.saturating_add(bytes);
        }
        for (key, state) in &self.counts {
            if state.is_live() {
                let g = groups.entry(key_group(key, max_parallelism)).or_default();
                g.0 = g.0.saturating_add(1);
                g.1 =
                    g.1.saturating_add(key.len() as u64)
                        .saturating_add(state.approx_bytes());
            }
        }
        groups
            .into_iter()
            .filter(|(_, (n, _))| *n > 0)
            .map(|(g, (n, b))| (g, n, b))
            .collect()
    }

    /// Live panes over all keys (a count-window key holding records counts as one).
    pub fn pane_count(&self) -> usize {
        self.panes.len() + self.counts.values().filter(|s| s.is_live()).count()
    }

    /// Drops the state of every key whose key group fails `keep` (§5.5 rescaling: an instance
    /// keeps its key-group range).
    pub fn retain_key_groups(&mut self, max_parallelism: u32, keep: &dyn Fn(u32) -> bool) {
        self.panes
            .retain_keys(&|k: &str| keep(key_group(k, max_parallelism)));
        self.counts
            .retain(|k, _| keep(key_group(k, max_parallelism)));
    }

    /// Takes over the key state of `other` (§5.5 rescaling: key groups move whole). Keys are
    /// expected to be disjoint; a pane present on both sides is merged, a count-window key keeps
    /// this operator's state. Watermark and clock become the larger of the two.
    pub fn absorb(&mut self, other: WindowOperator) {
        self.watermark = self.watermark.max(other.watermark);
        self.proc_now = self.proc_now.max(other.proc_now);
        self.panes.absorb(other.panes);
        for (k, s) in other.counts {
            self.counts.entry(k).or_insert(s);
        }
    }

    /// Open time-window panes, ordered by (window end, window start, key), at most `limit`:
    /// `(key, window, records, fired, current results)` — what the picture draws as bands.
    pub fn open_panes(&self, limit: usize) -> Vec<(String, Window, u64, bool, Vec<Value>)> {
        let mut all: Vec<(String, Window, u64, bool, Vec<Value>)> = self
            .panes
            .iter()
            .flat_map(|(k, ws)| {
                ws.iter()
                    .map(move |(w, p)| (k.clone(), *w, p.records, p.fired, p.accs.results()))
            })
            .collect();
        all.sort_by(|a, b| (a.1.end, a.1.start, &a.0).cmp(&(b.1.end, b.1.start, &b.0)));
        all.truncate(limit);
        all
    }

    /// The largest watermark seen by [`WindowOperator::on_watermark`] or
    /// [`WindowOperator::process`] (`i64::MIN` initially).
    pub fn current_watermark(&self) -> i64 {
        self.watermark
    }
}
