//! "Show as code": the session so far as a boto3 script or AWS CLI commands (engine
//! `export`), highlighted, with copy and download, and the lines left out named.

use yew::prelude::*;

use crate::engine::export::{export_session, Export, ExportFormat};
use crate::ui::code_highlight::highlighted;
use crate::ui::download::download;
use crate::ui::playground::Handle;

/// Lines drawn in the page (the copy and the download always carry the whole script).
const MAX_SHOWN_LINES: usize = 2_000;

/// Properties of [`ShowAsCode`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Closes the panel.
    pub on_close: Callback<()>,
}

fn run_export(pg: &Handle, format: ExportFormat) -> Result<Export, String> {
    let text = pg.0.borrow().session.to_jsonl();
    export_session(&text, format).map_err(|e| e.message)
}

/// The panel.
#[function_component(ShowAsCode)]
pub fn show_as_code(props: &Props) -> Html {
    let format = use_state(|| ExportFormat::Boto3);
    let export = {
        let pg = props.pg.clone();
        use_state(move || run_export(&pg, ExportFormat::Boto3))
    };
    let status = use_state(String::new);
    let choose = |f: ExportFormat| {
        let (format, export, pg, status) = (
            format.clone(),
            export.clone(),
            props.pg.clone(),
            status.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            format.set(f);
            export.set(run_export(&pg, f));
            status.set(String::new());
        })
    };
    let refresh = {
        let (format, export, pg) = (format.clone(), export.clone(), props.pg.clone());
        Callback::from(move |_: MouseEvent| export.set(run_export(&pg, *format)))
    };
    let code = match &*export {
        Ok(e) => e.code.clone(),
        Err(_) => String::new(),
    };
    let copy = {
        let (code, status) = (code.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let clipboard = web_sys::window().map(|w| w.navigator().clipboard());
            match clipboard {
                Some(c) => {
                    let _ = c.write_text(&code);
                    status.set("copied to the clipboard".into());
                }
                None => status.set("no clipboard in this browser".into()),
            }
        })
    };
    let save = {
        let (code, status, format) = (code.clone(), status.clone(), format.clone());
        Callback::from(
            move |_: MouseEvent| match download(format.file_name(), code.as_bytes()) {
                Ok(()) => status.set(format!("saved as {}", format.file_name())),
                Err(e) => status.set(e),
            },
        )
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let shell = *format == ExportFormat::AwsCli;
    let tab = |f: ExportFormat, label: &str, id: &str| {
        html! {
            <button class={classes!("btn", "small", (*format == f).then_some("active"))}
                aria-pressed={(*format == f).to_string()} data-testid={id.to_string()} onclick={choose(f)}>
                { label.to_string() }
            </button>
        }
    };
    html! {
        <section class="panel code-export" aria-labelledby="code-title" data-testid="code-export">
            <div class="code-head">
                <h2 id="code-title">{ "Session as code" }</h2>
                { tab(ExportFormat::Boto3, "Python (boto3)", "code-boto3") }
                { tab(ExportFormat::AwsCli, "AWS CLI", "code-awscli") }
                <button class="btn small" onclick={refresh} data-testid="code-refresh">{ "Refresh" }</button>
                <button class="btn small" onclick={copy} data-testid="code-copy">{ "Copy" }</button>
                <button class="btn small" onclick={save} data-testid="code-download">{ "Download" }</button>
                <button class="btn small" onclick={close} aria-label="Close the code view">{ "Close" }</button>
                <span class="muted" role="status" data-testid="code-status">{ (*status).clone() }</span>
            </div>
            { match &*export {
                Err(e) => html! { <p class="error" role="alert">{ format!("Could not export: {e}") }</p> },
                Ok(e) => html! {
                    <>
                        <p class="hint" data-testid="code-summary">
                            { format!(
                                "{} AWS calls, {} simulated steps as comments, {} checks against the playground's answers{}. Run it against AWS, or a local emulator with KINESIS_ENDPOINT_URL=….",
                                e.calls, e.comments, e.checks,
                                if e.skipped.is_empty() { String::new() } else { format!("; {} lines left out (listed at the end)", e.skipped.len()) }
                            ) }
                        </p>
                        <pre class="code-view" tabindex="0" data-testid="code-view"><code>
                            { highlighted(&e.code, shell, MAX_SHOWN_LINES) }
                        </code></pre>
                        if e.code.lines().count() > MAX_SHOWN_LINES {
                            <p class="hint">{ format!("Showing the first {MAX_SHOWN_LINES} lines; Copy and Download carry all {}.", e.code.lines().count()) }</p>
                        }
                    </>
                },
            } }
        </section>
    }
}
