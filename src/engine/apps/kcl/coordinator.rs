//! The lease coordinator of one worker: the renewer and the taker (semantics.md §2.3, KCL 2.x
//! `DynamoDBLeaseRenewer` / `DynamoDBLeaseTaker`).
//!
//! - **Renewer**, every [`RENEWER_INTERVAL_MS`]: a conditional update (`leaseCounter + 1`) of
//!   every held lease; a lease whose owner or counter changed underneath is lost (LEASE_LOST).
//! - **Taker**, every [`TAKER_INTERVAL_MS`]: `target = ceil(leases / workers)` (1 if workers ≥
//!   leases), where the workers are the owners of unexpired leases plus this one; very old leases
//!   first regardless of target; then expired/unowned leases up to the target, in random order;
//!   and only when no lease is expired, steal one from the most loaded worker.
//!
//! [`RENEWER_INTERVAL_MS`]: crate::engine::apps::kcl::config::RENEWER_INTERVAL_MS
//! [`TAKER_INTERVAL_MS`]: crate::engine::apps::kcl::config::TAKER_INTERVAL_MS

use std::collections::BTreeMap;

use crate::engine::apps::kcl::app::{Application, LeaseEventKind};
use crate::engine::apps::kcl::config::MAX_LEASES_TO_STEAL_AT_ONE_TIME;
use crate::engine::apps::kcl::lease::Checkpoint;
use crate::engine::apps::kcl::process::lose;
use crate::engine::apps::kcl::worker::{
    Fate, Origin, Processor, ProcessorState, ShutdownReason, TakeHow,
};
use crate::engine::rng::WorldRng;
use crate::engine::time::VirtualMs;

/// The renewer of worker `w` at `now`.
pub fn renew(app: &mut Application, w: usize, now: VirtualMs) {
    let me = app.workers[w].id.clone();
    let keys: Vec<String> = app.workers[w].processors.keys().cloned().collect();
    for key in keys {
        let Some(mut p) = app.workers[w].processors.remove(&key) else {
            continue;
        };
        if app.leases.held_by(&key, &me, p.counter) {
            if let Some(l) = app.leases.get_mut(&key) {
                l.bump(now);
                p.counter = l.counter;
            }
            app.workers[w].processors.insert(key, p);
        } else if app.leases.get(&key).is_none() {
            // Clean-up deleted the finished lease: nothing left to hold.
        } else {
            lose(
                app,
                &me,
                &mut p,
                now,
                "renewal refused: the lease counter changed underneath",
            );
        }
    }
}

fn shuffle<T>(rng: &mut WorldRng, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
}

