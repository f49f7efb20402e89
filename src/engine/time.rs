//! Virtual time: the only clock the engine knows.
//!
//! Time is a count of virtual milliseconds since the scenario's epoch. It only moves when the caller
//! says so (`World::advance_to`); nothing in the engine reads a wall clock. Virtual time 0 is a fixed
//! UTC instant chosen per scenario (default [`DEFAULT_EPOCH_UNIX_MS`]), so every arrival timestamp,
//! sequence number and dated object is reproducible.

/// Milliseconds of virtual time since the scenario epoch.
pub type VirtualMs = u64;

/// Default scenario epoch: 2026-01-01T00:00:00Z as Unix milliseconds.
pub const DEFAULT_EPOCH_UNIX_MS: u64 = 1_767_225_600_000;

/// A point in virtual time tied to a UTC epoch, for rendering wall-clock style values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Epoch {
    unix_ms: u64,
}

impl Epoch {
    /// An epoch at `unix_ms` milliseconds after 1970-01-01T00:00:00Z.
    pub fn from_unix_ms(unix_ms: u64) -> Epoch {
        Epoch { unix_ms }
    }

    /// The epoch as Unix milliseconds.
    pub fn unix_ms(self) -> u64 {
        self.unix_ms
    }

    /// Unix milliseconds of virtual time `t`.
    pub fn to_unix_ms(self, t: VirtualMs) -> u64 {
        self.unix_ms.saturating_add(t)
    }

    /// Virtual time of a Unix-millisecond instant; `None` if it lies before the epoch.
    pub fn to_virtual(self, unix_ms: u64) -> Option<VirtualMs> {
        unix_ms.checked_sub(self.unix_ms)
    }
}

impl Default for Epoch {
    fn default() -> Self {
        Epoch::from_unix_ms(DEFAULT_EPOCH_UNIX_MS)
    }
}

/// Unix seconds as a JSON number with millisecond precision, the way the AWS JSON protocol
/// serialises timestamps (e.g. `ApproximateArrivalTimestamp`).
pub fn unix_ms_to_aws_timestamp(unix_ms: u64) -> serde_json::Value {
    let secs = unix_ms as f64 / 1000.0;
    serde_json::json!(secs)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for a Unix-millisecond instant (proleptic Gregorian, UTC).
pub fn format_iso8601(unix_ms: u64) -> String {
    let (y, mo, d, h, mi, s) = civil_from_unix_secs(unix_ms / 1000);
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z",
        unix_ms % 1000
    )
}

/// Splits Unix seconds into UTC (year, month, day, hour, minute, second).
///
/// Uses Howard Hinnant's `civil_from_days` algorithm, exact for every date after 1970.
pub fn civil_from_unix_secs(secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        m,
        d,
        (rem / 3600) as u32,
        ((rem % 3600) / 60) as u32,
        (rem % 60) as u32,
    )
}

/// Human-readable duration of virtual time, e.g. `1h 02m 03.450s`.
pub fn format_duration(ms: VirtualMs) -> String {
    let h = ms / 3_600_000;
    let m = (ms / 60_000) % 60;
    let s = (ms / 1000) % 60;
    let frac = ms % 1000;
    if h > 0 {
        format!("{h}h {m:02}m {s:02}.{frac:03}s")
    } else if m > 0 {
        format!("{m}m {s:02}.{frac:03}s")
    } else {
        format!("{s}.{frac:03}s")
    }
}
