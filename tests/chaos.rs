//! The chaos runner in CI, bounded: two seeds × one virtual hour of random faults (KCL workers
//! killed and paused, Firehose outages, AZ outages, task managers killed, throttling storms) with
//! every invariant checked after each two-minute step and after a quiet period. Unbounded runs:
//! `kinesis-playground chaos --seed N --runs R --hours H` (README, "Chaos").
#![cfg(not(target_arch = "wasm32"))]

use kinesis_playground::engine::chaos;

#[test]
fn two_seeds_keep_every_invariant_for_an_hour_of_faults() {
    for seed in [1, 2] {
        let (report, session) = chaos::run(seed, 1);
        assert!(
            report.failure.is_none(),
            "seed {seed}: {} — replay with the action log:\n{}",
            report.to_json(),
            session
                .to_jsonl()
                .lines()
                .take(40)
                .collect::<Vec<_>>()
                .join("\n")
        );
        let injected: u64 = report.faults.iter().map(|(_, n)| n).sum();
        assert!(injected >= 10, "faults were injected: {}", report.to_json());
        assert!(
            report.checks > 60 && report.acknowledged > 100_000,
            "{}",
            report.to_json()
        );
    }
}
