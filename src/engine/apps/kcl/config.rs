//! KCL configuration: the timing constants of semantics.md §2.1–§2.4 and an application's
//! settings (initial position, checkpoint policy, per-record processing time, sink).

use crate::engine::time::VirtualMs;

/// `failoverTimeMillis`: the lease duration (§2.3, default 10,000 ms).
pub const FAILOVER_TIME_MS: VirtualMs = 10_000;
/// `epsilonMillis` (§2.3, default 25 ms).
pub const EPSILON_MS: VirtualMs = 25;
/// The lease renewer's period, `failoverTimeMillis / 3 − epsilon` = 3,308 ms (§2.3).
pub const RENEWER_INTERVAL_MS: VirtualMs = FAILOVER_TIME_MS / 3 - EPSILON_MS;
/// The lease taker's period, `(failoverTimeMillis + epsilon) × 2` = 20,050 ms (§2.3).
pub const TAKER_INTERVAL_MS: VirtualMs = (FAILOVER_TIME_MS + EPSILON_MS) * 2;
/// A lease unrenewed for `3 × failoverTimeMillis` is "very old" and taken with priority,
/// regardless of the target (`veryOldLeaseDurationNanosMultiplier`, §2.3).
pub const VERY_OLD_MULTIPLIER: VirtualMs = 3;
/// `maxLeasesToStealAtOneTime` (§2.3: 1).
pub const MAX_LEASES_TO_STEAL_AT_ONE_TIME: usize = 1;
/// `shardSyncIntervalMillis`: shard discovery and lease clean-up period (§2.3, 60,000 ms).
pub const SHARD_SYNC_INTERVAL_MS: VirtualMs = 60_000;
/// `parentShardPollIntervalMillis`: how often a child waits on its parents' checkpoints (§2.3,
/// §2.4: 10,000 ms).
pub const PARENT_SHARD_POLL_INTERVAL_MS: VirtualMs = 10_000;
/// Polling `maxRecords` (§2.1: 10,000, also the GetRecords `Limit` ceiling of §1.8).
pub const DEFAULT_MAX_RECORDS: u32 = 10_000;
/// Polling `idleTimeBetweenReadsInMillis` (§2.1: 1,500 ms).
pub const DEFAULT_IDLE_TIME_BETWEEN_READS_MS: VirtualMs = 1_500;
/// Floor of `idleTimeBetweenReadsInMillis` that keeps one consumer under 5 GetRecords/s (§2.1).
pub const MIN_IDLE_TIME_BETWEEN_READS_MS: VirtualMs = 200;

/// Most workers one application may run at once (playground limit).
pub const MAX_WORKERS: usize = 32;
/// Most KCL applications in one world (playground limit).
pub const MAX_APPLICATIONS: usize = 16;
/// Longest per-record processing time accepted (playground limit).
pub const MAX_PROCESSING_MS_PER_RECORD: VirtualMs = 60_000;
/// Longest single pause of a worker (playground limit: one hour).
pub const MAX_PAUSE_MS: VirtualMs = 3_600_000;
/// Processed-records log entries kept per application (older ones are dropped and counted).
pub const MAX_OUTPUT_LOG: usize = 50_000;
/// Anomaly ledger entries kept per application (later anomalies are counted, not listed).
pub const MAX_LEDGER_ENTRIES: usize = 2_000;
/// Lease events (created, taken, lost, SHARD_END, deleted) kept per application.
pub const MAX_LEASE_EVENTS: usize = 500;
/// Samples of consumer lag kept per shard for the trend.
pub const LAG_TREND_SAMPLES: usize = 30;

/// `InitialPositionInStream` (§2.5): where a lease without a checkpoint starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitialPosition {
    /// The oldest retained record.
    TrimHorizon,
    /// Just after the newest record when the shard is first read.
    Latest,
    /// The first record that arrived at or after this Unix-millisecond instant.
    AtTimestamp(u64),
}

impl InitialPosition {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            InitialPosition::TrimHorizon => "TRIM_HORIZON",
            InitialPosition::Latest => "LATEST",
            InitialPosition::AtTimestamp(_) => "AT_TIMESTAMP",
        }
    }
}

/// When a record processor checkpoints (§2.5: "periodic, not per record" is recommended).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckpointPolicy {
    /// After every `n` processed records.
    EveryRecords(u64),
    /// When at least this many ms passed since the last checkpoint (checked as records complete
    /// and on every poll).
    EveryMillis(VirtualMs),
    /// Only on `CheckpointKclApplication`, at SHARD_END and on a requested shutdown.
    Manual,
}

impl CheckpointPolicy {
    /// A short description, e.g. `every 100 records`.
    pub fn describe(self) -> String {
        match self {
            CheckpointPolicy::EveryRecords(n) => format!("every {n} records"),
            CheckpointPolicy::EveryMillis(ms) => format!("every {ms} ms"),
            CheckpointPolicy::Manual => "manual".to_string(),
        }
    }
}

/// An application's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KclConfig {
    /// `InitialPositionInStream`.
    pub initial_position: InitialPosition,
    /// Checkpoint policy.
    pub checkpoint: CheckpointPolicy,
    /// Virtual time one record takes to process.
    pub processing_ms_per_record: VirtualMs,
    /// Whether the sink deduplicates by (shard, sequence number).
    pub idempotent_sink: bool,
    /// GetRecords `Limit` (`maxRecords`).
    pub max_records: u32,
    /// `idleTimeBetweenReadsInMillis`.
    pub idle_time_between_reads_ms: VirtualMs,
}

impl Default for KclConfig {
    fn default() -> Self {
        KclConfig {
            initial_position: InitialPosition::TrimHorizon,
            checkpoint: CheckpointPolicy::EveryRecords(100),
            processing_ms_per_record: 0,
            idempotent_sink: false,
            max_records: DEFAULT_MAX_RECORDS,
            idle_time_between_reads_ms: DEFAULT_IDLE_TIME_BETWEEN_READS_MS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_constants_match_section_2_3() {
        assert_eq!(RENEWER_INTERVAL_MS, 3_308);
        assert_eq!(TAKER_INTERVAL_MS, 20_050);
    }
}
