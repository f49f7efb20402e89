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

/// Longest pattern accepted (PutSubscriptionFilter's `filterPattern` limit).
pub const MAX_PATTERN_LEN: usize = 1_024;
const MAX_DEPTH: usize = 32;
/// Matching `...` backtracks; a few keep it linear enough for any event.
const MAX_ELLIPSES: usize = 3;

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

struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Parser<'a> {
        Parser { s, i: 0 }
    }
    fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }
    fn done(&self) -> bool {
        self.i >= self.s.len()
    }
    fn skip_ws(&mut self) {
        while self.rest().starts_with(|c: char| c.is_whitespace()) {
            self.i += self.rest().chars().next().map_or(1, char::len_utf8);
        }
    }
    fn eat(&mut self, tok: &str) -> bool {
        self.skip_ws();
        if self.rest().starts_with(tok) {
            self.i += tok.len();
            true
        } else {
            false
        }
    }
    fn eat_word(&mut self, w: &str) -> bool {
        self.skip_ws();
        let r = self.rest();
        let head = r.get(..w.len());
        if head.is_some_and(|h| h.eq_ignore_ascii_case(w))
            && !r[w.len()..].starts_with(|c: char| c.is_alphanumeric())
        {
            self.i += w.len();
            true
        } else {
            false
        }
    }

    fn or_expr(&mut self, depth: usize) -> Result<JsonExpr, String> {
        let mut left = self.and_expr(depth)?;
        while self.eat("||") {
            left = JsonExpr::Or(Box::new(left), Box::new(self.and_expr(depth)?));
        }
        Ok(left)
    }
    fn and_expr(&mut self, depth: usize) -> Result<JsonExpr, String> {
        let mut left = self.atom(depth)?;
        while self.eat("&&") {
            left = JsonExpr::And(Box::new(left), Box::new(self.atom(depth)?));
        }
        Ok(left)
    }
    fn atom(&mut self, depth: usize) -> Result<JsonExpr, String> {
        if depth > MAX_DEPTH {
            return Err(format!("parentheses nested deeper than {MAX_DEPTH}"));
        }
        if self.eat("(") {
            let e = self.or_expr(depth + 1)?;
            if !self.eat(")") {
                return Err("a '(' is missing its ')'".into());
            }
            return Ok(e);
        }
        if !self.eat("$") {
            return Err(format!(
                "expected a selector like $.level, found '{}'",
                self.rest().trim()
            ));
        }
        let sel = self.selector()?;
        let cond = self.condition()?;
        Ok(JsonExpr::Cmp(sel, cond))
    }
    fn selector(&mut self) -> Result<Vec<Step>, String> {
        let mut steps = Vec::new();
        loop {
            if self.rest().starts_with('.') {
                self.i += 1;
                let name: String = self
                    .rest()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '@')
                    .collect();
                if name.is_empty() {
                    return Err("a '.' in a selector must be followed by a field name".into());
                }
                self.i += name.len();
                steps.push(Step::Field(name));
            } else if self.rest().starts_with('[') {
                self.i += 1;
                let digits: String = self
                    .rest()
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                self.i += digits.len();
                let n = digits
                    .parse::<usize>()
                    .map_err(|_| "an array index must be a number like [0]")?;
                if !self.rest().starts_with(']') {
                    return Err("an array index is missing its ']'".into());
                }
                self.i += 1;
                steps.push(Step::Index(n));
            } else {
                break;
            }
        }
        if steps.is_empty() {
            return Err("a selector needs a field: $.name".into());
        }
        Ok(steps)
    }
    fn condition(&mut self) -> Result<Cond, String> {
        condition(self)
    }
}

fn condition(p: &mut Parser<'_>) -> Result<Cond, String> {
    if p.eat_word("IS") {
        return if p.eat_word("TRUE") {
            Ok(Cond::Bool(true))
        } else if p.eat_word("FALSE") {
            Ok(Cond::Bool(false))
        } else if p.eat_word("NULL") {
            Ok(Cond::Null)
        } else {
            Err("IS must be followed by TRUE, FALSE or NULL".into())
        };
    }
    if p.eat_word("NOT") {
        return if p.eat_word("EXISTS") {
            Ok(Cond::NotExists)
        } else {
            Err("NOT must be followed by EXISTS".into())
        };
    }
    let op = ["!=", "<=", ">=", "=", "<", ">"]
        .into_iter()
        .find(|op| p.eat(op))
        .ok_or_else(|| {
            format!(
                "expected =, !=, <, <=, >, >=, IS or NOT EXISTS, found '{}'",
                p.rest().trim()
            )
        })?;
    p.skip_ws();
    let value = literal(p)?;
    match (op, value) {
        ("=" | "!=", Lit::Str(s)) => Ok(Cond::Str(op == "=", s)),
        (_, Lit::Num(n)) => Ok(Cond::Num(op, n)),
        (_, Lit::Str(s)) => Err(format!("{op} compares numbers; '{s}' is a string")),
    }
}

enum Lit {
    Str(String),
    Num(f64),
}

fn literal(p: &mut Parser<'_>) -> Result<Lit, String> {
    let r = p.rest();
    if let Some(body) = r.strip_prefix('"') {
        let end = body
            .find('"')
            .ok_or("a string is missing its closing '\"'")?;
        p.i += end + 2;
        return Ok(Lit::Str(body[..end].to_string()));
    }
    let word: String = r
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ')' | '&' | '|' | ',' | ']'))
        .collect();
    if word.is_empty() {
        return Err("a comparison needs a value".into());
    }
    p.i += word.len();
    Ok(match word.parse::<f64>() {
        Ok(n) if n.is_finite() => Lit::Num(n),
        _ => Lit::Str(word),
    })
}

fn select<'v>(v: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    let mut cur = v;
    for s in steps {
        cur = match s {
            Step::Field(f) => cur.get(f)?,
            Step::Index(i) => cur.get(*i)?,
        };
    }
    Some(cur)
}

fn eval_json(e: &JsonExpr, v: &Value) -> bool {
    match e {
        JsonExpr::And(a, b) => eval_json(a, v) && eval_json(b, v),
        JsonExpr::Or(a, b) => eval_json(a, v) || eval_json(b, v),
        JsonExpr::Cmp(sel, cond) => {
            let found = select(v, sel);
            match cond {
                Cond::NotExists => found.is_none(),
                Cond::Null => found.is_some_and(Value::is_null),
                Cond::Bool(b) => found.and_then(Value::as_bool) == Some(*b),
                Cond::Str(eq, pat) => match found {
                    Some(Value::String(s)) => wildcard(pat, s) == *eq,
                    Some(Value::Number(n)) => wildcard(pat, &n.to_string()) == *eq,
                    Some(_) => !*eq,
                    None => false,
                },
                Cond::Num(op, n) => found
                    .and_then(|x| x.as_f64().or_else(|| x.as_str()?.parse().ok()))
                    .is_some_and(|x| compare(op, x, *n)),
            }
        }
    }
}

fn compare(op: &str, x: f64, n: f64) -> bool {
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

fn parse_fields(body: &str) -> Result<Vec<Field>, String> {
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
fn split_fields(message: &str) -> Vec<String> {
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

fn match_fields(fields: &[Field], values: &[String]) -> bool {
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
