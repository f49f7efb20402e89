//! Uncontrolled inputs. Panels re-render several times a second; an `<input value=…>` would be
//! reset to that value on every render and lose what the user is typing. Instead the value is
//! written to the element when it first appears, when the value it mirrors changes, and when the
//! element was re-created empty by a re-render (never while the user has focus on it).

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

fn has_focus(input: &HtmlInputElement) -> bool {
    let active = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    match active {
        Some(el) => el.dyn_ref::<HtmlInputElement>().is_some_and(|a| a == input),
        None => false,
    }
}

/// Keeps the input behind `node` showing `value` as described in the module docs. An empty
/// `value` means "no default" and writes nothing.
#[hook]
pub fn use_input_value(node: &NodeRef, value: String) {
    let applied = use_mut_ref(|| None::<String>);
    let node = node.clone();
    use_effect(move || {
        if value.is_empty() {
            return;
        }
        if let Some(input) = node.cast::<HtmlInputElement>() {
            let changed = applied.borrow().as_deref() != Some(value.as_str());
            let recreated = input.value().is_empty() && !has_focus(&input);
            if changed || recreated {
                input.set_value(&value);
                *applied.borrow_mut() = Some(value);
            }
        }
    });
}