/// The taker of worker `w` at `now`.
pub fn take(app: &mut Application, w: usize, now: VirtualMs) {
    let me = app.workers[w].id.clone();
    let n_leases = app.leases.len();
    if n_leases == 0 {
        return;
    }
    let mine = |key: &str| app.workers[w].processors.contains_key(key);
    let mut expired: Vec<String> = Vec::new();
    let mut very_old: Vec<String> = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for l in app.leases.all() {
        if l.is_expired(now) && !mine(&l.key) {
            expired.push(l.key.clone());
            if l.is_very_old(now) {
                very_old.push(l.key.clone());
            }
        } else if let Some(o) = &l.owner {
            *counts.entry(o.clone()).or_default() += 1;
        }
    }
    counts.entry(me.clone()).or_default();
    let workers = counts.len();
    let target = if workers >= n_leases {
        1
    } else {
        n_leases.div_ceil(workers)
    };
    let expired_seen = expired.len();
    let mut chosen: Vec<(String, TakeHow)> = Vec::new();
    if !very_old.is_empty() {
        // §2.3 (enablePriorityLeaseAssignment): very old leases first, regardless of target.
        shuffle(&mut app.rng, &mut very_old);
        chosen.extend(very_old.into_iter().map(|k| (k, TakeHow::VeryOld)));
    } else {
        let have = counts.get(&me).copied().unwrap_or(0);
        let needed = target.saturating_sub(have);
        if needed == 0 {
            return;
        }
        if !expired.is_empty() {
            shuffle(&mut app.rng, &mut expired);
            for k in expired.into_iter().take(needed) {
                let how = if app.leases.get(&k).is_some_and(|l| l.owner.is_none()) {
                    TakeHow::Unowned
                } else {
                    TakeHow::Expired
                };
                chosen.push((k, how));
            }
        } else {
            // §2.3: steal only when no lease is expired, from the most loaded worker.
            let most = counts.iter().filter(|(id, _)| **id != me).fold(
                None::<(&String, usize)>,
                |best, (id, c)| match best {
                    Some((_, bc)) if bc >= *c => best,
                    _ => Some((id, *c)),
                },
            );
            let Some((victim, load)) = most.map(|(id, c)| (id.clone(), c)) else {
                return;
            };
            let over = load as i64 - target as i64;
            let mut n = (needed as i64).min(over);
            if needed > 1 && over == 0 {
                n = 1;
            }
            let n = n.min(MAX_LEASES_TO_STEAL_AT_ONE_TIME as i64);
            if n <= 0 {
                return;
            }
            let mut theirs: Vec<String> = app
                .leases
                .all()
                .filter(|l| l.owner.as_deref() == Some(victim.as_str()) && !l.is_expired(now))
                .map(|l| l.key.clone())
                .collect();
            shuffle(&mut app.rng, &mut theirs);
            chosen.extend(
                theirs
                    .into_iter()
                    .take(n as usize)
                    .map(|k| (k, TakeHow::Stolen)),
            );
        }
    }
    for (key, how) in chosen {
        take_lease(app, w, &key, how, expired_seen, target, now);
    }
}

/// Takes one lease: `leaseOwner = me`, `leaseCounter + 1`, `ownerSwitchesSinceCheckpoint + 1` if
/// the owner changes; starts a record processor for it.
fn take_lease(
    app: &mut Application,
    w: usize,
    key: &str,
    how: TakeHow,
    expired_seen: usize,
    target: usize,
    now: VirtualMs,
) {
    let me = app.workers[w].id.clone();
    let fate_of = |id: &str| {
        app.workers
            .iter()
            .find(|x| x.id == id)
            .map_or(Fate::Unknown, |x| x.state.fate())
    };
    let Some(lease) = app.leases.get(key) else {
        return;
    };
    let prev = lease.owner.clone();
    let fate = prev.as_deref().map_or(Fate::None, fate_of);
    let processed_up_to = app.ledger.high_seq(lease.shard).map(str::to_string);
    let Some(lease) = app.leases.get_mut(key) else {
        return;
    };
    lease.owner = Some(me.clone());
    lease.bump(now);
    if prev.as_deref().is_some_and(|p| p != me) {
        lease.owner_switches_since_checkpoint += 1;
    }
    let origin = Origin {
        taken_at: now,
        how,
        previous_owner: prev.clone(),
        previous_fate: fate,
        checkpoint: lease.checkpoint.as_str().to_string(),
        processed_up_to,
    };
    let mut p = Processor::new(
        lease.shard,
        key.to_string(),
        lease.counter,
        origin.checkpoint.clone(),
        origin,
        now,
    );
    if let Checkpoint::SubSequence(_, idx, sub) = lease.checkpoint {
        p.skip = Some((idx, sub));
    }
    if lease.checkpoint == Checkpoint::ShardEnd {
        p.state = ProcessorState::ShutDown(ShutdownReason::ShardEnd);
    }
    app.workers[w].processors.insert(key.to_string(), p);
    let detail = match (how, &prev) {
        (TakeHow::Stolen, Some(v)) => format!("stolen from {v} to balance load (target {target})"),
        (TakeHow::VeryOld, Some(v)) => format!("{v} had not renewed it for over 30 s (very old)"),
        (TakeHow::Expired, Some(v)) => format!("{v} had not renewed it for over 10 s (expired)"),
        _ => "no owner".to_string(),
    };
    let kind = LeaseEventKind::Taken(how);
    app.log(
        now,
        kind,
        Some(key),
        Some(&me),
        prev.as_deref(),
        Some(expired_seen),
        detail,
    );
}
