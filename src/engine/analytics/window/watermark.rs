//! Watermark generation and propagation (semantics.md §5.2).

/// A bounded-out-of-orderness watermark generator for one source split (shard/partition) (§5.2).
///
/// DataStream flavour ([`BoundedOutOfOrderness::new`]): `W = maxTs − d − 1`; Flink SQL flavour
/// ([`BoundedOutOfOrderness::sql`]): `W = maxTs − d` literally. Before the first event
/// `W = i64::MIN`. With an idle timeout the split reports itself idle after that much processing
/// time without events (`withIdleness`).
#[derive(Clone, Debug)]
pub struct BoundedOutOfOrderness {
    delay_ms: i64,
    minus_one: bool,
    idle_timeout_ms: Option<i64>,
    max_ts: Option<i64>,
    last_activity_ms: i64,
}

impl BoundedOutOfOrderness {
    fn make(delay_ms: i64, idle_timeout_ms: Option<i64>, created_ms: i64, minus_one: bool) -> Self {
        Self {
            delay_ms: delay_ms.max(0),
            minus_one,
            idle_timeout_ms,
            max_ts: None,
            last_activity_ms: created_ms,
        }
    }

    /// DataStream `forBoundedOutOfOrderness(d)`: `W = maxTs − d − 1` (§5.2). A negative delay is
    /// treated as 0. `created_ms` (processing time) starts the idleness clock.
    pub fn new(delay_ms: i64, idle_timeout_ms: Option<i64>, created_ms: i64) -> Self {
        Self::make(delay_ms, idle_timeout_ms, created_ms, true)
    }

    /// Flink SQL `WATERMARK FOR ts AS ts - INTERVAL …`: `W = maxTs − d`, no extra −1 ms (§5.2).
    pub fn sql(delay_ms: i64, idle_timeout_ms: Option<i64>, created_ms: i64) -> Self {
        Self::make(delay_ms, idle_timeout_ms, created_ms, false)
    }

    /// An event with timestamp `ts` read at processing time `now_ms` (which marks the split
    /// active).
    pub fn on_event(&mut self, ts: i64, now_ms: i64) {
        self.max_ts = Some(self.max_ts.map_or(ts, |m| m.max(ts)));
        self.last_activity_ms = self.last_activity_ms.max(now_ms);
    }

    /// The current watermark: `i64::MIN` until the first event, then `maxTs − d (− 1)`,
    /// saturating.
    pub fn current_watermark(&self) -> i64 {
        match self.max_ts {
            None => i64::MIN,
            Some(m) => m
                .saturating_sub(self.delay_ms)
                .saturating_sub(i64::from(self.minus_one)),
        }
    }

    /// Idle (§5.2 `withIdleness`): an idle timeout is set and no event arrived for at least that
    /// long before `now_ms` (counted from the last event, or from creation if none).
    pub fn is_idle(&self, now_ms: i64) -> bool {
        self.idle_timeout_ms
            .is_some_and(|t| now_ms.saturating_sub(self.last_activity_ms) >= t)
    }

    /// The largest event timestamp seen.
    pub fn max_timestamp(&self) -> Option<i64> {
        self.max_ts
    }
}

/// Combines per-split watermarks `(watermark, idle)` (§5.2): the minimum over the non-idle splits,
/// never below `previous` (watermarks are monotonic); all idle (or none) keeps `previous`.
pub fn combine_watermarks(splits: &[(i64, bool)], previous: i64) -> i64 {
    splits
        .iter()
        .filter(|(_, idle)| !idle)
        .map(|(w, _)| *w)
        .min()
        .map_or(previous, |m| m.max(previous))
}
