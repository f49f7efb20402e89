//! `CREATE TABLE … (cols, WATERMARK FOR …) WITH ('connector' = 'kinesis', …)` → [`Schema`].

use sqlparser::ast::{
    BinaryOperator, ColumnOption, CreateTable, CreateTableOptions, DataType, Expr,
    FunctionArguments, Ident, ObjectNamePart, Spanned, SqlOption, Value,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token};

use super::error::{from_parser, Res, SqlError};
use super::interval::interval_ms;
use super::lexer::{with_eof, Computed, Stmt, Watermark};
use super::schema::{ident_is, Schema};
use crate::engine::analytics::spec::{ColumnType, SourceTable};

const TYPES: &str = "STRING, VARCHAR, CHAR, INT, INTEGER, BIGINT, SMALLINT, TINYINT, DOUBLE, \
                     FLOAT, DECIMAL, REAL, BOOLEAN, TIMESTAMP, TIMESTAMP(3), TIMESTAMP_LTZ(3)";

/// The playground's type for a declared SQL type.
fn column_type(t: &DataType) -> Option<ColumnType> {
    use DataType as D;
    Some(match t {
        D::String(_)
        | D::Varchar(_)
        | D::Char(_)
        | D::Character(_)
        | D::CharVarying(_)
        | D::CharacterVarying(_)
        | D::Text => ColumnType::String,
        D::Int(_) | D::Integer(_) | D::BigInt(_) | D::SmallInt(_) | D::TinyInt(_) => {
            ColumnType::BigInt
        }
        D::Double(_)
        | D::DoublePrecision
        | D::Float(_)
        | D::Decimal(_)
        | D::Numeric(_)
        | D::Real => ColumnType::Double,
        D::Boolean | D::Bool => ColumnType::Boolean,
        D::Timestamp(_, _) | D::TimestampNtz(_) => ColumnType::Timestamp,
        D::Custom(name, _) => {
            let n = name.to_string().to_ascii_uppercase();
            match n.as_str() {
                "TIMESTAMP_LTZ" => ColumnType::Timestamp,
                "STRING" => ColumnType::String,
                _ => return None,
            }
        }
        _ => return None,
    })
}

fn single_name(name: &sqlparser::ast::ObjectName, fallback: Location, what: &str) -> Res<Ident> {
    match name.0.as_slice() {
        [ObjectNamePart::Identifier(i)] => Ok(i.clone()),
        _ => Err(SqlError::span(
            name.span(),
            fallback,
            format!("{what} must be a plain name (catalog.database.table names are not supported)"),
        )),
    }
}

fn parse_tokens_expr(tokens: &[sqlparser::tokenizer::TokenWithSpan], end: Location) -> Res<Expr> {
    let dialect = GenericDialect {};
    let mut p = Parser::new(&dialect)
        .with_recursion_limit(super::RECURSION_LIMIT)
        .with_tokens_with_locations(with_eof(tokens, end));
    let expr = p.parse_expr().map_err(|e| from_parser(e, end))?;
    let next = p.peek_token();
    if next.token != Token::EOF {
        return Err(SqlError::span(
            next.span,
            end,
            format!("syntax error: unexpected {}", next.token),
        ));
    }
    Ok(expr)
}

fn strip_nested(mut e: &Expr) -> &Expr {
    while let Expr::Nested(inner) = e {
        e = inner;
    }
    e
}

/// `ts` or `ts - INTERVAL …` → the delay, ms.
fn watermark_delay(wm: &Watermark, col: &str) -> Res<i64> {
    let usage = "supported watermark expressions: `WATERMARK FOR ts AS ts` or \
                 `WATERMARK FOR ts AS ts - INTERVAL '5' SECOND`";
    let Some(first) = wm
        .expr
        .iter()
        .find(|t| !matches!(t.token, Token::Whitespace(_)))
    else {
        return Err(SqlError::at(
            wm.end,
            format!("missing watermark expression; {usage}"),
        ));
    };
    let fallback = first.span.start;
    let expr = parse_tokens_expr(&wm.expr, wm.end)?;
    let is_col = |e: &Expr| matches!(strip_nested(e), Expr::Identifier(i) if ident_is(i, col));
    match strip_nested(&expr) {
        e if is_col(e) => Ok(0),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Minus,
            right,
        } if is_col(left) => {
            let ms = interval_ms(strip_nested(right), fallback)?;
            if ms < 0 {
                return Err(SqlError::span(
                    right.span(),
                    fallback,
                    "the watermark delay must not be negative",
                ));
            }
            Ok(ms)
        }
        other => Err(SqlError::span(
            other.span(),
            fallback,
            format!("unsupported watermark expression; {usage}"),
        )),
    }
}

