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

/// One GetRecords page as the iterators panel shows it.
#[derive(Clone, Debug)]
pub struct PageSummary {
    /// Virtual time of the call.
    pub at: u64,
    /// Records returned.
    pub n_records: usize,
    /// Bytes returned (data + keys).
    pub bytes: usize,
    /// `MillisBehindLatest`.
    pub millis_behind: u64,
    /// Partition keys of the first few records.
    pub keys: Vec<String>,
    /// The error, if the call failed.
    pub error: Option<String>,
    /// `ChildShards` when the page ended a closed shard.
    pub child_shards: Vec<String>,
}

/// A shard iterator the user holds (a cursor on a lane).
#[derive(Clone, Debug)]
pub struct UiIterator {
    /// Number shown on the cursor.
    pub id: u32,
    /// Stream.
    pub stream: String,
    /// Shard index.
    pub shard: u32,
    /// Iterator type it was created with.
    pub kind: String,
    /// The current iterator string; `None` after SHARD_END.
    pub token: Option<String>,
    /// Virtual time the current token was issued.
    pub issued_at: u64,
    /// Recent pages, newest last.
    pub pages: Vec<PageSummary>,
    /// Records read in total.
    pub total_records: u64,
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
    /// Shard iterators held by the user.
    pub iterators: Vec<UiIterator>,
    /// A split point chosen on the ruler: (shard index, hash key).
    pub split_point: Option<(u32, u128)>,
    /// Shards picked for a merge (clicked lane labels), at most two.
    pub merge_pick: Vec<u32>,
    /// Hit boxes of lane labels: (y top, y bottom, shard index).
    pub lane_labels: Vec<(f64, f64, u32)>,
    /// Geometry of the ruler for clicks: (x0, width, y top, y bottom).
    pub ruler_geometry: (f64, f64, f64, f64),
    /// Iterator cursor handles drawn last frame: (x, y, iterator id, shard, records before view).
    pub cursor_handles: Vec<(f64, f64, u32, u32)>,
    /// The partition key being typed in the put form, previewed on the ruler.
    pub preview_key: Option<String>,
    /// An iterator cursor being dragged: (iterator id, current x).
    pub dragging: Option<(u32, f64)>,
    /// Next iterator number.
    pub next_iterator_id: u32,
    /// The lesson being worked on, if any.
    pub lesson: Option<crate::ui::lesson_state::ActiveLesson>,
    /// A message about the page itself (an unreadable link), shown once.
    pub notice: Option<String>,
}

impl Playground {
    /// The default sandbox.
    pub fn sandbox(dark: bool) -> Playground {
        Playground::with_session(sandbox_session(DEFAULT_SEED), "orders".into(), dark)
    }

    /// A lesson at its start.
    pub fn for_lesson(lesson: crate::engine::lesson::Lesson, dark: bool) -> Playground {
        let session = crate::ui::lesson_state::lesson_session(&lesson);
        let stream =
            crate::ui::lesson_state::first_stream(&lesson).unwrap_or_else(|| "orders".into());
        let mut p = Playground::with_session(session, stream, dark);
        p.lesson = Some(crate::ui::lesson_state::ActiveLesson {
            start_len: lesson.start.len(),
            lesson,
            hints_shown: 0,
            solution_shown: false,
            report: None,
            code: None,
        });
        p
    }

    /// A shared scenario: the lesson (if any) with the learner's calls, or a sandbox run from its
    /// seed; then virtual time moves to where the link was made.
    pub fn from_link(
        link: &crate::engine::lesson::permalink::Permalink,
        dark: bool,
    ) -> Result<Playground, String> {
        const MAX_LINK_NOW: u64 = 400 * 24 * 3_600_000;
        let mut p = match &link.lesson {
            Some(id) => {
                let lesson = crate::engine::lesson::catalog::find(id).ok_or_else(|| {
                    format!("the link names a lesson '{id}' this version does not have")
                })?;
                Playground::for_lesson(lesson, dark)
            }
            None => Playground::with_session(
                crate::engine::action_log::Session::new(crate::engine::world::WorldConfig::seeded(
                    link.seed,
                )),
                "orders".into(),
                dark,
            ),
        };
        for call in &link.actions {
            // Calls the playground refused when the link was made are refused again: history.
            let _ = p.session.apply(call.clone());
        }
        let now = link.now.min(MAX_LINK_NOW);
        if now > p.session.world().now() {
            p.session.advance_to(now);
        }
        if p.lesson.is_none() {
            if let Some(name) = p.session.world().kinesis.streams().keys().next() {
                p.stream = name.clone();
            }
        }
        Ok(p)
    }

