//! Settings of an event source mapping (semantics.md §3, CreateEventSourceMapping) and of the
//! simulated function behind it.

/// `BatchSize` default for Kinesis (§3; range 1-10,000).
pub const DEFAULT_BATCH_SIZE: u32 = 100;
/// Largest `BatchSize` (§3).
pub const MAX_BATCH_SIZE: u32 = 10_000;
/// Largest `MaximumBatchingWindowInSeconds` (§3; default 0 for Kinesis).
pub const MAX_BATCHING_WINDOW_S: u32 = 300;
/// Largest `ParallelizationFactor` (§3; default 1).
pub const MAX_PARALLELIZATION_FACTOR: u32 = 10;
/// Largest `MaximumRetryAttempts` (§3; −1 = infinite, the default).
pub const MAX_RETRY_ATTEMPTS: i64 = 10_000;
/// `MaximumRecordAgeInSeconds` range when not −1 (§3).
pub const RECORD_AGE_RANGE_S: (i64, i64) = (60, 604_800);
/// Default simulated function duration per batch, ms.
pub const DEFAULT_FUNCTION_DURATION_MS: u64 = 200;

/// Where a mapping starts reading a shard (§3 `StartingPosition`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StartingPosition {
    /// The oldest record retained.
    TrimHorizon,
    /// Records added after the mapping was created.
    Latest,
    /// Records at or after a Unix time, seconds.
    AtTimestamp(f64),
}

impl StartingPosition {
    /// The API name.
    pub fn name(self) -> &'static str {
        match self {
            StartingPosition::TrimHorizon => "TRIM_HORIZON",
            StartingPosition::Latest => "LATEST",
            StartingPosition::AtTimestamp(_) => "AT_TIMESTAMP",
        }
    }
}

/// What the simulated function does with a batch (playground-only settings).
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionBehavior {
    /// Duration of one invocation, ms.
    pub duration_ms: u64,
    /// Extra duration per record in the batch, ms.
    pub per_record_ms: u64,
    /// Fail on a (user) record with exactly this partition key.
    pub fail_on_partition_key: Option<String>,
    /// Fail on a (user) record whose data contains this text.
    pub fail_on_data_contains: Option<String>,
    /// Probability that an invocation fails as a whole (timeout, crash), drawn from the world RNG.
    pub error_rate: f64,
}

impl Default for FunctionBehavior {
    fn default() -> Self {
        FunctionBehavior {
            duration_ms: DEFAULT_FUNCTION_DURATION_MS,
            per_record_ms: 0,
            fail_on_partition_key: None,
            fail_on_data_contains: None,
            error_rate: 0.0,
        }
    }
}

impl FunctionBehavior {
    /// The JSON the playground API uses for this behaviour.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "DurationMs": self.duration_ms,
            "DurationPerRecordMs": self.per_record_ms,
            "FailOnPartitionKey": self.fail_on_partition_key,
            "FailOnDataContains": self.fail_on_data_contains,
            "ErrorRate": self.error_rate,
        })
    }
}

/// An event source mapping's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct EsmConfig {
    /// `FunctionName`.
    pub function_name: String,
    /// The stream read (from `EventSourceArn`).
    pub stream: String,
    /// `BatchSize`.
    pub batch_size: u32,
    /// `MaximumBatchingWindowInSeconds`.
    pub batching_window_s: u32,
    /// `StartingPosition` (+ `StartingPositionTimestamp`).
    pub starting_position: StartingPosition,
    /// `ParallelizationFactor`.
    pub parallelization_factor: u32,
    /// `BisectBatchOnFunctionError`.
    pub bisect: bool,
    /// `MaximumRetryAttempts` (−1 = infinite).
    pub max_retry_attempts: i64,
    /// `MaximumRecordAgeInSeconds` (−1 = infinite).
    pub max_record_age_s: i64,
    /// `DestinationConfig.OnFailure.Destination`.
    pub on_failure: Option<String>,
    /// `FunctionResponseTypes` contains `ReportBatchItemFailures`.
    pub report_batch_item_failures: bool,
    /// The simulated function.
    pub function: FunctionBehavior,
}

impl EsmConfig {
    /// Defaults for `function_name` reading `stream` from `starting_position`.
    pub fn new(
        function_name: &str,
        stream: &str,
        starting_position: StartingPosition,
    ) -> EsmConfig {
        EsmConfig {
            function_name: function_name.to_string(),
            stream: stream.to_string(),
            batch_size: DEFAULT_BATCH_SIZE,
            batching_window_s: 0,
            starting_position,
            parallelization_factor: 1,
            bisect: false,
            max_retry_attempts: -1,
            max_record_age_s: -1,
            on_failure: None,
            report_batch_item_failures: false,
            function: FunctionBehavior::default(),
        }
    }

    /// The function's ARN.
    pub fn function_arn(&self) -> String {
        format!(
            "arn:aws:lambda:{}:{}:function:{}",
            crate::engine::kinesis::REGION,
            crate::engine::kinesis::ACCOUNT_ID,
            self.function_name
        )
    }
}
