//! The language-neutral plan of an exported session: calls with their bound variables, waiters,
//! checks against the playground's answers, and comments for what has no AWS API.
//! `boto3.rs` and `awscli.rs` only render it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::engine::api::error::ErrorKind;
use crate::engine::export::checks::{checks_for, Check};
use crate::engine::export::comments::describe_simulated;
use crate::engine::export::names::{aws_service, timestamp_paths};
use crate::engine::export::replay::{outcome_json, Replayed};

/// A string in a rewritten request that stands for a variable of the script.
pub const VAR_MARK: &str = "\u{1}var:";
/// A string in a rewritten request that stands for "script start + N virtual ms".
pub const TS_MARK: &str = "\u{1}ts:";

/// One step of a path into a JSON value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Seg {
    /// An object member.
    Key(String),
    /// A list element.
    Index(usize),
}

/// A variable the script assigns from a response.
#[derive(Clone, Debug, PartialEq)]
pub struct Bind {
    /// Variable name (`iterator_3`, `seq_5`, `consumer_arn_2`, `stream_arn_orders`).
    pub var: String,
    /// Where in the response.
    pub path: Vec<Seg>,
}

/// What a waiter waits for.
#[derive(Clone, Debug, PartialEq)]
pub enum Waiter {
    /// `kinesis` waiter `stream_exists` (StreamStatus ACTIVE), with the call's stream identifier.
    StreamActive(Value),
    /// `kinesis` waiter `stream_not_exists`.
    StreamGone(Value),
    /// An enhanced fan-out consumer ACTIVE (DescribeStreamConsumer, polled).
    ConsumerActive(Value),
    /// A Firehose stream ACTIVE (DescribeDeliveryStream, polled; boto3 has no waiter).
    DeliveryStreamActive(String),
}

/// One AWS call of the script.
#[derive(Clone, Debug)]
pub struct CallPlan {
    /// Response variable number (`r{n}`).
    pub n: usize,
    /// Session line (0 for calls the exporter adds, e.g. an ARN lookup).
    pub line: usize,
    /// Dispatcher service (`kinesis`, `firehose`, `s3`, …).
    pub service: String,
    /// boto3 client name.
    pub client: &'static str,
    /// AWS CLI command.
    pub cli: &'static str,
    /// Action (`PutRecord`).
    pub action: String,
    /// The request with variables and timestamps marked.
    pub request: Value,
    /// The playground's answer (the response, or `{"Error": {"Code", "Message"}}`).
    pub answer: Value,
    /// The error code the playground answered with, if any.
    pub error: Option<String>,
    /// Variables assigned from the response.
    pub binds: Vec<Bind>,
    /// Comparisons of the real response with the playground's.
    pub checks: Vec<Check>,
    /// What to wait for after the call.
    pub waiter: Option<Waiter>,
}

/// One item of the script, in order.
#[derive(Clone, Debug)]
pub enum Item {
    /// Pace to this virtual time (ms since the session began).
    At(u64),
    /// An AWS call.
    Call(Box<CallPlan>),
    /// What a simulated (non-AWS) call stood for.
    Comment(Vec<String>),
    /// A remark of the exporter's own.
    Note(String),
    /// At the end: every record accepted by a Direct PUT Firehose stream must reach its bucket.
    Delivered {
        /// Destination bucket.
        bucket: String,
        /// The accepted records' lines, sorted (base64).
        lines: Vec<String>,
        /// How many of them the playground had delivered when the session ended.
        delivered_in_playground: usize,
    },
}

/// A session call left out of the script, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    /// 1-based session line.
    pub line: usize,
    /// Why it was left out.
    pub reason: String,
}

