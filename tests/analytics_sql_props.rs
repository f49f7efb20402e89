//! Properties of the SQL front-end: no input string makes it panic, and every valid `QuerySpec`
//! round-trips through `to_sql` → `compile`.

#![cfg(not(target_arch = "wasm32"))]

use kinesis_playground::engine::analytics::spec::{
    AggregateKind, AggregateSpec, CmpOp, ColumnType, Predicate, QuerySpec, SourceTable,
    TimeCharacteristic, WindowSpec,
};
use kinesis_playground::engine::analytics::sql::{compile, compile_query, to_sql};
use proptest::prelude::*;
use serde_json::Value;

const EXAMPLE: &str = "CREATE TABLE orders (
  order_id STRING, customer STRING, amount DOUBLE, qty INT, ts TIMESTAMP(3), pt AS PROCTIME(),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'kinesis', 'stream' = 'orders', 'scan.stream.initpos' = 'TRIM_HORIZON');
INSERT INTO results
SELECT window_start, window_end, customer, COUNT(*) AS orders, SUM(amount) AS total, TOP_N(customer, 3)
FROM TABLE(SESSION(TABLE orders PARTITION BY (customer), DESCRIPTOR(ts), INTERVAL '10' SECOND))
WHERE amount > 10 AND customer <> 'bot' OR qty IN (1, 2) AND NOT customer LIKE 'a%'
GROUP BY window_start, window_end, customer;";

const SNIPPETS: &[&str] = &[
    "(",
    ")",
    "'",
    "\"",
    "`",
    ",",
    ";",
    "=>",
    "--",
    "/*",
    "*/",
    "TABLE ",
    " TABLE",
    "PARTITION BY ",
    "WATERMARK FOR ",
    " AS ",
    "DESCRIPTOR(",
    "INTERVAL '",
    "' SECOND",
    "TUMBLE(",
    "HOP(",
    "CUMULATE(",
    "SESSION(",
    "COUNT_WINDOW(",
    "SELECT ",
    "FROM ",
    "WHERE ",
    "GROUP BY ",
    "NOT ",
    "AND ",
    "OR ",
    "IN (",
    "LIKE ",
    "IS NULL",
    "PROCTIME()",
    "-",
    "1e999",
    "99999999999999999999",
    "\u{0}",
    "é",
    "\n",
    "\\",
    "OVER (",
    "CREATE TABLE t (",
    ") WITH (",
    "'stream' = 's'",
    "*",
];

/// Random edits of `base`: delete a range, insert a snippet, or insert a random character.
fn mutate(base: &str, edits: &[(u8, usize, usize, char)]) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for &(kind, a, b, c) in edits {
        let len = chars.len();
        let pos = if len == 0 { 0 } else { a % (len + 1) };
        match kind % 3 {
            0 if len > 0 => {
                let end = (pos + b % 20).min(len);
                chars.drain(pos..end);
            }
            1 => {
                let s = SNIPPETS[b % SNIPPETS.len()];
                for (i, ch) in s.chars().enumerate() {
                    chars.insert(pos + i, ch);
                }
            }
            _ => chars.insert(pos, c),
        }
    }
    chars.into_iter().collect()
}

fn source_of() -> SourceTable {
    SourceTable {
        name: "orders".into(),
        stream: "orders".into(),
        columns: vec![
            ("customer".into(), ColumnType::String),
            ("ts".into(), ColumnType::Timestamp),
        ],
        start_position: "LATEST".into(),
        rowtime: Some("ts".into()),
        watermark_delay_ms: 0,
        from_firehose: false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,300}") {
        let _ = compile(&s);
        let _ = compile_query(&s, &source_of());
    }

    #[test]
    fn mutated_scripts_never_panic(edits in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<char>()), 1..8)) {
        let s = mutate(EXAMPLE, &edits);
        if let Err(e) = compile(&s) {
            // Positions are 1-based and inside the text (or just past its end).
            prop_assert!(e.line >= 1 && e.column >= 1, "{e}");
            prop_assert!(e.line as usize <= s.lines().count().max(1) + 1, "{e}");
        }
        let _ = compile_query(&s, &source_of());
    }
}

// ---- valid QuerySpecs ----

const WINDOW_NAMES: [&str; 3] = ["window_start", "window_end", "window_time"];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z_][a-zA-Z0-9_]{0,7}",
        1 => prop::sample::select(vec!["select", "from", "user", "my col", "x`y", "Ts", "ü", "count", "TABLE", "order"])
            .prop_map(String::from),
    ]
    .prop_filter("window column names are reserved", |n| !WINDOW_NAMES.iter().any(|w| w.eq_ignore_ascii_case(n)))
}

