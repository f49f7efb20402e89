//! Golden test of the native CLI: `api --seed 7` on a fixed JSON-Lines session must print exactly
//! `tests/golden/session1.out.jsonl`. Regenerate with `UPDATE_GOLDEN=1 cargo test --test
//! cli_golden` after a deliberate change, and review the diff.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::digest::world_digest;
use kinesis_playground::engine::world::WorldConfig;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kinesis-playground");

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Runs the binary with `args`, feeding `stdin`; returns stdout, panicking on a non-zero exit.
fn run(args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kinesis-playground");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "kinesis-playground {args:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// A scratch file path unique to this test process.
fn scratch(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{}-{name}", std::process::id()))
}

#[test]
fn api_seed_7_matches_golden_output() {
    check_golden("session1");
}

/// A streaming job end to end over the CLI: stream, application (and one whose SQL is refused
/// with its position), start, records, a killed task manager, a late record, a snapshot, stop,
/// the three result views and the batch comparison.
#[test]
fn analytics_job_over_the_cli_matches_golden_output() {
    let out = check_golden("analytics");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let errors: Vec<&Value> = lines.iter().filter_map(|l| l.get("error")).collect();
    assert_eq!(errors.len(), 1, "only the bad SQL fails: {errors:?}");
    assert_eq!(errors[0]["type"], "CodeValidationException");
    let batch = &lines[lines.len() - 1]["ok"];
    // The one late record is the whole difference between streaming and batch.
    assert_eq!(batch["LateRecordsDroppedByStreaming"], 1);
    assert_eq!(
        batch["Comparison"]["Differing"].as_array().map(Vec::len),
        Some(1)
    );
    let alo = &lines[lines.len() - 2]["ok"];
    assert!(
        alo["Duplicates"].as_u64().unwrap() > 0,
        "the kill replayed rows"
    );
}

/// Kafka over the CLI (semantics.md §6): a topic, keyed records in murmur2's partitions (the
/// Java client's test-vector keys), a group member polling them, two broker failures —
/// acks=all still succeeds with two in-sync replicas and fails with NotEnoughReplicas with one —
/// and an unknown topic.
#[test]
fn kafka_over_the_cli_matches_golden_output() {
    let out = check_golden("kafka");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let parts: Vec<u64> = lines[1]["ok"]["Results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Partition"].as_u64().unwrap())
        .collect();
    // toPositive(murmur2(k)) % 3 for "21", "foobar", "abc", "a-little-bit-long-string" (§6.2).
    assert_eq!(parts, vec![0, 0, 0, 2]);
    assert_eq!(lines[3]["ok"]["Records"].as_array().map(Vec::len), Some(4));
    assert_eq!(lines[6]["ok"]["Results"][0]["Offset"], 3);
    assert_eq!(
        lines[8]["ok"]["Results"][0]["Error"],
        "NotEnoughReplicasException"
    );
    assert_eq!(
        lines[10]["error"]["type"],
        "UnknownTopicOrPartitionException"
    );
}

/// Runs `tests/golden/NAME.in.jsonl` through `api --seed 7` and compares with NAME.out.jsonl.
fn check_golden(name: &str) -> String {
    let input = read(&golden(&format!("{name}.in.jsonl")));
    let stdout = run(&["api", "--seed", "7"], &input);
    let out_path = golden(&format!("{name}.out.jsonl"));
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&out_path, &stdout).unwrap();
        eprintln!("updated {}", out_path.display());
    }
    let want = read(&out_path);
    if stdout != want {
        for (i, (got, exp)) in stdout.lines().zip(want.lines()).enumerate() {
            if got != exp {
                panic!(
                    "line {} differs (UPDATE_GOLDEN=1 regenerates):\n got: {got}\nwant: {exp}",
                    i + 1
                );
            }
        }
        panic!(
            "output has {} lines, golden has {} (UPDATE_GOLDEN=1 regenerates)",
            stdout.lines().count(),
            want.lines().count()
        );
    }
    stdout
}

#[test]
fn one_output_line_per_non_empty_input_line() {
    let input = read(&golden("session1.in.jsonl"));
    let stdout = run(&["api", "--seed", "7"], &input);
    let non_empty = input.lines().filter(|l| !l.trim().is_empty()).count();
    assert!(
        input.lines().any(|l| l.trim().is_empty()),
        "the input has a blank line to skip"
    );
    assert_eq!(stdout.lines().count(), non_empty);
    assert!(stdout.ends_with('\n'));
    // Every output line is an envelope: exactly one of "ok" / "error".
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).expect("each output line is JSON");
        let obj = v.as_object().expect("an object");
        assert_eq!(obj.len(), 1, "{line}");
        match (obj.get("ok"), obj.get("error")) {
            (Some(_), None) => {}
            (None, Some(e)) => {
                assert!(e["type"].is_string() && e["message"].is_string(), "{line}");
            }
            _ => panic!("not an envelope: {line}"),
        }
    }
}

