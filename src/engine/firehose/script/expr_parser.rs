//! Recursive-descent parser, expressions part: precedence levels, unary and postfix operators,
//! literals, variables and calls of built-in functions.

use super::ast::{BinOp, Expr, ExprKind};
use super::error::ScriptError;
use super::functions;
use super::lexer::Tok;
use super::parser::{PResult, Parser, KEYWORDS};

const LEVELS: &[&[(&str, BinOp)]] = &[
    &[("||", BinOp::Or)],
    &[("&&", BinOp::And)],
    &[("==", BinOp::Eq), ("!=", BinOp::Ne)],
    &[
        ("<=", BinOp::Le),
        (">=", BinOp::Ge),
        ("<", BinOp::Lt),
        (">", BinOp::Gt),
    ],
    &[("+", BinOp::Add), ("-", BinOp::Sub)],
    &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Rem)],
];

impl Parser {
    pub(super) fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = self.binary(0);
        self.leave();
        e
    }

    fn binary(&mut self, level: usize) -> PResult<Expr> {
        let Some(ops) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.binary(level + 1)?;
        loop {
            let at = self.peek().clone();
            let Some(op) = ops
                .iter()
                .find(|(s, _)| matches!(&at.tok, Tok::Sym(x) if x == s))
                .map(|(_, op)| *op)
            else {
                return Ok(left);
            };
            self.bump();
            let right = self.binary(level + 1)?;
            left = self.mk(ExprKind::Binary(op, Box::new(left), Box::new(right)), &at)?;
        }
    }

    pub(super) fn unary(&mut self) -> PResult<Expr> {
        let at = self.peek().clone();
        let neg = match at.tok {
            Tok::Sym("!") => false,
            Tok::Sym("-") => true,
            _ => return self.postfix(),
        };
        self.bump();
        self.enter()?;
        let inner = self.unary();
        self.leave();
        let inner = Box::new(inner?);
        self.mk(
            if neg {
                ExprKind::Neg(inner)
            } else {
                ExprKind::Not(inner)
            },
            &at,
        )
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.primary()?;
        loop {
            let at = self.peek().clone();
            if self.eat_sym(".") {
                let field = match self.bump().tok {
                    Tok::Ident(n) => n,
                    other => {
                        return Err(ScriptError::new(
                            at.line,
                            at.col + 1,
                            format!(
                                "expected a field name after '.', found {}",
                                other.describe()
                            ),
                        ))
                    }
                };
                e = self.mk(ExprKind::Field(Box::new(e), field), &at)?;
            } else if self.eat_sym("[") {
                let index = self.expr()?;
                self.expect("]", "after the index")?;
                e = self.mk(ExprKind::Index(Box::new(e), Box::new(index)), &at)?;
            } else {
                return Ok(e);
            }
        }
    }

    fn list<T>(
        &mut self,
        close: &str,
        mut item: impl FnMut(&mut Self) -> PResult<T>,
    ) -> PResult<Vec<T>> {
        self.enter()?;
        let mut out = Vec::new();
        while !self.eat_sym(close) {
            out.push(item(self)?);
            if !self.eat_sym(",") && !self.is_sym(close) {
                return Err(self.err_here(format!(
                    "expected ',' or '{close}', found {}",
                    self.peek().tok.describe()
                )));
            }
        }
        self.leave();
        Ok(out)
    }

    fn primary(&mut self) -> PResult<Expr> {
        let at = self.bump();
        let kind = match &at.tok {
            Tok::Int(i) => ExprKind::Int(*i),
            Tok::Float(f) => ExprKind::Float(*f),
            Tok::Str(s) => ExprKind::Str(s.clone()),
            Tok::Sym("(") => {
                let e = self.expr()?;
                self.expect(")", "to close '('")?;
                return Ok(e);
            }
            Tok::Sym("[") => ExprKind::Array(self.list("]", |p| p.expr())?),
            Tok::Sym("{") => ExprKind::Object(self.list("}", |p| {
                let key = match p.bump().tok {
                    Tok::Ident(n) => n,
                    Tok::Str(s) => s,
                    other => {
                        return Err(p.err_back(format!(
                            "expected a field name, found {}",
                            other.describe()
                        )))
                    }
                };
                p.expect(":", "after the field name")?;
                Ok((key, p.expr()?))
            })?),
            Tok::Ident(n) => match n.as_str() {
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                "null" => ExprKind::Null,
                _ if self.is_sym("(") => {
                    let Some((func, min, max)) = functions::lookup(n) else {
                        return Err(ScriptError::new(
                            at.line,
                            at.col,
                            format!("unknown function '{n}'"),
                        ));
                    };
                    self.bump();
                    let args = self.list(")", |p| p.expr())?;
                    if args.len() < min || args.len() > max {
                        let want = match (min, max) {
                            (a, b) if a == b => format!("{a}"),
                            (a, usize::MAX) => format!("at least {a}"),
                            (a, b) => format!("{a} to {b}"),
                        };
                        return Err(ScriptError::new(
                            at.line,
                            at.col,
                            format!("{n}() takes {want} argument(s), got {}", args.len()),
                        ));
                    }
                    ExprKind::Call(func, args)
                }
                _ if KEYWORDS.contains(&n.as_str()) => {
                    return Err(ScriptError::new(
                        at.line,
                        at.col,
                        format!("unexpected '{n}' in an expression"),
                    ))
                }
                _ => match self.lookup(n) {
                    Some(slot) => ExprKind::Var(slot),
                    None => {
                        return Err(ScriptError::new(
                            at.line,
                            at.col,
                            format!("unknown variable '{n}' (declare it with let)"),
                        ))
                    }
                },
            },
            other => {
                return Err(ScriptError::new(
                    at.line,
                    at.col,
                    format!("expected an expression, found {}", other.describe()),
                ))
            }
        };
        self.mk(kind, &at)
    }
}
