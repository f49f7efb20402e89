//! EventBridge event patterns: a JSON object mirroring the event; each leaf is an array of
//! alternatives, any of which may match. Alternatives are exact values (string, number, boolean,
//! null) or a comparison: `{"prefix": …}`, `{"suffix": …}`, `{"equals-ignore-case": …}`,
//! `{"wildcard": "a*b"}`, `{"anything-but": value | [values] | {"prefix"|"suffix": …}}`,
//! `{"numeric": [">", 0, "<=", 5]}`, `{"exists": true|false}`. `"$or": [pattern, …]` matches if
//! any sub-pattern does. An event array matches if any element does. Fields the pattern does not
//! name are ignored. Source: the EventBridge user guide, "Event patterns" (semantics.md is silent
//! on EventBridge).

use serde_json::{Map, Value};

/// Longest pattern (PutRule's `EventPattern`), characters.
pub const MAX_PATTERN_LEN: usize = 4_096;
const MAX_DEPTH: usize = 16;

fn bad(reason: impl std::fmt::Display) -> String {
    format!("Event pattern is not valid. Reason: {reason}")
}

/// Parses and checks a pattern; `Err` is the InvalidEventPatternException message.
pub fn parse(text: &str) -> Result<Value, String> {
    if text.len() > MAX_PATTERN_LEN {
        return Err(bad(format!(
            "the pattern is {} characters; at most {MAX_PATTERN_LEN}",
            text.len()
        )));
    }
    let v: Value = serde_json::from_str(text).map_err(|e| bad(format!("not JSON ({e})")))?;
    let obj = v
        .as_object()
        .ok_or_else(|| bad("the pattern must be a JSON object"))?;
    if obj.is_empty() {
        return Err(bad("the pattern must name at least one field"));
    }
    check_object(obj, 0)?;
    Ok(v)
}

fn check_object(obj: &Map<String, Value>, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(bad(format!("nested deeper than {MAX_DEPTH} levels")));
    }
    for (k, v) in obj {
        if k == "$or" {
            let alts = v
                .as_array()
                .filter(|a| a.len() >= 2)
                .ok_or_else(|| bad("\"$or\" takes an array of at least two patterns"))?;
            for a in alts {
                check_object(
                    a.as_object()
                        .ok_or_else(|| bad("each \"$or\" alternative must be an object"))?,
                    depth + 1,
                )?;
            }
            continue;
        }
        match v {
            Value::Object(inner) => check_object(inner, depth + 1)?,
            Value::Array(alts) => {
                if alts.is_empty() {
                    return Err(bad(format!("Empty arrays are not allowed (field \"{k}\")")));
                }
                for a in alts {
                    check_matcher(k, a)?;
                }
            }
            other => {
                return Err(bad(format!(
                    "Match value must be String, number, true, false, or null: field \"{k}\" has {other} where an array of values was expected"
                )))
            }
        }
    }
    Ok(())
}

fn check_matcher(field: &str, m: &Value) -> Result<(), String> {
    let Value::Object(o) = m else {
        return Ok(());
    };
    let (op, arg) = match o.iter().next() {
        Some(kv) if o.len() == 1 => kv,
        _ => {
            return Err(bad(format!(
                "a comparison in \"{field}\" must have exactly one operator"
            )))
        }
    };
    match op.as_str() {
        "prefix" | "suffix" => match arg {
            Value::String(_) => Ok(()),
            Value::Object(x) if x.len() == 1 && x.get("equals-ignore-case").is_some_and(Value::is_string) => Ok(()),
            _ => Err(bad(format!("{op} match pattern must be a string"))),
        },
        "equals-ignore-case" | "wildcard" => arg.is_string().then_some(()).ok_or_else(|| bad(format!("{op} match pattern must be a string"))),
        "exists" => arg.is_boolean().then_some(()).ok_or_else(|| bad("exists match pattern must be either true or false.")),
        "anything-but" => match arg {
            Value::String(_) | Value::Number(_) => Ok(()),
            Value::Array(a) if !a.is_empty() && a.iter().all(|x| x.is_string() || x.is_number()) => Ok(()),
            Value::Object(x) if x.len() == 1 && (x.get("prefix").is_some_and(Value::is_string) || x.get("suffix").is_some_and(Value::is_string)) => Ok(()),
            _ => Err(bad("Value of anything-but must be an array or single string/number value, or a prefix/suffix")),
        },
        "numeric" => {
            let a = arg.as_array().ok_or_else(|| bad("Value of numeric must be an array."))?;
            if a.is_empty() || a.len() % 2 != 0 || a.len() > 4 {
                return Err(bad("numeric takes one or two (operator, number) pairs"));
            }
            for pair in a.chunks(2) {
                let op = pair[0].as_str().unwrap_or("");
                if !["<", "<=", "=", ">", ">="].contains(&op) {
                    return Err(bad(format!("Unrecognized numeric range operator: {}", pair[0])));
                }
                if !pair[1].is_number() {
                    return Err(bad("Value of numeric range must be a number"));
                }
            }
            Ok(())
        }
        other => Err(bad(format!("Unrecognized match type {other}"))),
    }
}

