//! Firehose CloudWatch-style metrics per delivery stream and virtual second (semantics.md §4.7,
//! namespace `AWS/Firehose`, dimension `DeliveryStreamName`).

use std::collections::VecDeque;

use crate::engine::time::VirtualMs;

/// Seconds of history kept (3 hours).
pub const RETAINED_SECONDS: u64 = 3 * 3600;

/// Everything counted in one second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FhSecond {
    /// `IncomingBytes`.
    pub incoming_bytes: u64,
    /// `IncomingRecords`.
    pub incoming_records: u64,
    /// `IncomingPutRequests`.
    pub incoming_put_requests: u64,
    /// `ThrottledRecords`.
    pub throttled_records: u64,
    /// `DataReadFromKinesisStream.Records`.
    pub kinesis_records: u64,
    /// `DataReadFromKinesisStream.Bytes`.
    pub kinesis_bytes: u64,
    /// `KinesisMillisBehindLatest` (maximum).
    pub kinesis_millis_behind: u64,
    /// `ExecuteProcessing.Success` numerator: successful invocations.
    pub invocations_ok: u64,
    /// Invocations (successful or not).
    pub invocations: u64,
    /// `ExecuteProcessing.Duration` sum, ms.
    pub invocation_ms: u64,
    /// `SucceedProcessing.Records`.
    pub processed_records: u64,
    /// `SucceedProcessing.Bytes`.
    pub processed_bytes: u64,
    /// `SucceedConversion.Records`.
    pub converted_records: u64,
    /// `FailedConversion.Records`.
    pub conversion_failed_records: u64,
    /// `DeliveryTo….Records`.
    pub delivered_records: u64,
    /// `DeliveryTo….Bytes`.
    pub delivered_bytes: u64,
    /// Successful delivery attempts.
    pub delivery_ok: u64,
    /// Delivery attempts.
    pub delivery_attempts: u64,
    /// `DeliveryToS3.ObjectCount`.
    pub objects: u64,
    /// `DeliveryTo….DataFreshness` (maximum), ms.
    pub freshness_ms: u64,
    /// `BackupToS3.Records`.
    pub backup_records: u64,
    /// `BackupToS3.Bytes`.
    pub backup_bytes: u64,
    /// `PartitionCount` (maximum).
    pub partitions: u64,
    /// `PartitionCountExceeded` (records).
    pub partition_exceeded: u64,
}

/// Per-second history of one delivery stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FhMetrics {
    first_second: u64,
    seconds: VecDeque<FhSecond>,
}

/// The metric names served, with their unit (§4.7; `DeliveryTo…` uses the stream's family).
pub const NAMES: &[(&str, &str)] = &[
    ("IncomingBytes", "Bytes"),
    ("IncomingRecords", "Count"),
    ("IncomingPutRequests", "Count"),
    ("ThrottledRecords", "Count"),
    ("DataReadFromKinesisStream.Records", "Count"),
    ("DataReadFromKinesisStream.Bytes", "Bytes"),
    ("KinesisMillisBehindLatest", "Milliseconds"),
    ("ExecuteProcessing.Success", "Count"),
    ("ExecuteProcessing.Duration", "Milliseconds"),
    ("SucceedProcessing.Records", "Count"),
    ("SucceedProcessing.Bytes", "Bytes"),
    ("SucceedConversion.Records", "Count"),
    ("FailedConversion.Records", "Count"),
    ("BackupToS3.Records", "Count"),
    ("BackupToS3.Bytes", "Bytes"),
    ("PartitionCount", "Count"),
    ("PartitionCountExceeded", "Count"),
    ("DeliveryTo*.Records", "Count"),
    ("DeliveryTo*.Bytes", "Bytes"),
    ("DeliveryTo*.Success", "Count"),
    ("DeliveryTo*.DataFreshness", "Seconds"),
    ("DeliveryToS3.ObjectCount", "Count"),
];

