//! The API console: type a boto3-style call (`kinesis.put_record(StreamName="orders", …)`) or a
//! Kafka client form (`producer.send("orders", key="k", value="v")`, `consumer.poll()`), press
//! Enter, see the response. Calls go through [`crate::ui::playground::Playground::call`], so they
//! are logged in the session and animate in the other views like any button. The console's
//! [`ConsoleSession`] remembers its Kafka consumers' group and member ids between lines.

use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::engine::console::format_response;
use crate::engine::console::session::{ConsoleSession, Outcome as RunOutcome};
use crate::engine::time::format_duration;
use crate::ui::playground::Handle;

/// Most output entries kept (older ones are dropped).
pub const MAX_ENTRIES: usize = 50;
/// Most inputs kept in the history.
pub const MAX_HISTORY: usize = 200;

/// Properties of [`ApiConsole`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after each call, so the other panels refresh.
    pub on_change: Callback<()>,
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    /// The pretty JSON response.
    Response(String),
    /// An AWS error: `ErrorType: message`.
    ApiError(String),
    /// The input did not parse: the rendered error with its caret line.
    Parse(String),
    /// Nothing was sent (`producer.flush()`): why.
    Note(String),
}

/// One run: the input and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    id: u64,
    input: String,
    /// `kinesis.PutRecord` (`kafka.Seek ×2`), when something was sent.
    call: Option<String>,
    /// Virtual time of the call.
    at: u64,
    outcome: Outcome,
}

#[derive(Default)]
struct State {
    history: Vec<String>,
    /// Position while walking the history with Up/Down; `None` = editing a new input.
    cursor: Option<usize>,
    /// What was typed before walking the history.
    draft: String,
    entries: Rc<VecDeque<Entry>>,
    next_id: u64,
    /// The console's Kafka consumers.
    console: ConsoleSession,
}

