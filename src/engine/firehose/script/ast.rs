//! The syntax tree of a compiled script. Variables are resolved to slots at compile time and
//! function calls to built-in functions, so running never looks anything up by name.

use super::functions::Func;

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
}

/// An expression, its line and the height of its tree (bounded at compile time).
#[derive(Clone, Debug)]
pub(crate) struct Expr {
    pub kind: ExprKind,
    pub line: u32,
    pub height: u32,
}

/// Expression kinds.
#[derive(Clone, Debug)]
pub(crate) enum ExprKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Var(usize),
    Array(Vec<Expr>),
    Object(Vec<(String, Expr)>),
    Field(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// A node over `children`, with its height.
    pub fn new(kind: ExprKind, line: u32) -> Expr {
        let height = 1 + match &kind {
            ExprKind::Array(items) => items.iter().map(|e| e.height).max().unwrap_or(0),
            ExprKind::Object(items) => items.iter().map(|(_, e)| e.height).max().unwrap_or(0),
            ExprKind::Call(_, items) => items.iter().map(|e| e.height).max().unwrap_or(0),
            ExprKind::Field(e, _) | ExprKind::Not(e) | ExprKind::Neg(e) => e.height,
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => a.height.max(b.height),
            _ => 0,
        };
        Expr { kind, line, height }
    }
}

/// One step of an assignment target path.
#[derive(Clone, Debug)]
pub(crate) enum PathStep {
    Field(String),
    Index(Expr),
}

/// An assignment target: a variable and a path into it.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub slot: usize,
    pub path: Vec<PathStep>,
}

/// A statement and its line.
#[derive(Clone, Debug)]
pub(crate) struct Stmt {
    pub kind: StmtKind,
    pub line: u32,
}

/// Statement kinds.
#[derive(Clone, Debug)]
pub(crate) enum StmtKind {
    /// `let x = e;` (and `for` loop variables) write a slot.
    Let(usize, Expr),
    /// `target = e;` or `target op= e;` (`read` is the target as an expression for `op=`).
    Assign {
        target: Target,
        op: Option<BinOp>,
        read: Option<Expr>,
        value: Expr,
    },
    Delete(Target),
    /// `if`/`else if` branches and the final `else`.
    If(Vec<(Expr, Vec<Stmt>)>, Option<Vec<Stmt>>),
    While(Expr, Vec<Stmt>),
    For(usize, Expr, Vec<Stmt>),
    Return(Option<Expr>),
    Drop,
    Fail(Expr),
    Partition(Expr, Expr),
    Break,
    Continue,
    Expr(Expr),
}

/// A compiled program: statements and the number of variable slots (slot 0 is `record`, 1 is
/// `data`).
#[derive(Clone, Debug)]
pub(crate) struct Program {
    pub body: Vec<Stmt>,
    pub slots: usize,
}
