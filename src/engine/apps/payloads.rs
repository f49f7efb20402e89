//! Realistic record payloads as compact JSON lines: application logs, metrics and IoT telemetry
//! (the clickstream event lives in `workload.rs`, unchanged since the first producer).
//!
//! Every field is drawn from the world's RNG in a fixed order, numbers with decimals are formatted
//! from integers (no float formatting), and no text needs JSON escaping.

use crate::engine::rng::WorldRng;
use crate::engine::time::format_iso8601;

fn pick<'a>(rng: &mut WorldRng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len() as u64) as usize]
}

/// `n` hundredths (or tenths with `scale` 10) as a decimal string, e.g. `4217 → "42.17"`.
fn decimal(n: i64, scale: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    let a = n.abs();
    if scale == 10 {
        format!("{sign}{}.{}", a / 10, a % 10)
    } else {
        format!("{sign}{}.{:02}", a / 100, a % 100)
    }
}

const SERVICES: [&str; 6] = ["checkout", "cart", "search", "payments", "auth", "catalog"];
const PATHS: [&str; 6] = [
    "/api/cart",
    "/api/orders",
    "/api/search",
    "/api/products",
    "/api/login",
    "/health",
];
const DEPENDENCIES: [&str; 4] = ["payments-db", "inventory", "redis", "recommendations"];

/// One application log line: `{"ts","seq","level","service","host","message","latency_ms","request_id"}`.
/// Levels are DEBUG 5 %, INFO 75 %, WARN 12 %, ERROR 8 %; latency has a 8 % slow tail.
pub fn log_line(rng: &mut WorldRng, seq: u64, host: u32, event_unix_ms: u64) -> Vec<u8> {
    let roll = rng.below(100);
    let service = pick(rng, &SERVICES);
    let mut latency = 3 + rng.below(60);
    if rng.chance(0.08) {
        latency += 200 + rng.below(2_800);
    }
    let (level, message) = match roll {
        0..=4 => (
            "DEBUG",
            format!("cache hit key=product:{}", rng.below(10_000)),
        ),
        5..=79 => {
            let method = pick(rng, &["GET", "GET", "GET", "POST", "PUT"]);
            let path = pick(rng, &PATHS);
            let status = pick(rng, &["200", "200", "200", "201", "204", "302"]);
            ("INFO", format!("{method} {path} {status}"))
        }
        80..=91 => {
            let dep = pick(rng, &DEPENDENCIES);
            ("WARN", format!("slow response from {dep} ({latency} ms)"))
        }
        _ => {
            let dep = pick(rng, &DEPENDENCIES);
            let status = pick(rng, &["500", "502", "503"]);
            ("ERROR", format!("upstream {dep} failed with {status}"))
        }
    };
    let request_id = rng.next_u64() as u32;
    format!(
        "{{\"ts\":\"{}\",\"seq\":{seq},\"level\":\"{level}\",\"service\":\"{service}\",\"host\":\"host-{host}\",\"message\":\"{message}\",\"latency_ms\":{latency},\"request_id\":\"{request_id:08x}\"}}",
        format_iso8601(event_unix_ms)
    )
    .into_bytes()
}

/// (name, unit, low, high) of the metrics a host reports.
const METRICS: [(&str, &str, i64, i64); 6] = [
    ("cpu_utilization", "Percent", 0, 100),
    ("memory_used_mb", "Megabytes", 256, 16_384),
    ("request_count", "Count", 0, 5_000),
    ("p99_latency_ms", "Milliseconds", 5, 2_500),
    ("disk_free_pct", "Percent", 5, 95),
    ("error_count", "Count", 0, 50),
];

/// One metric data point: `{"ts","seq","metric","value","unit","dimensions":{"host","service","region"}}`.
pub fn metric_point(rng: &mut WorldRng, seq: u64, host: u32, event_unix_ms: u64) -> Vec<u8> {
    let (name, unit, lo, hi) = METRICS[rng.below(METRICS.len() as u64) as usize];
    let value = if unit == "Count" {
        (lo + rng.below((hi - lo + 1) as u64) as i64).to_string()
    } else {
        decimal(
            lo * 100 + rng.below(((hi - lo) * 100 + 1) as u64) as i64,
            100,
        )
    };
    let service = pick(rng, &SERVICES);
    let region = pick(rng, &["us-east-1", "us-west-2", "eu-west-1"]);
    format!(
        "{{\"ts\":\"{}\",\"seq\":{seq},\"metric\":\"{name}\",\"value\":{value},\"unit\":\"{unit}\",\"dimensions\":{{\"host\":\"host-{host}\",\"service\":\"{service}\",\"region\":\"{region}\"}}}}",
        format_iso8601(event_unix_ms)
    )
    .into_bytes()
}

/// One IoT sensor reading: `{"device_id","event_time","seq","temperature_c","humidity_pct",
/// "battery_pct","status"}`. Each device has its own baseline (derived from its index), plus noise.
pub fn iot_reading(rng: &mut WorldRng, seq: u64, device: u32, event_unix_ms: u64) -> Vec<u8> {
    let d = i64::from(device);
    let temperature = 150 + (d * 37) % 150 + rng.below(41) as i64 - 20; // tenths of °C
    let humidity = 300 + (d * 53) % 400 + rng.below(101) as i64 - 50; // tenths of %
    let battery = (100 - (d * 13) % 70 - rng.below(3) as i64).max(0);
    let status = if battery < 35 {
        "LOW_BATTERY"
    } else if temperature > 290 {
        "OVERHEAT"
    } else {
        "OK"
    };
    format!(
        "{{\"device_id\":\"device-{device}\",\"event_time\":\"{}\",\"seq\":{seq},\"temperature_c\":{},\"humidity_pct\":{},\"battery_pct\":{battery},\"status\":\"{status}\"}}",
        format_iso8601(event_unix_ms),
        decimal(temperature, 10),
        decimal(humidity, 10)
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_are_json_objects() {
        let mut rng = WorldRng::seeded(3);
        for seq in 0..200 {
            for bytes in [
                log_line(&mut rng, seq, 4, 1_767_225_600_123),
                metric_point(&mut rng, seq, 2, 1_767_225_600_123),
                iot_reading(&mut rng, seq, 9, 1_767_225_600_123),
            ] {
                let v: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
                assert_eq!(v["seq"], seq);
            }
        }
    }
}
