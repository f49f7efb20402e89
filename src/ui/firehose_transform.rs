//! The create form's transform section: built-in steps and a script in the sandboxed transform
//! language (semantics.md §4.3), saved as a playground transform function that the delivery
//! stream's `Lambda` processor invokes, with a *Test* button that runs it on a sample record.

use base64::Engine as _;
use serde_json::{json, Value};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::ui::inputs::{input_value, is_checked, use_input_value};
use crate::ui::playground::Handle;

/// Script shown when the form opens.
pub const DEFAULT_SCRIPT: &str =
    "// Runs once per record; `record` is the parsed JSON, `data` the text.\n\
if (record.level == \"DEBUG\") { drop; }\n\
record.customer = upper(record.customer);\n\
record.amount_cents = round(record.amount * 100);\n\
return record;   // serialised as compact JSON\n";

/// Sample record the Test button sends.
pub const SAMPLE: &str = "{\"customer\":\"acme\",\"order\":7,\"amount\":19.99,\"level\":\"INFO\"}";

/// The section's inputs.
#[derive(Clone, Default, PartialEq)]
pub struct TransformRefs {
    /// Drop records whose `level` is DEBUG (DropWhere).
    pub drop_debug: NodeRef,
    /// Keep only these fields (KeepFields), comma separated; blank = off.
    pub keep: NodeRef,
    /// Upper-case the payload.
    pub uppercase: NodeRef,
    /// Append a newline (on by default, so objects are JSON lines).
    pub newline: NodeRef,
    /// Script source.
    pub script: NodeRef,
    /// Sample record for Test.
    pub sample: NodeRef,
    /// Simulated invocation duration, ms.
    pub duration: NodeRef,
    /// Function error rate 0–1.
    pub error_rate: NodeRef,
}

fn textarea_value(node: &NodeRef) -> String {
    node.cast::<HtmlTextAreaElement>()
        .map(|t| t.value())
        .unwrap_or_default()
}

/// The steps the section describes, in the order they run.
pub fn steps(r: &TransformRefs) -> Value {
    let mut steps = Vec::new();
    if is_checked(&r.drop_debug) {
        steps.push(json!({ "Type": "DropWhere", "Field": "level", "Op": "==", "Value": "DEBUG" }));
    }
    let keep: Vec<String> = input_value(&r.keep)
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if !keep.is_empty() {
        steps.push(json!({ "Type": "KeepFields", "Fields": keep }));
    }
    let script = textarea_value(&r.script);
    if !script.trim().is_empty() {
        steps.push(json!({ "Type": "Script", "Source": script }));
    }
    if is_checked(&r.uppercase) {
        steps.push(json!({ "Type": "Uppercase" }));
    }
    if is_checked(&r.newline) {
        steps.push(json!({ "Type": "AppendNewline" }));
    }
    json!(steps)
}

/// Creates or updates transform function `name` from the section. Returns the error text.
pub fn save_function(h: &Handle, name: &str, r: &TransformRefs) -> Result<(), String> {
    let mut p = h.0.borrow_mut();
    let exists = p.session.world().firehose.functions.contains_key(name);
    let req = json!({
        "FunctionName": name,
        "Steps": steps(r),
        "DurationMs": input_value(&r.duration).parse::<u64>().unwrap_or(200),
        "ErrorRate": input_value(&r.error_rate).parse::<f64>().unwrap_or(0.0),
    });
    let action = if exists {
        "UpdateTransformFunction"
    } else {
        "CreateTransformFunction"
    };
    p.call("playground", action, req)
        .map(|_| ())
        .map_err(|e| format!("{action}: {}: {}", e.kind.as_str(), e.message))
}

/// Properties of [`TransformSection`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// The inputs (owned by the form).
    pub refs: TransformRefs,
    /// Name the function gets (`<stream>-transform`).
    pub function: String,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// The transform section (always rendered; the form hides it when the transform is off).
