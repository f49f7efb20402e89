//! The console's recursive-descent parser: tokens → one call `client.method(Name=value, …)` whose
//! argument values are Python literals.
//!
//! Grammar (EBNF; `value` recursion is bounded by [`crate::engine::console::MAX_DEPTH`]):
//!
//! ```text
//! program  = [ IDENT "=" ] IDENT "." IDENT "(" [ arg { "," arg } [ "," ] ] ")" [ ";" ] EOF
//! arg      = IDENT "=" value | "**" dict
//! value    = strings | number | "True" | "False" | "None" | list | dict | tuple | ctor
//! strings  = STR { STR } | BYTES { BYTES }        (adjacent literals concatenate)
//! number   = [ "-" | "+" ] ( INT | FLOAT )
//! list     = "[" [ value { "," value } [ "," ] ] "]"
//! tuple    = "(" [ value { "," value } [ "," ] ] ")"   ("(x)" is just x)
//! dict     = "{" [ strings ":" value { "," strings ":" value } [ "," ] ] "}"
//! ```
//!
//! Calls on a Kafka client object (`producer`, `consumer`, `admin`; see
//! [`crate::engine::console::kafka_client`]) are parsed in *Python mode*, where, as in Python,
//! arguments may also be positional (before any keyword argument) and a value may be a
//! constructor call:
//!
//! ```text
//! arg      = IDENT "=" value | "**" dict | value
//! ctor     = IDENT "(" [ arg { "," arg } [ "," ] ] ")"      (NewTopic("orders", num_partitions=3))
//! ```
//!
//! Literal values are parsed in [`crate::engine::console::literal`].

use crate::engine::console::lexer::{Tok, Token};
pub use crate::engine::console::literal::{Arg, Node, Py};
use crate::engine::console::ConsoleError;

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
    /// Positional arguments (Python mode only; always empty for boto3-style calls).
    pub positional: Vec<Node>,
    /// Keyword arguments in source order, `**{…}` expanded.
    pub args: Vec<Arg>,
}

/// Parses the token stream of `src` (which must end with [`Tok::Eof`]).
pub fn parse(src: &str, tokens: &[Token]) -> Result<Call, ConsoleError> {
    let mut p = Parser {
        src,
        tokens,
        i: 0,
        python: false,
    };
    p.program()
}

/// The parser's cursor over the tokens.
pub(super) struct Parser<'a> {
    pub(super) src: &'a str,
    tokens: &'a [Token],
    i: usize,
    /// Python mode: positional arguments and constructor calls are accepted.
    pub(super) python: bool,
}

const EXAMPLE: &str =
    "kinesis.put_record(StreamName=\"orders\", Data=\"hello\", PartitionKey=\"user-1\")";

impl<'a> Parser<'a> {
    pub(super) fn tok(&self) -> &'a Tok {
        self.tok_at(0)
    }

    pub(super) fn tok_at(&self, n: usize) -> &'a Tok {
        let last = self.tokens.len().saturating_sub(1);
        self.tokens
            .get((self.i + n).min(last))
            .map(|t| &t.tok)
            .unwrap_or(&Tok::Eof)
    }

    pub(super) fn pos(&self) -> usize {
        let last = self.tokens.len().saturating_sub(1);
        self.tokens
            .get(self.i.min(last))
            .map(|t| t.pos)
            .unwrap_or(self.src.len())
    }

    pub(super) fn advance(&mut self) {
        if self.i + 1 < self.tokens.len() {
            self.i += 1;
        }
    }

    pub(super) fn err(&self, pos: usize, msg: impl Into<String>) -> ConsoleError {
        ConsoleError::at(self.src, pos, msg)
    }

    /// An error at the current token: `{expected}, found {token}`.
    pub(super) fn expected(&self, expected: &str) -> ConsoleError {
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
        self.python = super::kafka_client::client_role(&client).is_some();
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
        let (positional, args) = self.args(open, 0)?;
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
            positional,
            args,
        })
    }

    /// Arguments after `(` (at byte `open`), through the closing `)`: the positional ones (Python
    /// mode only), then the keyword ones. Values nest from `depth`.
    pub(super) fn args(
        &mut self,
        open: usize,
        depth: usize,
    ) -> Result<(Vec<Node>, Vec<Arg>), ConsoleError> {
        let mut positional: Vec<Node> = Vec::new();
        let mut args: Vec<Arg> = Vec::new();
        let push = |p: &Self, args: &mut Vec<Arg>, arg: Arg| -> Result<(), ConsoleError> {
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
                    let value = self.value(depth)?;
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
                                    &mut args,
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
                        let value = self.value(depth)?;
                        push(
                            self,
                            &mut args,
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
                    _ if self.python => self.positional(&mut positional, &args, depth)?,
                    _ => {
                        return Err(self.err(
                            self.pos(),
                            format!(
                                "'{name}' is not a value: the console understands literals only, and boto3 methods take keyword arguments only (Name=value)"
                            ),
                        ));
                    }
                },
                _ if self.python => self.positional(&mut positional, &args, depth)?,
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
        Ok((positional, args))
    }

    /// A positional argument (Python mode), which, as in Python, may not follow a keyword one.
    fn positional(
        &mut self,
        positional: &mut Vec<Node>,
        keywords: &[Arg],
        depth: usize,
    ) -> Result<(), ConsoleError> {
        let start = self.pos();
        let value = self.value(depth)?;
        if !keywords.is_empty() {
            return Err(self.err(start, "positional argument follows keyword argument"));
        }
        positional.push(value);
        Ok(())
    }
}

/// Whether `s` is a Python identifier (the shape of a keyword argument name).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}
