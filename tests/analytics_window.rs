//! The Flink-style window operator (semantics.md §5.2–§5.5): assigner boundaries, watermarks,
//! triggers, allowed lateness, late side output, sessions, count windows, aggregates, key groups
//! and rescaling.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kinesis_playground::engine::analytics::spec::{
    AggregateKind, AggregateSpec, TimeCharacteristic, Window, WindowSpec,
};
use kinesis_playground::engine::analytics::window::{
    assign_windows, combine_watermarks, default_max_parallelism, java_string_hash, key_group,
    murmur_hash, operator_index, window_start, BoundedOutOfOrderness, Output, WindowOperator,
};
use serde_json::{json, Value};

const MIN: i64 = 60_000;
const HOUR: i64 = 3_600_000;

fn agg(kind: AggregateKind, field: Option<&str>) -> AggregateSpec {
    AggregateSpec {
        alias: format!("{kind:?}_{}", field.unwrap_or("star")),
        kind,
        field: field.map(str::to_string),
    }
}

/// `COUNT(*), SUM(v)`.
fn count_sum() -> Vec<AggregateSpec> {
    vec![
        agg(AggregateKind::Count, None),
        agg(AggregateKind::Sum, Some("v")),
    ]
}

fn tumbling(size_ms: i64, offset_ms: i64) -> WindowSpec {
    WindowSpec::Tumbling { size_ms, offset_ms }
}

fn event_op(spec: WindowSpec, lateness: i64) -> WindowOperator {
    WindowOperator::new(spec, TimeCharacteristic::EventTime, lateness, count_sum())
}

fn row(v: i64) -> Value {
    json!({ "v": v })
}

fn w(start: i64, end: i64) -> Window {
    Window { start, end }
}

/// `(key, window, results, records, update)` of the fired outputs.
type Fired = (String, Window, Vec<Value>, u64, bool);

fn fired(outs: &[Output]) -> Vec<Fired> {
    outs.iter()
        .filter_map(|o| match o {
            Output::Fired {
                key,
                window,
                results,
                records,
                update,
            } => Some((key.clone(), *window, results.clone(), *records, *update)),
            Output::Late { .. } => None,
        })
        .collect()
}

