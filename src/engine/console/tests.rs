//! Unit tests of the console language: literals, mapping, blobs, errors, limits, no panics.

use serde_json::{json, Value};

use super::*;

fn ok(src: &str) -> ParsedCall {
    match parse_call(src) {
        Ok(c) => c,
        Err(e) => panic!("{src:?} should parse, got:\n{}", e.render(src)),
    }
}

fn err(src: &str) -> ConsoleError {
    match parse_call(src) {
        Ok(c) => panic!("{src:?} should fail, parsed as {c:?}"),
        Err(e) => e,
    }
}

/// The request of `kinesis.describe_stream(X=<literal>)`, member X.
fn lit(literal: &str) -> Value {
    let src = format!("kinesis.describe_stream(X={literal})");
    ok(&src).request["X"].clone()
}

fn b64s(s: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

// ---------------------------------------------------------------------------------------------
// The brief's examples.

#[test]
fn put_record_example() {
    let c = ok(r#"kinesis.put_record(StreamName="orders", Data="hello", PartitionKey="user-1")"#);
    assert_eq!(c.service, "kinesis");
    assert_eq!(c.action, "PutRecord");
    assert_eq!(
        c.request,
        json!({"StreamName": "orders", "Data": "aGVsbG8=", "PartitionKey": "user-1"})
    );
    // Key order is the source order.
    let keys: Vec<&String> = c.request.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["StreamName", "Data", "PartitionKey"]);
}

#[test]
fn put_records_example_encodes_every_data() {
    let c = ok(
        r#"kinesis.put_records(StreamName="orders", Records=[{"Data": "a", "PartitionKey": "k"}, {"Data": b"raw", "PartitionKey": "k2"}])"#,
    );
    assert_eq!(c.action, "PutRecords");
    assert_eq!(
        c.request,
        json!({"StreamName": "orders", "Records": [
            {"Data": b64s(b"a"), "PartitionKey": "k"},
            {"Data": b64s(b"raw"), "PartitionKey": "k2"},
        ]})
    );
}

#[test]
fn other_examples() {
    let c = ok(
        r#"kinesis.get_shard_iterator(StreamName="orders", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")"#,
    );
    assert_eq!(c.action, "GetShardIterator");
    assert_eq!(
        c.request,
        json!({"StreamName": "orders", "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"})
    );
    let c = ok(r#"kinesis.describe_stream_summary(StreamName="orders")"#);
    assert_eq!(
        (c.action.as_str(), c.request.clone()),
        ("DescribeStreamSummary", json!({"StreamName": "orders"}))
    );
    let c = ok(r#"kinesis.list_shards(StreamName="orders", ShardFilter={"Type": "AT_LATEST"})"#);
    assert_eq!(c.action, "ListShards");
    assert_eq!(
        c.request,
        json!({"StreamName": "orders", "ShardFilter": {"Type": "AT_LATEST"}})
    );
    let c = ok(
        r#"playground.start_producer(ProducerName="p", StreamName="orders", RecordsPerSecond=50)"#,
    );
    assert_eq!(
        (c.service.as_str(), c.action.as_str()),
        ("playground", "StartProducer")
    );
    assert_eq!(
        c.request,
        json!({"ProducerName": "p", "StreamName": "orders", "RecordsPerSecond": 50})
    );
}

#[test]
fn no_arguments_is_an_empty_object() {
    let c = ok("kinesis.list_streams()");
    assert_eq!(c.action, "ListStreams");
    assert_eq!(c.request, json!({}));
}

// ---------------------------------------------------------------------------------------------
// Mapping.

#[test]
fn method_names_map_to_pascal_case() {
    for (m, a) in [
        ("put_record", "PutRecord"),
        ("put_records", "PutRecords"),
        ("describe_stream_summary", "DescribeStreamSummary"),
        ("list_shards", "ListShards"),
        ("get_shard_iterator", "GetShardIterator"),
        (
            "increase_stream_retention_period",
            "IncreaseStreamRetentionPeriod",
        ),
        ("add_tags_to_stream", "AddTagsToStream"),
        ("subscribe_to_shard", "SubscribeToShard"),
        ("list_objects_v2", "ListObjectsV2"),
        ("PutRecord", "PutRecord"),
        ("get", "Get"),
    ] {
        assert_eq!(action_name(m).as_deref(), Some(a), "{m}");
        assert_eq!(ok(&format!("kinesis.{m}()")).action, a);
    }
    for bad in ["_private", "__init__", "trailing_", "double__under", ""] {
        assert_eq!(action_name(bad), None, "{bad}");
    }
    let e = err("kinesis.__init__()");
    assert_eq!((e.line, e.column), (1, 9));
    assert!(e.message.contains("not an API method"), "{}", e.message);
}

#[test]
fn client_variable_picks_the_service() {
    for (client, service) in [
        ("kinesis", "kinesis"),
        ("client", "kinesis"),
        ("kds", "kinesis"),
        ("firehose", "firehose"),
        ("s3", "s3"),
        ("playground", "playground"),
        ("Firehose", "firehose"),
        ("firehose_client", "firehose"),
        ("my_s3", "s3"),
        ("kinesis_client", "kinesis"),
        ("s3x", "kinesis"),
    ] {
        assert_eq!(service_for_client(client), service, "{client}");
        assert_eq!(
            ok(&format!("{client}.list_things()")).service,
            service,
            "{client}"
        );
    }
}

#[test]
fn assignment_prefix_and_semicolon_are_accepted() {
    let c = ok("response = client.describe_stream_summary(StreamName='orders');");
    assert_eq!(
        (c.service.as_str(), c.action.as_str()),
        ("kinesis", "DescribeStreamSummary")
    );
    assert_eq!(c.request, json!({"StreamName": "orders"}));
}

// ---------------------------------------------------------------------------------------------
// Literals.

#[test]
fn string_literals() {
    assert_eq!(lit(r#""double""#), json!("double"));
    assert_eq!(lit("'single'"), json!("single"));
    assert_eq!(lit(r#"'it\'s'"#), json!("it's"));
    assert_eq!(lit(r#""say \"hi\"""#), json!("say \"hi\""));
    assert_eq!(lit(r#""a'b""#), json!("a'b"));
    assert_eq!(lit(r#"'a"b'"#), json!("a\"b"));
    assert_eq!(lit(r#""tab\tnl\nbs\\""#), json!("tab\tnl\nbs\\"));
    assert_eq!(lit(r#""\r\a\b\f\v\0""#), json!("\r\x07\x08\x0c\x0b\0"));
    assert_eq!(lit(r#""\u00e9\u2192""#), json!("é→"));
    assert_eq!(lit(r#""\U0001F600""#), json!("😀"));
    assert_eq!(lit(r#""\ud83d\ude00""#), json!("😀")); // a surrogate pair, as JSON writes it
    assert_eq!(lit(r#""\x41\101""#), json!("AA"));
    assert_eq!(lit(r#""\q""#), json!("\\q")); // unknown escapes keep the backslash, as in Python
    assert_eq!(lit("\"line\\\ncontinued\""), json!("linecontinued"));
    assert_eq!(lit(r#"r"raw\n\"""#), json!("raw\\n\\\""));
    assert_eq!(lit(r#"u"unicode""#), json!("unicode"));
    assert_eq!(
        lit(r#""""triple "quoted"
lines""""#),
        json!("triple \"quoted\"\nlines")
    );
    assert_eq!(lit("'''x'''"), json!("x"));
    assert_eq!(lit(r#""""#), json!(""));
    assert_eq!(lit(r#""héllo ✓""#), json!("héllo ✓"));
    assert_eq!(
        lit(r#""con" 'cat'
        "enated""#),
        json!("concatenated")
    );
}

#[test]
fn bytes_literals() {
    // Outside a blob member bytes are rejected; inside Data they are base64 of the raw bytes.
    let data =
        |literal: &str| ok(&format!("kinesis.put_record(Data={literal})")).request["Data"].clone();
    assert_eq!(data(r#"b"raw""#), json!(b64s(b"raw")));
    assert_eq!(data(r#"B'raw'"#), json!(b64s(b"raw")));
    assert_eq!(
        data(r#"b"\x00\xff\n\\""#),
        json!(b64s(&[0, 0xff, b'\n', b'\\']))
    );
    assert_eq!(data(r#"b"\u00e9""#), json!(b64s(b"\\u00e9"))); // no \u in bytes, as in Python
    assert_eq!(data(r#"rb"\x00""#), json!(b64s(b"\\x00")));
    assert_eq!(data(r#"br"\x00""#), json!(b64s(b"\\x00")));
    assert_eq!(data(r#"b"ab" b"cd""#), json!(b64s(b"abcd")));
    assert_eq!(data(r#"b"""#), json!(""));
    let e = err(r#"kinesis.put_record(Data=b"é")"#);
    assert!(e.message.contains("ASCII"), "{}", e.message);
    let e = err(r#"kinesis.put_record(Data=b"a" "b")"#);
    assert!(
        e.message.contains("cannot mix bytes and str"),
        "{}",
        e.message
    );
}

#[test]
fn integer_literals() {
    assert_eq!(lit("0"), json!(0));
    assert_eq!(lit("42"), json!(42));
    assert_eq!(lit("-7"), json!(-7));
    assert_eq!(lit("+7"), json!(7));
    assert_eq!(lit("-0"), json!(0));
    assert_eq!(lit("1_000_000"), json!(1_000_000));
    assert_eq!(lit("0x10"), json!(16));
    assert_eq!(lit("0o17"), json!(15));
    assert_eq!(lit("0b101"), json!(5));
    assert_eq!(lit("9223372036854775807"), json!(i64::MAX));
    assert_eq!(lit("-9223372036854775808"), json!(i64::MIN));
    // Beyond i64: exact decimal strings.
    assert_eq!(lit("9223372036854775808"), json!("9223372036854775808"));
    assert_eq!(lit("-9223372036854775809"), json!("-9223372036854775809"));
    assert_eq!(
        lit("340282366920938463463374607431768211455"),
        json!("340282366920938463463374607431768211455")
    );
    assert_eq!(
        lit("0xffffffffffffffffffffffffffffffff"),
        json!(u128::MAX.to_string())
    );
    assert_eq!(
        lit("1234567890123456789012345678901234567890123"),
        json!("1234567890123456789012345678901234567890123")
    );
    for bad in [
        "0123",
        "1__0",
        "1_",
        "0x",
        "12abc",
        "0x1_0000000000000000000000000000000000",
    ] {
        let e = err(&format!("kinesis.describe_stream(X={bad})"));
        assert_eq!(e.column, 27, "{bad}: {}", e.message);
    }
    // A wrong digit is pointed at itself.
    let e = err("kinesis.describe_stream(X=0b12)");
    assert_eq!(e.column, 30, "{}", e.message);
    assert!(
        e.message.contains("invalid digit '2' in a base-2 literal"),
        "{}",
        e.message
    );
}

#[test]
fn explicit_hash_key_as_int_or_string() {
    let max = "340282366920938463463374607431768211455";
    for form in [max.to_string(), format!("\"{max}\"")] {
        let c = ok(&format!(
            r#"kinesis.put_record(StreamName="orders", Data="x", PartitionKey="k", ExplicitHashKey={form})"#
        ));
        assert_eq!(c.request["ExplicitHashKey"], json!(max));
    }
    // Small ints become strings too where AWS types the member as a decimal string.
    let c = ok(
        r#"kinesis.put_record(ExplicitHashKey=5, SequenceNumberForOrdering=12, Records=[{"ExplicitHashKey": 0}])"#,
    );
    assert_eq!(c.request["ExplicitHashKey"], json!("5"));
    assert_eq!(c.request["SequenceNumberForOrdering"], json!("12"));
    assert_eq!(c.request["Records"][0]["ExplicitHashKey"], json!("0"));
    // …but not elsewhere.
    assert_eq!(
        ok("kinesis.create_stream(ShardCount=4)").request["ShardCount"],
        json!(4)
    );
}

#[test]
fn float_literals() {
    assert_eq!(lit("1.5"), json!(1.5));
    assert_eq!(lit("-2.25"), json!(-2.25));
    assert_eq!(lit(".5"), json!(0.5));
    assert_eq!(lit("3."), json!(3.0));
    assert_eq!(lit("1e3"), json!(1000.0));
    assert_eq!(lit("1.5E-3"), json!(0.0015));
    assert_eq!(lit("2e+2"), json!(200.0));
    assert_eq!(lit("1_0.5"), json!(10.5));
    assert_eq!(lit("1.e2"), json!(100.0));
    let e = err("kinesis.describe_stream(X=1e999)");
    assert!(e.message.contains("out of range"), "{}", e.message);
    let e = err("kinesis.describe_stream(X=1j)");
    assert!(e.message.contains("complex"), "{}", e.message);
}

#[test]
fn constants() {
    assert_eq!(lit("True"), json!(true));
    assert_eq!(lit("False"), json!(false));
    assert_eq!(lit("None"), Value::Null);
    for (bad, good) in [("true", "True"), ("false", "False"), ("null", "None")] {
        let e = err(&format!("kinesis.describe_stream(X={bad})"));
        assert!(e.message.contains(good), "{}", e.message);
        assert_eq!(e.column, 27);
    }
}

#[test]
fn containers() {
    assert_eq!(lit("[]"), json!([]));
    assert_eq!(lit("[1, 'a', None, [True]]"), json!([1, "a", null, [true]]));
    assert_eq!(lit("[1, 2,]"), json!([1, 2]));
    assert_eq!(lit("{}"), json!({}));
    assert_eq!(
        lit(r#"{"a": 1, 'b': [2], "c": {"d": None},}"#),
        json!({"a": 1, "b": [2], "c": {"d": null}})
    );
    assert_eq!(lit(r#"{"a": 1, "b": 2, "a": 3}"#), json!({"a": 3, "b": 2})); // last value, first place
    assert_eq!(lit("()"), json!([]));
    assert_eq!(lit("(1,)"), json!([1]));
    assert_eq!(lit("(1, 2)"), json!([1, 2]));
    assert_eq!(lit("(5)"), json!(5));
    assert_eq!(lit("(('x'))"), json!("x"));
    let e = err("kinesis.describe_stream(X={Type: 1})");
    assert!(e.message.contains("quoted"), "{}", e.message);
    assert_eq!(e.column, 28);
    let e = err("kinesis.describe_stream(X={1: 2})");
    assert!(e.message.contains("string key"), "{}", e.message);
    let e = err(r#"kinesis.describe_stream(X={b"k": 2})"#);
    assert!(e.message.contains("not bytes"), "{}", e.message);
}

#[test]
fn comments_whitespace_and_newlines_anywhere() {
    let src = "  # a comment first\n\
        kinesis . put_record (  # the call\n\
        \tStreamName = \"orders\" ,  # the stream\n\
        \n\
        Data=\"x\",\r\n\
        PartitionKey = 'k' ,   \n\
        Records = [\n  {  \"Data\" : 'y' , } , # one\n ] ,\n\
        )  # done\n";
    let c = ok(src);
    assert_eq!(c.action, "PutRecord");
    assert_eq!(
        c.request,
        json!({"StreamName": "orders", "Data": b64s(b"x"), "PartitionKey": "k", "Records": [{"Data": b64s(b"y")}]})
    );
    let c = ok("kinesis.put_record(StreamName='a', \\\n PartitionKey='b')");
    assert_eq!(c.request, json!({"StreamName": "a", "PartitionKey": "b"}));
}

#[test]
fn double_star_expands_a_dict() {
    let c = ok(r#"kinesis.put_record(**{"StreamName": "orders", "Data": "hi"}, PartitionKey="k")"#);
    assert_eq!(
        c.request,
        json!({"StreamName": "orders", "Data": b64s(b"hi"), "PartitionKey": "k"})
    );
    let e = err(r#"kinesis.put_record(StreamName="a", **{"StreamName": "b"})"#);
    assert!(e.message.contains("repeated"), "{}", e.message);
    let e = err(r#"kinesis.put_record(**["a"])"#);
    assert!(e.message.contains("dict"), "{}", e.message);
    let e = err(r#"kinesis.put_record(**{"not an ident": 1})"#);
    assert!(e.message.contains("identifiers"), "{}", e.message);
}

// ---------------------------------------------------------------------------------------------
// Blobs.

#[test]
fn data_is_base64_of_utf8() {
    let c = ok(r#"kinesis.put_record(StreamName="s", Data="héllo → ✓", PartitionKey="k")"#);
    assert_eq!(c.request["Data"], json!(b64s("héllo → ✓".as_bytes())));
    // A str that already looks like base64 is encoded again, as boto3 does.
    let c = ok(r#"kinesis.put_record(Data="aGk=")"#);
    assert_eq!(c.request["Data"], json!(b64s(b"aGk=")));
    // Data=None stays null (the service will answer); non-blob members are left alone.
    let c = ok(
        r#"kinesis.put_record(Data=None, PartitionKey="Data", Records=[{"PartitionKey": "x"}])"#,
    );
    assert_eq!(
        c.request,
        json!({"Data": null, "PartitionKey": "Data", "Records": [{"PartitionKey": "x"}]})
    );
    // Only the blob paths: a nested "Data" elsewhere is a plain string.
    let c = ok(r#"kinesis.tag_resource(Tags={"Data": "plain"})"#);
    assert_eq!(c.request["Tags"]["Data"], json!("plain"));
}

#[test]
fn firehose_blobs() {
    let c = ok(r#"firehose.put_record(DeliveryStreamName="d", Record={"Data": "line\n"})"#);
    assert_eq!(
        (c.service.as_str(), c.action.as_str()),
        ("firehose", "PutRecord")
    );
    assert_eq!(
        c.request,
        json!({"DeliveryStreamName": "d", "Record": {"Data": b64s(b"line\n")}})
    );
    let c = ok(
        r#"firehose.put_record_batch(DeliveryStreamName="d", Records=[{"Data": b"a"}, {"Data": "b"}])"#,
    );
    assert_eq!(c.action, "PutRecordBatch");
    assert_eq!(
        c.request["Records"],
        json!([{"Data": b64s(b"a")}, {"Data": b64s(b"b")}])
    );
    // Top-level Data is not a firehose blob: left as a string.
    assert_eq!(ok(r#"firehose.x(Data="a")"#).request["Data"], json!("a"));
}

#[test]
fn bytes_outside_a_blob_is_an_error_naming_the_member() {
    let src =
        r#"kinesis.put_records(StreamName="s", Records=[{"Data": "a", "PartitionKey": b"k"}])"#;
    let e = err(src);
    assert!(
        e.message.contains("Records[0].PartitionKey"),
        "{}",
        e.message
    );
    assert_eq!(e.column, src.find("b\"k\"").unwrap() + 1);
    let e = err(r#"kinesis.put_record(StreamName=b"s")"#);
    assert!(
        e.message.contains("StreamName expects a str"),
        "{}",
        e.message
    );
}

// ---------------------------------------------------------------------------------------------
// Errors: messages and positions.

#[track_caller]
fn err_at(src: &str, line: usize, column: usize, needle: &str) -> ConsoleError {
    let e = err(src);
    assert_eq!(
        (e.line, e.column),
        (line, column),
        "{src:?}: {}",
        e.render(src)
    );
    assert!(
        e.message.contains(needle),
        "{src:?}: message {:?} lacks {needle:?}",
        e.message
    );
    // The position agrees with line and column.
    assert_eq!(
        ConsoleError::at(src, e.position, ""),
        ConsoleError {
            message: String::new(),
            ..e.clone()
        }
    );
    e
}

#[test]
fn error_positions() {
    err_at(
        r#"kinesis.put_record(StreamName="orders"="x")"#,
        1,
        39,
        "expected ',' or ')' after argument, found '='",
    );
    err_at(
        r#"kinesis.put_record(StreamName="orders" Data="x")"#,
        1,
        40,
        "expected ',' or ')' after argument, found identifier 'Data'",
    );
    err_at(
        r#"kinesis.put_record("orders")"#,
        1,
        20,
        "positional arguments are not supported",
    );
    err_at(
        r#"kinesis.put_record(StreamName="orders", 5)"#,
        1,
        41,
        "positional arguments",
    );
    err_at(
        r#"kinesis.put_record(stream)"#,
        1,
        20,
        "'stream' is not a value",
    );
    err_at(
        r#"kinesis.put_record(StreamName: "x")"#,
        1,
        30,
        "expected '=' after the argument name 'StreamName'",
    );
    err_at(
        r#"kinesis.put_record(StreamName=orders)"#,
        1,
        31,
        "'orders' is not a value",
    );
    err_at(
        "kinesis.put_record(StreamName=\"orders)",
        1,
        31,
        "unterminated string literal",
    );
    err_at(
        "kinesis.put_record(\n  StreamName=\"orders\",\n  Data='x\n')",
        3,
        8,
        "unterminated string literal at the end of the line",
    );
    err_at(
        "kinesis.put_record(\n  StreamName=\"orders\",\n  Data=\"x\",\n",
        1,
        19,
        "'(' was never closed",
    );
    err_at(
        "kinesis.put_record(Records=[1, 2",
        1,
        28,
        "list was never closed",
    );
    err_at(
        "kinesis.put_record(Records=[1 2])",
        1,
        31,
        "expected ',' or ']' in a list, found number 2",
    );
    err_at(
        "kinesis.put_record(F={\"a\" 1})",
        1,
        27,
        "expected ':' after the dict key \"a\"",
    );
    err_at(
        "kinesis.put_record(F={\"a\": 1 \"b\": 2})",
        1,
        30,
        "expected ',' or '}' in a dict",
    );
    err_at(
        "kinesis.put_record(F={\"a\": 1",
        1,
        22,
        "dict was never closed",
    );
    err_at(
        "kinesis.put_record(A=1, A=2)",
        1,
        25,
        "keyword argument repeated: A",
    );
    err_at(
        "kinesis.put_record(A=)",
        1,
        22,
        "expected a value, found ')'",
    );
    err_at(
        "kinesis.put_record(A=-'x')",
        1,
        23,
        "expected a number after '-'",
    );
    err_at(
        "kinesis.put_record(A=1) kinesis.put_record()",
        1,
        25,
        "expected the end of input after the call",
    );
    err_at(
        "kinesis.put_record",
        1,
        19,
        "expected '(' after 'kinesis.put_record', found end of input",
    );
    err_at("kinesis", 1, 8, "expected '.' and a method after 'kinesis'");
    err_at("kinesis.", 1, 9, "expected a method name after 'kinesis.'");
    err_at("kinesis.a.b()", 1, 10, "found '.'");
    err_at("", 1, 1, "expected a call such as");
    err_at("   # only a comment\n", 2, 1, "expected a call such as");
    err_at("42", 1, 1, "expected a client variable");
    err_at(
        "kinesis.put_record(A=1) @",
        1,
        25,
        "unexpected character '@'",
    );
    err_at("kinesis.put_record(A=“x”)", 1, 22, "typographic quote");
    err_at("kinesis.put_record(A=f\"x\")", 1, 22, "f-strings");
    err_at("kinesis.put_record(A='\\ud800')", 1, 23, "lone surrogate");
    err_at(
        "kinesis.put_record(A='\\u12')",
        1,
        23,
        "needs exactly 4 hex digits",
    );
    err_at("kinesis.put_record(A=1) \\ x", 1, 25, "line continuation");
    err_at("kinesis.put_record(A=*x)", 1, 22, "unexpected '*'");
    // Columns count characters, not bytes.
    err_at(
        "kinesis.put_record(A=\"é→\" B=1)",
        1,
        27,
        "expected ',' or ')'",
    );
    // Later lines.
    err_at(
        "kinesis.put_record(\n\tA=1,\n\tB=[1,\n\t  2 3])",
        4,
        6,
        "expected ',' or ']'",
    );
}

#[test]
fn render_shows_the_line_and_a_caret() {
    let src = r#"kinesis.put_record(StreamName="orders"="x")"#;
    let e = err(src);
    assert_eq!(
        e.render(src),
        "error: expected ',' or ')' after argument, found '=' (line 1, column 39)\n 1 | kinesis.put_record(StreamName=\"orders\"=\"x\")\n   |                                       ^"
    );
    let src = "kinesis.put_record(\n  A=1\n  B=2)";
    let e = err(src);
    let r = e.render(src);
    assert_eq!(r.lines().nth(1), Some(" 3 |   B=2)"));
    assert_eq!(r.lines().nth(2), Some("   |   ^"));
    // The Display form.
    assert_eq!(
        e.to_string(),
        "line 3, column 3: expected ',' or ')' after argument, found identifier 'B'"
    );
    // End of input on an empty last line.
    let src = "kinesis.put_record(A=\n";
    let r = err(src).render(src);
    assert!(r.ends_with(" 2 | \n   | ^"), "{r:?}");
    // Tabs show as spaces so the caret lines up.
    let src = "kinesis.put_record(\tA=1 B)";
    let r = err(src).render(src);
    assert_eq!(
        r.lines().nth(2),
        Some("   |                         ^"),
        "{r}"
    );
}

#[test]
fn render_windows_a_long_line() {
    let long = "x".repeat(5000);
    let src = format!("kinesis.put_record(A=\"{long}\" B=1)");
    let e = err(&src);
    let r = e.render(&src);
    let lines: Vec<&str> = r.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[1].chars().count() < 120, "{}", lines[1]);
    let caret = lines[2].chars().position(|c| c == '^').unwrap();
    // The caret sits under the space before `B` (the error is at `B`).
    let under: Vec<char> = lines[1].chars().collect();
    assert_eq!(under[caret], 'B', "{r}");
    assert!(lines[1].contains('…'));
    // A position past the end, or inside a multi-byte character, is clamped.
    let e = ConsoleError::at("é", 1, "m");
    assert_eq!((e.position, e.line, e.column), (0, 1, 1));
    let e = ConsoleError::at("ab\ncd", 99, "m");
    assert_eq!((e.position, e.line, e.column), (5, 2, 3));
    let _ = e.render("");
}

// ---------------------------------------------------------------------------------------------
// Limits.

#[test]
fn deep_nesting_is_bounded() {
    let nested = |n: usize| format!("kinesis.x(A={}1{})", "[".repeat(n), "]".repeat(n));
    let v = ok(&nested(MAX_DEPTH)).request["A"].clone();
    let mut depth = 0;
    let mut cur = &v;
    while let Value::Array(items) = cur {
        depth += 1;
        cur = &items[0];
    }
    assert_eq!(depth, MAX_DEPTH);
    let e = err(&nested(MAX_DEPTH + 1));
    assert!(e.message.contains("too deep"), "{}", e.message);
    assert_eq!(e.column, 12 + MAX_DEPTH + 1);
    // Far deeper input, of every container kind, fails the same way without overflowing the stack.
    for open in ["[", "{\"k\": ", "(", "(1, "] {
        let src = format!("kinesis.x(A={})", open.repeat(100_000));
        assert!(err(&src).message.contains("too deep"), "{open}");
    }
}

#[test]
fn input_size_is_bounded() {
    let pad = " ".repeat(MAX_INPUT_BYTES);
    let src = format!("kinesis.list_streams(){pad}");
    let e = err(&src);
    assert!(e.message.contains("at most 1048576"), "{}", e.message);
    // Just under the limit is fine.
    let src = format!("kinesis.list_streams(){}", &pad[..MAX_INPUT_BYTES - 22]);
    assert_eq!(src.len(), MAX_INPUT_BYTES);
    ok(&src);
}

#[test]
fn format_response_is_pretty_with_two_spaces() {
    let v = json!({"ShardId": "shardId-000000000001", "SequenceNumber": "4960", "Nested": {"A": [1, 2]}});
    assert_eq!(
        format_response(&v),
        "{\n  \"ShardId\": \"shardId-000000000001\",\n  \"SequenceNumber\": \"4960\",\n  \"Nested\": {\n    \"A\": [\n      1,\n      2\n    ]\n  }\n}"
    );
    assert_eq!(format_response(&json!({})), "{}");
}

// ---------------------------------------------------------------------------------------------
// No panics: a deterministic mutation loop over valid inputs.

/// xorshift64*: a tiny deterministic generator for the mutation loop.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    r#"kinesis.put_record(StreamName="orders", Data="hello", PartitionKey="user-1")"#,
    r#"kinesis.put_records(StreamName="orders", Records=[{"Data": "a", "PartitionKey": "k"}, {"Data": b"raw", "PartitionKey": "k2"}])"#,
    r#"kinesis.get_shard_iterator(StreamName="orders", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")"#,
    r#"kinesis.list_shards(StreamName="orders", ShardFilter={"Type": "AT_LATEST"})  # c"#,
    "playground.start_producer(ProducerName='p', StreamName=\"orders\", RecordsPerSecond=50,)",
    "client.x(A=[1, -2.5e3, 0x1F, True, None, (1,), {'k': '\\u00e9\\n'}], B=r'\\q', C=\"\"\"t\nq\"\"\")",
    "firehose.put_record_batch(DeliveryStreamName='d', Records=[{'Data': b'\\xff'}], E=340282366920938463463374607431768211455)",
];

const PIECES: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "=",
    ".",
    "\"",
    "'",
    "\\",
    "b\"",
    "r'",
    "\"\"\"",
    "#",
    "\n",
    "-",
    "+",
    "**",
    "0x",
    "1e",
    "_",
    "é",
    "→",
    "😀",
    "\\u",
    "\\x",
    "\\U0010FFFF",
    "\\ud83d",
    "None",
    "True",
    "9",
    "99999999999999999999999",
    "1.",
    ".",
    "\r",
    "\t",
    "\0",
    "kinesis.",
    "A=",
    "\u{feff}",
    "\u{201c}",
];

pub(super) fn mutate(rng: &mut Rng, src: &str) -> String {
    let mut chars: Vec<char> = src.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(5) {
            0 if !chars.is_empty() => {
                let at = at.min(chars.len() - 1);
                chars.remove(at);
            }
            1 => {
                let piece: Vec<char> = PIECES[rng.below(PIECES.len())].chars().collect();
                chars.splice(at..at, piece);
            }
            2 if !chars.is_empty() => {
                let at = at.min(chars.len() - 1);
                chars[at] = char::from_u32(rng.below(0x3000) as u32).unwrap_or('?');
            }
            3 => chars.truncate(at),
            _ => {
                // Duplicate a slice (grows nesting and repeats).
                let from = rng.below(chars.len() + 1);
                let to = (from + rng.below(16)).min(chars.len());
                let slice: Vec<char> = chars[from..to].to_vec();
                chars.splice(at..at, slice);
            }
        }
    }
    chars.into_iter().collect()
}

#[test]
fn mutated_inputs_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut oks, mut errs) = (0, 0);
    for i in 0..40_000 {
        let seed = SEEDS[i % SEEDS.len()];
        let mut src = mutate(&mut rng, seed);
        if i % 7 == 0 {
            src = mutate(&mut rng, &src);
        }
        match parse_call(&src) {
            Ok(call) => {
                oks += 1;
                assert!(call.request.is_object());
                assert!(!call.action.is_empty());
            }
            Err(e) => {
                errs += 1;
                assert!(e.position <= src.len());
                assert!(src.is_char_boundary(e.position));
                assert!(e.line >= 1 && e.column >= 1);
                assert!(!e.message.is_empty());
                let r = e.render(&src);
                assert!(r.contains('^'));
            }
        }
    }
    assert!(oks > 1_000 && errs > 1_000, "oks {oks}, errs {errs}");
}

#[test]
fn every_prefix_of_the_seeds_fails_cleanly() {
    for seed in SEEDS {
        let mut cut: Vec<usize> = seed.char_indices().map(|(i, _)| i).collect();
        cut.push(seed.len());
        for end in cut {
            let src = &seed[..end];
            if let Err(e) = parse_call(src) {
                let _ = e.render(src);
                assert!(e.position <= src.len());
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod prop {
    use proptest::prelude::*;

    use super::super::parse_call;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, .. ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
            if let Err(e) = parse_call(&src) {
                let _ = e.render(&src);
            }
        }

        #[test]
        fn python_like_text_never_panics(src in "[a-z_.()\\[\\]{}:,='\"\\\\#0-9 \n-]{0,120}") {
            if let Err(e) = parse_call(&src) {
                let _ = e.render(&src);
            }
        }

        #[test]
        fn any_string_round_trips_through_a_literal(s in "\\PC{0,40}") {
            let mut lit = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => lit.push_str("\\\""),
                    '\\' => lit.push_str("\\\\"),
                    '\n' => lit.push_str("\\n"),
                    c => lit.push(c),
                }
            }
            lit.push('"');
            let call = parse_call(&format!("kinesis.x(A={lit})")).unwrap();
            prop_assert_eq!(call.request["A"].as_str(), Some(s.as_str()));
        }
    }
}
