//! Lessons: every built-in lesson's reference solution passes on its seed and its hidden seeds,
//! the untouched start fails, predictions count only before the answer shows, completion codes
//! verify and forged ones do not, and permalinks survive encode → decode and reject damage.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kinesis_playground::engine::action_log::ActionCall;
use kinesis_playground::engine::lesson::check::{check, parse_actions};
use kinesis_playground::engine::lesson::permalink::{decode, encode, Permalink};
use kinesis_playground::engine::lesson::{catalog, completion, Lesson};
use serde_json::json;

fn lessons() -> Vec<Lesson> {
    catalog::lessons()
        .into_iter()
        .map(|l| l.expect("every built-in lesson parses"))
        .collect()
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_reference_solution_passes_on_every_seed_and_the_start_alone_fails() {
    let all = lessons();
    assert!(all.len() >= 3);
    let mut ids: Vec<&str> = all.iter().map(|l| l.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "lesson ids are unique");
    for lesson in &all {
        assert!(
            !lesson.hidden_seeds.is_empty(),
            "{} has hidden seeds",
            lesson.id
        );
        assert!(!lesson.hints.is_empty(), "{} has hints", lesson.id);
        let report = check(lesson, &lesson.solution);
        assert!(
            report.passed(),
            "{}: the reference solution fails: {report:#?}",
            lesson.id
        );
        assert_eq!(report.seeds.len(), 1 + lesson.hidden_seeds.len());
        assert!(
            report.seeds.iter().all(|s| s.refused.is_empty()),
            "{}: {report:#?}",
            lesson.id
        );
        let untouched = check(lesson, &[]);
        assert!(
            !untouched.seeds[0].passed(),
            "{}: passes with no action at all",
            lesson.id
        );
    }
}

fn call(at: u64, service: &str, action: &str, request: serde_json::Value) -> ActionCall {
    ActionCall {
        at: Some(at),
        service: service.into(),
        action: action.into(),
        request,
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_prediction_counts_only_if_right_and_made_before_the_answer_showed() {
    let lesson = catalog::find("partition-keys").expect("lesson");
    let put = |at| {
        call(
            at,
            "kinesis",
            "PutRecord",
            json!({"StreamName": "orders", "PartitionKey": "user-42", "Data": "eA=="}),
        )
    };
    let predict = |at, answer: &str| {
        call(
            at,
            "playground",
            "RecordPrediction",
            json!({"Question": "shard-of-user-42", "Answer": answer}),
        )
    };
    let prediction_goal = |log: &[ActionCall]| check(&lesson, log).seeds[0].goals[2].clone();
    let late = [
        put(3_000),
        predict(4_000, "shardId-000000000001"),
        put(5_000),
        put(6_000),
    ];
    let g = prediction_goal(&late);
    assert!(!g.verdict.passed);
    assert!(
        g.verdict.detail.contains("after a call that revealed"),
        "{}",
        g.verdict.detail
    );
    let wrong = [
        predict(3_000, "shardId-000000000002"),
        put(4_000),
        put(5_000),
        put(6_000),
    ];
    assert!(!prediction_goal(&wrong).verdict.passed);
    let right = [
        predict(3_000, "shardId-000000000001"),
        put(4_000),
        put(5_000),
        put(6_000),
    ];
    assert!(check(&lesson, &right).passed());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn reacting_too_late_or_with_too_few_shards_fails() {
    // The hot-shard lesson needs the extra shard ACTIVE before t = 60 s.
    let lesson = catalog::find("hot-shards").expect("lesson");
    let late = [call(
        70_000,
        "kinesis",
        "UpdateShardCount",
        json!({"StreamName": "orders", "TargetShardCount": 2, "ScalingType": "UNIFORM_SCALING"}),
    )];
    let r = check(&lesson, &late);
    assert!(!r.passed());
    assert!(
        !r.seeds[0].goals[0].verdict.passed,
        "{:?}",
        r.seeds[0].goals[0]
    );
    let same = [call(
        31_000,
        "kinesis",
        "UpdateShardCount",
        json!({"StreamName": "orders", "TargetShardCount": 1, "ScalingType": "UNIFORM_SCALING"}),
    )];
    assert!(!check(&lesson, &same).passed());
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn a_log_that_passes_only_on_the_visible_seed_fails_on_a_hidden_one() {
    // A lesson whose goal depends on the producer's random keys: "key user-7 was written by
    // t = 3 s". Some seeds write it, some do not; with an empty learner log, a visible seed
    // that passes and a hidden seed that does not must fail the lesson.
    let text = |seed: u64, hidden: u64| {
        json!({
        "id": "seeded", "title": "t", "concept": "c", "explanation": "e", "seed": seed,
        "start": [
            {"at": 0, "service": "kinesis", "action": "CreateStream", "request": {"StreamName": "s", "ShardCount": 1}},
            {"at": 1000, "service": "playground", "action": "StartProducer", "request": {"ProducerName": "p", "StreamName": "s", "RecordsPerSecond": 5, "KeyDistribution": {"Type": "UNIFORM", "KeyCount": 20}}}
        ],
        "goals": [{"text": "user-7 written", "query": {"service": "playground", "action": "DescribeStreamRecords", "request": {"StreamName": "s", "PartitionKey": "user-7"}},
                   "path": "Records[*]", "op": "count>=", "value": 1}],
        "hints": ["h"], "solution": [], "hiddenSeeds": [hidden], "checkAt": 3000
    }).to_string()
    };
    let passes = |seed: u64| {
        let l = Lesson::parse(&text(seed, seed)).expect("lesson");
        check(&l, &[]).seeds[0].passed()
    };
    let good = (1..200)
        .find(|&s| passes(s))
        .expect("a seed that writes user-7");
    let bad = (1..200)
        .find(|&s| !passes(s))
        .expect("a seed that does not");
    let lesson = Lesson::parse(&text(good, bad)).expect("lesson");
    let report = check(&lesson, &[]);
    assert!(report.seeds[0].passed(), "the visible seed passes");
    assert!(!report.seeds[1].passed(), "the hidden seed does not");
    assert!(!report.passed(), "so the lesson is not passed");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn completion_codes_verify_and_forged_ones_do_not() {
    let lesson = catalog::find("split-and-merge").expect("lesson");
    let code = completion::issue(&lesson.id, &lesson.solution);
    let v = completion::verify(&code).expect("verifies");
    assert_eq!(v.lesson, "split-and-merge");
    assert_eq!(v.digest, completion::log_digest(&lesson.solution));
    // Any changed character breaks it.
    for i in 4..code.len() {
        let mut forged: Vec<char> = code.chars().collect();
        if forged[i] == '-' {
            continue;
        }
        forged[i] = if forged[i] == 'a' { 'b' } else { 'a' };
        let forged: String = forged.into_iter().collect();
        assert!(completion::verify(&forged).is_err(), "{forged} verified");
    }
    assert!(completion::verify("KP1-partition-keys-0000000000000000-000000000000").is_err());
    assert!(completion::verify("hello").is_err());
    assert!(completion::verify("").is_err());
    // Another log, another digest.
    let other = &lesson.solution[..1];
    assert_ne!(completion::log_digest(other), v.digest);
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn permalinks_round_trip_and_reject_damage() {
    let lesson = catalog::find("hot-shards").expect("lesson");
    let link = Permalink {
        lesson: Some(lesson.id.clone()),
        seed: 202,
        actions: lesson.solution.clone(),
        now: 65_000,
        hide: vec!["console".into()],
        embed: true,
    };
    let fragment = encode(&link);
    assert!(fragment.starts_with("v1."));
    assert!(fragment
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
    assert_eq!(decode(&fragment).expect("decodes"), link);
    assert_eq!(
        decode(&format!("#{fragment}")).expect("decodes with #"),
        link
    );
    // Truncated, altered, foreign.
    assert!(decode(&fragment[..fragment.len() / 2]).is_err());
    assert!(decode("v1.!!!!").is_err());
    assert!(decode("v2.abc").is_err());
    assert!(decode("").is_err());
    // A "zip bomb": 20 MiB of zeros compresses to a short fragment and is refused.
    use std::io::Write;
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![b' '; 20 * 1024 * 1024]).expect("write");
    let bomb = enc.finish().expect("finish");
    use base64::Engine as _;
    let f = format!(
        "v1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bomb)
    );
    assert!(f.len() < 100_000);
    assert!(decode(&f).unwrap_err().contains("larger than"));
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn malformed_lessons_and_action_logs_get_messages() {
    assert!(Lesson::parse("{}").is_err());
    assert!(Lesson::parse("not json").is_err());
    let mut v: serde_json::Value = serde_json::from_str(catalog::FILES[0].1).expect("lesson json");
    v["goals"][0]["query"]["action"] = json!("DeleteStream");
    let e = Lesson::parse(&v.to_string()).unwrap_err();
    assert!(e.message.contains("not a read action"), "{}", e.message);
    v["id"] = json!("Bad Id");
    assert!(Lesson::parse(&v.to_string()).is_err());
    assert!(parse_actions("{\"service\": 1}").is_err());
    assert!(parse_actions("{\"session\":{\"seed\":1}}\n\n")
        .expect("header only")
        .is_empty());
}