/// The plan of a whole session.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Items in order.
    pub items: Vec<Item>,
    /// Lines left out.
    pub skipped: Vec<Skipped>,
    /// Seed of the session.
    pub seed: u64,
    /// Unix ms of virtual time 0.
    pub epoch_unix_ms: u64,
    /// Virtual time the session ended at.
    pub end_ms: u64,
    /// boto3 clients the script needs, in first-use order.
    pub clients: Vec<(&'static str, &'static str)>,
    /// Paced steps an AT_TIMESTAMP position stands for: the script starts them on a new whole
    /// second, because the AWS CLI v1 sends timestamps in whole seconds.
    pub second_marks: BTreeSet<u64>,
}

/// Playground actions that only read or move time: they do not make a later read differ.
fn is_harmless_simulated(action: &str) -> bool {
    action.starts_with("Describe")
        || action.starts_with("List")
        || action.starts_with("Read")
        || action.starts_with("Get")
        || action == "AdvanceTime"
}

/// Builds the plan from a replayed session.
pub fn build(replayed: &Replayed) -> Plan {
    let used = strings_in_requests(replayed);
    let mut bound: BTreeMap<String, String> = BTreeMap::new();
    let mut items = Vec::new();
    let mut skipped: Vec<Skipped> = replayed
        .skipped
        .iter()
        .map(|s| Skipped {
            line: s.line,
            reason: s.reason.clone(),
        })
        .collect();
    let mut clients: Vec<(&'static str, &'static str)> = Vec::new();
    let mut last_at = 0u64;
    let mut n = 0usize;
    // Once a simulated action has put data somewhere, reads no longer match a script without it.
    let mut tainted: Option<String> = None;
    let mut firehose_direct: BTreeMap<String, String> = BTreeMap::new(); // stream -> bucket
    let mut accepted: BTreeMap<String, Vec<Vec<u8>>> = BTreeMap::new(); // bucket -> records
    let epoch_s = replayed.header.epoch_unix_ms as f64 / 1000.0;

    for rc in &replayed.calls {
        let service = rc.call.service.as_str();
        let action = rc.call.action.as_str();
        if rc.at > last_at {
            items.push(Item::At(rc.at));
            last_at = rc.at;
        }
        let Some((client, cli)) = aws_service(service) else {
            if service == "playground" || service == "kafka" {
                if !is_harmless_simulated(action) && tainted.is_none() {
                    tainted = Some(format!("{service}.{action} (line {})", rc.line));
                }
                items.push(Item::Comment(describe_simulated(
                    service,
                    action,
                    &rc.call.request,
                    &outcome_json(&rc.outcome),
                )));
            } else {
                skipped.push(Skipped {
                    line: rc.line,
                    reason: format!("unknown service '{service}'"),
                });
            }
            continue;
        };
        if let Err(e) = &rc.outcome {
            if e.kind == ErrorKind::UnknownOperationException {
                skipped.push(Skipped {
                    line: rc.line,
                    reason: format!(
                        "{service}.{action} is not an action the playground knows; exporting it could call something else"
                    ),
                });
                continue;
            }
        }
        if !clients.contains(&(client, cli)) {
            clients.push((client, cli));
        }
        // Stream ARNs nobody read from a response: look them up first.
        for arn in stream_arns_in(&rc.call.request) {
            if bound.contains_key(&arn) {
                continue;
            }
            let name = arn.rsplit('/').next().unwrap_or_default().to_string();
            let var = format!("stream_arn_{}", ident(&name));
            n += 1;
            items.push(Item::Call(Box::new(CallPlan {
                n,
                line: 0,
                service: "kinesis".into(),
                client: "kinesis",
                cli: "kinesis",
                action: "DescribeStreamSummary".into(),
                request: serde_json::json!({ "StreamName": name }),
                answer: Value::Null,
                error: None,
                binds: vec![Bind {
                    var: var.clone(),
                    path: vec![
                        Seg::Key("StreamDescriptionSummary".into()),
                        Seg::Key("StreamARN".into()),
                    ],
                }],
                checks: Vec::new(),
                waiter: None,
            })));
            bound.insert(arn, var);
        }
        n += 1;
        let request = rewrite(
            &rc.call.request,
            &mut Vec::new(),
            &bound,
            timestamp_paths(service, action),
            epoch_s,
        );
        let (answer, error) = match &rc.outcome {
            Ok(v) => (v.clone(), None),
            Err(e) => (outcome_json(&rc.outcome), Some(e.kind.as_str().to_string())),
        };
        let mut binds = Vec::new();
        if let Ok(resp) = &rc.outcome {
            for (path, value, prefix) in bindable(service, action, resp) {
                if used.contains(&value) && !bound.contains_key(&value) {
                    let var = format!("{prefix}_{}", n_suffix(n, &path));
                    bound.insert(value, var.clone());
                    binds.push(Bind { var, path });
                }
            }
        }
        let checks = if error.is_some() {
            Vec::new()
        } else {
            checks_for(
                service,
                action,
                &rc.call.request,
                &answer,
                tainted.is_some(),
            )
        };
        let waiter = if error.is_some() {
            None
        } else {
            waiter_for(service, action, &request)
        };
        // Direct PUT Firehose bookkeeping for the end-of-session delivery check.
        if error.is_none() && service == "firehose" {
            track_firehose(
                action,
                &rc.call.request,
                &answer,
                &mut firehose_direct,
                &mut accepted,
            );
        }
        items.push(Item::Call(Box::new(CallPlan {
            n,
            line: rc.line,
            service: service.to_string(),
            client,
            cli,
            action: action.to_string(),
            request,
            answer,
            error,
            binds,
            checks,
            waiter,
        })));
    }
    if replayed.header.now > last_at {
        items.push(Item::At(replayed.header.now));
    }
    if let Some(why) = &tainted {
        items.push(Item::Note(format!(
            "Reads after {why} are not compared: that simulated action put data the script does not."
        )));
    } else {
        for (bucket, records) in accepted {
            let lines = crate::engine::export::checks::record_lines(&records);
            let Some(lines) = lines else { continue };
            let delivered =
                crate::engine::export::checks::delivered_lines(&replayed.session, &bucket);
            items.push(Item::Delivered {
                bucket,
                lines,
                delivered_in_playground: delivered,
            });
        }
    }
    let second_marks = second_marks(&items);
    Plan {
        second_marks,
        items,
        skipped,
        seed: replayed.header.seed,
        epoch_unix_ms: replayed.header.epoch_unix_ms,
        end_ms: replayed.header.now.max(last_at),
        clients,
    }
}