fn column_type() -> impl Strategy<Value = ColumnType> {
    prop::sample::select(vec![
        ColumnType::String,
        ColumnType::BigInt,
        ColumnType::Double,
        ColumnType::Boolean,
        ColumnType::Timestamp,
    ])
}

fn literal() -> impl Strategy<Value = Value> {
    prop_oneof![
        "\\PC{0,8}".prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
    ]
}

fn predicate(cols: Vec<String>) -> impl Strategy<Value = Predicate> {
    let col = prop::sample::select(cols);
    let op = prop::sample::select(vec![
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ]);
    let leaf = prop_oneof![
        (col.clone(), op, literal()).prop_map(|(field, op, value)| Predicate::Compare {
            field,
            op,
            value
        }),
        (col.clone(), any::<bool>())
            .prop_map(|(field, negated)| Predicate::IsNull { field, negated }),
        (col.clone(), prop::collection::vec(literal(), 1..4))
            .prop_map(|(field, values)| Predicate::In { field, values }),
        (col, "\\PC{0,8}").prop_map(|(field, pattern)| Predicate::Like { field, pattern }),
    ];
    leaf.prop_recursive(4, 16, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| Predicate::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| Predicate::Or(Box::new(a), Box::new(b))),
            inner.prop_map(|a| Predicate::Not(Box::new(a))),
        ]
    })
}

fn window() -> impl Strategy<Value = WindowSpec> {
    let ms = 1i64..100_000_000;
    prop_oneof![
        (ms.clone(), any::<i64>()).prop_map(|(size_ms, o)| WindowSpec::Tumbling {
            size_ms,
            offset_ms: o % size_ms
        }),
        (ms.clone(), 1i64..20, any::<i64>()).prop_map(|(slide_ms, k, o)| WindowSpec::Sliding {
            size_ms: slide_ms * k,
            slide_ms,
            offset_ms: o % slide_ms
        }),
        ms.clone().prop_map(|gap_ms| WindowSpec::Session { gap_ms }),
        (ms, 1i64..50).prop_map(|(step_ms, k)| WindowSpec::Cumulate {
            step_ms,
            size_ms: step_ms * k
        }),
        (1u64..1_000_000, 1u64..1_000_000)
            .prop_map(|(size, slide)| WindowSpec::Count { size, slide }),
    ]
}

