//! Play / pause, single step, speed, reset, and the virtual clock.

use yew::prelude::*;

use crate::engine::time::{format_duration, format_iso8601};
use crate::ui::playground::{Handle, SPEEDS, STEP_MS};

/// Properties of [`TimeControls`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
    /// Called to reset the sandbox.
    pub on_reset: Callback<()>,
}

/// The time controls bar.
#[function_component(TimeControls)]
pub fn time_controls(props: &Props) -> Html {
    let pg = props.pg.0.borrow();
    let now = pg.session.world().now();
    let utc = format_iso8601(pg.session.world().epoch().to_unix_ms(now));
    let running = pg.running;
    let speed = pg.speed;
    drop(pg);

    let toggle = {
        let (h, cb) = (props.pg.clone(), props.on_change.clone());
        Callback::from(move |_| {
            let mut pg = h.0.borrow_mut();
            pg.running = !pg.running;
            drop(pg);
            cb.emit(());
        })
    };
    let step = {
        let (h, cb) = (props.pg.clone(), props.on_change.clone());
        Callback::from(move |_| {
            h.0.borrow_mut().step();
            cb.emit(());
        })
    };
    let on_speed = {
        let (h, cb) = (props.pg.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            if let Ok(s) = v.parse::<f64>() {
                h.0.borrow_mut().speed = s;
                cb.emit(());
            }
        })
    };
    let skip = |ms: u64| {
        let (h, cb) = (props.pg.clone(), props.on_change.clone());
        Callback::from(move |_| {
            // A dispatcher call, so the jump is in the action log and replays exactly.
            let _ = h.0.borrow_mut().call(
                "playground",
                "AdvanceTime",
                serde_json::json!({ "Milliseconds": ms }),
            );
            cb.emit(());
        })
    };
    let reset = {
        let cb = props.on_reset.clone();
        Callback::from(move |_| cb.emit(()))
    };

    html! {
        <div class="time-controls" role="toolbar" aria-label="Time controls">
            <button class={classes!("btn", "primary", (!running).then_some("paused"))}
                data-testid="play-pause" data-running={running.to_string()}
                title={if running { "Pause virtual time (Space)" } else { "Run virtual time (Space)" }}
                onclick={toggle}>
                { if running { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button class="btn" data-testid="step" onclick={step}
                title={format!("Advance {STEP_MS} ms of virtual time")} disabled={running}>
                { format!("Step +{STEP_MS} ms") }
            </button>
            <button class="btn ghost" data-testid="skip-1m" onclick={skip(60_000)} title="AdvanceTime by 1 minute of virtual time">{ "+1 min" }</button>
            <button class="btn ghost" data-testid="skip-1h" onclick={skip(3_600_000)} title="AdvanceTime by 1 hour of virtual time (the producer keeps writing meanwhile)">{ "+1 h" }</button>
            <label class="speed">
                <span>{ "Speed" }</span>
                <select data-testid="speed" onchange={on_speed}>
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={s.to_string()} selected={(*s - speed).abs() < 1e-9}>
                            { format!("{s}×") }
                        </option>
                    }) }
                </select>
            </label>
            <button class="btn ghost" data-testid="reset" onclick={reset} title="Start the sandbox again">
                { "↺ Reset" }
            </button>
            <div class="clock" data-testid="clock" data-now-ms={now.to_string()}>
                <span class="clock-virtual">{ format!("t = {}", format_duration(now)) }</span>
                <span class="clock-utc">{ utc }</span>
            </div>
        </div>
    }
}
