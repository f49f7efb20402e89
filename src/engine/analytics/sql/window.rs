//! `FROM TABLE(TUMBLE|HOP|CUMULATE|SESSION|COUNT_WINDOW(…))` → window, time and partition keys.

use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, Spanned, TableAlias, TableFactor,
};
use sqlparser::tokenizer::Location;

use super::args::{arg_span, bind, count_arg, interval_arg, is_descriptor, Call};
use super::error::{Res, SqlError};
use super::lexer::TableArg;
use super::schema::{ident_is, ColRef, Schema};
use crate::engine::analytics::spec::{TimeCharacteristic, WindowSpec};

/// The message for a FROM clause that is not a window TVF.
pub(crate) const NEEDS_TVF: &str =
    "a windowed aggregation needs FROM TABLE(TUMBLE|HOP|CUMULATE|SESSION(...)), e.g. \
     FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND)) \
     (or the playground's COUNT_WINDOW(TABLE t, size [, slide]))";

/// A compiled window TVF.
#[derive(Clone, Debug)]
pub(crate) struct Tvf {
    /// The window.
    pub window: WindowSpec,
    /// Event or processing time.
    pub time: TimeCharacteristic,
    /// `PARTITION BY` columns (SESSION), as declared.
    pub partition: Vec<(String, Location)>,
    /// `AS alias` of the TVF.
    pub alias: Option<Ident>,
}

/// Compiles the FROM relation.
pub(crate) fn window_tvf(
    factor: &TableFactor,
    schema: &Schema,
    table_args: &[TableArg],
    at: Location,
) -> Res<Tvf> {
    let (expr, alias) = match factor {
        TableFactor::TableFunction { expr, alias } => (expr, alias),
        TableFactor::Derived { .. } => {
            return Err(SqlError::span(
                factor.span(),
                at,
                format!("subqueries are not supported; {NEEDS_TVF}"),
            ));
        }
        _ => return Err(SqlError::span(factor.span(), at, NEEDS_TVF)),
    };
    let alias = match alias {
        None => None,
        Some(TableAlias { name, columns, .. }) if columns.is_empty() => Some(name.clone()),
        Some(a) => {
            return Err(SqlError::span(
                a.name.span,
                at,
                "column aliases on the window TVF are not supported",
            ))
        }
    };
    let Expr::Function(f) = expr else {
        return Err(SqlError::span(expr.span(), at, NEEDS_TVF));
    };
    let fat = if f.name.span().start.line == 0 {
        at
    } else {
        f.name.span().start
    };
    if f.over.is_some() || f.filter.is_some() || !f.within_group.is_empty() {
        return Err(SqlError::at(fat, NEEDS_TVF));
    }
    let fname = f.name.to_string().to_ascii_uppercase();
    let positional_descriptor = matches!(&f.args, FunctionArguments::List(l)
        if matches!(l.args.get(1), Some(FunctionArg::Unnamed(e)) if is_descriptor(e)));
    let any_named_timecol = matches!(&f.args, FunctionArguments::List(l)
        if l.args.iter().any(|a| matches!(a, FunctionArg::Named { name, .. } if name.value.eq_ignore_ascii_case("TIMECOL"))));
    let call = |name, usage, params, required| Call {
        name,
        usage,
        params,
        required,
        f,
        at: fat,
    };
    let call = match fname.as_str() {
        "TUMBLE" => call("TUMBLE", "TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset])", &["DATA", "TIMECOL", "SIZE", "OFFSET"], 3),
        "HOP" => call("HOP", "HOP(TABLE t, DESCRIPTOR(ts), slide, size [, offset])", &["DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"], 4),
        "CUMULATE" => call("CUMULATE", "CUMULATE(TABLE t, DESCRIPTOR(ts), step, size)", &["DATA", "TIMECOL", "STEP", "SIZE"], 4),
        "SESSION" => call("SESSION", "SESSION(TABLE t [PARTITION BY k], DESCRIPTOR(ts), gap)", &["DATA", "TIMECOL", "GAP"], 3),
        "COUNT_WINDOW" if positional_descriptor || any_named_timecol => call(
            "COUNT_WINDOW",
            "COUNT_WINDOW(TABLE t, [DESCRIPTOR(ts),] size [, slide])",
            &["DATA", "TIMECOL", "SIZE", "SLIDE"],
            3,
        ),
        "COUNT_WINDOW" => call("COUNT_WINDOW", "COUNT_WINDOW(TABLE t, size [, slide])", &["DATA", "SIZE", "SLIDE"], 2),
        _ => {
            return Err(SqlError::at(
                fat,
                format!("unknown window function {}; supported: TUMBLE, HOP, CUMULATE, SESSION, COUNT_WINDOW", f.name),
            ))
        }
    };
    let args = bind(&call)?;
    let arg = |p: &str| {
        call.params
            .iter()
            .position(|q| *q == p)
            .and_then(|i| args.get(i).copied().flatten())
    };

    // DATA => TABLE t [PARTITION BY …]
    let data = arg("DATA").ok_or_else(|| {
        SqlError::at(
            fat,
            format!("missing TABLE argument; usage: {}", call.usage),
        )
    })?;
    let data_at = arg_span(data, fat);
    let table_ident = match data {
        FunctionArgExpr::Expr(Expr::Identifier(i)) => i,
        _ => {
            return Err(SqlError::at(
                data_at,
                format!(
                    "expected TABLE {} as the first argument; usage: {}",
                    schema.table.name, call.usage
                ),
            ))
        }
    };
    let Some(targ) = table_args
        .iter()
        .find(|t| t.name_at == table_ident.span.start)
    else {
        return Err(SqlError::at(
            data_at,
            format!(
                "expected TABLE {} (with the TABLE keyword); usage: {}",
                table_ident.value, call.usage
            ),
        ));
    };
    if !schema.is_table(table_ident) {
        return Err(SqlError::at(
            data_at,
            format!(
                "unknown table {}; the script declares {}",
                table_ident.value, schema.table.name
            ),
        ));
    }
    let mut partition = Vec::new();
    if let Some(p_at) = targ.partition_at {
        if call.name != "SESSION" {
            return Err(SqlError::at(
                p_at,
                format!(
                    "PARTITION BY is only supported in SESSION windows; usage: {}",
                    call.usage
                ),
            ));
        }
        for k in &targ.partition {
            let k_at = if k.span.start.line == 0 {
                p_at
            } else {
                k.span.start
            };
            match schema.resolve(&Expr::Identifier(k.clone()), None, k_at)? {
                ColRef::Column(c, _) => partition.push((c, k_at)),
                ColRef::Window(w) => {
                    return Err(SqlError::at(k_at, format!("cannot partition by {w}")))
                }
            }
        }
    }

    // TIMECOL => DESCRIPTOR(col)
    let time = match arg("TIMECOL") {
        None => TimeCharacteristic::ProcessingTime,
        Some(d) => time_attribute(d, schema, arg_span(d, fat))?,
    };

    let window = match call.name {
        "TUMBLE" => {
            let size = interval_arg(arg("SIZE"), fat, true, "window size")?.unwrap_or(1);
            let offset = interval_arg(arg("OFFSET"), fat, false, "offset")?.unwrap_or(0);
            if offset.unsigned_abs() >= size.unsigned_abs() {
                let loc = arg("OFFSET").map(|e| arg_span(e, fat)).unwrap_or(fat);
                return Err(SqlError::at(
                    loc,
                    "the offset must be smaller than the window size",
                ));
            }
            WindowSpec::Tumbling {
                size_ms: size,
                offset_ms: offset,
            }
        }
        "HOP" => {
            let slide = interval_arg(arg("SLIDE"), fat, true, "slide")?.unwrap_or(1);
            let size = interval_arg(arg("SIZE"), fat, true, "window size")?.unwrap_or(1);
            if slide > size {
                let loc = arg("SLIDE").map(|e| arg_span(e, fat)).unwrap_or(fat);
                return Err(SqlError::at(loc, "the slide must not exceed the window size (HOP takes the slide first, then the size)"));
            }
            let offset = interval_arg(arg("OFFSET"), fat, false, "offset")?.unwrap_or(0);
            if offset.unsigned_abs() >= slide.unsigned_abs() {
                let loc = arg("OFFSET").map(|e| arg_span(e, fat)).unwrap_or(fat);
                return Err(SqlError::at(
                    loc,
                    "the offset must be smaller than the slide",
                ));
            }
            WindowSpec::Sliding {
                size_ms: size,
                slide_ms: slide,
                offset_ms: offset,
            }
        }
        "CUMULATE" => {
            let step = interval_arg(arg("STEP"), fat, true, "step")?.unwrap_or(1);
            let size = interval_arg(arg("SIZE"), fat, true, "window size")?.unwrap_or(1);
            if size % step != 0 {
                let loc = arg("SIZE").map(|e| arg_span(e, fat)).unwrap_or(fat);
                return Err(SqlError::at(
                    loc,
                    "the CUMULATE size must be a multiple of the step",
                ));
            }
            WindowSpec::Cumulate {
                step_ms: step,
                size_ms: size,
            }
        }
        "SESSION" => {
            let gap = interval_arg(arg("GAP"), fat, true, "session gap")?.unwrap_or(1);
            WindowSpec::Session { gap_ms: gap }
        }
        _ => {
            let size = count_arg(arg("SIZE"), fat, "count window size")?.unwrap_or(1);
            let slide = count_arg(arg("SLIDE"), fat, "count window slide")?.unwrap_or(size);
            WindowSpec::Count { size, slide }
        }
    };
    Ok(Tvf {
        window,
        time,
        partition,
        alias,
    })
}

