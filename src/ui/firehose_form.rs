//! The Firehose tab's *Create delivery stream* form: source, destination with its few fields,
//! buffering hints with presets, compression, an optional transform, Parquet conversion, dynamic
//! partitioning and the backup mode. It creates the bucket (and Glue table, and transform
//! function) first, then calls `firehose.CreateDeliveryStream`; every error shows its AWS name.

use serde_json::json;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::engine::firehose::parquet::ORC_UNAVAILABLE;
use crate::ui::firehose_request::{
    create_request, glue_columns, table_name, DestKind, FormValues, GLUE_DB,
};
use crate::ui::firehose_transform::{save_function, TransformRefs, TransformSection};
use crate::ui::inputs::{input_value, select_value, use_input_value};
use crate::ui::playground::Handle;

/// Properties of [`FirehoseForm`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// Called with the name of a delivery stream just created.
    pub on_created: Callback<String>,
}

fn set_input(node: &NodeRef, value: &str) {
    if let Some(i) = node.cast::<HtmlInputElement>() {
        i.set_value(value);
    }
}

fn set_select(node: &NodeRef, value: &str) {
    if let Some(s) = node.cast::<HtmlSelectElement>() {
        s.set_value(value);
    }
}

/// Creates the bucket if it is missing and a Glue database + table for Parquet.
fn prepare(h: &Handle, v: &FormValues, columns: &str) -> Result<(), String> {
    let mut p = h.0.borrow_mut();
    let report = |action: &str, e: crate::engine::api::error::ApiError| {
        format!("{action}: {}: {}", e.kind.as_str(), e.message)
    };
    if !p.session.world().s3.has_bucket(&v.bucket) {
        p.call("s3", "CreateBucket", json!({ "Bucket": v.bucket }))
            .map_err(|e| report("CreateBucket", e))?;
    }
    if let Some((table, _)) = &v.parquet {
        let _ = p.call(
            "glue",
            "CreateDatabase",
            json!({ "DatabaseInput": { "Name": GLUE_DB } }),
        );
        let cols = glue_columns(columns);
        if p.session
            .world()
            .glue
            .table_columns(GLUE_DB, table)
            .is_none()
        {
            p.call(
                "glue",
                "CreateTable",
                json!({
                    "DatabaseName": GLUE_DB,
                    "TableInput": { "Name": table, "StorageDescriptor": { "Columns": cols } },
                }),
            )
            .map_err(|e| report("CreateTable", e))?;
        }
    }
    Ok(())
}

