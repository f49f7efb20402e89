//! EventBridge schedule expressions: `rate(value unit)` and `cron(minutes hours day-of-month month
//! day-of-week year)`, in UTC. Rates take `minute(s)`, `hour(s)`, `day(s)` (singular only for 1);
//! cron fields take `*`, numbers, ranges `a-b`, lists `a,b`, increments `a/n` or `*/n`, month
//! names `JAN`–`DEC`, day names `SUN`–`SAT` (1 = SUN), and `?` in exactly one of day-of-month and
//! day-of-week. `L`, `W` and `#` are refused with a message. A rate rule first fires one period
//! after it is created. Source: the EventBridge user guide, "Schedule expressions for rules".

use crate::engine::time::civil_from_unix_secs;

const MINUTE_MS: u64 = 60_000;
/// How far ahead a cron expression is searched for its next fire time (years).
const SEARCH_YEARS: u64 = 5;

/// A compiled schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Every `period_ms`.
    Rate {
        /// The period, ms.
        period_ms: u64,
    },
    /// A cron expression: the allowed values of each field.
    Cron(Box<CronFields>),
}

/// Allowed values of each cron field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronFields {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    dom: Option<Vec<bool>>,
    months: Vec<bool>,
    dow: Option<Vec<bool>>,
    years: Option<Vec<u32>>,
}

fn bad(expr: &str, why: impl std::fmt::Display) -> String {
    format!("Parameter ScheduleExpression is not valid: '{expr}': {why}")
}

/// Parses `rate(…)` or `cron(…)`.
pub fn parse(expr: &str) -> Result<Schedule, String> {
    let e = expr.trim();
    if let Some(body) = e.strip_prefix("rate(").and_then(|b| b.strip_suffix(')')) {
        let mut parts = body.split_whitespace();
        let (Some(n), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad(
                expr,
                "a rate is 'rate(value unit)', e.g. rate(5 minutes)",
            ));
        };
        let n: u64 = n
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| bad(expr, "the value must be a positive whole number"))?;
        let unit_ms = match (unit, n == 1) {
            ("minute", true) | ("minutes", false) => MINUTE_MS,
            ("hour", true) | ("hours", false) => 60 * MINUTE_MS,
            ("day", true) | ("days", false) => 24 * 60 * MINUTE_MS,
            ("minutes" | "hours" | "days", true) => {
                return Err(bad(
                    expr,
                    format!(
                        "use the singular unit for 1: rate(1 {})",
                        unit.trim_end_matches('s')
                    ),
                ))
            }
            ("minute" | "hour" | "day", false) => {
                return Err(bad(
                    expr,
                    format!("use the plural unit for {n}: rate({n} {unit}s)"),
                ))
            }
            _ => return Err(bad(expr, "the unit must be minute(s), hour(s) or day(s)")),
        };
        return Ok(Schedule::Rate {
            period_ms: n.saturating_mul(unit_ms),
        });
    }
    if let Some(body) = e.strip_prefix("cron(").and_then(|b| b.strip_suffix(')')) {
        let f: Vec<&str> = body.split_whitespace().collect();
        if f.len() != 6 {
            return Err(bad(
                expr,
                "cron takes six fields: minutes hours day-of-month month day-of-week year",
            ));
        }
        if (f[2] == "?") == (f[4] == "?") {
            return Err(bad(
                expr,
                "exactly one of day-of-month and day-of-week must be '?'",
            ));
        }
        let field =
            |i: usize, lo: u32, hi: u32, names: &[&str], base: u32| -> Result<Vec<bool>, String> {
                values(f[i], lo, hi, names, base).map_err(|m| bad(expr, m))
            };
        const MONTHS: [&str; 12] = [
            "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
        ];
        const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
        let years = if f[5] == "*" {
            None
        } else {
            let v = values(f[5], 1970, 2199, &[], 0).map_err(|m| bad(expr, m))?;
            Some((1970..=2199).filter(|y| v[*y as usize]).collect())
        };
        return Ok(Schedule::Cron(Box::new(CronFields {
            minutes: field(0, 0, 59, &[], 0)?,
            hours: field(1, 0, 23, &[], 0)?,
            dom: if f[2] == "?" {
                None
            } else {
                Some(field(2, 1, 31, &[], 0)?)
            },
            months: field(3, 1, 12, &MONTHS, 1)?,
            dow: if f[4] == "?" {
                None
            } else {
                Some(field(4, 1, 7, &DAYS, 1)?)
            },
            years,
        })));
    }
    Err(bad(expr, "a schedule is rate(…) or cron(…)"))
}

/// The allowed values `lo..=hi` of one field, as flags indexed by value.
fn values(text: &str, lo: u32, hi: u32, names: &[&str], base: u32) -> Result<Vec<bool>, String> {
    let mut out = vec![false; hi as usize + 1];
    let num = |s: &str| -> Result<u32, String> {
        if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
            return Ok(i as u32 + base);
        }
        s.parse::<u32>()
            .ok()
            .filter(|v| (lo..=hi).contains(v))
            .ok_or_else(|| format!("'{s}' is not a value between {lo} and {hi}"))
    };
    for part in text.split(',') {
        if part.contains(['L', 'W', '#']) && !names.iter().any(|n| part.contains(n)) {
            return Err(format!(
                "'{part}': L, W and # are not supported by the playground"
            ));
        }
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (
                r,
                s.parse::<u32>()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("'{part}': the increment must be a positive number"))?,
            ),
            None => (part, 1),
        };
        let (a, b) = if range == "*" {
            (lo, hi)
        } else if let Some((a, b)) = range.split_once('-') {
            (num(a)?, num(b)?)
        } else {
            let a = num(range)?;
            (a, if part.contains('/') { hi } else { a })
        };
        if a > b {
            return Err(format!("'{part}': the range runs backwards"));
        }
        let mut v = a;
        while v <= b {
            out[v as usize] = true;
            v += step;
        }
    }
    Ok(out)
}

/// The first fire time strictly after `after_unix_ms`, Unix ms; `None` if there is none within
/// five years. `created_unix_ms` anchors rate schedules.
pub fn next_fire(s: &Schedule, created_unix_ms: u64, after_unix_ms: u64) -> Option<u64> {
    match s {
        Schedule::Rate { period_ms } => {
            let k = after_unix_ms.saturating_sub(created_unix_ms) / period_ms + 1;
            created_unix_ms.checked_add(k.checked_mul(*period_ms)?)
        }
        Schedule::Cron(c) => {
            let start_min = after_unix_ms / MINUTE_MS + 1;
            let end_day = start_min / 1440 + SEARCH_YEARS * 366;
            let mut day = start_min / 1440;
            while day <= end_day {
                let (y, mo, d, _, _, _) = civil_from_unix_secs(day * 86_400);
                let dow = ((day + 4) % 7) as usize + 1; // 1970-01-01 was a Thursday; 1 = SUN
                let day_ok = c.months[mo as usize]
                    && c.years.as_ref().is_none_or(|ys| ys.contains(&(y as u32)))
                    && c.dom.as_ref().is_none_or(|v| v[d as usize])
                    && c.dow.as_ref().is_none_or(|v| v[dow]);
                if day_ok {
                    for h in 0..24u64 {
                        if !c.hours[h as usize] {
                            continue;
                        }
                        for m in 0..60u64 {
                            let minute = day * 1440 + h * 60 + m;
                            if c.minutes[m as usize] && minute >= start_min {
                                return Some(minute * MINUTE_MS);
                            }
                        }
                    }
                }
                day += 1;
            }
            None
        }
    }
}