    /// The calls the user made (after a lesson's start).
    pub fn learner_log(&self) -> &[crate::engine::action_log::ActionCall] {
        let start = self.lesson.as_ref().map_or(0, |l| l.start_len);
        &self.session.log()[start.min(self.session.log().len())..]
    }

    /// The link that reproduces this run.
    pub fn permalink(&self) -> crate::engine::lesson::permalink::Permalink {
        crate::engine::lesson::permalink::Permalink {
            lesson: self.lesson.as_ref().map(|l| l.lesson.id.clone()),
            seed: self.session.world().config().seed,
            actions: self.learner_log().to_vec(),
            now: self.session.world().now(),
            hide: Vec::new(),
            embed: false,
        }
    }

    fn with_session(
        session: crate::engine::action_log::Session,
        stream: String,
        dark: bool,
    ) -> Playground {
        Playground {
            session,
            lesson: None,
            notice: None,
            running: true,
            speed: 1.0,
            carry: 0.0,
            last_frame: None,
            selected: None,
            stream,
            hit_boxes: Vec::new(),
            last_put: None,
            feed: Vec::new(),
            dark,
            iterators: Vec::new(),
            next_iterator_id: 1,
            split_point: None,
            merge_pick: Vec::new(),
            lane_labels: Vec::new(),
            ruler_geometry: (0.0, 0.0, 0.0, 0.0),
            cursor_handles: Vec::new(),
            dragging: None,
            preview_key: None,
        }
    }

