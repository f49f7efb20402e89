//! `WHERE` → [`Predicate`].

use serde_json::Value as Json;
use sqlparser::ast::{BinaryOperator, Expr, Ident, InTarget, Spanned, UnaryOperator, Value};
use sqlparser::tokenizer::Location;

use super::error::{Res, SqlError};
use super::schema::{ColRef, Schema};
use crate::engine::analytics::spec::{CmpOp, ColumnType, Predicate};

/// Deepest nesting of conditions accepted in a WHERE clause.
pub const MAX_FILTER_DEPTH: usize = 100;

const SUPPORTED: &str = "supported conditions: col = literal (=, <>, !=, <, <=, >, >=), \
                         col IS [NOT] NULL, col [NOT] IN (literals), col [NOT] LIKE 'pattern', \
                         col [NOT] BETWEEN a AND b, AND, OR, NOT, parentheses";

struct Ctx<'a> {
    schema: &'a Schema,
    alias: Option<&'a Ident>,
    at: Location,
}

/// Compiles a WHERE expression.
pub(crate) fn predicate(
    e: &Expr,
    schema: &Schema,
    alias: Option<&Ident>,
    at: Location,
) -> Res<Predicate> {
    pred(e, &Ctx { schema, alias, at }, 0)
}

fn err_at(e: &Expr, cx: &Ctx, msg: impl Into<String>) -> SqlError {
    SqlError::span(e.span(), cx.at, msg)
}

/// A literal: string, number (integer if it fits, else float), boolean.
pub(crate) fn literal(e: &Expr) -> Option<Json> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(Json::String(s.clone())),
            Value::Boolean(b) => Some(Json::Bool(*b)),
            Value::Number(s, _) => number(s),
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match expr.as_ref() {
            Expr::Value(v) => match &v.value {
                Value::Number(s, _) => number(&format!("-{s}")),
                _ => None,
            },
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Plus,
            expr,
        } => match expr.as_ref() {
            Expr::Value(v) => match &v.value {
                Value::Number(s, _) => number(s),
                _ => None,
            },
            _ => None,
        },
        Expr::Nested(inner) => literal(inner),
        _ => None,
    }
}

fn number(s: &str) -> Option<Json> {
    if let Ok(i) = s.parse::<i64>() {
        return Some(Json::from(i));
    }
    if let Ok(u) = s.parse::<u64>() {
        return Some(Json::from(u));
    }
    let f = s.parse::<f64>().ok().filter(|f| f.is_finite())?;
    serde_json::Number::from_f64(f).map(Json::Number)
}

fn is_null(e: &Expr) -> bool {
    matches!(e, Expr::Value(v) if matches!(v.value, Value::Null))
}

/// A column of the table (not a window column).
fn column(e: &Expr, cx: &Ctx) -> Res<(String, ColumnType)> {
    match cx.schema.resolve(e, cx.alias, cx.at)? {
        ColRef::Column(c, t) => Ok((c, t)),
        ColRef::Window(w) => Err(err_at(
            e,
            cx,
            format!("WHERE filters input rows; {w} only exists after windowing and cannot be filtered on"),
        )),
    }
}

fn is_column_ref(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_))
}

fn lit(e: &Expr, cx: &Ctx) -> Res<Json> {
    if is_null(e) {
        return Err(err_at(
            e,
            cx,
            "comparisons with NULL are never true; use IS NULL / IS NOT NULL",
        ));
    }
    if is_column_ref(e) {
        return Err(err_at(
            e,
            cx,
            "comparing two columns is not supported; compare a column with a literal",
        ));
    }
    if matches!(e, Expr::Subquery(_) | Expr::Exists { .. }) {
        return Err(err_at(e, cx, "subqueries are not supported"));
    }
    literal(e).ok_or_else(|| {
        err_at(
            e,
            cx,
            "expected a literal (a string in single quotes, a number, TRUE or FALSE)",
        )
    })
}

