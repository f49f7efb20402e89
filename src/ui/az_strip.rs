//! The three Availability Zones a stream is replicated to, with a one-click AZ outage fault.

use serde_json::json;
use yew::prelude::*;

use crate::engine::faults::AVAILABILITY_ZONES;
use crate::engine::time::format_duration;
use crate::ui::playground::Handle;

/// Properties of [`AzStrip`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// Three AZ chips; clicking one takes it down for 60 s of virtual time (or brings all back).
#[function_component(AzStrip)]
pub fn az_strip(props: &Props) -> Html {
    let pg = props.pg.0.borrow();
    let now = pg.session.world().now();
    let outages = pg.session.world().faults.az_outages(now);
    drop(pg);
    html! {
        <div class="az-strip" data-testid="az-strip" title="Every record is written synchronously to three Availability Zones (§1.15). Click an AZ to inject a 60 s outage: nothing acknowledged is lost.">
            <span class="muted">{ "Replicas" }</span>
            { for AVAILABILITY_ZONES.iter().map(|az| {
                let down = outages.iter().find(|(a, _)| a == az).map(|(_, u)| *u);
                let onclick = {
                    let (h, cb, az) = (props.pg.clone(), props.on_change.clone(), az.to_string());
                    Callback::from(move |_| {
                        let mut pg = h.0.borrow_mut();
                        let _ = if down.is_some() {
                            pg.call("playground", "ClearFaults", json!({}))
                        } else {
                            pg.call("playground", "InjectFault", json!({ "Type": "AZ_OUTAGE", "AvailabilityZone": az, "DurationMs": 60_000 }))
                        };
                        drop(pg);
                        cb.emit(());
                    })
                };
                html! {
                    <button class={classes!("az", down.map(|_| "down"))} data-testid="az-chip" data-az={az.to_string()}
                        data-down={down.is_some().to_string()} {onclick}>
                        { match down {
                            Some(until) => format!("{az} ✕ down {}", format_duration(until.saturating_sub(now))),
                            None => format!("{az} ✓"),
                        } }
                    </button>
                }
            }) }
        </div>
    }
}