    /// Calls the dispatcher (logged in the session) and records the call in the feed.
    pub fn call(&mut self, service: &str, action: &str, request: Value) -> Result<Value, ApiError> {
        // A PutRecord from anywhere (form, console) moves the ruler marker to its hash key.
        let marker = (service == "kinesis" && action == "PutRecord").then(|| {
            let key = request["PartitionKey"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let hash = match request["ExplicitHashKey"].as_str() {
                Some(h) => crate::engine::kinesis::hash_key::parse_hash_key(h),
                None => (!key.is_empty())
                    .then(|| crate::engine::kinesis::hash_key::partition_key_hash(&key)),
            };
            (key, hash)
        });
        let call = crate::engine::action_log::ActionCall {
            at: Some(self.session.world().now()),
            service: service.to_string(),
            action: action.to_string(),
            request: request.clone(),
        };
        let lesson = self.lesson.as_ref().map(|l| l.lesson.id.clone());
        crate::ui::panic_guard::before_call(
            || self.permalink(),
            self.learner_log().len(),
            self.session.world().config().seed,
            lesson.as_deref(),
            call,
        );
        let out = self.session.call(service, action, request);
        if let Some((partition_key, hash_key)) = marker {
            self.last_put = Some(LastPut {
                hash_key,
                partition_key,
                result: out.clone(),
            });
        }
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
        crate::ui::panic_guard::note_now(self.session.world().now());
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

impl Playground {
    /// Calls GetShardIterator and, on success, holds the iterator as a cursor.
    pub fn open_iterator(
        &mut self,
        shard: u32,
        kind: &str,
        request: Value,
    ) -> Result<(), ApiError> {
        let out = self.call("kinesis", "GetShardIterator", request)?;
        let token = out["ShardIterator"].as_str().map(str::to_string);
        let id = self.next_iterator_id;
        self.next_iterator_id += 1;
        self.iterators.push(UiIterator {
            id,
            stream: self.stream.clone(),
            shard,
            kind: kind.to_string(),
            token,
            issued_at: self.session.world().now(),
            pages: Vec::new(),
            total_records: 0,
        });
        Ok(())
    }

    /// Moves iterator `id` to the record with `seq` (a dragged cursor): a new GetShardIterator
    /// AT_SEQUENCE_NUMBER replaces its token; the iterator keeps its number and history.
    pub fn move_iterator(&mut self, id: u32, seq: &str) -> Result<(), ApiError> {
        let Some(pos) = self.iterators.iter().position(|i| i.id == id) else {
            return Ok(());
        };
        let (stream, shard) = (
            self.iterators[pos].stream.clone(),
            self.iterators[pos].shard,
        );
        let out = self.call(
            "kinesis",
            "GetShardIterator",
            serde_json::json!({
                "StreamName": stream,
                "ShardId": crate::engine::kinesis::shard::shard_id(shard),
                "ShardIteratorType": "AT_SEQUENCE_NUMBER",
                "StartingSequenceNumber": seq,
            }),
        )?;
        let now = self.session.world().now();
        let it = &mut self.iterators[pos];
        it.token = out["ShardIterator"].as_str().map(str::to_string);
        it.kind = "AT_SEQUENCE_NUMBER (dragged)".into();
        it.issued_at = now;
        Ok(())
    }

    /// Calls GetRecords with iterator `id` and follows `NextShardIterator`.
    pub fn read_page(&mut self, id: u32, limit: u32) {
        let Some(pos) = self.iterators.iter().position(|i| i.id == id) else {
            return;
        };
        let Some(token) = self.iterators[pos].token.clone() else {
            return;
        };
        let out = self.call(
            "kinesis",
            "GetRecords",
            serde_json::json!({ "ShardIterator": token, "Limit": limit }),
        );
        let now = self.session.world().now();
        let it = &mut self.iterators[pos];
        let page = match out {
            Ok(v) => {
                let records = v["Records"].as_array().cloned().unwrap_or_default();
                let bytes = records
                    .iter()
                    .map(|r| {
                        r["PartitionKey"].as_str().map_or(0, str::len)
                            + r["Data"].as_str().map_or(0, |d| d.len() * 3 / 4)
                    })
                    .sum();
                it.total_records += records.len() as u64;
                it.token = v["NextShardIterator"].as_str().map(str::to_string);
                it.issued_at = now;
                PageSummary {
                    at: now,
                    n_records: records.len(),
                    bytes,
                    millis_behind: v["MillisBehindLatest"].as_u64().unwrap_or(0),
                    keys: records
                        .iter()
                        .take(4)
                        .filter_map(|r| r["PartitionKey"].as_str().map(str::to_string))
                        .collect(),
                    error: None,
                    child_shards: v["ChildShards"]
                        .as_array()
                        .map(|c| {
                            c.iter()
                                .filter_map(|s| s["ShardId"].as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            }
            Err(e) => PageSummary {
                at: now,
                n_records: 0,
                bytes: 0,
                millis_behind: 0,
                keys: Vec::new(),
                error: Some(format!("{}: {}", e.kind.as_str(), e.message)),
                child_shards: Vec::new(),
            },
        };
        it.pages.push(page);
        if it.pages.len() > 6 {
            it.pages.remove(0);
        }
    }
}

fn summarize(v: &Value) -> String {
    if let Some(shard) = v.get("ShardId").and_then(Value::as_str) {
        return format!("→ {shard}");
    }
    if let Some(r) = v.get("Records").and_then(Value::as_array) {
        return format!("{} records", r.len());
    }
    if v.get("ShardIterator").is_some() {
        return "iterator".into();
    }
    if let Some(r) = v.get("Running").and_then(Value::as_bool) {
        return if r {
            "running".into()
        } else {
            "stopped".into()
        };
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

/// A panel's dispatcher call: runs `service.action`, shows `Action: ErrorType: message` in
/// `error` (or clears it) and asks for a re-render.
pub fn run_reported(
    h: &Handle,
    cb: &yew::Callback<()>,
    error: &yew::UseStateHandle<Option<String>>,
    service: &str,
    action: &str,
    req: Value,
) {
    let _ = call_reported(h, cb, error, service, action, req);
}

/// [`run_reported`] that also says whether the call succeeded.
pub fn call_reported(
    h: &Handle,
    cb: &yew::Callback<()>,
    error: &yew::UseStateHandle<Option<String>>,
    service: &str,
    action: &str,
    req: Value,
) -> bool {
    let out = h.0.borrow_mut().call(service, action, req);
    let ok = out.is_ok();
    error.set(
        out.err()
            .map(|e| format!("{action}: {}: {}", e.kind.as_str(), e.message)),
    );
    cb.emit(());
    ok
}
