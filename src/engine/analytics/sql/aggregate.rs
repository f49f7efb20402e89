//! Aggregate calls in the SELECT list → [`AggregateSpec`].

use sqlparser::ast::{
    DuplicateTreatment, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Ident,
    Spanned, Value,
};
use sqlparser::tokenizer::{Location, Span};

use super::error::{Res, SqlError};
use super::lexer::Stmt;
use super::print::type_name;
use super::schema::{ColRef, Schema};
use crate::engine::analytics::spec::{AggregateKind, AggregateSpec, ColumnType};

/// Largest `n` of `TOP_N(col, n)`.
pub const MAX_TOP_N: usize = 1000;

fn loc(s: Span, fallback: Location) -> Location {
    if s.start.line == 0 {
        fallback
    } else {
        s.start
    }
}

/// Compiles an aggregate call (its alias is the default one).
pub(crate) fn aggregate(
    f: &Function,
    e: &Expr,
    schema: &Schema,
    alias: Option<&Ident>,
    at: Location,
    stmt: &Stmt,
) -> Res<AggregateSpec> {
    let fname = f.name.to_string().to_ascii_uppercase();
    let f_at = loc(f.name.span(), at);
    if f.over.is_some() {
        return Err(SqlError::at(
            stmt.keyword("OVER", f_at, stmt.end, true).unwrap_or(f_at),
            "window functions (OVER …) are not supported; use a window TVF in FROM and GROUP BY",
        ));
    }
    if f.filter.is_some() || !f.within_group.is_empty() || f.null_treatment.is_some() {
        return Err(SqlError::at(
            f_at,
            "FILTER / WITHIN GROUP / IGNORE NULLS are not supported",
        ));
    }
    let kind = match fname.as_str() {
        "COUNT" => AggregateKind::Count,
        "SUM" => AggregateKind::Sum,
        "MIN" => AggregateKind::Min,
        "MAX" => AggregateKind::Max,
        "AVG" => AggregateKind::Avg,
        "TOP_N" => AggregateKind::TopN(0),
        _ => {
            return Err(SqlError::at(
                f_at,
                format!("unknown or unsupported function {}; supported aggregates: COUNT, SUM, MIN, MAX, AVG, TOP_N", f.name),
            ))
        }
    };
    let usage = match kind {
        AggregateKind::TopN(_) => "TOP_N(col, n)".to_string(),
        AggregateKind::Count => "COUNT(*), COUNT(col) or COUNT(DISTINCT col)".to_string(),
        _ => format!("{fname}(col)"),
    };
    let FunctionArguments::List(list) = &f.args else {
        return Err(SqlError::at(f_at, format!("expected {usage}")));
    };
    if !list.clauses.is_empty() {
        return Err(SqlError::at(
            f_at,
            format!("unsupported clause in {fname}(…); expected {usage}"),
        ));
    }
    let distinct = match list.duplicate_treatment {
        Some(DuplicateTreatment::Distinct) if kind == AggregateKind::Count => true,
        Some(DuplicateTreatment::Distinct) => {
            return Err(SqlError::at(
                f_at,
                format!("{fname}(DISTINCT …) is not supported; only COUNT(DISTINCT col)"),
            ));
        }
        _ => false,
    };
    let args: Vec<&FunctionArgExpr> = list
        .args
        .iter()
        .map(|a| match a {
            FunctionArg::Unnamed(x) => Ok(x),
            _ => Err(SqlError::at(
                f_at,
                format!("named arguments are not supported; expected {usage}"),
            )),
        })
        .collect::<Res<_>>()?;
    let want = if matches!(kind, AggregateKind::TopN(_)) {
        2
    } else {
        1
    };
    if args.len() != want {
        return Err(SqlError::span(
            e.span(),
            at,
            format!("wrong number of arguments; expected {usage}"),
        ));
    }
    let col_arg = args.first().copied();
    let field = match col_arg {
        Some(FunctionArgExpr::Wildcard) if kind == AggregateKind::Count && !distinct => None,
        Some(FunctionArgExpr::Expr(x))
            if matches!(x, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) =>
        {
            match schema.resolve(x, alias, f_at)? {
                ColRef::Column(c, t) => {
                    if matches!(kind, AggregateKind::Sum | AggregateKind::Avg)
                        && !matches!(t, ColumnType::BigInt | ColumnType::Double)
                    {
                        return Err(SqlError::span(
                            x.span(),
                            f_at,
                            format!("{fname} needs a numeric column (INT, BIGINT, DOUBLE, …); {c} is {}",
                                type_name(t)
                            ),
                        ));
                    }
                    Some(c)
                }
                ColRef::Window(w) => {
                    return Err(SqlError::span(
                        x.span(),
                        f_at,
                        format!("cannot aggregate {w}"),
                    ));
                }
            }
        }
        Some(FunctionArgExpr::Expr(x)) => {
            return Err(SqlError::span(
                x.span(),
                f_at,
                format!("aggregates take a column name; expected {usage}"),
            ));
        }
        _ => return Err(SqlError::at(f_at, format!("expected {usage}"))),
    };
    let kind = match kind {
        AggregateKind::Count if distinct => AggregateKind::CountDistinct,
        AggregateKind::TopN(_) => {
            let n_arg = args.get(1).copied();
            let n = match n_arg {
                Some(FunctionArgExpr::Expr(Expr::Value(v))) => match &v.value {
                    Value::Number(s, _) => s.parse::<usize>().ok(),
                    _ => None,
                },
                _ => None,
            };
            match n {
                Some(n) if (1..=MAX_TOP_N).contains(&n) => AggregateKind::TopN(n),
                _ => {
                    let n_at = match n_arg {
                        Some(FunctionArgExpr::Expr(x)) => loc(x.span(), f_at),
                        _ => f_at,
                    };
                    return Err(SqlError::at(
                        n_at,
                        format!(
                            "TOP_N needs a whole number n from 1 to {MAX_TOP_N}: TOP_N(col, n)"
                        ),
                    ));
                }
            }
        }
        k => k,
    };
    let alias = default_alias(&kind, field.as_deref());
    Ok(AggregateSpec { kind, field, alias })
}

/// `count_star`, `count_col`, `count_distinct_col`, `sum_col`, `top_n_col`, …
pub fn default_alias(kind: &AggregateKind, field: Option<&str>) -> String {
    let f = field.unwrap_or("star").to_ascii_lowercase();
    let prefix = match kind {
        AggregateKind::Count => "count",
        AggregateKind::Sum => "sum",
        AggregateKind::Min => "min",
        AggregateKind::Max => "max",
        AggregateKind::Avg => "avg",
        AggregateKind::CountDistinct => "count_distinct",
        AggregateKind::TopN(_) => "top_n",
    };
    format!("{prefix}_{f}")
}