fn proctime_column(c: &Computed) -> Res<()> {
    let msg = format!(
        "unsupported computed column {}: only `{} AS PROCTIME()` (a processing-time attribute) is supported",
        c.name.value, c.name.value
    );
    let Some(first) = c
        .expr
        .iter()
        .find(|t| !matches!(t.token, Token::Whitespace(_)))
    else {
        return Err(SqlError::at(c.end, msg));
    };
    let expr = parse_tokens_expr(&c.expr, c.end)?;
    match &expr {
        Expr::Function(f)
            if f.name.to_string().eq_ignore_ascii_case("PROCTIME")
                && matches!(&f.args, FunctionArguments::List(l) if l.args.is_empty()) =>
        {
            Ok(())
        }
        _ => Err(SqlError::at(first.span.start, msg)),
    }
}

/// Option value: a string literal.
fn option_text(v: &Expr, fallback: Location, key: &str) -> Res<String> {
    match v {
        Expr::Value(sv) => match &sv.value {
            Value::SingleQuotedString(s) => Ok(s.clone()),
            _ => Err(SqlError::span(
                v.span(),
                fallback,
                format!("option '{key}' needs a string value, e.g. '{key}' = '…'"),
            )),
        },
        _ => Err(SqlError::span(
            v.span(),
            fallback,
            format!("option '{key}' needs a string value, e.g. '{key}' = '…'"),
        )),
    }
}

