//! Drawing partition keys (and explicit hash keys) from a [`KeyDistribution`].
//!
//! The sampler holds what a distribution needs between draws: the cumulative weights of a Zipf
//! distribution and the round-robin position of evenly spread explicit hash keys. Uniform and
//! hot-key draws are exactly [`KeyDistribution::next_key_index`], so producers started before these
//! distributions existed make the same draws.

use crate::engine::apps::detmath;
use crate::engine::apps::workload::KeyDistribution;
use crate::engine::rng::WorldRng;

/// Most keys a Zipf distribution may have (its cumulative table is built once per start).
pub const ZIPF_MAX_KEYS: u32 = 100_000;

/// One drawn key: its index (the producer names it, e.g. `user-7`) and an explicit hash key when
/// the distribution spreads records over the hash-key space itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyChoice {
    /// Index of the key in `0..KeyCount`.
    pub index: u32,
    /// `ExplicitHashKey` to send, if any.
    pub explicit_hash_key: Option<u128>,
}

/// Draws keys for one producer run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeySampler {
    /// Cumulative Zipf weights (empty for other distributions).
    cdf: Vec<f64>,
    /// Next round-robin position of `EVEN_HASH_KEYS`.
    next_even: u32,
}

/// The centre of slice `i` of `n` equal slices of `[0, 2^128)`.
pub fn even_hash_key(i: u32, n: u32) -> u128 {
    let n = u128::from(n.max(1));
    let width = u128::MAX / n;
    width * u128::from(i) + width / 2
}

impl KeySampler {
    /// A sampler for `dist`.
    pub fn new(dist: &KeyDistribution) -> KeySampler {
        let cdf = match *dist {
            KeyDistribution::Zipf { keys, s } => {
                let mut acc = 0.0;
                (0..keys.clamp(1, ZIPF_MAX_KEYS))
                    .map(|i| {
                        // Weight of rank i+1 is (i+1)^−s.
                        acc += detmath::powf(f64::from(i) + 1.0, -s);
                        acc
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        KeySampler { cdf, next_even: 0 }
    }

    /// The next key.
    pub fn next(&mut self, dist: &KeyDistribution, rng: &mut WorldRng) -> KeyChoice {
        match *dist {
            KeyDistribution::Uniform { .. } | KeyDistribution::HotKey { .. } => KeyChoice {
                index: dist.next_key_index(rng),
                explicit_hash_key: None,
            },
            KeyDistribution::Zipf { .. } => {
                let total = self.cdf.last().copied().unwrap_or(0.0);
                let u = rng.unit_f64() * total;
                let index = self
                    .cdf
                    .partition_point(|&c| c <= u)
                    .min(self.cdf.len().saturating_sub(1));
                KeyChoice {
                    index: index as u32,
                    explicit_hash_key: None,
                }
            }
            KeyDistribution::EvenHashKeys { keys } => {
                let keys = keys.max(1);
                let index = self.next_even % keys;
                self.next_even = (index + 1) % keys;
                KeyChoice {
                    index,
                    explicit_hash_key: Some(even_hash_key(index, keys)),
                }
            }
        }
    }
}
