//! Mutation of valid JSON requests for the dispatcher fuzz tests.

use serde_json::Value;

/// Replaces or deletes the member at a random path of `v`.
pub fn mutate(v: &mut Value, path: &[usize], replacement: Option<Value>) {
    let Some((&first, rest)) = path.split_first() else {
        if let Some(r) = replacement {
            *v = r;
        }
        return;
    };
    match v {
        Value::Object(m) if !m.is_empty() => {
            let key = m.keys().nth(first % m.len()).cloned().unwrap_or_default();
            if rest.is_empty() && replacement.is_none() {
                m.remove(&key);
            } else if let Some(child) = m.get_mut(&key) {
                mutate(child, rest, replacement);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            let n = a.len();
            mutate(&mut a[first % n], rest, replacement);
        }
        other => {
            if let Some(r) = replacement {
                *other = r;
            }
        }
    }
}
