//! The Flink-SQL subset (semantics.md §5.8): a script of `CREATE TABLE … WITH (…)` and one
//! windowed aggregation (`[INSERT INTO sink] SELECT … FROM TABLE(TUMBLE|HOP|CUMULATE|SESSION(…))
//! [WHERE …] GROUP BY window_start, window_end[, keys]`) compiled to a [`QuerySpec`], with
//! errors positioned at the offending token of the original text; and [`to_sql`], its inverse.
//!
//! Parsing uses `sqlparser` (GenericDialect, recursion limit on); the Flink-only forms it does not
//! know (`WATERMARK FOR`, `col AS PROCTIME()`, `TABLE t [PARTITION BY k]` arguments) are cut out
//! of the token stream first ([`lexer`]), keeping every token's original position.
//!
//! Files: `error` positions; `lexer` tokens and statements; `flink` the Flink-only clauses cut
//! out of the tokens; `ddl` CREATE TABLE; `schema` name resolution; `interval` INTERVAL
//! literals; `window` and `args` window TVFs; `filter` WHERE; `select` the query; `aggregate`
//! aggregate calls; `print` `to_sql`.

mod aggregate;
mod args;
mod ddl;
mod error;
mod filter;
mod flink;
mod interval;
mod lexer;
mod print;
mod schema;
mod select;
mod window;

use sqlparser::ast::{ObjectNamePart, Query, Spanned, Statement, TableObject};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token};

pub use aggregate::{default_alias, MAX_TOP_N};
pub use error::SqlError;
pub use filter::MAX_FILTER_DEPTH;
pub use interval::format_interval;
pub use lexer::MAX_TOKENS;
pub use print::{ident as quote_ident, predicate as predicate_sql, to_sql};
pub use schema::{proctime_name, WINDOW_COLUMNS};

use crate::engine::analytics::spec::{QuerySpec, SourceTable};
use error::{from_parser, Res};
use lexer::Stmt;
use schema::{ident_is, Schema};

/// sqlparser's recursion limit (its default is 50): each level costs several KiB of stack in
/// unoptimised builds, and a windowed aggregation needs few levels.
pub const RECURSION_LIMIT: usize = 30;

const SCRIPT: &str = "supported statements: CREATE TABLE … WITH (…); then one SELECT … or \
                      INSERT INTO sink SELECT …";

