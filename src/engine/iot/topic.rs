//! MQTT topic names and filters as AWS IoT checks them: UTF-8, 1–256 bytes, at most 7 forward
//! slashes (8 levels), no NUL. A topic a message is published on has no wildcards and does not
//! start with `$` (reserved topics); a filter may use `+` for one whole level and `#` for all
//! remaining levels (only as the last level). Source: the AWS IoT developer guide, "MQTT topics"
//! and "AWS IoT Core message broker and protocol limits".

/// Longest topic, bytes.
pub const MAX_TOPIC_BYTES: usize = 256;
/// Most forward slashes in a topic.
pub const MAX_SLASHES: usize = 7;

fn common(t: &str) -> Result<(), String> {
    if t.is_empty() || t.len() > MAX_TOPIC_BYTES {
        return Err(format!(
            "a topic is 1 to {MAX_TOPIC_BYTES} bytes; this one is {}",
            t.len()
        ));
    }
    if t.contains('\0') {
        return Err("a topic must not contain NUL".into());
    }
    if t.matches('/').count() > MAX_SLASHES {
        return Err(format!("a topic has at most {MAX_SLASHES} forward slashes"));
    }
    Ok(())
}

/// Checks a topic a message is published on.
pub fn validate_topic(t: &str) -> Result<(), String> {
    common(t)?;
    if t.contains(['+', '#']) {
        return Err(format!("'{t}': wildcards + and # belong in subscriptions and rule filters, not in a published topic"));
    }
    if t.starts_with('$') {
        return Err(format!("'{t}': topics starting with $ are reserved"));
    }
    Ok(())
}

/// Checks a topic filter.
pub fn validate_filter(f: &str) -> Result<(), String> {
    common(f)?;
    let levels: Vec<&str> = f.split('/').collect();
    for (i, l) in levels.iter().enumerate() {
        if l.contains('#') && (*l != "#" || i + 1 != levels.len()) {
            return Err(format!("'{f}': # must be a whole level and the last one"));
        }
        if l.contains('+') && *l != "+" {
            return Err(format!("'{f}': + must be a whole level"));
        }
    }
    Ok(())
}

/// Whether topic `t` matches filter `f`.
pub fn matches(f: &str, t: &str) -> bool {
    let mut fl = f.split('/');
    let mut tl = t.split('/');
    loop {
        match (fl.next(), tl.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}
