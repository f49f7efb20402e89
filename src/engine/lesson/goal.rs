//! Goals: predicates over the engine state, evaluated on virtual time. A goal asks the world a
//! read-only question through the dispatcher (on a copy of the world, so asking never changes
//! the run) and compares what a path selects in the answer. A prediction goal also requires the
//! learner to have recorded the right answer before anything revealed it.

use serde::Deserialize;
use serde_json::Value;

use crate::engine::action_log::ActionCall;
use crate::engine::api::dispatch;
use crate::engine::lesson::path::select;
use crate::engine::time::VirtualMs;
use crate::engine::world::World;

/// A read-only dispatcher call.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// Service.
    pub service: String,
    /// Action (a Describe / List / Get; refused otherwise).
    pub action: String,
    /// Request body.
    #[serde(default)]
    pub request: Value,
}

/// How selected values compare with the goal's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Op {
    /// Equal (JSON equality; numbers compared as numbers).
    #[serde(rename = "==")]
    Eq,
    /// Not equal.
    #[serde(rename = "!=")]
    Ne,
    /// Less than (numbers).
    #[serde(rename = "<")]
    Lt,
    /// At most.
    #[serde(rename = "<=")]
    Le,
    /// More than.
    #[serde(rename = ">")]
    Gt,
    /// At least.
    #[serde(rename = ">=")]
    Ge,
    /// The number of selected values equals the value.
    #[serde(rename = "count==")]
    CountEq,
    /// At least that many values are selected.
    #[serde(rename = "count>=")]
    CountGe,
    /// At most that many values are selected.
    #[serde(rename = "count<=")]
    CountLe,
}

/// A prediction the learner records (`playground.RecordPrediction`) before the answer shows.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Prediction {
    /// The question id the learner answers (`Question` of RecordPrediction).
    pub question: String,
    /// The prediction must come before any learner call whose request contains one of these.
    #[serde(default)]
    pub revealed_by: Vec<String>,
}

/// One goal.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Goal {
    /// What the learner reads: "stream orders has 8 open shards".
    pub text: String,
    /// Virtual time the goal is judged at (default: the lesson's `checkAt`).
    #[serde(default)]
    pub at: Option<VirtualMs>,
    /// The question asked of the world.
    pub query: Query,
    /// Path of the compared values in the answer.
    pub path: String,
    /// Comparison.
    pub op: Op,
    /// Compared with.
    pub value: Value,
    /// Pass if any selected value passes (default: all must, and at least one must exist).
    #[serde(default)]
    pub any: bool,
    /// Pass when nothing is selected (e.g. "no throttled datapoint"); default false.
    #[serde(default)]
    pub allow_empty: bool,
    /// For a prediction goal: the learner's recorded answer must equal the selected value.
    #[serde(default)]
    pub prediction: Option<Prediction>,
}

/// The verdict on one goal.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Whether it passed.
    pub passed: bool,
    /// What was seen (for the learner: "OpenShardCount = 4, wanted == 8").
    pub detail: String,
}

/// Whether `action` only reads (the goals' queries may not change anything anyway: they run on
/// a copy of the world).
pub fn is_read_action(action: &str) -> bool {
    ["Describe", "List", "Get"]
        .iter()
        .any(|p| action.starts_with(p))
        && action != "GetShardIterator"
        && action != "GetRecords"
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

fn compare(got: &Value, op: Op, want: &Value) -> bool {
    match op {
        Op::Eq => got == want || matches!((num(got), num(want)), (Some(a), Some(b)) if a == b),
        Op::Ne => !(got == want || matches!((num(got), num(want)), (Some(a), Some(b)) if a == b)),
        Op::Lt | Op::Le | Op::Gt | Op::Ge => match (num(got), num(want)) {
            (Some(a), Some(b)) => match op {
                Op::Lt => a < b,
                Op::Le => a <= b,
                Op::Gt => a > b,
                _ => a >= b,
            },
            _ => false,
        },
        Op::CountEq | Op::CountGe | Op::CountLe => false,
    }
}

fn short(v: &Value) -> String {
    crate::engine::export::shorten(&v.to_string(), 80)
}

/// Judges `goal` on `world` (a copy is queried) given the learner's calls so far.
pub fn judge(goal: &Goal, world: &World, learner: &[ActionCall]) -> Verdict {
    let fail = |detail: String| Verdict {
        passed: false,
        detail,
    };
    if !is_read_action(&goal.query.action) {
        return fail(format!(
            "the goal's query {} is not a read action",
            goal.query.action
        ));
    }
    let mut copy = world.clone();
    let answer = match dispatch(
        &mut copy,
        &goal.query.service,
        &goal.query.action,
        &goal.query.request,
    ) {
        Ok(v) => v,
        Err(e) => return fail(format!("{}: {}", e.kind.as_str(), e.message)),
    };
    let selected = match select(&answer, &goal.path) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if let Some(p) = &goal.prediction {
        return judge_prediction(p, &selected, learner);
    }
    let passed = match goal.op {
        Op::CountEq | Op::CountGe | Op::CountLe => {
            let want = goal.value.as_u64().unwrap_or(u64::MAX);
            let n = selected.len() as u64;
            match goal.op {
                Op::CountEq => n == want,
                Op::CountGe => n >= want,
                _ => n <= want,
            }
        }
        _ if selected.is_empty() => goal.allow_empty,
        op if goal.any => selected.iter().any(|v| compare(v, op, &goal.value)),
        op => selected.iter().all(|v| compare(v, op, &goal.value)),
    };
    let seen = match goal.op {
        Op::CountEq | Op::CountGe | Op::CountLe => format!("{} values", selected.len()),
        _ if selected.is_empty() => "nothing".to_string(),
        _ if selected.len() == 1 => short(selected[0]),
        _ => short(&Value::Array(
            selected.iter().map(|v| (*v).clone()).collect(),
        )),
    };
    Verdict {
        passed,
        detail: format!("{} = {seen}", goal.path),
    }
}

fn judge_prediction(p: &Prediction, truth: &[&Value], learner: &[ActionCall]) -> Verdict {
    let Some(truth) = truth.first() else {
        return Verdict {
            passed: false,
            detail: "the answer is not known yet".into(),
        };
    };
    // The learner's last prediction for the question, and where it sits in the log.
    let found = learner.iter().enumerate().rev().find(|(_, c)| {
        c.service == "playground"
            && c.action == "RecordPrediction"
            && c.request["Question"].as_str() == Some(p.question.as_str())
    });
    let Some((idx, call)) = found else {
        return Verdict {
            passed: false,
            detail: format!("no prediction recorded for '{}'", p.question),
        };
    };
    let revealed_before = learner[..idx].iter().any(|c| {
        let text = c.request.to_string();
        p.revealed_by.iter().any(|r| text.contains(r.as_str()))
    });
    if revealed_before {
        return Verdict {
            passed: false,
            detail: "the prediction came after a call that revealed the answer".into(),
        };
    }
    let answer = &call.request["Answer"];
    let passed = compare(answer, Op::Eq, truth);
    Verdict {
        passed,
        detail: format!(
            "predicted {}, the answer is {}",
            short(answer),
            short(truth)
        ),
    }
}