/// Whether `event` matches the checked `pattern`.
pub fn matches(pattern: &Value, event: &Value) -> bool {
    pattern.as_object().is_some_and(|p| match_object(p, event))
}

fn match_object(p: &Map<String, Value>, event: &Value) -> bool {
    p.iter().all(|(k, v)| {
        if k == "$or" {
            return v.as_array().is_some_and(|alts| {
                alts.iter()
                    .any(|a| a.as_object().is_some_and(|o| match_object(o, event)))
            });
        }
        let field = event.get(k);
        match v {
            Value::Object(inner) => match field {
                Some(Value::Array(items)) => items.iter().any(|i| match_object(inner, i)),
                Some(f) => match_object(inner, f),
                None => false,
            },
            Value::Array(alts) => alts.iter().any(|m| match_leaf(m, field)),
            _ => false,
        }
    })
}

fn match_leaf(m: &Value, field: Option<&Value>) -> bool {
    if let Some(exists) = m.get("exists").and_then(Value::as_bool) {
        if m.as_object().is_some_and(|o| o.len() == 1) {
            let present =
                field.is_some_and(|f| !(f.is_object() || f.as_array().is_some_and(Vec::is_empty)));
            return present == exists;
        }
    }
    match field {
        None => false,
        Some(Value::Array(items)) => items.iter().any(|i| match_value(m, i)),
        Some(f) => match_value(m, f),
    }
}

fn num_eq(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn match_value(m: &Value, v: &Value) -> bool {
    let Value::Object(o) = m else {
        return num_eq(m, v);
    };
    let Some((op, arg)) = o.iter().next() else {
        return false;
    };
    let s = v.as_str();
    match op.as_str() {
        "prefix" | "suffix" => {
            let Some(s) = s else { return false };
            let (pat, fold) = match arg {
                Value::String(p) => (p.clone(), false),
                other => (
                    other["equals-ignore-case"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    true,
                ),
            };
            let (s, pat) = if fold {
                (s.to_lowercase(), pat.to_lowercase())
            } else {
                (s.to_string(), pat)
            };
            if op == "prefix" {
                s.starts_with(&pat)
            } else {
                s.ends_with(&pat)
            }
        }
        "equals-ignore-case" => s.is_some_and(|s| {
            arg.as_str()
                .is_some_and(|a| a.to_lowercase() == s.to_lowercase())
        }),
        "wildcard" => s.is_some_and(|s| {
            crate::engine::logs::pattern::wildcard(arg.as_str().unwrap_or_default(), s)
        }),
        "anything-but" => match arg {
            Value::Array(a) => !a.iter().any(|x| num_eq(x, v)),
            Value::Object(x) => match (
                x.get("prefix").and_then(Value::as_str),
                x.get("suffix").and_then(Value::as_str),
                s,
            ) {
                (Some(p), _, Some(s)) => !s.starts_with(p),
                (_, Some(p), Some(s)) => !s.ends_with(p),
                _ => false,
            },
            single => !num_eq(single, v),
        },
        "numeric" => {
            let Some(x) = v.as_f64() else { return false };
            arg.as_array().is_some_and(|a| {
                a.chunks(2).all(|pair| {
                    let n = pair.get(1).and_then(Value::as_f64).unwrap_or(f64::NAN);
                    match pair[0].as_str().unwrap_or("") {
                        "<" => x < n,
                        "<=" => x <= n,
                        "=" => x == n,
                        ">" => x > n,
                        ">=" => x >= n,
                        _ => false,
                    }
                })
            })
        }
        "exists" => true,
        _ => false,
    }
}
