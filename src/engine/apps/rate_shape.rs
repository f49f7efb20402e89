//! How a producer's rate varies over virtual time: constant, bursts, or a daily pattern.
//!
//! A shape is a piecewise-constant multiplier of `RecordsPerSecond`. Record `k` of a run is due at
//! the first millisecond where the integral of the rate since the start reaches `k`; within a
//! segment of rate `r` that began at `t0` with `c0` records due, record `k` is due at
//! `t0 + floor((k − c0) · 1000 / r)`. Only `+ − × ÷` on doubles are used, so schedules are identical
//! natively and in wasm. A constant shape keeps the original `start + floor(k · 1000 / rate)`.

use crate::engine::time::VirtualMs;

/// Milliseconds in a real day.
pub const DAY_MS: u64 = 86_400_000;

/// Hourly multipliers of the daily pattern (peak 1.0 at 12:00 UTC, trough 0.15 at 03:00–04:00),
/// a typical consumer-traffic curve (model).
pub const DAILY_FACTORS: [f64; 24] = [
    0.30, 0.22, 0.18, 0.15, 0.15, 0.20, 0.30, 0.45, 0.65, 0.80, 0.90, 0.95, 1.00, 0.98, 0.95, 0.92,
    0.90, 0.92, 0.95, 0.90, 0.80, 0.65, 0.50, 0.38,
];

/// A rate shape.
#[derive(Clone, Debug, PartialEq)]
pub enum RateShape {
    /// `RecordsPerSecond` all the time.
    Constant,
    /// Every `period_ms` starting at the producer's start: `burst_ms` at `burst_factor ×` the rate,
    /// then `quiet_factor ×` the rate for the rest of the period.
    Bursts {
        /// Length of one period.
        period_ms: u64,
        /// Length of the burst at the start of each period.
        burst_ms: u64,
        /// Rate multiplier during a burst (> 0).
        burst_factor: f64,
        /// Rate multiplier between bursts (may be 0).
        quiet_factor: f64,
    },
    /// `RecordsPerSecond × DAILY_FACTORS[hour]`, the hour of day of the scenario's UTC clock. A
    /// `day_ms` below a real day compresses the day (each "hour" lasts `day_ms / 24`).
    Daily {
        /// Length of one simulated day.
        day_ms: u64,
    },
}

impl RateShape {
    /// `CONSTANT`, `BURSTS` or `DAILY`, as the playground API spells the type.
    pub fn type_name(&self) -> &'static str {
        match self {
            RateShape::Constant => "CONSTANT",
            RateShape::Bursts { .. } => "BURSTS",
            RateShape::Daily { .. } => "DAILY",
        }
    }

    /// The JSON the playground API uses for this shape.
    pub fn to_json(&self) -> serde_json::Value {
        match *self {
            RateShape::Constant => serde_json::json!({ "Type": "CONSTANT" }),
            RateShape::Bursts {
                period_ms,
                burst_ms,
                burst_factor,
                quiet_factor,
            } => serde_json::json!({
                "Type": "BURSTS", "PeriodMs": period_ms, "BurstMs": burst_ms,
                "BurstFactor": burst_factor, "QuietFactor": quiet_factor,
            }),
            RateShape::Daily { day_ms } => {
                serde_json::json!({ "Type": "DAILY", "DayLengthMs": day_ms })
            }
        }
    }

    /// The segment containing virtual time `t`: `(end, multiplier)`. `start` is the run's start
    /// and `epoch_hour` the UTC hour of day of virtual time 0.
    fn segment(&self, t: VirtualMs, start: VirtualMs, epoch_hour: u64) -> (VirtualMs, f64) {
        match *self {
            RateShape::Constant => (VirtualMs::MAX, 1.0),
            RateShape::Bursts {
                period_ms,
                burst_ms,
                burst_factor,
                quiet_factor,
            } => {
                let period = period_ms.max(1);
                let into = (t - start) % period;
                let period_start = t - into;
                if into < burst_ms {
                    (period_start + burst_ms.min(period), burst_factor)
                } else {
                    (period_start + period, quiet_factor)
                }
            }
            RateShape::Daily { day_ms } => {
                let hour_ms = (day_ms / 24).max(1);
                let n = t / hour_ms;
                let hour = ((epoch_hour + n) % 24) as usize;
                ((n + 1) * hour_ms, DAILY_FACTORS[hour])
            }
        }
    }
}

/// Where a run's schedule has got to: the segment the next record falls in.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleCursor {
    start: VirtualMs,
    epoch_hour: u64,
    seg_start: VirtualMs,
    /// Records due before `seg_start` (fractional).
    count_at_seg_start: f64,
}

impl ScheduleCursor {
    /// A schedule starting at `start`; `epoch_unix_ms` fixes the hour of day of virtual time 0.
    pub fn new(start: VirtualMs, epoch_unix_ms: u64) -> ScheduleCursor {
        ScheduleCursor {
            start,
            epoch_hour: (epoch_unix_ms / 3_600_000) % 24,
            seg_start: start,
            count_at_seg_start: 0.0,
        }
    }

    /// Virtual time record `k` of the run is due. `k` must not decrease between calls.
    pub fn due_of(&mut self, shape: &RateShape, rate_per_s: f64, k: u64) -> VirtualMs {
        if let RateShape::Constant = shape {
            let offset = (k as f64 * 1000.0 / rate_per_s).floor();
            return self.start.saturating_add(offset as u64);
        }
        let kf = k as f64;
        // Bounded: every shape has a segment of positive rate within two segments.
        for _ in 0..10_000_000u32 {
            let (end, factor) = shape.segment(self.seg_start, self.start, self.epoch_hour);
            let r = rate_per_s * factor;
            let count_end = self.count_at_seg_start + r * (end - self.seg_start) as f64 / 1000.0;
            if r > 0.0 && kf < count_end {
                let offset = ((kf - self.count_at_seg_start).max(0.0) * 1000.0 / r).floor() as u64;
                return (self.seg_start + offset).min(end - 1);
            }
            if end == VirtualMs::MAX {
                break;
            }
            self.seg_start = end;
            self.count_at_seg_start = count_end;
        }
        VirtualMs::MAX
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count_in(shape: &RateShape, rate: f64, from: u64, to: u64) -> usize {
        let mut c = ScheduleCursor::new(0, 0);
        (0..)
            .map(|k| c.due_of(shape, rate, k))
            .take_while(|&d| d < to)
            .filter(|&d| d >= from)
            .count()
    }

    #[test]
    fn bursts_concentrate_records() {
        let shape = RateShape::Bursts {
            period_ms: 10_000,
            burst_ms: 1_000,
            burst_factor: 10.0,
            quiet_factor: 0.0,
        };
        assert_eq!(count_in(&shape, 100.0, 0, 1_000), 1_000);
        assert_eq!(count_in(&shape, 100.0, 1_000, 10_000), 0);
        assert_eq!(count_in(&shape, 100.0, 10_000, 11_000), 1_000);
    }

    #[test]
    fn daily_pattern_follows_the_hour_table() {
        let shape = RateShape::Daily { day_ms: 24_000 }; // one "hour" per second
        assert_eq!(count_in(&shape, 100.0, 3_000, 4_000), 15);
        assert_eq!(count_in(&shape, 100.0, 12_000, 13_000), 100);
    }
}
