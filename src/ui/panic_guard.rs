//! Containment of a bug that still panics. A panic in wasm aborts the running call and can leave
//! `RefCell`s borrowed, so the page must not try to carry on: the hook logs the panic to the
//! console, stops the animation loop (it checks [`panicked`] before each frame) and puts an
//! overlay over the page with the message and a link that reproduces the run — the seed and the
//! action log up to and including the call that broke, as a `#v1.` permalink — with a button that
//! copies it. The hook reads only this module's mirror of the log, never the (possibly borrowed)
//! playground.

use std::cell::{Cell, RefCell};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::engine::action_log::ActionCall;
use crate::engine::lesson::permalink::{encode, Permalink};

thread_local! {
    static MIRROR: RefCell<Permalink> = const { RefCell::new(Permalink {
        lesson: None, seed: 0, actions: Vec::new(), now: 0, hide: Vec::new(), embed: false,
    }) };
    static PANICKED: Cell<bool> = const { Cell::new(false) };
}

/// Whether a panic happened (the page is frozen behind the overlay).
pub fn panicked() -> bool {
    PANICKED.with(Cell::get)
}

/// Keeps the mirror equal to `link` (the run so far) and appends `call`, which is about to run.
/// The mirror is rebuilt only when the session changed under it (a reset, a lesson, a link).
pub fn before_call(
    link: impl FnOnce() -> Permalink,
    len: usize,
    seed: u64,
    lesson: Option<&str>,
    call: ActionCall,
) {
    MIRROR.with(|m| {
        let mut m = m.borrow_mut();
        if m.actions.len() != len || m.seed != seed || m.lesson.as_deref() != lesson {
            *m = link();
        }
        m.now = m.now.max(call.at.unwrap_or(0));
        m.actions.push(call);
    });
}

/// Notes the virtual time reached (the link reopens the run there).
pub fn note_now(now: u64) {
    MIRROR.with(|m| {
        if let Ok(mut m) = m.try_borrow_mut() {
            m.now = now;
        }
    });
}

/// Installs the panic hook (once, before the renderer starts: Yew installs its own default hook
/// unless one was set through `yew::set_custom_panic_hook`).
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if PANICKED.with(|p| p.replace(true)) {
            return; // the overlay is up; later panics are echoes of the first
        }
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => (*s).to_string(),
            None => info
                .payload()
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_else(|| "panic".into()),
        };
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let fragment = MIRROR.with(|m| m.try_borrow().map(|m| encode(&m)).unwrap_or_default());
        show_overlay(&format!("{message}{location}"), &fragment);
    }));
}

/// Panics on purpose (the end-to-end test of this overlay calls it through `window.wasmBindings`).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn debug_panic(message: &str) {
    panic!("{message}");
}

fn show_overlay(message: &str, fragment: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default();
    let link = format!("{href}#{fragment}");
    let make = |tag: &str, testid: &str, text: &str| {
        let el = doc.create_element(tag).ok()?;
        if !testid.is_empty() {
            let _ = el.set_attribute("data-testid", testid);
        }
        el.set_text_content(Some(text));
        Some(el)
    };
    let Some(overlay) = make("div", "panic-overlay", "") else {
        return;
    };
    let _ = overlay.set_attribute("class", "panic-overlay");
    let _ = overlay.set_attribute("role", "alertdialog");
    let _ = overlay.set_attribute("aria-label", "The playground stopped");
    let parts = [
        make("h2", "", "Something broke inside the playground"),
        make("p", "", "The simulation stopped so nothing else goes wrong. The link below reopens this run — same seed, same actions — so the problem can be reproduced and reported."),
        make("pre", "panic-message", message),
        make("a", "panic-link", "Open the run up to here"),
        make("button", "panic-copy", "Copy a link that reproduces this"),
        make("p", "panic-copied", ""),
    ];
    for el in parts.iter().flatten() {
        if el.get_attribute("data-testid").as_deref() == Some("panic-link") {
            let _ = el.set_attribute("href", &link);
        }
        let _ = overlay.append_child(el);
    }
    if let Some(Some(button)) = parts.get(4) {
        let status = parts.get(5).cloned().flatten();
        let on_click = Closure::<dyn FnMut()>::new(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&link);
            }
            if let Some(s) = &status {
                s.set_text_content(Some("Copied."));
            }
        });
        let _ = button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
        on_click.forget();
    }
    let _ = body.append_child(&overlay);
}
