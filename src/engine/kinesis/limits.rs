//! The numbers KDS enforces, each with the semantics.md section it comes from.

/// Stream and consumer names: 1-128 characters of `[a-zA-Z0-9_.-]` (§1.1).
pub const STREAM_NAME_MAX_LEN: usize = 128;
/// Partition keys: 1-256 Unicode characters (§1.2, §1.4).
pub const PARTITION_KEY_MAX_CHARS: usize = 256;
/// Default retention, hours (§1.9).
pub const DEFAULT_RETENTION_HOURS: u32 = 24;
/// Minimum retention, hours (§1.9).
pub const MIN_RETENTION_HOURS: u32 = 24;
/// Maximum retention, hours: 365 days (§1.9).
pub const MAX_RETENTION_HOURS: u32 = 8_760;
/// Default and minimum `MaxRecordSizeInKiB` (§1.4).
pub const DEFAULT_MAX_RECORD_SIZE_KIB: u32 = 1_024;
/// Maximum `MaxRecordSizeInKiB` (§1.4).
pub const MAX_MAX_RECORD_SIZE_KIB: u32 = 10_240;
/// Largest data blob the API accepts, bytes (§1.4: 10 MiB since the large-record launch).
pub const DATA_BLOB_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most shards in one stream (§1.10: UpdateShardCount limits, 10,000 per stream).
pub const MAX_SHARDS_PER_STREAM: i64 = 10_000;
/// Shard quota of the simulated account (§1.12: 20,000 in the big-3 Regions; the playground keeps a
/// lower ceiling so a browser tab stays responsive, and says so in the error).
pub const ACCOUNT_SHARD_LIMIT: u32 = 500;
/// Streams that may be CREATING at once (§1.11).
pub const MAX_STREAMS_CREATING: usize = 5;
/// Open shards of a new on-demand stream (§1.12, observed: 4 shards, 4 MiB/s write).
pub const ON_DEMAND_INITIAL_SHARDS: u32 = 4;
/// Virtual time from CreateStream to ACTIVE. AWS gives no SLA; kinesalite uses 500 ms (§1.10
/// "Timing"); the playground uses 2 s so the CREATING state is visible without slowing lessons.
pub const STREAM_CREATE_DELAY_MS: u64 = 2_000;
/// Virtual time from DeleteStream to gone (same reasoning as the create delay).
pub const STREAM_DELETE_DELAY_MS: u64 = 2_000;
/// Most streams listed per ListStreams page (KDS-API: `Limit` 1-10,000, default 100).
pub const LIST_STREAMS_DEFAULT_LIMIT: i64 = 100;
/// ListShards `MaxResults` default and maximum (§1.11).
pub const LIST_SHARDS_MAX_RESULTS: i64 = 1_000;
/// How long a SplitShard or MergeShards keeps the stream UPDATING before the children take over.
/// §1.10 "Timing (emulator/observed)": AWS gives no SLA, kinesalite uses 500 ms, a teaching sim can
/// use ~5-30 s; the playground uses 5 s so the UPDATING window (parent still open and taking
/// writes) is visible without slowing a lesson down.
pub const RESHARD_DELAY_MS: u64 = 5_000;
/// UPDATING window of UpdateShardCount: longer than one split or merge since AWS runs a series of
/// them and says it "could take a few minutes" (§1.10); 15 s of virtual time, same reasoning.
pub const UPDATE_SHARD_COUNT_DELAY_MS: u64 = 15_000;
/// UPDATING window of UpdateStreamMode (§1.12: the stream shows UPDATING, no I/O disruption);
/// same 5 s as a single reshard.
pub const STREAM_MODE_UPDATE_DELAY_MS: u64 = 5_000;
/// UpdateShardCount calls per stream per rolling 24 h (§1.10, current default limits).
pub const MAX_SHARD_COUNT_UPDATES_PER_DAY: usize = 10;
/// Capacity-mode switches per stream per rolling 24 h (§1.12).
pub const MAX_MODE_SWITCHES_PER_DAY: usize = 2;
/// On-demand streams per account (§1.12: default 50).
pub const MAX_ON_DEMAND_STREAMS: usize = 50;
/// Tags per stream (§1.16; KDS-API AddTagsToStream: "up to 50 tags").
pub const MAX_TAGS_PER_STREAM: usize = 50;
/// Tags per AddTagsToStream call (KDS-API: "A set of up to 10 key-value pairs").
pub const MAX_TAGS_PER_ADD_CALL: usize = 10;
/// Tag keys: 1-128 characters (KDS-API `TagKey`).
pub const TAG_KEY_MAX_CHARS: usize = 128;
/// Tag values: 0-256 characters (KDS-API `TagValue`).
pub const TAG_VALUE_MAX_CHARS: usize = 256;
/// ListTagsForStream `Limit` maximum (KDS-API `ListTagsForStreamInputLimit`: 1-50); also the
/// default, so one call lists every tag a stream can have.
pub const LIST_TAGS_MAX_LIMIT: i64 = 50;
/// RemoveTagsFromStream `TagKeys`: 1-50 keys (KDS-API `TagKeyList`).
pub const REMOVE_TAGS_MAX_KEYS: usize = 50;