fn n_suffix(n: usize, path: &[Seg]) -> String {
    // `seq_5` for a single value, `seq_5_2` for the third entry of a batch.
    match path.iter().find_map(|s| match s {
        Seg::Index(i) => Some(*i),
        Seg::Key(_) => None,
    }) {
        Some(i) => format!("{n}_{i}"),
        None => n.to_string(),
    }
}

/// A name usable as a Python and shell identifier.
pub fn ident(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// Every string value of every AWS request (what a response value must equal to be bound).
fn strings_in_requests(replayed: &Replayed) -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::String(s) => {
                out.insert(s.clone());
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    for rc in &replayed.calls {
        if aws_service(&rc.call.service).is_some() {
            walk(&rc.call.request, &mut out);
        }
    }
    out
}

fn stream_arns_in(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s)
                if s.starts_with("arn:aws:kinesis:")
                    && s.contains(":stream/")
                    && !s.contains("/consumer/")
                    && !out.contains(s) =>
            {
                out.push(s.clone());
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(v, &mut out);
    out
}

/// The request with bound strings replaced by variable marks and timestamps by time marks.
fn rewrite(
    v: &Value,
    path: &mut Vec<String>,
    bound: &BTreeMap<String, String>,
    ts_paths: &[&[&str]],
    epoch_s: f64,
) -> Value {
    match v {
        Value::String(s) => match bound.get(s) {
            Some(var) => Value::String(format!("{VAR_MARK}{var}")),
            None => v.clone(),
        },
        Value::Number(num) if crate::engine::export::names::path_matches(ts_paths, path) => {
            let secs = num.as_f64().unwrap_or(0.0);
            let ms = ((secs - epoch_s) * 1000.0).round();
            Value::String(format!("{TS_MARK}{}", ms as i64))
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| {
                    path.push(format!("[{i}]"));
                    let r = rewrite(x, path, bound, ts_paths, epoch_s);
                    path.pop();
                    r
                })
                .collect(),
        ),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| {
                    path.push(k.clone());
                    let r = rewrite(x, path, bound, ts_paths, epoch_s);
                    path.pop();
                    (k.clone(), r)
                })
                .collect(),
        ),
        _ => v.clone(),
    }
}

