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

fn significant(t: &TokenWithSpan) -> bool {
    !matches!(t.token, Token::Whitespace(_) | Token::EOF)
}

/// An unquoted word equal (case-insensitively) to `kw`.
fn is_kw(t: &TokenWithSpan, kw: &str) -> bool {
    matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
}

fn ident_of(t: &TokenWithSpan) -> Option<Ident> {
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
        create_table_clauses(&tokens, &sig, &mut remove, &mut stmt)?;
    } else {
        table_args(&tokens, &sig, &mut remove, &mut stmt)?;
    }
    stmt.tokens = tokens
        .into_iter()
        .zip(remove)
        .filter_map(|(t, r)| (!r).then_some(t))
        .collect();
    stmt.tokens.push(eof(end));
    Ok(Some(stmt))
}

/// Cuts `WATERMARK FOR …` and computed columns out of the column list of a CREATE TABLE.
fn create_table_clauses(
    tokens: &[TokenWithSpan],
    sig: &[usize],
    remove: &mut [bool],
    stmt: &mut Stmt,
) -> Res<()> {
    let tok = |k: usize| sig.get(k).and_then(|&i| tokens.get(i));
    // The column list: the first `(` and its matching `)`.
    let Some(open) = (0..sig.len()).find(|&k| tok(k).is_some_and(|t| t.token == Token::LParen))
    else {
        return Ok(());
    };
    // Elements: runs of significant-token indices (into `sig`) between depth-1 commas.
    let mut elements: Vec<(Vec<usize>, Option<usize>)> = Vec::new(); // (tokens, comma before)
    let mut cur: Vec<usize> = Vec::new();
    let mut comma_before: Option<usize> = None;
    let mut depth = 1i64;
    let mut k = open + 1;
    while let Some(t) = tok(k) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Token::Comma if depth == 1 => {
                elements.push((std::mem::take(&mut cur), comma_before));
                comma_before = Some(k);
                k += 1;
                continue;
            }
            _ => {}
        }
        cur.push(k);
        k += 1;
    }
    elements.push((cur, comma_before));
    let mut removed_el = vec![false; elements.len()];
    for (idx, (el, _)) in elements.iter().enumerate() {
        let at = |j: usize| el.get(j).and_then(|&k| tok(k));
        let (Some(t0), Some(t1)) = (at(0), at(1)) else {
            continue;
        };
        let end = el
            .last()
            .and_then(|&k| tok(k))
            .map(|t| t.span.end)
            .unwrap_or(t1.span.end);
        let expr_tokens = |from: usize| -> Vec<TokenWithSpan> {
            let a = el.get(from).and_then(|&k| sig.get(k));
            let b = el.last().and_then(|&k| sig.get(k));
            let (Some(&a), Some(&b)) = (a, b) else {
                return Vec::new();
            };
            tokens
                .get(a..=b)
                .map(<[TokenWithSpan]>::to_vec)
                .unwrap_or_default()
        };
        if is_kw(t0, "WATERMARK") && is_kw(t1, "FOR") {
            let Some(column) = at(2).and_then(ident_of) else {
                let loc = at(2).map(|t| t.span.start).unwrap_or(end);
                return Err(SqlError::at(
                    loc,
                    "expected a column name after WATERMARK FOR",
                ));
            };
            match at(3) {
                Some(t) if is_kw(t, "AS") => {}
                other => {
                    let loc = other.map(|t| t.span.start).unwrap_or(end);
                    return Err(SqlError::at(
                        loc,
                        "expected AS after WATERMARK FOR <column>, \
                         e.g. WATERMARK FOR ts AS ts - INTERVAL '5' SECOND",
                    ));
                }
            }
            stmt.watermarks.push(Watermark {
                column,
                expr: expr_tokens(4),
                start: t0.span.start,
                end,
            });
        } else if is_kw(t1, "AS") && matches!(t0.token, Token::Word(_)) {
            let Some(name) = ident_of(t0) else { continue };
            stmt.computed.push(Computed {
                name,
                expr: expr_tokens(2),
                end,
            });
        } else {
            continue;
        }
        if let Some(r) = removed_el.get_mut(idx) {
            *r = true;
        }
        for &k in el {
            if let Some(r) = sig.get(k).and_then(|&i| remove.get_mut(i)) {
                *r = true;
            }
        }
    }
    // Keep a separating comma only between two kept elements.
    let mut seen_kept = false;
    for (idx, (_, comma)) in elements.iter().enumerate() {
        let kept = !removed_el.get(idx).copied().unwrap_or(false);
        if let Some(c) = comma {
            if !(kept && seen_kept) {
                if let Some(r) = sig.get(*c).and_then(|&i| remove.get_mut(i)) {
                    *r = true;
                }
            }
        }
        seen_kept |= kept;
    }
    Ok(())
}

/// Cuts the `TABLE` keyword (and `PARTITION BY …`) of table arguments out of calls.
fn table_args(
    tokens: &[TokenWithSpan],
    sig: &[usize],
    remove: &mut [bool],
    stmt: &mut Stmt,
) -> Res<()> {
    let tok = |k: usize| sig.get(k).and_then(|&i| tokens.get(i));
    let mark = |k: usize, remove: &mut [bool]| {
        if let Some(r) = sig.get(k).and_then(|&i| remove.get_mut(i)) {
            *r = true;
        }
    };
    let mut k = 1;
    while k < sig.len() {
        let (Some(prev), Some(t), Some(next)) = (tok(k - 1), tok(k), tok(k + 1)) else {
            k += 1;
            continue;
        };
        let after_open = matches!(prev.token, Token::LParen | Token::Comma | Token::RArrow);
        if !(after_open && is_kw(t, "TABLE") && matches!(next.token, Token::Word(_))) {
            k += 1;
            continue;
        }
        mark(k, remove);
        let mut arg = TableArg {
            name_at: next.span.start,
            partition: Vec::new(),
            partition_at: None,
        };
        let mut j = k + 2;
        if let (Some(p), Some(b)) = (tok(j), tok(j + 1)) {
            if is_kw(p, "PARTITION") && is_kw(b, "BY") {
                arg.partition_at = Some(p.span.start);
                mark(j, remove);
                mark(j + 1, remove);
                j += 2;
                let parenthesised = tok(j).is_some_and(|t| t.token == Token::LParen);
                if parenthesised {
                    mark(j, remove);
                    j += 1;
                }
                loop {
                    let Some(col) = tok(j).and_then(ident_of) else {
                        let loc = tok(j).map(|t| t.span.start).unwrap_or(stmt.end);
                        return Err(SqlError::at(
                            loc,
                            "expected a column name after PARTITION BY",
                        ));
                    };
                    arg.partition.push(col);
                    mark(j, remove);
                    j += 1;
                    if !parenthesised {
                        break;
                    }
                    match tok(j).map(|t| &t.token) {
                        Some(Token::Comma) => {
                            mark(j, remove);
                            j += 1;
                        }
                        Some(Token::RParen) => {
                            mark(j, remove);
                            j += 1;
                            break;
                        }
                        _ => {
                            let loc = tok(j).map(|t| t.span.start).unwrap_or(stmt.end);
                            return Err(SqlError::at(loc, "expected , or ) in PARTITION BY (…)"));
                        }
                    }
                }
            }
        }
        stmt.table_args.push(arg);
        k = j;
    }
    Ok(())
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