/// Compiles a CREATE TABLE statement.
pub(crate) fn create_table(ct: &CreateTable, stmt: &Stmt) -> Res<Schema> {
    let at = stmt.start;
    let name = single_name(&ct.name, at, "the table name")?;
    let name_at = if name.span.start.line == 0 {
        at
    } else {
        name.span.start
    };
    if ct.query.is_some() {
        return Err(SqlError::at(
            at,
            "CREATE TABLE … AS SELECT is not supported; declare the columns and WITH options",
        ));
    }
    if let Some(c) = ct.constraints.first() {
        return Err(SqlError::span(
            c.span(),
            at,
            "table constraints (PRIMARY KEY, UNIQUE, …) are not supported",
        ));
    }
    let mut columns: Vec<(String, ColumnType)> = Vec::new();
    for col in &ct.columns {
        let col_at = if col.name.span.start.line == 0 {
            at
        } else {
            col.name.span.start
        };
        let Some(t) = column_type(&col.data_type) else {
            return Err(SqlError::at(
                col_at,
                format!(
                    "column {}: unsupported type {}; supported: {TYPES}",
                    col.name.value, col.data_type
                ),
            ));
        };
        if let Some(o) = col
            .options
            .iter()
            .find(|o| !matches!(o.option, ColumnOption::Null | ColumnOption::NotNull))
        {
            return Err(SqlError::span(
                o.span(),
                col_at,
                format!(
                    "column {}: unsupported column option; only NULL / NOT NULL are accepted",
                    col.name.value
                ),
            ));
        }
        if columns
            .iter()
            .any(|(c, _)| c.eq_ignore_ascii_case(&col.name.value))
        {
            return Err(SqlError::at(
                col_at,
                format!("duplicate column {}", col.name.value),
            ));
        }
        columns.push((col.name.value.clone(), t));
    }
    if columns.is_empty() {
        return Err(SqlError::at(
            name_at,
            format!("table {} declares no columns", name.value),
        ));
    }
    let mut proctime = None;
    for c in &stmt.computed {
        let c_at = if c.name.span.start.line == 0 {
            at
        } else {
            c.name.span.start
        };
        proctime_column(c)?;
        if columns
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(&c.name.value))
        {
            return Err(SqlError::at(
                c_at,
                format!("duplicate column {}", c.name.value),
            ));
        }
        if proctime.is_some() {
            return Err(SqlError::at(
                c_at,
                "only one PROCTIME() column per table is supported",
            ));
        }
        proctime = Some(c.name.value.clone());
    }
    let mut rowtime = None;
    let mut watermark_delay_ms = 0;
    for wm in &stmt.watermarks {
        if rowtime.is_some() {
            return Err(SqlError::at(
                wm.start,
                "only one WATERMARK clause per table",
            ));
        }
        let col_at = if wm.column.span.start.line == 0 {
            wm.start
        } else {
            wm.column.span.start
        };
        let Some((col, t)) = columns
            .iter()
            .find(|(c, _)| ident_is(&wm.column, c))
            .cloned()
        else {
            return Err(SqlError::at(
                col_at,
                format!("WATERMARK FOR {}: no such column", wm.column.value),
            ));
        };
        if t != ColumnType::Timestamp {
            return Err(SqlError::at(
                col_at,
                format!("WATERMARK FOR {col}: the rowtime column must be TIMESTAMP(3) or TIMESTAMP_LTZ(3)"),
            ));
        }
        watermark_delay_ms = watermark_delay(wm, &col)?;
        rowtime = Some(col);
    }
    let opts = match &ct.table_options {
        CreateTableOptions::With(o) => o.as_slice(),
        CreateTableOptions::None => &[],
        _ => {
            return Err(SqlError::at(
                name_at,
                "table options must be given as WITH ('key' = 'value', …)",
            ));
        }
    };
    let mut stream: Option<String> = None;
    let mut from_firehose = false;
    let mut delivery_stream_option = false;
    let mut start_position = "LATEST".to_string();
    let mut seen: Vec<String> = Vec::new();
    for o in opts {
        let SqlOption::KeyValue { key, value } = o else {
            return Err(SqlError::span(
                o.span(),
                name_at,
                "table options must be 'key' = 'value' pairs",
            ));
        };
        let key_at = if key.span().start.line == 0 {
            name_at
        } else {
            key.span().start
        };
        let k = key
            .0
            .iter()
            .map(|p| p.as_ident().map(|i| i.value.clone()).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(".");
        let kl = k.to_ascii_lowercase();
        if seen.contains(&kl) {
            return Err(SqlError::at(key_at, format!("option '{k}' is given twice")));
        }
        seen.push(kl.clone());
        let v = option_text(value, key_at, &k)?;
        let v_at = if value.span().start.line == 0 {
            key_at
        } else {
            value.span().start
        };
        match kl.as_str() {
            "connector" if v.eq_ignore_ascii_case("kinesis") => {}
            "connector" if v.eq_ignore_ascii_case("firehose") => from_firehose = true,
            "connector" => {
                return Err(SqlError::at(v_at, format!("unsupported connector '{v}'; the playground reads Kinesis data streams ('connector' = 'kinesis') and Firehose delivery streams ('connector' = 'firehose')")));
            }
            "delivery-stream" if !v.is_empty() => {
                stream = Some(v);
                delivery_stream_option = true;
            }
            "stream" | "stream.arn" if !v.is_empty() => stream = Some(v),
            "stream" | "stream.arn" => {
                return Err(SqlError::at(v_at, "'stream' must name a stream"))
            }
            "scan.stream.initpos" | "scan.stream.initial-position" => {
                let u = v.to_ascii_uppercase();
                if u != "TRIM_HORIZON" && u != "LATEST" {
                    return Err(SqlError::at(
                        v_at,
                        format!(
                            "unsupported start position '{v}'; supported: 'TRIM_HORIZON', 'LATEST'"
                        ),
                    ));
                }
                start_position = u;
            }
            "format" if v.eq_ignore_ascii_case("json") => {}
            "format" => {
                return Err(SqlError::at(
                    v_at,
                    format!("unsupported format '{v}'; records are read as 'json'"),
                ))
            }
            _ if kl.starts_with("aws.") || kl.starts_with("json.") => {}
            _ => {
                return Err(SqlError::at(
                    key_at,
                    format!("unsupported option '{k}'; supported: 'connector', 'stream', 'delivery-stream', 'scan.stream.initpos', 'format', 'aws.*', 'json.*'"),
                ));
            }
        }
    }
    if from_firehose != delivery_stream_option {
        return Err(SqlError::at(
            name_at,
            if from_firehose {
                format!("table {} reads a Firehose delivery stream: name it with 'delivery-stream' = '<name>'", name.value)
            } else {
                format!("'delivery-stream' belongs to 'connector' = 'firehose'; table {} reads a Kinesis stream named by 'stream'", name.value)
            },
        ));
    }
    let Some(stream) = stream else {
        return Err(SqlError::at(
            name_at,
            format!("table {} needs the stream it reads: WITH ('connector' = 'kinesis', 'stream' = '<stream name>')", name.value),
        ));
    };
    Ok(Schema {
        table: SourceTable {
            name: name.value.clone(),
            stream,
            columns,
            start_position,
            rowtime,
            watermark_delay_ms,
            from_firehose,
        },
        proctime,
    })
}
