//! The Yew front-end. It renders the engine's state and sends actions through the one dispatcher;
//! it never changes the world any other way. Dense, fast-changing pictures (records flowing
//! through shards) are drawn on a canvas every animation frame; DOM panels re-render at a lower rate.

mod action_feed;
mod analytics_builder;
mod analytics_controls;
mod analytics_fire;
mod analytics_form;
mod analytics_graph;
mod analytics_panel;
mod analytics_plot;
mod analytics_plot_data;
mod analytics_results;
mod animation;
mod api_console;
mod app;
mod apps_panel;
mod az_strip;
mod code_highlight;
mod consumers_section;
mod cost_panel;
mod download;
mod efo_panel;
mod firehose_bucket;
mod firehose_controls;
mod firehose_dest_views;
mod firehose_form;
mod firehose_freshness;
mod firehose_panel;
mod firehose_pipeline;
mod firehose_request;
mod firehose_transform;
mod format;
mod inputs;
mod inspector;
mod iterators_panel;
mod kafka_cluster;
mod kafka_connect;
mod kafka_forms;
mod kafka_groups;
mod kafka_lenses;
mod kafka_logs;
mod kafka_panel;
mod kcl_panel;
mod kcl_views;
mod keyboard;
mod lambda_section;
mod lesson_menu;
mod lesson_panel;
mod lesson_state;
mod lineage_panel;
mod markdown;
mod metrics_panel;
mod palette;
mod panic_guard;
mod playground;
mod producer_panel;
mod producers_section;
mod put_form;
mod records_table;
mod show_as_code;
mod sources_forms;
mod sources_panel;
mod sources_pipeline;
mod stream_canvas;
mod stream_toolbar;
mod tabs;
mod theme;
mod time_controls;

use wasm_bindgen::prelude::wasm_bindgen;

/// Entry point: mounts the app on `#app` (or `<body>` if absent).
#[wasm_bindgen(start)]
pub fn start() {
    panic_guard::install();
    theme::apply_initial();
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(el) => {
            yew::Renderer::<app::App>::with_root(el).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}

/// Bytes of the wasm linear memory (the soak test samples it through `window.wasmBindings`).
#[wasm_bindgen]
pub fn wasm_memory_bytes() -> f64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}
