//! Properties of the Firehose transform language and built-ins (semantics.md §4.3): no source
//! text or payload makes them panic or overflow the stack, budgets hold, runs are deterministic.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_playground::engine::firehose::script::{
    apply_chain, BuiltinTransform, CompareOp, Outcome, Script, TransformStep, DEFAULT_BUDGET,
};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Fragments of the language, so that random programs often compile and run.
const VOCAB: &[&str] = &[
    "let",
    "x",
    "y",
    "=",
    ";",
    "record",
    "data",
    ".",
    "a",
    "b",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    ",",
    ":",
    "if",
    "else",
    "while",
    "for",
    "in",
    "return",
    "drop",
    "fail",
    "partition",
    "delete",
    "break",
    "continue",
    "true",
    "false",
    "null",
    "0",
    "1",
    "-1",
    "2.5",
    "1e308",
    "\"s\"",
    "'k'",
    "+",
    "-",
    "*",
    "/",
    "%",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "&&",
    "||",
    "!",
    "+=",
    "upper",
    "len",
    "split",
    "join",
    "keys",
    "push",
    "to_json",
    "parse_json",
    "substr",
    "min",
    "replace",
    "contains",
    "round",
    "9223372036854775807",
    "\n",
    "//c\n",
    "x = x + x;",
    "while (true) {",
    "for (y in record) {",
    "let x = [x, x];",
    "x[len(x)] = 1;",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(VOCAB), 0..60).prop_map(|t| t.join(" "))
}

fn expr() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "null",
        "true",
        "0",
        "1",
        "-3",
        "2.5",
        "\"s\"",
        "'é'",
        "x",
        "record",
        "data",
        "record.a",
        "record[\"level\"]",
        "[]",
        "{}",
        "[1, 'a']",
        "{a: 1, b: [x]}",
        "9223372036854775807",
    ])
    .prop_map(str::to_string);
    leaf.prop_recursive(4, 24, 3, |inner| {
        let ops = prop::sample::select(vec![
            "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||",
        ]);
        let funcs = prop::sample::select(vec![
            "upper",
            "lower",
            "trim",
            "len",
            "to_json",
            "to_string",
            "to_number",
            "keys",
            "type_of",
            "round",
            "abs",
            "min",
            "max",
            "parse_json",
            "values",
        ]);
        let funcs2 = prop::sample::select(vec![
            "contains",
            "split",
            "join",
            "has",
            "push",
            "substr",
            "starts_with",
        ]);
        prop_oneof![
            (inner.clone(), ops, inner.clone()).prop_map(|(a, o, b)| format!("({a} {o} {b})")),
            (funcs, inner.clone()).prop_map(|(f, a)| format!("{f}({a})")),
            (funcs2, inner.clone(), inner.clone()).prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}[{b}]")),
            inner.clone().prop_map(|a| format!("!{a}")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("[{a}, {b}]")),
        ]
    })
}

fn statements() -> impl Strategy<Value = String> {
    let simple = prop_oneof![
        expr().prop_map(|e| format!("x = {e};")),
        expr().prop_map(|e| format!("x += {e};")),
        expr().prop_map(|e| format!("record.a = {e};")),
        (expr(), expr()).prop_map(|(k, e)| format!("record[{k}] = {e};")),
        expr().prop_map(|e| format!("x[len(x)] = {e};")),
        expr().prop_map(|e| format!("partition('k', {e});")),
        expr().prop_map(|e| format!("return {e};")),
        expr().prop_map(|e| format!("fail {e};")),
        Just("drop;".to_string()),
        Just("delete record.a;".to_string()),
        expr().prop_map(|e| format!("{e};")),
    ];
    let block = simple.prop_recursive(3, 16, 4, |inner| {
        let body = prop::collection::vec(inner, 0..4).prop_map(|v| v.join(" "));
        prop_oneof![
            (expr(), body.clone(), body.clone())
                .prop_map(|(c, a, b)| format!("if ({c}) {{ {a} }} else {{ {b} }}")),
            (expr(), body.clone()).prop_map(|(c, a)| format!("while ({c}) {{ {a} }}")),
            (expr(), body).prop_map(|(c, a)| format!("for (x in {c}) {{ {a} }}")),
        ]
    });
    prop::collection::vec(block, 0..6).prop_map(|v| format!("let x = record; {}", v.join("\n")))
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        (-1.0e6f64..1.0e6).prop_map(|f| json!(f)),
        "[a-zé\\\\\"\n ]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-d]{1,2}", inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        json_value().prop_map(|v| {
            let mut b = serde_json::to_vec(&json!({"level": "INFO", "v": v})).unwrap();
            b.push(b'\n');
            b
        }),
    ]
}

