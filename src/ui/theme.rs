//! Dark and light themes: `data-theme` on `<html>`, remembered in localStorage.

const STORAGE_KEY: &str = "kinesis-playground.theme";

fn html() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

fn stored() -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(STORAGE_KEY)
        .ok()?
}

fn prefers_light() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-color-scheme: light)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Whether the dark theme is active.
pub fn is_dark() -> bool {
    html()
        .and_then(|h| h.get_attribute("data-theme"))
        .is_none_or(|t| t != "light")
}

/// Sets the theme from storage or the system preference (dark by default).
pub fn apply_initial() {
    let theme = match stored().as_deref() {
        Some("light") => "light",
        Some("dark") => "dark",
        _ if prefers_light() => "light",
        _ => "dark",
    };
    set(theme == "dark");
}

/// Switches to dark (`true`) or light and remembers the choice.
pub fn set(dark: bool) {
    let name = if dark { "dark" } else { "light" };
    if let Some(h) = html() {
        let _ = h.set_attribute("data-theme", name);
    }
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(STORAGE_KEY, name);
    }
}
