//! The built-in functions a script may call. All are pure and deterministic (no clock, no
//! randomness, no I/O); each costs one operation plus one per 64 bytes or elements it handles.

use std::rc::Rc;

use super::meter::{Meter, Stop};
use super::value::{self, deep_eq, Value, MAX_ELEMENTS, MAX_STRING_BYTES};

/// A built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Func {
    Upper,
    Lower,
    Trim,
    Len,
    Contains,
    StartsWith,
    EndsWith,
    Split,
    Join,
    Replace,
    Substr,
    ToNumber,
    ToString,
    ParseJson,
    ToJson,
    Keys,
    Values,
    Has,
    TypeOf,
    Round,
    Floor,
    Ceil,
    Abs,
    Min,
    Max,
    Push,
}

const TABLE: &[(&str, Func, usize, usize)] = &[
    ("upper", Func::Upper, 1, 1),
    ("lower", Func::Lower, 1, 1),
    ("trim", Func::Trim, 1, 1),
    ("len", Func::Len, 1, 1),
    ("contains", Func::Contains, 2, 2),
    ("starts_with", Func::StartsWith, 2, 2),
    ("ends_with", Func::EndsWith, 2, 2),
    ("split", Func::Split, 2, 2),
    ("join", Func::Join, 2, 2),
    ("replace", Func::Replace, 3, 3),
    ("substr", Func::Substr, 2, 3),
    ("to_number", Func::ToNumber, 1, 1),
    ("to_string", Func::ToString, 1, 1),
    ("parse_json", Func::ParseJson, 1, 1),
    ("to_json", Func::ToJson, 1, 1),
    ("keys", Func::Keys, 1, 1),
    ("values", Func::Values, 1, 1),
    ("has", Func::Has, 2, 2),
    ("type_of", Func::TypeOf, 1, 1),
    ("round", Func::Round, 1, 1),
    ("floor", Func::Floor, 1, 1),
    ("ceil", Func::Ceil, 1, 1),
    ("abs", Func::Abs, 1, 1),
    ("min", Func::Min, 1, usize::MAX),
    ("max", Func::Max, 1, usize::MAX),
    ("push", Func::Push, 2, 2),
];

/// The function called `name`, with its minimum and maximum argument count.
pub(crate) fn lookup(name: &str) -> Option<(Func, usize, usize)> {
    TABLE
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, f, min, max)| (*f, *min, *max))
}

fn name_of(f: Func) -> &'static str {
    TABLE
        .iter()
        .find(|(_, g, ..)| *g == f)
        .map(|(n, ..)| *n)
        .unwrap_or("?")
}

fn string(s: String, m: &Meter) -> Result<Value, Stop> {
    if s.len() > MAX_STRING_BYTES {
        return Err(m.error(format!("string longer than {MAX_STRING_BYTES} bytes")));
    }
    Ok(Value::Str(Rc::from(s)))
}

fn float_to_int(f: f64) -> Value {
    if f.is_finite() && f.abs() < 9.0e15 {
        Value::Int(f as i64)
    } else {
        Value::Float(f)
    }
}

