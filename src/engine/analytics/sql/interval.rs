//! `INTERVAL '10' SECOND` ↔ milliseconds.

use sqlparser::ast::{DateTimeField, Expr, Spanned, UnaryOperator, Value};
use sqlparser::tokenizer::Location;

use super::error::{Res, SqlError};

/// Largest interval accepted, ms (about 31,700 years).
const MAX_MS: i128 = 1_000_000_000_000_000;

const UNITS: &str = "DAY, HOUR, MINUTE, SECOND or MILLISECOND (singular or plural), \
                     or MINUTE TO SECOND / HOUR TO MINUTE / HOUR TO SECOND";

fn unit_ms(f: &DateTimeField) -> Option<i128> {
    Some(match f {
        DateTimeField::Millisecond | DateTimeField::Milliseconds => 1,
        DateTimeField::Second | DateTimeField::Seconds => 1_000,
        DateTimeField::Minute | DateTimeField::Minutes => 60_000,
        DateTimeField::Hour | DateTimeField::Hours => 3_600_000,
        DateTimeField::Day | DateTimeField::Days => 86_400_000,
        _ => return None,
    })
}

/// A decimal number (optional sign, digits, optional fraction) times `unit` ms, exactly.
fn decimal_ms(text: &str, unit: i128) -> Option<i128> {
    let text = text.trim();
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = |s: &str| s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !ok(int) || !ok(frac) || frac.len() > 9 {
        return None;
    }
    let int_v: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac_v: i128 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    let scale = 10i128.checked_pow(u32::try_from(frac.len()).ok()?)?;
    let frac_ms = frac_v.checked_mul(unit)?;
    if frac_ms % scale != 0 {
        return None;
    }
    let ms = int_v.checked_mul(unit)?.checked_add(frac_ms / scale)?;
    (ms <= MAX_MS).then_some(if neg { -ms } else { ms })
}

/// `'m:s'`-style values: parts separated by `:`; the last may carry a fraction.
fn composite_ms(text: &str, units: &[i128]) -> Option<i128> {
    let text = text.trim();
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let parts: Vec<&str> = body.split(':').collect();
    if parts.len() != units.len() {
        return None;
    }
    let mut total: i128 = 0;
    for (i, (p, u)) in parts.iter().zip(units).enumerate() {
        if p.starts_with(['-', '+']) || (i + 1 < parts.len() && p.contains('.')) {
            return None;
        }
        total = total.checked_add(decimal_ms(p, *u)?)?;
    }
    (total <= MAX_MS).then_some(if neg { -total } else { total })
}

/// The literal text of an interval's value: `'10'`, `10` or `-10`.
fn value_text(e: &Expr) -> Option<String> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) | Value::Number(s, _) => Some(s.clone()),
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => value_text(expr).map(|s| format!("-{s}")),
        Expr::Nested(e) => value_text(e),
        _ => None,
    }
}

/// Milliseconds of an `INTERVAL …` expression; `fallback` positions errors without a span.
pub(crate) fn interval_ms(expr: &Expr, fallback: Location) -> Res<i64> {
    let err = |msg: String| SqlError::span(expr.span(), fallback, msg);
    let Expr::Interval(iv) = expr else {
        return Err(err(
            "expected an interval such as INTERVAL '10' SECOND".into()
        ));
    };
    let Some(lead) = iv.leading_field.as_ref() else {
        return Err(err(format!(
            "the interval needs a unit: INTERVAL 'n' {UNITS}"
        )));
    };
    let Some(text) = value_text(&iv.value) else {
        return Err(err(
            "the interval value must be a number, e.g. INTERVAL '10' SECOND".into(),
        ));
    };
    let Some(lead_ms) = unit_ms(lead) else {
        return Err(err(format!(
            "unsupported interval unit {lead}; supported: {UNITS}"
        )));
    };
    let ms = match iv.last_field.as_ref() {
        None => decimal_ms(&text, lead_ms),
        Some(last) => {
            let units: &[i128] = match (lead_ms, last) {
                (60_000, DateTimeField::Second | DateTimeField::Seconds) => &[60_000, 1_000],
                (3_600_000, DateTimeField::Minute | DateTimeField::Minutes) => &[3_600_000, 60_000],
                (3_600_000, DateTimeField::Second | DateTimeField::Seconds) => {
                    &[3_600_000, 60_000, 1_000]
                }
                _ => {
                    return Err(err(format!(
                        "unsupported interval {lead} TO {last}; supported: {UNITS}"
                    )))
                }
            };
            composite_ms(&text, units)
        }
    };
    ms.and_then(|v| i64::try_from(v).ok()).ok_or_else(|| {
        err(format!(
            "invalid interval value '{text}': expected a whole number of milliseconds, \
             e.g. INTERVAL '10' SECOND or INTERVAL '1:30' MINUTE TO SECOND"
        ))
    })
}

/// `INTERVAL 'n' UNIT` for `ms`, in the largest unit that divides it.
pub fn format_interval(ms: i64) -> String {
    const UNIT_NAMES: [(i64, &str); 5] = [
        (86_400_000, "DAY"),
        (3_600_000, "HOUR"),
        (60_000, "MINUTE"),
        (1_000, "SECOND"),
        (1, "MILLISECOND"),
    ];
    if ms == 0 {
        return "INTERVAL '0' SECOND".into();
    }
    for (unit, name) in UNIT_NAMES {
        if ms % unit == 0 {
            return format!("INTERVAL '{}' {name}", ms / unit);
        }
    }
    format!("INTERVAL '{ms}' MILLISECOND")
}
