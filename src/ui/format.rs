//! Small text helpers for the panels.

/// Lowercase hex of `bytes`, grouped in pairs separated by spaces.
pub fn hex_bytes(bytes: &[u8], max: usize) -> String {
    let mut s: String = bytes
        .iter()
        .take(max)
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ");
    if bytes.len() > max {
        s.push_str(&format!(" … (+{} bytes)", bytes.len() - max));
    }
    s
}

/// `12 B`, `3.4 KiB`, `1.2 MiB`.
pub fn human_bytes(n: u64) -> String {
    if n < 1024 {
        format!("{n} B")
    } else if n < 1024 * 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    }
}

/// The last `n` characters of a long decimal, with an ellipsis in front.
pub fn tail(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        s.to_string()
    } else {
        format!("…{}", s.chars().skip(count - n).collect::<String>())
    }
}
