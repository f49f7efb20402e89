//! `chaos [--seed N] [--runs N] [--hours H] [--out DIR]`: the chaos runner (`engine::chaos`) for
//! seeds N, N+1, …; one JSON line per run; a failure writes the seed's session (header + action
//! log) to DIR/chaos-SEED.jsonl, replayable with `replay`, and exits non-zero.

use kinesis_playground::engine::chaos;

use crate::flag_u64;

/// Runs the chaos command.
pub fn run_chaos(args: &[String]) -> Result<(), String> {
    let seed = flag_u64(args, "--seed")?.unwrap_or(1);
    let runs = flag_u64(args, "--runs")?.unwrap_or(1).max(1);
    let hours = flag_u64(args, "--hours")?.unwrap_or(2).clamp(1, 168);
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| ".".into());
    let mut failed = Vec::new();
    for s in seed..seed + runs {
        let (report, session) = chaos::run(s, hours);
        println!("{}", report.to_json());
        if report.failure.is_some() {
            let path = std::path::Path::new(&out).join(format!("chaos-{s}.jsonl"));
            std::fs::write(&path, session.to_jsonl())
                .map_err(|e| format!("writing {}: {e}", path.display()))?;
            eprintln!(
                "seed {s} broke an invariant; its session is {}",
                path.display()
            );
            failed.push(s);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("invariants broken for seeds {failed:?}"))
    }
}
