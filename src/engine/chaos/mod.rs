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

mod invariants;
mod pipeline;

use serde_json::{json, Value};

use crate::engine::action_log::Session;
use crate::engine::rng::WorldRng;
use crate::engine::world::WorldConfig;
use invariants::{acknowledged, check_end, check_step};
use pipeline::{call, inject, setup, FAULTS};

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