#[test]
fn golden_session_covers_the_required_cases() {
    // Guards the golden input itself: creates, puts incl. errors, a malformed line, a wrong-type
    // line, describe, list shards, producer start/list. Unknown services and actions are left to
    // tests/validation.rs: their messages list every supported name, which would churn this file
    // whenever an action is added.
    let input = read(&golden("session1.in.jsonl"));
    let want = read(&golden("session1.out.jsonl"));
    let errors: Vec<String> = want
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v["error"]["type"].as_str().map(str::to_string))
        .collect();
    for kind in [
        "ResourceInUseException",
        "ResourceNotFoundException",
        "ValidationException",
        "InvalidArgumentException",
        "SerializationException",
    ] {
        assert!(
            errors.iter().any(|e| e == kind),
            "golden output lacks a {kind}"
        );
    }
    for action in [
        "CreateStream",
        "PutRecord",
        "DescribeStream",
        "ListShards",
        "StartProducer",
        "ListProducers",
    ] {
        assert!(
            input.contains(&format!("\"{action}\"")),
            "golden input lacks {action}"
        );
    }
    assert!(input
        .lines()
        .any(|l| !l.trim().is_empty() && serde_json::from_str::<Value>(l).is_err()));
}

#[test]
fn cli_output_equals_the_in_process_session() {
    // The binary is a thin shell over `Session::apply_json_line`.
    let input = read(&golden("session1.in.jsonl"));
    let stdout = run(&["api", "--seed", "7"], &input);
    let mut session = Session::new(WorldConfig::seeded(7));
    let expected: Vec<String> = input
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| session.apply_json_line(l).to_string())
        .collect();
    assert_eq!(stdout.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn replay_of_saved_session_prints_the_live_digest() {
    let input = read(&golden("session1.in.jsonl"));
    let saved = scratch("session1.saved.jsonl");
    let saved_str = saved.to_str().unwrap();
    run(&["api", "--seed", "7", "--save", saved_str], &input);

    // The live session's digest, computed in process from the same lines.
    let mut live = Session::new(WorldConfig::seeded(7));
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        live.apply_json_line(line);
    }
    let live_digest = world_digest(live.world());
    assert_eq!(
        read(&saved),
        live.to_jsonl(),
        "--save writes the session as to_jsonl does"
    );

    let replay = run(&["replay", saved_str], "");
    assert_eq!(replay.lines().count(), 1);
    let v: Value = serde_json::from_str(replay.trim()).unwrap();
    assert_eq!(v["digest"], live_digest);
    assert_eq!(v["now"], live.world().now());
    assert_eq!(v["calls"], live.log().len());
    assert_eq!(v["streams"][0]["StreamName"], "orders");
    // Replaying twice gives the same answer.
    assert_eq!(run(&["replay", saved_str], ""), replay);
    let _ = std::fs::remove_file(&saved);
}

#[test]
fn api_without_seed_and_bad_usage() {
    // An empty input prints nothing and succeeds.
    assert_eq!(run(&["api"], ""), "");
    // Bad usage exits with status 2 and a message on stderr.
    let out = Command::new(BIN)
        .args(["api", "--seed", "x"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--seed"));
    let out = Command::new(BIN)
        .arg("frobnicate")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The sources over the CLI: a CloudWatch Logs subscription into Firehose with decompression and
/// message extraction, an EventBridge rule and an IoT rule into another delivery stream, a bad
/// filter pattern and a bad rule SQL with their service error names, and the bucket afterwards.
#[test]
fn sources_over_the_cli_match_golden_output() {
    let out = check_golden("sources");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let errors: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.get("error").and_then(|e| e["type"].as_str()))
        .collect();
    assert_eq!(
        errors,
        vec!["InvalidParameterException", "SqlParseException"]
    );
    let keys: Vec<&str> = lines[lines.len() - 2]["ok"]["Contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["Key"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 2, "one object per delivery stream: {keys:?}");
    let sources = &lines[lines.len() - 1]["ok"];
    assert_eq!(
        sources["LogGroups"][0]["SubscriptionFilters"][0]["Playground"]["MatchedEvents"],
        2
    );
    assert_eq!(sources["EventRules"][0]["Matched"], 1);
    assert_eq!(sources["TopicRules"][0]["Selected"], 1);
}
