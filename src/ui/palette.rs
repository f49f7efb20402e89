//! Colours: one hue per partition key, shard colours, theme-dependent canvas colours.

/// Canvas colours for one theme.
#[derive(Clone, Copy, Debug)]
pub struct CanvasTheme {
    /// Canvas background.
    pub background: &'static str,
    /// Lane background.
    pub lane: &'static str,
    /// Main text.
    pub text: &'static str,
    /// Secondary text.
    pub muted: &'static str,
    /// Grid lines and outlines.
    pub grid: &'static str,
    /// Highlight for selection and fresh records.
    pub accent: &'static str,
    /// Record lightness, percent.
    pub record_lightness: u32,
}

/// The dark theme.
pub const DARK: CanvasTheme = CanvasTheme {
    background: "#0f1420",
    lane: "#161d2c",
    text: "#e6ebf5",
    muted: "#8a96ad",
    grid: "#2a3448",
    accent: "#ffd166",
    record_lightness: 62,
};

/// The light theme.
pub const LIGHT: CanvasTheme = CanvasTheme {
    background: "#ffffff",
    lane: "#f2f5fa",
    text: "#1b2333",
    muted: "#5b6780",
    grid: "#d5dbe6",
    accent: "#d97706",
    record_lightness: 46,
};

/// Hue (0-359) of a record, from the low bits of its hash key: the same key always gets the same
/// colour, and keys in one shard (which share their top bits) still get different colours.
pub fn key_hue(hash_key: u128) -> u32 {
    ((hash_key as u16) as u32 * 360) >> 16
}

/// CSS colour of a record.
pub fn record_color(hash_key: u128, theme: &CanvasTheme) -> String {
    format!("hsl({} 70% {}%)", key_hue(hash_key), theme.record_lightness)
}

/// CSS colour of shard `i` on the hash-key ruler (an Okabe–Ito-like colour-blind-safe cycle).
pub fn shard_color(i: u32) -> &'static str {
    const CYCLE: [&str; 8] = [
        "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999999",
    ];
    CYCLE[(i % 8) as usize]
}

/// Colour of the `i`-th KCL application of a stream (its checkpoint flags and lease owners).
pub fn app_color(i: usize) -> &'static str {
    const CYCLE: [&str; 4] = ["#c084fc", "#22d3ee", "#f472b6", "#a3e635"];
    CYCLE[i % CYCLE.len()]
}
