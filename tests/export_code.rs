//! Export to boto3 / AWS CLI: what the generated code contains, what it leaves out, and that it
//! parses. (Running it against real clients and emulators is scripts/test step 8,
//! tests/export/proof.sh.)

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kinesis_playground::engine::export::{export_session, ExportFormat};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test;

fn session(name: &str) -> String {
    match name {
        "basics" => include_str!("export/sessions/basics.jsonl"),
        "reshard" => include_str!("export/sessions/reshard.jsonl"),
        "mixed" => include_str!("export/sessions/mixed.jsonl"),
        "firehose" => include_str!("export/sessions/firehose.jsonl"),
        other => panic!("no session {other}"),
    }
    .to_string()
}

fn export(name: &str, format: ExportFormat) -> kinesis_playground::engine::export::Export {
    export_session(&session(name), format).expect("export")
}

/// Every iterator token the playground handed out in a session's answers.
fn playground_iterators(name: &str) -> Vec<String> {
    let text = session(name);
    let mut out = Vec::new();
    for line in text.lines() {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
            if let Some(it) = v["request"]["ShardIterator"].as_str() {
                out.push(it.to_string());
            }
        }
    }
    out
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn iterators_and_sequence_numbers_become_variables_of_the_script() {
    for format in [ExportFormat::Boto3, ExportFormat::AwsCli] {
        let e = export("basics", format);
        let tokens = playground_iterators("basics");
        assert_eq!(tokens.len(), 5);
        // The playground's tokens appear only in the comments that show its answers.
        for line in e.code.lines().filter(|l| !l.trim_start().starts_with('#')) {
            for t in &tokens {
                assert!(
                    !line.contains(t.as_str()),
                    "{format:?} uses the playground's token: {line}"
                );
            }
        }
        match format {
            ExportFormat::Boto3 => {
                assert!(e.code.contains("iterator_"));
                assert!(e.code.contains("StartingSequenceNumber=seq_3"));
                assert!(e.code.contains("Timestamp=ts_at(5000)"));
                assert!(e.code.contains("at(6000, new_second=True)"));
                assert!(e.code.contains("kinesis.get_waiter(\"stream_exists\")"));
            }
            ExportFormat::AwsCli => {
                assert!(e.code.contains("--shard-iterator \"$ITERATOR_"));
                assert!(e.code.contains("--starting-sequence-number \"$SEQ_3\""));
                assert!(e.code.contains("--timestamp \"$(ts_at 5000)\""));
                assert!(e
                    .code
                    .contains("wait_stream_status ACTIVE --stream-name orders"));
            }
        }
        assert_eq!(e.calls, 22);
        assert_eq!(e.checks, 17);
        assert!(e.skipped.is_empty());
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn malformed_unknown_and_out_of_order_lines_are_named_never_written() {
    for format in [ExportFormat::Boto3, ExportFormat::AwsCli] {
        let e = export("mixed", format);
        let lines: Vec<usize> = e.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, vec![6, 7, 8], "{:?}", e.skipped);
        assert!(e.skipped[0].reason.contains("FlyToTheMoon"));
        assert!(e.skipped[1].reason.contains("not valid JSON"));
        assert!(e.skipped[2].reason.contains("before the previous call"));
        assert!(!e.code.contains("fly_to_the_moon") && !e.code.contains("fly-to-the-moon"));
        assert!(!e.code.contains("list_streams") && !e.code.contains("list-streams"));
        assert!(e.code.contains("#   line 7: the line is not valid JSON"));
        // The simulated producer is a comment, and reads after it are not compared.
        assert!(e
            .code
            .contains("# playground.StartProducer: a simulated producer application"));
        assert!(e
            .code
            .contains("Reads after playground.StartProducer (line 9) are not compared"));
        // A call the playground refused is expected to be refused, not fatal.
        let refused = match format {
            ExportFormat::Boto3 => "expected_error(e, \"ValidationException\")",
            ExportFormat::AwsCli => "expected_error \"$R4\" ValidationException",
        };
        assert!(e.code.contains(refused), "{format:?}");
        assert_eq!(e.comments, 1);
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn firehose_records_are_checked_at_the_bucket_and_blobs_are_written_as_bytes() {
    let e = export("firehose", ExportFormat::Boto3);
    assert!(e
        .code
        .contains("wait_delivery_stream_active(\"clicks-to-s3\")"));
    assert!(e
        .code
        .contains("Record={\"Data\": b'{\"page\":\"home\",\"user\":1}\\n'}"));
    assert!(e
        .code
        .contains("check_delivered(\"clickstream-archive\", ["));
    assert!(e.code.contains("the playground had delivered 6 of 6 lines"));
    let cli = export("firehose", ExportFormat::AwsCli);
    assert!(cli.code.contains("aws_firehose put-record-batch"));
    assert!(cli.code.contains("--delivery-stream-name clicks-to-s3"));
    assert!(cli
        .code
        .contains("aws_s3api list-objects-v2 --bucket clickstream-archive"));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn the_same_session_exports_to_the_same_code() {
    for name in ["basics", "reshard", "mixed", "firehose"] {
        for format in [ExportFormat::Boto3, ExportFormat::AwsCli] {
            assert_eq!(export(name, format).code, export(name, format).code);
        }
    }
}

#[test]
#[cfg(not(target_arch = "wasm32"))]
fn the_code_parses_as_python_and_bash() {
    let dir = std::env::temp_dir().join(format!("kp-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for name in ["basics", "reshard", "mixed", "firehose"] {
        let py = dir.join(format!("{name}.py"));
        std::fs::write(&py, export(name, ExportFormat::Boto3).code).expect("write");
        let out = std::process::Command::new("python3")
            .args(["-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())"])
            .arg(&py)
            .output()
            .expect("python3 (scripts/test installs it)");
        assert!(
            out.status.success(),
            "{name}.py: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let sh = dir.join(format!("{name}.sh"));
        std::fs::write(&sh, export(name, ExportFormat::AwsCli).code).expect("write");
        let out = std::process::Command::new("bash")
            .arg("-n")
            .arg(&sh)
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "{name}.sh: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn a_session_without_a_header_and_an_oversized_one() {
    let e = export_session(
        "{\"service\":\"kinesis\",\"action\":\"ListStreams\",\"request\":{}}\n",
        ExportFormat::Boto3,
    )
    .expect("export");
    assert!(e.code.contains("kinesis.list_streams()"));
    let bad = export_session("{\"session\": {\"seed\": \"x\"}}\n", ExportFormat::Boto3);
    assert!(bad.is_err());
    let huge = "x".repeat(33 * 1024 * 1024);
    assert!(export_session(&huge, ExportFormat::AwsCli).is_err());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn stream_arns_are_looked_up_and_consumer_arns_read_from_the_answer() {
    use kinesis_playground::engine::action_log::Session;
    use kinesis_playground::engine::world::WorldConfig;
    use serde_json::json;
    let mut s = Session::new(WorldConfig::seeded(3));
    let arn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";
    s.call(
        "kinesis",
        "CreateStream",
        json!({"StreamName": "orders", "ShardCount": 1}),
    )
    .expect("create");
    s.advance_to(3_000);
    let consumer = s
        .call(
            "kinesis",
            "RegisterStreamConsumer",
            json!({"StreamARN": arn, "ConsumerName": "billing"}),
        )
        .expect("register");
    let consumer_arn = consumer["Consumer"]["ConsumerARN"]
        .as_str()
        .expect("arn")
        .to_string();
    s.advance_to(15_000);
    s.call(
        "kinesis",
        "SubscribeToShard",
        json!({"ConsumerARN": consumer_arn, "ShardId": "shardId-000000000000",
               "StartingPosition": {"Type": "LATEST"}}),
    )
    .expect("subscribe");
    let text = s.to_jsonl();
    let py = export_session(&text, ExportFormat::Boto3).expect("export");
    assert!(py
        .code
        .contains("r2 = kinesis.describe_stream_summary(StreamName=\"orders\")"));
    assert!(py
        .code
        .contains("stream_arn_orders = r2[\"StreamDescriptionSummary\"][\"StreamARN\"]"));
    assert!(py.code.contains("StreamARN=stream_arn_orders"));
    assert!(py
        .code
        .contains("consumer_arn_3 = r3[\"Consumer\"][\"ConsumerARN\"]"));
    assert!(py
        .code
        .contains("wait_consumer_active(StreamARN=stream_arn_orders, ConsumerName=\"billing\")"));
    assert!(py.code.contains("kinesis.subscribe_to_shard("));
    assert!(py.code.contains("ConsumerARN=consumer_arn_3"));
    assert_eq!(
        py.calls, 3,
        "the ARN lookup is not counted as a session call"
    );
    let cli = export_session(&text, ExportFormat::AwsCli).expect("export");
    assert!(cli.code.contains("--stream-arn \"$STREAM_ARN_ORDERS\""));
    assert!(!cli.code.contains("aws_kinesis subscribe-to-shard"));
    assert_eq!(cli.skipped.len(), 1);
    assert!(cli.skipped[0].reason.contains("SubscribeToShard"));
}
