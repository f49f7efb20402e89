//! Shard iterators: opaque, tamper-evident tokens naming a position in a shard (semantics.md §1.7).
//!
//! A token is base64 of `version | stream name | stream creation ms | shard index | position |
//! issued ms | MAC`. The position is a per-shard sequence index: reading returns retained records
//! with `seq_index >= position`. The MAC (8 bytes of MD5 over a per-world secret and the fields)
//! makes forged or edited iterators fail with `InvalidArgumentException: Invalid ShardIterator.`
//! instead of reading somewhere arbitrary.

use base64::Engine as _;
use md5::{Digest, Md5};

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::time::VirtualMs;

/// Iterators expire 300,000 ms after they were issued, used or not (§1.7).
pub const ITERATOR_TTL_MS: u64 = 300_000;
/// Longest iterator string the API accepts (§1.7: ≤ 512 characters).
pub const ITERATOR_MAX_LEN: usize = 512;

const VERSION: u8 = 1;

/// The decoded contents of a shard iterator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardIterator {
    /// Stream name.
    pub stream: String,
    /// Virtual creation time of the stream (a re-created stream invalidates old iterators).
    pub stream_created_ms: VirtualMs,
    /// Shard index.
    pub shard_index: u32,
    /// First sequence index to return.
    pub position: u64,
    /// Virtual time the iterator was issued.
    pub issued_ms: VirtualMs,
}

fn mac(secret: u64, body: &[u8]) -> [u8; 8] {
    let mut h = Md5::new();
    h.update(secret.to_be_bytes());
    h.update(body);
    let d = h.finalize();
    let mut out = [0u8; 8];
    out.copy_from_slice(&d[..8]);
    out
}

impl ShardIterator {
    /// Encodes the iterator as the opaque string the API returns.
    pub fn encode(&self, secret: u64) -> String {
        let mut body = Vec::with_capacity(48 + self.stream.len());
        body.push(VERSION);
        body.push(self.stream.len() as u8);
        body.extend_from_slice(self.stream.as_bytes());
        body.extend_from_slice(&self.stream_created_ms.to_be_bytes());
        body.extend_from_slice(&self.shard_index.to_be_bytes());
        body.extend_from_slice(&self.position.to_be_bytes());
        body.extend_from_slice(&self.issued_ms.to_be_bytes());
        let tag = mac(secret, &body);
        body.extend_from_slice(&tag);
        base64::engine::general_purpose::STANDARD.encode(body)
    }

    /// Decodes an iterator string; anything malformed or forged is `Invalid ShardIterator.`
    pub fn decode(s: &str, secret: u64) -> Result<ShardIterator, ApiError> {
        let invalid = || ApiError::invalid_argument("Invalid ShardIterator.");
        if s.is_empty() || s.len() > ITERATOR_MAX_LEN {
            return Err(ApiError::validation(
                s,
                "shardIterator",
                &format!("Member must have length between 1 and {ITERATOR_MAX_LEN}"),
            ));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|_| invalid())?;
        if bytes.len() < 2 + 8 + 4 + 8 + 8 + 8 || bytes[0] != VERSION {
            return Err(invalid());
        }
        let name_len = bytes[1] as usize;
        let expected = 2 + name_len + 8 + 4 + 8 + 8 + 8;
        if bytes.len() != expected {
            return Err(invalid());
        }
        let (body, tag) = bytes.split_at(expected - 8);
        if mac(secret, body) != tag {
            return Err(invalid());
        }
        let stream = std::str::from_utf8(&body[2..2 + name_len])
            .map_err(|_| invalid())?
            .to_string();
        let mut at = 2 + name_len;
        let mut take = |n: usize| {
            let slice = &body[at..at + n];
            at += n;
            slice
        };
        let u64_of = |b: &[u8]| u64::from_be_bytes(b.try_into().unwrap_or([0; 8]));
        let stream_created_ms = u64_of(take(8));
        let shard_index = u32::from_be_bytes(take(4).try_into().unwrap_or([0; 4]));
        let position = u64_of(take(8));
        let issued_ms = u64_of(take(8));
        Ok(ShardIterator {
            stream,
            stream_created_ms,
            shard_index,
            position,
            issued_ms,
        })
    }

    /// Fails with `ExpiredIteratorException` if the iterator is older than 300 s at `now`.
    pub fn check_fresh(&self, now: VirtualMs) -> Result<(), ApiError> {
        let age = now.saturating_sub(self.issued_ms);
        if age > ITERATOR_TTL_MS {
            return Err(ApiError::new(
                ErrorKind::ExpiredIteratorException,
                format!(
                    "Iterator expired. The iterator was created at virtual time {} ms and is {age} ms old, more than the 300000 ms an iterator lives (§1.7).",
                    self.issued_ms
                ),
            ));
        }
        Ok(())
    }
}
