//! The Flink-SQL subset front-end (semantics.md §5.8): supported forms compile to exact
//! `QuerySpec`s, unsupported forms fail at a pinned line/column with a helpful message, and
//! `to_sql` round-trips.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kinesis_playground::engine::analytics::spec::{
    AggregateKind, AggregateSpec, CmpOp, ColumnType, Predicate, QuerySpec, SourceTable,
    TimeCharacteristic, WindowSpec,
};
use kinesis_playground::engine::analytics::sql::{compile, compile_query, to_sql, SqlError};
use serde_json::json;

/// Four lines: queries appended after it start on line 5.
const DDL: &str = "CREATE TABLE orders (
  order_id STRING, customer STRING, amount DOUBLE, qty INT, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'kinesis', 'stream' = 'orders', 'scan.stream.initpos' = 'TRIM_HORIZON');
";

fn orders() -> SourceTable {
    SourceTable {
        name: "orders".into(),
        stream: "orders".into(),
        columns: vec![
            ("order_id".into(), ColumnType::String),
            ("customer".into(), ColumnType::String),
            ("amount".into(), ColumnType::Double),
            ("qty".into(), ColumnType::BigInt),
            ("ts".into(), ColumnType::Timestamp),
        ],
        start_position: "TRIM_HORIZON".into(),
        rowtime: Some("ts".into()),
        watermark_delay_ms: 5000,
        from_firehose: false,
    }
}

fn agg(kind: AggregateKind, field: Option<&str>, alias: &str) -> AggregateSpec {
    AggregateSpec {
        kind,
        field: field.map(String::from),
        alias: alias.into(),
    }
}

fn cmp(field: &str, op: CmpOp, value: serde_json::Value) -> Predicate {
    Predicate::Compare {
        field: field.into(),
        op,
        value,
    }
}

fn and(a: Predicate, b: Predicate) -> Predicate {
    Predicate::And(Box::new(a), Box::new(b))
}

fn or(a: Predicate, b: Predicate) -> Predicate {
    Predicate::Or(Box::new(a), Box::new(b))
}

