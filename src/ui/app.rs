//! The root component: layout, the animation loop, and wiring of the panels.

use std::cell::Cell;
use std::rc::Rc;

use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::engine::kinesis::shard::ShardState;
use crate::ui::action_feed::ActionFeed;
use crate::ui::animation::AnimationLoop;
use crate::ui::api_console::ApiConsole;
use crate::ui::az_strip::AzStrip;
use crate::ui::format::human_bytes;
use crate::ui::inspector::Inspector;
use crate::ui::lesson_menu::LessonMenu;
use crate::ui::lesson_panel::LessonPanel;
use crate::ui::playground::{Handle, Playground};
use crate::ui::producer_panel::ProducerPanel;
use crate::ui::put_form::PutForm;
use crate::ui::show_as_code::ShowAsCode;
use crate::ui::stream_canvas::{draw, StreamCanvas};
use crate::ui::stream_toolbar::StreamToolbar;
use crate::ui::tabs::BottomTabs;
use crate::ui::theme;
use crate::ui::time_controls::TimeControls;

/// Real milliseconds between re-renders of the DOM panels (the canvas redraws every frame).
const PANEL_REFRESH_MS: f64 = 150.0;

/// The application.
#[function_component(App)]
pub fn app() -> Html {
    let pg = use_mut_ref(|| {
        crate::ui::lesson_state::playground_for(
            &crate::ui::lesson_state::current_fragment(),
            theme::is_dark(),
        )
    });
    let handle = Handle(pg.clone());
    let canvas = use_node_ref();
    let version = use_mut_ref(|| 0u64);
    let force = use_force_update();
    let ready = use_state(|| false);
    let show_code = use_state(|| false);
    let open_code = {
        let show_code = show_code.clone();
        Callback::from(move |()| show_code.set(true))
    };
    let close_code = {
        let show_code = show_code.clone();
        Callback::from(move |()| show_code.set(false))
    };

    let refresh = {
        let (version, force) = (version.clone(), force.clone());
        Callback::from(move |_: ()| {
            *version.borrow_mut() += 1;
            force.force_update();
        })
    };

    {
        let (handle, canvas, refresh, ready) = (
            handle.clone(),
            canvas.clone(),
            refresh.clone(),
            ready.clone(),
        );
        use_effect_with((), move |_| {
            let last_panel = Rc::new(Cell::new(0.0f64));
            let first = Rc::new(Cell::new(true));
            let animation = AnimationLoop::start(move |ts| {
                {
                    let mut p = handle.0.borrow_mut();
                    p.on_frame(ts);
                    if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                        draw(&mut p, &c);
                    }
                }
                if first.get() {
                    first.set(false);
                    ready.set(true);
                }
                if ts - last_panel.get() >= PANEL_REFRESH_MS {
                    last_panel.set(ts);
                    refresh.emit(());
                }
            });
            move || drop(animation)
        });
    }

    {
        let (handle, refresh) = (handle.clone(), refresh.clone());
        use_effect_with((), move |_| {
            let shortcuts =
                crate::ui::keyboard::Shortcuts::install(handle, move || refresh.emit(()));
            move || drop(shortcuts)
        });
    }

    {
        // Following links inside the page (#/lesson/…, #/, a pasted #v1.… link).
        let (pg, refresh) = (pg.clone(), refresh.clone());
        use_effect_with((), move |_| {
            let listener = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                let fragment = crate::ui::lesson_state::current_fragment();
                if crate::ui::lesson_state::is_own_fragment(&fragment) {
                    return;
                }
                let dark = pg.borrow().dark;
                *pg.borrow_mut() = crate::ui::lesson_state::playground_for(&fragment, dark);
                refresh.emit(());
            });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback(
                    "hashchange",
                    wasm_bindgen::JsCast::unchecked_ref(listener.as_ref()),
                );
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        wasm_bindgen::JsCast::unchecked_ref(listener.as_ref()),
                    );
                }
                drop(listener);
            }
        });
    }

    let on_reset = {
        let (pg, refresh) = (pg.clone(), refresh.clone());
        Callback::from(move |_: ()| {
            let (dark, lesson) = {
                let p = pg.borrow();
                (p.dark, p.lesson.as_ref().map(|l| l.lesson.clone()))
            };
            // In a lesson, Reset starts the lesson over; otherwise the sandbox.
            *pg.borrow_mut() = match lesson {
                Some(l) => Playground::for_lesson(l, dark),
                None => Playground::sandbox(dark),
            };
            refresh.emit(());
        })
    };
    let toggle_theme = {
        let (pg, refresh) = (pg.clone(), refresh.clone());
        Callback::from(move |_| {
            let dark = !pg.borrow().dark;
            pg.borrow_mut().dark = dark;
            theme::set(dark);
            refresh.emit(());
        })
    };

    let v = *version.borrow();
    let p = pg.borrow();
    let dark = p.dark;
    let notice = p.notice.clone();
    let current_lesson = p.lesson.as_ref().map(|l| l.lesson.id.clone());
    let summary = p.session.world().kinesis.stream(&p.stream).map(|s| {
        let closed = s
            .shards()
            .iter()
            .filter(|sh| sh.state() == ShardState::Closed)
            .count();
        let records: usize = s.shards().iter().map(|sh| sh.records().len()).sum();
        let bytes: u64 = s.shards().iter().map(|sh| sh.retained_bytes()).sum();
        (
            s.name().to_string(),
            s.status.as_str(),
            s.mode.as_str(),
            s.open_shard_count(),
            closed,
            s.retention_hours,
            records,
            bytes,
        )
    });
    drop(p);

    html! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <span class="logo" aria-hidden="true">{ "≋" }</span>
                    <div>
                        <h1>{ "Kinesis Playground" }</h1>
                        <p class="tagline">{ "See how a stream really behaves: shards, MD5 hash keys, sequence numbers — on deterministic virtual time." }</p>
                    </div>
                </div>
                <LessonMenu version={v} current={current_lesson} />
                <button class="btn ghost" data-testid="theme-toggle" onclick={toggle_theme}
                    aria-label="Switch colour theme">
                    { if dark { "☀ Light" } else { "☾ Dark" } }
                </button>
            </header>
            <main class="layout">
                <div class="main-col">
                    if let Some(n) = notice {
                        <p class="notice" role="alert" data-testid="page-notice">{ n }</p>
                    }
                    <LessonPanel pg={handle.clone()} version={v} on_change={refresh.clone()} />
                    <TimeControls pg={handle.clone()} version={v} on_change={refresh.clone()} on_reset={on_reset} />
                    <section class="panel stream" aria-labelledby="stream-title">
                        { match summary {
                            Some((name, status, mode, open, closed, retention, records, bytes)) => html! {
                                <div class="stream-head">
                                    <h2 id="stream-title">{ "Stream " }<code>{ name }</code></h2>
                                    <span class={classes!("pill", status.to_lowercase())} data-testid="stream-status"
                                        data-open-shards={open.to_string()} data-closed-shards={closed.to_string()}>{ status }</span>
                                    <span class="meta">{ format!("{mode} · {open} open shards{} · retention {retention} h · {records} records ({}) retained",
                                        if closed > 0 { format!(", {closed} closed") } else { String::new() }, human_bytes(bytes)) }</span>
                                </div>
                            },
                            None => html! { <h2 id="stream-title">{ "No stream" }</h2> },
                        } }
                        <AzStrip pg={handle.clone()} version={v} on_change={refresh.clone()} />
                        <StreamToolbar pg={handle.clone()} version={v} on_change={refresh.clone()} />
                        <StreamCanvas pg={handle.clone()} canvas={canvas.clone()} on_change={refresh.clone()} />
                    </section>
                    <BottomTabs pg={handle.clone()} version={v} on_change={refresh.clone()} />
                    <ApiConsole pg={handle.clone()} version={v} on_change={refresh.clone()} />
                    if *show_code {
                        <ShowAsCode pg={handle.clone()} on_close={close_code} />
                    }
                </div>
                <aside class="side-col">
                    <PutForm pg={handle.clone()} version={v} on_change={refresh.clone()} />
                    <ProducerPanel pg={handle.clone()} version={v} on_change={refresh.clone()} />
                    <Inspector pg={handle.clone()} version={v} on_change={refresh.clone()} />
                    <ActionFeed pg={handle.clone()} version={v} on_show_code={open_code} />
                </aside>
            </main>
            if *ready {
                <div data-testid="app-ready" hidden=true></div>
            }
        </div>
    }
}
