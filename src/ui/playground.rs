//! The UI's handle on a session: the engine session plus view state (running, speed, selection).
//! Every change to the world goes through [`Playground::call`], i.e. the one dispatcher.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;

use crate::engine::action_log::Session;
use crate::engine::api::error::ApiError;
use crate::engine::scenario::{sandbox_session, DEFAULT_SEED};

/// Virtual milliseconds added by one press of "step", whatever the speed.
pub const STEP_MS: u64 = 100;
/// Longest real frame gap honoured (a background tab must not jump hours on return).
pub const MAX_FRAME_MS: f64 = 100.0;
/// Speeds offered by the speed selector.
pub const SPEEDS: [f64; 9] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

/// A record the user selected, by position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordRef {
    /// Stream name.
    pub stream: String,
    /// Shard index.
    pub shard: u32,
    /// Sequence index inside the shard.
    pub seq_index: u64,
}

/// A rectangle drawn for a record on the canvas, for click hit-testing (CSS pixels).
#[derive(Clone, Debug)]
pub struct RecordHitBox {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// The record.
    pub record: RecordRef,
}

/// One line of the action feed: a dispatcher call the UI made and how it ended.
#[derive(Clone, Debug)]
pub struct FeedItem {
    /// Virtual time of the call.
    pub at: u64,
    /// `kinesis.PutRecord`.
    pub call: String,
    /// Short outcome text.
    pub outcome: String,
    /// Whether it failed.
    pub failed: bool,
}

/// The last PutRecord made from the form.
#[derive(Clone, Debug)]
pub struct LastPut {
    /// The hash key of the put (MD5 or explicit), for the ruler marker.
    pub hash_key: Option<u128>,
    /// The partition key.
    pub partition_key: String,
    /// The response or the error.
    pub result: Result<Value, ApiError>,
}

/// Session plus view state.
pub struct Playground {
    /// The engine session (world + action log).
    pub session: Session,
    /// Whether virtual time flows.
    pub running: bool,
    /// Virtual ms per real ms.
    pub speed: f64,
    /// Fractional virtual ms carried between frames.
    pub carry: f64,
    /// Real timestamp of the previous frame.
    pub last_frame: Option<f64>,
    /// The selected record.
    pub selected: Option<RecordRef>,
    /// Stream shown in the main view.
    pub stream: String,
    /// Hit boxes of the last canvas drawing.
    pub hit_boxes: Vec<RecordHitBox>,
    /// Last put from the form.
    pub last_put: Option<LastPut>,
    /// Recent UI dispatcher calls, newest last.
    pub feed: Vec<FeedItem>,
    /// Whether the dark theme is on.
    pub dark: bool,
}

impl Playground {
    /// The default sandbox.
    pub fn sandbox(dark: bool) -> Playground {
        Playground {
            session: sandbox_session(DEFAULT_SEED),
            running: true,
            speed: 1.0,
            carry: 0.0,
            last_frame: None,
            selected: None,
            stream: "orders".into(),
            hit_boxes: Vec::new(),
            last_put: None,
            feed: Vec::new(),
            dark,
        }
    }

    /// Calls the dispatcher (logged in the session) and records the call in the feed.
    pub fn call(&mut self, service: &str, action: &str, request: Value) -> Result<Value, ApiError> {
        let out = self.session.call(service, action, request);
        let outcome = match &out {
            Ok(v) => summarize(v),
            Err(e) => e.kind.as_str().to_string(),
        };
        self.feed.push(FeedItem {
            at: self.session.world().now(),
            call: format!("{service}.{action}"),
            outcome,
            failed: out.is_err(),
        });
        if self.feed.len() > 50 {
            self.feed.remove(0);
        }
        out
    }

    /// Advances virtual time for a frame at real timestamp `ts` (ms).
    pub fn on_frame(&mut self, ts: f64) {
        let dt = match self.last_frame {
            Some(prev) => (ts - prev).clamp(0.0, MAX_FRAME_MS),
            None => 0.0,
        };
        self.last_frame = Some(ts);
        if !self.running {
            return;
        }
        self.carry += dt * self.speed;
        let whole = self.carry.floor();
        if whole >= 1.0 {
            self.carry -= whole;
            let now = self.session.world().now();
            self.session.advance_to(now + whole as u64);
        }
    }

    /// One step of [`STEP_MS`] virtual milliseconds.
    pub fn step(&mut self) {
        let now = self.session.world().now();
        self.session.advance_to(now + STEP_MS);
    }
}

fn summarize(v: &Value) -> String {
    if let Some(shard) = v.get("ShardId").and_then(Value::as_str) {
        return format!("→ {shard}");
    }
    if let Some(r) = v.get("Running").and_then(Value::as_bool) {
        return if r { "running".into() } else { "stopped".into() };
    }
    "ok".into()
}

/// A shared handle to the playground; equal when it is the same playground.
#[derive(Clone)]
pub struct Handle(pub Rc<RefCell<Playground>>);

impl PartialEq for Handle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