fn examples(stream: &str) -> [(&'static str, String); 3] {
    [
        (
            "put_record",
            format!("kinesis.put_record(StreamName=\"{stream}\", Data=\"hello\", PartitionKey=\"user-1\")"),
        ),
        ("list_shards", format!("kinesis.list_shards(StreamName=\"{stream}\")")),
        ("describe_stream_summary", format!("kinesis.describe_stream_summary(StreamName=\"{stream}\")")),
    ]
}

/// Grows the textarea with its content (up to the CSS max-height).
fn autosize(ta: &HtmlTextAreaElement) {
    let style = ta.style();
    let _ = style.set_property("height", "auto");
    let _ = style.set_property("height", &format!("{}px", ta.scroll_height() + 2));
}

/// Replaces the textarea's text and puts the caret at the end.
fn set_input(ta: &HtmlTextAreaElement, text: &str) {
    ta.set_value(text);
    let end = text.encode_utf16().count() as u32;
    let _ = ta.set_selection_range(end, end);
    autosize(ta);
}

/// The API console panel.
#[function_component(ApiConsole)]
pub fn api_console(props: &Props) -> Html {
    let input_ref = use_node_ref();
    let output_ref = use_node_ref();
    let state = use_mut_ref(State::default);
    let force = use_force_update();

    let run = {
        let (pg, on_change, state, input_ref, force) = (
            props.pg.clone(),
            props.on_change.clone(),
            state.clone(),
            input_ref.clone(),
            force.clone(),
        );
        Callback::from(move |_: ()| {
            let Some(ta) = input_ref.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let input = ta.value();
            if input.trim().is_empty() {
                return;
            }
            let (call, outcome, at) = {
                let mut p = pg.0.borrow_mut();
                let reply = state
                    .borrow_mut()
                    .console
                    .run(&input, |service, action, request| {
                        p.call(service, action, request)
                    });
                let label = reply.label();
                let outcome = match reply.outcome {
                    RunOutcome::Response(v) => Outcome::Response(format_response(&v)),
                    RunOutcome::ApiError(e) => {
                        Outcome::ApiError(format!("{}: {}", e.kind.as_str(), e.message))
                    }
                    RunOutcome::Parse(e) => Outcome::Parse(e.render(&input)),
                    RunOutcome::Note(text) => Outcome::Note(text),
                };
                (label, outcome, p.session.world().now())
            };
            {
                let mut s = state.borrow_mut();
                if s.history.last() != Some(&input) {
                    s.history.push(input.clone());
                    if s.history.len() > MAX_HISTORY {
                        s.history.remove(0);
                    }
                }
                s.cursor = None;
                s.draft.clear();
                let id = s.next_id;
                s.next_id += 1;
                let entries = Rc::make_mut(&mut s.entries);
                entries.push_back(Entry {
                    id,
                    input,
                    call,
                    at,
                    outcome,
                });
                while entries.len() > MAX_ENTRIES {
                    entries.pop_front();
                }
            }
            set_input(&ta, "");
            force.force_update();
            on_change.emit(());
        })
    };

    let onkeydown = {
        let (run, state, input_ref) = (run.clone(), state.clone(), input_ref.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.is_composing()
                || e.alt_key()
                || e.meta_key()
                || (e.ctrl_key() && e.key() != "Enter")
            {
                return;
            }
            let Some(ta) = input_ref.cast::<HtmlTextAreaElement>() else {
                return;
            };
            match e.key().as_str() {
                "Enter" if !e.shift_key() => {
                    e.prevent_default();
                    run.emit(());
                }
                key @ ("ArrowUp" | "ArrowDown") if !e.shift_key() => {
                    let value = ta.value();
                    let start = ta.selection_start().ok().flatten().unwrap_or(0) as usize;
                    let end = ta.selection_end().ok().flatten().unwrap_or(0) as usize;
                    if start != end {
                        return;
                    }
                    let newline = '\n' as u16;
                    let mut s = state.borrow_mut();
                    if key == "ArrowUp" {
                        let on_first_line = value.encode_utf16().take(start).all(|u| u != newline);
                        if !on_first_line || s.history.is_empty() {
                            return;
                        }
                        e.prevent_default();
                        let next = match s.cursor {
                            None => {
                                s.draft = value;
                                s.history.len() - 1
                            }
                            Some(i) => i.saturating_sub(1),
                        };
                        s.cursor = Some(next);
                        let text = s.history[next].clone();
                        drop(s);
                        set_input(&ta, &text);
                    } else {
                        let on_last_line = value.encode_utf16().skip(start).all(|u| u != newline);
                        let Some(i) = s.cursor else { return };
                        if !on_last_line {
                            return;
                        }
                        e.prevent_default();
                        let text = if i + 1 < s.history.len() {
                            s.cursor = Some(i + 1);
                            s.history[i + 1].clone()
                        } else {
                            s.cursor = None;
                            std::mem::take(&mut s.draft)
                        };
                        drop(s);
                        set_input(&ta, &text);
                    }
                }
                _ => {}
            }
        })
    };

    let oninput = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: InputEvent| {
            if let Some(ta) = input_ref.cast::<HtmlTextAreaElement>() {
                autosize(&ta);
            }
        })
    };

    let onrun = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| run.emit(()))
    };

    let onclear = {
        let (state, force) = (state.clone(), force.clone());
        Callback::from(move |_: MouseEvent| {
            state.borrow_mut().entries = Rc::new(VecDeque::new());
            force.force_update();
        })
    };

    let entries = state.borrow().entries.clone();
    let last_id = entries.back().map(|e| e.id);
    {
        // Keep the newest entry in view.
        let output_ref = output_ref.clone();
        use_effect_with(last_id, move |_| {
            // The top of the newest entry (its input, then as much of the response as fits).
            if let Some(el) = output_ref.cast::<Element>() {
                let top = el
                    .last_element_child()
                    .and_then(|last| last.dyn_into::<HtmlElement>().ok())
                    .map_or(el.scroll_height(), |last| last.offset_top() - 4);
                el.set_scroll_top(top);
            }
        });
    }

    let stream = props.pg.0.borrow().stream.clone();
    let example_buttons: Vec<Html> = examples(&stream).into_iter().map(|(label, code)| {
        let (input_ref, state) = (input_ref.clone(), state.clone());
        let title = code.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(ta) = input_ref.cast::<HtmlTextAreaElement>() {
                {
                    let mut s = state.borrow_mut();
                    s.cursor = None;
                    s.draft.clear();
                }
                set_input(&ta, &code);
                let _ = ta.focus();
            }
        });
        html! {
            <button type="button" class="console-example" data-testid="console-example" {title} {onclick}>
                <code>{ label }</code>
            </button>
        }
    }).collect();

    html! {
        <section class="panel console" aria-labelledby="console-title">
            <div class="console-head">
                <h2 id="console-title">{ "API console" }
                    <span class="muted">{ " · boto3 syntax, through the same dispatcher as every button" }</span>
                </h2>
                if !entries.is_empty() {
                    <button type="button" class="btn ghost small" onclick={onclear} data-testid="console-clear">{ "Clear" }</button>
                }
            </div>
            <ConsoleOutput entries={entries} node={output_ref} />
            <div class="console-prompt">
                <span class="console-chevron" aria-hidden="true">{ ">>>" }</span>
                <textarea ref={input_ref} class="console-input" data-testid="console-input" rows="1"
                    spellcheck="false" autocomplete="off" autocapitalize="off"
                    aria-label="API call in boto3 syntax"
                    placeholder={format!("kinesis.put_record(StreamName=\"{stream}\", Data=\"hello\", PartitionKey=\"user-1\")")}
                    {onkeydown} {oninput} />
                <button type="button" class="btn primary" data-testid="console-run" onclick={onrun}>{ "Run ⏎" }</button>
            </div>
            <div class="console-foot">
                <span class="muted">{ "Try:" }</span>
                { for example_buttons.into_iter() }
                <span class="console-keys muted">
                    <kbd>{ "Enter" }</kbd>{ " run · " }<kbd>{ "Shift+Enter" }</kbd>{ " new line · " }<kbd>{ "↑" }</kbd><kbd>{ "↓" }</kbd>{ " history" }
                </span>
            </div>
        </section>
    }
}

