//! The tabbed area under the stream view: one tab per way of looking at the stream.

use yew::prelude::*;

use crate::ui::cost_panel::CostPanel;
use crate::ui::iterators_panel::IteratorsPanel;
use crate::ui::lineage_panel::LineagePanel;
use crate::ui::metrics_panel::MetricsPanel;
use crate::ui::playground::Handle;
use crate::ui::records_table::RecordsTable;

/// The tabs, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Recent records table.
    Records,
    /// Shard iterators and GetRecords pages.
    Iterators,
    /// Enhanced fan-out consumers beside shared throughput.
    FanOut,
    /// CloudWatch-style metric charts.
    Metrics,
    /// Resharding lineage graph.
    Lineage,
    /// Cost meter.
    Cost,
    /// Producer applications (SDK, KPL, Agent) and Lambda event source mappings.
    Apps,
    /// KCL consumer application: leases, workers, lag, anomaly ledger.
    Kcl,
    /// Amazon Data Firehose delivery streams, their pipeline and the bucket.
    Firehose,
    /// CloudWatch Logs, EventBridge and AWS IoT writing into Firehose and Kinesis.
    Sources,
    /// Managed Service for Apache Flink: SQL applications, event time, watermarks, windows.
    Analytics,
    /// Apache Kafka (Amazon MSK): brokers, partitions, consumer groups, two lenses.
    Kafka,
}

impl Tab {
    /// Every tab.
    pub const ALL: [Tab; 12] = [
        Tab::Records,
        Tab::Iterators,
        Tab::FanOut,
        Tab::Metrics,
        Tab::Lineage,
        Tab::Cost,
        Tab::Apps,
        Tab::Kcl,
        Tab::Firehose,
        Tab::Sources,
        Tab::Analytics,
        Tab::Kafka,
    ];

    fn label(self) -> &'static str {
        match self {
            Tab::Records => "Records",
            Tab::Iterators => "Iterators & GetRecords",
            Tab::FanOut => "Fan-out (EFO)",
            Tab::Metrics => "Metrics",
            Tab::Lineage => "Lineage",
            Tab::Cost => "Cost",
            Tab::Apps => "Producers & Lambda",
            Tab::Kcl => "KCL",
            Tab::Firehose => "Firehose",
            Tab::Sources => "Sources (Logs, Events, IoT)",
            Tab::Analytics => "Analytics (Flink)",
            Tab::Kafka => "Kafka (MSK)",
        }
    }

    fn id(self) -> &'static str {
        match self {
            Tab::Records => "records",
            Tab::Iterators => "iterators",
            Tab::FanOut => "efo",
            Tab::Metrics => "metrics",
            Tab::Lineage => "lineage",
            Tab::Cost => "cost",
            Tab::Apps => "apps",
            Tab::Kcl => "kcl",
            Tab::Firehose => "firehose",
            Tab::Sources => "sources",
            Tab::Analytics => "analytics",
            Tab::Kafka => "kafka",
        }
    }
}

/// Properties of [`BottomTabs`].
#[derive(Properties, PartialEq)]
pub struct Props {
    /// The playground.
    pub pg: Handle,
    /// Re-render counter.
    pub version: u64,
    /// Called after a change.
    pub on_change: Callback<()>,
}

/// The tab bar and the active tab's panel.
#[function_component(BottomTabs)]
pub fn bottom_tabs(props: &Props) -> Html {
    let active = use_state(|| Tab::Records);
    let body = match *active {
        Tab::Records => {
            html! { <RecordsTable pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} /> }
        }
        Tab::Iterators => {
            html! { <IteratorsPanel pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} /> }
        }
        Tab::FanOut => {
            html! { <crate::ui::efo_panel::EfoPanel pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} /> }
        }
        Tab::Metrics => html! { <MetricsPanel pg={props.pg.clone()} version={props.version} /> },
        Tab::Lineage => html! { <LineagePanel pg={props.pg.clone()} version={props.version} /> },
        Tab::Cost => html! { <CostPanel pg={props.pg.clone()} version={props.version} /> },
        Tab::Apps => {
            html! { <crate::ui::apps_panel::AppsPanel pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} /> }
        }
        Tab::Kcl => {
            html! { <crate::ui::kcl_panel::KclPanel pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} /> }
        }
        Tab::Firehose => {
            html! { <crate::ui::firehose_panel::FirehosePanel pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} /> }
        }
        Tab::Sources => {
            html! { <crate::ui::sources_panel::SourcesPanel pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} /> }
        }
        Tab::Analytics => {
            html! { <crate::ui::analytics_panel::AnalyticsPanel pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} /> }
        }
        Tab::Kafka => {
            html! { <crate::ui::kafka_panel::KafkaPanel pg={props.pg.clone()} version={props.version} on_change={props.on_change.clone()} /> }
        }
    };
    html! {
        <div class="tabs">
            <div class="tab-bar" role="tablist" aria-label="Stream views">
                { for Tab::ALL.iter().map(|t| {
                    let t = *t;
                    let onclick = { let active = active.clone(); Callback::from(move |_| active.set(t)) };
                    html! {
                        <button role="tab" class={classes!("tab", (*active == t).then_some("active"))}
                            aria-selected={(*active == t).to_string()} data-testid={format!("tab-{}", t.id())} {onclick}>
                            { t.label() }
                        </button>
                    }
                }) }
            </div>
            { body }
        </div>
    }
}
