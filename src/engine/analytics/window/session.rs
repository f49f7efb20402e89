//! Session window merging, as Flink's `MergingWindowSet` / `TimeWindow.mergeWindows` (semantics.md
//! §5.3): a new element's proto-window `[ts, ts + gap)` merges with every session of its key that
//! it intersects, transitively, and so can bridge two sessions.

use crate::engine::analytics::spec::Window;

/// Flink's `TimeWindow.intersects`: `a.start ≤ b.end && a.end ≥ b.start` (touching windows
/// merge too).
pub(super) fn intersects(a: &Window, b: &Window) -> bool {
    a.start <= b.end && a.end >= b.start
}

/// Where `new` lands among a key's existing sessions: the existing windows it merges with and the
/// merged window (their cover). Sweeps all windows by start, growing the cover while the next
/// window intersects it, like `TimeWindow.mergeWindows`.
pub(super) fn merge_plan<'a>(
    existing: impl Iterator<Item = &'a Window>,
    new: Window,
) -> (Vec<Window>, Window) {
    let mut all: Vec<(Window, bool)> = existing.map(|w| (*w, false)).collect();
    all.push((new, true));
    all.sort();
    let mut group: Vec<(Window, bool)> = Vec::new();
    let mut cover: Option<Window> = None;
    for (w, is_new) in all {
        match cover {
            Some(c) if intersects(&c, &w) => {
                cover = Some(Window {
                    start: c.start.min(w.start),
                    end: c.end.max(w.end),
                });
                group.push((w, is_new));
            }
            _ => {
                if group.iter().any(|(_, n)| *n) {
                    break;
                }
                group.clear();
                group.push((w, is_new));
                cover = Some(w);
            }
        }
    }
    let merged = cover.unwrap_or(new);
    let others = group
        .into_iter()
        .filter(|(_, n)| !n)
        .map(|(w, _)| w)
        .collect();
    (others, merged)
}
