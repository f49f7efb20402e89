//! The bucket browser: folders by `/`, objects with their stored size, uncompressed size and
//! record count, a preview of the clicked object (decompressed text; Parquet is named as such)
//! and a *Download* of the exact bytes Firehose wrote. Object bodies are read only on a click.

use std::collections::BTreeMap;

use yew::prelude::*;

use crate::engine::firehose::compression::{decompress, CompressionFormat};
use crate::ui::download::download;
use crate::ui::format::human_bytes;
use crate::ui::playground::Handle;

/// Preview length, bytes of text.
const PREVIEW_BYTES: usize = 4096;
/// Object rows shown at one level.
const MAX_ROWS: usize = 200;

/// Properties of [`BucketBrowser`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// The bucket shown first (the delivery stream's).
    pub bucket: String,
}

/// The compression of an object, from its key's extension.
pub fn format_of(key: &str) -> Option<CompressionFormat> {
    let ext = key.rsplit('/').next().unwrap_or(key);
    CompressionFormat::ALL
        .into_iter()
        .filter(|f| !f.extension().is_empty())
        .find(|f| ext.ends_with(f.extension()))
        .or(Some(CompressionFormat::Uncompressed))
}

/// The preview text of an object body.
fn preview(key: &str, body: &[u8]) -> (String, bool) {
    if key.ends_with(".parquet") || body.starts_with(b"PAR1") {
        return (
            format!(
            "Apache Parquet file, {}. Columnar and binary: download it and read it with pyarrow \
             (pyarrow.parquet.read_table) or duckdb (SELECT * FROM 'file.parquet').",
            human_bytes(body.len() as u64)),
            false,
        );
    }
    let format = format_of(key).unwrap_or_default();
    match decompress(format, body) {
        Ok(bytes) => {
            let cut = bytes.len() > PREVIEW_BYTES;
            (
                String::from_utf8_lossy(&bytes[..bytes.len().min(PREVIEW_BYTES)]).into_owned(),
                cut,
            )
        }
        Err(e) => (format!("cannot decompress as {format}: {e}"), false),
    }
}

struct Row {
    key: String,
    size: u64,
    uncompressed: Option<u64>,
    records: Option<u64>,
    modified: u64,
}