/// Calls `f` on evaluated arguments (the count was checked at compile time).
pub(crate) fn call(f: Func, args: Vec<Value>, m: &mut Meter) -> Result<Value, Stop> {
    m.ops(1)?;
    let name = name_of(f);
    let bad = |m: &Meter, i: usize, want: &str, args: &[Value]| -> Stop {
        let got = args.get(i).map(Value::type_name).unwrap_or("nothing");
        m.error(format!(
            "{name}() expects {want} as argument {}, got {got}",
            i + 1
        ))
    };
    let s = |i: usize| match args.get(i) {
        Some(Value::Str(s)) => Some(s.clone()),
        _ => None,
    };
    // Strings handled by the call are charged by length.
    for a in &args {
        if let Value::Str(x) = a {
            m.work(x.len() as u64)?;
        }
    }
    Ok(match f {
        Func::Upper | Func::Lower | Func::Trim => {
            let Some(x) = s(0) else {
                return Err(bad(m, 0, "a string", &args));
            };
            match f {
                Func::Upper => string(x.to_uppercase(), m)?,
                Func::Lower => string(x.to_lowercase(), m)?,
                _ => Value::str(x.trim()),
            }
        }
        Func::Len => match &args[0] {
            Value::Str(x) => Value::Int(x.chars().count() as i64),
            Value::Array(a) => Value::Int(a.items.len() as i64),
            Value::Object(o) => Value::Int(o.entries.len() as i64),
            Value::Null => Value::Int(0),
            _ => return Err(bad(m, 0, "a string, array or object", &args)),
        },
        Func::Contains => match (&args[0], &args[1]) {
            (Value::Str(h), Value::Str(n)) => Value::Bool(h.contains(&**n)),
            (Value::Array(a), x) => {
                m.work(a.items.len() as u64)?;
                let mut found = false;
                for item in &a.items {
                    if deep_eq(item, x, m)? {
                        found = true;
                        break;
                    }
                }
                Value::Bool(found)
            }
            (Value::Object(o), Value::Str(k)) => Value::Bool(o.find(k, m)?.is_some()),
            (Value::Null, _) => Value::Bool(false),
            _ => return Err(bad(m, 0, "a string, array or object", &args)),
        },
        Func::StartsWith | Func::EndsWith => match (s(0), s(1)) {
            (Some(x), Some(p)) if f == Func::StartsWith => Value::Bool(x.starts_with(&*p)),
            (Some(x), Some(p)) => Value::Bool(x.ends_with(&*p)),
            (None, _) => return Err(bad(m, 0, "a string", &args)),
            _ => return Err(bad(m, 1, "a string", &args)),
        },
        Func::Split => {
            let (Some(x), Some(sep)) = (s(0), s(1)) else {
                return Err(bad(m, usize::from(s(0).is_some()), "a string", &args));
            };
            let parts: Vec<&str> = if sep.is_empty() {
                x.char_indices()
                    .map(|(i, c)| &x[i..i + c.len_utf8()])
                    .take(MAX_ELEMENTS + 1)
                    .collect()
            } else {
                x.split(&*sep).take(MAX_ELEMENTS + 1).collect()
            };
            m.work(parts.len() as u64)?;
            Value::array(parts.into_iter().map(Value::str).collect()).map_err(|e| m.error(e))?
        }
        Func::Join => {
            let (Value::Array(a), Some(sep)) = (&args[0], s(1)) else {
                return Err(match &args[0] {
                    Value::Array(_) => bad(m, 1, "a string", &args),
                    _ => bad(m, 0, "an array", &args),
                });
            };
            let mut out = String::new();
            for (i, item) in a.items.iter().enumerate() {
                if i > 0 {
                    out.push_str(&sep);
                }
                out.push_str(&value::to_text(item, m)?);
                if out.len() > MAX_STRING_BYTES {
                    return Err(m.error(format!("string longer than {MAX_STRING_BYTES} bytes")));
                }
            }
            string(out, m)?
        }
        Func::Replace => {
            let (Some(x), Some(from), Some(to)) = (s(0), s(1), s(2)) else {
                let i = [s(0), s(1), s(2)]
                    .iter()
                    .position(Option::is_none)
                    .unwrap_or(0);
                return Err(bad(m, i, "a string", &args));
            };
            if from.is_empty() {
                return Err(m.error("replace() cannot replace an empty string"));
            }
            let n = x.matches(&*from).count();
            let size = x.len() - n * from.len() + n.saturating_mul(to.len());
            if size > MAX_STRING_BYTES {
                return Err(m.error(format!("string longer than {MAX_STRING_BYTES} bytes")));
            }
            m.work(size as u64)?;
            string(x.replace(&*from, &to), m)?
        }
        Func::Substr => {
            let Some(x) = s(0) else {
                return Err(bad(m, 0, "a string", &args));
            };
            let int = |i: usize| match args.get(i) {
                Some(Value::Int(n)) => Some(Some(*n)),
                None => Some(None),
                _ => None,
            };
            let (Some(Some(start)), Some(count)) = (int(1), int(2)) else {
                let i = if int(1).flatten().is_none() { 1 } else { 2 };
                return Err(bad(m, i, "an integer", &args));
            };
            let start = start.max(0) as usize;
            let count = count.map(|c| c.max(0) as usize).unwrap_or(usize::MAX);
            Value::str(&x.chars().skip(start).take(count).collect::<String>())
        }
        Func::ToNumber => match &args[0] {
            Value::Int(_) | Value::Float(_) => args[0].clone(),
            Value::Bool(b) => Value::Int(i64::from(*b)),
            Value::Str(x) => {
                let t = x.trim();
                match t.parse::<i64>() {
                    Ok(i) => Value::Int(i),
                    Err(_) => match t.parse::<f64>() {
                        Ok(f) if f.is_finite() => Value::Float(f),
                        _ => Value::Null,
                    },
                }
            }
            _ => Value::Null,
        },
        Func::ToString => string(value::to_text(&args[0], m)?, m)?,
        Func::ToJson => {
            let mut out = String::new();
            value::write_json(&args[0], &mut out).map_err(|e| m.error(e))?;
            m.work(out.len() as u64)?;
            string(out, m)?
        }
        Func::ParseJson => {
            let Some(x) = s(0) else {
                return Err(bad(m, 0, "a string", &args));
            };
            match serde_json::from_str::<serde_json::Value>(&x) {
                Ok(v) => Value::from_json(&v),
                Err(e) => return Err(m.error(format!("parse_json(): {e}"))),
            }
        }
        Func::Keys | Func::Values => match &args[0] {
            Value::Object(o) => {
                m.work(o.entries.len() as u64)?;
                let items = o
                    .entries
                    .iter()
                    .map(|(k, v)| match f {
                        Func::Keys => Value::Str(k.clone()),
                        _ => v.clone(),
                    })
                    .collect();
                Value::array(items).map_err(|e| m.error(e))?
            }
            Value::Null => Value::array(Vec::new()).map_err(|e| m.error(e))?,
            _ => return Err(bad(m, 0, "an object", &args)),
        },
        Func::Has => match (&args[0], s(1)) {
            (Value::Object(o), Some(k)) => Value::Bool(o.find(&k, m)?.is_some()),
            (Value::Null, Some(_)) => Value::Bool(false),
            (Value::Object(_) | Value::Null, None) => return Err(bad(m, 1, "a string", &args)),
            _ => return Err(bad(m, 0, "an object", &args)),
        },
        Func::TypeOf => Value::str(args[0].type_name()),
        Func::Round | Func::Floor | Func::Ceil | Func::Abs => match &args[0] {
            Value::Int(i) => match f {
                Func::Abs => i
                    .checked_abs()
                    .map(Value::Int)
                    .unwrap_or(Value::Float(-(*i as f64))),
                _ => Value::Int(*i),
            },
            Value::Float(x) => match f {
                Func::Round => float_to_int(x.round()),
                Func::Floor => float_to_int(x.floor()),
                Func::Ceil => float_to_int(x.ceil()),
                _ => Value::Float(x.abs()),
            },
            _ => return Err(bad(m, 0, "a number", &args)),
        },
        Func::Min | Func::Max => {
            let items: &[Value] = match (&args[..], &args[0]) {
                ([_], Value::Array(a)) => &a.items,
                _ => &args,
            };
            m.work(items.len() as u64)?;
            let mut best: Option<&Value> = None;
            for (i, v) in items.iter().enumerate() {
                let Some(x) = v.as_f64() else {
                    return Err(m.error(format!(
                        "{name}() expects numbers, got {} at position {}",
                        v.type_name(),
                        i + 1
                    )));
                };
                let better = match best.and_then(Value::as_f64) {
                    None => true,
                    Some(b) => (f == Func::Min && x < b) || (f == Func::Max && x > b),
                };
                if better {
                    best = Some(v);
                }
            }
            best.cloned().unwrap_or(Value::Null)
        }
        Func::Push => match &args[0] {
            Value::Array(a) => {
                m.work(a.items.len() as u64)?;
                let mut items = a.items.clone();
                items.push(args[1].clone());
                Value::array(items).map_err(|e| m.error(e))?
            }
            _ => return Err(bad(m, 0, "an array", &args)),
        },
    })
}