/// How a metric aggregates: (value of a second, true if it is a maximum-type gauge).
fn value(s: &FhSecond, name: &str, family: &str) -> Option<(f64, bool)> {
    let (fam, tail) = match name.split_once('.') {
        Some((f, t)) if f.starts_with("DeliveryTo") => (Some(f), t),
        _ => (None, name),
    };
    if let Some(f) = fam {
        if f != family {
            return None;
        }
        return Some(match tail {
            "Records" => (s.delivered_records as f64, false),
            "Bytes" => (s.delivered_bytes as f64, false),
            "Success" => {
                if s.delivery_attempts == 0 {
                    return Some((f64::NAN, true));
                }
                (s.delivery_ok as f64 / s.delivery_attempts as f64, true)
            }
            "DataFreshness" => ((s.freshness_ms / 1000) as f64, true),
            "ObjectCount" if f == "DeliveryToS3" => (s.objects as f64, false),
            _ => return None,
        });
    }
    Some(match tail {
        "IncomingBytes" => (s.incoming_bytes as f64, false),
        "IncomingRecords" => (s.incoming_records as f64, false),
        "IncomingPutRequests" => (s.incoming_put_requests as f64, false),
        "ThrottledRecords" => (s.throttled_records as f64, false),
        "DataReadFromKinesisStream.Records" => (s.kinesis_records as f64, false),
        "DataReadFromKinesisStream.Bytes" => (s.kinesis_bytes as f64, false),
        "KinesisMillisBehindLatest" => (s.kinesis_millis_behind as f64, true),
        "ExecuteProcessing.Success" => {
            if s.invocations == 0 {
                return Some((f64::NAN, true));
            }
            (s.invocations_ok as f64 / s.invocations as f64, true)
        }
        "ExecuteProcessing.Duration" => {
            if s.invocations == 0 {
                return Some((f64::NAN, true));
            }
            (s.invocation_ms as f64 / s.invocations as f64, true)
        }
        "SucceedProcessing.Records" => (s.processed_records as f64, false),
        "SucceedProcessing.Bytes" => (s.processed_bytes as f64, false),
        "SucceedConversion.Records" => (s.converted_records as f64, false),
        "FailedConversion.Records" => (s.conversion_failed_records as f64, false),
        "BackupToS3.Records" => (s.backup_records as f64, false),
        "BackupToS3.Bytes" => (s.backup_bytes as f64, false),
        "PartitionCount" => (s.partitions as f64, true),
        "PartitionCountExceeded" => (s.partition_exceeded as f64, false),
        _ => return None,
    })
}

/// Whether `name` is a metric of a stream whose deliveries are `family`.
pub fn known(name: &str, family: &str) -> Option<&'static str> {
    let generic = name
        .split_once('.')
        .filter(|(f, _)| f.starts_with("DeliveryTo"))
        .map(|(f, t)| (f, format!("DeliveryTo*.{t}")));
    NAMES.iter().find_map(|(n, unit)| {
        let hit = match &generic {
            Some((f, g)) if *n == "DeliveryToS3.ObjectCount" => name == *n && *f == family,
            Some((f, g)) => g == n && *f == family,
            None => name == *n,
        };
        hit.then_some(*unit)
    })
}

impl FhMetrics {
    /// The counters of the second containing `now`.
    pub fn at(&mut self, now: VirtualMs) -> &mut FhSecond {
        let sec = now / 1000;
        if self.seconds.is_empty() {
            self.first_second = sec;
        }
        while self.first_second + (self.seconds.len() as u64) <= sec {
            self.seconds.push_back(FhSecond::default());
        }
        while self.seconds.len() as u64 > RETAINED_SECONDS {
            self.seconds.pop_front();
            self.first_second += 1;
        }
        let idx = sec.saturating_sub(self.first_second) as usize;
        let last = self.seconds.len() - 1;
        &mut self.seconds[idx.min(last)]
    }

    /// The second containing `t`, if kept.
    pub fn second(&self, t: VirtualMs) -> Option<&FhSecond> {
        let sec = t / 1000;
        sec.checked_sub(self.first_second)
            .and_then(|i| self.seconds.get(i as usize))
    }

    /// `(period start s, sum, maximum, samples)` per period over `[from_s, to_s)`, for metric
    /// `name` of a stream whose deliveries are `family`. Empty periods are left out.
    pub fn series(
        &self,
        name: &str,
        family: &str,
        from_s: u64,
        to_s: u64,
        period_s: u64,
    ) -> Vec<(u64, f64, f64, u64)> {
        let mut out = Vec::new();
        let mut start = from_s;
        while start < to_s {
            let end = (start + period_s).min(to_s);
            let (mut sum, mut max, mut n) = (0.0, f64::MIN, 0u64);
            for sec in start..end {
                let Some(s) = sec
                    .checked_sub(self.first_second)
                    .and_then(|i| self.seconds.get(i as usize))
                else {
                    continue;
                };
                if let Some((v, _)) = value(s, name, family) {
                    if v.is_nan() {
                        continue;
                    }
                    sum += v;
                    max = f64::max(max, v);
                    n += 1;
                }
            }
            if n > 0 {
                out.push((start, sum, max, n));
            }
            start = end;
        }
        out
    }
}
