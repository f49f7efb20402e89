//! Hash keys: MD5 of the partition key as a 128-bit integer, and shards' hash-key ranges.
//!
//! semantics.md §1.2 (routing) and §1.3 (initial layout).

use md5::{Digest, Md5};

/// Inclusive upper bound of the hash-key space, `2^128 − 1`.
pub const MAX_HASH_KEY: u128 = u128::MAX;

/// The hash key of a partition key: MD5 over its UTF-8 bytes, read as an unsigned big-endian
/// 128-bit integer (§1.2).
pub fn partition_key_hash(partition_key: &str) -> u128 {
    let digest = Md5::digest(partition_key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest);
    u128::from_be_bytes(bytes)
}

/// Parses an `ExplicitHashKey`: a decimal string matching `0|([1-9]\d{0,38})` whose value is at
/// most `2^128 − 1` (§1.2). Returns `None` for anything else.
pub fn parse_hash_key(s: &str) -> Option<u128> {
    let bytes = s.as_bytes();
    if bytes.is_empty() || bytes.len() > 39 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if bytes.len() > 1 && bytes[0] == b'0' {
        return None;
    }
    s.parse::<u128>().ok()
}

/// An inclusive range of hash keys `[starting, ending]` owned by one shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HashKeyRange {
    /// First hash key in the range.
    pub starting: u128,
    /// Last hash key in the range (inclusive).
    pub ending: u128,
}

impl HashKeyRange {
    /// The range `[starting, ending]`; callers keep `starting <= ending`.
    pub fn new(starting: u128, ending: u128) -> HashKeyRange {
        debug_assert!(starting <= ending, "a hash-key range is never empty");
        HashKeyRange { starting, ending }
    }

    /// The whole space `[0, 2^128 − 1]`.
    pub fn full() -> HashKeyRange {
        HashKeyRange {
            starting: 0,
            ending: MAX_HASH_KEY,
        }
    }

    /// Whether `h` lies in the range.
    pub fn contains(&self, h: u128) -> bool {
        self.starting <= h && h <= self.ending
    }

    /// Fraction of the whole key space covered, for drawing.
    pub fn fraction(&self) -> f64 {
        ((self.ending - self.starting) as f64 + 1.0) / 2f64.powi(128)
    }

    /// Whether `other` starts right after this range ends.
    pub fn is_followed_by(&self, other: &HashKeyRange) -> bool {
        self.ending.checked_add(1) == Some(other.starting)
    }
}

/// Width of each shard's range when `n` shards are laid out: `floor(2^128 / n)`.
///
/// `u128::MAX / n` is one short of that when `n` divides `2^128` (powers of two); §1.3 describes the
/// trap, this adds the missing one exactly.
pub fn layout_width(n: u32) -> Option<u128> {
    match n {
        0 => None,
        1 => None, // 2^128 itself does not fit; a single shard simply covers everything.
        _ => {
            let n = n as u128;
            Some(MAX_HASH_KEY / n + u128::from(MAX_HASH_KEY % n == n - 1))
        }
    }
}

/// The hash-key ranges of a new stream with `n >= 1` shards, exactly as real KDS lays them out
/// (§1.3): `start_i = i·w`, `end_i = (i+1)·w − 1`, the last shard ending at `2^128 − 1`.
pub fn initial_layout(n: u32) -> Vec<HashKeyRange> {
    let Some(w) = layout_width(n) else {
        return if n == 1 {
            vec![HashKeyRange::full()]
        } else {
            Vec::new()
        };
    };
    (0..n as u128)
        .map(|i| {
            let start = i * w;
            let end = if i + 1 == n as u128 {
                MAX_HASH_KEY
            } else {
                (i + 1) * w - 1
            };
            HashKeyRange::new(start, end)
        })
        .collect()
}
