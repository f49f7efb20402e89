//! What the Streaming-102 canvas draws: records, watermarks (combined and per split), open and
//! fired windows, taken from `DescribeJob` and the at-least-once sink by the panel at its own
//! rate and kept until the next refresh.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;

/// A split's watermark over time: shard id, points (at, watermark, idle).
pub type SplitLine = (String, Vec<(f64, f64, bool)>);

/// One record in the trace.
#[derive(Clone, Debug)]
pub struct Dot {
    pub(crate) at: f64,
    pub(crate) event: f64,
    pub(crate) key: String,
    pub(crate) late: bool,
}

/// What the canvas draws, refreshed by the panel.
#[derive(Default)]
pub struct PlotData {
    /// Dark theme.
    pub dark: bool,
    /// NowUnixMs − Now: virtual ms → epoch ms.
    pub(crate) offset: f64,
    pub(crate) dots: Vec<Dot>,
    /// (at, watermark) of the combined watermark.
    pub(crate) combined: Vec<(f64, f64)>,
    /// Per split: shard id, points (at, watermark, idle).
    pub(crate) splits: Vec<SplitLine>,
    /// Open windows (start, end, keys).
    pub(crate) open: Vec<(f64, f64, usize)>,
    /// Fired panes (start, end, emitted at, key).
    pub(crate) fired: Vec<(f64, f64, f64, String)>,
    /// Fired windows (start, end, first emission), one per window.
    pub(crate) fired_windows: Vec<(f64, f64, f64)>,
    /// Event-time range seen (smoothed per frame).
    pub(crate) y_range: Option<(f64, f64)>,
    pub(crate) has_job: bool,
}

/// A shared [`PlotData`]; equal when it is the same one.
#[derive(Clone)]
pub struct PlotHandle(pub Rc<RefCell<PlotData>>);

impl PartialEq for PlotHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

fn f(v: &Value) -> Option<f64> {
    v.as_f64()
}

impl PlotData {
    /// Takes a new DescribeJob and at-least-once sink.
    pub fn update(&mut self, job: Option<&Value>, alo: Option<&Value>) {
        let Some(j) = job else {
            self.has_job = false;
            return;
        };
        self.has_job = true;
        self.offset = f(&j["NowUnixMs"]).unwrap_or(0.0) - f(&j["Now"]).unwrap_or(0.0);
        let list = |k: &str| j[k].as_array().cloned().unwrap_or_default();
        self.dots = list("Trace")
            .iter()
            .filter_map(|t| {
                Some(Dot {
                    at: f(&t["ProcessedAt"])?,
                    event: f(&t["EventTime"])?,
                    key: t["Key"].as_str().unwrap_or("").to_string(),
                    late: t["Late"].as_bool().unwrap_or(false),
                })
            })
            .collect();
        let wms = list("Watermarks");
        self.combined = wms
            .iter()
            .filter_map(|w| Some((f(&w["At"])?, f(&w["Watermark"])?)))
            .collect();
        let mut splits: Vec<SplitLine> = Vec::new();
        for w in &wms {
            let Some(at) = f(&w["At"]) else { continue };
            for s in w["Splits"].as_array().into_iter().flatten() {
                let id = s["ShardId"].as_str().unwrap_or("?").to_string();
                let Some(m) = f(&s["Watermark"]) else {
                    continue;
                };
                let idle = s["Idle"].as_bool().unwrap_or(false);
                match splits.iter_mut().find(|(i, _)| *i == id) {
                    Some((_, pts)) => pts.push((at, m, idle)),
                    None => splits.push((id, vec![(at, m, idle)])),
                }
            }
        }
        self.splits = splits;
        let mut open: Vec<(f64, f64, usize)> = Vec::new();
        for w in list("OpenWindows") {
            let (Some(s), Some(e)) = (f(&w["Start"]), f(&w["End"])) else {
                continue;
            };
            match open.iter_mut().find(|o| o.0 == s && o.1 == e) {
                Some(o) => o.2 += 1,
                None => open.push((s, e, 1)),
            }
        }
        self.open = open;
        self.fired = alo
            .and_then(|a| a["Rows"].as_array())
            .map(|rows| {
                rows.iter()
                    .filter_map(|r| {
                        Some((
                            f(&r["WindowStart"])?,
                            f(&r["WindowEnd"])?,
                            f(&r["EmittedAt"])?,
                            r["Key"].as_str().unwrap_or("").to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut windows: Vec<(f64, f64, f64)> = Vec::new();
        for (s, e, at, _) in &self.fired {
            match windows.iter_mut().find(|w| w.0 == *s && w.1 == *e) {
                Some(w) => w.2 = w.2.min(*at),
                None => windows.push((*s, *e, *at)),
            }
        }
        self.fired_windows = windows;
    }
}
