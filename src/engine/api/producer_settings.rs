//! Reading the members of `StartProducer` beyond the original ones: `Workload`, `RecordSize`,
//! `EventTimeDisorder`, `RateShape`, `KeyDistribution` (ZIPF, EVEN_HASH_KEYS) and the client
//! settings `Mode` with `Sdk`, `Kpl` (§2.6) or `Agent` (§2.7).

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;
use crate::engine::apps::agent::{AgentConfig, PartitionKeyOption};
use crate::engine::apps::keys::ZIPF_MAX_KEYS;
use crate::engine::apps::kpl::{self, KplConfig};
use crate::engine::apps::producer::ProducerMode;
use crate::engine::apps::rate_shape::{RateShape, DAY_MS};
use crate::engine::apps::sdk::{SdkApi, SdkConfig, MAX_RETRIES_LIMIT};
use crate::engine::apps::workload::{
    Disorder, KeyDistribution, RecordSize, Workload, WorkloadSpec, MAX_GENERATED_BYTES,
};

fn enum_error(value: &str, member: &str, allowed: &[&str]) -> ApiError {
    ApiError::validation(
        value,
        member,
        &format!(
            "Member must satisfy enum value set: [{}]",
            allowed.join(", ")
        ),
    )
}

/// `KeyDistribution` (default UNIFORM over 100 keys).
pub fn read_keys(req: &Request<'_>) -> Result<KeyDistribution, ApiError> {
    let Some(d) = req.opt_struct("KeyDistribution")? else {
        return Ok(KeyDistribution::Uniform { keys: 100 });
    };
    d.deny_unknown(&["Type", "KeyCount", "HotKeyShare", "ZipfExponent"])?;
    let keys = d.opt_int("KeyCount", 1, 1_000_000)?.unwrap_or(100) as u32;
    match d.str("Type")? {
        "UNIFORM" => Ok(KeyDistribution::Uniform { keys }),
        "HOT_KEY" => {
            let hot_share = d.opt_f64("HotKeyShare", 0.0, 1.0)?.unwrap_or(0.8);
            Ok(KeyDistribution::HotKey { keys, hot_share })
        }
        "ZIPF" => {
            let keys = d
                .opt_int("KeyCount", 1, i64::from(ZIPF_MAX_KEYS))?
                .unwrap_or(100) as u32;
            let s = d.opt_f64("ZipfExponent", 0.0, 10.0)?.unwrap_or(1.0);
            Ok(KeyDistribution::Zipf { keys, s })
        }
        "EVEN_HASH_KEYS" => Ok(KeyDistribution::EvenHashKeys { keys }),
        other => Err(enum_error(
            other,
            "keyDistribution.type",
            &["UNIFORM", "HOT_KEY", "ZIPF", "EVEN_HASH_KEYS"],
        )),
    }
}

/// `Workload`, `RecordSize` and `EventTimeDisorder`.
pub fn read_workload(req: &Request<'_>) -> Result<WorkloadSpec, ApiError> {
    let kind = match req.opt_str("Workload")? {
        None => Workload::Clickstream,
        Some(w) => Workload::from_name(w).ok_or_else(|| {
            let names: Vec<&str> = Workload::ALL.iter().map(|(_, n)| *n).collect();
            enum_error(w, "workload", &names)
        })?,
    };
    let max = i64::from(MAX_GENERATED_BYTES);
    let size = match req.opt_struct("RecordSize")? {
        None => RecordSize::Natural,
        Some(s) => {
            s.deny_unknown(&["Type", "Bytes", "MinBytes", "MaxBytes"])?;
            match s.str("Type")? {
                "NATURAL" => RecordSize::Natural,
                "FIXED" => RecordSize::Fixed(s.int("Bytes", 1, max)? as u32),
                "RANGE" => {
                    let min = s.int("MinBytes", 1, max)? as u32;
                    let hi = s.int("MaxBytes", 1, max)? as u32;
                    if hi < min {
                        return Err(ApiError::invalid_argument(
                            "RecordSize.MaxBytes must be at least MinBytes",
                        ));
                    }
                    RecordSize::Range { min, max: hi }
                }
                other => {
                    return Err(enum_error(
                        other,
                        "recordSize.type",
                        &["NATURAL", "FIXED", "RANGE"],
                    ))
                }
            }
        }
    };
    let disorder = match req.opt_struct("EventTimeDisorder")? {
        None => None,
        Some(d) => {
            d.deny_unknown(&["LateFraction", "MaxLatenessMs"])?;
            let late_fraction = d.opt_f64("LateFraction", 0.0, 1.0)?.unwrap_or(0.1);
            let max_lateness_ms = d
                .opt_int("MaxLatenessMs", 1, DAY_MS as i64)?
                .unwrap_or(5_000) as u64;
            Some(Disorder {
                late_fraction,
                max_lateness_ms,
            })
        }
    };
    Ok(WorkloadSpec {
        kind,
        size,
        disorder,
    })
}

