//! Uncontrolled inputs. Panels re-render several times a second; an `<input value=…>` would be
//! reset to that value on every render and lose what the user is typing. Instead the value is
//! written to the element when it first appears, when the value it mirrors changes, and when the
//! element was re-created empty by a re-render (never while the user has focus on it).

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
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

/// The current text of the `<input>` behind `node` (empty if it is not mounted).
pub fn input_value(node: &NodeRef) -> String {
    node.cast::<HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

/// The current value of the `<select>` behind `node` (empty if it is not mounted).
pub fn select_value(node: &NodeRef) -> String {
    node.cast::<HtmlSelectElement>()
        .map(|s| s.value())
        .unwrap_or_default()
}

/// Whether the checkbox behind `node` is checked.
pub fn is_checked(node: &NodeRef) -> bool {
    node.cast::<HtmlInputElement>().is_some_and(|i| i.checked())
}
