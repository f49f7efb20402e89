//! Built-in transforms offered in the UI (semantics.md §4.3): no code, one click each.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::Outcome;

/// A comparison operator of [`BuiltinTransform::DropWhere`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CompareOp {
    /// The operator as written (`"=="` …).
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }

    /// Parses `"=="`, `"!="`, `"<"`, `"<="`, `">"` or `">="`.
    pub fn parse(s: &str) -> Option<CompareOp> {
        [
            CompareOp::Eq,
            CompareOp::Ne,
            CompareOp::Lt,
            CompareOp::Le,
            CompareOp::Gt,
            CompareOp::Ge,
        ]
        .into_iter()
        .find(|op| op.as_str() == s)
    }

    /// Whether `left op right` holds: numbers compare numerically, strings lexically, `==`/`!=`
    /// are JSON equality for everything else; an ordering between other types never holds.
    pub fn holds(self, left: &Value, right: &Value) -> bool {
        let ord = match (left, right) {
            (Value::Number(a), Value::Number(b)) => match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => Some(x.cmp(&y)),
                _ => a
                    .as_f64()
                    .zip(b.as_f64())
                    .and_then(|(x, y)| x.partial_cmp(&y)),
            },
            (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
            _ => None,
        };
        match (self, ord) {
            (CompareOp::Eq, Some(o)) => o == Ordering::Equal,
            (CompareOp::Ne, Some(o)) => o != Ordering::Equal,
            (CompareOp::Eq, None) => left == right,
            (CompareOp::Ne, None) => left != right,
            (CompareOp::Lt, Some(o)) => o.is_lt(),
            (CompareOp::Le, Some(o)) => o.is_le(),
            (CompareOp::Gt, Some(o)) => o.is_gt(),
            (CompareOp::Ge, Some(o)) => o.is_ge(),
            (_, None) => false,
        }
    }
}

/// A built-in transform.
#[derive(Clone, Debug, PartialEq)]
pub enum BuiltinTransform {
    /// Keep only these top-level JSON fields (in the record's order).
    KeepFields(Vec<String>),
    /// Rename top-level JSON field `from` to `to`, keeping its position (a no-op if missing).
    RenameField {
        /// The field's current name.
        from: String,
        /// Its new name (an existing field of that name is replaced).
        to: String,
    },
    /// Append "\n" unless the data already ends with one.
    AppendNewline,
    /// Uppercase (Unicode) the whole payload text.
    Uppercase,
    /// Drop the record when JSON field `field` compares to `value` with `op` (a missing field is
    /// null); otherwise pass the record through unchanged.
    DropWhere {
        /// The top-level field.
        field: String,
        /// The comparison.
        op: CompareOp,
        /// The value compared against.
        value: Value,
    },
}

fn text_field(v: &Value, name: &str) -> Result<String, String> {
    match v.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(format!("{name} must be a string")),
        None => Err(format!("missing {name}")),
    }
}