fn f(key: &str, window: Window, count: u64, sum: i64, update: bool) -> Fired {
    (
        key.to_string(),
        window,
        vec![json!(count), json!(sum)],
        count,
        update,
    )
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn tumbling_boundaries_are_half_open_and_fire_at_end_minus_one() {
    let spec = tumbling(10_000, 0);
    assert_eq!(assign_windows(&spec, 0), vec![w(0, 10_000)]);
    assert_eq!(assign_windows(&spec, 9_999), vec![w(0, 10_000)]);
    // An event at exactly `end` belongs to the next window (§5.3).
    assert_eq!(assign_windows(&spec, 10_000), vec![w(10_000, 20_000)]);

    let mut op = event_op(spec, 0);
    assert!(op.process("k", 0, &row(1), i64::MIN).is_empty());
    assert!(op.process("k", 9_999, &row(2), i64::MIN).is_empty());
    assert!(op.process("k", 10_000, &row(4), i64::MIN).is_empty());
    assert!(op.on_watermark(9_998).is_empty());
    assert_eq!(op.pane_count(), 2);
    // maxTimestamp = end − 1 = 9 999 (§5.4).
    assert_eq!(
        fired(&op.on_watermark(9_999)),
        vec![f("k", w(0, 10_000), 2, 3, false)]
    );
    // Lateness 0: fired and purged at the same watermark.
    assert_eq!(op.pane_count(), 1);
    assert!(op.on_watermark(15_000).is_empty());
    // An empty interval creates no window and emits nothing (§5.3 lazy creation).
    assert_eq!(
        fired(&op.on_watermark(40_000)),
        vec![f("k", w(10_000, 20_000), 1, 4, false)]
    );
    assert_eq!(op.pane_count(), 0);
    assert_eq!(op.current_watermark(), 40_000);
    // Watermarks are monotonic.
    assert!(op.on_watermark(5).is_empty());
    assert_eq!(op.current_watermark(), 40_000);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn window_start_offsets_and_negative_timestamps() {
    // Hourly windows cover 1:00:00.000–1:59:59.999; offset 15 min → 1:15–2:14:59.999 (§5.3).
    assert_eq!(window_start(HOUR + 20 * MIN, 0, HOUR), HOUR);
    assert_eq!(
        window_start(HOUR + 20 * MIN, 15 * MIN, HOUR),
        HOUR + 15 * MIN
    );
    assert_eq!(window_start(HOUR + 10 * MIN, 15 * MIN, HOUR), 15 * MIN);
    assert_eq!(
        window_start(2 * HOUR + 15 * MIN - 1, 15 * MIN, HOUR),
        HOUR + 15 * MIN
    );
    assert_eq!(
        window_start(2 * HOUR + 15 * MIN, 15 * MIN, HOUR),
        2 * HOUR + 15 * MIN
    );
    // A day window for UTC+8 uses offset −8 h: the epoch lies in [−8 h, 16 h).
    assert_eq!(window_start(0, -8 * HOUR, 24 * HOUR), -8 * HOUR);
    assert_eq!(window_start(16 * HOUR, -8 * HOUR, 24 * HOUR), 16 * HOUR);
    // Java `%` follows the dividend: negative timestamps round down, not toward zero.
    assert_eq!(window_start(-1, 0, 10), -10);
    assert_eq!(window_start(-10, 0, 10), -10);
    assert_eq!(window_start(-11, 0, 10), -20);
    assert_eq!(window_start(5, 3, 10), 3);
    assert_eq!(window_start(2, 3, 10), -7);
    assert_eq!(window_start(2, -3, 10), -3);
    assert_eq!(assign_windows(&tumbling(10, 3), -8), vec![w(-17, -7)]);
    // Extremes neither panic nor overflow.
    assert_eq!(window_start(i64::MIN, 0, 10), i64::MIN);
    assert_eq!(window_start(i64::MAX, -5, 1_000), i64::MAX - 812);
    let top = assign_windows(&tumbling(1_000, 0), i64::MAX);
    assert_eq!(top.len(), 1);
    assert_eq!(top[0].end, i64::MAX);
    assert_eq!(assign_windows(&tumbling(1_000, 7), i64::MIN).len(), 1);
    assert!(assign_windows(&tumbling(0, 0), 5).is_empty());
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn sliding_windows_contain_the_element_ceil_size_over_slide_times() {
    let spec = WindowSpec::Sliding {
        size_ms: 10 * MIN,
        slide_ms: 5 * MIN,
        offset_ms: 0,
    };
    let eight = 8 * HOUR;
    // §5.3: an 08:07 event is in [08:00,08:10) and [08:05,08:15).
    assert_eq!(
        assign_windows(&spec, eight + 7 * MIN),
        vec![
            w(eight, eight + 10 * MIN),
            w(eight + 5 * MIN, eight + 15 * MIN)
        ]
    );
    // 08:05 exactly: [08:00,08:10) and [08:05,08:15); 08:10 exactly: [08:05,08:15), [08:10,08:20).
    assert_eq!(
        assign_windows(&spec, eight + 10 * MIN)[0],
        w(eight + 5 * MIN, eight + 15 * MIN)
    );
    // Non-divisible: size 10, slide 3 → Flink's loop (`s > ts − size`) gives ceil(10/3) = 4
    // windows, or 3 where the window grid leaves ts in only 3; each contains ts, and every grid
    // window containing ts is assigned.
    let odd = WindowSpec::Sliding {
        size_ms: 10,
        slide_ms: 3,
        offset_ms: 0,
    };
    let mut fours = 0;
    for ts in -20..40 {
        let ws = assign_windows(&odd, ts);
        assert!(ws.len() == 3 || ws.len() == 4, "ts {ts}: {ws:?}");
        fours += usize::from(ws.len() == 4);
        assert!(ws
            .iter()
            .all(|x| x.start <= ts && ts < x.end && x.end - x.start == 10));
        assert!(ws.iter().all(|x| x.start.rem_euclid(3) == 0));
        assert!(ws.windows(2).all(|p| p[1].start - p[0].start == 3));
        let grid = (ts - 12..=ts)
            .filter(|s| s.rem_euclid(3) == 0 && s + 10 > ts)
            .count();
        assert_eq!(ws.len(), grid);
    }
    assert_eq!(fours, 20); // one residue in three
    assert_eq!(assign_windows(&odd, 9).len(), 4);
    // The operator fires each sliding window once, ordered by window end.
    let mut op = event_op(odd, 0);
    op.process("k", 9, &row(1), i64::MIN);
    let outs = fired(&op.on_watermark(100));
    let windows: Vec<Window> = outs.iter().map(|x| x.1).collect();
    assert_eq!(windows, vec![w(0, 10), w(3, 13), w(6, 16), w(9, 19)]);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn cumulate_windows_share_a_start_and_grow_by_step() {
    let spec = WindowSpec::Cumulate {
        step_ms: HOUR,
        size_ms: 24 * HOUR,
    };
    let day2 = 24 * HOUR;
    let ws = assign_windows(&spec, day2 + 5 * HOUR + 30 * MIN);
    assert_eq!(ws.len(), 19);
    assert_eq!(ws[0], w(day2, day2 + 6 * HOUR));
    assert_eq!(ws[18], w(day2, day2 + 24 * HOUR));
    assert!(ws.iter().all(|x| x.start == day2));
    assert_eq!(assign_windows(&spec, day2).len(), 24);
    assert_eq!(assign_windows(&spec, day2 - 1), vec![w(0, day2)]);

    // Operator: [0,1h) has the first event; [0,2h) both.
    let mut op = event_op(
        WindowSpec::Cumulate {
            step_ms: HOUR,
            size_ms: 3 * HOUR,
        },
        0,
    );
    op.process("k", 10, &row(1), i64::MIN);
    op.process("k", HOUR + 10, &row(2), i64::MIN);
    assert_eq!(
        fired(&op.on_watermark(HOUR - 1)),
        vec![f("k", w(0, HOUR), 1, 1, false)]
    );
    assert_eq!(
        fired(&op.on_watermark(3 * HOUR)),
        vec![
            f("k", w(0, 2 * HOUR), 2, 3, false),
            f("k", w(0, 3 * HOUR), 2, 3, false)
        ]
    );
    assert_eq!(op.pane_count(), 0);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn sessions_merge_per_key_and_fire_at_last_plus_gap_minus_one() {
    let spec = WindowSpec::Session { gap_ms: 10 };
    assert_eq!(assign_windows(&spec, 5), vec![w(5, 15)]);
    let mut op = event_op(spec, 0);
    op.process("a", 0, &row(1), i64::MIN);
    op.process("a", 5, &row(2), i64::MIN); // [0,15)
    op.process("b", 3, &row(10), i64::MIN); // [3,13)
    op.process("a", 15, &row(4), i64::MIN); // touches [0,15) → merged [0,25) (Flink intersects)
    op.process("a", 40, &row(8), i64::MIN); // [40,50)
    assert_eq!(op.pane_count(), 3);
    assert!(op.on_watermark(11).is_empty());
    assert_eq!(
        fired(&op.on_watermark(12)),
        vec![f("b", w(3, 13), 1, 10, false)]
    );
    assert_eq!(
        fired(&op.on_watermark(24)),
        vec![f("a", w(0, 25), 3, 7, false)]
    );
    assert_eq!(
        fired(&op.on_watermark(100)),
        vec![f("a", w(40, 50), 1, 8, false)]
    );
    assert_eq!(op.pane_count(), 0);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn late_element_bridges_two_sessions() {
    let mut op = event_op(WindowSpec::Session { gap_ms: 10 }, 100);
    op.process("a", 0, &row(1), i64::MIN); // [0,10)
    op.process("a", 18, &row(2), i64::MIN); // [18,28)
    assert_eq!(
        fired(&op.on_watermark(10)),
        vec![f("a", w(0, 10), 1, 1, false)]
    );
    // ts 9 is behind the watermark but within lateness; [9,19) intersects both sessions.
    assert!(op.process("a", 9, &row(4), 10).is_empty());
    assert_eq!(op.pane_count(), 1);
    // The merged session contains an already-fired one: its firing is an update.
    assert_eq!(
        fired(&op.on_watermark(27)),
        vec![f("a", w(0, 28), 3, 7, true)]
    );
    // A late element merging into the fired (not yet purged) session fires it again at once.
    assert_eq!(
        fired(&op.process("a", 20, &row(8), 30)),
        vec![f("a", w(0, 30), 4, 15, true)]
    );
    // Purged at maxTs + lateness = 129; then an element for it is late.
    assert!(op.on_watermark(129).is_empty());
    assert_eq!(op.pane_count(), 0);
    let late = op.process("a", 5, &row(1), 129);
    assert_eq!(
        late,
        vec![Output::Late {
            key: "a".into(),
            timestamp: 5,
            lateness_ms: 124,
            row: row(1)
        }]
    );
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn count_windows_tumbling_fire_and_purge_every_n() {
    let spec = WindowSpec::Count { size: 3, slide: 3 };
    assert!(assign_windows(&spec, 5).is_empty());
    // Time characteristic is irrelevant; watermarks never make count windows late.
    let mut op = WindowOperator::new(spec, TimeCharacteristic::EventTime, 0, count_sum());
    let mut all = Vec::new();
    for i in 1..=7 {
        all.extend(fired(&op.process("k", 0, &row(i), i64::MAX)));
        assert!(op.on_watermark(i64::MAX).is_empty());
    }
    assert_eq!(
        all,
        vec![f("k", w(0, 3), 3, 6, false), f("k", w(3, 6), 3, 15, false)]
    );
    assert_eq!(op.pane_count(), 1);
    // Keys count separately.
    assert!(op.process("j", 0, &row(1), 0).is_empty());
    assert_eq!(op.pane_count(), 2);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn count_windows_sliding_fire_every_slide_over_last_size() {
    let mut op = WindowOperator::new(
        WindowSpec::Count { size: 3, slide: 2 },
        TimeCharacteristic::ProcessingTime,
        0,
        count_sum(),
    );
    let mut all = Vec::new();
    for i in 1..=7 {
        all.extend(fired(&op.process("k", i, &row(i), 0)));
    }
    assert_eq!(
        all,
        vec![
            f("k", w(0, 2), 2, 3, false),
            f("k", w(1, 4), 3, 9, false),
            f("k", w(3, 6), 3, 15, false),
        ]
    );
    assert!(op.on_processing_time(i64::MAX).is_empty());
    assert_eq!(op.pane_count(), 1);
    // size < slide: every 3 records over the last 2.
    let mut op = WindowOperator::new(
        WindowSpec::Count { size: 2, slide: 3 },
        TimeCharacteristic::EventTime,
        0,
        count_sum(),
    );
    let mut all = Vec::new();
    for i in 1..=6 {
        all.extend(fired(&op.process("k", 0, &row(i), 0)));
    }
    assert_eq!(
        all,
        vec![f("k", w(1, 3), 2, 5, false), f("k", w(4, 6), 2, 11, false)]
    );
    // Degenerate specs are inert.
    let mut op = WindowOperator::new(
        WindowSpec::Count { size: 0, slide: 0 },
        TimeCharacteristic::EventTime,
        0,
        count_sum(),
    );
    assert!(op.process("k", 0, &row(1), 0).is_empty());
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn allowed_lateness_updates_then_purges() {
    // 10 ms windows + 5 ms lateness: [0,10) fires at wm 9, is purged at wm 14 (§5.4).
    let mut op = event_op(tumbling(10, 0), 5);
    assert!(op.process("k", 1, &row(1), 0).is_empty());
    assert_eq!(
        fired(&op.on_watermark(9)),
        vec![f("k", w(0, 10), 1, 1, false)]
    );
    assert_eq!(op.pane_count(), 1);
    // Behind the watermark, within lateness: added, and the window fires again (update).
    assert_eq!(
        fired(&op.process("k", 2, &row(2), 9)),
        vec![f("k", w(0, 10), 2, 3, true)]
    );
    assert!(op.on_watermark(13).is_empty());
    assert_eq!(
        fired(&op.process("k", 3, &row(4), 13)),
        vec![f("k", w(0, 10), 3, 7, true)]
    );
    assert!(op.on_watermark(14).is_empty());
    assert_eq!(op.pane_count(), 0);
    // Now late: maxTs 9 + lateness 5 ≤ 14.
    assert_eq!(
        op.process("k", 4, &row(8), 14),
        vec![Output::Late {
            key: "k".into(),
            timestamp: 4,
            lateness_ms: 10,
            row: row(8)
        }]
    );
    // A first element for a window that is due but within lateness fires it at once, not as an
    // update (it never fired).
    assert_eq!(
        fired(&op.process("k", 12, &row(1), 20)),
        vec![f("k", w(10, 20), 1, 1, false)]
    );
    // The watermark raised by `process` fires other panes only on the next `on_watermark`.
    op.process("j", 25, &row(1), 20);
    assert!(op.process("x", 99, &row(1), 35).is_empty());
    assert_eq!(
        fired(&op.on_watermark(0)),
        vec![f("j", w(20, 30), 1, 1, false)]
    );
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn late_side_output_carries_lateness() {
    let mut op = event_op(tumbling(10, 0), 0);
    assert!(op.process("k", 25, &row(1), 0).is_empty());
    assert!(!fired(&op.on_watermark(29)).is_empty());
    let outs = op.process("k", 5, &json!({"v": 3, "x": "y"}), 29);
    assert_eq!(
        outs,
        vec![Output::Late {
            key: "k".into(),
            timestamp: 5,
            lateness_ms: 24,
            row: json!({"v": 3, "x": "y"})
        }]
    );
    // An element at exactly maxTs = watermark is late with lateness 0 (maxTs + 0 ≤ wm).
    let outs = op.process("k", 29, &row(1), 29);
    assert!(matches!(outs[..], [Output::Late { lateness_ms: 0, .. }]));
    // Sliding: an element with at least one live window is not late.
    let mut op = event_op(
        WindowSpec::Sliding {
            size_ms: 10,
            slide_ms: 5,
            offset_ms: 0,
        },
        0,
    );
    // ts 7 ∈ [0,10) (late at wm 9) and [5,15) (live).
    assert!(op.process("k", 7, &row(1), 9).is_empty());
    assert_eq!(
        fired(&op.on_watermark(14)),
        vec![f("k", w(5, 15), 1, 1, false)]
    );
    // i64::MIN watermark is normal; extreme timestamps do not overflow.
    let mut op = event_op(tumbling(10, 0), i64::MAX);
    assert!(op.process("k", i64::MIN, &row(1), i64::MIN).is_empty());
    assert!(op.process("k", i64::MAX, &row(1), i64::MAX).len() <= 1);
    op.on_watermark(i64::MAX);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn processing_time_windows_fire_and_purge_on_the_clock() {
    let mut op = WindowOperator::new(
        tumbling(1_000, 0),
        TimeCharacteristic::ProcessingTime,
        0,
        count_sum(),
    );
    assert!(op.process("k", 100, &row(1), i64::MIN).is_empty());
    assert!(op.process("k", 900, &row(2), i64::MIN).is_empty());
    assert!(op.on_watermark(5_000).is_empty());
    assert!(op.on_processing_time(998).is_empty());
    assert_eq!(
        fired(&op.on_processing_time(999)),
        vec![f("k", w(0, 1_000), 2, 3, false)]
    );
    assert_eq!(op.pane_count(), 0);
    // Nothing is late in processing time, even far behind any watermark.
    assert!(op.process("k", 1_500, &row(4), i64::MAX).is_empty());
    assert_eq!(
        fired(&op.on_processing_time(3_000)),
        vec![f("k", w(1_000, 2_000), 1, 4, false)]
    );
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn outputs_are_ordered_by_window_end_start_key() {
    let mut op = event_op(
        WindowSpec::Sliding {
            size_ms: 10,
            slide_ms: 5,
            offset_ms: 0,
        },
        0,
    );
    for key in ["c", "a", "b"] {
        op.process(key, 7, &row(1), i64::MIN);
    }
    op.process("z", 2, &row(1), i64::MIN);
    let order: Vec<(i64, i64, String)> = fired(&op.on_watermark(100))
        .into_iter()
        .map(|x| (x.1.end, x.1.start, x.0))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert_eq!(order.len(), 8);
    assert_eq!(order[0], (5, -5, "z".to_string()));
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn watermark_generator_datastream_and_sql() {
    let mut ds = BoundedOutOfOrderness::new(5_000, None, 0);
    let mut sql = BoundedOutOfOrderness::sql(5_000, None, 0);
    assert_eq!(ds.current_watermark(), i64::MIN);
    assert_eq!(sql.current_watermark(), i64::MIN);
    assert_eq!(ds.max_timestamp(), None);
    ds.on_event(10_000, 1);
    sql.on_event(10_000, 1);
    // §5.2: maxTs − d − 1 (DataStream) vs maxTs − d (SQL, literal).
    assert_eq!(ds.current_watermark(), 4_999);
    assert_eq!(sql.current_watermark(), 5_000);
    ds.on_event(8_000, 2);
    assert_eq!(ds.current_watermark(), 4_999);
    assert_eq!(ds.max_timestamp(), Some(10_000));
    ds.on_event(12_000, 3);
    assert_eq!(ds.current_watermark(), 6_999);
    // Monotonous timestamps (d = 0) and extreme timestamps saturate.
    let mut m = BoundedOutOfOrderness::new(0, None, 0);
    m.on_event(i64::MIN, 0);
    assert_eq!(m.current_watermark(), i64::MIN);
    m.on_event(100, 0);
    assert_eq!(m.current_watermark(), 99);
    assert!(!m.is_idle(i64::MAX));
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn watermark_idleness_since_creation_and_since_last_event() {
    let mut g = BoundedOutOfOrderness::new(0, Some(1_000), 500);
    assert!(!g.is_idle(1_499));
    assert!(g.is_idle(1_500));
    g.on_event(42, 2_000);
    assert!(!g.is_idle(2_999));
    assert!(g.is_idle(3_000));
    assert_eq!(g.current_watermark(), 41);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn combine_watermarks_min_over_active_splits_and_monotonic() {
    assert_eq!(
        combine_watermarks(&[(100, false), (50, false)], i64::MIN),
        50
    );
    // An idle split is excluded from the minimum (§5.2).
    assert_eq!(
        combine_watermarks(&[(100, false), (50, true)], i64::MIN),
        100
    );
    // A split without events holds everything back.
    assert_eq!(
        combine_watermarks(&[(100, false), (i64::MIN, false)], i64::MIN),
        i64::MIN
    );
    assert_eq!(combine_watermarks(&[(100, true), (50, true)], 7), 7);
    assert_eq!(combine_watermarks(&[], 7), 7);
    // Never goes back.
    assert_eq!(combine_watermarks(&[(10, false)], 50), 50);
    assert_eq!(combine_watermarks(&[(60, false), (70, false)], 50), 60);
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn key_groups_match_flink() {
    assert_eq!(java_string_hash("hello"), 99_162_322);
    assert_eq!(java_string_hash(""), 0);
    assert_eq!(java_string_hash("a"), 97);
    assert_eq!(java_string_hash("user-1"), -836_031_825);
    // Hashes UTF-16 code units: a surrogate pair counts as two.
    assert_eq!(java_string_hash("😀"), 0xD83D * 31 + 0xDE00);
    // MurmurHash3 x86_32 test vectors (seed 0) on one int, made non-negative.
    assert_eq!(murmur_hash(0), 0x2362_F9DE);
    assert_eq!(murmur_hash(-1), 0x7629_3B50);
    assert_eq!(
        murmur_hash(0x8765_4321_u32 as i32),
        -(0xF55B_516B_u32 as i32)
    );
    assert_eq!(murmur_hash(1), 68_075_478);
    assert_eq!(murmur_hash(java_string_hash("hello")), 1_715_862_179);
    for c in [i32::MIN, i32::MAX, -7, 12345] {
        assert!(murmur_hash(c) >= 0);
    }
    assert_eq!(key_group("hello", 128), 35);
    assert_eq!(key_group("", 128), 94);
    assert_eq!(key_group("user-1", 128), 121);
    assert_eq!(key_group("hello", 32_768), 31_395);
    assert_eq!(key_group("hello", 0), 0);
    assert_eq!(operator_index(35, 4, 128), 1);
    assert_eq!(operator_index(127, 4, 128), 3);
    assert_eq!(operator_index(0, 4, 128), 0);
    assert_eq!(operator_index(32_767, 32_768, 32_768), 32_767);
    assert_eq!(default_max_parallelism(1), 128);
    assert_eq!(default_max_parallelism(85), 128);
    assert_eq!(default_max_parallelism(86), 256);
    assert_eq!(default_max_parallelism(100), 256);
    assert_eq!(default_max_parallelism(21_845), 32_768);
    assert_eq!(default_max_parallelism(30_000), 32_768);
    assert_eq!(default_max_parallelism(u32::MAX), 32_768);
}

fn rescale_events() -> Vec<(String, i64, i64)> {
    // (key, ts, watermark after): 12 keys, disordered.
    (0..400)
        .map(|i: i64| {
            (
                format!("user-{}", i * 7 % 12),
                i * 3 + (i * 37) % 300 - 200,
                i * 3 - 60,
            )
        })
        .collect()
}

fn run(
    op: &mut WindowOperator,
    events: &[(String, i64, i64)],
    route: &dyn Fn(&str) -> bool,
) -> Vec<Output> {
    let mut out = Vec::new();
    for (i, (k, ts, wm)) in events.iter().enumerate() {
        if route(k) {
            out.extend(op.process(k, *ts, &json!({"v": i}), *wm));
        }
        out.extend(op.on_watermark(*wm));
    }
    out
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn rescaling_by_key_groups_preserves_results() {
    let events = rescale_events();
    let (first, rest) = events.split_at(200);
    let max_p = 128;
    let spec = tumbling(100, 0);
    let mut whole = event_op(spec, 50);
    let mut expected = run(&mut whole, first, &|_| true);
    let snapshot = whole.clone();
    expected.extend(run(&mut whole, rest, &|_| true));
    expected.extend(whole.on_watermark(i64::MAX));

    let mut got = run(&mut event_op(spec, 50), first, &|_| true);
    // Scale 1 → 2: each instance keeps its key-group range (kg·2/128).
    let owner = |k: &str| operator_index(key_group(k, max_p), 2, max_p);
    let mut a = snapshot.clone();
    a.retain_key_groups(max_p, &|g| operator_index(g, 2, max_p) == 0);
    let mut b = snapshot.clone();
    b.retain_key_groups(max_p, &|g| operator_index(g, 2, max_p) == 1);
    assert!(a.pane_count() > 0 && b.pane_count() > 0);
    assert_eq!(a.pane_count() + b.pane_count(), snapshot.pane_count());
    let total: u64 = snapshot.state_by_key_group(max_p).iter().map(|g| g.1).sum();
    assert_eq!(total, snapshot.pane_count() as u64);
    let groups = snapshot.state_by_key_group(max_p);
    assert!(groups.windows(2).all(|p| p[0].0 < p[1].0));
    assert!(groups.iter().all(|g| g.1 > 0 && g.2 > 0));
    got.extend(run(&mut a, rest, &|k| owner(k) == 0));
    got.extend(run(&mut b, rest, &|k| owner(k) == 1));
    // Scale back 2 → 1.
    a.absorb(b);
    got.extend(a.on_watermark(i64::MAX));
    let key = |o: &Output| format!("{o:?}");
    let mut e: Vec<String> = expected.iter().map(key).collect();
    let mut g: Vec<String> = got.iter().map(key).collect();
    e.sort();
    g.sort();
    assert_eq!(e, g);
    assert!(e.iter().any(|s| s.contains("Late")), "{e:#?}");
    assert!(e.iter().any(|s| s.contains("update: true")));
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn aggregates_including_top_n_and_count_distinct() {
    let specs = vec![
        agg(AggregateKind::Count, None),
        agg(AggregateKind::Count, Some("x")),
        agg(AggregateKind::Sum, Some("x")),
        agg(AggregateKind::Min, Some("x")),
        agg(AggregateKind::Max, Some("x")),
        agg(AggregateKind::Avg, Some("x")),
        agg(AggregateKind::CountDistinct, Some("s")),
        agg(AggregateKind::TopN(2), Some("s")),
        agg(AggregateKind::Sum, Some("f")),
        agg(AggregateKind::Min, Some("s")),
        agg(AggregateKind::Max, Some("S")),
        agg(AggregateKind::Avg, Some("missing")),
    ];
    let rows = [
        json!({"x": 5, "s": "b", "f": 1}),
        json!({"x": -2, "s": "a", "f": 0.5}),
        json!({"x": "12.5", "s": "b"}),
        json!({"x": null, "s": "c"}),
        json!({"s": "a"}),
        json!({"x": 7, "s": null}),
        json!({"x": 9, "s": "c", "f": 2}),
    ];
    let mut op = WindowOperator::new(tumbling(10, 0), TimeCharacteristic::EventTime, 0, specs);
    for r in &rows {
        op.process("k", 1, r, i64::MIN);
    }
    let outs = fired(&op.on_watermark(9));
    assert_eq!(outs.len(), 1);
    let res = &outs[0].2;
    assert_eq!(res[0], json!(7));
    assert_eq!(res[1], json!(5)); // non-null x: 5, -2, "12.5", 7, 9
    assert_eq!(res[2], json!(19)); // only JSON numbers: 5 − 2 + 7 + 9
    assert!(res[2].is_i64());
    // Min/Max over numbers and strings: numbers order below strings.
    assert_eq!(res[3], json!(-2));
    assert_eq!(res[4], json!("12.5"));
    assert_eq!(res[5], json!(19.0 / 4.0));
    assert_eq!(res[6], json!(3));
    // a: 2, b: 2, c: 2 → ties by value ascending.
    assert_eq!(
        res[7],
        json!([{"value": "a", "count": 2}, {"value": "b", "count": 2}])
    );
    assert_eq!(res[8], json!(3.5)); // a float makes SUM a double
    assert_eq!(res[9], json!("a"));
    assert_eq!(res[10], json!("c")); // columns are case-insensitive
    assert_eq!(res[11], Value::Null);

    // Empty-ish panes: nulls, saturating integer sums, top-n by count.
    let specs = vec![
        agg(AggregateKind::Sum, Some("x")),
        agg(AggregateKind::Min, Some("x")),
        agg(AggregateKind::Avg, Some("x")),
        agg(AggregateKind::TopN(5), Some("y")),
        agg(AggregateKind::CountDistinct, Some("y")),
    ];
    let mut op = WindowOperator::new(
        tumbling(10, 0),
        TimeCharacteristic::EventTime,
        0,
        specs.clone(),
    );
    op.process("k", 1, &json!({"y": 1}), 0);
    op.process("k", 1, &json!({"y": "1"}), 0);
    op.process("k", 1, &json!({"y": 2}), 0);
    op.process("k", 1, &json!({"y": 2}), 0);
    let res = &fired(&op.on_watermark(9))[0].2;
    assert_eq!(res[0], Value::Null);
    assert_eq!(res[1], Value::Null);
    assert_eq!(res[2], Value::Null);
    assert_eq!(
        res[3],
        json!([{"value": 2, "count": 2}, {"value": 1, "count": 1}, {"value": "1", "count": 1}])
    );
    assert_eq!(res[4], json!(3)); // 1 and "1" differ in JSON form
    let mut op = WindowOperator::new(tumbling(10, 0), TimeCharacteristic::EventTime, 0, specs);
    op.process("k", 1, &json!({"x": i64::MAX}), 0);
    op.process("k", 1, &json!({"x": 5}), 0);
    assert_eq!(fired(&op.on_watermark(9))[0].2[0], json!(i64::MAX));
}

#[test]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn clone_is_an_independent_snapshot() {
    let mut op = event_op(tumbling(10, 0), 0);
    op.process("k", 1, &row(1), 0);
    let snap = op.clone();
    op.process("k", 2, &row(2), 0);
    let mut restored = snap.clone();
    assert_eq!(
        fired(&restored.on_watermark(9)),
        vec![f("k", w(0, 10), 1, 1, false)]
    );
    assert_eq!(
        fired(&op.on_watermark(9)),
        vec![f("k", w(0, 10), 2, 3, false)]
    );
    assert_eq!(snap.pane_count(), 1);
}
