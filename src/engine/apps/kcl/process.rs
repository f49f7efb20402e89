//! Record processing on virtual time: delivering buffered records, checkpointing by policy,
//! SHARD_END with child-lease creation, and the parent check (semantics.md §2.4, §2.5).
//!
//! Records are processed one after another, each taking the worker's per-record time; nothing is
//! scheduled per record. Whenever the application handles an event or an action it first
//! *materialises* every alive processor up to the current time: each buffered record whose
//! processing finished by then is delivered with its exact finishing time.

use crate::engine::apps::kcl::app::{Application, LeaseEventKind};
use crate::engine::apps::kcl::config::{CheckpointPolicy, PARENT_SHARD_POLL_INTERVAL_MS};
use crate::engine::apps::kcl::lease::{Checkpoint, Lease};
use crate::engine::apps::kcl::ledger::{Cause, Context, ProcessedRecord};
use crate::engine::apps::kcl::worker::{Fetched, Processor, ProcessorState, ShutdownReason};
use crate::engine::kinesis::shard::{parse_shard_id, shard_id};
use crate::engine::kinesis::stream::Stream;
use crate::engine::time::VirtualMs;

/// Delivers every record of worker `w`'s processor for `key` that finished by `now`, applying the
/// checkpoint policy and SHARD_END; drops the processor if it shut down for good.
pub fn materialize(app: &mut Application, w: usize, key: &str, now: VirtualMs) {
    let Some(mut p) = app.workers[w].processors.remove(key) else {
        return;
    };
    let per = app.workers[w]
        .processing_ms
        .unwrap_or(app.config.processing_ms_per_record);
    let me = app.workers[w].id.clone();
    if p.state == ProcessorState::Processing {
        while !p.buffer.is_empty() {
            let done = p.busy_until.saturating_add(per);
            if done > now {
                break;
            }
            let Some(rec) = p.buffer.pop_front() else {
                break;
            };
            deliver(app, w, &mut p, rec, done);
            p.busy_until = done;
            let due = match app.config.checkpoint {
                CheckpointPolicy::EveryRecords(n) => p.since_checkpoint >= n,
                CheckpointPolicy::EveryMillis(ms) => {
                    done.saturating_sub(p.last_checkpoint_ms) >= ms
                }
                CheckpointPolicy::Manual => false,
            };
            if due {
                checkpoint_last(app, &me, &mut p, done);
            }
            if p.state != ProcessorState::Processing {
                break;
            }
        }
        if p.state == ProcessorState::Processing && p.buffer.is_empty() {
            if let CheckpointPolicy::EveryMillis(ms) = app.config.checkpoint {
                if p.since_checkpoint > 0 && now.saturating_sub(p.last_checkpoint_ms) >= ms {
                    checkpoint_last(app, &me, &mut p, now);
                }
            }
            if p.state == ProcessorState::Processing && p.shard_end.is_some() {
                let at = p.busy_until.min(now);
                shard_end(app, &me, &mut p, at);
            }
        }
    }
    keep_or_drop(app, w, p);
}

/// Puts a processor back unless it shut down with REQUESTED or LEASE_LOST.
pub fn keep_or_drop(app: &mut Application, w: usize, p: Processor) {
    if !matches!(
        p.state,
        ProcessorState::ShutDown(ShutdownReason::LeaseLost | ShutdownReason::Requested)
    ) {
        app.workers[w].processors.insert(p.lease_key.clone(), p);
    }
}

fn deliver(app: &mut Application, w: usize, p: &mut Processor, rec: Fetched, at: VirtualMs) {
    let worker = &mut app.workers[w];
    worker.processed += 1;
    let me = worker.id.clone();
    let number = worker.number;
    p.last_processed = Some((rec.seq.clone(), rec.idx));
    p.last_sub = rec.sub;
    p.since_checkpoint += 1;
    let out = ProcessedRecord {
        shard: p.shard,
        seq: rec.seq,
        idx: rec.idx,
        sub: rec.sub,
        key: rec.key,
        data: rec.data,
        worker: number,
        at,
        arrival_ms: rec.arrival_ms,
        duplicate: false,
    };
    let leases = &app.leases;
    let (lease_key, counter, shard, origin) = (&p.lease_key, p.counter, p.shard, &p.origin);
    let cause = |ctx: &Context| {
        if !leases.held_by(lease_key, &me, counter) {
            return Cause::Zombie {
                worker: me.clone(),
                shard,
                owner: leases.get(lease_key).and_then(|l| l.owner.clone()),
            };
        }
        match ctx.first {
            Some((w, t)) if w != number && t >= origin.taken_at => Cause::LateOwner {
                worker: me.clone(),
                shard,
                origin: origin.clone(),
                by: format!("worker-{w}"),
            },
            _ => {
                let mut origin = origin.clone();
                origin.processed_up_to = ctx.high_before.as_deref().map(str::to_string);
                Cause::Takeover {
                    worker: me.clone(),
                    shard,
                    origin,
                }
            }
        }
    };
    app.ledger
        .deliver(out, &mut p.dup_entry, &mut p.ooo_entries, cause);
}

/// Checkpoints at the last processed record, if anything was processed since the last
/// checkpoint. Returns false if the lease was lost.
pub fn checkpoint_last(app: &mut Application, me: &str, p: &mut Processor, at: VirtualMs) -> bool {
    match p.last_processed.clone() {
        Some((seq, idx)) if p.since_checkpoint > 0 => {
            let value = match p.last_sub {
                Some(sub) => Checkpoint::SubSequence(seq.to_string(), idx, sub),
                None => Checkpoint::Sequence(seq.to_string(), idx),
            };
            checkpoint(app, me, p, value, at)
        }
        _ => true,
    }
}

