//! Compile errors of the transform language.

use std::fmt;

/// A compile error with 1-based line and column (columns count characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// 1-based line of the offending token.
    pub line: u32,
    /// 1-based column (in characters) of the offending token.
    pub column: u32,
    /// What is wrong, in words.
    pub message: String,
}

impl ScriptError {
    /// An error at `line`, `column`.
    pub fn new(line: u32, column: u32, message: impl Into<String>) -> ScriptError {
        ScriptError {
            line,
            column,
            message: message.into(),
        }
    }
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ScriptError {}
