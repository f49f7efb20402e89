//! Resharding with lineage (semantics.md §1.10), closed-shard expiry (§1.9) and the per-stream
//! bookkeeping behind the UpdateShardCount and UpdateStreamMode rate rules (§1.10, §1.12).
//!
//! # When a reshard takes effect
//!
//! AWS: a SplitShard/MergeShards/UpdateShardCount request puts the stream in `UPDATING`; reads and
//! writes continue; "new writes route to children immediately after the reshard completes" (§1.10).
//! The playground models exactly that:
//!
//! 1. the action validates, sets the stream `UPDATING` and stores a [`PendingUpdate`]; nothing
//!    else changes, so during the UPDATING window the parent shard(s) stay OPEN and keep taking
//!    writes, and no child shard is listed yet;
//! 2. after a fixed virtual delay ([`crate::engine::kinesis::limits::RESHARD_DELAY_MS`] and
//!    friends) the world runs [`crate::engine::world::Event::StreamUpdateComplete`], which calls
//!    [`complete_update`]: the split/merge is applied in one instant (parents CLOSED with their
//!    `EndingSequenceNumber` and closing time, children OPEN and created at that instant) and the
//!    stream becomes `ACTIVE`. Every later write routes to the children.
//!
//! Per key this keeps the order KCL relies on: every record in a parent arrived before every record
//! of the same key in a child.
//!
//! # Shard ids
//!
//! Children take the next unused indices, lower hash range first (§1.1, §1.10). Indices are never
//! reused, even after the shards holding the highest indices expired: [`ReshardState`] keeps a
//! high-water mark.

use crate::engine::kinesis::hash_key::{initial_layout, HashKeyRange};
use crate::engine::kinesis::shard::{Shard, ShardState};
use crate::engine::kinesis::stream::{Stream, StreamMode, StreamStatus};
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// Length of the rolling window of the UpdateShardCount and UpdateStreamMode rate rules: 24 h
/// (§1.10, §1.12).
pub const ROLLING_DAY_MS: VirtualMs = 24 * 3_600_000;

/// A reshard or capacity-mode switch accepted but not yet applied (the stream is `UPDATING`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PendingUpdate {
    /// SplitShard: `parent` splits at `new_starting_hash_key` (§1.10).
    Split {
        /// Index of the shard to split.
        parent: u32,
        /// First hash key of the upper child.
        new_starting_hash_key: u128,
    },
    /// MergeShards: `shard` (becomes `ParentShardId`) and `adjacent` (`AdjacentParentShardId`).
    Merge {
        /// `ShardToMerge`.
        shard: u32,
        /// `AdjacentShardToMerge`.
        adjacent: u32,
    },
    /// UpdateShardCount with `UNIFORM_SCALING` to `target` open shards.
    UniformScaling {
        /// `TargetShardCount`.
        target: u32,
    },
    /// UpdateStreamMode to `mode` (§1.12: the shard count is kept).
    StreamMode {
        /// The new capacity mode.
        mode: StreamMode,
    },
}

/// Per-stream reshard bookkeeping (part of the world digest).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReshardState {
    /// The change the running UPDATING window will apply when it ends.
    pub pending: Option<PendingUpdate>,
    /// Virtual times of accepted UpdateShardCount calls within the last rolling 24 h (§1.10).
    pub shard_count_updates: Vec<VirtualMs>,
    /// Virtual times of accepted UpdateStreamMode calls within the last rolling 24 h (§1.12).
    pub mode_switches: Vec<VirtualMs>,
    /// Lowest shard index never handed out by a reshard (0 until the first reshard; see
    /// [`Stream::next_shard_index`]).
    pub next_shard_index: u32,
}

impl ReshardState {
    /// Open shards the pending change will add on top of `open_now` (0 if it adds none).
    pub fn pending_extra_shards(&self, open_now: usize) -> u64 {
        match self.pending {
            Some(PendingUpdate::Split { .. }) => 1,
            Some(PendingUpdate::UniformScaling { target }) => {
                u64::from(target).saturating_sub(open_now as u64)
            }
            _ => 0,
        }
    }
}

/// Why an engine-level reshard step could not be applied. The API layer validates first and
/// answers with AWS's errors; these only guard the engine against inconsistent input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReshardError {
    /// No listed shard has this index.
    ShardNotFound(u32),
    /// The shard is already CLOSED.
    ShardClosed(u32),
    /// The split key does not leave both children non-empty.
    SplitKeyOutOfRange,
    /// The two shards are not adjacent (or are the same shard).
    NotAdjacent,
    /// A target shard count of 0.
    ZeroTarget,
}

fn find(shards: &[Shard], index: u32) -> Result<usize, ReshardError> {
    shards
        .iter()
        .position(|s| s.index() == index)
        .ok_or(ReshardError::ShardNotFound(index))
}

