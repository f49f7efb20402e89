//! What simulated producers send: partition-key distributions, workloads (clickstream, application
//! logs, metrics, IoT telemetry), record sizes and event-time disorder.
//!
//! Everything is drawn from the world's RNG, so a seed fixes every key and byte. A producer started
//! with only the original members (clickstream, uniform or hot-key keys, natural size, no disorder)
//! makes exactly the draws it always made.

use crate::engine::apps::keys::KeySampler;
use crate::engine::apps::payloads;
use crate::engine::rng::WorldRng;
use crate::engine::time::format_iso8601;

/// How a producer picks partition keys.
#[derive(Clone, Debug, PartialEq)]
pub enum KeyDistribution {
    /// Uniform over `user-0 … user-(keys−1)`.
    Uniform {
        /// Number of distinct keys.
        keys: u32,
    },
    /// One hot key takes `hot_share` of the records; the rest are uniform over the other keys.
    HotKey {
        /// Number of distinct keys, the hot one included.
        keys: u32,
        /// Fraction of records that use the hot key `user-0`.
        hot_share: f64,
    },
    /// Zipf: key of rank `i` (1-based) has weight `i^−s` (`keys.rs` samples it).
    Zipf {
        /// Number of distinct keys (≤ `keys::ZIPF_MAX_KEYS`).
        keys: u32,
        /// Exponent `s` (0 = uniform; 1 = classic Zipf).
        s: f64,
    },
    /// Round-robin over `keys` keys, each sent with an `ExplicitHashKey` at the centre of its
    /// `1/keys` slice of the hash-key space, so records spread evenly whatever MD5 does.
    EvenHashKeys {
        /// Number of distinct keys (and hash-key slices).
        keys: u32,
    },
}

impl KeyDistribution {
    /// `UNIFORM`, `HOT_KEY`, `ZIPF` or `EVEN_HASH_KEYS`, as the playground API spells the type.
    pub fn type_name(&self) -> &'static str {
        match self {
            KeyDistribution::Uniform { .. } => "UNIFORM",
            KeyDistribution::HotKey { .. } => "HOT_KEY",
            KeyDistribution::Zipf { .. } => "ZIPF",
            KeyDistribution::EvenHashKeys { .. } => "EVEN_HASH_KEYS",
        }
    }

    /// Whether this is one of the original distributions (UNIFORM, HOT_KEY).
    pub fn is_original(&self) -> bool {
        matches!(
            self,
            KeyDistribution::Uniform { .. } | KeyDistribution::HotKey { .. }
        )
    }

    /// Index of the next key of a UNIFORM or HOT_KEY distribution. ZIPF and EVEN_HASH_KEYS need
    /// state between draws: use [`KeySampler`]; here they draw uniformly.
    pub fn next_key_index(&self, rng: &mut WorldRng) -> u32 {
        match *self {
            KeyDistribution::Uniform { keys }
            | KeyDistribution::Zipf { keys, .. }
            | KeyDistribution::EvenHashKeys { keys } => rng.below(u64::from(keys.max(1))) as u32,
            KeyDistribution::HotKey { keys, hot_share } => {
                if keys <= 1 || rng.chance(hot_share) {
                    0
                } else {
                    1 + rng.below(u64::from(keys - 1)) as u32
                }
            }
        }
    }

    /// The JSON the playground API uses for this distribution.
    pub fn to_json(&self) -> serde_json::Value {
        match *self {
            KeyDistribution::Uniform { keys } => {
                serde_json::json!({ "Type": "UNIFORM", "KeyCount": keys })
            }
            KeyDistribution::HotKey { keys, hot_share } => serde_json::json!({
                "Type": "HOT_KEY", "KeyCount": keys, "HotKeyShare": hot_share
            }),
            KeyDistribution::Zipf { keys, s } => {
                serde_json::json!({ "Type": "ZIPF", "KeyCount": keys, "ZipfExponent": s })
            }
            KeyDistribution::EvenHashKeys { keys } => {
                serde_json::json!({ "Type": "EVEN_HASH_KEYS", "KeyCount": keys })
            }
        }
    }
}

const ACTIONS: [&str; 5] = ["view", "view", "view", "add_to_cart", "purchase"];
const PAGES: [&str; 6] = [
    "/",
    "/search",
    "/products",
    "/cart",
    "/checkout",
    "/account",
];

/// One clickstream event as compact JSON, about 110 bytes.
pub fn clickstream_event(rng: &mut WorldRng, event_id: u64, user: u32, unix_ms: u64) -> Vec<u8> {
    let action = ACTIONS[rng.below(ACTIONS.len() as u64) as usize];
    let page = PAGES[rng.below(PAGES.len() as u64) as usize];
    let item = rng.below(500);
    format!(
        "{{\"event_id\":{event_id},\"user\":\"user-{user}\",\"action\":\"{action}\",\"page\":\"{page}\",\"item\":{item},\"ts\":\"{}\"}}",
        format_iso8601(unix_ms)
    )
    .into_bytes()
}

/// What a producer's records are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Web clickstream events, keys `user-N` (the original workload).
    Clickstream,
    /// Application log lines, keys `host-N`.
    ApplicationLogs,
    /// Metric data points, keys `host-N`.
    Metrics,
    /// IoT sensor readings, keys `device-N`.
    IotTelemetry,
}

