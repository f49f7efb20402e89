//! [`Script`]: compiling a user transform and running it on one record.

use std::collections::BTreeMap;

use super::ast::Program;
use super::error::ScriptError;
use super::interp::{Flow, Interp};
use super::meter::Meter;
use super::parser::parse;
use super::value::{parse_json, write_json, Value};
use super::Outcome;

/// A compiled user transform (see the [module documentation](super) for the language).
#[derive(Clone, Debug)]
pub struct Script {
    program: Program,
}

impl Script {
    /// Compiles `source` (at most 16 KiB, nesting at most 64 deep).
    pub fn compile(source: &str) -> Result<Script, ScriptError> {
        Ok(Script {
            program: parse(source)?,
        })
    }

    /// Runs the transform on one record's payload with an operation budget; returns what it
    /// decided and how many operations it used (never more than `budget`).
    pub fn run(&self, data: &[u8], budget: u64) -> (Outcome, u64) {
        let text = String::from_utf8_lossy(data);
        let record = parse_json(&text).unwrap_or_else(|| Value::str(&text));
        let mut slots = vec![Value::Null; self.program.slots.max(2)];
        slots[0] = record;
        slots[1] = Value::str(&text);
        let mut it = Interp {
            slots,
            m: Meter::new(budget),
            keys: BTreeMap::new(),
        };
        let outcome = match it.block(&self.program.body) {
            Err(stop) => Outcome::ProcessingFailed(stop.reason()),
            Ok(Flow::Drop) => Outcome::Dropped,
            Ok(Flow::Fail(reason)) => Outcome::ProcessingFailed(reason),
            Ok(Flow::Return(v)) => finish(&v, std::mem::take(&mut it.keys)),
            Ok(Flow::Next | Flow::Break | Flow::Continue) => {
                let record = std::mem::replace(&mut it.slots[0], Value::Null);
                finish(&record, std::mem::take(&mut it.keys))
            }
        };
        (outcome, it.m.used)
    }
}

/// `Ok` with the value serialised: strings as their UTF-8 bytes, anything else compact JSON.
fn finish(v: &Value, partition_keys: BTreeMap<String, String>) -> Outcome {
    let data = match v {
        Value::Str(s) => s.as_bytes().to_vec(),
        _ => {
            let mut out = String::new();
            if let Err(e) = write_json(v, &mut out) {
                return Outcome::ProcessingFailed(e);
            }
            out.into_bytes()
        }
    };
    Outcome::Ok {
        data,
        partition_keys,
    }
}