fn find_open(shards: &[Shard], index: u32) -> Result<usize, ReshardError> {
    let pos = find(shards, index)?;
    if shards[pos].state() != ShardState::Open {
        return Err(ReshardError::ShardClosed(index));
    }
    Ok(pos)
}

/// Where a reshard step runs: the shard list, the next free index and the instant.
struct Editor<'a> {
    shards: &'a mut Vec<Shard>,
    next_index: &'a mut u32,
    now: VirtualMs,
    created_unix_s: u64,
}

impl Editor<'_> {
    fn take_index(&mut self) -> u32 {
        let i = *self.next_index;
        *self.next_index = i.saturating_add(1);
        i
    }

    /// Splits open shard `parent` `[S, E]` into `[S, k − 1]` and `[k, E]`; needs `S < k ≤ E`.
    /// Returns the children's indices, lower range first.
    fn split(&mut self, parent: u32, k: u128) -> Result<(u32, u32), ReshardError> {
        let pos = find_open(self.shards, parent)?;
        let range = self.shards[pos].range();
        if k <= range.starting || k > range.ending {
            return Err(ReshardError::SplitKeyOutOfRange);
        }
        self.shards[pos].close_at(self.now);
        let lower = self.take_index();
        let upper = self.take_index();
        let created = self.created_unix_s;
        self.shards.push(Shard::new(
            lower,
            HashKeyRange::new(range.starting, k - 1),
            Some(parent),
            None,
            created,
        ));
        self.shards.push(Shard::new(
            upper,
            HashKeyRange::new(k, range.ending),
            Some(parent),
            None,
            created,
        ));
        Ok((lower, upper))
    }

    /// Merges open shards `shard` and `adjacent` (either order along the key space). The child has
    /// `ParentShardId = shard`, `AdjacentParentShardId = adjacent` and the union range.
    fn merge(&mut self, shard: u32, adjacent: u32) -> Result<u32, ReshardError> {
        if shard == adjacent {
            return Err(ReshardError::NotAdjacent);
        }
        let a = find_open(self.shards, shard)?;
        let b = find_open(self.shards, adjacent)?;
        let (ra, rb) = (self.shards[a].range(), self.shards[b].range());
        let union = if ra.is_followed_by(&rb) {
            HashKeyRange::new(ra.starting, rb.ending)
        } else if rb.is_followed_by(&ra) {
            HashKeyRange::new(rb.starting, ra.ending)
        } else {
            return Err(ReshardError::NotAdjacent);
        };
        self.shards[a].close_at(self.now);
        self.shards[b].close_at(self.now);
        let child = self.take_index();
        self.shards.push(Shard::new(
            child,
            union,
            Some(shard),
            Some(adjacent),
            self.created_unix_s,
        ));
        Ok(child)
    }

    /// Open shards as `(range, index)` in hash-key order.
    fn open_in_key_order(&self) -> Vec<(HashKeyRange, u32)> {
        let mut open: Vec<(HashKeyRange, u32)> = self
            .shards
            .iter()
            .filter(|s| s.state() == ShardState::Open)
            .map(|s| (s.range(), s.index()))
            .collect();
        open.sort();
        open
    }

    /// UNIFORM_SCALING to `target` open shards, as a sequence of pairwise splits and merges whose
    /// result tiles the key space exactly like a fresh stream of `target` shards (§1.3, §1.10).
    ///
    /// Phase 1 walks the open shards in hash-key order and splits each one at every boundary of
    /// the target layout strictly inside it (each split leaves the upper child to be split next).
    /// Afterwards every open shard lies inside exactly one target range. Phase 2 merges, per target
    /// range and left to right, the pieces covering it into one shard. Shards that already match a
    /// target range are left untouched. Intermediate shards are closed at once and keep their
    /// lineage (§1.10: "may create short-lived intermediate shards").
    fn scale_uniform(&mut self, target: u32) -> Result<(), ReshardError> {
        if target == 0 {
            return Err(ReshardError::ZeroTarget);
        }
        let layout = initial_layout(target);
        let boundaries: Vec<u128> = layout.iter().skip(1).map(|r| r.starting).collect();
        for (_, index) in self.open_in_key_order() {
            let mut current = index;
            loop {
                let range = self.shards[find(self.shards, current)?].range();
                let next = boundaries.partition_point(|&b| b <= range.starting);
                match boundaries.get(next) {
                    Some(&b) if b <= range.ending => current = self.split(current, b)?.1,
                    _ => break,
                }
            }
        }
        let pieces = self.open_in_key_order();
        let mut at = 0;
        for t in &layout {
            let mut acc: Option<u32> = None;
            while let Some(&(range, index)) = pieces.get(at) {
                if range.ending > t.ending {
                    break;
                }
                at += 1;
                acc = Some(match acc {
                    None => index,
                    Some(lower) => self.merge(lower, index)?,
                });
            }
        }
        Ok(())
    }
}

