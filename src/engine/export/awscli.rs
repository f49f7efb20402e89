//! Renders a [`Plan`] as a bash script of AWS CLI v2 commands (`jq` reads the answers).

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::engine::export::checks::Check;
use crate::engine::export::names::{blob_paths, kebab_case, path_matches};
use crate::engine::export::plan::{CallPlan, Item, Plan, Seg, Waiter};
use crate::engine::export::shell::{self, quote, var, FILEB_MARK};
use crate::engine::export::{answer_text, fill_prelude, one_line};

const PRELUDE: &str = include_str!("awscli_prelude.sh");

/// Calls the AWS CLI has no command for.
pub fn unsupported(service: &str, action: &str) -> bool {
    matches!((service, action), ("kinesis", "SubscribeToShard"))
}

/// The whole script.
pub fn render(plan: &Plan) -> String {
    let mut out = fill_prelude(PRELUDE, plan);
    for item in &plan.items {
        match item {
            Item::At(ms) if plan.second_marks.contains(ms) => {
                let _ = writeln!(
                    out,
                    "at {ms} new-second  # t = {:.3} s; an AT_TIMESTAMP position",
                    *ms as f64 / 1000.0
                );
            }
            Item::At(ms) => {
                let _ = writeln!(out, "at {ms}  # t = {:.3} s", *ms as f64 / 1000.0);
            }
            Item::Note(text) => {
                let _ = writeln!(out, "# Note: {}\n", one_line(text));
            }
            Item::Comment(lines) => {
                for l in lines {
                    let _ = writeln!(out, "# {}", one_line(l));
                }
                out.push('\n');
            }
            Item::Call(c) if unsupported(&c.service, &c.action) => {
                let _ = writeln!(
                    out,
                    "# {}.{} (session line {}): no AWS CLI command; see the boto3 export.\n",
                    c.service, c.action, c.line
                );
            }
            Item::Call(c) => {
                call(&mut out, c);
                out.push('\n');
            }
            Item::Delivered {
                bucket,
                lines,
                delivered_in_playground,
            } => {
                let _ = writeln!(
                    out,
                    "# Every record the Firehose stream accepted reaches s3://{bucket}/ (the playground had delivered {delivered_in_playground} of {} lines when the session ended).",
                    lines.len()
                );
                let _ = writeln!(
                    out,
                    "check_delivered {} {}\n",
                    quote(bucket),
                    quote(&lines.join("\n"))
                );
            }
        }
    }
    out.push_str("finish\n");
    out
}

/// Blobs as the AWS CLI v1 and v2 (with `--cli-binary-format raw-in-base64-out`) both read them:
/// UTF-8 data as its text; other top-level data as `fileb://` of the bytes. Returns whether a
/// nested blob had to stay base64 (then only the v2 default format reads it right).
fn raw_blobs(v: &mut Value, path: &mut Vec<String>, blobs: &[&[&str]]) -> bool {
    use base64::Engine as _;
    match v {
        Value::String(s) if path_matches(blobs, path) => {
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(s.as_bytes()) else {
                return false;
            };
            match String::from_utf8(bytes) {
                Ok(text) => {
                    *s = text;
                    false
                }
                Err(e) if path.len() == 1 => {
                    let hex: String = e.as_bytes().iter().map(|b| format!("\\x{b:02x}")).collect();
                    *s = format!("{FILEB_MARK}{hex}");
                    false
                }
                Err(_) => true,
            }
        }
        Value::Array(a) => {
            let mut any = false;
            for (i, x) in a.iter_mut().enumerate() {
                path.push(format!("[{i}]"));
                any |= raw_blobs(x, path, blobs);
                path.pop();
            }
            any
        }
        Value::Object(o) => {
            let mut any = false;
            for (k, x) in o.iter_mut() {
                path.push(k.clone());
                any |= raw_blobs(x, path, blobs);
                path.pop();
            }
            any
        }
        _ => false,
    }
}

