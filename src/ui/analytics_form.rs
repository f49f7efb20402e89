//! The Analytics tab's *Create application* form: a Flink SQL editor checked live with
//! `playground.ValidateSql` (the error's line and column under the editor, with a caret), the query
//! builder, checkpoint / parallelism / lateness / idle-timeout settings, then
//! `kinesisanalyticsv2.CreateApplication` and `StartApplication`.

use serde_json::{json, Value};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::ui::analytics_builder::QueryBuilder;
use crate::ui::analytics_panel::read;
use crate::ui::inputs::{input_value, use_input_value};
use crate::ui::playground::Handle;

/// Properties of [`AnalyticsForm`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// Called with the name of an application just created.
    pub on_created: Callback<String>,
    /// The stream shown in the main view (the default source).
    pub stream: String,
    /// Applications that exist (for the default name).
    pub apps: usize,
}

/// The example query: a 10 s tumbling count and sum per customer over `stream`.
pub fn default_sql(stream: &str) -> String {
    format!(
        "CREATE TABLE orders (\n  customer STRING,\n  amount DOUBLE,\n  ts TIMESTAMP(3),\n  \
         WATERMARK FOR ts AS ts - INTERVAL '2' SECOND\n) WITH (\n  'connector' = 'kinesis',\n  \
         'stream' = '{stream}',\n  'scan.stream.initpos' = 'TRIM_HORIZON'\n);\n\n\
         SELECT window_start, window_end, customer, COUNT(*) AS orders, SUM(amount) AS total\n\
         FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))\n\
         GROUP BY window_start, window_end, customer;"
    )
}

/// A SQL error: line, column (1-based) and message.
#[derive(Clone, PartialEq)]
struct SqlError {
    line: usize,
    column: usize,
    message: String,
    text: String,
}

fn validate(h: &Handle, sql: &str) -> Option<SqlError> {
    let v = read(h, "ValidateSql", json!({ "Sql": sql }))?;
    if v["Valid"] == json!(true) {
        return None;
    }
    let line = v["Line"].as_u64().unwrap_or(1).max(1) as usize;
    Some(SqlError {
        line,
        column: v["Column"].as_u64().unwrap_or(1).max(1) as usize,
        message: v["Message"].as_str().unwrap_or("invalid SQL").to_string(),
        text: sql.lines().nth(line - 1).unwrap_or("").to_string(),
    })
}

fn textarea_value(node: &NodeRef) -> String {
    node.cast::<HtmlTextAreaElement>()
        .map(|t| t.value())
        .unwrap_or_default()
}

