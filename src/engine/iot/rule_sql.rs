//! AWS IoT rule SQL (version 2016-03-23): `SELECT <items> FROM '<topic filter>' [WHERE <cond>]`,
//! parsed with the same `sqlparser` the analytics SQL uses. The quoted topic filter is not SQL, so
//! it is lifted out of the token stream first and replaced by a placeholder table name.
//!
//! Items: `*`, JSON fields (`temperature`, `state.reported.temp`), literals, arithmetic
//! (`+ - * / %`), comparisons, `AND`/`OR`/`NOT`, `IS [NOT] NULL`, and the functions `topic()`,
//! `topic(n)`, `clientid()`, `timestamp()`, `newuuid()`, `abs`, `upper`, `lower`, `round`,
//! with `AS` aliases. As in IoT, a field missing from the message is *Undefined*: a comparison
//! with it is Undefined, a WHERE that is not `true` drops the message, and an Undefined item is
//! left out of the result. Source: the AWS IoT developer guide, "AWS IoT SQL reference".

use serde_json::{Map, Number, Value};
use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, SelectItem, SetExpr,
    Statement, UnaryOperator, Value as SqlValue,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::engine::iot::topic::validate_filter;

/// Longest rule SQL accepted.
pub const MAX_SQL_LEN: usize = 4_096;
const PLACEHOLDER: &str = "__iot_topic";

/// A compiled rule statement.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSql {
    /// The topic filter of the FROM clause.
    pub topic_filter: String,
    /// SELECT items: `None` = `*`, else (output name, expression).
    pub items: Vec<Option<(String, Expr)>>,
    /// The WHERE condition.
    pub condition: Option<Expr>,
}

/// What a message is evaluated with.
pub struct Message<'a> {
    /// The topic it was published on.
    pub topic: &'a str,
    /// The publishing client's id.
    pub client_id: &'a str,
    /// The payload as JSON, if it is JSON.
    pub json: Option<&'a Value>,
    /// Publish time, Unix ms.
    pub timestamp: u64,
    /// A fresh UUID for `newuuid()`.
    pub uuid: &'a str,
}

fn err(m: impl Into<String>) -> String {
    m.into()
}

/// Parses a rule statement; `Err` is the SqlParseException message.
pub fn parse(sql: &str) -> Result<RuleSql, String> {
    if sql.len() > MAX_SQL_LEN {
        return Err(format!(
            "the SQL is {} characters; at most {MAX_SQL_LEN}",
            sql.len()
        ));
    }
    let dialect = GenericDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize()
        .map_err(|e| format!("{e}"))?;
    let mut topic_filter = None;
    let mut out = Vec::with_capacity(tokens.len());
    let mut after_from = false;
    for t in tokens {
        match (&t, after_from) {
            (Token::SingleQuotedString(s), true) if topic_filter.is_none() => {
                topic_filter = Some(s.clone());
                out.push(Token::make_word(PLACEHOLDER, None));
            }
            _ => out.push(t.clone()),
        }
        match &t {
            Token::Whitespace(_) => {}
            Token::Word(w) => after_from = w.value.eq_ignore_ascii_case("FROM"),
            _ => after_from = false,
        }
    }
    let topic_filter = topic_filter.ok_or_else(|| {
        err("FROM must name a topic filter in single quotes: SELECT * FROM 'sensors/+/telemetry'")
    })?;
    validate_filter(&topic_filter).map_err(|m| format!("FROM '{topic_filter}': {m}"))?;
    let stmt = Parser::new(&dialect)
        .with_recursion_limit(crate::engine::analytics::sql::RECURSION_LIMIT)
        .with_tokens(out)
        .parse_statement()
        .map_err(|e| {
            e.to_string()
                .replace(PLACEHOLDER, &format!("'{topic_filter}'"))
        })?;
    let Statement::Query(q) = stmt else {
        return Err(err("a rule is one SELECT statement"));
    };
    if q.order_by.is_some() || q.limit_clause.is_some() || q.with.is_some() {
        return Err(err("ORDER BY, LIMIT and WITH are not part of IoT SQL"));
    }
    let SetExpr::Select(s) = *q.body else {
        return Err(err("a rule is one SELECT … FROM '…' [WHERE …]"));
    };
    if s.from.len() != 1 || !s.from[0].joins.is_empty() {
        return Err(err("a rule reads one topic filter, no joins"));
    }
    if s.distinct.is_some()
        || s.having.is_some()
        || !matches!(s.group_by, sqlparser::ast::GroupByExpr::Expressions(ref v, _) if v.is_empty())
    {
        return Err(err("DISTINCT, GROUP BY and HAVING are not part of IoT SQL"));
    }
    let mut items = Vec::new();
    for item in s.projection {
        items.push(match item {
            SelectItem::Wildcard(_) => None,
            SelectItem::UnnamedExpr(e) => Some((default_name(&e), e)),
            SelectItem::ExprWithAlias { expr, alias } => Some((alias.value, expr)),
            other => return Err(format!("unsupported SELECT item {other}")),
        });
    }
    if let Some(c) = &s.selection {
        check(c, 0)?;
    }
    for (_, e) in items.iter().flatten() {
        check(e, 0)?;
    }
    Ok(RuleSql {
        topic_filter,
        items,
        condition: s.selection,
    })
}

