//! The last dispatcher calls the UI made: every button is an API call, and this shows them.

use yew::prelude::*;

use crate::engine::time::format_duration;
use crate::ui::playground::Handle;

/// Properties of [`ActionFeed`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Opens "Show as code".
    pub on_show_code: Callback<()>,
}

/// The action feed.
#[function_component(ActionFeed)]
pub fn action_feed(props: &Props) -> Html {
    let pg = props.pg.0.borrow();
    let items: Vec<_> = pg.feed.iter().rev().take(8).cloned().collect();
    let n_log = pg.session.log().len();
    drop(pg);
    let show_code = {
        let cb = props.on_show_code.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <section class="panel feed" aria-labelledby="feed-title">
            <h2 id="feed-title">{ "API calls" }<span class="muted">{ format!(" · {n_log} in the action log") }</span></h2>
            <button class="btn small" onclick={show_code} data-testid="show-code"
                title="The session so far as a boto3 script or AWS CLI commands">{ "Show as code" }</button>
            if items.is_empty() {
                <p class="hint">{ "Every button here is a dispatcher call, logged for replay." }</p>
            } else {
                <ol class="feed-list" data-testid="action-feed">
                    { for items.into_iter().map(|i| html! {
                        <li class={classes!(i.failed.then_some("failed"))}>
                            <span class="muted">{ format_duration(i.at) }</span>
                            <code>{ i.call }</code>
                            <span>{ i.outcome }</span>
                        </li>
                    }) }
                </ol>
            }
        </section>
    }
}