/// The browser.
#[function_component(BucketBrowser)]
pub fn bucket_browser(props: &Props) -> Html {
    let chosen = use_state(|| None::<String>);
    let prefix = use_state(String::new);
    let selected = use_state(|| None::<String>);
    let cache = use_mut_ref(|| None::<(String, String, String, bool)>);
    let error = use_state(|| None::<String>);

    let p = props.pg.0.borrow();
    let world = p.session.world();
    let buckets: Vec<String> = world.s3.buckets().keys().cloned().collect();
    let bucket = chosen
        .as_ref()
        .filter(|b| buckets.contains(b))
        .cloned()
        .unwrap_or_else(|| props.bucket.clone());
    let mut folders: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut rows = Vec::new();
    let mut total = (0u64, 0u64);
    if let Some(b) = world.s3.bucket(&bucket) {
        for (k, o) in b.objects.range(prefix.to_string()..) {
            let Some(rest) = k.strip_prefix(prefix.as_str()) else {
                break;
            };
            total = (total.0 + 1, total.1 + o.body.len() as u64);
            match rest.split_once('/') {
                Some((dir, _)) => {
                    let e = folders.entry(format!("{dir}/")).or_default();
                    *e = (e.0 + 1, e.1 + o.body.len() as u64);
                }
                None => rows.push(Row {
                    key: k.clone(),
                    size: o.body.len() as u64,
                    uncompressed: o.uncompressed_size,
                    records: o.records,
                    modified: o.last_modified_ms,
                }),
            }
        }
    }
    // The preview is computed once per (key, ETag), not on every refresh.
    let shown = selected.as_ref().and_then(|key| {
        let o = world.s3.object(&bucket, key)?;
        let mut c = cache.borrow_mut();
        if c.as_ref()
            .is_none_or(|(k, e, _, _)| k != key || *e != o.etag)
        {
            let (text, cut) = preview(key, &o.body);
            *c = Some((key.clone(), o.etag.clone(), text, cut));
        }
        c.clone()
    });
    drop(p);

    let on_bucket = {
        let (chosen, prefix, selected) = (chosen.clone(), prefix.clone(), selected.clone());
        Callback::from(move |e: Event| {
            chosen.set(Some(
                e.target_unchecked_into::<web_sys::HtmlSelectElement>()
                    .value(),
            ));
            prefix.set(String::new());
            selected.set(None);
        })
    };
    let go = |to: String| {
        let (prefix, selected) = (prefix.clone(), selected.clone());
        Callback::from(move |_: MouseEvent| {
            prefix.set(to.clone());
            selected.set(None);
        })
    };
    let dl = |key: String| {
        let (h, bucket, error) = (props.pg.clone(), bucket.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let body =
                h.0.borrow()
                    .session
                    .world()
                    .s3
                    .object(&bucket, &key)
                    .map(|o| o.body.clone());
            if let Some(body) = body {
                let name = key.rsplit('/').next().unwrap_or(&key).to_string();
                error.set(download(&name, &body).err());
            }
        })
    };
    let mut crumbs = vec![(bucket.clone(), String::new())];
    let mut acc = String::new();
    for part in prefix.split_terminator('/') {
        acc.push_str(part);
        acc.push('/');
        crumbs.push((part.to_string(), acc.clone()));
    }
    html! {
        <div class="fh-bucket" data-testid="fh-bucket-browser" data-bucket={bucket.clone()}>
            <div class="fh-row">
                <h4>{ "Bucket" }</h4>
                <select onchange={on_bucket} data-testid="fh-bucket-select">
                    { for buckets.iter().map(|b| html! { <option value={b.clone()} selected={*b == bucket}>{ b.clone() }</option> }) }
                </select>
                <span class="crumbs">{ for crumbs.iter().map(|(label, to)| html! {
                    <button class="link" onclick={go(to.clone())}>{ format!("{label}/") }</button>
                }) }</span>
                <span class="muted small">{ format!("{} objects · {} under this prefix", total.0, human_bytes(total.1)) }</span>
            </div>
            <div class="fh-two">
                <div class="fh-objects">
                    <table class="fh-table">
                        <thead><tr><th>{ "Key" }</th><th class="num">{ "Stored" }</th><th class="num">{ "Uncompressed" }</th><th class="num">{ "Records" }</th><th class="num">{ "Written" }</th><th></th></tr></thead>
                        <tbody>
                        { for folders.iter().map(|(dir, (n, bytes))| html! {
                            <tr class="folder" data-testid="fh-folder" data-prefix={format!("{}{dir}", *prefix)}>
                                <td><button class="link" onclick={go(format!("{}{dir}", *prefix))}>{ format!("📁 {dir}") }</button></td>
                                <td class="num">{ human_bytes(*bytes) }</td><td></td><td class="num muted">{ format!("{n} obj") }</td><td></td><td></td>
                            </tr>
                        }) }
                        { for rows.iter().rev().take(MAX_ROWS).map(|r| {
                            let name = r.key.strip_prefix(prefix.as_str()).unwrap_or(&r.key).to_string();
                            let pick = { let (s, k) = (selected.clone(), r.key.clone()); Callback::from(move |_: MouseEvent| s.set(Some(k.clone()))) };
                            let is_sel = selected.as_deref() == Some(r.key.as_str());
                            html! {
                                <tr data-testid="fh-object" data-key={r.key.clone()} data-size={r.size.to_string()} class={classes!(is_sel.then_some("sel"))}>
                                    <td><button class="link key" onclick={pick} data-testid="fh-object-open">{ name }</button></td>
                                    <td class="num">{ human_bytes(r.size) }</td>
                                    <td class="num">{ r.uncompressed.map_or("–".into(), human_bytes) }</td>
                                    <td class="num">{ r.records.map_or("–".into(), |n| n.to_string()) }</td>
                                    <td class="num muted">{ format!("{:.1} s", r.modified as f64 / 1000.0) }</td>
                                    <td><button class="btn small" onclick={dl(r.key.clone())} data-testid="fh-download">{ "Download" }</button></td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                    if folders.is_empty() && rows.is_empty() { <p class="hint small">{ "No objects yet: they appear when a buffer flushes (or, for other destinations, when data is backed up)." }</p> }
                    if rows.len() > MAX_ROWS { <p class="hint small">{ format!("newest {MAX_ROWS} of {} objects shown", rows.len()) }</p> }
                </div>
                <div class="fh-preview" data-testid="fh-preview">
                    { match shown {
                        Some((key, _, text, cut)) => html! {
                            <>
                                <div class="fh-row"><code class="small">{ key.clone() }</code><span class="spacer"></span>
                                    <button class="btn small" onclick={dl(key.clone())}>{ "Download" }</button></div>
                                <pre data-testid="fh-preview-text">{ text }{ if cut { "\n…" } else { "" } }</pre>
                            </>
                        },
                        None => html! { <p class="hint small">{ "Click an object to preview it (decompressed)." }</p> },
                    } }
                    { for (*error).clone().map(|e| html! { <p class="err-text">{ e }</p> }) }
                </div>
            </div>
        </div>
    }
}