/// Parses one substitution-template expression (`topic(2)`, `deviceId`).
pub fn parse_expr(text: &str) -> Result<Expr, String> {
    let dialect = GenericDialect {};
    let e = Parser::new(&dialect)
        .with_recursion_limit(crate::engine::analytics::sql::RECURSION_LIMIT)
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| e.to_string())?;
    check(&e, 0)?;
    Ok(e)
}

fn default_name(e: &Expr) -> String {
    match e {
        Expr::Identifier(i) => i.value.clone(),
        Expr::CompoundIdentifier(parts) => {
            parts.last().map(|p| p.value.clone()).unwrap_or_default()
        }
        Expr::Function(f) => f.name.to_string().to_lowercase(),
        other => other.to_string(),
    }
}

const FUNCTIONS: &[&str] = &[
    "topic",
    "clientid",
    "timestamp",
    "newuuid",
    "abs",
    "upper",
    "lower",
    "round",
];

fn check(e: &Expr, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err(err("the expression is nested too deeply"));
    }
    match e {
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) | Expr::Value(_) => Ok(()),
        Expr::Nested(x) | Expr::IsNull(x) | Expr::IsNotNull(x) => check(x, depth + 1),
        Expr::UnaryOp {
            op: UnaryOperator::Not | UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => check(expr, depth + 1),
        Expr::BinaryOp { left, op, right } => {
            use BinaryOperator::*;
            if !matches!(
                op,
                Plus | Minus
                    | Multiply
                    | Divide
                    | Modulo
                    | Eq
                    | NotEq
                    | Lt
                    | LtEq
                    | Gt
                    | GtEq
                    | And
                    | Or
            ) {
                return Err(format!("operator {op} is not supported"));
            }
            check(left, depth + 1)?;
            check(right, depth + 1)
        }
        Expr::Function(f) => {
            let name = f.name.to_string().to_lowercase();
            if !FUNCTIONS.contains(&name.as_str()) {
                return Err(format!(
                    "function {name}() is not supported; supported: {}",
                    FUNCTIONS
                        .iter()
                        .map(|f| format!("{f}()"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            for a in args(f) {
                check(a, depth + 1)?;
            }
            Ok(())
        }
        other => Err(format!("'{other}' is not supported in IoT SQL here")),
    }
}

fn args(f: &sqlparser::ast::Function) -> Vec<&Expr> {
    match &f.args {
        FunctionArguments::List(l) => l
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

impl RuleSql {
    /// Runs the statement on a message: `None` if WHERE drops it, else the result payload
    /// (`SELECT *` of a non-JSON message passes its bytes through unchanged).
    pub fn apply(&self, m: &Message<'_>, raw: &[u8]) -> Option<Vec<u8>> {
        if let Some(c) = &self.condition {
            if eval(c, m) != Some(Value::Bool(true)) {
                return None;
            }
        }
        if self.items.len() == 1 && self.items[0].is_none() && m.json.is_none() {
            return Some(raw.to_vec());
        }
        let mut out = Map::new();
        for item in &self.items {
            match item {
                None => {
                    if let Some(Value::Object(o)) = m.json {
                        out.extend(o.iter().map(|(k, v)| (k.clone(), v.clone())));
                    }
                }
                Some((name, e)) => {
                    if let Some(v) = eval(e, m) {
                        out.insert(name.clone(), v);
                    }
                }
            }
        }
        Some(Value::Object(out).to_string().into_bytes())
    }
}

fn num(f: f64) -> Option<Value> {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Some(Value::Number(Number::from(f as i64)))
    } else {
        Number::from_f64(f).map(Value::Number)
    }
}

fn truth(v: &Option<Value>) -> Option<bool> {
    v.as_ref().and_then(Value::as_bool)
}

/// Evaluates an expression; `None` is IoT's Undefined.
pub fn eval(e: &Expr, m: &Message<'_>) -> Option<Value> {
    match e {
        Expr::Identifier(i) => m.json?.get(&i.value).cloned(),
        Expr::CompoundIdentifier(parts) => {
            let mut cur = m.json?;
            for p in parts {
                cur = cur.get(&p.value)?;
            }
            Some(cur.clone())
        }
        Expr::Value(v) => match &v.value {
            SqlValue::Number(n, _) => n.parse::<f64>().ok().and_then(num),
            SqlValue::SingleQuotedString(s) | SqlValue::DoubleQuotedString(s) => {
                Some(Value::String(s.clone()))
            }
            SqlValue::Boolean(b) => Some(Value::Bool(*b)),
            SqlValue::Null => Some(Value::Null),
            _ => None,
        },
        Expr::Nested(x) => eval(x, m),
        Expr::IsNull(x) => Some(Value::Bool(matches!(eval(x, m), Some(Value::Null)))),
        Expr::IsNotNull(x) => Some(Value::Bool(matches!(eval(x, m), Some(v) if !v.is_null()))),
        Expr::UnaryOp { op, expr } => {
            let v = eval(expr, m);
            match op {
                UnaryOperator::Not => truth(&v).map(|b| Value::Bool(!b)),
                UnaryOperator::Minus => v?.as_f64().and_then(|f| num(-f)),
                _ => v,
            }
        }
        Expr::BinaryOp { left, op, right } => binary(op, eval(left, m), eval(right, m)),
        Expr::Function(f) => function(f, m),
        _ => None,
    }
}

fn binary(op: &BinaryOperator, l: Option<Value>, r: Option<Value>) -> Option<Value> {
    use BinaryOperator::*;
    match op {
        And => match (truth(&l), truth(&r)) {
            (Some(false), _) | (_, Some(false)) => Some(Value::Bool(false)),
            (Some(true), Some(true)) => Some(Value::Bool(true)),
            _ => None,
        },
        Or => match (truth(&l), truth(&r)) {
            (Some(true), _) | (_, Some(true)) => Some(Value::Bool(true)),
            (Some(false), Some(false)) => Some(Value::Bool(false)),
            _ => None,
        },
        Eq | NotEq | Lt | LtEq | Gt | GtEq => {
            let (l, r) = (l?, r?);
            let ord = match (l.as_f64(), r.as_f64(), l.as_str(), r.as_str()) {
                (Some(a), Some(b), _, _) => a.partial_cmp(&b)?,
                (_, _, Some(a), Some(b)) => a.cmp(b),
                _ => {
                    return match op {
                        Eq => Some(Value::Bool(l == r)),
                        NotEq => Some(Value::Bool(l != r)),
                        _ => None,
                    }
                }
            };
            use std::cmp::Ordering::*;
            Some(Value::Bool(match op {
                Eq => ord == Equal,
                NotEq => ord != Equal,
                Lt => ord == Less,
                LtEq => ord != Greater,
                Gt => ord == Greater,
                _ => ord != Less,
            }))
        }
        _ => {
            let (a, b) = (l?.as_f64()?, r?.as_f64()?);
            let x = match op {
                Plus => a + b,
                Minus => a - b,
                Multiply => a * b,
                Divide if b != 0.0 => a / b,
                Modulo if b != 0.0 => a % b,
                _ => return None,
            };
            num(x)
        }
    }
}

fn function(f: &sqlparser::ast::Function, m: &Message<'_>) -> Option<Value> {
    let name = f.name.to_string().to_lowercase();
    let a = args(f);
    let arg = |i: usize| a.get(i).and_then(|e| eval(e, m));
    match name.as_str() {
        "topic" => match arg(0) {
            None if a.is_empty() => Some(Value::String(m.topic.to_string())),
            Some(n) => {
                let i = n.as_u64()? as usize;
                m.topic
                    .split('/')
                    .nth(i.checked_sub(1)?)
                    .map(|s| Value::String(s.to_string()))
            }
            None => None,
        },
        "clientid" => Some(Value::String(m.client_id.to_string())),
        "timestamp" => Some(Value::Number(m.timestamp.into())),
        "newuuid" => Some(Value::String(m.uuid.to_string())),
        "abs" => arg(0)?.as_f64().and_then(|x| num(x.abs())),
        "round" => arg(0)?.as_f64().and_then(|x| num(x.round())),
        "upper" => Some(Value::String(arg(0)?.as_str()?.to_uppercase())),
        "lower" => Some(Value::String(arg(0)?.as_str()?.to_lowercase())),
        _ => None,
    }
}