/// The form.
#[function_component(FirehoseForm)]
pub fn firehose_form(props: &Props) -> Html {
    let name = use_node_ref();
    let source = use_node_ref();
    let bucket = use_node_ref();
    let prefix = use_node_ref();
    let size = use_node_ref();
    let interval = use_node_ref();
    let compression = use_node_ref();
    let backup = use_node_ref();
    let retry = use_node_ref();
    let fields = [
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    ];
    let columns = use_node_ref();
    let parquet_compression = use_node_ref();
    let pkey = use_node_ref();
    let transform_refs = use_memo((), |_| TransformRefs::default());
    let kind = use_state(|| DestKind::S3);
    let transform_on = use_state(|| false);
    let parquet_on = use_state(|| false);
    let partition_on = use_state(|| false);
    let cwl_on = use_state(|| false);
    let message = use_state(|| None::<Result<String, String>>);

    let p = props.pg.0.borrow();
    let world = p.session.world();
    let n = world.firehose.streams.len() + 1;
    let streams: Vec<String> = world.kinesis.streams().keys().cloned().collect();
    drop(p);

    let default_name = format!("events-{n}");
    let (hint_mb, hint_s) = kind.default_hints();
    use_input_value(&name, default_name.clone());
    use_input_value(&bucket, format!("{default_name}-data"));
    use_input_value(&size, hint_mb.to_string());
    use_input_value(&interval, hint_s.to_string());
    use_input_value(&retry, kind.default_retry_s().unwrap_or(0).to_string());
    use_input_value(
        &columns,
        "customer:string, order:int, amount:double, level:string".into(),
    );
    use_input_value(&pkey, "customer".into());
    let specs = kind.fields();
    let default_of = |i: usize| specs.get(i).map_or("", |s| s.1).to_string();
    use_input_value(&fields[0], default_of(0));
    use_input_value(&fields[1], default_of(1));
    use_input_value(&fields[2], default_of(2));
    use_input_value(&fields[3], default_of(3));

    let on_kind = {
        let (kind, fields) = (kind.clone(), fields.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            // The destination's fields get the new kind's defaults (see use_input_value).
            for f in &fields {
                set_input(f, "");
            }
            kind.set(DestKind::parse(&v));
        })
    };
    let toggle = |state: &UseStateHandle<bool>| {
        let state = state.clone();
        Callback::from(move |e: Event| {
            state.set(e.target_unchecked_into::<HtmlInputElement>().checked())
        })
    };
    let on_parquet = {
        let (state, size, compression) = (parquet_on.clone(), size.clone(), compression.clone());
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            if on {
                // Parquet needs UNCOMPRESSED objects (the columns are compressed inside) and ≥ 64 MiB.
                if input_value(&size).parse::<u64>().unwrap_or(0) < 64 {
                    set_input(&size, "64");
                }
                set_select(&compression, "UNCOMPRESSED");
            }
            state.set(on);
        })
    };
    let preset = |mb: Option<&'static str>, s: &'static str| {
        let (size, interval) = (size.clone(), interval.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(mb) = mb {
                set_input(&size, mb);
            }
            set_input(&interval, s);
        })
    };

    let submit = {
        let (h, cb, created, message) = (
            props.pg.clone(),
            props.on_change.clone(),
            props.on_created.clone(),
            message.clone(),
        );
        let refs = (
            name.clone(),
            source.clone(),
            bucket.clone(),
            prefix.clone(),
            size.clone(),
            interval.clone(),
        );
        let more = (
            compression.clone(),
            backup.clone(),
            retry.clone(),
            columns.clone(),
            parquet_compression.clone(),
            pkey.clone(),
        );
        let (fields, tr, kind) = (fields.clone(), (*transform_refs).clone(), *kind);
        let flags = (*transform_on, *parquet_on, *partition_on);
        let cwl = *cwl_on;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (name, source, bucket, prefix, size, interval) = &refs;
            let (compression, backup, retry, columns, parquet_compression, pkey) = &more;
            let stream = input_value(name).trim().to_string();
            let src = select_value(source);
            let v = FormValues {
                name: stream.clone(),
                source: (!src.is_empty()).then_some(src),
                kind: Some(kind),
                bucket: input_value(bucket).trim().to_string(),
                prefix: input_value(prefix),
                size_mb: input_value(size).parse().unwrap_or(5),
                interval_s: input_value(interval).parse().unwrap_or(300),
                compression: select_value(compression),
                function: flags.0.then(|| format!("{stream}-transform")),
                cloudwatch_logs: cwl,
                parquet: (flags.1 && kind == DestKind::S3)
                    .then(|| (table_name(&stream), select_value(parquet_compression))),
                partition_key: (flags.2 && kind == DestKind::S3)
                    .then(|| input_value(pkey).trim().to_string())
                    .filter(|k| !k.is_empty()),
                backup: select_value(backup),
                retry_s: input_value(retry).parse().unwrap_or(300),
                fields: fields.iter().map(input_value).collect(),
            };
            let out = prepare(&h, &v, &input_value(columns))
                .and_then(|_| match &v.function {
                    Some(f) => save_function(&h, f, &tr),
                    None => Ok(()),
                })
                .and_then(|_| {
                    h.0.borrow_mut()
                        .call("firehose", "CreateDeliveryStream", create_request(&v))
                        .map_err(|e| {
                            format!("CreateDeliveryStream: {}: {}", e.kind.as_str(), e.message)
                        })
                });
            match out {
                Ok(_) => {
                    message.set(Some(Ok(format!(
                        "Created {stream}: CREATING for 5 s, then ACTIVE."
                    ))));
                    created.emit(stream);
                }
                Err(e) => message.set(Some(Err(e))),
            }
            cb.emit(());
        })
    };

    let k = *kind;
    html! {
        <form class="form fh-form" onsubmit={submit} data-testid="fh-form">
            <h3>{ "Create delivery stream" }</h3>
            <div class="fh-row">
                <label class="grow"><span>{ "Name" }</span><input ref={name} data-testid="fh-name" /></label>
                <label class="grow"><span>{ "Source" }</span>
                    <select ref={source} data-testid="fh-source">
                        <option value="" selected=true>{ "Direct PUT" }</option>
                        { for streams.iter().map(|s| html! { <option value={s.clone()}>{ format!("Kinesis stream {s}") }</option> }) }
                    </select></label>
            </div>
            <div class="fh-row">
                <label class="grow"><span>{ "Destination" }</span>
                    <select data-testid="fh-dest" onchange={on_kind}>
                        { for DestKind::ALL.iter().map(|d| html! { <option value={d.id()} selected={*d == k}>{ d.label() }</option> }) }
                    </select></label>
                <label class="grow"><span>{ if k == DestKind::S3 { "Bucket" } else { "Backup bucket" } }</span><input ref={bucket} data-testid="fh-bucket" /></label>
                <label class="grow"><span>{ "Prefix (blank = YYYY/MM/dd/HH/)" }</span><input ref={prefix} data-testid="fh-prefix" /></label>
            </div>
            <div class={classes!("fh-row", "fh-dest-fields", specs.is_empty().then_some("hidden"))}>
                { for fields.iter().enumerate().map(|(i, f)| {
                    let spec = specs.get(i);
                    html! {
                        <label class={classes!("grow", spec.is_none().then_some("hidden"))}>
                            <span>{ spec.map_or("", |s| s.0) }</span>
                            <input ref={f.clone()} data-testid={spec.map_or("fh-f-unused", |s| s.2)} />
                        </label>
                    }
                }) }
                <label class={classes!("narrow", (k == DestKind::S3).then_some("hidden"))}><span>{ "Retry s" }</span>
                    <input ref={retry} type="number" min="0" max="7200" data-testid="fh-retry" /></label>
            </div>
            <div class="fh-row">
                <label class="narrow"><span>{ "Size MiB" }</span><input ref={size.clone()} type="number" min="1" max="128" data-testid="fh-size" /></label>
                <label class="narrow"><span>{ "Interval s" }</span><input ref={interval.clone()} type="number" min="0" max="900" data-testid="fh-interval" /></label>
                <div class="fh-presets">
                    <button type="button" class="btn small" onclick={preset(Some("5"), "300")}>{ "S3 default 5 MiB / 300 s" }</button>
                    <button type="button" class="btn small" onclick={preset(Some("32"), "60")} data-testid="fh-preset-notes">{ "Notes: 32 MiB / 60 s" }</button>
                    <button type="button" class="btn small" onclick={preset(None, "0")} data-testid="fh-preset-zero">{ "Zero buffering 0 s" }</button>
                </div>
            </div>
            <div class="fh-row">
                <label class="grow"><span>{ if k == DestKind::S3 { "Compression" } else { "Compression (S3 backup / staging)" } }</span>
                    <select ref={compression} data-testid="fh-compression">
                        { for ["UNCOMPRESSED", "GZIP", "ZIP", "Snappy", "HADOOP_SNAPPY"].iter().map(|c| html! { <option value={*c}>{ *c }</option> }) }
                    </select></label>
                <label class="grow"><span>{ "Backup" }</span>
                    <select ref={backup} data-testid="fh-backup">
                        { for k.backup_modes().iter().map(|(v, l)| html! { <option value={*v}>{ *l }</option> }) }
                    </select></label>
            </div>
            <label class="check" title="Decompression (GZIP) + CloudWatchLogProcessing (DataMessageExtraction) + a newline after each record: the log messages alone land in the destination, control messages are dropped">
                <input type="checkbox" data-testid="fh-cwl-on" onchange={toggle(&cwl_on)} />{ "CloudWatch Logs records: decompress, extract messages" }</label>
            <label class="check"><input type="checkbox" data-testid="fh-transform-on" onchange={toggle(&transform_on)} />{ "Transform records (Lambda processor)" }</label>
            <div class={classes!((!*transform_on).then_some("hidden"))}>
                <TransformSection pg={props.pg.clone()} refs={(*transform_refs).clone()} function={format!("{default_name}-transform")} on_change={props.on_change.clone()} />
            </div>
            <label class={classes!("check", (k != DestKind::S3).then_some("disabled"))}>
                <input type="checkbox" data-testid="fh-parquet-on" onchange={on_parquet} disabled={k != DestKind::S3} />{ "Convert to Parquet (Glue schema)" }</label>
            <div class={classes!("fh-sub", (!*parquet_on || k != DestKind::S3).then_some("hidden"))}>
                <label><span>{ "Columns name:type, … (creates a Glue table)" }</span><input ref={columns} data-testid="fh-columns" /></label>
                <div class="fh-row">
                    <label class="grow"><span>{ "Output format" }</span>
                        <select><option value="parquet">{ "Apache Parquet" }</option><option value="orc" disabled=true>{ "Apache ORC (unavailable)" }</option></select></label>
                    <label class="grow"><span>{ "Parquet compression" }</span>
                        <select ref={parquet_compression}>{ for ["SNAPPY", "GZIP", "UNCOMPRESSED"].iter().map(|c| html! { <option value={*c}>{ *c }</option> }) }</select></label>
                </div>
                <p class="hint small" data-testid="fh-orc-note">{ ORC_UNAVAILABLE }</p>
                <p class="hint small">{ "Parquet needs CompressionFormat UNCOMPRESSED and a size hint of at least 64 MiB; the form set both." }</p>
            </div>
            <label class={classes!("check", (k != DestKind::S3).then_some("disabled"))}>
                <input type="checkbox" data-testid="fh-partition-on" onchange={toggle(&partition_on)} disabled={k != DestKind::S3} />{ "Dynamic partitioning by a JSON key" }</label>
            <div class={classes!("fh-sub", (!*partition_on || k != DestKind::S3).then_some("hidden"))}>
                <label><span>{ "Key (prefix data/KEY=!{partitionKeyFromQuery:KEY}/, errors under errors/)" }</span><input ref={pkey} data-testid="fh-partition-key" /></label>
            </div>
            <div class="fh-row">
                <button class="btn primary" type="submit" data-testid="fh-create">{ "CreateDeliveryStream" }</button>
                { match &*message {
                    Some(Ok(m)) => html! { <span class="ok-text small" data-testid="fh-create-ok">{ m }</span> },
                    Some(Err(e)) => html! { <span class="err-text small" role="alert" data-testid="fh-create-error">{ e }</span> },
                    None => html! {},
                } }
            </div>
        </form>
    }
}