fn parse(stmt: &Stmt) -> Res<Statement> {
    let dialect = GenericDialect {};
    let mut p = Parser::new(&dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .with_tokens_with_locations(stmt.tokens.clone());
    let s = p.parse_statement().map_err(|e| {
        let at = match e {
            sqlparser::parser::ParserError::RecursionLimitExceeded => stmt.deepest(),
            _ => stmt.start,
        };
        from_parser(e, at)
    })?;
    let next = p.peek_token();
    if next.token != Token::EOF {
        return Err(SqlError::span(
            next.span,
            stmt.end,
            format!(
                "syntax error: unexpected {} (missing ; between statements?)",
                next.token
            ),
        ));
    }
    Ok(s)
}

/// A parsed query statement: the SELECT and the INSERT INTO target.
struct QueryStmt {
    stmt: Stmt,
    query: Box<Query>,
    sink: Option<String>,
}

fn query_stmt(stmt: Stmt, parsed: Statement) -> Res<QueryStmt> {
    match parsed {
        Statement::Query(query) => Ok(QueryStmt {
            stmt,
            query,
            sink: None,
        }),
        Statement::Insert(ins) => {
            let at = stmt.start;
            let name = match &ins.table {
                TableObject::TableName(n) => match n.0.as_slice() {
                    [ObjectNamePart::Identifier(i)] => i.value.clone(),
                    _ => return Err(SqlError::at(at, "INSERT INTO needs a plain sink name")),
                },
                _ => return Err(SqlError::at(at, "INSERT INTO needs a sink table name")),
            };
            if let Some(c) = ins.columns.first() {
                return Err(SqlError::span(
                    c.span(),
                    at,
                    "INSERT column lists are not supported; write INSERT INTO <sink> SELECT …",
                ));
            }
            if !ins.columns.is_empty()
                || ins.overwrite
                || ins.partitioned.is_some()
                || ins.on.is_some()
                || ins.returning.is_some()
            {
                return Err(SqlError::at(at, "only INSERT INTO <sink> SELECT … is supported (no column list, OVERWRITE, PARTITION or ON clauses)"));
            }
            let Some(query) = ins.source else {
                return Err(SqlError::at(at, "INSERT INTO needs a SELECT"));
            };
            Ok(QueryStmt {
                stmt,
                query,
                sink: Some(name),
            })
        }
        _ => Err(SqlError::at(
            stmt.start,
            format!("unsupported statement; {SCRIPT}"),
        )),
    }
}

/// The name of the first `TABLE t` argument of a statement, as an identifier token.
fn first_table_arg(stmt: &Stmt) -> Option<sqlparser::ast::Ident> {
    let at = stmt.table_args.first()?.name_at;
    stmt.tokens
        .iter()
        .find(|t| t.span.start == at)
        .and_then(|t| match &t.token {
            Token::Word(w) => Some(sqlparser::ast::Ident {
                value: w.value.clone(),
                quote_style: w.quote_style,
                span: t.span,
            }),
            _ => None,
        })
}

/// Compiles a script: `CREATE TABLE …;` (one or more) then one `SELECT` or `INSERT INTO … SELECT`.
pub fn compile(sql: &str) -> Result<QuerySpec, SqlError> {
    let stmts = lexer::statements(sql)?;
    let mut tables: Vec<Schema> = Vec::new();
    let mut query: Option<QueryStmt> = None;
    let mut end = Location { line: 1, column: 1 };
    for stmt in stmts {
        end = stmt.end;
        let parsed = parse(&stmt)?;
        if let Statement::CreateTable(ct) = &parsed {
            let schema = ddl::create_table(ct, &stmt)?;
            if tables
                .iter()
                .any(|t| t.table.name.eq_ignore_ascii_case(&schema.table.name))
            {
                return Err(SqlError::at(
                    stmt.start,
                    format!("table {} is declared twice", schema.table.name),
                ));
            }
            tables.push(schema);
            continue;
        }
        if query.is_some() {
            return Err(SqlError::at(
                stmt.start,
                format!("only one query per script is supported; {SCRIPT}"),
            ));
        }
        query = Some(query_stmt(stmt, parsed)?);
    }
    let Some(q) = query else {
        return Err(SqlError::at(
            end,
            format!("the script has no query; {SCRIPT}"),
        ));
    };
    let schema = match first_table_arg(&q.stmt) {
        Some(name) => tables
            .iter()
            .find(|t| ident_is(&name, &t.table.name))
            .or(tables.first()),
        None => tables.first(),
    };
    let Some(schema) = schema else {
        return Err(SqlError::at(
            q.stmt.start,
            "declare the source table first: CREATE TABLE t (…) WITH ('connector' = 'kinesis', 'stream' = '…');",
        ));
    };
    select::query(&q.query, schema, &q.stmt, q.sink)
}

/// Compiles just the query (`SELECT …` or `INSERT INTO … SELECT …`) against a given source table.
/// Its processing-time attribute, for `DESCRIPTOR(…)`, is [`proctime_name`] (`proc_time`).
pub fn compile_query(sql: &str, source: &SourceTable) -> Result<QuerySpec, SqlError> {
    let mut stmts = lexer::statements(sql)?.into_iter();
    let Some(stmt) = stmts.next() else {
        return Err(SqlError::at(
            Location { line: 1, column: 1 },
            "empty query; expected SELECT … or INSERT INTO … SELECT …",
        ));
    };
    let parsed = parse(&stmt)?;
    if matches!(parsed, Statement::CreateTable(_)) {
        return Err(SqlError::at(
            stmt.start,
            "the source table is already given; write only the SELECT or INSERT INTO … SELECT",
        ));
    }
    if let Some(extra) = stmts.next() {
        return Err(SqlError::at(
            extra.start,
            "only one query is supported here (the source table is already given)",
        ));
    }
    let q = query_stmt(stmt, parsed)?;
    let schema = Schema {
        table: source.clone(),
        proctime: Some(proctime_name(source)),
    };
    select::query(&q.query, &schema, &q.stmt, q.sink)
}
