//! Python literals of the console language, and constructor calls in Python-style forms
//! (`NewTopic("orders", num_partitions=3)`): the value half of the recursive-descent parser.

use crate::engine::console::lexer::Tok;
use crate::engine::console::parser::Parser;
use crate::engine::console::{ConsoleError, MAX_DEPTH};

/// A parsed Python literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Py {
    /// `"…"`
    Str(String),
    /// `b"…"`
    Bytes(Vec<u8>),
    /// An integer that fits `i64`.
    Int(i64),
    /// An integer outside `i64`, as exact signed decimal digits.
    BigInt(String),
    /// A float.
    Float(f64),
    /// `True` / `False`.
    Bool(bool),
    /// `None`.
    None,
    /// `[…]` or `(…)`.
    List(Vec<Node>),
    /// `{…}`, keys in source order (a repeated key keeps its first place and its last value).
    Dict(Vec<(String, Node)>),
    /// A constructor call `Name(args…)`, in Python mode only (`NewTopic("orders", num_partitions=3)`).
    Call {
        /// The callee (`NewTopic`).
        name: String,
        /// Positional arguments.
        args: Vec<Node>,
        /// Keyword arguments in source order.
        kwargs: Vec<Arg>,
    },
}

/// A literal and the byte offset where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The literal.
    pub value: Py,
    /// Byte offset in the source.
    pub pos: usize,
}

/// A keyword argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// The name (`StreamName`).
    pub name: String,
    /// Byte offset of the name.
    pub name_pos: usize,
    /// The value.
    pub value: Node,
}

