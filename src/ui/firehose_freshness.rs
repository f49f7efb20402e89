//! Data freshness over virtual time: the age of the oldest record not yet delivered
//! (`DescribeDeliveryPipeline.DataFreshnessMs`, what `DeliveryTo*.DataFreshness` reports),
//! sampled at each panel refresh and drawn as a small SVG line chart.

use std::collections::BTreeMap;

use yew::prelude::*;

/// Samples kept per delivery stream.
const MAX_SAMPLES: usize = 400;
const W: f64 = 420.0;
const H: f64 = 110.0;
const ML: f64 = 40.0;
const MB: f64 = 18.0;

/// (virtual ms, freshness ms) per delivery stream.
#[derive(Default)]
pub struct Samples(BTreeMap<String, Vec<(u64, u64)>>);

impl Samples {
    /// Records a sample unless time has not moved (or went back: a reset starts over).
    pub fn push(&mut self, stream: &str, now: u64, freshness: u64) {
        let v = self.0.entry(stream.to_string()).or_default();
        match v.last() {
            Some(&(t, _)) if t == now => return,
            Some(&(t, _)) if t > now => v.clear(),
            _ => {}
        }
        v.push((now, freshness));
        if v.len() > MAX_SAMPLES {
            v.drain(..v.len() - MAX_SAMPLES);
        }
    }

    /// The samples of `stream`.
    pub fn get(&self, stream: &str) -> &[(u64, u64)] {
        self.0.get(stream).map_or(&[], Vec::as_slice)
    }
}

/// The chart.
pub fn freshness_chart(samples: &[(u64, u64)]) -> Html {
    let last = samples.last().map_or(0, |s| s.1);
    let max = samples.iter().map(|s| s.1).max().unwrap_or(0);
    let (t0, t1) = (
        samples.first().map_or(0, |s| s.0),
        samples.last().map_or(1, |s| s.0),
    );
    let span = (t1.saturating_sub(t0)).max(1) as f64;
    let top = ((max as f64 / 1000.0).ceil().max(1.0)) * 1000.0;
    let x = |t: u64| ML + (t - t0) as f64 / span * (W - ML - 6.0);
    let y = |v: u64| 6.0 + (1.0 - v as f64 / top) * (H - MB - 6.0);
    let points: String = samples
        .iter()
        .map(|&(t, v)| format!("{:.1},{:.1}", x(t), y(v)))
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        <div class="fh-card fh-fresh" data-testid="fh-freshness" data-freshness-ms={last.to_string()}>
            <h4>{ "Data freshness" }<span class="muted small">{ format!(" now {:.1} s · max {:.1} s", last as f64 / 1000.0, max as f64 / 1000.0) }</span></h4>
            <svg viewBox={format!("0 0 {W} {H}")} class="fh-chart" role="img" aria-label="Data freshness over time">
                <line x1={ML.to_string()} y1={format!("{:.1}", H - MB)} x2={W.to_string()} y2={format!("{:.1}", H - MB)} class="axis" />
                <text x={(ML - 4.0).to_string()} y="12" class="lbl" text-anchor="end">{ format!("{:.0} s", top / 1000.0) }</text>
                <text x={(ML - 4.0).to_string()} y={format!("{:.1}", H - MB)} class="lbl" text-anchor="end">{ "0" }</text>
                <text x={ML.to_string()} y={format!("{:.1}", H - 4.0)} class="lbl">{ format!("{:.0} s", t0 as f64 / 1000.0) }</text>
                <text x={W.to_string()} y={format!("{:.1}", H - 4.0)} class="lbl" text-anchor="end">{ format!("{:.0} s virtual", t1 as f64 / 1000.0) }</text>
                if samples.len() > 1 { <polyline points={points} class="line" /> }
            </svg>
            <p class="hint small">{ "Age of the oldest record not yet delivered. It climbs while a buffer fills or deliveries retry, and drops at each delivery." }</p>
        </div>
    }
}
