//! The chaos runner: a pipeline of several services run for a long virtual time under random
//! faults, with its invariants checked after every step. Every fault is a dispatcher call, so a
//! failing run is reproduced exactly by its seed and action log (which the CLI writes out).
//!
//! The pipeline: an SDK producer and a KPL-free direct producer into a 4-shard stream (168 h
//! retention); a KCL application with three workers and an idempotent sink; a Firehose delivery
//! stream reading the stream into S3 (newline-delimited); an exactly-once Flink job counting per
//! key in 10 s windows; a Direct PUT delivery stream fed by CloudWatch Logs from a logging
//! application. Faults, one every two virtual minutes at random: KCL worker killed (and a new one
//! added) or paused past its lease; Firehose destination outage; AZ outage; task manager killed;
//! a throttling storm (a 4,000 records/s producer for 20 s against 4 shards).
//!
//! Checked after every step: every acknowledged Kinesis record is still in the stream (retained
//! records = records the producers were told succeeded); each delivery stream's ledger balances
//! (accepted = delivered + failed + dropped + expired + in flight). At the end, after a quiet
//! period: the KCL application processed every record at least once (its idempotent sink holds
//! one row per record); the Firehose buckets hold exactly the delivered records; the exactly-once
//! results equal the batch oracle.

use serde_json::{json, Value};

use crate::engine::action_log::Session;
use crate::engine::rng::WorldRng;
use crate::engine::world::WorldConfig;

/// One step of virtual time between fault decisions, ms.
pub const STEP_MS: u64 = 120_000;
/// Quiet time at the end before the final checks, ms.
pub const QUIET_MS: u64 = 15 * 60_000;

/// What a run found.
#[derive(Debug)]
pub struct ChaosReport {
    /// Seed.
    pub seed: u64,
    /// Virtual hours run (before the quiet period).
    pub hours: u64,
    /// Faults injected, by kind.
    pub faults: Vec<(String, u64)>,
    /// Invariant checks passed.
    pub checks: u64,
    /// The first broken invariant, if any.
    pub failure: Option<String>,
    /// Records the producers had acknowledged.
    pub acknowledged: u64,
}

impl ChaosReport {
    /// As one JSON line.
    pub fn to_json(&self) -> Value {
        json!({
            "Seed": self.seed, "VirtualHours": self.hours, "Checks": self.checks,
            "Acknowledged": self.acknowledged,
            "Faults": self.faults.iter().map(|(k, n)| json!({"Kind": k, "Count": n})).collect::<Vec<_>>(),
            "Failure": self.failure,
        })
    }
}

const ARN: &str = "arn:aws:iam::123456789012:role/chaos";

fn call(s: &mut Session, service: &str, action: &str, req: Value) -> Result<Value, String> {
    s.call(service, action, req)
        .map_err(|e| format!("{service}.{action}: {}: {}", e.kind.as_str(), e.message))
}

