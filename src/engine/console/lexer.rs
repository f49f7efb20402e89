//! The console's lexer: Python source text → tokens, each with the byte offset where it starts.
//!
//! It knows the small part of Python that boto3 calls are written in: identifiers, string and
//! bytes literals (with prefixes `r`, `b`, `rb`, `br`, single, double and triple quotes, escapes),
//! integer literals (decimal of any length, `0x`/`0o`/`0b`, `_` separators), float literals,
//! punctuation, comments (`#…`) and line continuations (`\` + newline).

use crate::engine::console::ConsoleError;

/// A token kind and its payload.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// An identifier (`kinesis`, `put_record`, `StreamName`), keywords aside.
    Ident(String),
    /// A `str` literal, escapes resolved.
    Str(String),
    /// A `bytes` literal, escapes resolved.
    Bytes(Vec<u8>),
    /// An integer literal's magnitude as canonical decimal digits (no sign, no leading zeros).
    Int(String),
    /// A float literal (always finite).
    Float(f64),
    /// `True`.
    True,
    /// `False`.
    False,
    /// `None`.
    None,
    /// `.`
    Dot,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `,`
    Comma,
    /// `:`
    Colon,
    /// `=`
    Equals,
    /// `;`
    Semicolon,
    /// `-`
    Minus,
    /// `+`
    Plus,
    /// `**`
    DoubleStar,
    /// End of input.
    Eof,
}

impl Tok {
    /// How an error message names this token: `'='`, `identifier 'Data'`, `end of input`, ….
    pub fn describe(&self) -> String {
        fn clip(s: &str) -> String {
            let shown: String = s.chars().take(24).collect();
            if s.chars().count() > 24 {
                format!("{shown}…")
            } else {
                shown
            }
        }
        match self {
            Tok::Ident(s) => format!("identifier '{}'", clip(s)),
            Tok::Str(s) => format!("string {:?}", clip(s)),
            Tok::Bytes(_) => "a bytes literal".to_string(),
            Tok::Int(d) => format!("number {}", clip(d)),
            Tok::Float(f) => format!("number {f}"),
            Tok::True => "'True'".into(),
            Tok::False => "'False'".into(),
            Tok::None => "'None'".into(),
            Tok::Dot => "'.'".into(),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::LBracket => "'['".into(),
            Tok::RBracket => "']'".into(),
            Tok::LBrace => "'{'".into(),
            Tok::RBrace => "'}'".into(),
            Tok::Comma => "','".into(),
            Tok::Colon => "':'".into(),
            Tok::Equals => "'='".into(),
            Tok::Semicolon => "';'".into(),
            Tok::Minus => "'-'".into(),
            Tok::Plus => "'+'".into(),
            Tok::DoubleStar => "'**'".into(),
            Tok::Eof => "end of input".into(),
        }
    }
}

/// A token and the byte offset of its first character.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The token.
    pub tok: Tok,
    /// Byte offset in the source.
    pub pos: usize,
}

