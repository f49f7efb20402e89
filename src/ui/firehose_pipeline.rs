//! The pipeline picture of one delivery stream (from `DescribeDeliveryPipeline`'s shape): an SVG
//! row of stages source → transform → convert → buffer → compress → destination → backup with
//! live counts, buffer gauges (bytes against the size hint, age against the interval hint), the
//! flush log with each flush's reason, and the deliveries in flight with attempts and deadlines.

use serde_json::Value;
use yew::prelude::*;

use crate::ui::format::human_bytes;

/// SVG width in user units (the element scales to the panel width).
const W: f64 = 980.0;
const H: f64 = 104.0;

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// `hh:mm:ss` of an ISO-8601 instant.
pub fn clock(iso: &str) -> String {
    iso.split('T')
        .nth(1)
        .map(|t| t.chars().take(8).collect())
        .unwrap_or_default()
}

/// Seconds from `now` to `t` (ms), signed, one decimal.
fn rel(t: u64, now: u64) -> String {
    let d = (t as f64 - now as f64) / 1000.0;
    if d >= 0.0 {
        format!("in {d:.1} s")
    } else {
        format!("{:.1} s ago", -d)
    }
}

struct Stage {
    title: String,
    line1: String,
    line2: String,
    class: &'static str,
}

fn stages(p: &Value) -> Vec<Stage> {
    let l = &p["Ledger"];
    let d = &p["Destination"];
    let now = u(&p["Now"]);
    let mut out = Vec::new();
    let src = &p["Source"];
    out.push(Stage {
        title: if src["Type"] == "DirectPut" {
            "Direct PUT".into()
        } else {
            format!("Kinesis {}", src["Stream"].as_str().unwrap_or(""))
        },
        line1: format!("{} accepted", u(&l["Accepted"])),
        line2: if src["Type"] == "DirectPut" {
            "PutRecord(Batch)".into()
        } else {
            "read 1/s per shard".into()
        },
        class: "src",
    });
    if let Some(t) = p["Transform"].as_object() {
        let busy = p["Invocations"].as_array().map_or(0, Vec::len);
        let failing = p["Invocations"]
            .as_array()
            .is_some_and(|a| a.iter().any(|i| !i["Failing"].is_null()));
        out.push(Stage {
            title: format!("λ {}", t["Function"].as_str().unwrap_or("")),
            line1: format!("{} rec buffered", u(&p["TransformBuffer"]["Records"])),
            line2: format!("{busy} invoking"),
            class: if failing { "bad" } else { "fn" },
        });
    }
    if let Some(c) = d["Conversion"].as_object() {
        out.push(Stage {
            title: "→ Parquet".into(),
            line1: format!("table {}", c["Table"].as_str().unwrap_or("")),
            line2: format!("{} pages", c["Compression"].as_str().unwrap_or("")),
            class: "fn",
        });
    }
    let bufs = p["Buffers"].as_array().cloned().unwrap_or_default();
    let (recs, bytes) = bufs.iter().fold((0, 0), |(r, b), x| {
        (r + u(&x["Records"]), b + u(&x["Bytes"]))
    });
    out.push(Stage {
        title: format!(
            "Buffer{}",
            if d["DynamicPartitioning"] == true {
                "s by key"
            } else {
                ""
            }
        ),
        line1: format!("{recs} rec · {}", human_bytes(bytes)),
        line2: format!(
            "{} / {} s",
            human_bytes(u(&d["BufferSizeBytes"])),
            u(&d["BufferIntervalMs"]) / 1000
        ),
        class: "buf",
    });
    out.push(Stage {
        title: "Compress".into(),
        line1: d["Compression"].as_str().unwrap_or("").to_string(),
        line2: format!("{} objects", u(&l["Objects"])),
        class: "fn",
    });
    let outage = u(&p["Behaviour"]["OutageUntilMs"]);
    let retrying = p["Deliveries"].as_array().is_some_and(|a| {
        a.iter()
            .any(|x| u(&x["Attempts"]) > 1 || !x["LastError"].is_null())
    });
    out.push(Stage {
        title: d["Type"].as_str().unwrap_or("").to_string(),
        line1: format!(
            "{} delivered · {} in flight",
            u(&l["Delivered"]),
            u(&l["InFlight"])
        ),
        line2: if outage > now {
            format!("OUTAGE {} s left", (outage - now).div_ceil(1000))
        } else if retrying {
            "retrying".into()
        } else {
            d["Target"]
                .as_str()
                .unwrap_or("")
                .chars()
                .take(26)
                .collect()
        },
        class: if outage > now {
            "bad"
        } else if retrying {
            "warn"
        } else {
            "dst"
        },
    });
    out.push(Stage {
        title: format!("Backup {}", d["BackupMode"].as_str().unwrap_or("")),
        line1: format!("{} backed up", u(&l["BackedUp"])),
        line2: format!("{} failed · {} dup", u(&l["Failed"]), u(&l["Duplicates"])),
        class: if u(&l["Failed"]) > 0 { "warn" } else { "bak" },
    });
    out
}