fn check_run(s: &Script, data: &[u8], budget: u64) {
    let (o, ops) = s.run(data, budget);
    assert!(ops <= budget, "{ops} > {budget}");
    // Deterministic: the same input gives the same output and cost.
    assert_eq!(s.run(data, budget), (o, ops));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_text_never_panics(src in "\\PC{0,200}", data in payload()) {
        if let Ok(s) = Script::compile(&src) {
            check_run(&s, &data, DEFAULT_BUDGET);
        }
    }

    #[test]
    fn random_programs_never_panic_and_respect_the_budget(
        src in token_soup(),
        data in payload(),
        budget in prop_oneof![Just(0u64), 1u64..50, Just(DEFAULT_BUDGET)],
    ) {
        match Script::compile(&src) {
            Ok(s) => check_run(&s, &data, budget),
            Err(e) => {
                prop_assert!(e.line >= 1 && e.column >= 1);
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn generated_programs_compile_and_never_panic(src in statements(), data in payload()) {
        let s = Script::compile(&src).map_err(|e| TestCaseError::fail(format!("{e}\n{src}")))?;
        check_run(&s, &data, DEFAULT_BUDGET);
    }

    #[test]
    fn deep_nesting_never_overflows(
        open in prop::sample::select(vec!["(", "[", "{", "!", "-", "{a:", "len(", "if (1) {", "while (1) {", "x.", "[[", "/*"]),
        n in 0usize..20_000,
        close in prop::sample::select(vec!["", ")", "]", "}", "1"]),
    ) {
        let reps = n.min(16_000 / open.len());
        let src = format!("let x = 1; return {}1{};", open.repeat(reps), close.repeat(reps));
        if let Ok(s) = Script::compile(&src) {
            check_run(&s, b"{}", DEFAULT_BUDGET);
        }
        let data = format!("{}1{}", open.repeat(n), close.repeat(n));
        let s = Script::compile("return [type_of(record), len(data)];").unwrap();
        check_run(&s, data.as_bytes(), DEFAULT_BUDGET);
        for t in builtins() {
            let _ = t.apply(data.as_bytes());
        }
    }

    #[test]
    fn falling_off_the_end_is_compact_json_in_key_order(v in json_value()) {
        let s = Script::compile("").unwrap();
        let data = serde_json::to_vec_pretty(&v).unwrap();
        let (o, _) = s.run(&data, DEFAULT_BUDGET);
        // (serde_json's default float parsing may differ in the last digit: compare with it.)
        let v: Value = serde_json::from_slice(&data).unwrap();
        let want = match &v {
            Value::String(text) => text.as_bytes().to_vec(),
            other => serde_json::to_vec(other).unwrap(),
        };
        prop_assert_eq!(o, Outcome::Ok { data: want, partition_keys: Default::default() });
    }

    #[test]
    fn builtins_never_panic_and_json_ones_fail_or_emit_json(data in payload()) {
        for t in builtins() {
            match t.apply(&data) {
                Outcome::Ok { data: out, .. } => {
                    let rewrites = matches!(t, BuiltinTransform::KeepFields(_) | BuiltinTransform::RenameField { .. });
                    if rewrites {
                        let v: Value = serde_json::from_slice(&out).unwrap();
                        prop_assert!(v.is_object());
                        prop_assert_eq!(out.ends_with(b"\n"), data.ends_with(b"\n"));
                    }
                    if let BuiltinTransform::KeepFields(keep) = &t {
                        let v: Value = serde_json::from_slice(&out).unwrap();
                        prop_assert!(v.as_object().unwrap().keys().all(|k| keep.contains(k)));
                    }
                }
                Outcome::Dropped => {
                    let is_drop_where = matches!(t, BuiltinTransform::DropWhere { .. });
                    prop_assert!(is_drop_where);
                }
                Outcome::ProcessingFailed(r) => {
                    prop_assert!(r.starts_with("record is not a JSON object"), "{}", r);
                }
            }
        }
    }

    #[test]
    fn chains_never_exceed_the_budget(
        src in token_soup(),
        data in payload(),
        budget in 0u64..2_000,
    ) {
        let mut steps: Vec<TransformStep> = builtins().into_iter().take(2).map(TransformStep::Builtin).collect();
        if let Ok(s) = Script::compile(&src) {
            steps.push(TransformStep::Script(s.clone()));
            steps.push(TransformStep::Script(s));
        }
        let (o, ops) = apply_chain(&steps, &data, budget);
        prop_assert!(ops <= budget);
        prop_assert_eq!(apply_chain(&steps, &data, budget), (o, ops));
    }
}

fn builtins() -> Vec<BuiltinTransform> {
    vec![
        BuiltinTransform::AppendNewline,
        BuiltinTransform::Uppercase,
        BuiltinTransform::KeepFields(vec!["a".into(), "level".into()]),
        BuiltinTransform::RenameField {
            from: "a".into(),
            to: "b".into(),
        },
        BuiltinTransform::DropWhere {
            field: "level".into(),
            op: CompareOp::Ge,
            value: json!("INFO"),
        },
    ]
}

/// The worst nesting the limits allow compiles and runs on a small stack (wasm has 1 MiB).
#[test]
fn worst_case_nesting_fits_in_a_small_stack() {
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let parens = format!("{}1{}", "(".repeat(63), ")".repeat(63));
            let arrays = format!("{}1{}", "[min(".repeat(31), ")]".repeat(31));
            let chain = format!("1{}", " + 1".repeat(127));
            let blocks =
                |inner: &str| format!("{}{inner}{}", "if (true) { ".repeat(60), " }".repeat(60));
            for (body, want) in [
                (format!("return {parens};"), "1".to_string()),
                (format!("return {arrays};"), "[1]".to_string()),
                (format!("return {chain};"), "128".to_string()),
                (blocks(&format!("return {chain};")), "128".to_string()),
                (
                    blocks(&format!("return {};", "-".repeat(3))),
                    "".to_string(),
                ),
            ] {
                match Script::compile(&body) {
                    Ok(s) => {
                        let (o, _) = s.run(b"{}", DEFAULT_BUDGET);
                        if !want.is_empty() {
                            assert_eq!(
                                o,
                                Outcome::Ok {
                                    data: want.into_bytes(),
                                    partition_keys: Default::default()
                                }
                            );
                        }
                    }
                    Err(e) => assert!(want.is_empty(), "{e}"),
                }
            }
            let deep_value = "let a = 1; let i = 0; while (i < 200) { a = [a]; i += 1; }";
            let s = Script::compile(deep_value).unwrap();
            assert!(matches!(
                s.run(b"{}", DEFAULT_BUDGET).0,
                Outcome::ProcessingFailed(_)
            ));
            let deep_json = format!("{}1{}", "[".repeat(127), "]".repeat(127));
            let s = Script::compile("return [record, to_json(record), record == record];").unwrap();
            assert!(matches!(
                s.run(deep_json.as_bytes(), DEFAULT_BUDGET).0,
                Outcome::Ok { .. }
            ));
        })
        .unwrap();
    worker.join().unwrap();
}
