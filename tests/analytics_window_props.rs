//! Properties of the window operator (semantics.md §5.2–§5.5): with (practically) unbounded
//! lateness the last firing of every tumbling window equals a batch computation; with lateness 0
//! every input is either in exactly one firing or in the late side output; sessions equal a batch
//! sessionization; sliding assignment follows Flink's loop; no input panics.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use kinesis_playground::engine::analytics::spec::{
    AggregateKind, AggregateSpec, TimeCharacteristic, Window, WindowSpec,
};
use kinesis_playground::engine::analytics::window::{
    assign_windows, combine_watermarks, default_max_parallelism, key_group, operator_index,
    window_start, BoundedOutOfOrderness, Output, WindowOperator,
};
use proptest::prelude::*;
use serde_json::{json, Value};

fn aggs() -> Vec<AggregateSpec> {
    vec![
        AggregateSpec {
            kind: AggregateKind::Count,
            field: None,
            alias: "n".into(),
        },
        AggregateSpec {
            kind: AggregateKind::Sum,
            field: Some("v".into()),
            alias: "s".into(),
        },
    ]
}

/// One step of a run: an event `(key, ts)`, optionally followed by a periodic watermark
/// `maxTs − delay`.
#[derive(Clone, Debug)]
struct Step {
    key: u8,
    ts: i64,
    watermark_delay: Option<i64>,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        (
            0u8..4,
            -5_000i64..20_000,
            prop::option::weighted(0.3, 0i64..4_000),
        )
            .prop_map(|(key, ts, watermark_delay)| Step {
                key,
                ts,
                watermark_delay,
            }),
        0..120,
    )
}

/// Runs the steps; returns all outputs (in emission order) and the events as (key, ts, v).
fn run(op: &mut WindowOperator, steps: &[Step]) -> (Vec<Output>, Vec<(String, i64, i64)>) {
    let mut out = Vec::new();
    let mut events = Vec::new();
    let mut wm = i64::MIN;
    let mut max_ts = i64::MIN;
    for (i, s) in steps.iter().enumerate() {
        let key = format!("k{}", s.key);
        let v = i as i64 + 1;
        out.extend(op.process(&key, s.ts, &json!({ "v": v }), wm));
        events.push((key, s.ts, v));
        max_ts = max_ts.max(s.ts);
        if let Some(d) = s.watermark_delay {
            wm = wm.max(max_ts - d);
            out.extend(op.on_watermark(wm));
        }
    }
    out.extend(op.on_watermark(i64::MAX));
    (out, events)
}

/// `(count, sum)` per (key, window) from the last firing of each.
fn last_firings(out: &[Output]) -> BTreeMap<(String, Window), (i64, i64)> {
    let mut m = BTreeMap::new();
    for o in out {
        if let Output::Fired {
            key,
            window,
            results,
            records,
            ..
        } = o
        {
            let n = results[0].as_i64().unwrap();
            assert_eq!(n as u64, *records);
            m.insert((key.clone(), *window), (n, results[1].as_i64().unwrap()));
        }
    }
    m
}

