//! The space-delimited form of CloudWatch Logs filter patterns (`[ip, user, ..., status = 5*]`):
//! field lists, splitting an event into fields (`"…"` and `[…]` kept whole) and matching with
//! `...` backtracking (bounded by `MAX_ELLIPSES`).

use super::pattern::{compare, wildcard, Cond, Field, MAX_ELLIPSES};
use super::pattern_json::{condition, Parser};

pub(super) fn parse_fields(body: &str) -> Result<Vec<Field>, String> {
    let mut out = Vec::new();
    for raw in body.split(',') {
        let f = raw.trim();
        if f == "..." {
            out.push(Field::Ellipsis);
            continue;
        }
        let name: String = f
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if name.is_empty() {
            return Err(format!("'{f}' is not a field name (or '...')"));
        }
        let mut p = Parser::new(&f[name.len()..]);
        p.skip_ws();
        let cond = if p.done() {
            None
        } else {
            let c = condition(&mut p)?;
            p.skip_ws();
            if !p.done() {
                return Err(format!(
                    "unexpected '{}' after the condition on {name}",
                    p.rest()
                ));
            }
            Some(c)
        };
        out.push(Field::Named(name, cond));
    }
    if out.is_empty() {
        return Err("a space-delimited pattern needs at least one field".into());
    }
    if out.iter().filter(|f| **f == Field::Ellipsis).count() > MAX_ELLIPSES {
        return Err(format!(
            "at most {MAX_ELLIPSES} '...' in a space-delimited pattern"
        ));
    }
    Ok(out)
}

/// Splits a message on spaces, keeping `"…"` and `[…]` groups whole (without their brackets).
pub(super) fn split_fields(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = message.chars().peekable();
    loop {
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        let close = match c {
            '"' => Some('"'),
            '[' => Some(']'),
            _ => None,
        };
        let mut s = String::new();
        if let Some(close) = close {
            chars.next();
            for c in chars.by_ref() {
                if c == close {
                    break;
                }
                s.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ' ' {
                    break;
                }
                s.push(c);
                chars.next();
            }
        }
        out.push(s);
    }
    out
}

fn field_ok(cond: &Option<Cond>, value: &str) -> bool {
    match cond {
        None => true,
        Some(Cond::Str(eq, pat)) => wildcard(pat, value) == *eq,
        Some(Cond::Num(op, n)) => value.parse::<f64>().is_ok_and(|x| compare(op, x, *n)),
        Some(_) => false,
    }
}

pub(super) fn match_fields(fields: &[Field], values: &[String]) -> bool {
    match fields.split_first() {
        None => values.is_empty(),
        Some((Field::Ellipsis, rest)) => {
            (0..=values.len()).any(|k| match_fields(rest, &values[k..]))
        }
        Some((Field::Named(_, cond), rest)) => values
            .split_first()
            .is_some_and(|(v, tail)| field_ok(cond, v) && match_fields(rest, tail)),
    }
}
