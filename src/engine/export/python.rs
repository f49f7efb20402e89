//! JSON request values as Python source: `None`/`True`, bytes literals for blobs, variables and
//! `ts_at(ms)` for marked strings, and line breaks only where a line would grow too long.

use base64::Engine as _;
use serde_json::Value;

use crate::engine::export::names::path_matches;
use crate::engine::export::plan::{TS_MARK, VAR_MARK};

/// Longest line the renderer aims for.
pub const WIDTH: usize = 96;

/// A Python string literal (JSON escapes are valid Python escapes).
pub fn str_lit(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A bytes value: `b"text"` for printable ASCII, `"text".encode()` for other UTF-8, else
/// `b"\x.."` escapes.
pub fn bytes_lit(bytes: &[u8]) -> String {
    let printable = bytes
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t');
    if printable {
        // Single quotes read better around JSON text.
        let q = if bytes.contains(&b'"') && !bytes.contains(&b'\'') {
            '\''
        } else {
            '"'
        };
        let mut out = format!("b{q}");
        for &b in bytes {
            match b {
                b'"' if q == '"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                b'\n' => out.push_str("\\n"),
                b'\t' => out.push_str("\\t"),
                _ => out.push(b as char),
            }
        }
        out.push(q);
        return out;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return format!("{}.encode()", str_lit(text));
    }
    let mut out = String::from("b\"");
    for &b in bytes {
        out.push_str(&format!("\\x{b:02x}"));
    }
    out.push('"');
    out
}

/// Renders a marked string (variable or timestamp) or `None` if it is a plain string.
pub fn marked(s: &str) -> Option<String> {
    if let Some(var) = s.strip_prefix(VAR_MARK) {
        return Some(var.to_string());
    }
    s.strip_prefix(TS_MARK).map(|ms| format!("ts_at({ms})"))
}

/// Renders `v` at `path` (member names, `[i]` for elements) with `blobs` as bytes.
pub fn value(v: &Value, path: &mut Vec<String>, blobs: &[&[&str]], indent: usize) -> String {
    let compact = render(v, path, blobs, indent, false);
    if compact.len() + indent * 4 <= WIDTH || !(v.is_array() || v.is_object()) {
        return compact;
    }
    render(v, path, blobs, indent, true)
}

fn render(
    v: &Value,
    path: &mut Vec<String>,
    blobs: &[&[&str]],
    indent: usize,
    multi: bool,
) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            if let Some(m) = marked(s) {
                return m;
            }
            if path_matches(blobs, path) {
                if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(s) {
                    return bytes_lit(&bytes);
                }
            }
            str_lit(s)
        }
        Value::Array(a) => {
            let parts: Vec<String> = a
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    path.push(format!("[{i}]"));
                    let r = value(x, path, blobs, indent + 1);
                    path.pop();
                    r
                })
                .collect();
            wrap("[", "]", &parts, indent, multi)
        }
        Value::Object(o) => {
            let parts: Vec<String> = o
                .iter()
                .map(|(k, x)| {
                    path.push(k.clone());
                    let r = format!("{}: {}", str_lit(k), value(x, path, blobs, indent + 1));
                    path.pop();
                    r
                })
                .collect();
            wrap("{", "}", &parts, indent, multi)
        }
    }
}

fn wrap(open: &str, close: &str, parts: &[String], indent: usize, multi: bool) -> String {
    if parts.is_empty() {
        return format!("{open}{close}");
    }
    if !multi {
        return format!("{open}{}{close}", parts.join(", "));
    }
    let pad = "    ".repeat(indent + 1);
    let mut out = format!("{open}\n");
    for p in parts {
        out.push_str(&pad);
        out.push_str(p);
        out.push_str(",\n");
    }
    out.push_str(&"    ".repeat(indent));
    out.push_str(close);
    out
}

/// Whether `s` can be a keyword argument name.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !matches!(
            s,
            "None" | "True" | "False" | "lambda" | "class" | "def" | "from" | "import"
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn literals() {
        assert_eq!(bytes_lit(b"hi \"x\"\n"), r#"b'hi "x"\n'"#);
        assert_eq!(bytes_lit(b"it's \"x\""), r#"b"it's \"x\"""#);
        assert_eq!(bytes_lit("é".as_bytes()), r#""é".encode()"#);
        assert_eq!(bytes_lit(&[0xff, 0x00]), r#"b"\xff\x00""#);
        let v = json!({"Records": [{"Data": "aGk=", "PartitionKey": "k"}], "N": null, "B": true});
        let s = value(&v, &mut Vec::new(), &[&["Records", "[]", "Data"]], 0);
        assert_eq!(
            s,
            r#"{"Records": [{"Data": b"hi", "PartitionKey": "k"}], "N": None, "B": True}"#
        );
    }
}
