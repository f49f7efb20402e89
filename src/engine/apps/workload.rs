//! What simulated producers send: partition-key distributions and realistic payloads.
//!
//! Everything is drawn from the world's RNG, so a seed fixes every key and byte.

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
}

impl KeyDistribution {
    /// `UNIFORM` or `HOT_KEY`, as the playground API spells the type.
    pub fn type_name(&self) -> &'static str {
        match self {
            KeyDistribution::Uniform { .. } => "UNIFORM",
            KeyDistribution::HotKey { .. } => "HOT_KEY",
        }
    }

    /// Index of the next key.
    pub fn next_key_index(&self, rng: &mut WorldRng) -> u32 {
        match *self {
            KeyDistribution::Uniform { keys } => rng.below(u64::from(keys.max(1))) as u32,
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