fn setup(s: &mut Session) -> Result<(), String> {
    call(
        s,
        "kinesis",
        "CreateStream",
        json!({"StreamName": "orders", "ShardCount": 4}),
    )?;
    call(s, "s3", "CreateBucket", json!({"Bucket": "lake"}))?;
    s.advance_to(2_000);
    call(
        s,
        "kinesis",
        "IncreaseStreamRetentionPeriod",
        json!({"StreamName": "orders", "RetentionPeriodHours": 168}),
    )?;
    let s3 = |prefix: &str| {
        json!({"RoleARN": ARN, "BucketARN": "arn:aws:s3:::lake", "Prefix": prefix,
        "ErrorOutputPrefix": format!("err-{prefix}"), "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        "ProcessingConfiguration": {"Enabled": true, "Processors": [{"Type": "AppendDelimiterToRecord", "Parameters": []}]}})
    };
    call(
        s,
        "firehose",
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "archive", "DeliveryStreamType": "KinesisStreamAsSource",
        "KinesisStreamSourceConfiguration": {"KinesisStreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/orders", "RoleARN": ARN},
        "ExtendedS3DestinationConfiguration": s3("archive/")}),
    )?;
    call(
        s,
        "firehose",
        "CreateDeliveryStream",
        json!({"DeliveryStreamName": "logs", "ExtendedS3DestinationConfiguration": s3("logs/")}),
    )?;
    s.advance_to(8_000);
    call(
        s,
        "playground",
        "StartKclApplication",
        json!({"ApplicationName": "billing", "StreamName": "orders", "Workers": 3, "IdempotentSink": true}),
    )?;
    let sql = "CREATE TABLE logs (host STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '2' SECOND) \
               WITH ('connector' = 'kinesis', 'stream' = 'orders', 'scan.stream.initpos' = 'TRIM_HORIZON');\n\
               SELECT window_start, window_end, host, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE logs, DESCRIPTOR(ts), INTERVAL '10' SECOND)) \
               GROUP BY window_start, window_end, host;";
    call(
        s,
        "kinesisanalyticsv2",
        "CreateApplication",
        json!({"ApplicationName": "counts", "RuntimeEnvironment": "FLINK-1_20",
        "ServiceExecutionRole": ARN, "ApplicationConfiguration": {
            "ApplicationCodeConfiguration": {"CodeContentType": "PLAINTEXT", "CodeContent": {"TextContent": sql}},
            "FlinkApplicationConfiguration": {"CheckpointConfiguration": {"ConfigurationType": "CUSTOM", "CheckpointingEnabled": true, "CheckpointInterval": 20_000, "MinPauseBetweenCheckpoints": 0}},
            // Records retried after throttling arrive late; panes are updated for 10 minutes, so
            // the final table is comparable with the batch run over the same records.
            "EnvironmentProperties": {"PropertyGroups": [{"PropertyGroupId": "FlinkApplicationProperties", "PropertyMap": {"table.exec.emit.allow-lateness": "600s"}}]}}}),
    )?;
    call(
        s,
        "kinesisanalyticsv2",
        "StartApplication",
        json!({"ApplicationName": "counts"}),
    )?;
    call(
        s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "web", "StreamName": "orders", "RecordsPerSecond": 40, "Workload": "APPLICATION_LOGS", "Mode": "SDK", "Sdk": {"Api": "PutRecords", "BatchSize": 20}}),
    )?;
    call(
        s,
        "playground",
        "StartProducer",
        json!({"ProducerName": "direct", "StreamName": "orders", "RecordsPerSecond": 10, "Workload": "APPLICATION_LOGS"}),
    )?;
    call(
        s,
        "playground",
        "StartLogApplication",
        json!({"Name": "app", "LogGroupName": "/app", "RatePerSecond": 10}),
    )?;
    call(
        s,
        "logs",
        "PutSubscriptionFilter",
        json!({"logGroupName": "/app", "filterName": "all", "filterPattern": "",
        "destinationArn": "arn:aws:firehose:us-east-1:123456789012:deliverystream/logs"}),
    )?;
    Ok(())
}

const FAULTS: [&str; 6] = [
    "kcl-kill",
    "kcl-pause",
    "firehose-outage",
    "az-outage",
    "task-manager",
    "throttle-storm",
];

