//! Kinesis Producer Library mode (semantics.md §2.6): aggregation of user records into KPL
//! aggregated records, collection into PutRecords calls, per-shard rate limiting at `RateLimit` %
//! of the shard limit, `RecordMaxBufferedTime` deadlines, `RecordTtl`, and retries without
//! exponential backoff.
//!
//! - `protobuf.rs`: the wire-format pieces; `aggregation.rs`: the aggregated-record format and the
//!   public [`deaggregate`] a consumer uses; `limiter.rs`: the per-shard token buckets;
//!   `producer.rs`: the buffers and what happens at each deadline.

pub mod aggregation;
pub mod limiter;
pub mod producer;
pub mod protobuf;

pub use aggregation::{deaggregate, deaggregate_with_key, UserRecord};
pub use producer::KplState;

/// `AggregationMaxCount` default (§2.6).
pub const DEFAULT_AGGREGATION_MAX_COUNT: u64 = 4_294_967_295;
/// `AggregationMaxSize` default, bytes (§2.6; range 64-1,048,576).
pub const DEFAULT_AGGREGATION_MAX_SIZE: u32 = 51_200;
/// `AggregationMaxSize` range (§2.6).
pub const AGGREGATION_MAX_SIZE_RANGE: (u32, u32) = (64, 1_048_576);
/// `CollectionMaxCount` default (§2.6; range 1-500).
pub const DEFAULT_COLLECTION_MAX_COUNT: u32 = 500;
/// `CollectionMaxSize` default, bytes (§2.6: 5,242,880).
pub const DEFAULT_COLLECTION_MAX_SIZE: u64 = 5_242_880;
/// `RecordMaxBufferedTime` default, ms (§2.6; minimum 100).
pub const DEFAULT_RECORD_MAX_BUFFERED_TIME_MS: u64 = 100;
/// `RecordTtl` default, ms (§2.6: then the record fails).
pub const DEFAULT_RECORD_TTL_MS: u64 = 30_000;
/// `RateLimit` default, % of the shard limit (§2.6).
pub const DEFAULT_RATE_LIMIT_PCT: u32 = 150;

/// KPL settings (names as in `default_config.properties`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KplConfig {
    /// `AggregationEnabled`.
    pub aggregation_enabled: bool,
    /// `AggregationMaxCount`: most user records in one aggregate.
    pub aggregation_max_count: u64,
    /// `AggregationMaxSize`: largest aggregated record, bytes.
    pub aggregation_max_size: u32,
    /// `CollectionMaxCount`: most Kinesis records in one PutRecords.
    pub collection_max_count: u32,
    /// `CollectionMaxSize`: largest PutRecords payload, bytes.
    pub collection_max_size: u64,
    /// `RecordMaxBufferedTime`, ms.
    pub record_max_buffered_time_ms: u64,
    /// `RecordTtl`, ms.
    pub record_ttl_ms: u64,
    /// `RateLimit`, % of the shard's write limit.
    pub rate_limit_pct: u32,
    /// `FailIfThrottled`: fail throttled records instead of retrying them.
    pub fail_if_throttled: bool,
}

impl Default for KplConfig {
    fn default() -> Self {
        KplConfig {
            aggregation_enabled: true,
            aggregation_max_count: DEFAULT_AGGREGATION_MAX_COUNT,
            aggregation_max_size: DEFAULT_AGGREGATION_MAX_SIZE,
            collection_max_count: DEFAULT_COLLECTION_MAX_COUNT,
            collection_max_size: DEFAULT_COLLECTION_MAX_SIZE,
            record_max_buffered_time_ms: DEFAULT_RECORD_MAX_BUFFERED_TIME_MS,
            record_ttl_ms: DEFAULT_RECORD_TTL_MS,
            rate_limit_pct: DEFAULT_RATE_LIMIT_PCT,
            fail_if_throttled: false,
        }
    }
}

impl KplConfig {
    /// The JSON the playground API uses for these settings.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "AggregationEnabled": self.aggregation_enabled,
            "AggregationMaxCount": self.aggregation_max_count,
            "AggregationMaxSize": self.aggregation_max_size,
            "CollectionMaxCount": self.collection_max_count,
            "CollectionMaxSize": self.collection_max_size,
            "RecordMaxBufferedTime": self.record_max_buffered_time_ms,
            "RecordTtl": self.record_ttl_ms,
            "RateLimit": self.rate_limit_pct,
            "FailIfThrottled": self.fail_if_throttled,
        })
    }
}