/// The SVG stage row.
fn picture(p: &Value) -> Html {
    let st = stages(p);
    let n = st.len() as f64;
    let gap = 22.0;
    let bw = (W - gap * (n - 1.0)) / n;
    html! {
        <svg class="fh-svg" viewBox={format!("0 0 {W} {H}")} role="img" aria-label="Delivery pipeline" data-testid="fh-picture">
            <defs><marker id="fh-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">
                <path d="M0,0 L10,5 L0,10 z" class="fh-arrowhead" /></marker></defs>
            { for st.iter().enumerate().map(|(i, s)| {
                let x = i as f64 * (bw + gap);
                html! {
                    <g class={classes!("fh-stage", s.class)}>
                        <rect x={format!("{x:.1}")} y="8" width={format!("{bw:.1}")} height="82" rx="9" />
                        <text x={format!("{:.1}", x + 9.0)} y="30" class="t">{ s.title.clone() }</text>
                        <text x={format!("{:.1}", x + 9.0)} y="54" class="v">{ s.line1.clone() }</text>
                        <text x={format!("{:.1}", x + 9.0)} y="74" class="m">{ s.line2.clone() }</text>
                        if i + 1 < st.len() {
                            <line x1={format!("{:.1}", x + bw + 2.0)} y1="49" x2={format!("{:.1}", x + bw + gap - 2.0)} y2="49" class="fh-arrowline" marker-end="url(#fh-arrow)" />
                        }
                    </g>
                }
            }) }
        </svg>
    }
}

/// Two bars per buffer: bytes / size hint and age / interval hint.
fn gauges(p: &Value) -> Html {
    let d = &p["Destination"];
    let (size, interval) = (u(&d["BufferSizeBytes"]).max(1), u(&d["BufferIntervalMs"]));
    let bufs = p["Buffers"].as_array().cloned().unwrap_or_default();
    let pct = |a: u64, b: u64| {
        if b == 0 {
            100.0
        } else {
            (a as f64 * 100.0 / b as f64).min(100.0)
        }
    };
    html! {
        <div class="fh-gauges">
            if bufs.is_empty() {
                <p class="hint small">{ "No open buffer: the next record opens one (its age starts then)." }</p>
            }
            { for bufs.iter().take(8).map(|b| {
                let (bytes, age) = (u(&b["Bytes"]), u(&b["AgeMs"]));
                let part = b["Partition"].as_str().unwrap_or("");
                html! {
                    <div class="fh-gauge" data-testid="fh-buffer" data-records={u(&b["Records"]).to_string()} data-bytes={bytes.to_string()}>
                        <span class="fh-gauge-name">{ if part.is_empty() { "buffer".to_string() } else { part.to_string() } }<em>{ format!(" {} rec", u(&b["Records"])) }</em></span>
                        <div class="fh-bar size" title="bytes / size hint"><i style={format!("width:{:.1}%", pct(bytes, size))}></i>
                            <span>{ format!("{} / {}", human_bytes(bytes), human_bytes(size)) }</span></div>
                        <div class="fh-bar age" title="age / interval hint"><i style={format!("width:{:.1}%", pct(age, interval))}></i>
                            <span>{ format!("{:.1} / {} s", age as f64 / 1000.0, interval / 1000) }</span></div>
                    </div>
                }
            }) }
            if bufs.len() > 8 { <p class="hint small">{ format!("… and {} more partitions", bufs.len() - 8) }</p> }
        </div>
    }
}