/// `RateShape` (default CONSTANT).
pub fn read_shape(req: &Request<'_>) -> Result<RateShape, ApiError> {
    let Some(s) = req.opt_struct("RateShape")? else {
        return Ok(RateShape::Constant);
    };
    s.deny_unknown(&[
        "Type",
        "PeriodMs",
        "BurstMs",
        "BurstFactor",
        "QuietFactor",
        "DayLengthMs",
    ])?;
    match s.str("Type")? {
        "CONSTANT" => Ok(RateShape::Constant),
        "BURSTS" => {
            let period_ms = s.opt_int("PeriodMs", 100, DAY_MS as i64)?.unwrap_or(10_000) as u64;
            let burst_ms = s.opt_int("BurstMs", 1, DAY_MS as i64)?.unwrap_or(1_000) as u64;
            if burst_ms > period_ms {
                return Err(ApiError::invalid_argument(
                    "RateShape.BurstMs must not exceed PeriodMs",
                ));
            }
            let burst_factor = s.opt_f64("BurstFactor", 0.01, 1_000.0)?.unwrap_or(10.0);
            let quiet_factor = s.opt_f64("QuietFactor", 0.0, 1_000.0)?.unwrap_or(1.0);
            Ok(RateShape::Bursts {
                period_ms,
                burst_ms,
                burst_factor,
                quiet_factor,
            })
        }
        "DAILY" => {
            let day_ms = s
                .opt_int("DayLengthMs", 24_000, DAY_MS as i64)?
                .unwrap_or(DAY_MS as i64) as u64;
            Ok(RateShape::Daily { day_ms })
        }
        other => Err(enum_error(
            other,
            "rateShape.type",
            &["CONSTANT", "BURSTS", "DAILY"],
        )),
    }
}

fn read_sdk(s: Option<Request<'_>>) -> Result<SdkConfig, ApiError> {
    let mut c = SdkConfig::default();
    let Some(s) = s else { return Ok(c) };
    s.deny_unknown(&[
        "Api",
        "BatchSize",
        "MaxBatchWaitMs",
        "MaxRetries",
        "BaseBackoffMs",
        "MaxBackoffMs",
    ])?;
    c.api = match s.opt_str("Api")? {
        None | Some("PutRecord") => SdkApi::PutRecord,
        Some("PutRecords") => SdkApi::PutRecords,
        Some(other) => return Err(enum_error(other, "sdk.api", &["PutRecord", "PutRecords"])),
    };
    c.batch_size = s
        .opt_int("BatchSize", 1, 500)?
        .map_or(c.batch_size, |v| v as u32);
    c.max_batch_wait_ms = s
        .opt_int("MaxBatchWaitMs", 0, 60_000)?
        .map_or(c.max_batch_wait_ms, |v| v as u64);
    c.max_retries = s
        .opt_int("MaxRetries", 0, i64::from(MAX_RETRIES_LIMIT))?
        .map_or(c.max_retries, |v| v as u32);
    c.base_backoff_ms = s
        .opt_int("BaseBackoffMs", 1, 60_000)?
        .map_or(c.base_backoff_ms, |v| v as u64);
    c.max_backoff_ms = s
        .opt_int("MaxBackoffMs", 1, 600_000)?
        .map_or(c.max_backoff_ms, |v| v as u64);
    Ok(c)
}

