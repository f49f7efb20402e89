//! Runtime values of the transform language: JSON-shaped, cheaply cloned (reference counted,
//! copy-on-write), with a cached nesting depth so that no value can nest deeper than
//! [`MAX_VALUE_DEPTH`] and every recursive walk over a value stays shallow.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::meter::{Meter, Stop};

/// Deepest nesting a runtime value may have (JSON input is already limited to 128 by serde_json).
pub(crate) const MAX_VALUE_DEPTH: u32 = 160;
/// Longest string (and serialised result) in bytes.
pub(crate) const MAX_STRING_BYTES: usize = 1 << 20;
/// Most elements in one array or object.
pub(crate) const MAX_ELEMENTS: usize = 100_000;

/// A value of the language.
#[derive(Clone, Debug)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Array(Rc<Array>),
    Object(Rc<Object>),
}

/// An array and an upper bound of its nesting depth.
#[derive(Clone, Debug, Default)]
pub(crate) struct Array {
    pub items: Vec<Value>,
    pub depth: u32,
}

/// An object (insertion-ordered entries) and an upper bound of its nesting depth.
#[derive(Clone, Debug, Default)]
pub(crate) struct Object {
    pub entries: Vec<(Rc<str>, Value)>,
    pub depth: u32,
}

impl Object {
    /// Index of `key`, charging the linear scan.
    pub fn find(&self, key: &str, m: &mut Meter) -> Result<Option<usize>, Stop> {
        m.work(self.entries.len() as u64)?;
        Ok(self.entries.iter().position(|(k, _)| &**k == key))
    }
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    /// Nesting depth (0 for scalars).
    pub fn depth(&self) -> u32 {
        match self {
            Value::Array(a) => a.depth,
            Value::Object(o) => o.depth,
            _ => 0,
        }
    }

    /// An array from items, checking size and depth.
    pub fn array(items: Vec<Value>) -> Result<Value, String> {
        if items.len() > MAX_ELEMENTS {
            return Err(format!("array longer than {MAX_ELEMENTS} elements"));
        }
        let depth = 1 + items.iter().map(Value::depth).max().unwrap_or(0);
        if depth > MAX_VALUE_DEPTH {
            return Err(format!("value nested deeper than {MAX_VALUE_DEPTH} levels"));
        }
        Ok(Value::Array(Rc::new(Array { items, depth })))
    }

    /// An object from entries (later duplicates replace earlier ones), checking size and depth.
    pub fn object(entries: Vec<(Rc<str>, Value)>) -> Result<Value, String> {
        if entries.len() > MAX_ELEMENTS {
            return Err(format!("object with more than {MAX_ELEMENTS} fields"));
        }
        let mut out: Vec<(Rc<str>, Value)> = Vec::with_capacity(entries.len());
        let mut index: BTreeMap<Rc<str>, usize> = BTreeMap::new();
        for (k, v) in entries {
            match index.get(&k) {
                Some(&i) => out[i].1 = v,
                None => {
                    index.insert(k.clone(), out.len());
                    out.push((k, v));
                }
            }
        }
        let depth = 1 + out.iter().map(|(_, v)| v.depth()).max().unwrap_or(0);
        if depth > MAX_VALUE_DEPTH {
            return Err(format!("value nested deeper than {MAX_VALUE_DEPTH} levels"));
        }
        Ok(Value::Object(Rc::new(Object {
            entries: out,
            depth,
        })))
    }

    /// The name `type_of` reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// JavaScript-like truthiness: null, false, 0, NaN and "" are false.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0 && !f.is_nan(),
            Value::Str(s) => !s.is_empty(),
            Value::Array(_) | Value::Object(_) => true,
        }
    }

    /// The number as f64, if a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// From a parsed JSON value (depth ≤ 128, so the recursion is shallow).
    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::String(s) => Value::str(s),
            serde_json::Value::Array(a) => {
                let items: Vec<Value> = a.iter().map(Value::from_json).collect();
                let depth = 1 + items.iter().map(Value::depth).max().unwrap_or(0);
                Value::Array(Rc::new(Array { items, depth }))
            }
            serde_json::Value::Object(o) => {
                let entries: Vec<(Rc<str>, Value)> = o
                    .iter()
                    .map(|(k, v)| (Rc::from(k.as_str()), Value::from_json(v)))
                    .collect();
                let depth = 1 + entries.iter().map(|(_, v)| v.depth()).max().unwrap_or(0);
                Value::Object(Rc::new(Object { entries, depth }))
            }
        }
    }
}

/// Parses text as JSON into a value (None if not JSON).
pub(crate) fn parse_json(text: &str) -> Option<Value> {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .map(|v| Value::from_json(&v))
}

/// Compact JSON of `v` into `out`, failing once `out` would exceed [`MAX_STRING_BYTES`]
/// (shared sub-values could otherwise expand exponentially).
pub(crate) fn write_json(v: &Value, out: &mut String) -> Result<(), String> {
    if out.len() > MAX_STRING_BYTES {
        return Err(format!("result larger than {MAX_STRING_BYTES} bytes"));
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => match serde_json::Number::from_f64(*f) {
            Some(n) => out.push_str(&serde_json::to_string(&n).unwrap_or_default()),
            None => out.push_str("null"),
        },
        Value::Str(s) => write_str(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, item)) in o.entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k, out);
                out.push(':');
                write_json(item, out)?;
            }
            out.push('}');
        }
    }
    if out.len() > MAX_STRING_BYTES {
        return Err(format!("result larger than {MAX_STRING_BYTES} bytes"));
    }
    Ok(())
}

fn write_str(s: &str, out: &mut String) {
    // serde_json's escaping of a plain string cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// Strings as their text, everything else as compact JSON; charges the output length.
pub(crate) fn to_text(v: &Value, m: &mut Meter) -> Result<String, Stop> {
    let out = match v {
        Value::Str(s) => s.to_string(),
        _ => {
            let mut out = String::new();
            write_json(v, &mut out).map_err(|e| m.error(e))?;
            out
        }
    };
    m.work(out.len() as u64)?;
    Ok(out)
}

/// Deep equality (numbers numerically), charging one unit per node compared.
pub(crate) fn deep_eq(a: &Value, b: &Value, m: &mut Meter) -> Result<bool, Stop> {
    m.work(1)?;
    Ok(match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            a.as_f64() == b.as_f64()
        }
        (Value::Str(x), Value::Str(y)) => {
            m.work(x.len().min(y.len()) as u64 / 8)?;
            x == y
        }
        (Value::Array(x), Value::Array(y)) => {
            if Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            if x.items.len() != y.items.len() {
                return Ok(false);
            }
            for (p, q) in x.items.iter().zip(&y.items) {
                if !deep_eq(p, q, m)? {
                    return Ok(false);
                }
            }
            true
        }
        (Value::Object(x), Value::Object(y)) => {
            if Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            if x.entries.len() != y.entries.len() {
                return Ok(false);
            }
            for (k, p) in &x.entries {
                match y.find(k, m)? {
                    Some(i) => {
                        if !deep_eq(p, &y.entries[i].1, m)? {
                            return Ok(false);
                        }
                    }
                    None => return Ok(false),
                }
            }
            true
        }
        _ => false,
    })
}

/// Ordering for `< <= > >=`: numbers numerically, strings lexically; anything else is `None`.
pub(crate) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            a.as_f64()?.partial_cmp(&b.as_f64()?)
        }
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        _ => None,
    }
}
