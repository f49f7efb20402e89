//! The JSON form of CloudWatch Logs filter patterns (`{ $.level = "ERROR" && $.n > 1 }`): a
//! small recursive-descent parser (also used for the conditions of space-delimited fields) and
//! its evaluation on a parsed event.

use serde_json::Value;

use super::pattern::{compare, wildcard, Cond, JsonExpr, Step, MAX_DEPTH};

pub(super) struct Parser<'a> {
    s: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(s: &'a str) -> Parser<'a> {
        Parser { s, i: 0 }
    }
    pub(super) fn rest(&self) -> &'a str {
        &self.s[self.i..]
    }
    pub(super) fn done(&self) -> bool {
        self.i >= self.s.len()
    }
    pub(super) fn skip_ws(&mut self) {
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

    pub(super) fn or_expr(&mut self, depth: usize) -> Result<JsonExpr, String> {
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

pub(super) fn condition(p: &mut Parser<'_>) -> Result<Cond, String> {
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

pub(super) fn eval_json(e: &JsonExpr, v: &Value) -> bool {
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
