//! Window assigners with Flink's exact boundaries (semantics.md §5.3).

use crate::engine::analytics::spec::{Window, WindowSpec};

/// At most this many windows are assigned to one element (a sliding window with a tiny slide, or a
/// cumulating window with a tiny step, would otherwise allocate without bound). Specs beyond it
/// get the windows with the latest ends only; front-ends should reject them.
pub const MAX_WINDOWS_PER_ELEMENT: usize = 10_000;

fn clamp(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// The start of the window of length `size` (aligned to the epoch plus `offset`) that contains
/// `ts`: Flink's `TimeWindow.getWindowStartWithOffset` (§5.3):
/// `rem = (ts − offset) % size` (Java `%`), `start = rem < 0 ? ts − (rem + size) : ts − rem`.
/// Computed without overflow (saturating at `i64::MIN`); `size ≤ 0` returns `ts`.
pub fn window_start(ts: i64, offset: i64, size: i64) -> i64 {
    if size <= 0 {
        return ts;
    }
    let (ts, offset, size) = (ts as i128, offset as i128, size as i128);
    let rem = (ts - offset) % size;
    clamp(if rem < 0 { ts - (rem + size) } else { ts - rem })
}

fn window(start: i64, len: i64) -> Window {
    Window {
        start,
        end: clamp(start as i128 + len as i128),
    }
}

/// The windows an element with timestamp `ts` belongs to, ascending by `(end, start)` (§5.3):
/// - Tumbling: `[start, start + size)`.
/// - Sliding: every `[s, s + size)` with `s = window_start(ts, offset, slide) − k·slide > ts − size`,
///   i.e. `ceil(size / slide)` windows.
/// - Cumulate: Flink's `CumulativeWindowAssigner`: start `= window_start(ts, 0, size)`, ends from
///   `window_start(ts, 0, step) + step` up to `start + size` by `step`.
/// - Session: the proto-window `[ts, ts + gap)`, merged later by the operator.
/// - Count: none (count windows are not time windows).
///
/// Invalid sizes (≤ 0) assign no window.
pub fn assign_windows(spec: &WindowSpec, ts: i64) -> Vec<Window> {
    match *spec {
        WindowSpec::Tumbling { size_ms, offset_ms } if size_ms > 0 => {
            vec![window(window_start(ts, offset_ms, size_ms), size_ms)]
        }
        WindowSpec::Sliding {
            size_ms,
            slide_ms,
            offset_ms,
        } if size_ms > 0 && slide_ms > 0 => {
            let last = window_start(ts, offset_ms, slide_ms) as i128;
            let lower = ts as i128 - size_ms as i128;
            let mut out = Vec::new();
            let mut s = last;
            while s > lower && out.len() < MAX_WINDOWS_PER_ELEMENT {
                out.push(window(clamp(s), size_ms));
                s -= slide_ms as i128;
            }
            out.reverse();
            out
        }
        WindowSpec::Cumulate { step_ms, size_ms } if step_ms > 0 && size_ms > 0 => {
            let start = window_start(ts, 0, size_ms);
            let last_end = start as i128 + size_ms as i128;
            let first_end = window_start(ts, 0, step_ms) as i128 + step_ms as i128;
            let count = if first_end > last_end {
                0
            } else {
                ((last_end - first_end) / step_ms as i128 + 1).min(MAX_WINDOWS_PER_ELEMENT as i128)
            };
            // The latest ends are kept when capped.
            let skip = ((last_end - first_end) / step_ms as i128 + 1 - count).max(0);
            (0..count)
                .map(|k| Window {
                    start,
                    end: clamp(first_end + (skip + k) * step_ms as i128),
                })
                .collect()
        }
        WindowSpec::Session { gap_ms } if gap_ms > 0 => vec![window(ts, gap_ms)],
        _ => Vec::new(),
    }
}
