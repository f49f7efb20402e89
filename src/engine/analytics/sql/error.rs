//! Positioned errors: [`SqlError`] and conversions from sqlparser's errors and spans.

use sqlparser::parser::ParserError;
use sqlparser::tokenizer::{Location, Span, TokenizerError};

/// A compile error at a 1-based line and column of the original SQL text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlError {
    /// 1-based line of the offending token.
    pub line: u64,
    /// 1-based column (in characters) of the offending token.
    pub column: u64,
    /// What is wrong and, where it helps, what is supported instead.
    pub message: String,
}

impl std::fmt::Display for SqlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for SqlError {}

/// Result of the compiler's steps.
pub(crate) type Res<T> = Result<T, SqlError>;

impl SqlError {
    /// An error at `loc` (an empty location becomes line 1, column 1).
    pub(crate) fn at(loc: Location, message: impl Into<String>) -> SqlError {
        let (line, column) = if loc.line == 0 {
            (1, 1)
        } else {
            (loc.line, loc.column.max(1))
        };
        SqlError {
            line,
            column,
            message: message.into(),
        }
    }

    /// An error at the start of `span`, or at `fallback` when the span is empty.
    pub(crate) fn span(span: Span, fallback: Location, message: impl Into<String>) -> SqlError {
        let loc = if span.start.line == 0 {
            fallback
        } else {
            span.start
        };
        SqlError::at(loc, message)
    }
}

/// Splits sqlparser's `"… at Line: L, Column: C"` suffix off a message.
fn split_location(msg: &str) -> (String, Option<Location>) {
    let Some(pos) = msg.rfind(" at Line: ") else {
        return (msg.to_string(), None);
    };
    let (text, tail) = msg.split_at(pos);
    let tail = tail.trim_start_matches(" at Line: ");
    let mut parts = tail.split(", Column: ");
    let line = parts.next().and_then(|l| l.trim().parse::<u64>().ok());
    let column = parts.next().and_then(|c| c.trim().parse::<u64>().ok());
    match (line, column) {
        (Some(line), Some(column)) if line > 0 => {
            (text.to_string(), Some(Location { line, column }))
        }
        _ => (msg.to_string(), None),
    }
}

/// Converts a parser error; `fallback` positions errors that carry no location (e.g. the
/// recursion limit).
pub(crate) fn from_parser(err: ParserError, fallback: Location) -> SqlError {
    match err {
        ParserError::RecursionLimitExceeded => SqlError::at(
            fallback,
            "syntax error: expression nested too deeply (the parser's recursion limit)",
        ),
        ParserError::ParserError(msg) | ParserError::TokenizerError(msg) => {
            let (text, loc) = split_location(&msg);
            SqlError::at(loc.unwrap_or(fallback), format!("syntax error: {text}"))
        }
    }
}

/// Converts a tokenizer error.
pub(crate) fn from_tokenizer(err: TokenizerError) -> SqlError {
    SqlError::at(err.location, format!("syntax error: {}", err.message))
}