impl Workload {
    /// Every workload with its API name.
    pub const ALL: [(Workload, &'static str); 4] = [
        (Workload::Clickstream, "CLICKSTREAM"),
        (Workload::ApplicationLogs, "APPLICATION_LOGS"),
        (Workload::Metrics, "METRICS"),
        (Workload::IotTelemetry, "IOT_TELEMETRY"),
    ];

    /// The API name (`CLICKSTREAM`, …).
    pub fn name(self) -> &'static str {
        Workload::ALL
            .iter()
            .find(|(w, _)| *w == self)
            .map_or("CLICKSTREAM", |(_, n)| n)
    }

    /// The workload an API name stands for.
    pub fn from_name(name: &str) -> Option<Workload> {
        Workload::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(w, _)| *w)
    }

    /// Prefix of the partition keys (`user-`, `host-`, `device-`).
    pub fn key_prefix(self) -> &'static str {
        match self {
            Workload::Clickstream => "user-",
            Workload::ApplicationLogs | Workload::Metrics => "host-",
            Workload::IotTelemetry => "device-",
        }
    }
}

/// Size of each record's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordSize {
    /// Whatever the JSON event takes (~100-250 bytes).
    Natural,
    /// Exactly this many bytes.
    Fixed(u32),
    /// Uniform in `[min, max]` bytes.
    Range {
        /// Smallest size.
        min: u32,
        /// Largest size.
        max: u32,
    },
}

/// Largest generated record, bytes (leaves room for a partition key under the 1 MiB record limit).
pub const MAX_GENERATED_BYTES: u32 = 1_048_576 - 256;

/// A fraction of records carry an event time earlier than their creation (late data).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Disorder {
    /// Fraction of records that are late, in `[0, 1]`.
    pub late_fraction: f64,
    /// A late record's lateness is uniform in `[1, max_lateness_ms]`.
    pub max_lateness_ms: u64,
}

/// Everything about what a producer writes except its keys and rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WorkloadSpec {
    /// The workload.
    pub kind: Workload,
    /// Record sizes.
    pub size: RecordSize,
    /// Event-time disorder, if any.
    pub disorder: Option<Disorder>,
}

impl Default for WorkloadSpec {
    fn default() -> Self {
        WorkloadSpec {
            kind: Workload::Clickstream,
            size: RecordSize::Natural,
            disorder: None,
        }
    }
}

/// One record a workload generated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// Partition key (`user-7`, `host-2`, `device-31`).
    pub partition_key: String,
    /// Explicit hash key, when the key distribution sets one.
    pub explicit_hash_key: Option<u128>,
    /// The data.
    pub data: Vec<u8>,
    /// Event time carried in the payload, Unix ms.
    pub event_unix_ms: u64,
}

/// Pads `data` to exactly `target` bytes (a `"pad"` member of `x`s, or spaces before the closing
/// brace when there is no room for one) or cuts it to `target` bytes when it is longer.
pub fn fit_size(mut data: Vec<u8>, target: usize) -> Vec<u8> {
    if data.len() >= target {
        data.truncate(target);
        return data;
    }
    let extra = target - data.len();
    if data.last() != Some(&b'}') {
        data.resize(target, b' ');
        return data;
    }
    data.pop();
    const PAD: &[u8] = b",\"pad\":\"\"";
    if extra >= PAD.len() {
        data.extend_from_slice(&PAD[..PAD.len() - 1]);
        data.resize(data.len() + extra - PAD.len(), b'x');
        data.push(b'"');
    } else {
        data.resize(data.len() + extra, b' ');
    }
    data.push(b'}');
    data
}

/// Generates record number `seq` of a producer at `now_unix_ms`. Draw order: key, lateness (only
/// with disorder), payload, size (only with a size range).
pub fn generate(
    spec: &WorkloadSpec,
    keys: &KeyDistribution,
    sampler: &mut KeySampler,
    rng: &mut WorldRng,
    seq: u64,
    now_unix_ms: u64,
) -> Generated {
    let key = sampler.next(keys, rng);
    let mut event_unix_ms = now_unix_ms;
    if let Some(d) = spec.disorder {
        if rng.chance(d.late_fraction) {
            event_unix_ms = now_unix_ms.saturating_sub(1 + rng.below(d.max_lateness_ms.max(1)));
        }
    }
    let data = match spec.kind {
        Workload::Clickstream => clickstream_event(rng, seq, key.index, event_unix_ms),
        Workload::ApplicationLogs => payloads::log_line(rng, seq, key.index, event_unix_ms),
        Workload::Metrics => payloads::metric_point(rng, seq, key.index, event_unix_ms),
        Workload::IotTelemetry => payloads::iot_reading(rng, seq, key.index, event_unix_ms),
    };
    let data = match spec.size {
        RecordSize::Natural => data,
        RecordSize::Fixed(n) => fit_size(data, n as usize),
        RecordSize::Range { min, max } => {
            let n = min + rng.below(u64::from(max.saturating_sub(min)) + 1) as u32;
            fit_size(data, n as usize)
        }
    };
    Generated {
        partition_key: format!("{}{}", spec.kind.key_prefix(), key.index),
        explicit_hash_key: key.explicit_hash_key,
        data,
        event_unix_ms,
    }
}