/// Properties of [`ConsoleOutput`].
#[derive(Properties, PartialEq)]
struct OutputProps {
    entries: Rc<VecDeque<Entry>>,
    node: NodeRef,
}

/// The runs so far, oldest first; re-renders only when they change.
#[function_component(ConsoleOutput)]
fn console_output(props: &OutputProps) -> Html {
    html! {
        <div class="console-output" data-testid="console-output" ref={props.node.clone()}
            role="log" aria-live="polite" aria-label="API console output">
            if props.entries.is_empty() {
                <p class="hint console-empty">
                    { "Write a call as you would with boto3 and press Enter. Like boto3, " }
                    <code>{ "Data" }</code>{ " is base64-encoded for you; the response is the AWS JSON." }
                </p>
            }
            { for props.entries.iter().map(|e| {
                let ok = matches!(e.outcome, Outcome::Response(_) | Outcome::Note(_));
                let (class, body) = match &e.outcome {
                    Outcome::Response(json) => ("console-out", json.clone()),
                    Outcome::Note(text) => ("console-out", text.clone()),
                    Outcome::ApiError(text) => ("console-out api-err", text.clone()),
                    Outcome::Parse(text) => ("console-out parse-err", text.clone()),
                };
                html! {
                    <div key={e.id} class={classes!("console-entry", if ok { "ok" } else { "err" })}
                        data-testid="console-entry" data-ok={ok.to_string()}>
                        <div class="console-in">
                            <span class="console-chevron" aria-hidden="true">{ ">>>" }</span>
                            <pre>{ e.input.clone() }</pre>
                        </div>
                        <div class="console-meta">
                            if let Some(call) = &e.call {
                                <code>{ call.clone() }</code>
                            } else if matches!(e.outcome, Outcome::Note(_)) {
                                <span>{ "nothing sent" }</span>
                            } else {
                                <span>{ "not sent: the input did not parse" }</span>
                            }
                            <span>{ format!("at {}", format_duration(e.at)) }</span>
                        </div>
                        <pre class={class}>{ body }</pre>
                    </div>
                }
            }) }
        </div>
    }
}
