//! Keyed time-window state: one pane (accumulators) per key and window, plus the timer service
//! that fires panes at `max_timestamp` and purges them at `max_timestamp + allowed lateness`
//! (semantics.md §5.4, §5.5). Timers are ordered sets, so firing order is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::analytics::spec::Window;

use super::accumulator::Accumulators;

/// The state of one key and window.
#[derive(Clone, Debug)]
pub(super) struct Pane {
    /// The aggregates so far.
    pub accs: Accumulators,
    /// Records added.
    pub records: u64,
    /// Fired at least once (a later firing is an update).
    pub fired: bool,
    /// Registered fire timer, if any.
    fire_at: Option<i64>,
    /// Registered purge timer, if any.
    purge_at: Option<i64>,
}

impl Pane {
    /// An empty pane.
    pub fn new(accs: Accumulators) -> Pane {
        Pane {
            accs,
            records: 0,
            fired: false,
            fire_at: None,
            purge_at: None,
        }
    }

    /// Merges another pane (same key) into this one; timers are the caller's business.
    pub fn merge(&mut self, other: Pane) {
        self.accs.merge(other.accs);
        self.records = self.records.saturating_add(other.records);
        self.fired |= other.fired;
    }
}

type Timer = (i64, String, Window);

/// All panes of all keys, with their timers.
#[derive(Clone, Debug, Default)]
pub(super) struct PaneStore {
    keys: BTreeMap<String, BTreeMap<Window, Pane>>,
    fire: BTreeSet<Timer>,
    purge: BTreeSet<Timer>,
    len: usize,
}

impl PaneStore {
    /// Live panes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The panes of `key`, by window.
    pub fn panes_of(&self, key: &str) -> Option<&BTreeMap<Window, Pane>> {
        self.keys.get(key)
    }

    /// Every key with its panes.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &BTreeMap<Window, Pane>)> {
        self.keys.iter()
    }

    /// A pane.
    pub fn get_mut(&mut self, key: &str, w: &Window) -> Option<&mut Pane> {
        self.keys.get_mut(key)?.get_mut(w)
    }

    /// Inserts a pane (merging into an existing one of the same key and window, whose timers are
    /// kept), with its timers.
    pub fn insert(
        &mut self,
        key: &str,
        w: Window,
        mut pane: Pane,
        fire_at: Option<i64>,
        purge_at: Option<i64>,
    ) {
        let panes = self.keys.entry(key.to_string()).or_default();
        if let Some(existing) = panes.get_mut(&w) {
            existing.merge(pane);
            return;
        }
        pane.fire_at = fire_at;
        pane.purge_at = purge_at;
        if let Some(t) = fire_at {
            self.fire.insert((t, key.to_string(), w));
        }
        if let Some(t) = purge_at {
            self.purge.insert((t, key.to_string(), w));
        }
        panes.insert(w, pane);
        self.len += 1;
    }

    /// Removes a pane and its timers.
    pub fn remove(&mut self, key: &str, w: &Window) -> Option<Pane> {
        let panes = self.keys.get_mut(key)?;
        let pane = panes.remove(w)?;
        if panes.is_empty() {
            self.keys.remove(key);
        }
        self.len -= 1;
        if let Some(t) = pane.fire_at {
            self.fire.remove(&(t, key.to_string(), *w));
        }
        if let Some(t) = pane.purge_at {
            self.purge.remove(&(t, key.to_string(), *w));
        }
        Some(pane)
    }

    /// Deletes a pane's fire timer (it fired ahead of it).
    pub fn cancel_fire(&mut self, key: &str, w: &Window) {
        if let Some(pane) = self.keys.get_mut(key).and_then(|p| p.get_mut(w)) {
            if let Some(t) = pane.fire_at.take() {
                self.fire.remove(&(t, key.to_string(), *w));
            }
        }
    }

    /// Takes the earliest fire timer due at `t` (the pane stays).
    pub fn pop_fire(&mut self, t: i64) -> Option<(String, Window)> {
        let first = self.fire.first().filter(|x| x.0 <= t)?.clone();
        self.fire.remove(&first);
        if let Some(p) = self.get_mut(&first.1, &first.2) {
            p.fire_at = None;
        }
        Some((first.1, first.2))
    }

    /// Takes the earliest purge timer due at `t` and removes its pane; false when none is due.
    pub fn pop_purge(&mut self, t: i64) -> bool {
        let Some(first) = self.purge.first().filter(|x| x.0 <= t).cloned() else {
            return false;
        };
        self.purge.remove(&first);
        self.remove(&first.1, &first.2);
        true
    }

    /// Keeps only the keys for which `keep` holds.
    pub fn retain_keys(&mut self, keep: &dyn Fn(&str) -> bool) {
        let gone: BTreeSet<String> = self.keys.keys().filter(|k| !keep(k)).cloned().collect();
        if gone.is_empty() {
            return;
        }
        for k in &gone {
            if let Some(p) = self.keys.remove(k) {
                self.len -= p.len();
            }
        }
        self.fire.retain(|t| !gone.contains(&t.1));
        self.purge.retain(|t| !gone.contains(&t.1));
    }

    /// Moves all panes of `other` in (merging panes that exist on both sides).
    pub fn absorb(&mut self, other: PaneStore) {
        for (key, panes) in other.keys {
            for (w, mut pane) in panes {
                let (f, p) = (pane.fire_at.take(), pane.purge_at.take());
                self.insert(&key, w, pane, f, p);
            }
        }
    }
}
