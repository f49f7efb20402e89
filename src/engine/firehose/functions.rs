//! Transform functions: what a Firehose `Lambda` processor invokes (semantics.md §4.3). The user
//! builds one from built-in transforms and/or a script in the sandboxed transform language; its
//! simulated duration, timeout, error rate and response faults make the retry and
//! `processing-failed` paths playable.

use serde_json::{json, Value};

use crate::engine::api::error::ApiError;
use crate::engine::api::request::Request;
use crate::engine::firehose::script::{BuiltinTransform, Script, TransformStep, DEFAULT_BUDGET};

/// A deliberate contract violation in the function's response (to see how Firehose reacts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseFault {
    /// A well-formed response.
    None,
    /// The first record's `recordId` does not echo an input id.
    MismatchedRecordId,
    /// The first `Ok` record has no `data`.
    MissingData,
    /// The first `Ok` record's `data` is not base64.
    BadBase64,
    /// The first record's `result` is not Ok / Dropped / ProcessingFailed.
    BadResult,
}

impl ResponseFault {
    /// Name in requests and pictures.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseFault::None => "NONE",
            ResponseFault::MismatchedRecordId => "MISMATCHED_RECORD_ID",
            ResponseFault::MissingData => "MISSING_DATA",
            ResponseFault::BadBase64 => "BAD_BASE64",
            ResponseFault::BadResult => "BAD_RESULT",
        }
    }

    fn parse(s: &str) -> Option<ResponseFault> {
        [
            ResponseFault::None,
            ResponseFault::MismatchedRecordId,
            ResponseFault::MissingData,
            ResponseFault::BadBase64,
            ResponseFault::BadResult,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
    }
}

/// One transform function.
#[derive(Clone, Debug)]
pub struct TransformFunction {
    /// Name.
    pub name: String,
    /// Steps, applied in order to each record.
    pub steps: Vec<TransformStep>,
    /// The steps as given (for describing).
    pub steps_json: Vec<Value>,
    /// Simulated duration of one invocation, ms.
    pub duration_ms: u64,
    /// Function timeout, ms (≤ 5 min, §4.3). An invocation longer than this fails.
    pub timeout_ms: u64,
    /// Probability an invocation fails (function error).
    pub error_rate: f64,
    /// Operation budget per record for scripts.
    pub budget: u64,
    /// Response fault.
    pub fault: ResponseFault,
}

/// The ARN of function `name`.
pub fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::invalid_argument(message)
}

impl TransformFunction {
    /// Reads `CreateTransformFunction` / `UpdateTransformFunction`.
    pub fn from_request(req: Request<'_>) -> Result<TransformFunction, ApiError> {
        req.deny_unknown(&[
            "FunctionName",
            "Steps",
            "DurationMs",
            "TimeoutSeconds",
            "ErrorRate",
            "OperationBudget",
            "ResponseFault",
        ])?;
        let name = req.str("FunctionName")?;
        if name.is_empty()
            || name.len() > 64
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(crate::engine::api::error::ApiError::validation(
                name,
                "functionName",
                "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64}",
            ));
        }
        let list = req
            .opt_list("Steps")?
            .ok_or_else(|| crate::engine::api::request::missing("Steps"))?;
        if list.is_empty() || list.len() > 20 {
            return Err(bad("Steps must hold 1 to 20 steps"));
        }
        let mut steps = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let ty = s.get("Type").and_then(Value::as_str).unwrap_or("");
            if ty == "Script" {
                let src = s
                    .get("Source")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad(format!("Steps[{i}]: a Script step needs Source")))?;
                let script = Script::compile(src)
                    .map_err(|e| bad(format!("Steps[{i}]: script error at {e}")))?;
                steps.push(TransformStep::Script(script));
            } else {
                let b =
                    BuiltinTransform::from_json(s).map_err(|m| bad(format!("Steps[{i}]: {m}")))?;
                steps.push(TransformStep::Builtin(b));
            }
        }
        let timeout_s = req.opt_int("TimeoutSeconds", 1, 300)?.unwrap_or(60) as u64;
        let fault = match req.opt_str("ResponseFault")? {
            None => ResponseFault::None,
            Some(f) => ResponseFault::parse(f).ok_or_else(|| bad(format!("ResponseFault must be one of NONE, MISMATCHED_RECORD_ID, MISSING_DATA, BAD_BASE64, BAD_RESULT; got {f}")))?,
        };
        Ok(TransformFunction {
            name: name.to_string(),
            steps,
            steps_json: list.clone(),
            duration_ms: req.opt_int("DurationMs", 0, 900_000)?.unwrap_or(200) as u64,
            timeout_ms: timeout_s * 1000,
            error_rate: req.opt_f64("ErrorRate", 0.0, 1.0)?.unwrap_or(0.0),
            budget: req
                .opt_int("OperationBudget", 1, 10_000_000)?
                .map_or(DEFAULT_BUDGET, |b| b as u64),
            fault,
        })
    }

    /// Description for the API.
    pub fn describe(&self) -> Value {
        json!({
            "FunctionName": self.name,
            "FunctionArn": function_arn(&self.name),
            "Steps": self.steps_json,
            "DurationMs": self.duration_ms,
            "TimeoutSeconds": self.timeout_ms / 1000,
            "ErrorRate": self.error_rate,
            "OperationBudget": self.budget,
            "ResponseFault": self.fault.as_str(),
        })
    }
}
