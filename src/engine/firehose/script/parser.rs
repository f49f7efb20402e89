//! Recursive-descent parser: tokens → [`Program`]. Recursion is bounded by [`MAX_NESTING`]
//! (brackets, blocks, unary operators) and expression trees by [`MAX_EXPR_HEIGHT`], so no source
//! text can overflow the stack here or when running or dropping the tree.

use super::ast::{BinOp, Expr, ExprKind, PathStep, Program, Stmt, StmtKind, Target};
use super::error::ScriptError;
use super::functions;
use super::lexer::{lex, Tok, Token};

/// Deepest nesting of brackets, blocks and unary operators.
pub(crate) const MAX_NESTING: u32 = 64;
/// Tallest expression tree (e.g. a chain of 128 `+`).
pub(crate) const MAX_EXPR_HEIGHT: u32 = 128;
/// Longest source in bytes.
pub(crate) const MAX_SOURCE_BYTES: usize = 16 * 1024;

const KEYWORDS: &[&str] = &[
    "let",
    "if",
    "else",
    "while",
    "for",
    "in",
    "return",
    "drop",
    "fail",
    "partition",
    "delete",
    "true",
    "false",
    "null",
    "break",
    "continue",
];

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

type PResult<T> = Result<T, ScriptError>;

/// Parses a whole script.
pub(crate) fn parse(src: &str) -> PResult<Program> {
    if src.len() > MAX_SOURCE_BYTES {
        return Err(ScriptError::new(
            1,
            1,
            format!("script is longer than {MAX_SOURCE_BYTES} bytes"),
        ));
    }
    let mut p = Parser {
        toks: lex(src)?,
        pos: 0,
        depth: 0,
        loops: 0,
        scopes: vec![vec![("record".into(), 0), ("data".into(), 1)]],
        slots: 2,
    };
    let mut body = Vec::new();
    while p.peek().tok != Tok::Eof {
        body.push(p.statement()?);
    }
    Ok(Program {
        body,
        slots: p.slots,
    })
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: u32,
    loops: u32,
    scopes: Vec<Vec<(String, usize)>>,
    slots: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn err_here(&self, msg: impl Into<String>) -> ScriptError {
        let t = self.peek();
        ScriptError::new(t.line, t.col, msg)
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(&self.peek().tok, Tok::Sym(x) if *x == s)
    }

    fn is_kw(&self, s: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(x) if x == s)
    }

    fn eat_sym(&mut self, s: &str) -> bool {
        let yes = self.is_sym(s);
        if yes {
            self.bump();
        }
        yes
    }

    fn expect(&mut self, s: &str, what: &str) -> PResult<()> {
        if self.eat_sym(s) {
            return Ok(());
        }
        Err(self.err_here(format!(
            "expected '{s}' {what}, found {}",
            self.peek().tok.describe()
        )))
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err_here(format!("nesting deeper than {MAX_NESTING} levels")));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn name(&mut self, what: &str) -> PResult<String> {
        match self.peek().tok.clone() {
            Tok::Ident(n) if !KEYWORDS.contains(&n.as_str()) => {
                self.bump();
                Ok(n)
            }
            other => Err(self.err_here(format!("expected {what}, found {}", other.describe()))),
        }
    }

    fn declare(&mut self, name: String) -> usize {
        let scope = self.scopes.last_mut().expect("there is always a scope");
        if let Some((_, slot)) = scope.iter().find(|(n, _)| *n == name) {
            return *slot;
        }
        let slot = self.slots;
        self.slots += 1;
        scope.push((name, slot));
        slot
    }

    fn lookup(&self, name: &str) -> Option<usize> {
        self.scopes.iter().rev().find_map(|s| {
            s.iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, slot)| *slot)
        })
    }

    fn mk(&self, kind: ExprKind, at: &Token) -> PResult<Expr> {
        let e = Expr::new(kind, at.line);
        if e.height > MAX_EXPR_HEIGHT {
            return Err(ScriptError::new(
                at.line,
                at.col,
                format!("expression nested deeper than {MAX_EXPR_HEIGHT} levels"),
            ));
        }
        Ok(e)
    }

    fn block(&mut self, what: &str) -> PResult<Vec<Stmt>> {
        self.expect("{", what)?;
        self.enter()?;
        self.scopes.push(Vec::new());
        let mut body = Vec::new();
        while !self.is_sym("}") {
            if self.peek().tok == Tok::Eof {
                return Err(self.err_here("expected '}' to close the block"));
            }
            body.push(self.statement()?);
        }
        self.bump();
        self.scopes.pop();
        self.leave();
        Ok(body)
    }

    fn end(&mut self) -> PResult<()> {
        self.expect(";", "at the end of the statement")
    }

    fn statement(&mut self) -> PResult<Stmt> {
        let start = self.peek().clone();
        let line = start.line;
        let kw = match &start.tok {
            Tok::Ident(k) if KEYWORDS.contains(&k.as_str()) => k.clone(),
            _ => String::new(),
        };
        let kind = match kw.as_str() {
            "let" => {
                self.bump();
                let name = self.name("a variable name after 'let'")?;
                self.expect("=", "after the variable name")?;
                let e = self.expr()?;
                self.end()?;
                StmtKind::Let(self.declare(name), e)
            }
            "if" => {
                self.bump();
                let mut branches = Vec::new();
                let mut otherwise = None;
                loop {
                    self.expect("(", "after 'if'")?;
                    let cond = self.expr()?;
                    self.expect(")", "after the condition")?;
                    branches.push((cond, self.block("after the condition")?));
                    if !self.is_kw("else") {
                        break;
                    }
                    self.bump();
                    if self.is_kw("if") {
                        self.bump();
                        continue;
                    }
                    otherwise = Some(self.block("after 'else'")?);
                    break;
                }
                StmtKind::If(branches, otherwise)
            }
            "while" => {
                self.bump();
                self.expect("(", "after 'while'")?;
                let cond = self.expr()?;
                self.expect(")", "after the condition")?;
                self.loops += 1;
                let body = self.block("after the condition");
                self.loops -= 1;
                StmtKind::While(cond, body?)
            }
            "for" => {
                self.bump();
                self.expect("(", "after 'for'")?;
                let name = self.name("a loop variable name")?;
                if !self.is_kw("in") {
                    return Err(self.err_here("expected 'in' after the loop variable"));
                }
                self.bump();
                let over = self.expr()?;
                self.expect(")", "after the loop collection")?;
                self.scopes.push(Vec::new());
                let slot = self.declare(name);
                self.loops += 1;
                let body = self.block("after 'for (...)'");
                self.loops -= 1;
                self.scopes.pop();
                StmtKind::For(slot, over, body?)
            }
            "return" => {
                self.bump();
                let e = if self.is_sym(";") {
                    None
                } else {
                    Some(self.expr()?)
                };
                self.end()?;
                StmtKind::Return(e)
            }
            "drop" | "break" | "continue" => {
                self.bump();
                if kw != "drop" && self.loops == 0 {
                    return Err(ScriptError::new(
                        start.line,
                        start.col,
                        format!("'{kw}' outside a loop"),
                    ));
                }
                self.end()?;
                match kw.as_str() {
                    "drop" => StmtKind::Drop,
                    "break" => StmtKind::Break,
                    _ => StmtKind::Continue,
                }
            }
            "fail" => {
                self.bump();
                let e = self.expr()?;
                self.end()?;
                StmtKind::Fail(e)
            }
            "partition" => {
                self.bump();
                self.expect("(", "after 'partition'")?;
                let key = self.expr()?;
                self.expect(",", "between the partition key name and value")?;
                let value = self.expr()?;
                self.expect(")", "after the partition key value")?;
                self.end()?;
                StmtKind::Partition(key, value)
            }
            "delete" => {
                self.bump();
                let at = self.peek().clone();
                let e = self.unary()?;
                let target = to_target(e, &at)?;
                if target.path.is_empty() {
                    return Err(ScriptError::new(
                        at.line,
                        at.col,
                        "'delete' needs a field or index, e.g. delete record.password;",
                    ));
                }
                self.end()?;
                StmtKind::Delete(target)
            }
            "" | "true" | "false" | "null" => {
                let e = self.expr()?;
                let op = match &self.peek().tok {
                    Tok::Sym("=") => Some(None),
                    Tok::Sym("+=") => Some(Some(BinOp::Add)),
                    Tok::Sym("-=") => Some(Some(BinOp::Sub)),
                    Tok::Sym("*=") => Some(Some(BinOp::Mul)),
                    Tok::Sym("/=") => Some(Some(BinOp::Div)),
                    _ => None,
                };
                match op {
                    None => {
                        self.end()?;
                        StmtKind::Expr(e)
                    }
                    Some(op) => {
                        self.bump();
                        let read = op.map(|_| e.clone());
                        let target = to_target(e, &start)?;
                        let value = self.expr()?;
                        self.end()?;
                        StmtKind::Assign {
                            target,
                            op,
                            read,
                            value,
                        }
                    }
                }
            }
            _ => {
                return Err(ScriptError::new(
                    start.line,
                    start.col,
                    format!("unexpected '{kw}'"),
                ))
            }
        };
        Ok(Stmt { kind, line })
    }

    fn expr(&mut self) -> PResult<Expr> {
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

    fn unary(&mut self) -> PResult<Expr> {
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

    /// An error at the token just consumed.
    fn err_back(&self, msg: String) -> ScriptError {
        let t = &self.toks[self.pos.saturating_sub(1)];
        ScriptError::new(t.line, t.col, msg)
    }
}

/// Turns `record.a["b"]` (parsed as an expression) into an assignment target.
fn to_target(e: Expr, at: &Token) -> PResult<Target> {
    let mut path = Vec::new();
    let mut cur = e;
    loop {
        match cur.kind {
            ExprKind::Var(slot) => {
                path.reverse();
                return Ok(Target { slot, path });
            }
            ExprKind::Field(inner, name) => {
                path.push(PathStep::Field(name));
                cur = *inner;
            }
            ExprKind::Index(inner, index) => {
                path.push(PathStep::Index(*index));
                cur = *inner;
            }
            _ => {
                return Err(ScriptError::new(
                    at.line,
                    at.col,
                    "can only assign to a variable, a field or an index",
                ))
            }
        }
    }
}