/// Response values a later request may use: (path, value, variable prefix).
fn bindable(service: &str, action: &str, resp: &Value) -> Vec<(Vec<Seg>, String, &'static str)> {
    let key = |k: &str| Seg::Key(k.to_string());
    let mut out = Vec::new();
    let mut one = |path: Vec<Seg>, prefix: &'static str| {
        if let Some(s) = at_path(resp, &path).and_then(Value::as_str) {
            out.push((path, s.to_string(), prefix));
        }
    };
    match (service, action) {
        ("kinesis", "GetShardIterator") => one(vec![key("ShardIterator")], "iterator"),
        ("kinesis", "GetRecords") => {
            one(vec![key("NextShardIterator")], "iterator");
            let len = resp["Records"].as_array().map_or(0, Vec::len);
            for i in 0..len {
                one(
                    vec![key("Records"), Seg::Index(i), key("SequenceNumber")],
                    "seq",
                );
            }
        }
        ("kinesis", "PutRecord") => one(vec![key("SequenceNumber")], "seq"),
        ("kinesis", "PutRecords") => {
            let len = resp["Records"].as_array().map_or(0, Vec::len);
            for i in 0..len {
                one(
                    vec![key("Records"), Seg::Index(i), key("SequenceNumber")],
                    "seq",
                );
            }
        }
        ("kinesis", "RegisterStreamConsumer") => {
            one(vec![key("Consumer"), key("ConsumerARN")], "consumer_arn")
        }
        ("kinesis", "DescribeStreamConsumer") => one(
            vec![key("ConsumerDescription"), key("ConsumerARN")],
            "consumer_arn",
        ),
        ("kinesis", "DescribeStreamSummary") => one(
            vec![key("StreamDescriptionSummary"), key("StreamARN")],
            "stream_arn",
        ),
        ("kinesis", "DescribeStream") => one(
            vec![key("StreamDescription"), key("StreamARN")],
            "stream_arn",
        ),
        ("firehose", "CreateDeliveryStream") => {
            one(vec![key("DeliveryStreamARN")], "delivery_stream_arn")
        }
        _ => {}
    }
    out
}

/// The value at `path`, if any.
pub fn at_path<'a>(v: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, s| match s {
        Seg::Key(k) => v.get(k),
        Seg::Index(i) => v.get(i),
    })
}

fn waiter_for(service: &str, action: &str, request: &Value) -> Option<Waiter> {
    let stream_id = || {
        let mut id = serde_json::Map::new();
        for k in ["StreamName", "StreamARN"] {
            if let Some(v) = request.get(k) {
                id.insert(k.to_string(), v.clone());
            }
        }
        Value::Object(id)
    };
    match (service, action) {
        (
            "kinesis",
            "CreateStream"
            | "SplitShard"
            | "MergeShards"
            | "UpdateShardCount"
            | "StartStreamEncryption"
            | "StopStreamEncryption",
        ) => Some(Waiter::StreamActive(stream_id())),
        ("kinesis", "UpdateStreamMode") => {
            let mut id = serde_json::Map::new();
            if let Some(v) = request.get("StreamARN") {
                id.insert("StreamARN".into(), v.clone());
            }
            Some(Waiter::StreamActive(Value::Object(id)))
        }
        ("kinesis", "DeleteStream") => Some(Waiter::StreamGone(stream_id())),
        ("kinesis", "RegisterStreamConsumer") => {
            let mut id = serde_json::Map::new();
            for k in ["StreamARN", "ConsumerName"] {
                if let Some(v) = request.get(k) {
                    id.insert(k.to_string(), v.clone());
                }
            }
            Some(Waiter::ConsumerActive(Value::Object(id)))
        }
        ("firehose", "CreateDeliveryStream") => request
            .get("DeliveryStreamName")
            .and_then(Value::as_str)
            .map(|s| Waiter::DeliveryStreamActive(s.to_string())),
        _ => None,
    }
}

