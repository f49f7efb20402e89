//! Where a reader starts in a shard: the five types shared by GetShardIterator's
//! `ShardIteratorType` and SubscribeToShard's `StartingPosition` (semantics.md §1.7, §1.13).

use crate::engine::api::error::ApiError;
use crate::engine::kinesis::sequence_number::SequenceNumber;
use crate::engine::kinesis::shard::{shard_id, Shard};
use crate::engine::kinesis::ACCOUNT_ID;
use crate::engine::time::{Epoch, VirtualMs};

/// The five types, as AWS lists them.
pub const POSITION_TYPES: &str =
    "[AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]";

/// How the calling action names the members, for its error messages.
#[derive(Clone, Copy, Debug)]
pub struct Members {
    /// The action (`GetShardIterator`, `SubscribeToShard`).
    pub action: &'static str,
    /// The type member as a request names it (`ShardIteratorType`, `StartingPosition.Type`).
    pub kind: &'static str,
    /// The type member's path in validation messages (`shardIteratorType`).
    pub kind_path: &'static str,
    /// The sequence-number member (`StartingSequenceNumber`, `StartingPosition.SequenceNumber`).
    pub sequence: &'static str,
    /// The timestamp member (`Timestamp`, `StartingPosition.Timestamp`).
    pub timestamp: &'static str,
}

/// A parsed starting position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StartingPosition<'a> {
    /// The oldest retained record.
    TrimHorizon,
    /// Just after the newest record.
    Latest,
    /// The record with this sequence number.
    AtSequence(&'a str),
    /// The record after this sequence number.
    AfterSequence(&'a str),
    /// The first record that arrived at or after this instant (epoch seconds).
    AtTimestamp(f64),
}

impl<'a> StartingPosition<'a> {
    /// Checks the type and that exactly the members it needs are present (§1.7).
    pub fn parse(
        kind: &str,
        sequence: Option<&'a str>,
        timestamp: Option<f64>,
        m: &Members,
    ) -> Result<StartingPosition<'a>, ApiError> {
        let needs_seq = matches!(kind, "AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER");
        if !needs_seq && !matches!(kind, "TRIM_HORIZON" | "LATEST" | "AT_TIMESTAMP") {
            return Err(ApiError::validation(
                kind,
                m.kind_path,
                &format!("Member must satisfy enum value set: {POSITION_TYPES}"),
            ));
        }
        if needs_seq != sequence.is_some() {
            let verb = if needs_seq { "must" } else { "must not" };
            return Err(ApiError::invalid_argument(format!(
                "{} {verb} be provided for {} {kind}",
                m.sequence, m.kind
            )));
        }
        if (kind == "AT_TIMESTAMP") != timestamp.is_some() {
            let verb = if kind == "AT_TIMESTAMP" {
                "must"
            } else {
                "must not"
            };
            return Err(ApiError::invalid_argument(format!(
                "{} {verb} be provided for {} {kind}",
                m.timestamp, m.kind
            )));
        }
        Ok(match (kind, sequence, timestamp) {
            ("AT_SEQUENCE_NUMBER", Some(s), _) => StartingPosition::AtSequence(s),
            ("AFTER_SEQUENCE_NUMBER", Some(s), _) => StartingPosition::AfterSequence(s),
            ("AT_TIMESTAMP", _, Some(t)) => StartingPosition::AtTimestamp(t),
            ("LATEST", _, _) => StartingPosition::Latest,
            _ => StartingPosition::TrimHorizon,
        })
    }

    /// The first sequence index to read in `shard` of stream `stream` (created at
    /// `stream_created_unix_s`) at virtual time `now`.
    pub fn resolve(
        self,
        shard: &Shard,
        stream: &str,
        stream_created_unix_s: u64,
        now: VirtualMs,
        epoch: Epoch,
        m: &Members,
    ) -> Result<u64, ApiError> {
        Ok(match self {
            StartingPosition::TrimHorizon => 0,
            StartingPosition::Latest => shard.next_seq_index(),
            StartingPosition::AtSequence(s) => {
                sequence_for(shard, s, stream_created_unix_s, stream, m)?.seq_index
            }
            StartingPosition::AfterSequence(s) => {
                sequence_for(shard, s, stream_created_unix_s, stream, m)?
                    .seq_index
                    .saturating_add(1)
            }
            StartingPosition::AtTimestamp(ts) => {
                let ts_ms = (ts * 1000.0).floor();
                let now_unix = epoch.to_unix_ms(now) as f64;
                if ts_ms > now_unix {
                    return Err(ApiError::invalid_argument(format!(
                        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {ts_ms}, currentTimestampInMillis: {now_unix}"
                    )));
                }
                // Before the epoch or before the trim horizon: behaves as TRIM_HORIZON (§1.7).
                let ts_virtual = epoch.to_virtual(ts_ms.max(0.0) as u64).unwrap_or(0);
                shard
                    .records()
                    .iter()
                    .find(|r| r.arrival_ms >= ts_virtual)
                    .map_or(shard.next_seq_index(), |r| r.seq_index)
            }
        })
    }
}

/// A sequence number given for `shard`, with AWS's errors for foreign ones (§1.6).
fn sequence_for(
    shard: &Shard,
    s: &str,
    stream_created_unix_s: u64,
    stream: &str,
    m: &Members,
) -> Result<SequenceNumber, ApiError> {
    let seq = SequenceNumber::parse(s).ok_or_else(|| {
        ApiError::invalid_argument(format!(
            "{} {s} used in {} on shard {} in stream {stream} under account {ACCOUNT_ID} is invalid.",
            m.sequence,
            m.action,
            shard.shard_id()
        ))
    })?;
    if seq.shard_index != shard.index() {
        return Err(ApiError::invalid_argument(format!(
            "Invalid {}. It encodes {}, while it was used in a call to a shard with {}",
            m.sequence,
            shard_id(seq.shard_index),
            shard.shard_id()
        )));
    }
    if seq.shard_created_s < stream_created_unix_s {
        return Err(ApiError::invalid_argument(format!(
            "{} {s} used in {} on shard {} in stream {stream} under account {ACCOUNT_ID} did not come from this stream.",
            m.sequence,
            m.action,
            shard.shard_id()
        )));
    }
    Ok(seq)
}
