//! Rows of a streaming job: a Kinesis record's data parsed as a JSON object, its timestamp, its
//! key, and the `WHERE` filter evaluated on it.

use serde_json::Value;

use crate::engine::analytics::spec::{CmpOp, ColumnType, Predicate, SourceTable};

/// Parses a record's data as a JSON object (a row); anything else is `None` (Flink's JSON format
/// would fail the job or skip the record with `json.ignore-parse-errors`; the playground skips it
/// and counts it).
pub fn parse_row(data: &[u8]) -> Option<Value> {
    match serde_json::from_slice::<Value>(data) {
        Ok(v @ Value::Object(_)) => Some(v),
        _ => None,
    }
}

/// The value of `col` in `row`, case-insensitively.
pub fn field<'a>(row: &'a Value, col: &str) -> &'a Value {
    let Some(m) = row.as_object() else {
        return &Value::Null;
    };
    m.get(col)
        .or_else(|| {
            m.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(col))
                .map(|(_, v)| v)
        })
        .unwrap_or(&Value::Null)
}

/// A timestamp column's value in epoch milliseconds: a number (milliseconds) or an ISO-8601 /
/// `yyyy-MM-dd HH:mm:ss[.SSS]` string (UTC unless it carries an offset).
pub fn timestamp_ms(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        Value::String(s) => parse_iso(s.trim()),
        _ => None,
    }
}

fn digits(s: &str) -> Option<i64> {
    (!s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn parse_iso(s: &str) -> Option<i64> {
    let (date, rest) = s.split_at(s.find(['T', ' ']).unwrap_or(s.len()));
    let mut d = date.split('-');
    let (y, mo, da) = (digits(d.next()?)?, digits(d.next()?)?, digits(d.next()?)?);
    if d.next().is_some() || !(1..=12).contains(&mo) || !(1..=31).contains(&da) {
        return None;
    }
    let rest = rest.get(1..).unwrap_or("");
    let (time, offset_ms) = if let Some(t) = rest.strip_suffix('Z') {
        (t, 0)
    } else if let Some(pos) = rest.rfind(['+', '-']).filter(|p| *p >= 5) {
        let (t, off) = rest.split_at(pos);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let off = off[1..].replace(':', "");
        let (h, m) = (
            digits(off.get(..2)?)?,
            digits(off.get(2..).filter(|x| !x.is_empty()).unwrap_or("00"))?,
        );
        (t, sign * (h * 3_600_000 + m * 60_000))
    } else {
        (rest, 0)
    };
    let mut ms = 0i64;
    if !time.is_empty() {
        let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
        let mut p = hms.split(':');
        let h = digits(p.next()?)?;
        let mi = digits(p.next().unwrap_or("0"))?;
        let se = digits(p.next().unwrap_or("0"))?;
        if h > 23 || mi > 59 || se > 60 {
            return None;
        }
        let frac_ms = if frac.is_empty() {
            0
        } else {
            digits(&format!("{:0<3}", &frac[..frac.len().min(3)]))?
        };
        ms = ((h * 60 + mi) * 60 + se) * 1000 + frac_ms;
    }
    Some(days_from_civil(y, mo, da) * 86_400_000 + ms - offset_ms)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The grouping key of a row: the key columns' values as a JSON array text (`["acme",3]`, missing
/// as `null`), lossless so results can show each key column; `""` without keys.
pub fn key_of(row: &Value, keys: &[String]) -> String {
    if keys.is_empty() {
        return String::new();
    }
    let values: Vec<Value> = keys.iter().map(|k| field(row, k).clone()).collect();
    Value::Array(values).to_string()
}

/// The key column values of a key made by [`key_of`] (empty for `""` or anything else).
pub fn key_values(key: &str) -> Vec<Value> {
    match serde_json::from_str::<Value>(key) {
        Ok(Value::Array(v)) => v,
        _ => Vec::new(),
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => as_f64(a)?.partial_cmp(&as_f64(b)?),
    }
}

fn like(text: &str, pattern: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    // Iterative wildcard match: `%` any run, `_` one character.
    let (mut ti, mut pi) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '_' || p[pi] == t[ti]) {
            ti += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '%' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '%' {
        pi += 1;
    }
    pi == p.len()
}

/// Evaluates a filter with SQL's three-valued logic collapsed at the top: unknown (a comparison
/// with NULL) filters the row out.
pub fn matches(p: &Predicate, row: &Value) -> bool {
    eval(p, row) == Some(true)
}

fn eval(p: &Predicate, row: &Value) -> Option<bool> {
    match p {
        Predicate::Compare {
            field: f,
            op,
            value,
        } => {
            let o = compare(field(row, f), value)?;
            Some(match op {
                CmpOp::Eq => o.is_eq(),
                CmpOp::Ne => o.is_ne(),
                CmpOp::Lt => o.is_lt(),
                CmpOp::Le => o.is_le(),
                CmpOp::Gt => o.is_gt(),
                CmpOp::Ge => o.is_ge(),
            })
        }
        Predicate::IsNull { field: f, negated } => Some(field(row, f).is_null() != *negated),
        Predicate::In { field: f, values } => {
            let v = field(row, f);
            if v.is_null() {
                return None;
            }
            Some(
                values
                    .iter()
                    .any(|x| compare(v, x).is_some_and(|o| o.is_eq())),
            )
        }
        Predicate::Like { field: f, pattern } => match field(row, f) {
            Value::String(s) => Some(like(s, pattern)),
            Value::Null => None,
            other => Some(like(&other.to_string(), pattern)),
        },
        Predicate::And(a, b) => match (eval(a, row), eval(b, row)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Predicate::Or(a, b) => match (eval(a, row), eval(b, row)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        Predicate::Not(a) => eval(a, row).map(|b| !b),
    }
}

/// Coerces a row to the declared column types where they are numeric or boolean (JSON strings
/// holding numbers become numbers), so aggregates see typed values.
pub fn coerce(row: &mut Value, table: &SourceTable) {
    let Some(m) = row.as_object_mut() else {
        return;
    };
    for (col, ty) in &table.columns {
        let Some(key) = m.keys().find(|k| k.eq_ignore_ascii_case(col)).cloned() else {
            continue;
        };
        let Some(v) = m.get_mut(&key) else {
            continue;
        };
        match (ty, &*v) {
            (ColumnType::BigInt, Value::String(s)) => {
                if let Ok(i) = s.trim().parse::<i64>() {
                    *v = Value::from(i);
                }
            }
            (ColumnType::Double, Value::String(s)) => {
                if let Some(f) = s
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                {
                    *v = Value::Number(f);
                }
            }
            (ColumnType::Boolean, Value::String(s)) => match s.to_ascii_lowercase().as_str() {
                "true" => *v = Value::Bool(true),
                "false" => *v = Value::Bool(false),
                _ => {}
            },
            _ => {}
        }
    }
}
