//! `[INSERT INTO sink] SELECT … FROM TABLE(window TVF) [WHERE …] GROUP BY window_start,
//! window_end, keys` → [`QuerySpec`].

use sqlparser::ast::{Expr, GroupByExpr, Query, SelectItem, SetExpr, Spanned};
use sqlparser::tokenizer::Location;

use super::aggregate::aggregate;
use super::error::{Res, SqlError};
use super::filter::predicate;
use super::lexer::Stmt;
use super::schema::{ColRef, Schema, WINDOW_COLUMNS};
use super::window::{window_tvf, NEEDS_TVF};
use crate::engine::analytics::spec::{AggregateSpec, QuerySpec};

const ITEMS: &str = "supported SELECT items: window_start, window_end, window_time, GROUP BY \
                     columns, COUNT(*), COUNT(col), COUNT(DISTINCT col), SUM(col), MIN(col), \
                     MAX(col), AVG(col), TOP_N(col, n), each with an optional AS alias";

fn loc(s: sqlparser::tokenizer::Span, fallback: Location) -> Location {
    if s.start.line == 0 {
        fallback
    } else {
        s.start
    }
}

/// Compiles a query against `schema`.
pub(crate) fn query(
    q: &Query,
    schema: &Schema,
    stmt: &Stmt,
    sink: Option<String>,
) -> Res<QuerySpec> {
    let at = stmt.start;
    if let Some(w) = &q.with {
        return Err(SqlError::span(
            w.span(),
            at,
            "WITH (common table expressions) is not supported",
        ));
    }
    let select = match q.body.as_ref() {
        SetExpr::Select(s) => s,
        SetExpr::Query(inner) => {
            return Err(SqlError::span(
                inner.span(),
                at,
                "subqueries are not supported; write a single SELECT",
            ))
        }
        SetExpr::SetOperation { op, .. } => {
            let kw = ["UNION", "INTERSECT", "EXCEPT", "MINUS"]
                .iter()
                .find_map(|k| stmt.keyword(k, at, stmt.end, true))
                .unwrap_or(at);
            return Err(SqlError::at(
                kw,
                format!("{op} is not supported; write a single SELECT"),
            ));
        }
        other => {
            return Err(SqlError::span(
                other.span(),
                at,
                "only SELECT queries are supported",
            ));
        }
    };
    let sel_at = loc(select.select_token.0.span, at);
    if let Some(ob) = &q.order_by {
        let kw = stmt.keyword("ORDER", sel_at, loc(ob.span(), stmt.end), false);
        return Err(SqlError::at(
            kw.unwrap_or(loc(ob.span(), at)),
            "ORDER BY is not supported: a windowed aggregation emits each window's rows when the window fires",
        ));
    }
    if let Some(l) = &q.limit_clause {
        let kw = stmt
            .keyword("LIMIT", sel_at, loc(l.span(), stmt.end), false)
            .or_else(|| stmt.keyword("OFFSET", sel_at, loc(l.span(), stmt.end), false));
        return Err(SqlError::at(
            kw.unwrap_or(loc(l.span(), at)),
            "LIMIT / OFFSET are not supported in a streaming aggregation",
        ));
    }
    if q.fetch.is_some()
        || !q.locks.is_empty()
        || q.for_clause.is_some()
        || q.settings.is_some()
        || q.format_clause.is_some()
        || !q.pipe_operators.is_empty()
    {
        return Err(SqlError::at(
            sel_at,
            "unsupported clause after the SELECT; supported: SELECT … FROM … WHERE … GROUP BY …",
        ));
    }
    if select.distinct.is_some() {
        return Err(SqlError::at(
            stmt.keyword("DISTINCT", sel_at, stmt.end, true).unwrap_or(sel_at),
            "SELECT DISTINCT is not supported; group by the columns (GROUP BY window_start, window_end, col) or use COUNT(DISTINCT col)",
        ));
    }
    if select.top.is_some() || select.into.is_some() || select.exclude.is_some() {
        return Err(SqlError::at(
            sel_at,
            "unsupported SELECT modifier (TOP / INTO / EXCLUDE)",
        ));
    }
    if let Some(h) = &select.having {
        let kw = stmt.keyword("HAVING", sel_at, loc(h.span(), stmt.end), false);
        return Err(SqlError::at(
            kw.unwrap_or(loc(h.span(), sel_at)),
            "HAVING is not supported; filter input rows with WHERE",
        ));
    }
    if let Some(nw) = select.named_window.first() {
        return Err(SqlError::span(
            nw.span(),
            sel_at,
            "WINDOW clauses (OVER windows) are not supported; use a window TVF in FROM",
        ));
    }
    if let Some(qu) = &select.qualify {
        return Err(SqlError::span(
            qu.span(),
            sel_at,
            "QUALIFY is not supported",
        ));
    }
    if !select.lateral_views.is_empty()
        || select.prewhere.is_some()
        || !select.connect_by.is_empty()
        || !select.cluster_by.is_empty()
        || !select.distribute_by.is_empty()
        || !select.sort_by.is_empty()
        || select.value_table_mode.is_some()
    {
        return Err(SqlError::at(
            sel_at,
            "unsupported SELECT clause; supported: SELECT … FROM … WHERE … GROUP BY …",
        ));
    }

    // FROM
    let Some(from) = select.from.first() else {
        return Err(SqlError::at(sel_at, NEEDS_TVF));
    };
    if let Some(second) = select.from.get(1) {
        return Err(SqlError::span(
            second.relation.span(),
            sel_at,
            "JOINs (and comma joins) are not supported; read one table",
        ));
    }
    if let Some(j) = from.joins.first() {
        let rel = loc(j.relation.span(), sel_at);
        return Err(SqlError::at(
            stmt.keyword("JOIN", sel_at, rel, false).unwrap_or(rel),
            "JOINs are not supported; read one table",
        ));
    }
    let tvf = window_tvf(&from.relation, schema, &stmt.table_args, sel_at)?;
    let alias = tvf.alias.as_ref();

    // WHERE
    let filter = match &select.selection {
        Some(w) => Some(predicate(w, schema, alias, sel_at)?),
        None => None,
    };

    // GROUP BY
    let group_exprs = match &select.group_by {
        GroupByExpr::Expressions(exprs, mods) if mods.is_empty() => exprs,
        _ => {
            return Err(SqlError::at(
                sel_at,
                "GROUP BY ALL / ROLLUP / CUBE / GROUPING SETS are not supported",
            ));
        }
    };
    let mut keys: Vec<String> = Vec::new();
    let mut grouped_windows: Vec<&str> = Vec::new();
    for g in group_exprs {
        if let Expr::Function(f) = g {
            let n = f.name.to_string().to_ascii_uppercase();
            if matches!(n.as_str(), "TUMBLE" | "HOP" | "SESSION") {
                return Err(SqlError::span(
                    g.span(),
                    sel_at,
                    format!(
                        "legacy group windows (GROUP BY {n}(…)) are not supported; {NEEDS_TVF}"
                    ),
                ));
            }
        }
        if !matches!(g, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) {
            return Err(SqlError::span(
                g.span(),
                sel_at,
                "GROUP BY supports window_start, window_end, window_time and column names only",
            ));
        }
        match schema.resolve(g, alias, sel_at)? {
            ColRef::Window(w) => {
                if grouped_windows.contains(&w) {
                    return Err(SqlError::span(
                        g.span(),
                        sel_at,
                        format!("{w} appears twice in GROUP BY"),
                    ));
                }
                grouped_windows.push(w);
            }
            ColRef::Column(c, _) => {
                if keys.contains(&c) {
                    return Err(SqlError::span(
                        g.span(),
                        sel_at,
                        format!("{c} appears twice in GROUP BY"),
                    ));
                }
                keys.push(c);
            }
        }
    }
    for w in ["window_start", "window_end"] {
        if !grouped_windows.contains(&w) {
            let where_at = group_exprs
                .first()
                .map(|g| loc(g.span(), sel_at))
                .unwrap_or(sel_at);
            return Err(SqlError::at(
                where_at,
                format!("GROUP BY must include window_start and window_end (missing {w}): a window TVF aggregation groups by the window, e.g. GROUP BY window_start, window_end, customer"),
            ));
        }
    }
    for (p, p_at) in &tvf.partition {
        if !keys.contains(p) {
            return Err(SqlError::at(
                *p_at,
                format!("the SESSION partition key {p} must also be in GROUP BY"),
            ));
        }
    }

    // SELECT items
    let mut output: Vec<String> = Vec::new();
    let mut aggregates: Vec<AggregateSpec> = Vec::new();
    for item in &select.projection {
        let (e, alias_ident) = match item {
            SelectItem::UnnamedExpr(e) => (e, None),
            SelectItem::ExprWithAlias { expr, alias } => (expr, Some(alias)),
            other => {
                return Err(SqlError::span(
                    other.span(),
                    sel_at,
                    format!("SELECT * is not supported; {ITEMS}"),
                ));
            }
        };
        let item_at = loc(e.span(), sel_at);
        let mut e = e;
        while let Expr::Nested(inner) = e {
            e = inner;
        }
        let name = match e {
            Expr::Identifier(_) | Expr::CompoundIdentifier(_) => {
                let name = match schema.resolve(e, alias, sel_at)? {
                    ColRef::Window(w) => w.to_string(),
                    ColRef::Column(c, _) => {
                        if !keys.contains(&c) {
                            return Err(SqlError::at(
                                item_at,
                                format!("column {c} must be in GROUP BY or inside an aggregate such as COUNT({c})"),
                            ));
                        }
                        c
                    }
                };
                if let Some(a) = alias_ident {
                    if a.value != name {
                        return Err(SqlError::at(
                            loc(a.span, item_at),
                            format!("renaming {name} is not supported; aliases are supported on aggregates only"),
                        ));
                    }
                }
                name
            }
            Expr::Function(f) => {
                let spec = aggregate(f, e, schema, alias, item_at, stmt)?;
                let name = match alias_ident {
                    Some(a) => {
                        if WINDOW_COLUMNS
                            .iter()
                            .any(|w| a.value.eq_ignore_ascii_case(w))
                        {
                            return Err(SqlError::at(
                                loc(a.span, item_at),
                                format!("{} is reserved for the window column", a.value),
                            ));
                        }
                        a.value.clone()
                    }
                    None => spec.alias.clone(),
                };
                aggregates.push(AggregateSpec {
                    alias: name.clone(),
                    ..spec
                });
                name
            }
            Expr::Subquery(_) | Expr::Exists { .. } => {
                return Err(SqlError::at(item_at, "subqueries are not supported"));
            }
            _ => {
                return Err(SqlError::at(
                    item_at,
                    format!("unsupported SELECT expression; {ITEMS}"),
                ))
            }
        };
        if output.iter().any(|o| o.eq_ignore_ascii_case(&name)) {
            let a_at = alias_ident.map(|a| loc(a.span, item_at)).unwrap_or(item_at);
            return Err(SqlError::at(
                a_at,
                format!("duplicate output column {name}; give it another name with AS"),
            ));
        }
        output.push(name);
    }
    if aggregates.is_empty() {
        return Err(SqlError::at(
            sel_at,
            format!("the query has no aggregate; {ITEMS}"),
        ));
    }
    Ok(QuerySpec {
        source: schema.table.clone(),
        time: tvf.time,
        window: tvf.window,
        keys,
        filter,
        aggregates,
        output,
        sink,
    })
}
