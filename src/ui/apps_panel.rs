//! The Producers & Lambda tab: simulated producer applications (workloads, SDK / KPL / Agent
//! clients with their throttles and retries) above, Lambda event source mappings (batches,
//! checkpoints, retries, on-failure destination) below, then SDK and enhanced fan-out consumer
//! applications.

use yew::prelude::*;

use crate::ui::consumers_section::ConsumersSection;
use crate::ui::lambda_section::LambdaSection;
use crate::ui::playground::Handle;
use crate::ui::producers_section::ProducersSection;

/// Properties of [`AppsPanel`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// The tab's panel.
#[function_component(AppsPanel)]
pub fn apps_panel(props: &Props) -> Html {
    html! {
        <section class="panel apps" data-testid="apps-panel">
            <ProducersSection pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} />
            <LambdaSection pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} />
            <ConsumersSection pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} />
        </section>
    }
}
