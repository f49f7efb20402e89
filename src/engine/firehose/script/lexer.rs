//! Tokens of the transform language, with 1-based line/column positions.

use super::error::ScriptError;

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    Int(i64),
    Float(f64),
    Str(String),
    Sym(&'static str),
    Eof,
}

impl Tok {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("'{s}'"),
            Tok::Int(i) => format!("number {i}"),
            Tok::Float(f) => format!("number {f}"),
            Tok::Str(_) => "a string".to_string(),
            Tok::Sym(s) => format!("'{s}'"),
            Tok::Eof => "the end of the script".to_string(),
        }
    }
}

/// A token and where it starts.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub tok: Tok,
    pub line: u32,
    pub col: u32,
}

const SYMS: &[&str] = &[
    "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=", "/=", "(", ")", "{", "}", "[", "]", ",",
    ";", ":", ".", "=", "<", ">", "+", "-", "*", "/", "%", "!",
];

/// Splits `src` into tokens (ending with `Eof`).
pub(crate) fn lex(src: &str) -> Result<Vec<Token>, ScriptError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1u32, 1u32);
    // Advances over `n` characters, keeping line/column.
    let advance = |i: &mut usize, line: &mut u32, col: &mut u32, n: usize| {
        for _ in 0..n {
            if chars.get(*i) == Some(&'\n') {
                *line += 1;
                *col = 1;
            } else {
                *col += 1;
            }
            *i += 1;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            advance(&mut i, &mut line, &mut col, 1);
            continue;
        }
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                advance(&mut i, &mut line, &mut col, 1);
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let (sl, sc) = (line, col);
            advance(&mut i, &mut line, &mut col, 2);
            loop {
                if i >= chars.len() {
                    return Err(ScriptError::new(sl, sc, "unterminated comment"));
                }
                if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    advance(&mut i, &mut line, &mut col, 2);
                    break;
                }
                advance(&mut i, &mut line, &mut col, 1);
            }
            continue;
        }
        let (tl, tc) = (line, col);
        let push = |out: &mut Vec<Token>, tok: Tok| {
            out.push(Token {
                tok,
                line: tl,
                col: tc,
            })
        };
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
                col += 1;
            }
            push(&mut out, Tok::Ident(chars[start..i].iter().collect()));
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            let mut float = false;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if chars.get(i) == Some(&'.') && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
                float = true;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if matches!(chars.get(i), Some('e' | 'E')) {
                let mut j = i + 1;
                if matches!(chars.get(j), Some('+' | '-')) {
                    j += 1;
                }
                if chars.get(j).is_some_and(|d| d.is_ascii_digit()) {
                    float = true;
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            if chars
                .get(i)
                .is_some_and(|d| d.is_ascii_alphabetic() || *d == '_')
            {
                return Err(ScriptError::new(tl, tc, "malformed number"));
            }
            let text: String = chars[start..i].iter().collect();
            col += (i - start) as u32;
            let tok = match (float, text.parse::<i64>()) {
                (false, Ok(n)) => Tok::Int(n),
                _ => match text.parse::<f64>() {
                    Ok(f) if f.is_finite() => Tok::Float(f),
                    _ => return Err(ScriptError::new(tl, tc, "number out of range")),
                },
            };
            push(&mut out, tok);
            continue;
        }
        if c == '"' || c == '\'' {
            advance(&mut i, &mut line, &mut col, 1);
            let mut s = String::new();
            loop {
                let Some(&ch) = chars.get(i) else {
                    return Err(ScriptError::new(tl, tc, "unterminated string"));
                };
                if ch == c {
                    advance(&mut i, &mut line, &mut col, 1);
                    break;
                }
                if ch == '\n' {
                    return Err(ScriptError::new(tl, tc, "unterminated string"));
                }
                if ch != '\\' {
                    s.push(ch);
                    advance(&mut i, &mut line, &mut col, 1);
                    continue;
                }
                let (el, ec) = (line, col);
                let esc = chars.get(i + 1).copied();
                advance(&mut i, &mut line, &mut col, 2);
                match esc {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some('0') => s.push('\0'),
                    Some('\\') => s.push('\\'),
                    Some('"') => s.push('"'),
                    Some('\'') => s.push('\''),
                    Some('/') => s.push('/'),
                    Some('u') => {
                        let hex: String = chars.iter().skip(i).take(4).collect();
                        let ch = (hex.len() == 4)
                            .then(|| u32::from_str_radix(&hex, 16).ok())
                            .flatten()
                            .and_then(char::from_u32);
                        match ch {
                            Some(ch) => s.push(ch),
                            None => {
                                return Err(ScriptError::new(
                                    el,
                                    ec,
                                    "bad \\u escape (want \\uXXXX)",
                                ))
                            }
                        }
                        advance(&mut i, &mut line, &mut col, 4);
                    }
                    _ => return Err(ScriptError::new(el, ec, "unknown escape in string")),
                }
            }
            push(&mut out, Tok::Str(s));
            continue;
        }
        let rest2: String = chars[i..chars.len().min(i + 2)].iter().collect();
        match SYMS
            .iter()
            .find(|s| rest2.starts_with(**s) && (s.len() == 2 || s.len() == 1))
        {
            Some(sym) => {
                push(&mut out, Tok::Sym(sym));
                advance(&mut i, &mut line, &mut col, sym.len());
            }
            None => {
                return Err(ScriptError::new(
                    tl,
                    tc,
                    format!("unexpected character '{}'", c.escape_default()),
                ))
            }
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        line,
        col,
    });
    Ok(out)
}
