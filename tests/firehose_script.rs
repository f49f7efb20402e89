//! Firehose data transformation: the built-in transforms and the sandboxed transform language
//! (semantics.md §4.3).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::collections::BTreeMap;

use kinesis_playground::engine::firehose::script::{
    apply_chain, BuiltinTransform, CompareOp, Outcome, Script, ScriptError, TransformStep,
    DEFAULT_BUDGET,
};
use serde_json::json;

fn ok(data: &str) -> Outcome {
    Outcome::Ok {
        data: data.as_bytes().to_vec(),
        partition_keys: BTreeMap::new(),
    }
}

fn ok_keys(data: &str, keys: &[(&str, &str)]) -> Outcome {
    Outcome::Ok {
        data: data.as_bytes().to_vec(),
        partition_keys: keys
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn run(src: &str, data: &str) -> Outcome {
    Script::compile(src)
        .unwrap_or_else(|e| panic!("compile error: {e}"))
        .run(data.as_bytes(), DEFAULT_BUDGET)
        .0
}

fn compile_err(src: &str) -> ScriptError {
    Script::compile(src).expect_err("should not compile")
}

fn failed(o: &Outcome) -> &str {
    match o {
        Outcome::ProcessingFailed(r) => r,
        other => panic!("expected ProcessingFailed, got {other:?}"),
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn keep_fields_keeps_record_order_and_newline() {
    let t = BuiltinTransform::KeepFields(vec!["c".into(), "a".into()]);
    assert_eq!(
        t.apply(br#"{"a": 1, "b": 2, "c": {"x": [1, 2]}}"#),
        ok(r#"{"a":1,"c":{"x":[1,2]}}"#)
    );
    assert_eq!(t.apply(b"{\"b\":1,\"a\":2}\n"), ok("{\"a\":2}\n"));
    assert_eq!(t.apply(b"{}"), ok("{}"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rename_field_keeps_position() {
    let t = BuiltinTransform::RenameField {
        from: "msg".into(),
        to: "message".into(),
    };
    assert_eq!(
        t.apply(br#"{"a":1,"msg":"hi","z":2}"#),
        ok(r#"{"a":1,"message":"hi","z":2}"#)
    );
    assert_eq!(t.apply(b"{\"a\":1}\n"), ok("{\"a\":1}\n"));
    // An existing field of the new name is replaced.
    assert_eq!(
        t.apply(br#"{"message":0,"msg":"hi"}"#),
        ok(r#"{"message":"hi"}"#)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn append_newline_and_uppercase_work_on_any_bytes() {
    let nl = BuiltinTransform::AppendNewline;
    assert_eq!(nl.apply(b"abc"), ok("abc\n"));
    assert_eq!(nl.apply(b"abc\n"), ok("abc\n"));
    assert_eq!(nl.apply(b""), ok("\n"));
    let up = BuiltinTransform::Uppercase;
    assert_eq!(
        up.apply("straße {\"a\":1}".as_bytes()),
        ok("STRASSE {\"A\":1}")
    );
    assert_eq!(up.apply(b"ab\xffc"), ok("AB\u{fffd}C"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn drop_where_compares_numbers_numerically_and_strings_lexically() {
    let dw = |op, value| BuiltinTransform::DropWhere {
        field: "v".into(),
        op,
        value,
    };
    let rec = br#"{"v": 10, "s": "b"}"#;
    assert_eq!(dw(CompareOp::Eq, json!(10.0)).apply(rec), Outcome::Dropped);
    assert_eq!(dw(CompareOp::Gt, json!(9)).apply(rec), Outcome::Dropped);
    assert_eq!(
        dw(CompareOp::Lt, json!(9)).apply(rec),
        ok(r#"{"v": 10, "s": "b"}"#)
    );
    assert_eq!(dw(CompareOp::Le, json!(10)).apply(rec), Outcome::Dropped);
    assert_eq!(
        dw(CompareOp::Ne, json!(10)).apply(rec),
        ok(r#"{"v": 10, "s": "b"}"#)
    );
    // 10 vs "9": not comparable, so an ordering never holds.
    assert_eq!(
        dw(CompareOp::Ge, json!("9")).apply(rec),
        ok(r#"{"v": 10, "s": "b"}"#)
    );
    let s = BuiltinTransform::DropWhere {
        field: "s".into(),
        op: CompareOp::Lt,
        value: json!("c"),
    };
    assert_eq!(s.apply(rec), Outcome::Dropped);
    let level = BuiltinTransform::from_json(
        &json!({"Type":"DropWhere","Field":"level","Op":"==","Value":"DEBUG"}),
    )
    .unwrap();
    assert_eq!(level.apply(br#"{"level":"DEBUG"}"#), Outcome::Dropped);
    assert_eq!(
        level.apply(br#"{"level":"INFO"}"#),
        ok(r#"{"level":"INFO"}"#)
    );
    assert_eq!(level.apply(br#"{"other":1}"#), ok(r#"{"other":1}"#));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn json_builtins_fail_on_non_json_records() {
    let all = [
        BuiltinTransform::KeepFields(vec!["a".into()]),
        BuiltinTransform::RenameField {
            from: "a".into(),
            to: "b".into(),
        },
        BuiltinTransform::DropWhere {
            field: "a".into(),
            op: CompareOp::Eq,
            value: json!(1),
        },
    ];
    for t in &all {
        for data in [&b"hello"[..], b"[1,2]", b"\xff\xfe", b"\"str\""] {
            let o = t.apply(data);
            assert!(
                failed(&o).starts_with("record is not a JSON object: "),
                "{t:?} on {data:?}: {o:?}"
            );
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn builtin_json_form_round_trips() {
    let forms = [
        json!({"Type":"KeepFields","Fields":["a","b"]}),
        json!({"Type":"RenameField","From":"a","To":"b"}),
        json!({"Type":"AppendNewline"}),
        json!({"Type":"Uppercase"}),
        json!({"Type":"DropWhere","Field":"level","Op":">=","Value":3}),
    ];
    for f in forms {
        let t = BuiltinTransform::from_json(&f).unwrap();
        assert_eq!(t.to_json(), f);
        assert_eq!(BuiltinTransform::from_json(&t.to_json()).unwrap(), t);
    }
    assert!(BuiltinTransform::from_json(&json!({"Type":"Nope"})).is_err());
    assert!(BuiltinTransform::from_json(
        &json!({"Type":"DropWhere","Field":"a","Op":"=~","Value":1})
    )
    .is_err());
    assert!(BuiltinTransform::from_json(&json!({"Type":"KeepFields","Fields":[1]})).is_err());
    assert!(BuiltinTransform::from_json(&json!("KeepFields")).is_err());
}

const REALISTIC: &str = r#"
// Filter debug noise, rename, enrich and route.
if (record.level == "DEBUG") { drop; }
record.message = trim(record.msg);
delete record.msg;
record.level = lower(record.level);
let total = 0;
for (item in record.items) { total += item.price * item.qty; }
record.total = total;
record.meta.source = "playground";
partition("customer", record.customer.id);
partition("year", substr(record.ts, 0, 4));
"#;

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn realistic_script_filters_renames_enriches_and_partitions() {
    let s = Script::compile(REALISTIC).unwrap();
    let input = r#"{"level":"INFO","msg":"  order placed ","ts":"2026-11-24T10:00:00Z","customer":{"id":42},"items":[{"price":2.5,"qty":2},{"price":1,"qty":3}]}"#;
    let (o, ops) = s.run(input.as_bytes(), DEFAULT_BUDGET);
    assert_eq!(
        o,
        ok_keys(
            r#"{"level":"info","ts":"2026-11-24T10:00:00Z","customer":{"id":42},"items":[{"price":2.5,"qty":2},{"price":1,"qty":3}],"message":"order placed","total":8.0,"meta":{"source":"playground"}}"#,
            &[("customer", "42"), ("year", "2026")]
        )
    );
    assert!(ops > 20 && ops < 500, "ops {ops}");
    assert_eq!(
        s.run(br#"{"level":"DEBUG","msg":"x"}"#, DEFAULT_BUDGET).0,
        Outcome::Dropped
    );
    // Deterministic: the same input always gives the same output and cost.
    for _ in 0..3 {
        assert_eq!(s.run(input.as_bytes(), DEFAULT_BUDGET), (o.clone(), ops));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn drop_fail_and_return() {
    assert_eq!(run("drop;", "x"), Outcome::Dropped);
    assert_eq!(
        run(r#"fail "bad record";"#, "x"),
        Outcome::ProcessingFailed("bad record".into())
    );
    assert_eq!(
        run(r#"fail("code " + record.code);"#, r#"{"code":7}"#),
        Outcome::ProcessingFailed("code 7".into())
    );
    assert_eq!(run(r#"return "plain text";"#, "{}"), ok("plain text"));
    assert_eq!(
        run("return [1, 2.5, null, true, {a: 'x'}];", "{}"),
        ok(r#"[1,2.5,null,true,{"a":"x"}]"#)
    );
    assert_eq!(
        run("return;", r#"{ "b": 1, "a": 2 }"#),
        ok(r#"{"b":1,"a":2}"#)
    );
    assert_eq!(run("return upper(data) + \"\\n\";", "hi"), ok("HI\n"));
    // Falling off the end re-serialises `record`; non-JSON stays text.
    assert_eq!(run("", r#"{"z": 1, "a": [ 1 ]}"#), ok(r#"{"z":1,"a":[1]}"#));
    assert_eq!(run("", "not json"), ok("not json"));
    assert_eq!(run("record = record + '!';", "not json"), ok("not json!"));
    let s = Script::compile("let x = 1;").unwrap();
    assert_eq!(s.run(b"\xff", DEFAULT_BUDGET).0, ok("\u{fffd}"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn expressions_and_functions() {
    let cases: &[(&str, &str)] = &[
        ("1 + 2 * 3 - 4 % 3", "6"),
        ("7 / 2", "3.5"),
        ("6 / 3", "2"),
        ("9223372036854775807 + 1", "9.223372036854776e+18"),
        ("-(2 + 3)", "-5"),
        ("'a' + 1 + null + [1]", "\"a1null[1]\""),
        ("[1] + [2, 3]", "[1,2,3]"),
        ("1 == 1.0 && [1, {a: 2}] == [1, {a: 2}] && {a: 1, b: 2} == {b: 2, a: 1}", "true"),
        ("'1' == 1", "false"),
        ("'abc' < 'abd' && 2 >= 1.5 && !(1 > 2)", "true"),
        ("null || 0 || 'x'", "\"x\""),
        ("0 && x_never", "0"),
        ("upper('abc') + lower('DEF') + trim('  g ')", "\"ABCdefg\""),
        ("[len('héllo'), len([1, 2]), len({a: 1}), len(null)]", "[5,2,1,0]"),
        ("[contains('hello', 'ell'), contains([1, 2], 2.0), contains({a: 1}, 'b')]", "[true,true,false]"),
        ("[starts_with('hello', 'he'), ends_with('hello', 'lo')]", "[true,true]"),
        ("split('a,b,,c', ',')", "[\"a\",\"b\",\"\",\"c\"]"),
        ("join([1, 'b', null], '-')", "\"1-b-null\""),
        ("replace('a-b-c', '-', '+')", "\"a+b+c\""),
        ("[substr('héllo', 1, 3), substr('hello', 3), substr('hi', 10)]", "[\"éll\",\"lo\",\"\"]"),
        ("[to_number('42'), to_number(' 2.5 '), to_number('x'), to_number(true)]", "[42,2.5,null,1]"),
        ("[to_string(1.5), to_string('s'), to_string({a: [1]})]", "[\"1.5\",\"s\",\"{\\\"a\\\":[1]}\"]"),
        ("parse_json('{\"b\": [1, 2]}').b[1]", "2"),
        ("to_json('q\"')", "\"\\\"q\\\\\\\"\\\"\""),
        ("[keys({b: 1, a: 2}), values({b: 1, a: 2})]", "[[\"b\",\"a\"],[1,2]]"),
        ("[has({a: null}, 'a'), has(null, 'a')]", "[true,false]"),
        ("[type_of(null), type_of(1), type_of(1.5), type_of('s'), type_of([]), type_of({}), type_of(true)]",
         "[\"null\",\"number\",\"number\",\"string\",\"array\",\"object\",\"boolean\"]"),
        ("[round(2.5), floor(-1.5), ceil(1.2), abs(-3), abs(-1.5), round(7)]", "[3,-2,2,3,1.5,7]"),
        ("[min(3, 1.5, 2), max([4, 9, 2]), min([])]", "[1.5,9,null]"),
        ("push([1], [2])", "[1,[2]]"),
        ("{a: 1, a: 2}", "{\"a\":2}"),
        ("'x'[0] + 'yz'[1]", "\"xz\""),
        ("[1, 2][5] == null && {}.missing.deeper == null", "true"),
    ];
    for (expr, want) in cases {
        let expr = expr.replace("x_never", "nope()");
        let src = if expr.contains("nope()") {
            "return 0 && 1;".to_string()
        } else {
            format!("return {expr};")
        };
        let got = run(&src, "{}");
        let want_text = if want.starts_with('"') {
            serde_json::from_str::<String>(want).unwrap()
        } else {
            want.to_string()
        };
        assert_eq!(got, ok(&want_text), "{src}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn statements_assignment_loops_and_scopes() {
    let src = r#"
        let out = [];
        let i = 0;
        while (true) {
            i += 1;
            if (i % 2 == 0) { continue; } else if (i > 7) { break; }
            out[len(out)] = i;
        }
        for (k in {x: 1, y: 2}) { out[len(out)] = k; }
        for (c in "ab") { out[len(out)] = c; }
        for (n in null) { fail "never"; }
        record["a b"] = out;
        record.list[0] = "first";
        record.deep.er.est = 1;
        delete record.gone;
        delete record.list[1];
        delete record.not_there.at_all;
        if (true) { let i = 100; }
        record.i = i;
    "#;
    assert_eq!(
        run(src, r#"{"gone":1,"list":[0,1,2]}"#),
        ok(r#"{"list":["first",2],"a b":[1,3,5,7,"x","y","a","b"],"deep":{"er":{"est":1}},"i":9}"#)
    );
    // Copy-on-write: a copy is not changed by writes to the original.
    assert_eq!(
        run(
            "let c = record; record.a = 2; return [c, record];",
            r#"{"a":1}"#
        ),
        ok(r#"[{"a":1},{"a":2}]"#)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn compile_errors_have_exact_positions() {
    let cases: &[(&str, u32, u32, &str)] = &[
        ("let x = ;", 1, 9, "expected an expression, found ';'"),
        (
            "let x = 1\nreturn x;",
            2,
            1,
            "expected ';' at the end of the statement, found 'return'",
        ),
        (
            "\n  return y;",
            2,
            10,
            "unknown variable 'y' (declare it with let)",
        ),
        ("return now();", 1, 8, "unknown function 'now'"),
        ("return random();", 1, 8, "unknown function 'random'"),
        (
            "return upper();",
            1,
            8,
            "upper() takes 1 argument(s), got 0",
        ),
        ("let s = \"abc;", 1, 9, "unterminated string"),
        (
            "if (x == 1 { }",
            1,
            5,
            "unknown variable 'x' (declare it with let)",
        ),
        (
            "if (1 == 1 { }",
            1,
            12,
            "expected ')' after the condition, found '{'",
        ),
        ("break;", 1, 1, "'break' outside a loop"),
        (
            "1 = 2;",
            1,
            1,
            "can only assign to a variable, a field or an index",
        ),
        ("let a = 1 @ 2;", 1, 11, "unexpected character '@'"),
        ("/* open", 1, 1, "unterminated comment"),
        (
            "if (true) { let a = 1; }\nreturn a;",
            2,
            8,
            "unknown variable 'a' (declare it with let)",
        ),
        ("let é = 1;", 1, 5, "unexpected character '\\u{e9}'"),
        (
            "let x = 'é' + ;",
            1,
            15,
            "expected an expression, found ';'",
        ),
        ("return \"\\q\";", 1, 9, "unknown escape in string"),
        ("while (true) {", 1, 15, "expected '}' to close the block"),
    ];
    for (src, line, col, msg) in cases {
        let e = compile_err(src);
        assert_eq!(
            (e.line, e.column, e.message.as_str()),
            (*line, *col, *msg),
            "{src:?}"
        );
        assert_eq!(e.to_string(), format!("line {line}, column {col}: {msg}"));
    }
    let long = "let a = 1;".repeat(2000);
    assert!(compile_err(&long).message.contains("longer than 16384"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn deep_nesting_is_a_compile_error_not_a_stack_overflow() {
    for open in ["(", "[", "!", "-", "{a:", "len("] {
        let src = format!("return {};", open.repeat(15_000 / open.len()));
        let e = compile_err(&src);
        assert!(e.message.contains("nesting deeper than 64"), "{open}: {e}");
    }
    let e = compile_err(&"if (true) {".repeat(1_400));
    assert!(e.message.contains("nesting deeper than 64"), "{e}");
    let chain = format!("return 1{};", "+1".repeat(2000));
    assert!(compile_err(&chain)
        .message
        .contains("expression nested deeper than 128"));
    let fields = format!("return record{};", ".a".repeat(2000));
    assert!(compile_err(&fields)
        .message
        .contains("expression nested deeper than 128"));
    // 60 levels are fine.
    let ok_src = format!("return {}1{};", "(".repeat(60), ")".repeat(60));
    assert_eq!(run(&ok_src, "{}"), ok("1"));
    let else_ifs = format!(
        "let a = 0;{} else {{ a = 1; }} return a;",
        " if (false) {} else".repeat(700).trim_end_matches(" else")
    );
    assert_eq!(run(&else_ifs, "{}"), ok("1"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn infinite_loop_exhausts_the_budget() {
    let s = Script::compile("let i = 0;\nwhile (true) {\n  i = i + 1;\n}").unwrap();
    for budget in [0, 1, 100, DEFAULT_BUDGET] {
        let (o, ops) = s.run(b"{}", budget);
        assert_eq!(ops, budget);
        let reason = failed(&o);
        assert!(
            reason.starts_with(&format!("operation budget of {budget} exceeded at line ")),
            "{reason}"
        );
    }
    assert_eq!(
        s.run(b"{}", DEFAULT_BUDGET).0,
        Outcome::ProcessingFailed(format!(
            "operation budget of {DEFAULT_BUDGET} exceeded at line 2"
        ))
    );
    // Big strings cost by size: doubling a string soon runs out of budget or hits the size cap.
    let grow = Script::compile("let s = 'x'; while (true) { s = s + s; }").unwrap();
    let (o, ops) = grow.run(b"", DEFAULT_BUDGET);
    assert!(
        failed(&o).contains("budget") || failed(&o).contains("longer than"),
        "{o:?}"
    );
    assert!(ops <= DEFAULT_BUDGET);
    // Values shared many times cannot blow up when serialised.
    let dag = Script::compile(
        "let a = [1, 2, 3, 4]; let i = 0; while (i < 40) { a = [a, a]; i += 1; } return a;",
    )
    .unwrap();
    let (o, _) = dag.run(b"", DEFAULT_BUDGET);
    assert!(failed(&o).contains("larger than"), "{o:?}");
    let eq = Script::compile("let a = [1]; let b = [1]; let i = 0; while (i < 60) { a = [a, a]; b = [b, b]; i += 1; } return a == b;").unwrap();
    assert!(failed(&eq.run(b"", DEFAULT_BUDGET).0).contains("budget"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn runtime_errors_name_the_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "let a = 1;\nreturn a / 0;",
            "{}",
            "line 2: division by zero",
        ),
        (
            "return record.a - 'x';",
            r#"{"a":1}"#,
            "line 1: cannot apply '-' to number and string",
        ),
        (
            "return record.level;",
            "plain text",
            "line 1: cannot read field 'level' of a string",
        ),
        (
            "record.x = 1;",
            "[1]",
            "line 1: cannot set field 'x' on an array",
        ),
        (
            "record[5] = 1;",
            "[1]",
            "line 1: index 5 out of range for an array of length 1",
        ),
        (
            "\n\nreturn [1] < [2];",
            "{}",
            "line 3: cannot compare array with array",
        ),
        (
            "return upper(5);",
            "{}",
            "line 1: upper() expects a string as argument 1, got number",
        ),
        (
            "return parse_json('{');",
            "{}",
            "line 1: parse_json(): EOF while parsing an object at line 1 column 1",
        ),
        ("for (x in 5) {}", "{}", "line 1: cannot loop over a number"),
        ("return -'x';", "{}", "line 1: cannot negate a string"),
        (
            "partition(1, 2);",
            "{}",
            "line 1: partition key name must be a string, got number",
        ),
        (
            "let a = []; while (true) { a = [a]; }",
            "{}",
            "line 1: value nested deeper than 160 levels",
        ),
    ];
    for (src, data, want) in cases {
        assert_eq!(
            run(src, data),
            Outcome::ProcessingFailed(want.to_string()),
            "{src}"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn deep_json_input_is_handled() {
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    assert_eq!(run("return record;", &deep), ok(&deep));
    // Beyond serde_json's recursion limit the payload is treated as text.
    let deeper = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(run("return type_of(record);", &deeper), ok("string"));
    assert!(failed(&run("return parse_json(data);", &deeper)).contains("recursion limit"));
    let t = BuiltinTransform::KeepFields(vec![]);
    assert!(failed(&t.apply(deeper.as_bytes())).starts_with("record is not a JSON object"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn chain_applies_in_order_and_stops_early() {
    let script = Script::compile("partition('lvl', record.level); record.n = 1;").unwrap();
    let steps = vec![
        TransformStep::Builtin(BuiltinTransform::KeepFields(vec!["level".into()])),
        TransformStep::Script(script.clone()),
        TransformStep::Builtin(BuiltinTransform::AppendNewline),
    ];
    let (o, ops) = apply_chain(&steps, br#"{"level":"WARN","x":1}"#, DEFAULT_BUDGET);
    assert_eq!(
        o,
        ok_keys("{\"level\":\"WARN\",\"n\":1}\n", &[("lvl", "WARN")])
    );
    assert!(ops > 0);
    let mut stop = vec![TransformStep::Builtin(BuiltinTransform::DropWhere {
        field: "level".into(),
        op: CompareOp::Eq,
        value: json!("WARN"),
    })];
    stop.extend(steps.iter().cloned());
    assert_eq!(
        apply_chain(&stop, br#"{"level":"WARN"}"#, DEFAULT_BUDGET),
        (Outcome::Dropped, 0)
    );
    assert_eq!(apply_chain(&[], b"raw", DEFAULT_BUDGET), (ok("raw"), 0));
    let (o, ops) = apply_chain(&steps, br#"{"level":"x"}"#, 3);
    assert_eq!(
        (failed(&o), ops),
        ("operation budget of 3 exceeded at line 1", 3)
    );
}

/// The example of the module documentation.
const DOC_EXAMPLE: &str = r#"
// Drop debug noise, tidy up, enrich and route by customer.
if (type_of(record) != "object") { fail "not JSON: " + data; }
if (record.level == "DEBUG") { drop; }
record.message = trim(record.msg);          // add/replace a field
delete record.msg;                          // remove a field
record.level = lower(record.level || "info");
let total = 0;
for (item in record.items) { total += item.price * item.qty; }
record["order total"] = round(total * 100) / 100;
partition("customer", record.customer.id);  // → !{partitionKeyFromLambda:customer}
return record;                              // also what falling off the end does
"#;

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn documentation_example_runs() {
    let s = Script::compile(DOC_EXAMPLE).unwrap();
    let input = r#"{"level":"WARN","msg":" low stock ","customer":{"id":"c-7"},"items":[{"price":1.25,"qty":3}]}"#;
    assert_eq!(
        s.run(input.as_bytes(), DEFAULT_BUDGET).0,
        ok_keys(
            r#"{"level":"warn","customer":{"id":"c-7"},"items":[{"price":1.25,"qty":3}],"message":"low stock","order total":3.75}"#,
            &[("customer", "c-7")]
        )
    );
    assert_eq!(
        s.run(br#"{"level":"DEBUG"}"#, DEFAULT_BUDGET).0,
        Outcome::Dropped
    );
    assert_eq!(
        s.run(b"oops", DEFAULT_BUDGET).0,
        Outcome::ProcessingFailed("not JSON: oops".into())
    );
}