fn not(a: Predicate) -> Predicate {
    Predicate::Not(Box::new(a))
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A spec over `orders` counting per window with no keys, filter or sink.
fn base(window: WindowSpec) -> QuerySpec {
    QuerySpec {
        source: orders(),
        time: TimeCharacteristic::EventTime,
        window,
        keys: vec![],
        filter: None,
        aggregates: vec![agg(AggregateKind::Count, None, "count_star")],
        output: strs(&["window_start", "window_end", "count_star"]),
        sink: None,
    }
}

/// Compiles, checks the spec, and checks `to_sql` round-trips it.
fn check(sql: &str, expected: &QuerySpec) {
    let spec = compile(sql).unwrap_or_else(|e| panic!("{e}\n{sql}"));
    assert_eq!(&spec, expected, "{sql}");
    let text = to_sql(&spec);
    let again =
        compile(&text).unwrap_or_else(|e| panic!("to_sql output does not compile: {e}\n{text}"));
    assert_eq!(again, spec, "round trip via\n{text}");
}

fn tumble10() -> WindowSpec {
    WindowSpec::Tumbling {
        size_ms: 10_000,
        offset_ms: 0,
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_reference_example_compiles() {
    let sql = format!(
        "{DDL}
INSERT INTO results            -- optional; sink name
SELECT window_start, window_end, customer, COUNT(*) AS orders, SUM(amount) AS total
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
WHERE amount > 10 AND customer <> 'bot'
GROUP BY window_start, window_end, customer;"
    );
    let expected = QuerySpec {
        keys: strs(&["customer"]),
        filter: Some(and(
            cmp("amount", CmpOp::Gt, json!(10)),
            cmp("customer", CmpOp::Ne, json!("bot")),
        )),
        aggregates: vec![
            agg(AggregateKind::Count, None, "orders"),
            agg(AggregateKind::Sum, Some("amount"), "total"),
        ],
        output: strs(&["window_start", "window_end", "customer", "orders", "total"]),
        sink: Some("results".into()),
        ..base(tumble10())
    };
    check(&sql, &expected);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn tumble_with_offset_and_plural_units() {
    let sql = format!(
        "{DDL}SELECT window_start, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' HOURS, INTERVAL '-15' MINUTES)) GROUP BY window_start, window_end"
    );
    check(
        &sql,
        &base(WindowSpec::Tumbling {
            size_ms: 3_600_000,
            offset_ms: -900_000,
        }),
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn hop_takes_slide_before_size() {
    let sql = format!(
        "{DDL}SELECT window_start, window_end, COUNT(*) FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '5' SECONDS, INTERVAL '1' MINUTE, INTERVAL '1' SECOND)) GROUP BY window_start, window_end"
    );
    check(
        &sql,
        &base(WindowSpec::Sliding {
            size_ms: 60_000,
            slide_ms: 5_000,
            offset_ms: 1_000,
        }),
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn cumulate_with_named_arguments() {
    let sql = format!(
        "{DDL}SELECT window_start, window_end, COUNT(*) FROM TABLE(CUMULATE(DATA => TABLE orders, TIMECOL => DESCRIPTOR(ts), STEP => INTERVAL '1' MINUTE, SIZE => INTERVAL '1' HOUR)) GROUP BY window_start, window_end"
    );
    check(
        &sql,
        &base(WindowSpec::Cumulate {
            step_ms: 60_000,
            size_ms: 3_600_000,
        }),
    );
    // Named arguments in any order, mixed with positional ones.
    let sql = format!(
        "{DDL}SELECT window_start, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, SIZE => INTERVAL '10' SECOND, TIMECOL => DESCRIPTOR(ts))) GROUP BY window_start, window_end"
    );
    check(&sql, &base(tumble10()));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn session_partition_keys_are_keys() {
    let expected = QuerySpec {
        keys: strs(&["customer"]),
        output: strs(&["window_start", "window_end", "customer", "count_star"]),
        ..base(WindowSpec::Session { gap_ms: 30_000 })
    };
    let sql = format!(
        "{DDL}SELECT window_start, window_end, customer, COUNT(*) FROM TABLE(SESSION(TABLE orders PARTITION BY customer, DESCRIPTOR(ts), INTERVAL '30' SECOND)) GROUP BY window_start, window_end, customer"
    );
    check(&sql, &expected);
    let sql = format!(
        "{DDL}SELECT window_start, window_end, customer, COUNT(*) FROM TABLE(SESSION(TABLE orders PARTITION BY (customer, order_id), DESCRIPTOR(ts), INTERVAL '30' SECOND)) GROUP BY window_start, window_end, customer, order_id"
    );
    check(
        &sql,
        &QuerySpec {
            keys: strs(&["customer", "order_id"]),
            ..expected.clone()
        },
    );
    // Without PARTITION BY the GROUP BY keys still key the sessions.
    let sql = format!(
        "{DDL}SELECT window_start, window_end, customer, COUNT(*) FROM TABLE(SESSION(TABLE orders, DESCRIPTOR(ts), INTERVAL '30' SECOND)) GROUP BY window_start, window_end, customer"
    );
    check(&sql, &expected);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn count_windows() {
    let sql = format!(
        "{DDL}SELECT window_start, window_end, COUNT(*) FROM TABLE(COUNT_WINDOW(TABLE orders, 100, 10)) GROUP BY window_start, window_end"
    );
    check(
        &sql,
        &QuerySpec {
            time: TimeCharacteristic::ProcessingTime,
            ..base(WindowSpec::Count {
                size: 100,
                slide: 10,
            })
        },
    );
    let sql = format!(
        "{DDL}SELECT window_start, window_end, COUNT(*) FROM TABLE(COUNT_WINDOW(TABLE orders, DESCRIPTOR(ts), 5)) GROUP BY window_start, window_end"
    );
    check(&sql, &base(WindowSpec::Count { size: 5, slide: 5 }));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn proctime_column_means_processing_time() {
    let sql = "CREATE TABLE clicks (page STRING, `user` VARCHAR(20), pt AS PROCTIME())
WITH ('stream' = 'clickstream');
SELECT window_start, window_end, TOP_N(page, 3), COUNT(DISTINCT `user`)
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(pt), INTERVAL '1:30' MINUTE TO SECOND))
GROUP BY window_start, window_end";
    let expected = QuerySpec {
        source: SourceTable {
            name: "clicks".into(),
            stream: "clickstream".into(),
            columns: vec![
                ("page".into(), ColumnType::String),
                ("user".into(), ColumnType::String),
            ],
            start_position: "LATEST".into(),
            rowtime: None,
            watermark_delay_ms: 0,
            from_firehose: false,
        },
        time: TimeCharacteristic::ProcessingTime,
        window: WindowSpec::Tumbling {
            size_ms: 90_000,
            offset_ms: 0,
        },
        keys: vec![],
        filter: None,
        aggregates: vec![
            agg(AggregateKind::TopN(3), Some("page"), "top_n_page"),
            agg(
                AggregateKind::CountDistinct,
                Some("user"),
                "count_distinct_user",
            ),
        ],
        output: strs(&[
            "window_start",
            "window_end",
            "top_n_page",
            "count_distinct_user",
        ]),
        sink: None,
    };
    check(sql, &expected);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn column_types_options_and_watermark_forms() {
    let sql = "create table T (
  -- every supported type
  WATERMARK FOR t3 AS t3,
  s STRING, v VARCHAR(10), c CHAR(2), i INT, ii INTEGER, b BIGINT, si SMALLINT, ti TINYINT,
  d DOUBLE, f FLOAT, de DECIMAL(10, 2), r REAL, bo BOOLEAN NOT NULL, t1 TIMESTAMP,
  t2 TIMESTAMP_LTZ(3), t3 TIMESTAMP(3)
) with ('connector' = 'kinesis', 'stream' = 'in', 'aws.region' = 'us-east-1', 'format' = 'json',
        'scan.stream.initpos' = 'latest');
select window_start, window_time, count(*) as n from table(tumble(table t, descriptor(T3), interval '250' millisecond))
group by window_start, window_end, window_time";
    use ColumnType as C;
    let cols = [
        ("s", C::String),
        ("v", C::String),
        ("c", C::String),
        ("i", C::BigInt),
        ("ii", C::BigInt),
        ("b", C::BigInt),
        ("si", C::BigInt),
        ("ti", C::BigInt),
        ("d", C::Double),
        ("f", C::Double),
        ("de", C::Double),
        ("r", C::Double),
        ("bo", C::Boolean),
        ("t1", C::Timestamp),
        ("t2", C::Timestamp),
        ("t3", C::Timestamp),
    ];
    let expected = QuerySpec {
        source: SourceTable {
            name: "T".into(),
            stream: "in".into(),
            columns: cols.iter().map(|(n, t)| (n.to_string(), *t)).collect(),
            start_position: "LATEST".into(),
            rowtime: Some("t3".into()),
            watermark_delay_ms: 0,
            from_firehose: false,
        },
        time: TimeCharacteristic::EventTime,
        window: WindowSpec::Tumbling {
            size_ms: 250,
            offset_ms: 0,
        },
        keys: vec![],
        filter: None,
        aggregates: vec![agg(AggregateKind::Count, None, "n")],
        output: strs(&["window_start", "window_time", "n"]),
        sink: None,
    };
    check(sql, &expected);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn where_forms() {
    let sql = format!(
        "{DDL}SELECT window_start, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
WHERE (10 < amount OR qty != -2) AND NOT customer IN ('a', 'b') AND customer NOT LIKE 'x%'
  AND order_id IS NOT NULL AND (customer IS NULL OR qty BETWEEN 1 AND 2.5) AND customer LIKE '_b%'
GROUP BY window_start, window_end"
    );
    let filter = and(
        and(
            and(
                and(
                    or(
                        cmp("amount", CmpOp::Gt, json!(10)),
                        cmp("qty", CmpOp::Ne, json!(-2)),
                    ),
                    not(Predicate::In {
                        field: "customer".into(),
                        values: vec![json!("a"), json!("b")],
                    }),
                ),
                not(Predicate::Like {
                    field: "customer".into(),
                    pattern: "x%".into(),
                }),
            ),
            Predicate::IsNull {
                field: "order_id".into(),
                negated: true,
            },
        ),
        or(
            Predicate::IsNull {
                field: "customer".into(),
                negated: false,
            },
            and(
                cmp("qty", CmpOp::Ge, json!(1)),
                cmp("qty", CmpOp::Le, json!(2.5)),
            ),
        ),
    );
    let filter = and(
        filter,
        Predicate::Like {
            field: "customer".into(),
            pattern: "_b%".into(),
        },
    );
    check(
        &sql,
        &QuerySpec {
            filter: Some(filter),
            ..base(tumble10())
        },
    );
    // Flipped literal comparisons, booleans and strings with quotes.
    let sql = "CREATE TABLE e (ok BOOLEAN, name STRING, n BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('stream' = 's');
SELECT window_start, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE e, DESCRIPTOR(ts), INTERVAL '1' SECOND))
WHERE ok AND 5 >= n AND 'it''s' = name AND ok = FALSE GROUP BY window_start, window_end";
    let spec = compile(sql).unwrap();
    assert_eq!(
        spec.filter,
        Some(and(
            and(
                and(
                    cmp("ok", CmpOp::Eq, json!(true)),
                    cmp("n", CmpOp::Le, json!(5))
                ),
                cmp("name", CmpOp::Eq, json!("it's")),
            ),
            cmp("ok", CmpOp::Eq, json!(false)),
        ))
    );
    assert_eq!(compile(&to_sql(&spec)).unwrap(), spec);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn aggregates_default_aliases_and_case_insensitive_names() {
    let sql = format!(
        "{DDL}select CUSTOMER, Window_End, count(*), count(Qty), count(distinct order_id), sum(amount),
  min(customer), max(ts), avg(orders.qty), top_n(customer, 5)
from table(TUMBLE(table ORDERS, descriptor(TS), interval '10' second))
group by WINDOW_START, window_end, Customer, qty"
    );
    let expected = QuerySpec {
        keys: strs(&["customer", "qty"]),
        aggregates: vec![
            agg(AggregateKind::Count, None, "count_star"),
            agg(AggregateKind::Count, Some("qty"), "count_qty"),
            agg(
                AggregateKind::CountDistinct,
                Some("order_id"),
                "count_distinct_order_id",
            ),
            agg(AggregateKind::Sum, Some("amount"), "sum_amount"),
            agg(AggregateKind::Min, Some("customer"), "min_customer"),
            agg(AggregateKind::Max, Some("ts"), "max_ts"),
            agg(AggregateKind::Avg, Some("qty"), "avg_qty"),
            agg(AggregateKind::TopN(5), Some("customer"), "top_n_customer"),
        ],
        output: strs(&[
            "customer",
            "window_end",
            "count_star",
            "count_qty",
            "count_distinct_order_id",
            "sum_amount",
            "min_customer",
            "max_ts",
            "avg_qty",
            "top_n_customer",
        ]),
        ..base(tumble10())
    };
    check(&sql, &expected);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn quoted_identifiers_and_odd_names_round_trip() {
    let sql = "CREATE TABLE \"Odd Name\" (`select` STRING, \"Ts\" TIMESTAMP(3), WATERMARK FOR \"Ts\" AS \"Ts\" - INTERVAL '1.5' SECOND)
WITH ('stream' = 'it''s');
INSERT INTO `out sink`
SELECT window_start, COUNT(`select`) AS \"my count\"
FROM TABLE(TUMBLE(TABLE \"Odd Name\", DESCRIPTOR(\"Ts\"), INTERVAL '1' DAY)) AS w
WHERE w.`select` = 'a\\b' AND `select` > 1e300
GROUP BY window_start, window_end";
    let expected = QuerySpec {
        source: SourceTable {
            name: "Odd Name".into(),
            stream: "it's".into(),
            columns: vec![
                ("select".into(), ColumnType::String),
                ("Ts".into(), ColumnType::Timestamp),
            ],
            start_position: "LATEST".into(),
            rowtime: Some("Ts".into()),
            watermark_delay_ms: 1500,
            from_firehose: false,
        },
        time: TimeCharacteristic::EventTime,
        window: WindowSpec::Tumbling {
            size_ms: 86_400_000,
            offset_ms: 0,
        },
        keys: vec![],
        filter: Some(and(
            cmp("select", CmpOp::Eq, json!("a\\b")),
            cmp("select", CmpOp::Gt, json!(1e300)),
        )),
        aggregates: vec![agg(AggregateKind::Count, Some("select"), "my count")],
        output: strs(&["window_start", "my count"]),
        sink: Some("out sink".into()),
    };
    check(sql, &expected);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn several_tables_pick_the_one_read() {
    let sql = format!(
        "CREATE TABLE results (customer STRING, n BIGINT) WITH ('connector' = 'kinesis', 'stream' = 'out');
{DDL}INSERT INTO results SELECT window_start, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;"
    );
    let spec = compile(&sql).unwrap();
    assert_eq!(
        spec,
        QuerySpec {
            sink: Some("results".into()),
            ..base(tumble10())
        }
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn compile_query_uses_the_given_table() {
    let q = "SELECT window_start, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end";
    assert_eq!(compile_query(q, &orders()).unwrap(), base(tumble10()));
    let q = "INSERT INTO s SELECT window_start, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(proc_time), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;";
    let spec = compile_query(q, &orders()).unwrap();
    assert_eq!(
        spec,
        QuerySpec {
            time: TimeCharacteristic::ProcessingTime,
            sink: Some("s".into()),
            ..base(tumble10())
        }
    );
    // to_sql declares the processing-time attribute under that name.
    let text = to_sql(&spec);
    assert!(text.contains("proc_time AS PROCTIME()"), "{text}");
    assert_eq!(compile(&text).unwrap(), spec);
    let e = compile_query(&format!("{DDL}{q}"), &orders()).unwrap_err();
    assert_eq!((e.line, e.column), (1, 1), "{e}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn to_sql_text_is_readable() {
    let spec = compile(&format!(
        "{DDL}INSERT INTO results SELECT window_start, window_end, customer, COUNT(*) AS orders FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE amount > 10 GROUP BY window_start, window_end, customer"
    ))
    .unwrap();
    assert_eq!(
        to_sql(&spec),
        "CREATE TABLE orders (
  order_id STRING,
  customer STRING,
  amount DOUBLE,
  qty BIGINT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kinesis',
  'stream' = 'orders',
  'scan.stream.initpos' = 'TRIM_HORIZON'
);

INSERT INTO results
SELECT window_start, window_end, customer, COUNT(*) AS orders
FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))
WHERE amount > 10
GROUP BY window_start, window_end, customer;
"
    );
}

/// `(query appended to DDL — or a whole script when it starts with '!', line, column, message
/// fragment)`.
type Case = (&'static str, u64, u64, &'static str);

fn check_errors(cases: &[Case]) {
    let mut failures = Vec::new();
    for (q, line, column, fragment) in cases {
        let sql = match q.strip_prefix('!') {
            Some(script) => script.to_string(),
            None => format!("{DDL}{q}"),
        };
        match compile(&sql) {
            Ok(spec) => failures.push(format!("{q}\n  compiled: {spec:?}")),
            Err(SqlError {
                line: l,
                column: c,
                message,
            }) => {
                if (l, c) != (*line, *column) || !message.contains(fragment) {
                    failures.push(format!(
                        "{q}\n  got {l}:{c} {message}\n  want {line}:{column} …{fragment}…"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const TVF: &str = "FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))";

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn unsupported_query_clauses_are_positioned() {
    // Every query below is on line 5; TVF ends at column 100.
    assert_eq!(format!("SELECT window_start, COUNT(*) {TVF}").len(), 100);
    check_errors(&[
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start", 5, 111, "GROUP BY must include window_start and window_end (missing window_end)"),
        ("SELECT COUNT(*) FROM orders GROUP BY window_start, window_end", 5, 22, "a windowed aggregation needs FROM TABLE(TUMBLE|HOP|CUMULATE|SESSION(...))"),
        ("SELECT COUNT(*)", 5, 1, "a windowed aggregation needs FROM TABLE(TUMBLE|HOP|CUMULATE|SESSION(...))"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end ORDER BY window_start", 5, 136, "ORDER BY is not supported"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end LIMIT 5", 5, 136, "LIMIT / OFFSET are not supported"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end HAVING COUNT(*) > 1", 5, 136, "HAVING is not supported"),
        ("SELECT window_start, COUNT(*) OVER (PARTITION BY customer) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 31, "window functions (OVER …) are not supported"),
        ("SELECT DISTINCT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 8, "SELECT DISTINCT is not supported"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) JOIN other ON a = b GROUP BY window_start, window_end", 5, 102, "JOINs are not supported"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE amount IN (SELECT 1) GROUP BY window_start, window_end", 5, 108, "subqueries are not supported"),
        ("SELECT window_start, COUNT(*) FROM (SELECT * FROM orders) GROUP BY window_start, window_end", 5, 37, "subqueries are not supported"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end UNION SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 136, "UNION is not supported"),
        ("WITH x AS (SELECT 1) SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 1, "WITH (common table expressions) is not supported"),
        ("SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 8, "SELECT * is not supported"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE)", 5, 111, "legacy group windows"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, bids.customer", 5, 137, "unknown qualified name bids.customer"),
        ("INSERT INTO results (a, b) SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 22, "INSERT column lists are not supported"),
    ]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn select_items_and_aggregates_are_checked() {
    check_errors(&[
        ("SELECT window_start, SUM(customer) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 26, "SUM needs a numeric column"),
        ("SELECT window_start, AVG(ts) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 26, "AVG needs a numeric column"),
        ("SELECT window_start, customer, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 22, "column customer must be in GROUP BY"),
        ("SELECT window_start, FOO(amount) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 22, "unknown or unsupported function FOO; supported aggregates: COUNT, SUM, MIN, MAX, AVG, TOP_N"),
        ("SELECT window_start, SUM(nope) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 26, "unknown column nope (table orders has columns: order_id, customer, amount, qty, ts)"),
        ("SELECT window_start, SUM(DISTINCT amount) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 22, "SUM(DISTINCT …) is not supported"),
        ("SELECT window_start, TOP_N(customer, 0) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 38, "TOP_N needs a whole number n"),
        ("SELECT window_start, customer AS c, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, customer", 5, 34, "aliases are supported on aggregates only"),
        ("SELECT window_start, COUNT(*) AS n, SUM(qty) AS n FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 49, "duplicate output column n"),
        ("SELECT window_start, window_end FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 1, "the query has no aggregate"),
        ("SELECT window_start, COUNT(*) + 1 FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 22, "unsupported SELECT expression"),
    ]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn window_tvf_errors_are_positioned() {
    check_errors(&[
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(amount), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 74, "column amount is not a time attribute"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(pt), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 74, "unknown time attribute pt"),
        ("SELECT window_start, COUNT(*) FROM TABLE(HOP(TABLE orders, DESCRIPTOR(ts), INTERVAL '2' MINUTE, INTERVAL '1' MINUTE)) GROUP BY window_start, window_end", 5, 85, "the slide must not exceed the window size"),
        ("SELECT window_start, COUNT(*) FROM TABLE(CUMULATE(TABLE orders, DESCRIPTOR(ts), INTERVAL '7' SECOND, INTERVAL '1' MINUTE)) GROUP BY window_start, window_end", 5, 111, "the CUMULATE size must be a multiple of the step"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts))) GROUP BY window_start, window_end", 5, 42, "TUMBLE is missing SIZE"),
        ("SELECT window_start, COUNT(*) FROM TABLE(SLIDE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end", 5, 42, "unknown window function SLIDE; supported: TUMBLE, HOP, CUMULATE, SESSION, COUNT_WINDOW"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders PARTITION BY customer, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end, customer", 5, 62, "PARTITION BY is only supported in SESSION windows"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(orders, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end", 5, 49, "expected TABLE orders (with the TABLE keyword)"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end", 5, 55, "unknown table bids"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' YEAR)) GROUP BY window_start, window_end", 5, 88, "unsupported interval unit YEAR"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '0' SECOND)) GROUP BY window_start, window_end", 5, 88, "the window size must be positive"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 5, 110, "the offset must be smaller than the window size"),
        ("SELECT window_start, COUNT(*) FROM TABLE(SESSION(TABLE orders PARTITION BY customer, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end", 5, 76, "the SESSION partition key customer must also be in GROUP BY"),
        ("SELECT window_start, COUNT(*) FROM TABLE(COUNT_WINDOW(TABLE orders, 0)) GROUP BY window_start, window_end", 5, 69, "the count window size must be a whole number"),
    ]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn where_errors_are_positioned() {
    check_errors(&[
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE window_start > 5 GROUP BY window_start, window_end", 5, 108, "window_start only exists after windowing"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE amount > qty GROUP BY window_start, window_end", 5, 117, "comparing two columns is not supported"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE amount = NULL GROUP BY window_start, window_end", 5, 117, "use IS NULL / IS NOT NULL"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE UPPER(customer) = 'A' GROUP BY window_start, window_end", 5, 108, "a comparison needs a column on one side"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE amount + 1 > 5 GROUP BY window_start, window_end", 5, 108, "a comparison needs a column on one side"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE nope = 1 GROUP BY window_start, window_end", 5, 108, "unknown column nope"),
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE customer GROUP BY window_start, window_end", 5, 108, "customer is not BOOLEAN"),
    ]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn script_and_create_table_errors_are_positioned() {
    check_errors(&[
        ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end;\nSELECT 1", 6, 1, "only one query per script is supported"),
        ("SELECT window_start, COUNT(* FROM x", 5, 30, "syntax error: Expected: ), found: FROM"),
        ("DROP TABLE orders", 5, 1, "unsupported statement"),
        ("!", 1, 1, "the script has no query"),
        ("!CREATE TABLE t (a STRING) WITH ('connector' = 'kinesis');\nSELECT 1", 1, 14, "needs the stream it reads: WITH ('connector' = 'kinesis', 'stream' = '<stream name>')"),
        ("!CREATE TABLE t (a STRING, WATERMARK FOR a AS a) WITH ('stream' = 's');", 1, 41, "the rowtime column must be TIMESTAMP(3)"),
        ("!CREATE TABLE t (a STRING, ts TIMESTAMP(3)) WITH ('connector' = 'kafka', 'stream' = 's');", 1, 64, "unsupported connector 'kafka'"),
        ("!CREATE TABLE t (a STRING, ts TIMESTAMP(3)) WITH ('stream' = 's', 'scan.stream.initpos' = 'AT_TIMESTAMP');", 1, 90, "supported: 'TRIM_HORIZON', 'LATEST'"),
        ("!CREATE TABLE t (a STRING, tags ARRAY<STRING>) WITH ('stream' = 's');", 1, 27, "column tags: unsupported type ARRAY<STRING>; supported: STRING"),
        ("!CREATE TABLE t (a STRING, ts TIMESTAMP(3),\n  WATERMARK FOR ts AS ts + INTERVAL '5' SECOND) WITH ('stream' = 's');", 2, 23, "unsupported watermark expression"),
        ("!CREATE TABLE t (a STRING, b AS UPPER(a)) WITH ('stream' = 's');", 1, 32, "only `b AS PROCTIME()`"),
        ("!CREATE TABLE t (a STRING, A INT) WITH ('stream' = 's');", 1, 27, "duplicate column A"),
        ("!CREATE TABLE t (a STRING) WITH ('stream' = 's', 'foo' = 'bar');", 1, 49, "unsupported option 'foo'"),
        ("!CREATE TABLE t (a STRING, PRIMARY KEY (a) NOT ENFORCED) WITH ('stream' = 's');", 1, 40, "table constraints"),
        ("!CREATE TABLE t (a STRING) WITH ('stream' = 's');\nSET 'x' = 'y';", 2, 1, "unsupported statement"),
        ("!SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end", 1, 1, "declare the source table first"),
        ("!CREATE TABLE t (a STRING, ts TIMESTAMP(3), WATERMARK ts AS ts) WITH ('stream' = 's');", 1, 54, "expected FOR after WATERMARK"),
        ("!CREATE TABLE t (a STRING, ts TIMESTAMP(3), WATERMARK FOR ts ts) WITH ('stream' = 's');", 1, 61, "expected AS after WATERMARK FOR <column>"),
        ("!CREATE TABLE t (a STRING) WITH ('stream' = 's');\nSELECT 'unterminated\n", 2, 8, "Unterminated string literal"),
    ]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        "{DDL}SELECT window_start, COUNT(*) {TVF} WHERE {}amount > 1{} GROUP BY window_start, window_end",
        "(".repeat(500),
        ")".repeat(500)
    );
    let e = compile(&deep).unwrap_err();
    assert!(e.message.contains("nested too deeply"), "{e}");
    // At the innermost parenthesis: column 100 + " WHERE " + 500 parentheses.
    assert_eq!((e.line, e.column), (5, 607), "{e}");
    let chain = format!(
        "{DDL}SELECT window_start, COUNT(*) {TVF} WHERE {} GROUP BY window_start, window_end",
        vec!["qty = 1"; 300].join(" AND ")
    );
    let e = compile(&chain).unwrap_err();
    assert!(e.message.contains("nests more than"), "{e}");
    let long = format!("{DDL}SELECT {}", vec!["1"; 3000].join(", "));
    let e = compile(&long).unwrap_err();
    assert!(e.message.contains("script too long"), "{e}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn error_display_has_the_position() {
    let e = SqlError {
        line: 3,
        column: 7,
        message: "boom".into(),
    };
    assert_eq!(e.to_string(), "line 3, column 7: boom");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn crlf_comments_and_trailing_semicolons() {
    let sql = format!(
        "/* block */ {DDL}-- a comment line\nSELECT window_start, window_end, COUNT(*) {TVF}\nGROUP BY window_start, window_end; ;\n-- done\n"
    )
    .replace('\n', "\r\n");
    check(&sql, &base(tumble10()));
    let bad = format!("{DDL}SELECT window_start, COUNT(*) {TVF}\r\nGROUP BY window_start, nope")
        .replace('\n', "\r\n")
        .replace("\r\r\n", "\r\n");
    let e = compile(&bad).unwrap_err();
    assert_eq!((e.line, e.column), (6, 24), "{e}");
}
