//! Bash words for AWS CLI arguments: quoting, variables (`"$ITERATOR_3"`), timestamps
//! (`"$(ts_at 1500)"`) and JSON arguments with variables spliced into them.

use serde_json::Value;

use crate::engine::export::plan::{TS_MARK, VAR_MARK};

/// A string in a rewritten request that stands for `fileb://` of bytes (`\xHH` escapes follow).
pub const FILEB_MARK: &str = "\u{1}fileb:";

/// A shell variable name for a script variable (`iterator_3` → `ITERATOR_3`).
pub fn var(name: &str) -> String {
    name.to_ascii_uppercase()
}

/// One shell word for a literal string.
pub fn quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A marked string as a shell expansion, if it is one.
fn marked(s: &str) -> Option<String> {
    if let Some(v) = s.strip_prefix(VAR_MARK) {
        return Some(format!("\"${}\"", var(v)));
    }
    if let Some(hex) = s.strip_prefix(FILEB_MARK) {
        return Some(format!("fileb://<(printf '{hex}')"));
    }
    s.strip_prefix(TS_MARK)
        .map(|ms| format!("\"$(ts_at {ms})\""))
}

/// One shell word for a scalar argument value.
pub fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => marked(s).unwrap_or_else(|| quote(s)),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        other => json_word(other),
    }
}

/// A JSON argument as one shell word; marked strings are spliced in as expansions.
pub fn json_word(v: &Value) -> String {
    let mut parts: Vec<Part> = Vec::new();
    emit(v, &mut parts);
    let mut out = String::new();
    let mut lit = String::new();
    let flush = |lit: &mut String, out: &mut String| {
        if !lit.is_empty() {
            out.push_str(&format!("'{}'", lit.replace('\'', "'\\''")));
            lit.clear();
        }
    };
    for p in parts {
        match p {
            Part::Lit(s) => lit.push_str(&s),
            Part::Expansion(e) => {
                flush(&mut lit, &mut out);
                out.push_str(&e);
            }
        }
    }
    flush(&mut lit, &mut out);
    out
}

enum Part {
    Lit(String),
    Expansion(String),
}

fn emit(v: &Value, parts: &mut Vec<Part>) {
    match v {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix(VAR_MARK) {
                parts.push(Part::Lit("\"".into()));
                parts.push(Part::Expansion(format!("\"${}\"", var(name))));
                parts.push(Part::Lit("\"".into()));
            } else if let Some(ms) = s.strip_prefix(TS_MARK) {
                parts.push(Part::Expansion(format!("\"$(ts_at {ms})\"")));
            } else {
                parts.push(Part::Lit(serde_json::to_string(s).unwrap_or_default()));
            }
        }
        Value::Array(a) => {
            parts.push(Part::Lit("[".into()));
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    parts.push(Part::Lit(",".into()));
                }
                emit(x, parts);
            }
            parts.push(Part::Lit("]".into()));
        }
        Value::Object(o) => {
            parts.push(Part::Lit("{".into()));
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    parts.push(Part::Lit(",".into()));
                }
                parts.push(Part::Lit(format!(
                    "{}:",
                    serde_json::to_string(k).unwrap_or_default()
                )));
                emit(x, parts);
            }
            parts.push(Part::Lit("}".into()));
        }
        other => parts.push(Part::Lit(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quoting_and_splices() {
        assert_eq!(quote("orders"), "orders");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote(""), "''");
        let v = json!([{"SequenceNumber": format!("{VAR_MARK}seq_3"), "K": "a'b"}]);
        assert_eq!(
            json_word(&v),
            r#"'[{"SequenceNumber":"'"$SEQ_3"'","K":"a'\''b"}]'"#
        );
        assert_eq!(
            scalar(&json!(format!("{TS_MARK}1500"))),
            "\"$(ts_at 1500)\""
        );
    }
}
