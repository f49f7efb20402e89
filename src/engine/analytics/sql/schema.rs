//! The table a query reads and name resolution against it (case-insensitive unless quoted).

use sqlparser::ast::{Expr, Ident, Spanned};
use sqlparser::tokenizer::Location;

use super::error::{Res, SqlError};
use crate::engine::analytics::spec::{ColumnType, SourceTable};

/// The columns the window TVF appends.
pub const WINDOW_COLUMNS: [&str; 3] = ["window_start", "window_end", "window_time"];

/// The processing-time attribute `compile_query` and `to_sql` assume for a source table without
/// one: `proc_time`, or `proc_time_1`, `proc_time_2`, … if a column already has that name.
pub fn proctime_name(source: &SourceTable) -> String {
    let taken = |n: &str| {
        source
            .columns
            .iter()
            .any(|(c, _)| c.eq_ignore_ascii_case(n))
    };
    let mut name = "proc_time".to_string();
    let mut i = 1;
    while taken(&name) {
        name = format!("proc_time_{i}");
        i += 1;
    }
    name
}

/// Whether `ident` names `name`: exactly if quoted, else ignoring ASCII case.
pub(crate) fn ident_is(ident: &Ident, name: &str) -> bool {
    if ident.quote_style.is_some() {
        ident.value == name
    } else {
        ident.value.eq_ignore_ascii_case(name)
    }
}

/// A source table with its processing-time attribute, if any.
#[derive(Clone, Debug)]
pub(crate) struct Schema {
    /// The table.
    pub table: SourceTable,
    /// `name AS PROCTIME()` column.
    pub proctime: Option<String>,
}

/// What a column reference in a query names.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ColRef {
    /// `window_start`, `window_end` or `window_time` (the canonical lowercase name).
    Window(&'static str),
    /// A declared column: its name as declared and type.
    Column(String, ColumnType),
}

impl Schema {
    /// The declared column `ident` names.
    pub fn column(&self, ident: &Ident) -> Option<(String, ColumnType)> {
        self.table
            .columns
            .iter()
            .find(|(c, _)| ident_is(ident, c))
            .map(|(c, t)| (c.clone(), *t))
    }

    /// Whether `ident` names the table.
    pub fn is_table(&self, ident: &Ident) -> bool {
        ident_is(ident, &self.table.name)
    }

    /// Resolves a column reference (`col` or `table.col` / `alias.col`).
    pub fn resolve(&self, expr: &Expr, alias: Option<&Ident>, fallback: Location) -> Res<ColRef> {
        let ident = match expr {
            Expr::Identifier(i) => i,
            Expr::CompoundIdentifier(parts) => match parts.as_slice() {
                [q, c] if self.is_table(q) || alias.is_some_and(|a| ident_is(q, &a.value)) => c,
                _ => {
                    return Err(SqlError::span(
                        expr.span(),
                        fallback,
                        format!(
                            "unknown qualified name {expr}; write the column name alone or \
                             qualify it with the table name {}",
                            self.table.name
                        ),
                    ))
                }
            },
            _ => {
                return Err(SqlError::span(
                    expr.span(),
                    fallback,
                    "expected a column name",
                ));
            }
        };
        let loc = if ident.span.start.line == 0 {
            fallback
        } else {
            ident.span.start
        };
        if let Some(w) = WINDOW_COLUMNS.iter().find(|w| ident_is(ident, w)) {
            return Ok(ColRef::Window(w));
        }
        if let Some((c, t)) = self.column(ident) {
            return Ok(ColRef::Column(c, t));
        }
        if self.proctime.as_deref().is_some_and(|p| ident_is(ident, p)) {
            return Err(SqlError::at(
                loc,
                format!(
                    "{} is a processing-time attribute; it can only be used in DESCRIPTOR(…)",
                    ident.value
                ),
            ));
        }
        let cols: Vec<&str> = self.table.columns.iter().map(|(c, _)| c.as_str()).collect();
        Err(SqlError::at(
            loc,
            format!(
                "unknown column {} (table {} has columns: {})",
                ident.value,
                self.table.name,
                cols.join(", ")
            ),
        ))
    }
}
