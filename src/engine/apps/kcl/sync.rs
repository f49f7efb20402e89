//! Shard discovery, lease creation and clean-up (semantics.md §2.3 `shardSyncIntervalMillis`,
//! §2.4), read from the stream's shard list.
//!
//! - **Empty lease table**: leases for the shards open at the initial position — TRIM_HORIZON:
//!   the oldest listed generation; LATEST: the open shards; AT_TIMESTAMP: the shards open at
//!   that instant — with the position as a sentinel checkpoint.
//! - **Periodic**: a listed shard without a lease whose parents all finished gets a TRIM_HORIZON
//!   lease (a safety net: children are normally created at their parent's SHARD_END).
//! - **Clean-up**: a SHARD_END lease is deleted once every child lease is processing, or its shard
//!   is no longer listed (§2.4: "parent leases are deleted only after the children are in
//!   PROCESSING").

use crate::engine::apps::kcl::app::{Application, LeaseEventKind};
use crate::engine::apps::kcl::config::InitialPosition;
use crate::engine::apps::kcl::lease::{Checkpoint, Lease};
use crate::engine::kinesis::shard::{shard_id, Shard};
use crate::engine::kinesis::stream::Stream;
use crate::engine::time::{Epoch, VirtualMs};

fn parents_of(s: &Shard) -> Vec<u32> {
    s.parent().into_iter().chain(s.adjacent_parent()).collect()
}

fn closed_by(s: &Shard, t: Option<VirtualMs>) -> bool {
    match (s.closed_ms(), t) {
        (Some(c), Some(t)) => c <= t,
        _ => false,
    }
}

/// Runs one shard sync of `app` against `stream` at `now`.
pub fn sync(app: &mut Application, stream: &Stream, epoch: Epoch, now: VirtualMs) {
    cleanup(app, stream, now);
    let initial = app.leases.is_empty() && app.completed.is_empty();
    let mut created = Vec::new();
    for s in stream.shards() {
        let key = s.shard_id();
        if app.leases.get(&key).is_some() || app.completed.contains(&s.index()) {
            continue;
        }
        let parents = parents_of(s);
        let checkpoint = if initial {
            // `t` = the instant the initial position names; None = before everything.
            let (t, checkpoint) = match app.config.initial_position {
                InitialPosition::TrimHorizon => (None, Checkpoint::TrimHorizon),
                InitialPosition::Latest => (Some(now), Checkpoint::Latest),
                InitialPosition::AtTimestamp(unix_ms) => (
                    Some(epoch.to_virtual(unix_ms).unwrap_or(0)),
                    Checkpoint::AtTimestamp,
                ),
            };
            let parents_done = parents.iter().all(|p| {
                stream
                    .shard(*p)
                    .is_none_or(|ps| t.is_some() && closed_by(ps, t))
            });
            if closed_by(s, t) || !parents_done {
                continue;
            }
            checkpoint
        } else {
            if parents.is_empty() || !parents.iter().all(|p| app.completed.contains(p)) {
                continue;
            }
            Checkpoint::TrimHorizon
        };
        let range = (s.range().starting, s.range().ending);
        let parent_ids: Vec<String> = parents.iter().map(|p| shard_id(*p)).collect();
        let lease = Lease::new(s.index(), key.clone(), checkpoint, parent_ids, range, now);
        if app.leases.create(lease) {
            created.push(key);
        }
    }
    for key in created {
        let cp = app
            .leases
            .get(&key)
            .map(|l| l.checkpoint.as_str().to_string())
            .unwrap_or_default();
        let how = if initial {
            "shard discovery, empty lease table"
        } else {
            "shard discovery"
        };
        app.log(
            now,
            LeaseEventKind::Created,
            Some(&key),
            None,
            None,
            None,
            format!("{how}; checkpoint {cp}"),
        );
    }
}

/// Deletes finished leases whose children are all processing (or whose shard expired).
fn cleanup(app: &mut Application, stream: &Stream, now: VirtualMs) {
    let mut done = Vec::new();
    for l in app.leases.all() {
        if l.checkpoint != Checkpoint::ShardEnd {
            continue;
        }
        let listed = stream.shard(l.shard).is_some();
        let children_processing = !l.children.is_empty()
            && l.children.iter().all(|c| {
                app.leases.get(c).map_or_else(
                    || {
                        crate::engine::kinesis::shard::parse_shard_id(c)
                            .is_some_and(|i| app.completed.contains(&i))
                    },
                    |cl| cl.processing_started,
                )
            });
        if !listed || children_processing {
            done.push((l.key.clone(), l.shard));
        }
    }
    for (key, shard) in done {
        app.leases.delete(&key);
        app.completed.insert(shard);
        app.log(
            now,
            LeaseEventKind::Deleted,
            Some(&key),
            None,
            None,
            None,
            "finished; children are processing".into(),
        );
    }
}