fn command(c: &CallPlan) -> String {
    let mut request = c.request.clone();
    let base64_blobs = raw_blobs(
        &mut request,
        &mut Vec::new(),
        blob_paths(&c.service, &c.action),
    );
    let mut words = Vec::new();
    if base64_blobs {
        words.push("BLOBS=base64".to_string());
    }
    words.push(format!("aws_{}", c.cli));
    words.push(kebab_case(&c.action));
    if let Value::Object(o) = &request {
        for (k, v) in o {
            let flag = kebab_case(k);
            match v {
                Value::Null => {}
                Value::Bool(true) => words.push(format!("--{flag}")),
                Value::Bool(false) => words.push(format!("--no-{flag}")),
                Value::Array(_) | Value::Object(_) => {
                    words.push(format!("--{flag}"));
                    words.push(shell::json_word(v));
                }
                _ => {
                    words.push(format!("--{flag}"));
                    words.push(shell::scalar(v));
                }
            }
        }
    }
    if (c.service.as_str(), c.action.as_str()) == ("s3", "GetObject") {
        words.push(format!("\"$OUT_DIR/r{}.body\"", c.n));
    }
    let one = words.join(" ");
    if one.len() <= 100 || words.len() <= 3 {
        return one;
    }
    // One flag per line.
    let mut s = String::new();
    let mut i = 0;
    while i < words.len() {
        if i >= 3 && words[i].starts_with("--") {
            s.push_str(" \\\n    ");
        } else if i > 0 {
            s.push(' ');
        }
        s.push_str(&words[i]);
        i += 1;
    }
    s
}

fn call(out: &mut String, c: &CallPlan) {
    if c.line > 0 {
        let _ = writeln!(
            out,
            "# {}.{} (session line {})",
            c.service, c.action, c.line
        );
    } else {
        let _ = writeln!(
            out,
            "# {}.{}: looks up an ARN the session used",
            c.service, c.action
        );
    }
    let r = format!("R{}", c.n);
    let cmd = command(c);
    match &c.error {
        Some(code) => {
            let _ = writeln!(out, "# playground: {}", answer_text(&c.answer));
            let _ = writeln!(
                out,
                "if {r}=$({cmd} 2>&1); then show \"${r}\"; expected_error '' {code}; else expected_error \"${r}\" {code}; fi"
            );
        }
        None => {
            let _ = writeln!(out, "{r}=$({cmd})");
            let _ = writeln!(out, "show \"${r}\"");
            if !c.answer.is_null() {
                let _ = writeln!(out, "# playground: {}", answer_text(&c.answer));
            }
            for b in &c.binds {
                let _ = writeln!(
                    out,
                    "{}=$(jq -r '{}' <<<\"${r}\")",
                    var(&b.var),
                    jq_path(&b.path)
                );
            }
            for check in &c.checks {
                let _ = writeln!(out, "{}", check_line(&r, check));
            }
            if let Some(w) = &c.waiter {
                let _ = writeln!(out, "{}", waiter_line(w));
            }
        }
    }
}

fn jq_path(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                let _ = write!(s, ".{k}");
            }
            Seg::Index(i) => {
                let _ = write!(s, "[{i}]");
            }
        }
    }
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

fn check_line(r: &str, check: &Check) -> String {
    let (label, filter, expected) = match check {
        Check::Equal {
            label,
            path,
            expected,
        } => (label, jq_path(path), expected.clone()),
        Check::ShardIds { label, expected } => {
            (label, "[.Records[].ShardId]".to_string(), json!(expected))
        }
        Check::Records { label, expected } => (
            label,
            "[.Records[] | [.PartitionKey, .Data]]".to_string(),
            json!(expected.iter().map(|(k, d)| json!([k, d])).collect::<Vec<_>>()),
        ),
        Check::Shards {
            label,
            path,
            expected,
        } => (
            label,
            format!(
                "[{}[] | {{id: .ShardId, parent: .ParentShardId, adjacent: .AdjacentParentShardId, start: .HashKeyRange.StartingHashKey, end: .HashKeyRange.EndingHashKey, closed: (.SequenceNumberRange.EndingSequenceNumber != null)}}]",
                jq_path(path)
            ),
            json!(expected
                .iter()
                .map(|s| json!({"id": s.id, "parent": s.parent, "adjacent": s.adjacent, "start": s.start, "end": s.end, "closed": s.closed}))
                .collect::<Vec<_>>()),
        ),
    };
    format!(
        "check {} \"$(jq -c {} <<<\"${r}\")\" {}",
        quote(label),
        quote(&filter),
        quote(&serde_json::to_string(&expected).unwrap_or_default())
    )
}

fn flags(id: &Value) -> String {
    match id {
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("--{} {}", kebab_case(k), shell::scalar(v)))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

fn waiter_line(w: &Waiter) -> String {
    match w {
        Waiter::StreamActive(id) => format!("wait_stream_status ACTIVE {}", flags(id)),
        Waiter::StreamGone(id) => format!("wait_stream_status GONE {}", flags(id)),
        Waiter::ConsumerActive(id) => format!("wait_consumer_active {}", flags(id)),
        Waiter::DeliveryStreamActive(name) => {
            format!("wait_delivery_stream_active {}", quote(name))
        }
    }
}