impl Parser<'_> {
    /// One literal at nesting `depth` (containers entered so far).
    pub(super) fn value(&mut self, depth: usize) -> Result<Node, ConsoleError> {
        let pos = self.pos();
        let node = |value| Ok(Node { value, pos });
        match self.tok() {
            Tok::Str(_) | Tok::Bytes(_) => {
                let value = self.strings()?;
                node(value)
            }
            Tok::Int(_) | Tok::Float(_) => self.number(false),
            Tok::Minus | Tok::Plus => {
                let negative = *self.tok() == Tok::Minus;
                self.advance();
                if matches!(self.tok(), Tok::Int(_) | Tok::Float(_)) {
                    let mut n = self.number(negative)?;
                    n.pos = pos;
                    Ok(n)
                } else {
                    Err(self.expected(&format!("expected a number after '{}'", if negative { '-' } else { '+' })))
                }
            }
            Tok::True => {
                self.advance();
                node(Py::Bool(true))
            }
            Tok::False => {
                self.advance();
                node(Py::Bool(false))
            }
            Tok::None => {
                self.advance();
                node(Py::None)
            }
            Tok::LBracket => {
                self.enter(depth)?;
                self.advance();
                let items = self.sequence(depth + 1, Tok::RBracket, pos, "list", "']'")?;
                node(Py::List(items))
            }
            Tok::LParen => {
                self.enter(depth)?;
                self.advance();
                if *self.tok() == Tok::RParen {
                    self.advance();
                    return node(Py::List(Vec::new()));
                }
                let first = self.value(depth + 1)?;
                match self.tok() {
                    Tok::RParen => {
                        self.advance();
                        Ok(first) // `(x)` is x
                    }
                    Tok::Comma => {
                        self.advance();
                        let mut items = vec![first];
                        items.extend(self.sequence(depth + 1, Tok::RParen, pos, "tuple", "')'")?);
                        node(Py::List(items))
                    }
                    Tok::Eof => Err(self.err(pos, "'(' was never closed")),
                    _ => Err(self.expected("expected ',' or ')' in a tuple")),
                }
            }
            Tok::LBrace => {
                self.enter(depth)?;
                self.advance();
                self.dict(depth + 1, pos)
            }
            Tok::Ident(name) if self.python && *self.tok_at(1) == Tok::LParen => {
                self.enter(depth)?;
                self.advance();
                let open = self.pos();
                self.advance();
                let (args, kwargs) = self.args(open, depth + 1)?;
                node(Py::Call {
                    name: name.clone(),
                    args,
                    kwargs,
                })
            }
            Tok::Ident(name) => Err(self.err(
                pos,
                format!(
                    "'{name}' is not a value: the console understands literals only (strings, numbers, True/False/None, lists and dicts)"
                ),
            )),
            _ => Err(self.expected("expected a value")),
        }
    }

    fn enter(&self, depth: usize) -> Result<(), ConsoleError> {
        if depth >= MAX_DEPTH {
            Err(self.err(
                self.pos(),
                format!("nesting is too deep: at most {MAX_DEPTH} levels of lists and dicts"),
            ))
        } else {
            Ok(())
        }
    }

    /// Items up to and including `close`; the opening bracket (at `open`) is consumed.
    fn sequence(
        &mut self,
        depth: usize,
        close: Tok,
        open: usize,
        what: &str,
        close_text: &str,
    ) -> Result<Vec<Node>, ConsoleError> {
        let mut items = Vec::new();
        loop {
            if *self.tok() == close {
                self.advance();
                return Ok(items);
            }
            if *self.tok() == Tok::Eof {
                return Err(self.err(
                    open,
                    format!("this {what} was never closed (missing {close_text})"),
                ));
            }
            items.push(self.value(depth)?);
            match self.tok() {
                Tok::Comma => self.advance(),
                t if *t == close => {}
                Tok::Eof => {
                    return Err(self.err(
                        open,
                        format!("this {what} was never closed (missing {close_text})"),
                    ))
                }
                _ => {
                    return Err(self.expected(&format!("expected ',' or {close_text} in a {what}")))
                }
            }
        }
    }

    /// A dict's entries through `}`; the `{` (at `open`) is consumed.
    fn dict(&mut self, depth: usize, open: usize) -> Result<Node, ConsoleError> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        loop {
            match self.tok() {
                Tok::RBrace => {
                    self.advance();
                    return Ok(Node {
                        value: Py::Dict(entries),
                        pos: open,
                    });
                }
                Tok::Eof => return Err(self.err(open, "this dict was never closed (missing '}')")),
                Tok::Str(_) | Tok::Bytes(_) => {}
                Tok::Ident(name) if *self.tok_at(1) == Tok::Colon => {
                    return Err(self.err(
                        self.pos(),
                        format!("dict keys must be quoted strings: write \"{name}\""),
                    ));
                }
                _ => return Err(self.expected("expected a string key or '}' in a dict")),
            }
            let key_pos = self.pos();
            let key = match self.strings()? {
                Py::Str(s) => s,
                _ => return Err(self.err(key_pos, "dict keys must be strings, not bytes")),
            };
            if *self.tok() != Tok::Colon {
                return Err(self.expected(&format!("expected ':' after the dict key {key:?}")));
            }
            self.advance();
            let value = self.value(depth)?;
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 = value,
                None => entries.push((key, value)),
            }
            match self.tok() {
                Tok::Comma => self.advance(),
                Tok::RBrace => {}
                Tok::Eof => return Err(self.err(open, "this dict was never closed (missing '}')")),
                _ => return Err(self.expected("expected ',' or '}' in a dict")),
            }
        }
    }

    /// Adjacent string (or bytes) literals, concatenated as Python does.
    fn strings(&mut self) -> Result<Py, ConsoleError> {
        let first_pos = self.pos();
        let mut text: Option<String> = None;
        let mut bytes: Option<Vec<u8>> = None;
        loop {
            match self.tok() {
                Tok::Str(s) => {
                    if bytes.is_some() {
                        return Err(self.err(self.pos(), "cannot mix bytes and str literals"));
                    }
                    text.get_or_insert_with(String::new).push_str(s);
                }
                Tok::Bytes(b) => {
                    if text.is_some() {
                        return Err(self.err(self.pos(), "cannot mix bytes and str literals"));
                    }
                    bytes.get_or_insert_with(Vec::new).extend_from_slice(b);
                }
                _ => break,
            }
            self.advance();
        }
        match (text, bytes) {
            (Some(s), _) => Ok(Py::Str(s)),
            (None, Some(b)) => Ok(Py::Bytes(b)),
            (None, None) => Err(self.err(first_pos, "expected a string")),
        }
    }

    /// The number at the current token, negated if `negative`.
    fn number(&mut self, negative: bool) -> Result<Node, ConsoleError> {
        let pos = self.pos();
        let value = match self.tok() {
            Tok::Int(digits) => {
                let signed = if negative && digits != "0" {
                    format!("-{digits}")
                } else {
                    digits.clone()
                };
                match signed.parse::<i64>() {
                    Ok(v) => Py::Int(v),
                    Err(_) => Py::BigInt(signed),
                }
            }
            Tok::Float(f) => Py::Float(if negative { -f } else { *f }),
            _ => return Err(self.expected("expected a number")),
        };
        self.advance();
        Ok(Node { value, pos })
    }
}
