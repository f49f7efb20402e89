//! Saving bytes as a file from the browser: a Blob, an object URL and a clicked `<a download>`.

use wasm_bindgen::JsCast;

/// Offers `bytes` as a download named `file_name`. Returns a message if the browser refused.
pub fn download(file_name: &str, bytes: &[u8]) -> Result<(), String> {
    let fail = |what: &str| format!("download failed: {what}");
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::new();
    parts.push(&array.buffer());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| fail("Blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("object URL"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("no document"))?;
    let a = document
        .create_element("a")
        .map_err(|_| fail("anchor"))?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| fail("anchor"))?;
    a.set_href(&url);
    a.set_download(file_name);
    a.set_attribute("hidden", "").ok();
    let body = document.body().ok_or_else(|| fail("no body"))?;
    body.append_child(&a).map_err(|_| fail("append"))?;
    a.click();
    body.remove_child(&a).ok();
    // Revoking at once can cancel the download in some browsers: revoke a little later.
    let later = url.clone();
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&later);
    })
    .forget();
    Ok(())
}
