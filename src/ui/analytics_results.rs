//! The job's sinks (`playground.GetJobResults`): the exactly-once table as committed by the
//! checkpoints, the at-least-once log with replay duplicates marked, the late side output with how
//! late each record was, and how many rows wait for the next checkpoint.

use serde_json::Value;
use yew::prelude::*;

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(", "),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{}", (f * 1000.0).round() / 1000.0),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// A key as text: the engine's keys are JSON arrays of the key columns (`["acme"]`), possibly
/// serialised into a string.
pub fn key_text(v: &Value) -> String {
    let parsed;
    let v = match v {
        Value::String(s) if s.starts_with('[') => match serde_json::from_str::<Value>(s) {
            Ok(p) => {
                parsed = p;
                &parsed
            }
            Err(_) => v,
        },
        other => other,
    };
    match v {
        Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(", "),
        other => cell(other),
    }
}

fn rows(v: Option<&Value>) -> Vec<Value> {
    v.and_then(|v| v["Rows"].as_array())
        .cloned()
        .unwrap_or_default()
}

fn short_time(s: &Value) -> String {
    // "2026-01-01 00:00:10.000" → "00:00:10.000"
    let t = cell(s);
    t.split(' ').nth(1).map_or(t.clone(), str::to_string)
}

fn result_table(
    columns: &[String],
    rows: &[Value],
    testid: &'static str,
    row_id: &'static str,
    alo: bool,
) -> Html {
    html! {
        <table class="table small an-table" data-testid={testid}>
            <thead><tr>
                { for columns.iter().map(|c| html! { <th>{ c.clone() }</th> }) }
                { if alo { html! { <th>{ "run" }</th> } } else { html! { <th>{ "ckpt" }</th> } } }
            </tr></thead>
            <tbody>
                { for rows.iter().rev().map(|r| {
                    let dup = r["Duplicate"].as_bool().unwrap_or(false);
                    html! {
                        <tr data-testid={row_id} data-duplicate={dup.to_string()} data-key={key_text(&r["Key"])} class={classes!(dup.then_some("dup"))}>
                            { for columns.iter().map(|c| {
                                let v = &r["Row"][c.as_str()];
                                html! { <td>{ if c.starts_with("window_") { short_time(v) } else { cell(v) } }</td> }
                            }) }
                            <td class="muted">{ if alo {
                                format!("#{}{}{}", r["Incarnation"].as_u64().unwrap_or(0), if dup { " dup" } else { "" }, if r["Update"] == true { " upd" } else { "" })
                            } else {
                                r["Checkpoint"].as_u64().map_or("—".into(), |c| format!("#{c}"))
                            } }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

/// The three sinks side by side.
pub fn results_view(
    j: &Value,
    eo: Option<&Value>,
    alo: Option<&Value>,
    late: Option<&Value>,
) -> Html {
    let columns: Vec<String> = j["Query"]["Output"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let eo_rows = rows(eo);
    let alo_rows = rows(alo);
    let late_rows = rows(late);
    let total = |v: Option<&Value>| v.and_then(|v| v["Total"].as_u64()).unwrap_or(0);
    let pending = eo.and_then(|v| v["Pending"].as_u64()).unwrap_or(0);
    let dups = alo.and_then(|v| v["Duplicates"].as_u64()).unwrap_or(0);
    html! {
        <div class="an-results">
            <div class="an-sink">
                <h4>{ format!("Exactly-once results · {} rows", total(eo)) }
                    <span class="pill pending" data-testid="an-pending" data-pending={pending.to_string()}>{ format!("{pending} pending until the next checkpoint") }</span></h4>
                { result_table(&columns, &eo_rows, "an-results", "an-result-row", false) }
                { if eo_rows.is_empty() { html! { <p class="hint small">{ "Rows appear here when a checkpoint completes (two-phase commit)." }</p> } } else { html! {} } }
            </div>
            <div class="an-sink">
                <h4>{ format!("At-least-once log · {} rows, {dups} duplicates", total(alo)) }</h4>
                <div data-testid="an-alo" data-duplicates={dups.to_string()}>
                    { result_table(&columns, &alo_rows, "an-alo-table", "an-alo-row", true) }
                </div>
            </div>
            <div class="an-sink">
                <h4>{ format!("Late side output · {} records", total(late)) }</h4>
                <table class="table small an-table" data-testid="an-late">
                    <thead><tr><th>{ "key" }</th><th>{ "event time" }</th><th>{ "late by" }</th><th>{ "row" }</th></tr></thead>
                    <tbody>
                        { for late_rows.iter().rev().map(|r| {
                            let ms = r["LatenessMs"].as_i64().unwrap_or(0);
                            let ev = r["EventTime"].as_i64().unwrap_or(0);
                            let d = ev.div_euclid(1000).rem_euclid(86_400);
                            html! {
                                <tr data-testid="an-late-row" data-lateness-ms={ms.to_string()} data-key={key_text(&r["Key"])}>
                                    <td>{ key_text(&r["Key"]) }</td>
                                    <td>{ format!("{:02}:{:02}:{:02}.{:03}", d / 3600, d / 60 % 60, d % 60, ev.rem_euclid(1000)) }</td>
                                    <td class="err-text">{ format!("{ms} ms") }</td>
                                    <td class="muted mono">{ crate::ui::format::tail(&r["Row"].to_string(), 60) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </div>
    }
}