impl BuiltinTransform {
    /// Reads the UI/API form, e.g. `{"Type":"KeepFields","Fields":["a","b"]}`,
    /// `{"Type":"RenameField","From":"a","To":"b"}`, `{"Type":"AppendNewline"}`,
    /// `{"Type":"Uppercase"}`, `{"Type":"DropWhere","Field":"level","Op":"==","Value":"DEBUG"}`.
    pub fn from_json(v: &Value) -> Result<BuiltinTransform, String> {
        let kind = text_field(v, "Type")?;
        Ok(match kind.as_str() {
            "KeepFields" => {
                let Some(Value::Array(items)) = v.get("Fields") else {
                    return Err("KeepFields needs Fields (an array of strings)".into());
                };
                let mut fields = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::String(s) => fields.push(s.clone()),
                        _ => return Err("KeepFields: Fields must be strings".into()),
                    }
                }
                BuiltinTransform::KeepFields(fields)
            }
            "RenameField" => BuiltinTransform::RenameField {
                from: text_field(v, "From")?,
                to: text_field(v, "To")?,
            },
            "AppendNewline" => BuiltinTransform::AppendNewline,
            "Uppercase" => BuiltinTransform::Uppercase,
            "DropWhere" => {
                let op = text_field(v, "Op")?;
                BuiltinTransform::DropWhere {
                    field: text_field(v, "Field")?,
                    op: CompareOp::parse(&op)
                        .ok_or_else(|| format!("unknown Op {op:?} (use ==, !=, <, <=, > or >=)"))?,
                    value: v.get("Value").cloned().ok_or("missing Value")?,
                }
            }
            other => return Err(format!("unknown transform Type {other:?}")),
        })
    }

    /// The UI/API form (the inverse of [`BuiltinTransform::from_json`]).
    pub fn to_json(&self) -> Value {
        match self {
            BuiltinTransform::KeepFields(fields) => json!({"Type": "KeepFields", "Fields": fields}),
            BuiltinTransform::RenameField { from, to } => {
                json!({"Type": "RenameField", "From": from, "To": to})
            }
            BuiltinTransform::AppendNewline => json!({"Type": "AppendNewline"}),
            BuiltinTransform::Uppercase => json!({"Type": "Uppercase"}),
            BuiltinTransform::DropWhere { field, op, value } => {
                json!({"Type": "DropWhere", "Field": field, "Op": op.as_str(), "Value": value})
            }
        }
    }

    /// Applies the transform to one record's payload.
    pub fn apply(&self, data: &[u8]) -> Outcome {
        let ok = |data: Vec<u8>| Outcome::Ok {
            data,
            partition_keys: BTreeMap::new(),
        };
        match self {
            BuiltinTransform::AppendNewline => {
                let mut out = data.to_vec();
                if !out.ends_with(b"\n") {
                    out.push(b'\n');
                }
                ok(out)
            }
            BuiltinTransform::Uppercase => {
                ok(String::from_utf8_lossy(data).to_uppercase().into_bytes())
            }
            BuiltinTransform::KeepFields(fields) => match parse_object(data) {
                Ok(map) => {
                    let kept: Map<String, Value> = map
                        .into_iter()
                        .filter(|(k, _)| fields.contains(k))
                        .collect();
                    ok(emit(kept, data))
                }
                Err(e) => Outcome::ProcessingFailed(e),
            },
            BuiltinTransform::RenameField { from, to } => match parse_object(data) {
                Ok(map) => {
                    let present = map.contains_key(from);
                    let mut out = Map::new();
                    for (k, v) in map {
                        if k == *from {
                            out.insert(to.clone(), v);
                        } else if !(present && k == *to) {
                            out.insert(k, v);
                        }
                    }
                    ok(emit(out, data))
                }
                Err(e) => Outcome::ProcessingFailed(e),
            },
            BuiltinTransform::DropWhere { field, op, value } => match parse_object(data) {
                Ok(map) => {
                    if op.holds(map.get(field).unwrap_or(&Value::Null), value) {
                        Outcome::Dropped
                    } else {
                        ok(data.to_vec())
                    }
                }
                Err(e) => Outcome::ProcessingFailed(e),
            },
        }
    }
}

/// The payload as a JSON object, or the `ProcessingFailed` reason.
fn parse_object(data: &[u8]) -> Result<Map<String, Value>, String> {
    let text =
        std::str::from_utf8(data).map_err(|e| format!("record is not a JSON object: {e}"))?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(format!(
            "record is not a JSON object: it is {}",
            match other {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                _ => "null",
            }
        )),
        Err(e) => Err(format!("record is not a JSON object: {e}")),
    }
}

/// Compact JSON, plus "\n" if the input ended with one.
fn emit(map: Map<String, Value>, input: &[u8]) -> Vec<u8> {
    let mut out = serde_json::to_vec(&Value::Object(map)).unwrap_or_default();
    if input.ends_with(b"\n") {
        out.push(b'\n');
    }
    out
}
