//! Binding a window TVF's arguments (positional, then `NAME => value`) and reading them.

use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Spanned, Value,
};
use sqlparser::tokenizer::Location;

use super::error::{Res, SqlError};
use super::interval::interval_ms;

/// A call being bound: its parameters (the first `required` are mandatory).
pub(crate) struct Call<'a> {
    pub name: &'static str,
    pub usage: &'static str,
    pub params: &'static [&'static str],
    pub required: usize,
    pub f: &'a Function,
    pub at: Location,
}

pub(crate) fn is_descriptor(e: &FunctionArgExpr) -> bool {
    matches!(e, FunctionArgExpr::Expr(Expr::Function(f)) if f.name.to_string().eq_ignore_ascii_case("DESCRIPTOR"))
}

pub(crate) fn arg_span(e: &FunctionArgExpr, fallback: Location) -> Location {
    let s = match e {
        FunctionArgExpr::Expr(x) => x.span(),
        _ => return fallback,
    };
    if s.start.line == 0 {
        fallback
    } else {
        s.start
    }
}

/// Binds the call's arguments to `call.params` (positional first, then `NAME => value`).
pub(crate) fn bind<'a>(call: &Call<'a>) -> Res<Vec<Option<&'a FunctionArgExpr>>> {
    let FunctionArguments::List(list) = &call.f.args else {
        return Err(SqlError::at(
            call.at,
            format!("expected arguments: {}", call.usage),
        ));
    };
    if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
        return Err(SqlError::at(
            call.at,
            format!(
                "unexpected clause in {}(…); usage: {}",
                call.name, call.usage
            ),
        ));
    }
    let mut bound: Vec<Option<&FunctionArgExpr>> = vec![None; call.params.len()];
    let mut named_seen = false;
    for (i, a) in list.args.iter().enumerate() {
        let (slot, e) = match a {
            FunctionArg::Unnamed(e) => {
                if named_seen {
                    return Err(SqlError::at(
                        arg_span(e, call.at),
                        "positional arguments must come before named ones",
                    ));
                }
                if i >= call.params.len() {
                    return Err(SqlError::at(
                        arg_span(e, call.at),
                        format!("too many arguments to {}; usage: {}", call.name, call.usage),
                    ));
                }
                (i, e)
            }
            FunctionArg::Named { name, arg, .. } => {
                named_seen = true;
                let name_at = if name.span.start.line == 0 {
                    call.at
                } else {
                    name.span.start
                };
                let Some(slot) = call
                    .params
                    .iter()
                    .position(|p| name.value.eq_ignore_ascii_case(p))
                else {
                    return Err(SqlError::at(
                        name_at,
                        format!(
                            "{} has no parameter {}; parameters: {}",
                            call.name,
                            name.value,
                            call.params.join(", ")
                        ),
                    ));
                };
                (slot, arg)
            }
            FunctionArg::ExprNamed { name, .. } => {
                return Err(SqlError::span(
                    name.span(),
                    call.at,
                    format!("unsupported argument; usage: {}", call.usage),
                ));
            }
        };
        match bound.get_mut(slot) {
            Some(s @ None) => *s = Some(e),
            _ => {
                return Err(SqlError::at(
                    arg_span(e, call.at),
                    format!(
                        "{} is given twice",
                        call.params.get(slot).copied().unwrap_or("argument")
                    ),
                ))
            }
        }
    }
    for (i, p) in call.params.iter().enumerate().take(call.required) {
        if bound.get(i).is_none_or(|b| b.is_none()) {
            return Err(SqlError::at(
                call.at,
                format!("{} is missing {p}; usage: {}", call.name, call.usage),
            ));
        }
    }
    Ok(bound)
}

pub(crate) fn expr_of<'a>(e: &'a FunctionArgExpr, at: Location, what: &str) -> Res<&'a Expr> {
    match e {
        FunctionArgExpr::Expr(x) => Ok(x),
        _ => Err(SqlError::at(at, format!("expected {what}"))),
    }
}

pub(crate) fn interval_arg(
    e: Option<&FunctionArgExpr>,
    at: Location,
    positive: bool,
    what: &str,
) -> Res<Option<i64>> {
    let Some(e) = e else { return Ok(None) };
    let loc = arg_span(e, at);
    let ms = interval_ms(expr_of(e, loc, "an interval")?, loc)?;
    if positive && ms <= 0 {
        return Err(SqlError::at(loc, format!("the {what} must be positive")));
    }
    Ok(Some(ms))
}

pub(crate) fn count_arg(e: Option<&FunctionArgExpr>, at: Location, what: &str) -> Res<Option<u64>> {
    let Some(e) = e else { return Ok(None) };
    let loc = arg_span(e, at);
    let n = match expr_of(e, loc, "a number")? {
        Expr::Value(v) => match &v.value {
            Value::Number(s, _) => s.parse::<u64>().ok(),
            _ => None,
        },
        _ => None,
    };
    match n {
        Some(n) if (1..=1_000_000_000).contains(&n) => Ok(Some(n)),
        _ => Err(SqlError::at(
            loc,
            format!("the {what} must be a whole number of records from 1 to 1000000000"),
        )),
    }
}