/// A valid spec: distinct (case-insensitive) names, numeric SUM/AVG inputs, output listing the
/// aggregates in order.
fn spec() -> impl Strategy<Value = QuerySpec> {
    let columns = prop::collection::vec((name(), column_type()), 1..6).prop_map(|cols| {
        let mut seen: Vec<String> = Vec::new();
        cols.into_iter()
            .filter(|(n, _)| {
                let l = n.to_lowercase();
                let fresh = !seen.contains(&l);
                seen.push(l);
                fresh
            })
            .collect::<Vec<_>>()
    });
    (
        columns,
        name(),
        "\\PC{1,10}",
        any::<bool>(),
        any::<bool>(),
        0i64..10_000_000,
        window(),
        proptest::option::of(name()),
    )
        .prop_flat_map(
            |(mut columns, table, stream, trim, event, delay, window, sink)| {
                let rowtime = if event {
                    if !columns.iter().any(|(_, t)| *t == ColumnType::Timestamp) {
                        if let Some(c) = columns.first_mut() {
                            c.1 = ColumnType::Timestamp;
                        }
                    }
                    columns
                        .iter()
                        .find(|(_, t)| *t == ColumnType::Timestamp)
                        .map(|(n, _)| n.clone())
                } else {
                    None
                };
                let source = SourceTable {
                    name: table,
                    stream,
                    columns: columns.clone(),
                    start_position: if trim { "TRIM_HORIZON" } else { "LATEST" }.into(),
                    watermark_delay_ms: if rowtime.is_some() { delay } else { 0 },
                    from_firehose: false,
                    rowtime,
                };
                let names: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
                let numeric: Vec<String> = columns
                    .iter()
                    .filter(|(_, t)| matches!(t, ColumnType::BigInt | ColumnType::Double))
                    .map(|(n, _)| n.clone())
                    .collect();
                let keys = prop::sample::subsequence(names.clone(), 0..=names.len()).prop_shuffle();
                let has_numeric = !numeric.is_empty();
                let num_pool = if has_numeric { numeric } else { names.clone() };
                let agg = (
                    0u8..7,
                    prop::sample::select(names.clone()),
                    prop::sample::select(num_pool).prop_map(move |c| has_numeric.then_some(c)),
                    1usize..=1000,
                    proptest::option::of(name()),
                )
                    .prop_map(|(k, col, num, n, alias)| {
                        let (kind, field) = match k {
                            0 => (AggregateKind::Count, None),
                            1 => (AggregateKind::Count, Some(col)),
                            2 => (AggregateKind::CountDistinct, Some(col)),
                            3 => (AggregateKind::Min, Some(col)),
                            4 => (AggregateKind::Max, Some(col)),
                            5 => (AggregateKind::TopN(n), Some(col)),
                            _ => match num {
                                Some(c) if n % 2 == 0 => (AggregateKind::Sum, Some(c)),
                                Some(c) => (AggregateKind::Avg, Some(c)),
                                None => (AggregateKind::Count, None),
                            },
                        };
                        (kind, field, alias)
                    });
                let aggs = prop::collection::vec(agg, 1..5);
                let filter = proptest::option::of(predicate(names));
                let windows = prop::sample::subsequence(WINDOW_NAMES.to_vec(), 0..=3);
                (
                    Just(source),
                    keys,
                    aggs,
                    filter,
                    windows,
                    any::<bool>(),
                    Just(window),
                    Just(sink),
                    any::<u64>(),
                )
            },
        )
        .prop_map(
            |(source, keys, aggs, filter, windows, event, window, sink, seed)| {
                let time = if event && source.rowtime.is_some() {
                    TimeCharacteristic::EventTime
                } else {
                    TimeCharacteristic::ProcessingTime
                };
                // Output names: window columns, keys, then aggregates with unique aliases.
                let mut plain: Vec<String> = windows.iter().map(|w| w.to_string()).collect();
                let key_count = (seed % (keys.len() as u64 + 1)) as usize;
                plain.extend(keys.iter().take(key_count).cloned());
                let mut taken: Vec<String> = plain.iter().map(|p| p.to_lowercase()).collect();
                let mut aggregates = Vec::new();
                for (i, (kind, field, alias)) in aggs.into_iter().enumerate() {
                    let mut alias = alias.unwrap_or_else(|| format!("agg_{i}"));
                    while taken.contains(&alias.to_lowercase()) {
                        alias.push('_');
                    }
                    taken.push(alias.to_lowercase());
                    aggregates.push(AggregateSpec { kind, field, alias });
                }
                // Interleave deterministically from the seed, keeping aggregate order.
                let mut output = Vec::new();
                let (mut p, mut a) = (plain.into_iter().peekable(), aggregates.iter().peekable());
                let mut bits = seed;
                loop {
                    let take_plain = match (p.peek(), a.peek()) {
                        (None, None) => break,
                        (Some(_), None) => true,
                        (None, Some(_)) => false,
                        _ => bits & 1 == 1,
                    };
                    bits = bits.rotate_right(1);
                    if take_plain {
                        output.extend(p.next());
                    } else {
                        output.extend(a.next().map(|x| x.alias.clone()));
                    }
                }
                QuerySpec {
                    source,
                    time,
                    window,
                    keys,
                    filter,
                    aggregates,
                    output,
                    sink,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn valid_specs_round_trip(spec in spec()) {
        let text = to_sql(&spec);
        match compile(&text) {
            Ok(back) => prop_assert_eq!(back, spec, "via\n{}", text),
            Err(e) => prop_assert!(false, "to_sql output does not compile: {}\n{}", e, text),
        }
    }
}

/// Deeply nested or long left-deep inputs are errors, computed within a 1 MiB stack (the
/// default wasm32 stack): the parser's recursion limit and the token cap bound every tree.
#[test]
fn deep_inputs_fit_in_a_small_stack() {
    let ddl = "CREATE TABLE t (a BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('stream' = 's');\n";
    let q = |filter: String| {
        format!(
            "{ddl}SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' SECOND)) WHERE {filter} GROUP BY window_start, window_end"
        )
    };
    let inputs = vec![
        "(".repeat(5000),
        q(format!("{}a = 1{}", "(".repeat(45), ")".repeat(45))),
        q(format!("{}a = 1", "NOT ".repeat(1500))),
        q(format!("a = {}1", "- ".repeat(1900))),
        q(vec!["a = 1"; 600].join(" OR ")),
        q(format!("a{} = 1", "[1]".repeat(600))),
        q(format!("a{} = 1", "::INT".repeat(900))),
        q(format!("a IN ({})", vec!["1"; 990].join(", "))),
        format!("{ddl}SELECT {}", vec!["COUNT(*)"; 600].join(", ")),
    ];
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            for s in inputs {
                let _ = compile(&s);
                let _ = compile_query(&s, &source_of());
            }
        })
        .expect("spawn")
        .join()
        .expect("no stack overflow or panic");
}
