//! Recursive-descent parser, statements part: tokens → [`Program`] (expressions are in
//! `expr_parser.rs`). Recursion is bounded by [`MAX_NESTING`]
//! (brackets, blocks, unary operators) and expression trees by [`MAX_EXPR_HEIGHT`], so no source
//! text can overflow the stack here or when running or dropping the tree.

use super::ast::{BinOp, Expr, ExprKind, PathStep, Program, Stmt, StmtKind, Target};
use super::error::ScriptError;
use super::lexer::{lex, Tok, Token};

/// Deepest nesting of brackets, blocks and unary operators.
pub(crate) const MAX_NESTING: u32 = 64;
/// Tallest expression tree (e.g. a chain of 128 `+`).
pub(crate) const MAX_EXPR_HEIGHT: u32 = 128;
/// Longest source in bytes.
pub(crate) const MAX_SOURCE_BYTES: usize = 16 * 1024;

pub(super) const KEYWORDS: &[&str] = &[
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

pub(super) type PResult<T> = Result<T, ScriptError>;

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

pub(super) struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: u32,
    loops: u32,
    scopes: Vec<Vec<(String, usize)>>,
    slots: usize,
}

impl Parser {
    pub(super) fn peek(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    pub(super) fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    pub(super) fn err_here(&self, msg: impl Into<String>) -> ScriptError {
        let t = self.peek();
        ScriptError::new(t.line, t.col, msg)
    }

    pub(super) fn is_sym(&self, s: &str) -> bool {
        matches!(&self.peek().tok, Tok::Sym(x) if *x == s)
    }

    pub(super) fn is_kw(&self, s: &str) -> bool {
        matches!(&self.peek().tok, Tok::Ident(x) if x == s)
    }

    pub(super) fn eat_sym(&mut self, s: &str) -> bool {
        let yes = self.is_sym(s);
        if yes {
            self.bump();
        }
        yes
    }

    pub(super) fn expect(&mut self, s: &str, what: &str) -> PResult<()> {
        if self.eat_sym(s) {
            return Ok(());
        }
        Err(self.err_here(format!(
            "expected '{s}' {what}, found {}",
            self.peek().tok.describe()
        )))
    }

    pub(super) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err_here(format!("nesting deeper than {MAX_NESTING} levels")));
        }
        Ok(())
    }

    pub(super) fn leave(&mut self) {
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

    pub(super) fn lookup(&self, name: &str) -> Option<usize> {
        self.scopes.iter().rev().find_map(|s| {
            s.iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, slot)| *slot)
        })
    }

    pub(super) fn mk(&self, kind: ExprKind, at: &Token) -> PResult<Expr> {
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

    /// An error at the token just consumed.
    pub(super) fn err_back(&self, msg: String) -> ScriptError {
        let t = &self.toks[self.pos.saturating_sub(1)];
        ScriptError::new(t.line, t.col, msg)
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

    pub(super) fn statement(&mut self) -> PResult<Stmt> {
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
