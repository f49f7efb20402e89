//! Sequence numbers in the 56-digit "version 2" layout of real KDS (semantics.md §1.6).
//!
//! 47 hex digits, most significant first:
//! `2 | shard creation time (9, epoch s) | shard index low nibble (1) | per-shard sequence index (16) |
//! 00 | arrival time (9, epoch s) | shard index (8) | 2`, printed as a decimal integer. The per-shard
//! index dominates every field that varies inside a shard, so numbers strictly increase per shard.

/// Sequence index used for a closed shard's `EndingSequenceNumber` (§1.6: kinesalite's sentinel).
pub const CLOSED_SHARD_SEQ_INDEX: u64 = 0x7fff_ffff_ffff_ffff;

/// The decoded fields of one sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SequenceNumber {
    /// Shard creation time, Unix seconds (36 bits).
    pub shard_created_s: u64,
    /// Per-shard sequence index.
    pub seq_index: u64,
    /// Record arrival time, Unix seconds (36 bits).
    pub arrival_s: u64,
    /// Index of the shard in the stream (`shardId-%012d`).
    pub shard_index: u32,
}

/// A 192-bit unsigned integer as three 64-bit limbs, least significant first.
type U192 = [u64; 3];

const MASK36: u64 = (1 << 36) - 1;

impl SequenceNumber {
    fn to_u192(self) -> U192 {
        // Bit layout from the least significant end: version(4) shard(32) time(36) byte1(8)
        // seq(64) nibble(4) ctime(36) version(4) = 188 bits.
        let mut acc: U192 = [0; 3];
        let mut shift = 0u32;
        let mut put = |value: u64, bits: u32| {
            let v = value as u128 & ((1u128 << bits) - 1);
            let limb = (shift / 64) as usize;
            let off = shift % 64;
            let wide = v << off;
            acc[limb] |= wide as u64;
            if limb + 1 < 3 {
                acc[limb + 1] |= (wide >> 64) as u64;
            }
            shift += bits;
        };
        put(2, 4);
        put(u64::from(self.shard_index), 32);
        put(self.arrival_s & MASK36, 36);
        put(0, 8);
        put(self.seq_index, 64);
        put(u64::from(self.shard_index) & 0xf, 4);
        put(self.shard_created_s & MASK36, 36);
        put(2, 4);
        acc
    }

    /// The decimal string the API returns.
    pub fn to_decimal(self) -> String {
        u192_to_decimal(self.to_u192())
    }

    /// Parses a decimal sequence number of this layout; `None` if it is not one.
    pub fn parse(s: &str) -> Option<SequenceNumber> {
        let n = u192_from_decimal(s)?;
        let field = |shift: u32, bits: u32| -> u64 {
            let limb = (shift / 64) as usize;
            let off = shift % 64;
            let lo = (n[limb] as u128) >> off;
            let hi = if limb + 1 < 3 {
                (n[limb + 1] as u128) << (64 - off)
            } else {
                0
            };
            let v = if off == 0 { n[limb] as u128 } else { lo | hi };
            (v & ((1u128 << bits) - 1)) as u64
        };
        let version_lo = field(0, 4);
        let shard_index = field(4, 32) as u32;
        let arrival_s = field(36, 36);
        let seq_index = field(80, 64);
        let nibble = field(144, 4);
        let shard_created_s = field(148, 36);
        let version_hi = field(184, 4);
        let beyond = n[2] >> 60 != 0;
        if version_lo != 2 || version_hi != 2 || nibble != u64::from(shard_index & 0xf) || beyond {
            return None;
        }
        Some(SequenceNumber {
            shard_created_s,
            seq_index,
            arrival_s,
            shard_index,
        })
    }
}

/// Decimal digits of a 192-bit integer.
fn u192_to_decimal(mut n: U192) -> String {
    const CHUNK: u64 = 10_000_000_000_000_000_000; // 10^19
    let mut parts: Vec<u64> = Vec::with_capacity(4);
    while n != [0; 3] {
        let mut rem: u128 = 0;
        for limb in n.iter_mut().rev() {
            let cur = (rem << 64) | *limb as u128;
            *limb = (cur / CHUNK as u128) as u64;
            rem = cur % CHUNK as u128;
        }
        parts.push(rem as u64);
    }
    match parts.split_last() {
        None => "0".to_string(),
        Some((first, rest)) => {
            let mut s = first.to_string();
            for p in rest.iter().rev() {
                s.push_str(&format!("{p:019}"));
            }
            s
        }
    }
}

/// Parses a decimal string (pattern `0|([1-9]\d{0,128})`) into 192 bits; `None` on overflow or
/// anything that is not such a string.
fn u192_from_decimal(s: &str) -> Option<U192> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 129 || (b.len() > 1 && b[0] == b'0') {
        return None;
    }
    let mut n: U192 = [0; 3];
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        let mut carry = u128::from(c - b'0');
        for limb in n.iter_mut() {
            let cur = (*limb as u128) * 10 + carry;
            *limb = cur as u64;
            carry = cur >> 64;
        }
        if carry != 0 {
            return None;
        }
    }
    Some(n)
}

/// Whether `s` has the shape of a sequence number (`0|([1-9]\d{0,128})`).
pub fn is_sequence_number_pattern(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 129
        && b.iter().all(u8::is_ascii_digit)
        && (b.len() == 1 || b[0] != b'0')
}
