//! The lesson picker in the top bar: every lesson with a ✓ when solved, the sandbox, and the
//! progress kept in localStorage — download it, import it, or reset it when it is unreadable.

use yew::prelude::*;

use crate::engine::lesson::catalog;
use crate::ui::download::download;
use crate::ui::lesson_state::{self, Progress};

/// Properties of [`LessonMenu`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// Re-render counter (progress changes when a check passes).
    pub version: u64,
    /// The open lesson's id, if any.
    pub current: Option<String>,
}

/// The menu.
#[function_component(LessonMenu)]
pub fn lesson_menu(props: &Props) -> Html {
    let import_ref = use_node_ref();
    let message = use_state(String::new);
    let force = use_force_update();
    let progress = lesson_state::load_progress();
    let (solved, corrupt) = match &progress {
        Ok(p) => (p.clone().unwrap_or_default().solved, None),
        Err((e, raw)) => (Default::default(), Some((e.clone(), raw.clone()))),
    };
    let export = {
        let message = message.clone();
        Callback::from(move |_: MouseEvent| {
            let text = match lesson_state::load_progress() {
                Ok(p) => serde_json::to_string_pretty(&p.unwrap_or(Progress {
                    version: 1,
                    ..Progress::default()
                }))
                .unwrap_or_default(),
                Err((_, raw)) => raw,
            };
            message.set(
                match download("kinesis-playground-progress.json", text.as_bytes()) {
                    Ok(()) => "progress downloaded".into(),
                    Err(e) => e,
                },
            );
        })
    };
    let import = {
        let (message, import_ref, force) = (message.clone(), import_ref.clone(), force.clone());
        Callback::from(move |_: MouseEvent| {
            let text = import_ref
                .cast::<web_sys::HtmlTextAreaElement>()
                .map(|t| t.value())
                .unwrap_or_default();
            match Progress::parse(&text) {
                Ok(p) => {
                    lesson_state::save_progress(&p);
                    message.set(format!("imported: {} lessons solved", p.solved.len()));
                }
                Err(e) => message.set(format!("not imported: {e}")),
            }
            force.force_update();
        })
    };
    let reset = {
        let (message, force) = (message.clone(), force.clone());
        Callback::from(move |_: MouseEvent| {
            lesson_state::clear_progress();
            message.set("progress reset".into());
            force.force_update();
        })
    };
    let lessons = catalog::lessons().into_iter().flatten().map(|l| {
        let done = solved.contains_key(&l.id);
        let current = props.current.as_deref() == Some(l.id.as_str());
        html! {
            <li class={classes!(current.then_some("current"))}>
                <a href={format!("#/lesson/{}", l.id)} data-testid="lesson-link" data-lesson={l.id.clone()} data-solved={done.to_string()}>
                    <span class="solved-mark" aria-label={if done { "solved" } else { "not solved" }}>{ if done { "✓" } else { "○" } }</span>
                    { l.title.clone() }
                </a>
            </li>
        }
    });
    html! {
        <details class="lesson-menu" data-testid="lesson-menu">
            <summary class="btn ghost">{ format!("Lessons ({}/{} solved)", solved.len(), catalog::FILES.len()) }</summary>
            <div class="lesson-menu-body">
                if let Some((e, _)) = &corrupt {
                    <p class="error" role="alert" data-testid="progress-corrupt">
                        { format!("Your saved progress is unreadable ({e}). Download it to keep it, then reset.") }
                    </p>
                }
                <ol class="lesson-list">{ for lessons }</ol>
                <p><a href="#/" data-testid="sandbox-link">{ "Sandbox (everything unlocked)" }</a></p>
                <div class="progress-tools">
                    <button class="btn small" onclick={export} data-testid="progress-export">{ "Download progress" }</button>
                    <button class="btn small" onclick={reset} data-testid="progress-reset">{ "Reset progress" }</button>
                    <textarea ref={import_ref} rows="2" placeholder="Paste a progress file to import" aria-label="Progress to import" data-testid="progress-import-text" />
                    <button class="btn small" onclick={import} data-testid="progress-import">{ "Import" }</button>
                    <span class="muted" role="status">{ (*message).clone() }</span>
                </div>
            </div>
        </details>
    }
}