/// Splits `src` into tokens; the last one is always [`Tok::Eof`].
pub fn tokenize(src: &str) -> Result<Vec<Token>, ConsoleError> {
    let mut lx = Lexer {
        src,
        pos: 0,
        out: Vec::new(),
    };
    lx.run()?;
    Ok(lx.out)
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    out: Vec<Token>,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src[self.pos..].chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn err(&self, pos: usize, msg: impl Into<String>) -> ConsoleError {
        ConsoleError::at(self.src, pos, msg)
    }

    fn push(&mut self, tok: Tok, pos: usize) {
        self.out.push(Token { tok, pos });
    }

    fn run(&mut self) -> Result<(), ConsoleError> {
        loop {
            let start = self.pos;
            let Some(c) = self.peek() else {
                self.push(Tok::Eof, start);
                return Ok(());
            };
            match c {
                ' ' | '\t' | '\n' | '\r' | '\x0c' => {
                    self.bump();
                }
                '#' => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                '\\' => {
                    // A line continuation: a backslash directly before the end of a line.
                    self.bump();
                    match self.peek() {
                        Some('\n') => {
                            self.bump();
                        }
                        Some('\r') if self.peek_at(1) == Some('\n') => {
                            self.bump();
                            self.bump();
                        }
                        _ => {
                            return Err(self.err(
                                start,
                                "unexpected '\\' outside a string (a line continuation must end the line)",
                            ))
                        }
                    }
                }
                '"' | '\'' => {
                    let s = self.string(start, false, false)?;
                    self.push(s, start);
                }
                '0'..='9' => {
                    let t = self.number(start)?;
                    self.push(t, start);
                }
                '.' if self.peek_at(1).is_some_and(|d| d.is_ascii_digit()) => {
                    let t = self.number(start)?;
                    self.push(t, start);
                }
                c if is_ident_start(c) => {
                    while let Some(c) = self.peek() {
                        if is_ident_continue(c) {
                            self.bump();
                        } else {
                            break;
                        }
                    }
                    let word = &self.src[start..self.pos];
                    if matches!(self.peek(), Some('"' | '\'')) {
                        // A string prefix: r, b, rb, br, u (any case) directly before the quote.
                        let lower = word.to_ascii_lowercase();
                        if matches!(lower.as_str(), "r" | "b" | "rb" | "br" | "u") {
                            let s = self.string(start, lower.contains('r'), lower.contains('b'))?;
                            self.push(s, start);
                            continue;
                        }
                        if matches!(lower.as_str(), "f" | "fr" | "rf") {
                            return Err(
                                self.err(start, "f-strings are not supported; write the value out")
                            );
                        }
                    }
                    let tok = match word {
                        "True" => Tok::True,
                        "False" => Tok::False,
                        "None" => Tok::None,
                        "true" | "false" | "null" => {
                            return Err(self.err(
                                start,
                                format!(
                                    "'{word}' is not Python; write {}",
                                    match word {
                                        "true" => "True",
                                        "false" => "False",
                                        _ => "None",
                                    }
                                ),
                            ))
                        }
                        _ => Tok::Ident(word.to_string()),
                    };
                    self.push(tok, start);
                }
                '(' | ')' | '[' | ']' | '{' | '}' | ',' | ':' | '=' | ';' | '-' | '+' | '.' => {
                    self.bump();
                    let tok = match c {
                        '(' => Tok::LParen,
                        ')' => Tok::RParen,
                        '[' => Tok::LBracket,
                        ']' => Tok::RBracket,
                        '{' => Tok::LBrace,
                        '}' => Tok::RBrace,
                        ',' => Tok::Comma,
                        ':' => Tok::Colon,
                        '=' => Tok::Equals,
                        ';' => Tok::Semicolon,
                        '-' => Tok::Minus,
                        '+' => Tok::Plus,
                        _ => Tok::Dot,
                    };
                    self.push(tok, start);
                }
                '*' => {
                    self.bump();
                    if self.peek() == Some('*') {
                        self.bump();
                        self.push(Tok::DoubleStar, start);
                    } else {
                        return Err(self.err(start, "unexpected '*' (only '**{…}' is supported)"));
                    }
                }
                '\u{201c}' | '\u{201d}' | '\u{2018}' | '\u{2019}' => {
                    return Err(self.err(
                        start,
                        format!("unexpected typographic quote '{c}'; use a plain \" or '"),
                    ))
                }
                other => {
                    return Err(
                        self.err(start, format!("unexpected character {}", show_char(other)))
                    );
                }
            }
        }
    }

    /// A string or bytes literal; the prefix is consumed, the opening quote is next.
    fn string(&mut self, start: usize, raw: bool, bytes: bool) -> Result<Tok, ConsoleError> {
        let quote = self.bump().unwrap_or('"');
        let triple = self.peek() == Some(quote) && self.peek_at(1) == Some(quote);
        if triple {
            self.bump();
            self.bump();
        }
        let what = if bytes { "bytes" } else { "string" };
        let mut text = String::new();
        let mut data: Vec<u8> = Vec::new();
        loop {
            let at = self.pos;
            let Some(c) = self.bump() else {
                return Err(self.err(
                    start,
                    format!("unterminated {what} literal (missing closing {quote})"),
                ));
            };
            if c == quote {
                if !triple {
                    break;
                }
                if self.peek() == Some(quote) && self.peek_at(1) == Some(quote) {
                    self.bump();
                    self.bump();
                    break;
                }
            }
            if c == '\n' && !triple {
                return Err(self.err(
                    start,
                    format!("unterminated {what} literal at the end of the line (missing closing {quote})"),
                ));
            }
            if bytes && !c.is_ascii() {
                return Err(self.err(
                    at,
                    format!(
                        "bytes literals may only contain ASCII characters, found {}",
                        show_char(c)
                    ),
                ));
            }
            if c != '\\' {
                if bytes {
                    data.push(c as u8);
                } else {
                    text.push(c);
                }
                continue;
            }
            // A backslash.
            let Some(e) = self.peek() else {
                return Err(self.err(
                    start,
                    format!("unterminated {what} literal (missing closing {quote})"),
                ));
            };
            if raw {
                // Raw literals keep the backslash; it still stops the next quote from closing.
                self.bump();
                if bytes {
                    if !e.is_ascii() {
                        return Err(
                            self.err(at + 1, "bytes literals may only contain ASCII characters")
                        );
                    }
                    data.extend([b'\\', e as u8]);
                } else {
                    text.push('\\');
                    text.push(e);
                }
                continue;
            }
            self.bump();
            let simple = match e {
                '\n' => Some(None),
                '\\' => Some(Some('\\')),
                '\'' => Some(Some('\'')),
                '"' => Some(Some('"')),
                'n' => Some(Some('\n')),
                't' => Some(Some('\t')),
                'r' => Some(Some('\r')),
                'a' => Some(Some('\x07')),
                'b' => Some(Some('\x08')),
                'f' => Some(Some('\x0c')),
                'v' => Some(Some('\x0b')),
                _ => None,
            };
            if let Some(ch) = simple {
                if let Some(ch) = ch {
                    if bytes {
                        data.push(ch as u8);
                    } else {
                        text.push(ch);
                    }
                }
                continue;
            }
            match e {
                '0'..='7' => {
                    let mut v: u32 = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match self.peek().and_then(|d| d.to_digit(8)) {
                            Some(d) => {
                                self.bump();
                                v = v * 8 + d;
                            }
                            None => break,
                        }
                    }
                    if bytes {
                        if v > 0xff {
                            return Err(self.err(
                                at,
                                format!("octal escape \\{v:o} is out of range for bytes"),
                            ));
                        }
                        data.push(v as u8);
                    } else {
                        text.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    }
                }
                'x' => {
                    let v = self.hex_digits(at, 2, "\\xXX")?;
                    if bytes {
                        data.push(v as u8);
                    } else {
                        text.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    }
                }
                'u' | 'U' if !bytes => {
                    let n = if e == 'u' { 4 } else { 8 };
                    let form = if e == 'u' { "\\uXXXX" } else { "\\UXXXXXXXX" };
                    let v = self.hex_digits(at, n, form)?;
                    let ch = if (0xD800..0xDC00).contains(&v) {
                        // A high surrogate must be followed by a low one: the pair is one character.
                        let low = if self.peek() == Some('\\') && self.peek_at(1) == Some('u') {
                            let save = self.pos;
                            self.bump();
                            self.bump();
                            let low = self.hex_digits(save, 4, "\\uXXXX")?;
                            if (0xDC00..0xE000).contains(&low) {
                                Some(low)
                            } else {
                                None
                            }
                        } else {
                            None
                        };
                        match low {
                            Some(low) => {
                                char::from_u32(0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00))
                            }
                            None => {
                                return Err(self.err(
                                    at,
                                    format!("lone surrogate \\u{v:04x} cannot be encoded as UTF-8"),
                                ))
                            }
                        }
                    } else if (0xDC00..0xE000).contains(&v) {
                        return Err(self.err(
                            at,
                            format!("lone surrogate \\u{v:04x} cannot be encoded as UTF-8"),
                        ));
                    } else {
                        char::from_u32(v)
                    };
                    match ch {
                        Some(ch) => text.push(ch),
                        None => {
                            return Err(
                                self.err(at, format!("\\U{v:08x} is not a Unicode code point"))
                            )
                        }
                    }
                }
                'N' if !bytes => {
                    return Err(self.err(at, "\\N{…} escapes are not supported; use \\uXXXX"));
                }
                other => {
                    // Python keeps unknown escapes as they are (backslash included).
                    if bytes {
                        if !other.is_ascii() {
                            return Err(self
                                .err(at + 1, "bytes literals may only contain ASCII characters"));
                        }
                        data.extend([b'\\', other as u8]);
                    } else {
                        text.push('\\');
                        text.push(other);
                    }
                }
            }
        }
        Ok(if bytes {
            Tok::Bytes(data)
        } else {
            Tok::Str(text)
        })
    }

    /// Exactly `n` hex digits after an escape that started at `at`.
    fn hex_digits(&mut self, at: usize, n: usize, form: &str) -> Result<u32, ConsoleError> {
        let mut v: u32 = 0;
        for _ in 0..n {
            match self.peek().and_then(|d| d.to_digit(16)) {
                Some(d) => {
                    self.bump();
                    v = v.wrapping_mul(16).wrapping_add(d);
                }
                None => {
                    return Err(self.err(
                        at,
                        format!("truncated escape: {form} needs exactly {n} hex digits"),
                    ));
                }
            }
        }
        Ok(v)
    }

    /// An integer or float literal starting at `start`.
    fn number(&mut self, start: usize) -> Result<Tok, ConsoleError> {
        let first = self.peek().unwrap_or('0');
        let second = self.peek_at(1).map(|c| c.to_ascii_lowercase());
        if first == '0' && matches!(second, Some('x' | 'o' | 'b')) {
            self.bump();
            self.bump();
            let radix = match second {
                Some('x') => 16,
                Some('o') => 8,
                _ => 2,
            };
            let digits = self.digits(start, radix)?;
            if digits.is_empty() {
                return Err(self.err(start, "invalid integer literal: no digits after the prefix"));
            }
            self.no_ident_after(start, "integer")?;
            let mut v: u128 = 0;
            for d in digits.chars() {
                let d = d.to_digit(radix).unwrap_or(0) as u128;
                v = v
                    .checked_mul(radix as u128)
                    .and_then(|v| v.checked_add(d))
                    .ok_or_else(|| {
                        self.err(
                            start,
                            "integer literal too large (at most 2^128-1 in hex, octal or binary)",
                        )
                    })?;
            }
            return Ok(Tok::Int(v.to_string()));
        }
        let int_part = self.digits(start, 10)?;
        let mut is_float = false;
        let mut text = int_part.clone();
        if self.peek() == Some('.') {
            is_float = true;
            self.bump();
            text.push('.');
            text.push_str(&self.digits(start, 10)?);
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let sign = self.peek_at(1);
            let digit_at = if matches!(sign, Some('+' | '-')) {
                2
            } else {
                1
            };
            if self.peek_at(digit_at).is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                self.bump();
                text.push('e');
                if digit_at == 2 {
                    text.push(self.bump().unwrap_or('+'));
                }
                text.push_str(&self.digits(start, 10)?);
            }
        }
        if matches!(self.peek(), Some('j' | 'J')) {
            return Err(self.err(start, "complex numbers are not supported"));
        }
        self.no_ident_after(start, if is_float { "float" } else { "decimal" })?;
        if is_float {
            let t = if text.starts_with('.') {
                format!("0{text}")
            } else {
                text
            };
            let v: f64 = t
                .parse()
                .map_err(|_| self.err(start, "invalid float literal"))?;
            if !v.is_finite() {
                return Err(self.err(
                    start,
                    "float literal out of range (it does not fit a double)",
                ));
            }
            return Ok(Tok::Float(v));
        }
        let trimmed = int_part.trim_start_matches('0');
        if trimmed.is_empty() {
            return Ok(Tok::Int("0".into()));
        }
        if int_part.starts_with('0') {
            return Err(self.err(
                start,
                "leading zeros in decimal integer literals are not permitted (write it as a string)",
            ));
        }
        Ok(Tok::Int(trimmed.to_string()))
    }

    /// Digits of `radix` with single `_` separators between them; returns them without `_`.
    fn digits(&mut self, start: usize, radix: u32) -> Result<String, ConsoleError> {
        let mut out = String::new();
        let mut last_underscore = false;
        while let Some(c) = self.peek() {
            if c == '_' {
                if last_underscore {
                    return Err(self.err(start, "invalid number literal: '_' must separate digits"));
                }
                last_underscore = true;
                self.bump();
            } else if c.is_digit(radix) {
                last_underscore = false;
                out.push(c);
                self.bump();
            } else if radix < 10 && c.is_ascii_digit() {
                return Err(self.err(
                    self.pos,
                    format!("invalid digit '{c}' in a base-{radix} literal"),
                ));
            } else {
                break;
            }
        }
        if last_underscore {
            return Err(self.err(start, "invalid number literal: '_' must separate digits"));
        }
        Ok(out)
    }

    fn no_ident_after(&self, start: usize, what: &str) -> Result<(), ConsoleError> {
        match self.peek() {
            Some(c) if is_ident_continue(c) => {
                Err(self.err(start, format!("invalid {what} literal")))
            }
            _ => Ok(()),
        }
    }
}

/// `'x'`, or `U+0007` for control and invisible characters.
pub fn show_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() || c == '\u{feff}' {
        format!("U+{:04X}", c as u32)
    } else {
        format!("'{c}'")
    }
}
