//! The console's recursive-descent parser: tokens → one call `client.method(Name=value, …)` whose
//! argument values are Python literals.
//!
//! Grammar (EBNF; `value` recursion is bounded by [`MAX_DEPTH`]):
//!
//! ```text
//! program  = [ IDENT "=" ] IDENT "." IDENT "(" [ arg { "," arg } [ "," ] ] ")" [ ";" ] EOF
//! arg      = IDENT "=" value | "**" dict
//! value    = strings | number | "True" | "False" | "None" | list | dict | tuple
//! strings  = STR { STR } | BYTES { BYTES }        (adjacent literals concatenate)
//! number   = [ "-" | "+" ] ( INT | FLOAT )
//! list     = "[" [ value { "," value } [ "," ] ] "]"
//! tuple    = "(" [ value { "," value } [ "," ] ] ")"   ("(x)" is just x)
//! dict     = "{" [ strings ":" value { "," strings ":" value } [ "," ] ] "}"
//! ```

use crate::engine::console::lexer::{Tok, Token};
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

/// `client.method(args…)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The client variable (`kinesis`).
    pub client: String,
    /// Byte offset of the client variable.
    pub client_pos: usize,
    /// The method (`put_record`).
    pub method: String,
    /// Byte offset of the method.
    pub method_pos: usize,
    /// Keyword arguments in source order, `**{…}` expanded.
    pub args: Vec<Arg>,
}

/// Parses the token stream of `src` (which must end with [`Tok::Eof`]).
pub fn parse(src: &str, tokens: &[Token]) -> Result<Call, ConsoleError> {
    let mut p = Parser { src, tokens, i: 0 };
    p.program()
}

struct Parser<'a> {
    src: &'a str,
    tokens: &'a [Token],
    i: usize,
}

const EXAMPLE: &str =
    "kinesis.put_record(StreamName=\"orders\", Data=\"hello\", PartitionKey=\"user-1\")";