/// The form.
#[function_component(AnalyticsForm)]
pub fn analytics_form(props: &Props) -> Html {
    let name = use_node_ref();
    let sql = use_node_ref();
    let ckpt = use_node_ref();
    let parallelism = use_node_ref();
    let lateness = use_node_ref();
    let idle = use_node_ref();
    let error = use_state(|| None::<SqlError>);
    let message = use_state(|| None::<Result<String, String>>);
    let created = use_state(|| None::<String>);

    use_input_value(&name, format!("counts-{}", props.apps + 1));
    use_input_value(&ckpt, "2000".into());
    use_input_value(&parallelism, "2".into());
    use_input_value(&lateness, "0".into());
    use_input_value(&idle, "5000".into());
    {
        // Prefill the editor once (an uncontrolled textarea keeps what the user types).
        let (sql, h, error, stream) = (
            sql.clone(),
            props.pg.clone(),
            error.clone(),
            props.stream.clone(),
        );
        use_effect_with((), move |_| {
            if let Some(t) = sql.cast::<HtmlTextAreaElement>() {
                if t.value().is_empty() {
                    let text = default_sql(&stream);
                    t.set_value(&text);
                    error.set(validate(&h, &text));
                }
            }
        });
    }

    let on_input = {
        let (h, error) = (props.pg.clone(), error.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            error.set(validate(&h, &text));
        })
    };
    let on_built = {
        let (sql, h, error) = (sql.clone(), props.pg.clone(), error.clone());
        Callback::from(move |text: String| {
            if let Some(t) = sql.cast::<HtmlTextAreaElement>() {
                t.set_value(&text);
            }
            error.set(validate(&h, &text));
        })
    };

    let submit = {
        let (h, cb, on_created, message, created) = (
            props.pg.clone(),
            props.on_change.clone(),
            props.on_created.clone(),
            message.clone(),
            created.clone(),
        );
        let refs = (
            name.clone(),
            sql.clone(),
            ckpt.clone(),
            parallelism.clone(),
            lateness.clone(),
            idle.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (name, sql, ckpt, par, late, idle) = &refs;
            let app = input_value(name).trim().to_string();
            let num = |n: &NodeRef, d: u64| input_value(n).trim().parse::<u64>().unwrap_or(d);
            let mut props_map = serde_json::Map::new();
            let (l, i) = (num(late, 0), num(idle, 0));
            if l > 0 {
                props_map.insert(
                    "table.exec.emit.allow-lateness".into(),
                    json!(format!("{l}ms")),
                );
            }
            if i > 0 {
                props_map.insert(
                    "table.exec.source.idle-timeout".into(),
                    json!(format!("{i}ms")),
                );
            }
            let mut config = json!({
                "ApplicationCodeConfiguration": {
                    "CodeContent": { "TextContent": textarea_value(sql) },
                    "CodeContentType": "PLAINTEXT",
                },
                "FlinkApplicationConfiguration": {
                    "CheckpointConfiguration": {
                        "ConfigurationType": "CUSTOM",
                        "CheckpointingEnabled": true,
                        "CheckpointInterval": num(ckpt, 2000),
                        "MinPauseBetweenCheckpoints": 0,
                    },
                    "ParallelismConfiguration": {
                        "ConfigurationType": "CUSTOM",
                        "Parallelism": num(par, 1),
                        "ParallelismPerKPU": 1,
                        "AutoScalingEnabled": false,
                    },
                },
            });
            if !props_map.is_empty() {
                config["EnvironmentProperties"] = json!({ "PropertyGroups": [{
                    "PropertyGroupId": "FlinkApplicationProperties",
                    "PropertyMap": Value::Object(props_map),
                }] });
            }
            let out = h.0.borrow_mut().call(
                "kinesisanalyticsv2",
                "CreateApplication",
                json!({
                    "ApplicationName": app,
                    "RuntimeEnvironment": "FLINK-1_20",
                    "ServiceExecutionRole": "arn:aws:iam::123456789012:role/flink",
                    "ApplicationConfiguration": config,
                }),
            );
            match out {
                Ok(_) => {
                    message.set(Some(Ok(format!("Created {app}: READY. Start it."))));
                    created.set(Some(app.clone()));
                    on_created.emit(app);
                }
                Err(e) => message.set(Some(Err(format!(
                    "CreateApplication: {}: {}",
                    e.kind.as_str(),
                    e.message
                )))),
            }
            cb.emit(());
        })
    };
    let start = (*created).clone().map(|app| {
        let (h, cb, message) = (props.pg.clone(), props.on_change.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let out = h.0.borrow_mut().call(
                "kinesisanalyticsv2",
                "StartApplication",
                json!({ "ApplicationName": app }),
            );
            message.set(Some(match out {
                Ok(_) => Ok(format!("Starting {app}: STARTING for 5 s, then RUNNING.")),
                Err(e) => Err(format!(
                    "StartApplication: {}: {}",
                    e.kind.as_str(),
                    e.message
                )),
            }));
            cb.emit(());
        })
    });

    html! {
        <form class="form an-form" onsubmit={submit} data-testid="an-form">
            <h3>{ "Create Flink application" }</h3>
            <div class="an-form-col">
            <label><span>{ "Application name" }</span><input ref={name} data-testid="an-name" /></label>
            <label><span>{ "Flink SQL" }</span>
                <textarea ref={sql} class="an-sql" rows="14" spellcheck="false" data-testid="an-sql" oninput={on_input} /></label>
            { match &*error {
                Some(e) => html! {
                    <div class="an-sql-err">
                        <p class="err-text small" role="alert" data-testid="an-sql-error" data-line={e.line.to_string()} data-column={e.column.to_string()}>
                            { format!("line {}, column {}: {}", e.line, e.column, e.message) }</p>
                        <pre class="an-caret">{ format!("{:>3} | {}\n    | {}^", e.line, e.text, " ".repeat(e.column.saturating_sub(1))) }</pre>
                    </div>
                },
                None => html! { <p class="ok-text small" data-testid="an-sql-ok">{ "✓ SQL compiles" }</p> },
            } }
            </div>
            <div class="an-form-col">
            <QueryBuilder pg={props.pg.clone()} stream={props.stream.clone()} on_built={on_built} />
            <div class="fh-row">
                <label class="narrow"><span>{ "Checkpoint ms" }</span><input ref={ckpt} type="number" min="100" data-testid="an-ckpt" /></label>
                <label class="narrow"><span>{ "Parallelism" }</span><input ref={parallelism} type="number" min="1" max="64" data-testid="an-parallelism" /></label>
                <label class="narrow"><span>{ "Allowed lateness ms" }</span><input ref={lateness} type="number" min="0" data-testid="an-lateness" /></label>
                <label class="narrow"><span>{ "Idle timeout ms" }</span><input ref={idle} type="number" min="0" data-testid="an-idle" /></label>
            </div>
            <div class="fh-row">
                <button class="btn primary" type="submit" data-testid="an-create">{ "CreateApplication" }</button>
                <button class="btn" type="button" disabled={start.is_none()} onclick={start.unwrap_or_default()} data-testid="an-start">{ "StartApplication" }</button>
            </div>
            { match &*message {
                Some(Ok(m)) => html! { <p class="ok-text small" data-testid="an-create-ok">{ m }</p> },
                Some(Err(e)) => html! { <p class="err-text small" role="alert" data-testid="an-create-error">{ e }</p> },
                None => html! {},
            } }
            </div>
        </form>
    }
}
