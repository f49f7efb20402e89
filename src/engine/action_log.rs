//! Sessions: a seed plus an action log of timed dispatcher calls.
//!
//! The action log is JSON Lines, one [`ActionCall`] per line:
//! `{"at": 1500, "service": "kinesis", "action": "PutRecord", "request": {…}}`.
//! The same format is what the CLI's `api` command reads, what a permalink carries, what a lesson
//! solution is and what a bug report attaches. Replaying a log on a world with the same
//! [`WorldConfig`] reproduces the world bit for bit.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::engine::api::dispatch;
use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::time::{Epoch, VirtualMs};
use crate::engine::world::{World, WorldConfig};

/// Longest accepted action-log line, bytes (a PutRecord of 10 MiB base64 is ~14 MiB).
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// One timed dispatcher call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionCall {
    /// Virtual time of the call; absent means "now". Non-decreasing along a log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<VirtualMs>,
    /// Service name (`kinesis`, `playground`, …).
    pub service: String,
    /// Action name (`PutRecord`, `StartProducer`, …).
    pub action: String,
    /// The AWS-shaped request body.
    #[serde(default)]
    pub request: Value,
}

/// The header line of a saved session: `{"session": {"seed": 42, "epochUnixMs": …, "now": …}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionHeader {
    /// World seed.
    pub seed: u64,
    /// Unix ms of virtual time 0.
    #[serde(default = "default_epoch")]
    pub epoch_unix_ms: u64,
    /// Virtual time the session had reached when saved (replay advances to it).
    #[serde(default)]
    pub now: VirtualMs,
}

fn default_epoch() -> u64 {
    Epoch::default().unix_ms()
}

/// A world together with the log of every call applied to it.
#[derive(Debug)]
pub struct Session {
    world: World,
    log: Vec<ActionCall>,
}

impl Session {
    /// A new session on an empty world.
    pub fn new(config: WorldConfig) -> Session {
        Session {
            world: World::new(config),
            log: Vec::new(),
        }
    }

    /// The world.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The calls applied so far, each with its virtual time.
    pub fn log(&self) -> &[ActionCall] {
        &self.log
    }

    /// Moves virtual time forward (the animation loop and the CLI's `at`). Not logged: time between
    /// calls is implied by the next call's `at` and the header's `now`.
    pub fn advance_to(&mut self, t: VirtualMs) {
        self.world.advance_to(t);
    }

    /// Calls the dispatcher at the current virtual time and logs the call.
    pub fn call(&mut self, service: &str, action: &str, request: Value) -> Result<Value, ApiError> {
        // The time the call was made, read before dispatching: a call may itself move the clock
        // (`playground.AdvanceTime`), and replay must issue it at the same instant.
        let at = self.world.now();
        let out = dispatch(&mut self.world, service, action, &request);
        self.log.push(ActionCall {
            at: Some(at),
            service: service.to_string(),
            action: action.to_string(),
            request,
        });
        out
    }

    /// Applies a timed call: advances to `at` (which may not lie in the past), then calls.
    pub fn apply(&mut self, call: ActionCall) -> Result<Value, ApiError> {
        if let Some(at) = call.at {
            if at < self.world.now() {
                return Err(ApiError::new(
                    ErrorKind::ValidationException,
                    format!(
                        "'at' must be non-decreasing: {at} is before the current virtual time {}",
                        self.world.now()
                    ),
                ));
            }
            self.world.advance_to(at);
        }
        self.call(&call.service, &call.action, call.request)
    }

    /// Parses one JSON line and applies it; returns the CLI's envelope `{"ok": …}` or
    /// `{"error": {"type", "message"}}`. Never panics on any input.
    pub fn apply_json_line(&mut self, line: &str) -> Value {
        match parse_call(line) {
            Ok(call) => envelope(self.apply(call)),
            Err(e) => envelope(Err(e)),
        }
    }

    /// The session as JSON Lines: a header, then one line per call.
    pub fn to_jsonl(&self) -> String {
        let header = SessionHeader {
            seed: self.world.config().seed,
            epoch_unix_ms: self.world.epoch().unix_ms(),
            now: self.world.now(),
        };
        let mut out = serde_json::to_string(&json!({ "session": header })).unwrap_or_default();
        out.push('\n');
        for call in &self.log {
            out.push_str(&serde_json::to_string(call).unwrap_or_default());
            out.push('\n');
        }
        out
    }

    /// Rebuilds a session from [`Session::to_jsonl`] output: same config, same calls, same time.
    pub fn from_jsonl(text: &str) -> Result<Session, ApiError> {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let header_line = lines
            .next()
            .ok_or_else(|| ApiError::serialization("an empty session: expected a header line"))?;
        let header: SessionHeader = serde_json::from_str::<Value>(header_line)
            .ok()
            .and_then(|v| v.get("session").cloned())
            .and_then(|v| serde_json::from_value(v).ok())
            .ok_or_else(|| {
                ApiError::serialization(
                    "line 1 must be a session header {\"session\": {\"seed\": N, \"epochUnixMs\": N, \"now\": N}}",
                )
            })?;
        let mut session = Session::new(WorldConfig {
            seed: header.seed,
            epoch: Epoch::from_unix_ms(header.epoch_unix_ms),
        });
        for (i, line) in lines.enumerate() {
            let call = parse_call(line)
                .map_err(|e| ApiError::new(e.kind, format!("line {}: {}", i + 2, e.message)))?;
            // Errors inside the log are part of the history; they replay as errors.
            let _ = session.apply(call);
        }
        session.advance_to(header.now);
        Ok(session)
    }
}

/// Parses one action-log line.
pub fn parse_call(line: &str) -> Result<ActionCall, ApiError> {
    if line.len() > MAX_LINE_BYTES {
        return Err(ApiError::new(
            ErrorKind::ValidationException,
            format!(
                "the line is {} bytes; at most {MAX_LINE_BYTES} are accepted",
                line.len()
            ),
        ));
    }
    let value: Value = serde_json::from_str(line)
        .map_err(|e| ApiError::serialization(format!("the line is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::serialization(
            "a call must be a JSON object {\"at\", \"service\", \"action\", \"request\"}",
        ));
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::new(ErrorKind::ValidationException, format!("not a call: {e}")))
}

/// Wraps a result in the CLI envelope.
pub fn envelope(result: Result<Value, ApiError>) -> Value {
    match result {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "error": e.to_json() }),
    }
}
