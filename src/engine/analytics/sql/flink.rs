//! The Flink-only syntax sqlparser does not know, cut out of a statement's tokens (positions
//! stay those of the original text): `WATERMARK FOR col AS expr` and computed columns
//! `name AS expr` in CREATE TABLE, and the `TABLE` keyword (with `PARTITION BY …`) of table
//! arguments such as `TUMBLE(TABLE t, …)`.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::error::{Res, SqlError};
use super::lexer::{ident_of, is_kw, Computed, Stmt, TableArg, Watermark};

/// Cuts `WATERMARK FOR …` and computed columns out of the column list of a CREATE TABLE.
pub(crate) fn create_table_clauses(
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
        } else if is_kw(t0, "WATERMARK")
            && el
                .iter()
                .skip(2)
                .any(|&k| tok(k).is_some_and(|t| is_kw(t, "AS")))
        {
            return Err(SqlError::at(
                t1.span.start,
                "expected FOR after WATERMARK: WATERMARK FOR ts AS ts - INTERVAL '5' SECOND",
            ));
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
pub(crate) fn table_args(
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
