//! Recursive-descent parser, expressions part: binary operator precedence, unary and postfix operators,
//! literals, variables and calls of built-in functions.

use super::ast::{BinOp, Expr, ExprKind};
use super::error::ScriptError;
use super::functions;
use super::lexer::{Tok, Token};
use super::parser::{PResult, Parser, KEYWORDS};

/// Binary operators and their precedence (higher binds tighter); all are left-associative.
fn binop(tok: &Tok) -> Option<(BinOp, u8)> {
    let Tok::Sym(s) = tok else {
        return None;
    };
    Some(match *s {
        "||" => (BinOp::Or, 1),
        "&&" => (BinOp::And, 2),
        "==" => (BinOp::Eq, 3),
        "!=" => (BinOp::Ne, 3),
        "<" => (BinOp::Lt, 4),
        "<=" => (BinOp::Le, 4),
        ">" => (BinOp::Gt, 4),
        ">=" => (BinOp::Ge, 4),
        "+" => (BinOp::Add, 5),
        "-" => (BinOp::Sub, 5),
        "*" => (BinOp::Mul, 6),
        "/" => (BinOp::Div, 6),
        "%" => (BinOp::Rem, 6),
        _ => return None,
    })
}

impl Parser {
    pub(super) fn expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let e = self.binary();
        self.leave();
        e
    }

    /// Operator precedence with explicit stacks (no recursion per operator or level, which keeps
    /// the stack small per nesting level).
    fn binary(&mut self) -> PResult<Expr> {
        let mut operands = vec![self.unary()?];
        let mut ops: Vec<(BinOp, u8, Token)> = Vec::new();
        loop {
            let at = self.peek().clone();
            let Some((op, prec)) = binop(&at.tok) else {
                break;
            };
            self.bump();
            while ops.last().is_some_and(|(_, p, _)| *p >= prec) {
                self.reduce(&mut operands, &mut ops)?;
            }
            ops.push((op, prec, at));
            operands.push(self.unary()?);
        }
        while !ops.is_empty() {
            self.reduce(&mut operands, &mut ops)?;
        }
        operands
            .pop()
            .ok_or_else(|| self.err_here("expected an expression"))
    }

    fn reduce(&self, operands: &mut Vec<Expr>, ops: &mut Vec<(BinOp, u8, Token)>) -> PResult<()> {
        let (Some((op, _, at)), Some(r), Some(l)) = (ops.pop(), operands.pop(), operands.pop())
        else {
            return Err(self.err_here("expected an expression"));
        };
        operands.push(self.mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), &at)?);
        Ok(())
    }

    /// Prefix `!` and `-` (iteratively), then a postfix expression.
    pub(super) fn unary(&mut self) -> PResult<Expr> {
        let mut prefix = Vec::new();
        let result = loop {
            let at = self.peek().clone();
            if !matches!(at.tok, Tok::Sym("!" | "-")) {
                break self.postfix();
            }
            self.bump();
            if let Err(e) = self.enter() {
                break Err(e);
            }
            prefix.push(at);
        };
        for _ in &prefix {
            self.leave();
        }
        let mut e = result?;
        while let Some(at) = prefix.pop() {
            let inner = Box::new(e);
            let kind = if at.tok == Tok::Sym("-") {
                ExprKind::Neg(inner)
            } else {
                ExprKind::Not(inner)
            };
            e = self.mk(kind, &at)?;
        }
        Ok(e)
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
        // (Each item is an `expr`, which counts one nesting level.)
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
        Ok(out)
    }

    /// Literals, variables, `( … )`, `[ … ]`, `{ … }` and calls. Each bracket form is its own
    /// small function so the frames on the recursion path stay small.
    fn primary(&mut self) -> PResult<Expr> {
        let at = self.bump();
        let kind = match &at.tok {
            Tok::Int(i) => ExprKind::Int(*i),
            Tok::Float(f) => ExprKind::Float(*f),
            Tok::Str(s) => ExprKind::Str(s.clone()),
            Tok::Sym("(") => return self.parens(),
            Tok::Sym("[") => self.array()?,
            Tok::Sym("{") => self.object()?,
            Tok::Ident(n) => match n.as_str() {
                "true" => ExprKind::Bool(true),
                "false" => ExprKind::Bool(false),
                "null" => ExprKind::Null,
                _ if self.is_sym("(") => self.call(&at, n)?,
                _ if KEYWORDS.contains(&n.as_str()) => {
                    return Err(at_token(&at, format!("unexpected '{n}' in an expression")))
                }
                _ => match self.lookup(n) {
                    Some(slot) => ExprKind::Var(slot),
                    None => {
                        return Err(at_token(
                            &at,
                            format!("unknown variable '{n}' (declare it with let)"),
                        ))
                    }
                },
            },
            other => {
                let msg = format!("expected an expression, found {}", other.describe());
                return Err(at_token(&at, msg));
            }
        };
        self.mk(kind, &at)
    }

    #[inline(never)]
    fn parens(&mut self) -> PResult<Expr> {
        let e = self.expr()?;
        self.expect(")", "to close '('")?;
        Ok(e)
    }

    #[inline(never)]
    fn array(&mut self) -> PResult<ExprKind> {
        Ok(ExprKind::Array(self.list("]", |p| p.expr())?))
    }

    #[inline(never)]
    fn object(&mut self) -> PResult<ExprKind> {
        Ok(ExprKind::Object(self.list("}", |p| {
            let key = match p.bump().tok {
                Tok::Ident(n) => n,
                Tok::Str(s) => s,
                other => {
                    return Err(
                        p.err_back(format!("expected a field name, found {}", other.describe()))
                    )
                }
            };
            p.expect(":", "after the field name")?;
            Ok((key, p.expr()?))
        })?))
    }

    #[inline(never)]
    fn call(&mut self, at: &Token, name: &str) -> PResult<ExprKind> {
        let Some((func, min, max)) = functions::lookup(name) else {
            return Err(at_token(at, format!("unknown function '{name}'")));
        };
        self.bump();
        let args = self.list(")", |p| p.expr())?;
        if args.len() < min || args.len() > max {
            let want = match (min, max) {
                (a, b) if a == b => format!("{a}"),
                (a, usize::MAX) => format!("at least {a}"),
                (a, b) => format!("{a} to {b}"),
            };
            let msg = format!("{name}() takes {want} argument(s), got {}", args.len());
            return Err(at_token(at, msg));
        }
        Ok(ExprKind::Call(func, args))
    }
}

#[cold]
fn at_token(at: &Token, msg: String) -> ScriptError {
    ScriptError::new(at.line, at.col, msg)
}