fn inject(s: &mut Session, kind: &str, rng: &mut WorldRng) -> Result<(), String> {
    match kind {
        "kcl-kill" | "kcl-pause" => {
            let apps = call(s, "playground", "ListKclApplications", json!({}))?;
            let live: Vec<String> = apps["Applications"][0]["Workers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|w| w["State"] != "DEAD")
                .filter_map(|w| w["WorkerId"].as_str().map(str::to_string))
                .collect();
            if let Some(w) = live.get(rng.below(live.len().max(1) as u64) as usize) {
                if kind == "kcl-kill" {
                    call(s, "playground", "KillKclWorker", json!({"WorkerId": w}))?;
                    call(s, "playground", "AddKclWorker", json!({}))?;
                } else {
                    call(
                        s,
                        "playground",
                        "PauseKclWorker",
                        json!({"WorkerId": w, "Milliseconds": 15_000 + rng.below(20_000)}),
                    )?;
                }
            }
        }
        "firehose-outage" => {
            let ds = if rng.chance(0.5) { "archive" } else { "logs" };
            call(
                s,
                "playground",
                "SetDestinationBehavior",
                json!({"DeliveryStreamName": ds, "OutageSeconds": 60 + rng.below(300)}),
            )?;
        }
        "az-outage" => {
            let az = ["us-east-1a", "us-east-1b", "us-east-1c"][rng.below(3) as usize];
            // Refused while another AZ is down (two at once would lose the quorum).
            let _ = s.call("playground", "InjectFault", json!({"Type": "AZ_OUTAGE", "AvailabilityZone": az, "DurationMs": 30_000 + rng.below(60_000)}));
        }
        "task-manager" => {
            let _ = s.call(
                "playground",
                "KillTaskManager",
                json!({"ApplicationName": "counts"}),
            );
        }
        _ => {
            call(
                s,
                "playground",
                "StartProducer",
                json!({"ProducerName": "storm", "StreamName": "orders", "RecordsPerSecond": 4_000, "Workload": "APPLICATION_LOGS", "Mode": "SDK", "Sdk": {"Api": "PutRecords", "BatchSize": 500}}),
            )?;
            let t = s.world().now() + 20_000;
            s.advance_to(t);
            call(
                s,
                "playground",
                "StopProducer",
                json!({"ProducerName": "storm"}),
            )?;
        }
    }
    Ok(())
}

fn retained(s: &Session) -> u64 {
    s.world().kinesis.stream("orders").map_or(0, |st| {
        st.shards().iter().map(|sh| sh.records().len() as u64).sum()
    })
}

fn acknowledged(s: &Session) -> u64 {
    s.world()
        .producers
        .all()
        .values()
        .filter(|p| !p.config.to_firehose())
        .map(|p| p.stats.sent)
        .sum()
}

fn check_step(s: &mut Session) -> Result<u64, String> {
    let (kept, acked) = (retained(s), acknowledged(s));
    if kept != acked {
        return Err(format!("acknowledged Kinesis records lost: producers were told {acked} succeeded, the stream holds {kept}"));
    }
    for ds in ["archive", "logs"] {
        let p = call(
            s,
            "playground",
            "DescribeDeliveryPipeline",
            json!({"DeliveryStreamName": ds}),
        )?;
        let l = &p["Ledger"];
        let n = |k: &str| l[k].as_u64().unwrap_or(0);
        if n("Accepted")
            != n("Delivered") + n("Failed") + n("Dropped") + n("Expired") + n("InFlight")
        {
            return Err(format!("Firehose {ds} ledger does not balance: {l}"));
        }
    }
    Ok(2)
}

/// Records in the objects under `prefix`: newline-terminated text lines, or (CloudWatch Logs
/// records) gzip members each followed by the appended newline, decoded one by one.
fn records_in(s: &Session, prefix: &str, gzip_members: bool) -> u64 {
    let Some(bucket) = s.world().s3.bucket("lake") else {
        return 0;
    };
    let mut n = 0;
    for (_, o) in bucket.objects.iter().filter(|(k, _)| k.starts_with(prefix)) {
        if !gzip_members {
            n += o.body.iter().filter(|b| **b == b'\n').count() as u64;
            continue;
        }
        let mut rest: &[u8] = &o.body;
        while !rest.is_empty() {
            let mut d = flate2::bufread::GzDecoder::new(rest);
            if std::io::Read::read_to_end(&mut d, &mut Vec::new()).is_err() {
                break;
            }
            rest = d.into_inner();
            rest = rest.strip_prefix(b"\n").unwrap_or(rest);
            n += 1;
        }
    }
    n
}

fn check_end(s: &mut Session) -> Result<u64, String> {
    let kept = retained(s);
    let rows = s
        .world()
        .kcl
        .apps()
        .get("billing")
        .and_then(|a| a.ledger.sink.as_ref().map(|r| r.len() as u64))
        .unwrap_or(0);
    if rows != kept {
        return Err(format!(
            "KCL at-least-once broken: the idempotent sink holds {rows} rows for {kept} records"
        ));
    }
    for (ds, prefix, gzip) in [("archive", "archive/", false), ("logs", "logs/", true)] {
        let p = call(
            s,
            "playground",
            "DescribeDeliveryPipeline",
            json!({"DeliveryStreamName": ds}),
        )?;
        let delivered = p["Ledger"]["Delivered"].as_u64().unwrap_or(0)
            + p["Ledger"]["Duplicates"].as_u64().unwrap_or(0);
        let lines = records_in(s, prefix, gzip);
        if lines != delivered {
            return Err(format!("Firehose {ds}: {lines} records in S3, the ledger says {delivered} delivered (duplicates included)"));
        }
        if p["Ledger"]["InFlight"].as_u64().unwrap_or(0) != 0 {
            return Err(format!(
                "Firehose {ds}: records still in flight after the quiet period: {}",
                p["Ledger"]
            ));
        }
    }
    let archive = call(
        s,
        "playground",
        "DescribeDeliveryPipeline",
        json!({"DeliveryStreamName": "archive"}),
    )?;
    if archive["Ledger"]["Accepted"].as_u64().unwrap_or(0) > kept {
        return Err(format!(
            "Firehose archive accepted more records than the stream holds: {}",
            archive["Ledger"]
        ));
    }
    let b = call(
        s,
        "playground",
        "RunBatchQuery",
        json!({"ApplicationName": "counts", "Limit": 1}),
    )?;
    if b["Comparison"]["Equal"] != json!(true) {
        return Err(format!(
            "exactly-once results differ from the batch oracle: {}",
            b["Comparison"]
        ));
    }
    Ok(4)
}

/// Runs the pipeline for `hours` virtual hours under random faults from `seed`; the session is
/// returned with the report so a failure can be written out and replayed.
pub fn run(seed: u64, hours: u64) -> (ChaosReport, Session) {
    let mut s = Session::new(WorldConfig::seeded(seed));
    let mut rng = WorldRng::seeded(seed ^ 0xC4A0_5EED);
    let mut report = ChaosReport {
        seed,
        hours,
        faults: FAULTS.iter().map(|f| (f.to_string(), 0)).collect(),
        checks: 0,
        failure: None,
        acknowledged: 0,
    };
    let result = (|| -> Result<(), String> {
        setup(&mut s)?;
        let end = s.world().now() + hours * 3_600_000;
        while s.world().now() < end {
            if rng.chance(0.7) {
                let k = rng.below(FAULTS.len() as u64) as usize;
                inject(&mut s, FAULTS[k], &mut rng)?;
                report.faults[k].1 += 1;
            }
            let t = (s.world().now() + STEP_MS).min(end);
            s.advance_to(t);
            report.checks += check_step(&mut s)?;
        }
        for p in ["web", "direct"] {
            call(
                &mut s,
                "playground",
                "StopProducer",
                json!({"ProducerName": p}),
            )?;
        }
        call(
            &mut s,
            "playground",
            "StopLogApplication",
            json!({"Name": "app"}),
        )?;
        call(&mut s, "playground", "ClearFaults", json!({}))?;
        for ds in ["archive", "logs"] {
            call(
                &mut s,
                "playground",
                "SetDestinationBehavior",
                json!({"DeliveryStreamName": ds, "OutageSeconds": 0}),
            )?;
        }
        let t = s.world().now() + QUIET_MS;
        s.advance_to(t);
        report.checks += check_step(&mut s)?;
        report.checks += check_end(&mut s)?;
        Ok(())
    })();
    report.failure = result.err();
    report.acknowledged = acknowledged(&s);
    (report, s)
}