fn batch(
    events: &[(String, i64, i64)],
    windows: impl Fn(i64) -> Vec<Window>,
) -> BTreeMap<(String, Window), (i64, i64)> {
    let mut m: BTreeMap<(String, Window), (i64, i64)> = BTreeMap::new();
    for (k, ts, v) in events {
        for w in windows(*ts) {
            let e = m.entry((k.clone(), w)).or_default();
            e.0 += 1;
            e.1 += v;
        }
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn tumbling_with_unbounded_lateness_equals_batch(
        steps in steps(), size in 1i64..3_000, offset in -1_000i64..1_000,
    ) {
        let spec = WindowSpec::Tumbling { size_ms: size, offset_ms: offset };
        let mut op = WindowOperator::new(spec, TimeCharacteristic::EventTime, 1_000_000_000, aggs());
        let (out, events) = run(&mut op, &steps);
        let all_fired = out.iter().all(|o| matches!(o, Output::Fired { .. }));
        prop_assert!(all_fired);
        let expected = batch(&events, |ts| {
            let s = window_start(ts, offset, size);
            vec![Window { start: s, end: s + size }]
        });
        prop_assert_eq!(last_firings(&out), expected);
        prop_assert_eq!(op.pane_count(), 0);
        // Every (key, window) fires once first, then only updates.
        let mut seen = std::collections::BTreeSet::new();
        for o in &out {
            if let Output::Fired { key, window, update, .. } = o {
                prop_assert_eq!(*update, !seen.insert((key.clone(), *window)));
            }
        }
    }

    #[test]
    fn tumbling_with_zero_lateness_accounts_for_every_input_once(
        steps in steps(), size in 1i64..3_000,
    ) {
        let spec = WindowSpec::Tumbling { size_ms: size, offset_ms: 0 };
        let mut op = WindowOperator::new(spec, TimeCharacteristic::EventTime, 0, aggs());
        let (out, events) = run(&mut op, &steps);
        let (mut records, mut sum, mut late_n, mut late_sum) = (0i64, 0i64, 0i64, 0i64);
        let mut late_vs = Vec::new();
        let mut fired = std::collections::BTreeSet::new();
        for o in &out {
            match o {
                Output::Fired { key, window, results, records: r, update } => {
                    prop_assert!(!update);
                    prop_assert!(fired.insert((key.clone(), *window)), "fired twice");
                    records += *r as i64;
                    sum += results[1].as_i64().unwrap();
                }
                Output::Late { timestamp, lateness_ms, row, .. } => {
                    prop_assert!(*lateness_ms >= 0);
                    let s = window_start(*timestamp, 0, size);
                    // Late exactly when its window's maxTs ≤ the watermark it met.
                    prop_assert!(s + size - 1 <= timestamp + lateness_ms);
                    late_n += 1;
                    let v = row["v"].as_i64().unwrap();
                    late_sum += v;
                    late_vs.push(v);
                }
            }
        }
        prop_assert_eq!(records + late_n, events.len() as i64);
        prop_assert_eq!(sum + late_sum, events.iter().map(|e| e.2).sum::<i64>());
        // The firings equal the batch over the records that were not late.
        let on_time: Vec<_> = events.iter().filter(|e| !late_vs.contains(&e.2)).cloned().collect();
        let expected = batch(&on_time, |ts| {
            let s = window_start(ts, 0, size);
            vec![Window { start: s, end: s + size }]
        });
        prop_assert_eq!(last_firings(&out), expected);
        prop_assert_eq!(op.pane_count(), 0);
    }

    #[test]
    fn sessions_with_unbounded_lateness_equal_batch_sessions(steps in steps(), gap in 1i64..2_000) {
        let mut op = WindowOperator::new(
            WindowSpec::Session { gap_ms: gap }, TimeCharacteristic::EventTime, 1_000_000_000, aggs());
        let (out, events) = run(&mut op, &steps);
        let mut by_key: BTreeMap<String, Vec<(i64, i64)>> = BTreeMap::new();
        for (k, ts, v) in &events {
            by_key.entry(k.clone()).or_default().push((*ts, *v));
        }
        let mut expected = BTreeMap::new();
        for (k, mut evs) in by_key {
            evs.sort();
            let mut cur: Option<(Window, i64, i64)> = None;
            for (ts, v) in evs {
                cur = match cur {
                    // Flink merges intersecting windows, touching ones included.
                    Some((w, n, s)) if ts <= w.end => {
                        Some((Window { start: w.start, end: w.end.max(ts + gap) }, n + 1, s + v))
                    }
                    other => {
                        if let Some((w, n, s)) = other {
                            expected.insert((k.clone(), w), (n, s));
                        }
                        Some((Window { start: ts, end: ts + gap }, 1, v))
                    }
                };
            }
            if let Some((w, n, s)) = cur {
                expected.insert((k.clone(), w), (n, s));
            }
        }
        // Sessions that were later merged into bigger ones fired under their old window too;
        // compare the firings of the final sessions.
        let got: BTreeMap<_, _> = last_firings(&out)
            .into_iter()
            .filter(|(kw, _)| expected.contains_key(kw))
            .collect();
        prop_assert_eq!(got, expected);
        prop_assert_eq!(op.pane_count(), 0);
    }

    #[test]
    fn sliding_assignment_follows_flink(
        ts in -1_000_000i64..1_000_000, size in 1i64..500, slide in 1i64..200, offset in -300i64..300,
    ) {
        let slide = slide.min(size);
        let spec = WindowSpec::Sliding { size_ms: size, slide_ms: slide, offset_ms: offset };
        let ws = assign_windows(&spec, ts);
        let (lo, hi) = (size / slide, (size + slide - 1) / slide);
        prop_assert!(ws.len() as i64 == lo || ws.len() as i64 == hi);
        if size % slide == 0 {
            prop_assert_eq!(ws.len() as i64, size / slide);
        }
        for w in &ws {
            prop_assert!(w.start <= ts && ts < w.end && w.end - w.start == size);
            prop_assert_eq!((w.start - offset).rem_euclid(slide), 0);
        }
        let brute = (ts - size + 1..=ts).filter(|s| (s - offset).rem_euclid(slide) == 0).count();
        prop_assert_eq!(ws.len(), brute);
    }

    #[test]
    fn sliding_operator_counts_each_element_in_each_of_its_windows(
        steps in steps(), size in 1i64..2_000, slide in 1i64..700,
    ) {
        let spec = WindowSpec::Sliding { size_ms: size, slide_ms: slide.min(size), offset_ms: 0 };
        let mut op = WindowOperator::new(spec, TimeCharacteristic::EventTime, 1_000_000_000, aggs());
        let (out, events) = run(&mut op, &steps);
        let expected = batch(&events, |ts| assign_windows(&spec, ts));
        prop_assert_eq!(last_firings(&out), expected);
    }
}

fn any_spec() -> impl Strategy<Value = WindowSpec> {
    let n = prop_oneof![any::<i64>(), -5i64..5_000];
    prop_oneof![
        (n.clone(), n.clone())
            .prop_map(|(size_ms, offset_ms)| WindowSpec::Tumbling { size_ms, offset_ms }),
        (n.clone(), -5i64..5_000, n.clone()).prop_map(|(size_ms, slide_ms, offset_ms)| {
            WindowSpec::Sliding {
                size_ms,
                slide_ms,
                offset_ms,
            }
        }),
        n.clone().prop_map(|gap_ms| WindowSpec::Session { gap_ms }),
        (-5i64..5_000, n).prop_map(|(step_ms, size_ms)| WindowSpec::Cumulate { step_ms, size_ms }),
        (0u64..6, 0u64..6).prop_map(|(size, slide)| WindowSpec::Count { size, slide }),
    ]
}

fn any_row() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(|v| json!({ "v": v })),
        any::<u64>().prop_map(|v| json!({ "v": v })),
        any::<f64>().prop_map(|v| json!({ "v": v, "s": v.to_string() })),
        "[a-c]{0,3}".prop_map(|s| json!({ "v": s.clone(), "s": s })),
        Just(json!({ "v": [1, 2], "s": {"a": 1} })),
        Just(json!([1, 2, 3])),
    ]
}

