//! Tokenising a script and the Flink-only syntax sqlparser does not know.
//!
//! The script is tokenised once with sqlparser's tokenizer (every token keeps its position in the
//! ORIGINAL text), split into statements at top-level `;`, and three Flink forms are cut out of
//! the token stream before sqlparser parses it — so every later error still points into the
//! original text:
//! - `WATERMARK FOR col AS expr` inside `CREATE TABLE (…)` ([`Watermark`]);
//! - computed columns `name AS expr` inside `CREATE TABLE (…)` ([`Computed`]);
//! - the `TABLE` keyword of a table argument `TABLE t [PARTITION BY k | (k, …)]` inside a call
//!   such as `TUMBLE(TABLE t, …)` ([`TableArg`]); the bare name `t` is left for sqlparser.

use sqlparser::ast::Ident;
use sqlparser::dialect::GenericDialect;
use sqlparser::tokenizer::{Location, Span, Token, TokenWithSpan, Tokenizer};

use super::error::{from_tokenizer, Res, SqlError};
use super::flink;

/// At most this many tokens (not counting whitespace and comments) per script: bounds the depth
/// of every syntax tree built from it (left-deep `a AND b AND …` chains are not limited by the
/// parser's recursion counter).
pub const MAX_TOKENS: usize = 2000;

/// `WATERMARK FOR col AS expr`.
#[derive(Clone, Debug)]
pub(crate) struct Watermark {
    /// `col`.
    pub column: Ident,
    /// The tokens of `expr`.
    pub expr: Vec<TokenWithSpan>,
    /// Where `WATERMARK` is.
    pub start: Location,
    /// Just after the clause (for errors at its end).
    pub end: Location,
}

/// A computed column `name AS expr`.
#[derive(Clone, Debug)]
pub(crate) struct Computed {
    /// `name`.
    pub name: Ident,
    /// The tokens of `expr`.
    pub expr: Vec<TokenWithSpan>,
    /// Just after the column (for errors at its end).
    pub end: Location,
}

/// A `TABLE t [PARTITION BY …]` argument; sqlparser sees only `t`.
#[derive(Clone, Debug)]
pub(crate) struct TableArg {
    /// Where `t` starts (matches the span of the identifier sqlparser produces).
    pub name_at: Location,
    /// `PARTITION BY` columns.
    pub partition: Vec<Ident>,
    /// Where `PARTITION` is, if present.
    pub partition_at: Option<Location>,
}

/// One statement's tokens (ending with an EOF token placed just after its last token) and the
/// Flink clauses cut out of it.
#[derive(Clone, Debug)]
pub(crate) struct Stmt {
    /// Tokens for sqlparser.
    pub tokens: Vec<TokenWithSpan>,
    /// Position of the first token.
    pub start: Location,
    /// Position just after the last token.
    pub end: Location,
    /// `WATERMARK FOR …` clauses (CREATE TABLE).
    pub watermarks: Vec<Watermark>,
    /// Computed columns (CREATE TABLE).
    pub computed: Vec<Computed>,
    /// `TABLE t` arguments.
    pub table_args: Vec<TableArg>,
}

pub(crate) fn significant(t: &TokenWithSpan) -> bool {
    !matches!(t.token, Token::Whitespace(_) | Token::EOF)
}

/// An unquoted word equal (case-insensitively) to `kw`.
pub(crate) fn is_kw(t: &TokenWithSpan, kw: &str) -> bool {
    matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
}

pub(crate) fn ident_of(t: &TokenWithSpan) -> Option<Ident> {
    match &t.token {
        Token::Word(w) => Some(Ident {
            value: w.value.clone(),
            quote_style: w.quote_style,
            span: t.span,
        }),
        _ => None,
    }
}

fn eof(at: Location) -> TokenWithSpan {
    TokenWithSpan::new(Token::EOF, Span::new(at, at))
}