fn read_kpl(s: Option<Request<'_>>) -> Result<KplConfig, ApiError> {
    let mut c = KplConfig::default();
    let Some(s) = s else { return Ok(c) };
    s.deny_unknown(&[
        "AggregationEnabled",
        "AggregationMaxCount",
        "AggregationMaxSize",
        "CollectionMaxCount",
        "CollectionMaxSize",
        "RecordMaxBufferedTime",
        "RecordTtl",
        "RateLimit",
        "FailIfThrottled",
    ])?;
    let (lo, hi) = kpl::AGGREGATION_MAX_SIZE_RANGE;
    c.aggregation_enabled = s
        .opt_bool("AggregationEnabled")?
        .unwrap_or(c.aggregation_enabled);
    c.aggregation_max_count = s
        .opt_int("AggregationMaxCount", 1, 4_294_967_295)?
        .map_or(c.aggregation_max_count, |v| v as u64);
    c.aggregation_max_size = s
        .opt_int("AggregationMaxSize", i64::from(lo), i64::from(hi))?
        .map_or(c.aggregation_max_size, |v| v as u32);
    c.collection_max_count = s
        .opt_int("CollectionMaxCount", 1, 500)?
        .map_or(c.collection_max_count, |v| v as u32);
    c.collection_max_size = s
        .opt_int("CollectionMaxSize", 52_224, 10 * 1_048_576)?
        .map_or(c.collection_max_size, |v| v as u64);
    c.record_max_buffered_time_ms = s
        .opt_int("RecordMaxBufferedTime", 100, 600_000)?
        .map_or(c.record_max_buffered_time_ms, |v| v as u64);
    c.record_ttl_ms = s
        .opt_int("RecordTtl", 100, 86_400_000)?
        .map_or(c.record_ttl_ms, |v| v as u64);
    c.rate_limit_pct = s
        .opt_int("RateLimit", 1, 1_000)?
        .map_or(c.rate_limit_pct, |v| v as u32);
    c.fail_if_throttled = s
        .opt_bool("FailIfThrottled")?
        .unwrap_or(c.fail_if_throttled);
    Ok(c)
}

fn read_agent(s: Option<Request<'_>>) -> Result<AgentConfig, ApiError> {
    let mut c = AgentConfig::default();
    let Some(s) = s else { return Ok(c) };
    s.deny_unknown(&[
        "MaxBufferAgeMillis",
        "MaxBufferSizeRecords",
        "MaxBufferSizeBytes",
        "MinTimeBetweenFilePollsMillis",
        "PartitionKeyOption",
    ])?;
    c.max_buffer_age_ms = s
        .opt_int("MaxBufferAgeMillis", 1_000, 900_000)?
        .map_or(c.max_buffer_age_ms, |v| v as u64);
    c.max_buffer_size_records = s
        .opt_int("MaxBufferSizeRecords", 1, 500)?
        .map_or(c.max_buffer_size_records, |v| v as u32);
    c.max_buffer_size_bytes = s
        .opt_int("MaxBufferSizeBytes", 1, 4 * 1_048_576)?
        .map_or(c.max_buffer_size_bytes, |v| v as u64);
    c.min_time_between_file_polls_ms = s
        .opt_int("MinTimeBetweenFilePollsMillis", 1, 60_000)?
        .map_or(c.min_time_between_file_polls_ms, |v| v as u64);
    c.partition_key_option = match s.opt_str("PartitionKeyOption")? {
        None | Some("RANDOM") => PartitionKeyOption::Random,
        Some("DETERMINISTIC") => PartitionKeyOption::Deterministic,
        Some(other) => {
            return Err(enum_error(
                other,
                "agent.partitionKeyOption",
                &["RANDOM", "DETERMINISTIC"],
            ))
        }
    };
    Ok(c)
}

/// `Mode` and its settings (default DIRECT).
pub fn read_mode(req: &Request<'_>) -> Result<ProducerMode, ApiError> {
    let mode = req.opt_str("Mode")?.unwrap_or("DIRECT");
    for (member, owner) in [("Sdk", "SDK"), ("Kpl", "KPL"), ("Agent", "AGENT")] {
        if req.raw(member).is_some() && mode != owner {
            return Err(ApiError::invalid_argument(format!(
                "{member} settings apply only to Mode {owner}, not {mode}"
            )));
        }
    }
    match mode {
        "DIRECT" => Ok(ProducerMode::Direct),
        "SDK" => Ok(ProducerMode::Sdk(read_sdk(req.opt_struct("Sdk")?)?)),
        "KPL" => Ok(ProducerMode::Kpl(read_kpl(req.opt_struct("Kpl")?)?)),
        "AGENT" => Ok(ProducerMode::Agent(read_agent(req.opt_struct("Agent")?)?)),
        other => Err(enum_error(
            other,
            "mode",
            &["DIRECT", "SDK", "KPL", "AGENT"],
        )),
    }
}
