//! Renders a [`Plan`] as a runnable Python script using boto3.

use std::fmt::Write as _;

use serde_json::Value;

use crate::engine::export::checks::{Check, ShardShape};
use crate::engine::export::names::{blob_paths, snake_case};
use crate::engine::export::plan::{CallPlan, Item, Plan, Seg, Waiter};
use crate::engine::export::python::{self, str_lit, WIDTH};
use crate::engine::export::{answer_text, fill_prelude, one_line};

const PRELUDE: &str = include_str!("boto3_prelude.py");

/// The whole script.
pub fn render(plan: &Plan) -> String {
    let mut out = fill_prelude(PRELUDE, plan);
    for (client, _) in &plan.clients {
        let _ = writeln!(
            out,
            "{} = client({})",
            client.replace('-', "_"),
            str_lit(client)
        );
    }
    out.push('\n');
    for item in &plan.items {
        match item {
            Item::At(ms) if plan.second_marks.contains(ms) => {
                let _ = writeln!(
                    out,
                    "at({ms}, new_second=True)  # t = {:.3} s; an AT_TIMESTAMP position",
                    *ms as f64 / 1000.0
                );
            }
            Item::At(ms) => {
                let _ = writeln!(out, "at({ms})  # t = {:.3} s", *ms as f64 / 1000.0);
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
                    "# Every record the Firehose stream accepted reaches s3://{bucket}/ (the playground had delivered {delivered_in_playground} of {} lines when the session ended; AWS delivers within the buffering interval).",
                    lines.len()
                );
                let list: Vec<String> = lines.iter().map(|l| str_lit(l)).collect();
                let _ = writeln!(
                    out,
                    "check_delivered({}, [{}])\n",
                    str_lit(bucket),
                    list.join(", ")
                );
            }
        }
    }
    out.push_str("finish()\n");
    out
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
    let invocation = invocation(c);
    let r = format!("r{}", c.n);
    match &c.error {
        Some(code) => {
            let _ = writeln!(out, "# playground: {}", answer_text(&c.answer));
            let _ = writeln!(out, "try:");
            let _ = writeln!(out, "    {r} = {}", indent_more(&invocation));
            let _ = writeln!(out, "    show({r})");
            let _ = writeln!(out, "    expected_error(None, {})", str_lit(code));
            let _ = writeln!(out, "except (ClientError, ParamValidationError) as e:");
            let _ = writeln!(out, "    expected_error(e, {})", str_lit(code));
        }
        None => {
            let _ = writeln!(out, "{r} = {invocation}");
            let _ = writeln!(out, "show({r})");
            if !c.answer.is_null() {
                let _ = writeln!(out, "# playground: {}", answer_text(&c.answer));
            }
            for b in &c.binds {
                let _ = writeln!(out, "{} = {r}{}", b.var, py_path(&b.path));
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

fn invocation(c: &CallPlan) -> String {
    let blobs = blob_paths(&c.service, &c.action);
    let method = format!("{}.{}", c.client.replace('-', "_"), snake_case(&c.action));
    let mut args = Vec::new();
    let mut odd = Vec::new();
    if let Value::Object(o) = &c.request {
        for (k, v) in o {
            let mut path = vec![k.clone()];
            let rendered = python::value(v, &mut path, blobs, 1);
            if python::is_identifier(k) {
                args.push(format!("{k}={rendered}"));
            } else {
                odd.push(format!("{}: {rendered}", str_lit(k)));
            }
        }
    }
    if !odd.is_empty() {
        args.push(format!("**{{{}}}", odd.join(", ")));
    }
    let one = format!("{method}({})", args.join(", "));
    if one.len() <= WIDTH && !one.contains('\n') {
        return one;
    }
    let mut s = format!("{method}(\n");
    for a in args {
        let _ = writeln!(s, "    {a},");
    }
    s.push(')');
    s
}

fn indent_more(s: &str) -> String {
    s.replace('\n', "\n    ")
}

fn py_path(path: &[Seg]) -> String {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => format!("[{}]", str_lit(k)),
            Seg::Index(i) => format!("[{i}]"),
        })
        .collect()
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map_or("None".into(), str_lit)
}

fn shard_dict(s: &ShardShape) -> String {
    format!(
        "shard({}, {}, {}, {}, {}, {})",
        str_lit(&s.id),
        opt(&s.parent),
        opt(&s.adjacent),
        str_lit(&s.start),
        str_lit(&s.end),
        if s.closed { "True" } else { "False" }
    )
}

fn check_line(r: &str, check: &Check) -> String {
    match check {
        Check::Equal {
            label,
            path,
            expected,
        } => format!(
            "check({}, {r}{}, {})",
            str_lit(label),
            py_path(path),
            python::value(expected, &mut Vec::new(), &[], 0)
        ),
        Check::ShardIds { label, expected } => {
            let list: Vec<String> = expected.iter().map(opt).collect();
            format!(
                "check_shard_ids({}, {r}, [{}])",
                str_lit(label),
                list.join(", ")
            )
        }
        Check::Records { label, expected } => {
            let list: Vec<String> = expected
                .iter()
                .map(|(k, d)| format!("({}, {})", str_lit(k), str_lit(d)))
                .collect();
            format!(
                "check_records({}, {r}, [{}])",
                str_lit(label),
                list.join(", ")
            )
        }
        Check::Shards {
            label,
            path,
            expected,
        } => {
            let list: Vec<String> = expected.iter().map(shard_dict).collect();
            format!(
                "check_shards({}, {r}{}, [\n    {},\n])",
                str_lit(label),
                py_path(path),
                list.join(",\n    ")
            )
        }
    }
}

fn kwargs(v: &Value) -> String {
    match v {
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{k}={}", python::value(v, &mut Vec::new(), &[], 0)))
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

fn waiter_line(w: &Waiter) -> String {
    match w {
        Waiter::StreamActive(id) => format!(
            "kinesis.get_waiter(\"stream_exists\").wait({}, WaiterConfig=WAIT)",
            kwargs(id)
        ),
        Waiter::StreamGone(id) => format!(
            "kinesis.get_waiter(\"stream_not_exists\").wait({}, WaiterConfig=WAIT)",
            kwargs(id)
        ),
        Waiter::ConsumerActive(id) => format!("wait_consumer_active({})", kwargs(id)),
        Waiter::DeliveryStreamActive(name) => {
            format!("wait_delivery_stream_active({})", str_lit(name))
        }
    }
}
