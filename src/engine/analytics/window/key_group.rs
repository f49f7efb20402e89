//! Key groups: how Flink shards keyed state over parallel operator instances (semantics.md §5.5,
//! `KeyGroupRangeAssignment`, `MathUtils.murmurHash`).

/// Java's `String.hashCode()`: `h = 31·h + c` over the UTF-16 code units, wrapping.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32))
}

/// Murmur3's 32-bit finalizer (`MathUtils.bitMix`).
fn bit_mix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// Flink's `MathUtils.murmurHash(int)`: one Murmur3 round over a single int, then the finalizer;
/// the result is made non-negative (`-code`, or 0 for `Integer.MIN_VALUE`) (§5.5).
pub fn murmur_hash(code: i32) -> i32 {
    let mut c = code as u32;
    c = c.wrapping_mul(0xcc9e_2d51);
    c = c.rotate_left(15);
    c = c.wrapping_mul(0x1b87_3593);
    c = c.rotate_left(13);
    c = c.wrapping_mul(5).wrapping_add(0xe654_6b64);
    c ^= 4;
    let h = bit_mix(c) as i32;
    if h >= 0 {
        h
    } else {
        h.checked_neg().unwrap_or(0)
    }
}

/// The key group of a (string) key: `murmurHash(key.hashCode()) % maxParallelism` (§5.5).
/// `max_parallelism = 0` is treated as 1.
pub fn key_group(key: &str, max_parallelism: u32) -> u32 {
    // murmur_hash is non-negative, so the cast is lossless.
    (murmur_hash(java_string_hash(key)) as u32) % max_parallelism.max(1)
}

/// The operator instance that owns a key group: `keyGroup · parallelism / maxParallelism` (§5.5),
/// computed in 64 bits; out-of-range inputs are clamped to `parallelism − 1`.
pub fn operator_index(key_group: u32, parallelism: u32, max_parallelism: u32) -> u32 {
    let idx = key_group as u64 * parallelism as u64 / max_parallelism.max(1) as u64;
    idx.min(parallelism.saturating_sub(1) as u64) as u32
}

/// Flink's default max parallelism: `max(128, roundUpToPowerOfTwo(p + p/2))`, capped at 32,768
/// (§5.5, `KeyGroupRangeAssignment.computeDefaultMaxParallelism`).
pub fn default_max_parallelism(parallelism: u32) -> u32 {
    let p = parallelism as u64;
    let wanted = (p + p / 2).max(1).next_power_of_two();
    wanted.clamp(128, 32_768) as u32
}