fn track_firehose(
    action: &str,
    request: &Value,
    answer: &Value,
    direct: &mut BTreeMap<String, String>,
    accepted: &mut BTreeMap<String, Vec<Vec<u8>>>,
) {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let name = request["DeliveryStreamName"].as_str().unwrap_or_default();
    match action {
        "CreateDeliveryStream" => {
            let direct_put = request["DeliveryStreamType"]
                .as_str()
                .is_none_or(|t| t == "DirectPut");
            let dest = request
                .get("ExtendedS3DestinationConfiguration")
                .or_else(|| request.get("S3DestinationConfiguration"));
            let Some(dest) = dest else { return };
            let plain = dest["CompressionFormat"]
                .as_str()
                .is_none_or(|c| c == "UNCOMPRESSED")
                && dest["ProcessingConfiguration"]["Enabled"].as_bool() != Some(true)
                && dest["DataFormatConversionConfiguration"]["Enabled"].as_bool() != Some(true)
                && dest["DynamicPartitioningConfiguration"]["Enabled"].as_bool() != Some(true);
            let bucket = dest["BucketARN"]
                .as_str()
                .and_then(|a| a.strip_prefix("arn:aws:s3:::"));
            if let (true, true, Some(bucket)) = (direct_put, plain, bucket) {
                direct.insert(name.to_string(), bucket.to_string());
                accepted.entry(bucket.to_string()).or_default();
            }
        }
        "PutRecord" => {
            if let (Some(bucket), Some(data)) =
                (direct.get(name), request["Record"]["Data"].as_str())
            {
                if let Ok(bytes) = b64.decode(data) {
                    accepted.entry(bucket.clone()).or_default().push(bytes);
                }
            }
        }
        "PutRecordBatch" => {
            let Some(bucket) = direct.get(name) else {
                return;
            };
            let results = answer["RequestResponses"].as_array();
            for (i, rec) in request["Records"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let ok = results
                    .and_then(|r| r.get(i))
                    .is_some_and(|r| r.get("ErrorCode").is_none_or(Value::is_null));
                if let (true, Some(data)) = (ok, rec["Data"].as_str()) {
                    if let Ok(bytes) = b64.decode(data) {
                        accepted.entry(bucket.clone()).or_default().push(bytes);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The virtual times (ms) of the timestamps marked in a rewritten request.
pub fn timestamps_in(v: &Value) -> Vec<u64> {
    fn walk(v: &Value, out: &mut Vec<u64>) {
        match v {
            Value::String(s) => {
                if let Some(ms) = s.strip_prefix(TS_MARK).and_then(|m| m.parse::<i64>().ok()) {
                    out.push(ms.max(0) as u64);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &mut out);
    out
}

/// For each timestamp in a request, the first paced step at or after it.
fn second_marks(items: &[Item]) -> BTreeSet<u64> {
    let ts: Vec<u64> = items
        .iter()
        .filter_map(|i| match i {
            Item::Call(c) => Some(timestamps_in(&c.request)),
            _ => None,
        })
        .flatten()
        .collect();
    let ats: Vec<u64> = items
        .iter()
        .filter_map(|i| match i {
            Item::At(ms) => Some(*ms),
            _ => None,
        })
        .collect();
    ts.iter()
        .filter_map(|t| ats.iter().copied().find(|a| a >= t))
        .collect()
}
