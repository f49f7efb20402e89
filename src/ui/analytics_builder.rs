//! The query builder under the SQL editor: window type and sizes, key, aggregate, watermark
//! delay and a WHERE filter become a `playground.BuildSql` request; the SQL it returns replaces
//! the editor's text.

use serde_json::json;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::ui::inputs::{input_value, select_value, use_input_value};
use crate::ui::playground::Handle;

/// Properties of [`QueryBuilder`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// The source stream.
    pub stream: String,
    /// Called with the SQL built.
    pub on_built: Callback<String>,
}

const WINDOWS: [&str; 5] = ["TUMBLE", "HOP", "SESSION", "CUMULATE", "COUNT"];
const AGGREGATES: [&str; 6] = ["SUM", "AVG", "MIN", "MAX", "COUNT_DISTINCT", "COUNT"];

/// The builder.
#[function_component(QueryBuilder)]
pub fn query_builder(props: &Props) -> Html {
    let kind = use_state(|| "TUMBLE".to_string());
    let size = use_node_ref();
    let slide = use_node_ref();
    let key = use_node_ref();
    let agg = use_node_ref();
    let delay = use_node_ref();
    let filter = use_node_ref();
    let message = use_state(|| None::<String>);
    use_input_value(&size, "10".into());
    use_input_value(&slide, "5".into());
    use_input_value(&key, "customer".into());
    use_input_value(&delay, "2".into());

    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            kind.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let build = {
        let (h, on_built, message, kind, stream) = (
            props.pg.clone(),
            props.on_built.clone(),
            message.clone(),
            (*kind).clone(),
            props.stream.clone(),
        );
        let refs = (
            size.clone(),
            slide.clone(),
            key.clone(),
            agg.clone(),
            delay.clone(),
            filter.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (size, slide, key, agg, delay, filter) = &refs;
            let secs = |n: &NodeRef, d: f64| {
                (input_value(n).trim().parse::<f64>().unwrap_or(d).max(0.0) * 1000.0) as u64
            };
            let count = |n: &NodeRef, d: u64| input_value(n).trim().parse::<u64>().unwrap_or(d);
            let window = match kind.as_str() {
                "HOP" => {
                    json!({ "Type": "HOP", "SizeMs": secs(size, 10.0), "SlideMs": secs(slide, 5.0) })
                }
                "SESSION" => json!({ "Type": "SESSION", "GapMs": secs(slide, 5.0) }),
                "CUMULATE" => {
                    json!({ "Type": "CUMULATE", "SizeMs": secs(size, 20.0), "StepMs": secs(slide, 5.0) })
                }
                "COUNT" => {
                    json!({ "Type": "COUNT", "Size": count(size, 10).max(1), "Slide": count(slide, 10).max(1) })
                }
                _ => json!({ "Type": "TUMBLE", "SizeMs": secs(size, 10.0) }),
            };
            let k = input_value(key).trim().to_string();
            let f = select_value(agg);
            let mut aggregates = vec![json!({ "Function": "COUNT", "Alias": "orders" })];
            if f != "COUNT" && !f.is_empty() {
                let alias = if f == "SUM" {
                    "total".to_string()
                } else {
                    format!("{}_amount", f.to_lowercase())
                };
                aggregates.push(json!({ "Function": f, "Column": "amount", "Alias": alias }));
            }
            let req = json!({
                "Stream": stream, "Table": "orders", "StartPosition": "TRIM_HORIZON",
                "Columns": [{"Name": "customer", "Type": "STRING"}, {"Name": "amount", "Type": "DOUBLE"}, {"Name": "ts", "Type": "TIMESTAMP(3)"}],
                "Rowtime": "ts", "WatermarkDelayMs": secs(delay, 2.0),
                "Window": window,
                "Keys": if k.is_empty() { json!([]) } else { json!([k]) },
                "Aggregates": aggregates,
                "Where": input_value(filter),
            });
            let out = h.0.borrow_mut().call("playground", "BuildSql", req);
            match out {
                Ok(v) => {
                    on_built.emit(v["Sql"].as_str().unwrap_or("").to_string());
                    message.set(
                        (v["Valid"] != json!(true))
                            .then(|| v["Message"].as_str().unwrap_or("invalid").to_string()),
                    );
                }
                Err(e) => message.set(Some(format!(
                    "BuildSql: {}: {}",
                    e.kind.as_str(),
                    e.message
                ))),
            }
        })
    };
    let k = kind.as_str();
    let (size_label, slide_label) = match k {
        "HOP" => ("Size s", Some("Slide s")),
        "SESSION" => ("", Some("Gap s")),
        "CUMULATE" => ("Max size s", Some("Step s")),
        "COUNT" => ("Size (records)", Some("Slide (records)")),
        _ => ("Size s", None),
    };
    html! {
        <details class="an-builder" data-testid="an-builder">
            <summary>{ "Query builder" }</summary>
            <div class="fh-row">
                <label class="narrow"><span>{ "Window" }</span>
                    <select onchange={on_kind} data-testid="an-window">
                        { for WINDOWS.iter().map(|w| html! { <option value={*w} selected={*w == k}>{ *w }</option> }) }
                    </select></label>
                <label class={classes!("narrow", size_label.is_empty().then_some("hidden"))}><span>{ size_label }</span>
                    <input ref={size} type="number" min="1" data-testid="an-size" /></label>
                <label class={classes!("narrow", slide_label.is_none().then_some("hidden"))}><span>{ slide_label.unwrap_or("Slide s") }</span>
                    <input ref={slide} type="number" min="1" data-testid="an-slide" /></label>
            </div>
            <div class="fh-row">
                <label class="narrow"><span>{ "Key column" }</span><input ref={key} data-testid="an-key" /></label>
                <label class="narrow"><span>{ "COUNT(*) and" }</span>
                    <select ref={agg} data-testid="an-agg">
                        { for AGGREGATES.iter().map(|a| html! { <option value={*a}>{ if *a == "COUNT" { "nothing else".to_string() } else { format!("{a}(amount)") } }</option> }) }
                    </select></label>
                <label class="narrow"><span>{ "Watermark delay s" }</span><input ref={delay} type="number" min="0" data-testid="an-delay" /></label>
            </div>
            <label><span>{ "WHERE" }</span><input ref={filter} placeholder="amount > 1" data-testid="an-where" /></label>
            <div class="fh-row">
                <button class="btn small" type="button" onclick={build} data-testid="an-build">{ "Build SQL → editor" }</button>
                { for (*message).clone().map(|m| html! { <span class="err-text small">{ m }</span> }) }
            </div>
        </details>
    }
}