#[function_component(TransformSection)]
pub fn transform_section(props: &Props) -> Html {
    let result = use_state(|| None::<Result<Value, String>>);
    let r = &props.refs;
    use_input_value(&r.sample, SAMPLE.to_string());
    use_input_value(&r.duration, "200".to_string());
    use_input_value(&r.error_rate, "0".to_string());
    {
        let (script, newline) = (r.script.clone(), r.newline.clone());
        use_effect_with((), move |_| {
            if let Some(t) = script.cast::<HtmlTextAreaElement>() {
                t.set_value(DEFAULT_SCRIPT);
            }
            if let Some(c) = newline.cast::<web_sys::HtmlInputElement>() {
                c.set_checked(true);
            }
        });
    }
    let test = {
        let (h, refs, name, result, cb) = (
            props.pg.clone(),
            r.clone(),
            props.function.clone(),
            result.clone(),
            props.on_change.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let out = save_function(&h, &name, &refs).and_then(|_| {
                let data =
                    base64::engine::general_purpose::STANDARD.encode(input_value(&refs.sample));
                h.0.borrow_mut()
                    .call(
                        "playground",
                        "TestTransformFunction",
                        json!({ "FunctionName": name, "Data": data }),
                    )
                    .map_err(|e| {
                        format!("TestTransformFunction: {}: {}", e.kind.as_str(), e.message)
                    })
            });
            result.set(Some(out));
            cb.emit(());
        })
    };
    let shown = match &*result {
        None => {
            html! { <p class="hint">{ "Test saves the function and runs it on the sample record." }</p> }
        }
        Some(Err(e)) => html! { <p class="err-text" data-testid="fh-transform-error">{ e }</p> },
        Some(Ok(v)) => {
            let res = v["Result"].as_str().unwrap_or("?").to_string();
            let body = match res.as_str() {
                "Ok" => v["Text"].as_str().unwrap_or_default().to_string(),
                "Dropped" => "record dropped".to_string(),
                _ => v["Reason"].as_str().unwrap_or_default().to_string(),
            };
            html! {
                <div class="fh-test-result" data-testid="fh-transform-result" data-result={res.clone()}>
                    <span class={classes!("pill", if res == "Ok" { "on" } else { "expired" })}>{ res }</span>
                    <span class="muted small">{ format!(" {} operations", v["Operations"]) }</span>
                    <pre>{ body }</pre>
                </div>
            }
        }
    };
    html! {
        <div class="fh-transform">
            <div class="fh-checks">
                <label class="check"><input ref={r.drop_debug.clone()} type="checkbox" />{ "DropWhere level == DEBUG" }</label>
                <label class="check"><input ref={r.uppercase.clone()} type="checkbox" />{ "Uppercase" }</label>
                <label class="check"><input ref={r.newline.clone()} type="checkbox" data-testid="fh-transform-newline" />{ "AppendNewline" }</label>
            </div>
            <label><span>{ "KeepFields (comma separated, blank = all)" }</span><input ref={r.keep.clone()} placeholder="customer, amount" /></label>
            <label><span>{ "Script (runs after the built-ins above it, before Uppercase / AppendNewline)" }</span>
                <textarea ref={r.script.clone()} rows="6" spellcheck="false" class="code" data-testid="fh-transform-script" /></label>
            <div class="fh-row">
                <label class="grow"><span>{ "Sample record" }</span><input ref={r.sample.clone()} data-testid="fh-transform-sample" /></label>
                <label class="narrow"><span>{ "Duration ms" }</span><input ref={r.duration.clone()} type="number" min="1" /></label>
                <label class="narrow"><span>{ "Error rate" }</span><input ref={r.error_rate.clone()} type="number" min="0" max="1" step="0.05" /></label>
                <button class="btn small" type="button" onclick={test} data-testid="fh-transform-test">{ "Test" }</button>
            </div>
            { shown }
        </div>
    }
}
