//! CloudWatch Logs filter patterns (the syntax subscription filters and metric filters share), in
//! their three forms:
//!
//! - **Terms** (unstructured events): `ERROR` (the event contains it; case-sensitive), several
//!   terms all required (`ERROR payments`), `"quoted phrases"`, `-term` excluded, `?a ?b` any of.
//!   An empty pattern matches every event.
//! - **JSON** (`{ $.level = "ERROR" && $.latency_ms > 1000 }`): selectors `$.a.b`, `$.a[0]`;
//!   `=`/`!=` against strings (with `*` wildcards) or numbers, `<`, `<=`, `>`, `>=` against
//!   numbers, `IS TRUE`/`IS FALSE`/`IS NULL`, `NOT EXISTS`; `&&`, `||` and parentheses.
//! - **Space-delimited** (`[ip, user, ..., status = 5*, bytes > 1000]`): the event is split on
//!   spaces, with `"…"` and `[…]` kept whole; `...` matches any number of fields; each named field
//!   may carry one condition as above.
//!
//! An event that is not JSON never matches a JSON pattern. Source: the CloudWatch Logs user guide,
//! "Filter pattern syntax" (semantics.md is silent on CloudWatch Logs).

use serde_json::Value;

use super::pattern_fields::{match_fields, parse_fields, split_fields};
use super::pattern_json::{eval_json, Parser};

/// Longest pattern accepted (PutSubscriptionFilter's `filterPattern` limit).
pub const MAX_PATTERN_LEN: usize = 1_024;
pub(super) const MAX_DEPTH: usize = 32;
/// Matching `...` backtracks; a few keep it linear enough for any event.
pub(super) const MAX_ELLIPSES: usize = 3;

/// A compiled filter pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum FilterPattern {
    /// Term form: every `all` term present, no `none` term present, and (if any) one of `any`.
    Terms {
        /// Required terms.
        all: Vec<String>,
        /// Excluded terms.
        none: Vec<String>,
        /// Alternatives (`?term`).
        any: Vec<String>,
    },
    /// JSON form.
    Json(JsonExpr),
    /// Space-delimited form.
    Delimited(Vec<Field>),
}

/// A JSON pattern expression.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonExpr {
    /// `a && b`.
    And(Box<JsonExpr>, Box<JsonExpr>),
    /// `a || b`.
    Or(Box<JsonExpr>, Box<JsonExpr>),
    /// `$.sel OP value`.
    Cmp(Vec<Step>, Cond),
}

/// One selector step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// `.name`
    Field(String),
    /// `[n]`
    Index(usize),
}

/// A condition on one value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    /// `= "text"` (with `*` wildcards) or `!=`.
    Str(bool, String),
    /// A numeric comparison: operator and number.
    Num(&'static str, f64),
    /// `IS TRUE` / `IS FALSE`.
    Bool(bool),
    /// `IS NULL`.
    Null,
    /// `NOT EXISTS`.
    NotExists,
}

/// One space-delimited field.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    /// `...`: any number of fields.
    Ellipsis,
    /// A named field, with an optional condition.
    Named(String, Option<Cond>),
}

impl FilterPattern {
    /// Compiles a pattern; `Err` explains what is wrong and where.
    pub fn parse(text: &str) -> Result<FilterPattern, String> {
        if text.len() > MAX_PATTERN_LEN {
            return Err(format!(
                "filterPattern is {} characters; at most {MAX_PATTERN_LEN}",
                text.len()
            ));
        }
        let t = text.trim();
        if let Some(body) = t.strip_prefix('{') {
            let body = body
                .strip_suffix('}')
                .ok_or("a JSON filter pattern must end with '}'")?;
            let mut p = Parser::new(body);
            let e = p.or_expr(0)?;
            p.skip_ws();
            if !p.done() {
                return Err(format!("unexpected '{}' in JSON filter pattern", p.rest()));
            }
            return Ok(FilterPattern::Json(e));
        }
        if let Some(body) = t.strip_prefix('[') {
            let body = body
                .strip_suffix(']')
                .ok_or("a space-delimited filter pattern must end with ']'")?;
            return parse_fields(body).map(FilterPattern::Delimited);
        }
        parse_terms(t)
    }

    /// Whether `message` matches.
    pub fn matches(&self, message: &str) -> bool {
        match self {
            FilterPattern::Terms { all, none, any } => {
                all.iter().all(|t| message.contains(t.as_str()))
                    && !none.iter().any(|t| message.contains(t.as_str()))
                    && (any.is_empty() || any.iter().any(|t| message.contains(t.as_str())))
            }
            FilterPattern::Json(e) => serde_json::from_str::<Value>(message)
                .map(|v| v.is_object() && eval_json(e, &v))
                .unwrap_or(false),
            FilterPattern::Delimited(fields) => match_fields(fields, &split_fields(message)),
        }
    }
}

fn parse_terms(t: &str) -> Result<FilterPattern, String> {
    let (mut all, mut none, mut any) = (Vec::new(), Vec::new(), Vec::new());
    let mut chars = t.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        let sink = match c {
            '-' => {
                chars.next();
                &mut none
            }
            '?' => {
                chars.next();
                &mut any
            }
            _ => &mut all,
        };
        let term: String = if chars.peek() == Some(&'"') {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => s.extend(chars.next()),
                    Some(c) => s.push(c),
                    None => return Err("a quoted term is missing its closing '\"'".into()),
                }
            }
            s
        } else {
            let mut s = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                s.push(c);
                chars.next();
            }
            s
        };
        if term.is_empty() {
            return Err("a '-' or '?' must be followed by a term".into());
        }
        sink.push(term);
    }
    if all.is_empty() && any.is_empty() && !none.is_empty() {
        // AWS needs something to match before excluding.
        return Err(
            "a pattern of only excluded terms (-term) matches nothing; add a term to match".into(),
        );
    }
    Ok(FilterPattern::Terms { all, none, any })
}

pub(super) fn compare(op: &str, x: f64, n: f64) -> bool {
    match op {
        "=" => x == n,
        "!=" => x != n,
        "<" => x < n,
        "<=" => x <= n,
        ">" => x > n,
        _ => x >= n,
    }
}

/// `*` matches any run of characters; everything else literally.
pub fn wildcard(pat: &str, s: &str) -> bool {
    let parts: Vec<&str> = pat.split('*').collect();
    if parts.len() == 1 {
        return pat == s;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !s.starts_with(first) || s.len() < first.len() + last.len() || !s.ends_with(last) {
        return false;
    }
    let mut rest = &s[first.len()..s.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}
