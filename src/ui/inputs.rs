//! Uncontrolled inputs. Panels re-render several times a second; an `<input value=…>` would be
//! reset to that value on every render and lose what the user is typing. Instead the value is
//! written to the element once, and again only when the value it mirrors changes.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Writes `value` into the input behind `node` on mount and whenever `value` changes.
#[hook]
pub fn use_input_value(node: &NodeRef, value: String) {
    let node = node.clone();
    use_effect_with(value, move |v| {
        if let Some(input) = node.cast::<HtmlInputElement>() {
            input.set_value(v);
        }
    });
}
