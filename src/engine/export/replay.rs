//! Replays a saved session to learn what the playground answered to each call — the responses
//! the exported code prints as comments and checks against the real service.

use serde_json::{json, Value};

use crate::engine::action_log::{parse_call, ActionCall, Session, SessionHeader};
use crate::engine::api::error::ApiError;
use crate::engine::time::Epoch;
use crate::engine::world::WorldConfig;

/// The seed of a session file without a header (the CLI's `api` default).
pub const DEFAULT_SEED: u64 = 0;

/// Longest session the exporter reads, bytes.
pub const MAX_SESSION_BYTES: usize = 32 * 1024 * 1024;

/// One line of the session with what the playground answered.
#[derive(Clone, Debug)]
pub struct ReplayedCall {
    /// 1-based line number in the session file.
    pub line: usize,
    /// The call.
    pub call: ActionCall,
    /// Virtual time the call ran at.
    pub at: u64,
    /// The playground's answer.
    pub outcome: Result<Value, ApiError>,
}

/// A line that could not be read as a call.
#[derive(Clone, Debug, PartialEq)]
pub struct SkippedLine {
    /// 1-based line number.
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// A replayed session.
#[derive(Debug)]
pub struct Replayed {
    /// The header (seed, epoch, end time); the default when the file has none.
    pub header: SessionHeader,
    /// Whether the file carried a header line.
    pub had_header: bool,
    /// The calls with their answers.
    pub calls: Vec<ReplayedCall>,
    /// Lines that were not calls.
    pub skipped: Vec<SkippedLine>,
    /// The session after its last call and its end time.
    pub session: Session,
}

/// Reads a session (header line optional) and replays it. Malformed lines are skipped and named,
/// never guessed at.
pub fn replay(text: &str) -> Result<Replayed, ApiError> {
    if text.len() > MAX_SESSION_BYTES {
        return Err(ApiError::serialization(format!(
            "the session is {} bytes; at most {MAX_SESSION_BYTES} are exported",
            text.len()
        )));
    }
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .peekable();
    let mut header = SessionHeader {
        seed: DEFAULT_SEED,
        epoch_unix_ms: Epoch::default().unix_ms(),
        now: 0,
    };
    let mut had_header = false;
    if let Some((_, first)) = lines.peek() {
        if let Some(h) = serde_json::from_str::<Value>(first)
            .ok()
            .and_then(|v| v.get("session").cloned())
        {
            header = serde_json::from_value(h).map_err(|e| {
                ApiError::serialization(format!("line 1: a malformed session header: {e}"))
            })?;
            had_header = true;
            lines.next();
        }
    }
    let mut session = Session::new(WorldConfig {
        seed: header.seed,
        epoch: Epoch::from_unix_ms(header.epoch_unix_ms),
    });
    let mut calls = Vec::new();
    let mut skipped = Vec::new();
    for (line, text) in lines {
        match parse_call(text) {
            Err(e) => skipped.push(SkippedLine {
                line,
                reason: e.message,
            }),
            Ok(call) => {
                if call.at.is_some_and(|at| at < session.world().now()) {
                    skipped.push(SkippedLine {
                        line,
                        reason: format!(
                            "'at' {} lies before the previous call ({} ms)",
                            call.at.unwrap_or_default(),
                            session.world().now()
                        ),
                    });
                    continue;
                }
                let outcome = session.apply(call.clone());
                let at = session
                    .log()
                    .last()
                    .and_then(|c| c.at)
                    .unwrap_or_else(|| session.world().now());
                calls.push(ReplayedCall {
                    line,
                    call,
                    at,
                    outcome,
                });
            }
        }
    }
    if header.now > session.world().now() {
        session.advance_to(header.now);
    }
    Ok(Replayed {
        header,
        had_header,
        calls,
        skipped,
        session,
    })
}

/// The playground's answer as the one JSON value a comment shows.
pub fn outcome_json(outcome: &Result<Value, ApiError>) -> Value {
    match outcome {
        Ok(v) => v.clone(),
        Err(e) => json!({ "Error": { "Code": e.kind.as_str(), "Message": e.message } }),
    }
}