impl<'a> Parser<'a> {
    fn tok(&self) -> &'a Tok {
        self.tok_at(0)
    }

    fn tok_at(&self, n: usize) -> &'a Tok {
        let last = self.tokens.len().saturating_sub(1);
        self.tokens
            .get((self.i + n).min(last))
            .map(|t| &t.tok)
            .unwrap_or(&Tok::Eof)
    }

    fn pos(&self) -> usize {
        let last = self.tokens.len().saturating_sub(1);
        self.tokens
            .get(self.i.min(last))
            .map(|t| t.pos)
            .unwrap_or(self.src.len())
    }

    fn advance(&mut self) {
        if self.i + 1 < self.tokens.len() {
            self.i += 1;
        }
    }

    fn err(&self, pos: usize, msg: impl Into<String>) -> ConsoleError {
        ConsoleError::at(self.src, pos, msg)
    }

    /// An error at the current token: `{expected}, found {token}`.
    fn expected(&self, expected: &str) -> ConsoleError {
        self.err(
            self.pos(),
            format!("{expected}, found {}", self.tok().describe()),
        )
    }

    fn ident(&mut self, expected: &str) -> Result<(String, usize), ConsoleError> {
        match self.tok() {
            Tok::Ident(name) => {
                let pos = self.pos();
                self.advance();
                Ok((name.clone(), pos))
            }
            _ => Err(self.expected(expected)),
        }
    }

    fn program(&mut self) -> Result<Call, ConsoleError> {
        if *self.tok() == Tok::Eof {
            return Err(self.err(
                self.pos(),
                format!("expected a call such as {EXAMPLE}, found end of input"),
            ));
        }
        // `response = kinesis.put_record(…)`: the assignment is accepted and ignored.
        if matches!(self.tok(), Tok::Ident(_)) && *self.tok_at(1) == Tok::Equals {
            self.advance();
            self.advance();
        }
        let (client, client_pos) =
            self.ident("expected a client variable such as 'kinesis' at the start of the call")?;
        if *self.tok() != Tok::Dot {
            return Err(self.expected(&format!(
                "expected '.' and a method after '{client}' (as in {client}.put_record(…))"
            )));
        }
        self.advance();
        let (method, method_pos) =
            self.ident(&format!("expected a method name after '{client}.'"))?;
        if *self.tok() == Tok::Dot {
            return Err(self.err(
                self.pos(),
                format!(
                    "expected '(' after '{client}.{method}', found '.' (write client.method(…))"
                ),
            ));
        }
        if *self.tok() != Tok::LParen {
            return Err(self.expected(&format!("expected '(' after '{client}.{method}'")));
        }
        let open = self.pos();
        self.advance();
        let args = self.args(open)?;
        if *self.tok() == Tok::Semicolon {
            self.advance();
        }
        if *self.tok() != Tok::Eof {
            return Err(
                self.expected("expected the end of input after the call (one call at a time)")
            );
        }
        Ok(Call {
            client,
            client_pos,
            method,
            method_pos,
            args,
        })
    }

    /// Arguments after `(` (at byte `open`), through the closing `)`.
    fn args(&mut self, open: usize) -> Result<Vec<Arg>, ConsoleError> {
        let mut args: Vec<Arg> = Vec::new();
        let mut push = |p: &Self, arg: Arg| -> Result<(), ConsoleError> {
            if args.iter().any(|a| a.name == arg.name) {
                return Err(p.err(
                    arg.name_pos,
                    format!("keyword argument repeated: {}", arg.name),
                ));
            }
            args.push(arg);
            Ok(())
        };
        loop {
            match self.tok() {
                Tok::RParen => {
                    self.advance();
                    break;
                }
                Tok::Eof => {
                    return Err(self.err(open, "'(' was never closed"));
                }
                Tok::DoubleStar => {
                    self.advance();
                    let value = self.value(0)?;
                    match value.value {
                        Py::Dict(entries) => {
                            for (name, v) in entries {
                                if !is_identifier(&name) {
                                    return Err(self.err(
                                        v.pos,
                                        format!("keyword argument names must be identifiers, found {name:?}"),
                                    ));
                                }
                                push(
                                    self,
                                    Arg {
                                        name,
                                        name_pos: v.pos,
                                        value: v,
                                    },
                                )?;
                            }
                        }
                        _ => {
                            return Err(
                                self.err(value.pos, "'**' must be followed by a dict literal")
                            );
                        }
                    }
                }
                Tok::Ident(name) => match self.tok_at(1) {
                    Tok::Equals => {
                        let name_pos = self.pos();
                        self.advance();
                        self.advance();
                        let value = self.value(0)?;
                        push(
                            self,
                            Arg {
                                name: name.clone(),
                                name_pos,
                                value,
                            },
                        )?;
                    }
                    Tok::Colon => {
                        self.advance();
                        return Err(self.expected(&format!(
                            "expected '=' after the argument name '{name}' (keyword arguments are written {name}=value)"
                        )));
                    }
                    _ => {
                        return Err(self.err(
                            self.pos(),
                            format!(
                                "'{name}' is not a value: the console understands literals only, and boto3 methods take keyword arguments only (Name=value)"
                            ),
                        ));
                    }
                },
                _ => {
                    // Something that starts a value: a positional argument.
                    let (start, save) = (self.pos(), self.i);
                    if self.value(0).is_ok() {
                        return Err(self.err(
                            start,
                            "positional arguments are not supported: boto3 methods take keyword arguments only, e.g. StreamName=\"orders\"",
                        ));
                    }
                    self.i = save;
                    return Err(self.expected("expected a keyword argument (Name=value) or ')'"));
                }
            }
            match self.tok() {
                Tok::Comma => self.advance(),
                Tok::RParen => {}
                Tok::Eof => return Err(self.err(open, "'(' was never closed")),
                _ => return Err(self.expected("expected ',' or ')' after argument")),
            }
        }
        Ok(args)
    }

    /// One literal at nesting `depth` (containers entered so far).
    fn value(&mut self, depth: usize) -> Result<Node, ConsoleError> {
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

/// Whether `s` is a Python identifier (the shape of a keyword argument name).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}
