//! A small highlighter for the exported Python and bash: comments, strings, numbers, keywords.
//! Token classes are CSS classes (`hl-com`, `hl-str`, `hl-num`, `hl-kw`); everything is text,
//! never markup.

use yew::prelude::*;

const PY_KEYWORDS: &[&str] = &[
    "def", "import", "from", "try", "except", "for", "in", "if", "else", "elif", "return", "True",
    "False", "None", "as", "and", "or", "not", "while", "break",
];
const SH_KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "do", "done", "while", "local", "return", "in",
    "export", "set", "declare",
];

/// One token: CSS class (empty for plain text) and text.
pub type Token = (&'static str, String);

/// Splits one line into tokens. `shell`: bash keywords instead of Python's.
pub fn tokens(line: &str, shell: bool) -> Vec<Token> {
    let keywords = if shell { SH_KEYWORDS } else { PY_KEYWORDS };
    let chars: Vec<char> = line.chars().collect();
    let mut out: Vec<Token> = Vec::new();
    let mut plain = String::new();
    let flush = |plain: &mut String, out: &mut Vec<Token>| {
        if !plain.is_empty() {
            out.push(("", std::mem::take(plain)));
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at_word_start = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c == '#' && (i == 0 || chars[i - 1].is_whitespace()) {
            flush(&mut plain, &mut out);
            out.push(("hl-com", chars[i..].iter().collect()));
            return out;
        }
        if c == '"' || c == '\'' {
            flush(&mut plain, &mut out);
            let mut j = i + 1;
            while j < chars.len() && chars[j] != c {
                if chars[j] == '\\' && c == '"' {
                    j += 1;
                }
                j += 1;
            }
            let end = (j + 1).min(chars.len());
            out.push(("hl-str", chars[i..end].iter().collect()));
            i = end;
            continue;
        }
        if c.is_ascii_digit() && at_word_start {
            flush(&mut plain, &mut out);
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                j += 1;
            }
            out.push(("hl-num", chars[i..j].iter().collect()));
            i = j;
            continue;
        }
        if c.is_alphabetic() && at_word_start {
            let mut j = i;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect();
            if keywords.contains(&word.as_str()) {
                flush(&mut plain, &mut out);
                out.push(("hl-kw", word));
            } else {
                plain.push_str(&word);
            }
            i = j;
            continue;
        }
        plain.push(c);
        i += 1;
    }
    flush(&mut plain, &mut out);
    out
}

/// The code as highlighted lines, at most `max_lines` of them.
pub fn highlighted(code: &str, shell: bool, max_lines: usize) -> Html {
    html! {
        { for code.lines().take(max_lines).map(|line| html! {
            <span class="code-line">
                { for tokens(line, shell).into_iter().map(|(class, text)| {
                    if class.is_empty() { html! { { text } } } else { html! { <span class={class}>{ text }</span> } }
                }) }
                { "\n" }
            </span>
        }) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_of_a_line() {
        let t = tokens(
            "r3 = kinesis.put_record(Data=b\"x#y\", N=12)  # note",
            false,
        );
        assert!(t.contains(&("hl-str", "\"x#y\"".to_string())));
        assert!(t.contains(&("hl-num", "12".to_string())));
        assert_eq!(t.last(), Some(&("hl-com", "# note".to_string())));
        let s = tokens("if R=$(aws_kinesis x); then show \"$R\"; fi", true);
        assert!(s.contains(&("hl-kw", "then".to_string())));
        // Unterminated strings end at the line's end without panicking.
        let _ = tokens("x = \"abc\\", false);
    }
}