impl Stream {
    /// The index the next new shard gets: above every listed shard and above every index ever
    /// handed out (so ids are never reused once shards expire, §1.1).
    pub fn next_shard_index(&self) -> u32 {
        let listed = self
            .shards()
            .iter()
            .map(|s| s.index().saturating_add(1))
            .max()
            .unwrap_or(0);
        listed.max(self.reshard.next_shard_index)
    }

    fn edit<R>(
        &mut self,
        now: VirtualMs,
        created_unix_s: u64,
        f: impl FnOnce(&mut Editor<'_>) -> Result<R, ReshardError>,
    ) -> Result<R, ReshardError> {
        let mut next_index = self.next_shard_index();
        let out = self.edit_shards(|shards| {
            let mut editor = Editor {
                shards,
                next_index: &mut next_index,
                now,
                created_unix_s,
            };
            f(&mut editor)
        });
        self.reshard.next_shard_index = next_index;
        out
    }

    /// Applies a split now (§1.10): `parent` closes, two children take the next indices.
    /// Engine-level check only: `S < k ≤ E` (the API's stricter `S + 1 < k < E` is checked by
    /// SplitShard before it gets here).
    pub fn split_shard_now(
        &mut self,
        parent: u32,
        k: u128,
        now: VirtualMs,
        created_unix_s: u64,
    ) -> Result<(u32, u32), ReshardError> {
        self.edit(now, created_unix_s, |e| e.split(parent, k))
    }

    /// Applies a merge now (§1.10): both parents close, one child takes the next index.
    pub fn merge_shards_now(
        &mut self,
        shard: u32,
        adjacent: u32,
        now: VirtualMs,
        created_unix_s: u64,
    ) -> Result<u32, ReshardError> {
        self.edit(now, created_unix_s, |e| e.merge(shard, adjacent))
    }

    /// Applies UNIFORM_SCALING to `target` open shards now (see [`Editor::scale_uniform`]).
    pub fn scale_uniform_now(
        &mut self,
        target: u32,
        now: VirtualMs,
        created_unix_s: u64,
    ) -> Result<(), ReshardError> {
        self.edit(now, created_unix_s, |e| e.scale_uniform(target))
    }

    /// Removes closed shards whose records have all aged out: a shard closed at `c` expires once
    /// `now ≥ c + retention` (every record in it arrived before `c`). EXPIRED shards are no longer
    /// listed by ListShards or DescribeStream (§1.9, §1.10). Returns how many expired.
    pub fn expire_closed_shards(&mut self, now: VirtualMs) -> usize {
        let keep_ms = u64::from(self.retention_hours).saturating_mul(3_600_000);
        let expired = |s: &Shard| {
            s.state() == ShardState::Closed
                && s.closed_ms()
                    .is_some_and(|c| c.saturating_add(keep_ms) <= now)
        };
        if !self.shards().iter().any(expired) {
            return 0;
        }
        // Remember the high-water mark before the highest shards could disappear.
        self.reshard.next_shard_index = self.next_shard_index();
        self.edit_shards(|shards| {
            let before = shards.len();
            shards.retain(|s| !expired(s));
            before - shards.len()
        })
    }

    /// Applies `update` now (called when the UPDATING window ends).
    pub fn apply_update(
        &mut self,
        update: PendingUpdate,
        now: VirtualMs,
        created_unix_s: u64,
    ) -> Result<(), ReshardError> {
        match update {
            PendingUpdate::Split {
                parent,
                new_starting_hash_key,
            } => self
                .split_shard_now(parent, new_starting_hash_key, now, created_unix_s)
                .map(drop),
            PendingUpdate::Merge { shard, adjacent } => self
                .merge_shards_now(shard, adjacent, now, created_unix_s)
                .map(drop),
            PendingUpdate::UniformScaling { target } => {
                self.scale_uniform_now(target, now, created_unix_s)
            }
            PendingUpdate::StreamMode { mode } => {
                self.mode = mode;
                Ok(())
            }
        }
    }
}

/// Ends the UPDATING window of `stream` (the [`crate::engine::world::Event::StreamUpdateComplete`]
/// handler): applies the pending change and sets the stream ACTIVE. Does nothing if the stream is
/// gone, was re-created since (`created_ms` differs) or is no longer UPDATING (e.g. DELETING).
pub fn complete_update(world: &mut World, stream: &str, created_ms: VirtualMs) {
    let now = world.now();
    let created_unix_s = world.epoch().to_unix_ms(now) / 1000;
    let Some(s) = world.kinesis.stream_mut(stream) else {
        return;
    };
    if s.created_ms() != created_ms || s.status != StreamStatus::Updating {
        return;
    }
    if let Some(update) = s.reshard.pending.take() {
        // The request was validated and nothing else may reshard an UPDATING stream, so this
        // cannot fail; if it ever did, the stream keeps a consistent (tiling) shard map.
        let _ = s.apply_update(update, now, created_unix_s);
    }
    s.status = StreamStatus::Active;
}