fn cmp_op(op: &BinaryOperator) -> Option<CmpOp> {
    Some(match op {
        BinaryOperator::Eq => CmpOp::Eq,
        BinaryOperator::NotEq => CmpOp::Ne,
        BinaryOperator::Lt => CmpOp::Lt,
        BinaryOperator::LtEq => CmpOp::Le,
        BinaryOperator::Gt => CmpOp::Gt,
        BinaryOperator::GtEq => CmpOp::Ge,
        _ => return None,
    })
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

fn pred(e: &Expr, cx: &Ctx, depth: usize) -> Res<Predicate> {
    if depth > MAX_FILTER_DEPTH {
        return Err(err_at(
            e,
            cx,
            format!("the WHERE clause nests more than {MAX_FILTER_DEPTH} conditions"),
        ));
    }
    let d = depth + 1;
    match e {
        Expr::Nested(inner) => pred(inner, cx, d),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => Ok(Predicate::And(
            Box::new(pred(left, cx, d)?),
            Box::new(pred(right, cx, d)?),
        )),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Or,
            right,
        } => Ok(Predicate::Or(
            Box::new(pred(left, cx, d)?),
            Box::new(pred(right, cx, d)?),
        )),
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr,
        } => Ok(Predicate::Not(Box::new(pred(expr, cx, d)?))),
        Expr::BinaryOp { left, op, right } => {
            let Some(op) = cmp_op(op) else {
                return Err(err_at(
                    e,
                    cx,
                    format!("unsupported operator {op} in WHERE; {SUPPORTED}"),
                ));
            };
            if is_column_ref(left) {
                let (field, _) = column(left, cx)?;
                Ok(Predicate::Compare {
                    field,
                    op,
                    value: lit(right, cx)?,
                })
            } else if is_column_ref(right) {
                let value = lit(left, cx)?;
                let (field, _) = column(right, cx)?;
                Ok(Predicate::Compare {
                    field,
                    op: flip(op),
                    value,
                })
            } else {
                Err(err_at(
                    e,
                    cx,
                    format!("a comparison needs a column on one side; {SUPPORTED}"),
                ))
            }
        }
        Expr::IsNull(x) | Expr::IsNotNull(x) => {
            let (field, _) = column(x, cx)?;
            Ok(Predicate::IsNull {
                field,
                negated: matches!(e, Expr::IsNotNull(_)),
            })
        }
        Expr::In {
            expr,
            target,
            negated,
            ..
        } => {
            let (field, _) = column(expr, cx)?;
            let InTarget::List(list) = target else {
                return Err(err_at(
                    e,
                    cx,
                    "subqueries are not supported; IN takes a list of literals",
                ));
            };
            let values = list.iter().map(|v| lit(v, cx)).collect::<Res<Vec<_>>>()?;
            let p = Predicate::In { field, values };
            Ok(if *negated {
                Predicate::Not(Box::new(p))
            } else {
                p
            })
        }
        Expr::Like {
            negated,
            any,
            expr,
            pattern,
            escape_char,
        } => {
            if *any || escape_char.is_some() {
                return Err(err_at(
                    e,
                    cx,
                    "LIKE ANY and LIKE … ESCAPE are not supported; use col LIKE 'pat%'",
                ));
            }
            let (field, _) = column(expr, cx)?;
            let pattern = match lit(pattern, cx)? {
                Json::String(s) => s,
                _ => {
                    return Err(err_at(
                        pattern,
                        cx,
                        "LIKE needs a string pattern such as 'abc%'",
                    ))
                }
            };
            let p = Predicate::Like { field, pattern };
            Ok(if *negated {
                Predicate::Not(Box::new(p))
            } else {
                p
            })
        }
        Expr::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let (field, _) = column(expr, cx)?;
            let lo = Predicate::Compare {
                field: field.clone(),
                op: CmpOp::Ge,
                value: lit(low, cx)?,
            };
            let hi = Predicate::Compare {
                field,
                op: CmpOp::Le,
                value: lit(high, cx)?,
            };
            let p = Predicate::And(Box::new(lo), Box::new(hi));
            Ok(if *negated {
                Predicate::Not(Box::new(p))
            } else {
                p
            })
        }
        Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
            let (field, t) = column(e, cx)?;
            if t != ColumnType::Boolean {
                return Err(err_at(
                    e,
                    cx,
                    format!(
                        "{field} is not BOOLEAN; a condition needs a comparison, e.g. {field} = …"
                    ),
                ));
            }
            Ok(Predicate::Compare {
                field,
                op: CmpOp::Eq,
                value: Json::Bool(true),
            })
        }
        Expr::Subquery(_) | Expr::Exists { .. } => {
            Err(err_at(e, cx, "subqueries are not supported"))
        }
        Expr::Function(f) => Err(err_at(
            e,
            cx,
            format!(
                "functions are not supported in WHERE (found {}); {SUPPORTED}",
                f.name
            ),
        )),
        _ => Err(err_at(e, cx, format!("unsupported condition; {SUPPORTED}"))),
    }
}