/// A token slice followed by an EOF token at `end`.
pub(crate) fn with_eof(tokens: &[TokenWithSpan], end: Location) -> Vec<TokenWithSpan> {
    let mut v = tokens.to_vec();
    v.push(eof(end));
    v
}

/// Tokenises `sql` and splits it into statements (empty statements are skipped).
pub(crate) fn statements(sql: &str) -> Res<Vec<Stmt>> {
    let dialect = GenericDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize_with_location()
        .map_err(from_tokenizer)?;
    if let Some(t) = tokens.iter().filter(|t| significant(t)).nth(MAX_TOKENS) {
        return Err(SqlError::at(
            t.span.start,
            format!("script too long: more than {MAX_TOKENS} tokens"),
        ));
    }
    let mut out = Vec::new();
    let mut depth = 0i64;
    let mut current: Vec<TokenWithSpan> = Vec::new();
    for t in tokens {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::SemiColon if depth <= 0 => {
                depth = 0;
                if let Some(s) = statement(std::mem::take(&mut current))? {
                    out.push(s);
                }
                continue;
            }
            _ => {}
        }
        current.push(t);
    }
    if let Some(s) = statement(current)? {
        out.push(s);
    }
    Ok(out)
}

fn statement(tokens: Vec<TokenWithSpan>) -> Res<Option<Stmt>> {
    let sig: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens.get(i).is_some_and(significant))
        .collect();
    let (Some(&first), Some(&last)) = (sig.first(), sig.last()) else {
        return Ok(None);
    };
    let start = tokens
        .get(first)
        .map(|t| t.span.start)
        .unwrap_or(Location { line: 1, column: 1 });
    let end = tokens.get(last).map(|t| t.span.end).unwrap_or(start);
    let mut stmt = Stmt {
        tokens: Vec::new(),
        start,
        end,
        watermarks: Vec::new(),
        computed: Vec::new(),
        table_args: Vec::new(),
    };
    let mut remove = vec![false; tokens.len()];
    let tok = |k: usize| sig.get(k).and_then(|&i| tokens.get(i));
    let is_create_table = tok(0).is_some_and(|t| is_kw(t, "CREATE"))
        && (1..4).any(|k| tok(k).is_some_and(|t| is_kw(t, "TABLE")));
    if is_create_table {
        flink::create_table_clauses(&tokens, &sig, &mut remove, &mut stmt)?;
    } else {
        flink::table_args(&tokens, &sig, &mut remove, &mut stmt)?;
    }
    stmt.tokens = tokens
        .into_iter()
        .zip(remove)
        .filter_map(|(t, r)| (!r).then_some(t))
        .collect();
    stmt.tokens.push(eof(end));
    Ok(Some(stmt))
}

fn before(a: Location, b: Location) -> bool {
    (a.line, a.column) < (b.line, b.column)
}

impl Stmt {
    /// The position of the last unquoted keyword `kw` starting before `limit` (or the first one
    /// at or after `from`, when `first` is set): points errors at `ORDER`, `LIMIT`, `JOIN`, …
    pub(crate) fn keyword(
        &self,
        kw: &str,
        from: Location,
        limit: Location,
        first: bool,
    ) -> Option<Location> {
        let mut hits = self
            .tokens
            .iter()
            .filter(|t| is_kw(t, kw) && !before(t.span.start, from) && before(t.span.start, limit))
            .map(|t| t.span.start);
        if first {
            hits.next()
        } else {
            hits.next_back()
        }
    }
}

impl Stmt {
    /// Where the statement nests parentheses deepest (the first such token), else its start:
    /// positions the parser's recursion-limit error.
    pub(crate) fn deepest(&self) -> Location {
        let (mut depth, mut max, mut at) = (0i64, 0i64, self.start);
        for t in &self.tokens {
            match t.token {
                Token::LParen => {
                    depth += 1;
                    if depth > max {
                        max = depth;
                        at = t.span.start;
                    }
                }
                Token::RParen => depth -= 1,
                _ => {}
            }
        }
        at
    }
}