/// The flush log, newest first.
fn flushes(p: &Value) -> Html {
    let rows = p["Flushes"].as_array().cloned().unwrap_or_default();
    html! {
        <div class="fh-log">
            <h4>{ "Flushes" }<span class="muted small">{ " newest first" }</span></h4>
            if rows.is_empty() { <p class="hint small">{ "Nothing flushed yet: a buffer flushes when it reaches the size hint or its age reaches the interval hint, whichever comes first." }</p> }
            <table class="fh-table" data-testid="fh-flushes">
                <tbody>
                { for rows.iter().take(12).map(|f| {
                    let reason = f["Reason"].as_str().unwrap_or("").to_string();
                    html! {
                        <tr data-testid="fh-flush" data-reason={reason.clone()}>
                            <td><code>{ clock(f["At"].as_str().unwrap_or("")) }</code></td>
                            <td><span class={classes!("pill", "reason", reason.to_lowercase())}>{ reason.clone() }</span></td>
                            <td class="num">{ format!("{} records", u(&f["Records"])) }</td>
                            <td class="num">{ human_bytes(u(&f["Bytes"])) }</td>
                            <td class="muted">{ f["Buffer"].as_str().unwrap_or("") }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </div>
    }
}

/// Deliveries not yet acknowledged: attempts, when the next one runs, the retry deadline.
fn deliveries(p: &Value) -> Html {
    let now = u(&p["Now"]);
    let rows = p["Deliveries"].as_array().cloned().unwrap_or_default();
    html! {
        <div class="fh-log">
            <h4>{ "Deliveries in flight" }<span class="muted small">{ format!(" retry for {} s, then backup", u(&p["Destination"]["RetryDurationMs"]) / 1000) }</span></h4>
            if rows.is_empty() { <p class="hint small">{ "None pending." }</p> }
            <table class="fh-table" data-testid="fh-deliveries">
                <tbody>
                { for rows.iter().take(10).map(|x| {
                    let attempts = u(&x["Attempts"]);
                    let state = match x["InFlightUntilMs"].as_u64() {
                        Some(t) => format!("sending, ack {}", rel(t, now)),
                        None => format!("next attempt {}", rel(u(&x["NextAttemptMs"]), now)),
                    };
                    html! {
                        <tr data-testid="fh-delivery" data-attempts={attempts.to_string()} class={classes!((attempts > 1).then_some("retry"))}>
                            <td class="num">{ format!("#{}", u(&x["Id"])) }</td>
                            <td class="num">{ format!("{} rec", u(&x["Records"])) }</td>
                            <td>{ format!("attempt {attempts}") }</td>
                            <td>{ state }</td>
                            <td>{ x["RetryDeadlineMs"].as_u64().map_or(String::new(), |t| format!("deadline {}", rel(t, now))) }</td>
                            <td class="err-text small">{ x["LastError"].as_str().unwrap_or("") }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </div>
    }
}

/// Everything about one delivery stream's pipeline.
pub fn pipeline_view(p: &Value) -> Html {
    let l = &p["Ledger"];
    html! {
        <div class="fh-pipeline" data-testid="fh-pipeline" data-status={p["Status"].as_str().unwrap_or("").to_string()}>
            { picture(p) }
            <p class="stats" data-testid="fh-ledger" data-delivered={u(&l["Delivered"]).to_string()} data-backed-up={u(&l["BackedUp"]).to_string()}>{ format!(
                "accepted {} · delivered {} · duplicates {} · failed {} · dropped {} · expired {} · backed up {} · objects {} · in flight {} · freshness {:.1} s",
                u(&l["Accepted"]), u(&l["Delivered"]), u(&l["Duplicates"]), u(&l["Failed"]), u(&l["Dropped"]),
                u(&l["Expired"]), u(&l["BackedUp"]), u(&l["Objects"]), u(&l["InFlight"]), u(&p["DataFreshnessMs"]) as f64 / 1000.0,
            ) }</p>
            { gauges(p) }
            <div class="fh-two">
                { flushes(p) }
                { deliveries(p) }
            </div>
        </div>
    }
}