/// A conditional checkpoint write (§2.5): succeeds only while `me` still holds the lease with the
/// counter it last wrote; otherwise the processor shuts down with LEASE_LOST (KCL's
/// `ShutdownException`) and its buffer is dropped.
pub fn checkpoint(
    app: &mut Application,
    me: &str,
    p: &mut Processor,
    value: Checkpoint,
    at: VirtualMs,
) -> bool {
    if !app.leases.held_by(&p.lease_key, me, p.counter) {
        lose(
            app,
            me,
            p,
            at,
            "checkpoint refused: the lease changed hands (ShutdownException)",
        );
        return false;
    }
    if let Some(lease) = app.leases.get_mut(&p.lease_key) {
        lease.checkpoint_sub = value.sub_sequence();
        lease.checkpoint = value;
        lease.owner_switches_since_checkpoint = 0;
        lease.bump(at);
        p.counter = lease.counter;
    }
    p.since_checkpoint = 0;
    p.last_checkpoint_ms = at;
    true
}

/// Shuts a processor down with LEASE_LOST and records it.
pub fn lose(app: &mut Application, me: &str, p: &mut Processor, at: VirtualMs, why: &str) {
    p.state.shut_down(ShutdownReason::LeaseLost);
    let dropped = p.buffer.len();
    p.buffer.clear();
    let owner = app.leases.get(&p.lease_key).and_then(|l| l.owner.clone());
    let detail = format!("{why}; {dropped} fetched record(s) dropped unprocessed");
    app.log(
        at,
        LeaseEventKind::Lost,
        Some(&p.lease_key),
        Some(me),
        owner.as_deref(),
        None,
        detail,
    );
}

/// SHARD_END (§2.4, §2.5): checkpoint SHARD_END, create the child leases at TRIM_HORIZON.
fn shard_end(app: &mut Application, me: &str, p: &mut Processor, at: VirtualMs) {
    let children = p.shard_end.take().unwrap_or_default();
    if !checkpoint(app, me, p, Checkpoint::ShardEnd, at) {
        return;
    }
    p.state.shut_down(ShutdownReason::ShardEnd);
    let mut ids = Vec::new();
    for c in children {
        ids.push(c.id.clone());
        if app.completed.contains(&c.index) {
            continue;
        }
        let lease = Lease::new(
            c.index,
            c.id.clone(),
            Checkpoint::TrimHorizon,
            c.parents.clone(),
            c.range,
            at,
        );
        if app.leases.create(lease) {
            let detail = format!("child of {} at TRIM_HORIZON", c.parents.join(" + "));
            app.log(
                at,
                LeaseEventKind::Created,
                Some(&c.id),
                Some(me),
                None,
                None,
                detail,
            );
        }
    }
    if let Some(lease) = app.leases.get_mut(&p.lease_key) {
        lease.children = ids.clone();
    }
    let detail = format!("read to the end; children {}", ids.join(", "));
    app.log(
        at,
        LeaseEventKind::ShardEnd,
        Some(&p.lease_key),
        Some(me),
        None,
        None,
        detail,
    );
}

/// Whether parent shard `pid` no longer holds its children back (§2.4): its lease is at
/// SHARD_END, or it has no lease because clean-up deleted it when finished, or because it is
/// outside what the application reads (e.g. closed before a LATEST start). A parent without a
/// lease whose own ancestor still has one is *pending*: its lease comes when that ancestor ends
/// (a merge child can be created before its other parent's lease exists).
fn parent_done(app: &Application, stream: Option<&Stream>, pid: &str) -> bool {
    if let Some(l) = app.leases.get(pid) {
        return l.checkpoint == Checkpoint::ShardEnd;
    }
    let Some(idx) = parse_shard_id(pid) else {
        return true;
    };
    if app.completed.contains(&idx) {
        return true;
    }
    let Some(stream) = stream else { return true };
    let mut frontier = vec![idx];
    while let Some(i) = frontier.pop() {
        let Some(sh) = stream.shard(i) else { continue };
        for p in sh.parent().into_iter().chain(sh.adjacent_parent()) {
            if app.leases.get(&shard_id(p)).is_some() {
                return false;
            }
            frontier.push(p);
        }
    }
    true
}

/// The parent check of a waiting processor (§2.4): ready once every parent is done
/// ([`parent_done`]); otherwise checks again after `parentShardPollIntervalMillis`.
pub fn check_parents(
    app: &mut Application,
    stream: Option<&Stream>,
    w: usize,
    key: &str,
    now: VirtualMs,
) {
    let ready = app
        .leases
        .get(key)
        .is_some_and(|l| l.parents.iter().all(|pid| parent_done(app, stream, pid)));
    let finished = app
        .leases
        .get(key)
        .is_some_and(|l| l.checkpoint == Checkpoint::ShardEnd);
    let Some(p) = app.workers[w].processors.get_mut(key) else {
        return;
    };
    if finished {
        p.state = ProcessorState::ShutDown(ShutdownReason::ShardEnd);
    } else if ready {
        p.state = ProcessorState::Processing;
        p.busy_until = now;
        p.last_checkpoint_ms = now;
        if let Some(l) = app.leases.get_mut(key) {
            l.processing_started = true;
        }
    } else {
        p.state = ProcessorState::WaitingOnParents {
            next_check: now + PARENT_SHARD_POLL_INTERVAL_MS,
        };
    }
}
