//! Keyboard shortcuts for the time controls: Space plays/pauses, `.` steps, `+`/`-` change speed.
//! Ignored while typing in a form field.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

use crate::ui::playground::{Handle, SPEEDS};

/// A document-level keydown listener that is removed when dropped.
pub struct Shortcuts {
    closure: Closure<dyn FnMut(KeyboardEvent)>,
}

impl Shortcuts {
    /// Installs the shortcuts; `changed` is called after each one.
    pub fn install(pg: Handle, changed: impl Fn() + 'static) -> Option<Shortcuts> {
        let document = web_sys::window()?.document()?;
        let closure = Closure::wrap(Box::new(move |e: KeyboardEvent| {
            let typing = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                });
            if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let mut p = pg.0.borrow_mut();
            let idx = SPEEDS
                .iter()
                .position(|s| (*s - p.speed).abs() < 1e-9)
                .unwrap_or(2);
            match e.key().as_str() {
                " " => p.running = !p.running,
                "." => {
                    if !p.running {
                        p.step();
                    }
                }
                "+" | "=" => p.speed = SPEEDS[(idx + 1).min(SPEEDS.len() - 1)],
                "-" => p.speed = SPEEDS[idx.saturating_sub(1)],
                _ => return,
            }
            drop(p);
            e.prevent_default();
            changed();
        }) as Box<dyn FnMut(KeyboardEvent)>);
        document
            .add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref())
            .ok()?;
        Some(Shortcuts { closure })
    }
}

impl Drop for Shortcuts {
    fn drop(&mut self) {
        if let Some(d) = web_sys::window().and_then(|w| w.document()) {
            let _ = d.remove_event_listener_with_callback(
                "keydown",
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}