fn time_attribute(d: &FunctionArgExpr, schema: &Schema, at: Location) -> Res<TimeCharacteristic> {
    let usage = "expected DESCRIPTOR(<time attribute>), e.g. DESCRIPTOR(ts)";
    let FunctionArgExpr::Expr(Expr::Function(f)) = d else {
        return Err(SqlError::at(at, usage));
    };
    let col = match &f.args {
        FunctionArguments::List(l) if f.name.to_string().eq_ignore_ascii_case("DESCRIPTOR") => {
            match l.args.as_slice() {
                [FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Identifier(i)))] => i,
                _ => return Err(SqlError::at(at, usage)),
            }
        }
        _ => return Err(SqlError::at(at, usage)),
    };
    let col_at = if col.span.start.line == 0 {
        at
    } else {
        col.span.start
    };
    if schema
        .table
        .rowtime
        .as_deref()
        .is_some_and(|r| ident_is(col, r))
    {
        return Ok(TimeCharacteristic::EventTime);
    }
    if schema.proctime.as_deref().is_some_and(|p| ident_is(col, p)) {
        return Ok(TimeCharacteristic::ProcessingTime);
    }
    let hint = format!(
        "declare WATERMARK FOR {c} AS {c} - INTERVAL '5' SECOND for event time, or a computed column \
         `pt AS PROCTIME()` and DESCRIPTOR(pt) for processing time",
        c = col.value
    );
    if schema.column(col).is_some() {
        return Err(SqlError::at(
            col_at,
            format!("column {} is not a time attribute; {hint}", col.value),
        ));
    }
    Err(SqlError::at(
        col_at,
        format!("unknown time attribute {}; {hint}", col.value),
    ))
}