fn any_time() -> impl Strategy<Value = i64> {
    prop_oneof![
        any::<i64>(),
        Just(i64::MIN),
        Just(i64::MAX),
        -10_000i64..10_000
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_input_panics(
        spec in any_spec(),
        processing in any::<bool>(),
        lateness in any_time(),
        ops in prop::collection::vec((0u8..5, "[a-z]{0,2}", any_time(), any_row()), 0..40),
        max_p in 0u32..300,
    ) {
        let all = vec![
            AggregateSpec { kind: AggregateKind::Count, field: None, alias: "a".into() },
            AggregateSpec { kind: AggregateKind::Count, field: Some("v".into()), alias: "b".into() },
            AggregateSpec { kind: AggregateKind::Sum, field: Some("v".into()), alias: "c".into() },
            AggregateSpec { kind: AggregateKind::Min, field: Some("v".into()), alias: "d".into() },
            AggregateSpec { kind: AggregateKind::Max, field: Some("s".into()), alias: "e".into() },
            AggregateSpec { kind: AggregateKind::Avg, field: Some("v".into()), alias: "f".into() },
            AggregateSpec { kind: AggregateKind::CountDistinct, field: Some("s".into()), alias: "g".into() },
            AggregateSpec { kind: AggregateKind::TopN(2), field: Some("v".into()), alias: "h".into() },
            AggregateSpec { kind: AggregateKind::TopN(0), field: Some("s".into()), alias: "i".into() },
        ];
        let time = if processing { TimeCharacteristic::ProcessingTime } else { TimeCharacteristic::EventTime };
        let mut op = WindowOperator::new(spec, time, lateness, all);
        let mut other = op.clone();
        for (kind, key, t, row) in &ops {
            let _ = match kind {
                0 | 1 => op.process(key, *t, row, *t),
                2 => op.on_watermark(*t),
                3 => op.on_processing_time(*t),
                _ => other.process(key, *t, row, i64::MIN),
            };
        }
        let _ = op.state_by_key_group(max_p);
        let _ = op.pane_count();
        op.retain_key_groups(max_p, &|g| g % 2 == 0);
        other.retain_key_groups(max_p, &|g| g % 2 == 1);
        op.absorb(other);
        let _ = op.on_watermark(i64::MAX);
        let _ = op.on_processing_time(i64::MAX);
        prop_assert_eq!(op.current_watermark(), i64::MAX);
        if !matches!(spec, WindowSpec::Count { .. }) {
            prop_assert_eq!(op.pane_count(), 0);
        }
    }

    #[test]
    fn watermark_helpers_never_panic_and_stay_monotonic(
        delay in any_time(), idle in prop::option::of(any_time()), created in any_time(),
        events in prop::collection::vec((any_time(), any_time()), 0..20),
        splits in prop::collection::vec((any_time(), any::<bool>()), 0..6), previous in any_time(),
        key in ".{0,8}", max_p in any::<u32>(), parallelism in any::<u32>(), group in any::<u32>(),
    ) {
        for sql in [false, true] {
            let mut g = if sql {
                BoundedOutOfOrderness::sql(delay, idle, created)
            } else {
                BoundedOutOfOrderness::new(delay, idle, created)
            };
            let mut last = g.current_watermark();
            prop_assert_eq!(last, i64::MIN);
            for (ts, now) in &events {
                g.on_event(*ts, *now);
                let w = g.current_watermark();
                prop_assert!(w >= last);
                last = w;
                let _ = g.is_idle(*now);
            }
        }
        let c = combine_watermarks(&splits, previous);
        prop_assert!(c >= previous);
        let kg = key_group(&key, max_p);
        prop_assert!(kg < max_p.max(1));
        let idx = operator_index(group, parallelism, max_p);
        prop_assert!(idx < parallelism.max(1));
        if max_p > 0 && parallelism > 0 && parallelism <= max_p {
            let exact = kg as u64 * parallelism as u64 / max_p as u64;
            prop_assert_eq!(operator_index(kg, parallelism, max_p) as u64, exact);
            prop_assert!(operator_index(kg, parallelism, max_p) < parallelism);
        }
        let d = default_max_parallelism(parallelism);
        prop_assert!((128..=32_768).contains(&d) && d.is_power_of_two());
    }
}
