//! Causes of delivery anomalies, in words (semantics.md §2.3, §2.5): who processed what, when the
//! lease changed hands, and what the checkpoint was.

use crate::engine::apps::kcl::config::RENEWER_INTERVAL_MS;
use crate::engine::apps::kcl::worker::{Fate, Origin, TakeHow};
use crate::engine::kinesis::shard::shard_id;
use crate::engine::time::{format_duration, VirtualMs};

/// What the ledger knows when an anomaly run opens, for its cause.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// The highest sequence number of the shard delivered before this delivery.
    pub high_before: Option<Box<str>>,
    /// Who first delivered this record and when (duplicates only).
    pub first: Option<(u32, VirtualMs)>,
}

/// Why an anomaly happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The processor took the lease and restarted after the last checkpoint.
    Takeover {
        /// The re-reading worker's id.
        worker: String,
        /// Shard index.
        shard: u32,
        /// How the lease was taken.
        origin: Origin,
    },
    /// The previous owner went on processing after this worker took the lease (it learns of the
    /// loss only at its next renewal); this worker re-read those records from the checkpoint.
    LateOwner {
        /// The re-reading worker's id.
        worker: String,
        /// Shard index.
        shard: u32,
        /// How the lease was taken.
        origin: Origin,
        /// The worker that processed the records first.
        by: String,
    },
    /// The processor went on processing after another worker had taken its lease; it learns at
    /// its next renewal.
    Zombie {
        /// The worker that lost the lease.
        worker: String,
        /// Shard index.
        shard: u32,
        /// The new owner, if any.
        owner: Option<String>,
    },
}

impl Cause {
    /// The cause of a run from `first` to `last` (sequence numbers) in words.
    pub fn describe(&self, first: &str, last: &str) -> String {
        let range = if first == last {
            tail(first)
        } else {
            format!("{}–{}", tail(first), tail(last))
        };
        match self {
            Cause::Takeover {
                worker,
                shard,
                origin,
            } => {
                let sid = shard_id(*shard);
                let prev = origin
                    .previous_owner
                    .clone()
                    .unwrap_or_else(|| "no worker".into());
                let up = origin
                    .processed_up_to
                    .as_deref()
                    .map_or("nothing".to_string(), tail);
                let cp = tail(&origin.checkpoint);
                let taken = at(origin.taken_at);
                let head = match (origin.previous_fate, origin.how) {
                    (Fate::Killed(t), _) => format!(
                        "{prev} died at {} after processing {sid} up to {up}; last checkpoint {cp}; {worker} took the expired lease at {taken}",
                        at(t)
                    ),
                    (Fate::Paused(t), _) => format!(
                        "{prev} was paused at {} after processing {sid} up to {up} and its lease expired; last checkpoint {cp}; {worker} took it at {taken}",
                        at(t)
                    ),
                    (Fate::Stopped(t), _) => format!(
                        "{prev} stopped at {} after processing {sid} up to {up}; last checkpoint {cp}; {worker} took the lease at {taken}",
                        at(t)
                    ),
                    (_, TakeHow::Stolen) => format!(
                        "{worker} stole {sid} from {prev} at {taken} to balance load; {prev} had processed up to {up}; last checkpoint {cp}"
                    ),
                    (Fate::Running, _) => format!(
                        "{prev} did not renew {sid} for over 10 s after processing up to {up}; last checkpoint {cp}; {worker} took it at {taken}"
                    ),
                    (Fate::None | Fate::Unknown, _) => format!(
                        "{sid} had been processed up to {up} but checkpointed only at {cp}; {worker} took the lease at {taken}"
                    ),
                };
                format!("{head} and re-read {range}")
            }
            Cause::LateOwner {
                worker,
                shard,
                origin,
                by,
            } => {
                let verb = if origin.how == TakeHow::Stolen {
                    "stole"
                } else {
                    "took"
                };
                format!(
                    "{by} kept processing {} after {worker} {verb} its lease at {} (a worker learns it lost a lease only at its next renewal, every {RENEWER_INTERVAL_MS} ms); last checkpoint {}; {worker} re-read {range}",
                    shard_id(*shard),
                    at(origin.taken_at),
                    tail(&origin.checkpoint)
                )
            }
            Cause::Zombie {
                worker,
                shard,
                owner,
            } => {
                let owner = owner.clone().unwrap_or_else(|| "another worker".into());
                format!(
                    "{worker} had lost the lease on {} to {owner} but kept processing until its next renewal (every {RENEWER_INTERVAL_MS} ms): it processed {range} again",
                    shard_id(*shard)
                )
            }
        }
    }
}

/// `…` and the last 10 digits of a sequence number; sentinels as they are.
pub fn tail(s: &str) -> String {
    let n = s.chars().count();
    if n <= 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        s.to_string()
    } else {
        format!("…{}", &s[n - 10..])
    }
}

fn at(t: VirtualMs) -> String {
    format!("t={}", format_duration(t))
}
