//! Native command line on the same engine and dispatcher as the browser.
//!
//! - `api [--seed N] [--epoch-unix-ms N] [--save FILE]`: JSON Lines calls on stdin, one
//!   `{"ok": …}` / `{"error": …}` line out per non-empty line in.
//! - `replay FILE`: rebuilds a saved session and prints its time, summary and state digest.
//! - `export --format boto3|awscli FILE [--out FILE]`: the session as a boto3 script or AWS CLI
//!   commands; lines left out are named on stderr.
//! - `lesson list|check|solution`, `verify CODE [LOG]`: autograding lessons, completion codes.
//! - `bench [--records N] [--runs N] [--pipeline-seconds S]`: engine throughput figures as JSON.
//! - `chaos [--seed N] [--runs N] [--hours H] [--out DIR]`: the chaos runner (`engine::chaos`).
#![recursion_limit = "256"]

use std::io::{BufRead, Write};
use std::process::ExitCode;

use kinesis_playground::engine::action_log::{envelope, Session};
use kinesis_playground::engine::api::error::ApiError;
use kinesis_playground::engine::digest::world_digest;
use kinesis_playground::engine::time::Epoch;
use kinesis_playground::engine::world::WorldConfig;

mod bench;
mod bench_analytics;
mod bench_firehose;
mod bench_kafka;
mod chaos_cmd;
mod lesson_cmd;

const USAGE: &str = "usage:
  kinesis-playground api [--seed N] [--epoch-unix-ms N] [--save FILE]
      reads JSON Lines {\"at\", \"service\", \"action\", \"request\"} on stdin,
      prints one {\"ok\": …} or {\"error\": {\"type\", \"message\"}} line per call
  kinesis-playground replay FILE
      replays a saved session (header + calls) and prints its digest
  kinesis-playground export --format boto3|awscli FILE [--out FILE]
      writes a saved session as a runnable boto3 script or AWS CLI commands
      (stdout unless --out); names each line it left out, and why, on stderr
  kinesis-playground lesson list | lesson check LESSON ACTIONS.jsonl | lesson solution LESSON
      lists the built-in lessons; autogrades an action log on the lesson's seed and its hidden
      seeds and prints a completion code when it passes; prints a reference solution
  kinesis-playground verify CODE [ACTIONS.jsonl]
      checks a completion code (and, given the student's log, re-grades it)
  kinesis-playground bench [--records N] [--runs N] [--pipeline-seconds S]
      prints engine throughput figures as JSON
  kinesis-playground chaos [--seed N] [--runs N] [--hours H] [--out DIR]
      runs a multi-service pipeline for H virtual hours (default 2) under random faults per seed,
      checking its invariants; a broken one writes DIR/chaos-SEED.jsonl and exits non-zero";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("api") => run_api(&args[1..]),
        Some("replay") => run_replay(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("export") => run_export(&args[1..]),
        Some("lesson") => lesson_cmd::run_lesson(&args[1..]),
        Some("chaos") => chaos_cmd::run_chaos(&args[1..]),
        Some("verify") => lesson_cmd::run_verify(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

/// Reads `--name VALUE` from `args` as a u64.
pub fn flag_u64(args: &[String], name: &str) -> Result<Option<u64>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => {
            let v = args
                .get(i + 1)
                .ok_or_else(|| format!("{name} needs a value"))?;
            v.parse()
                .map(Some)
                .map_err(|_| format!("{name} must be a non-negative integer, got '{v}'"))
        }
    }
}

fn flag_str<'a>(args: &'a [String], name: &str) -> Result<Option<&'a str>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .map(|s| Some(s.as_str()))
            .ok_or_else(|| format!("{name} needs a value")),
    }
}

fn run_api(args: &[String]) -> Result<(), String> {
    let seed = flag_u64(args, "--seed")?.unwrap_or(0);
    let epoch = flag_u64(args, "--epoch-unix-ms")?.map_or_else(Epoch::default, Epoch::from_unix_ms);
    let save = flag_str(args, "--save")?;
    let mut session = Session::new(WorldConfig { seed, epoch });
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut reader = stdin.lock();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("reading stdin: {e}"))?;
        if n == 0 {
            break;
        }
        let response = match std::str::from_utf8(&buf) {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => session.apply_json_line(line.trim_end_matches(['\n', '\r'])),
            Err(_) => envelope(Err(ApiError::serialization("the line is not valid UTF-8"))),
        };
        writeln!(out, "{response}").map_err(|e| format!("writing stdout: {e}"))?;
        out.flush().map_err(|e| format!("writing stdout: {e}"))?;
    }
    if let Some(path) = save {
        std::fs::write(path, session.to_jsonl()).map_err(|e| format!("writing {path}: {e}"))?;
    }
    Ok(())
}

fn run_replay(args: &[String]) -> Result<(), String> {
    let path = args.first().ok_or("replay needs a FILE")?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    let session = Session::from_jsonl(&text).map_err(|e| e.to_string())?;
    let w = session.world();
    let streams: Vec<serde_json::Value> = w
        .kinesis
        .streams()
        .values()
        .map(|s| {
            serde_json::json!({
                "StreamName": s.name(),
                "StreamStatus": s.status.as_str(),
                "Shards": s.shards().len(),
                "Records": s.shards().iter().map(|sh| sh.records().len()).sum::<usize>(),
            })
        })
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "now": w.now(),
            "calls": session.log().len(),
            "streams": streams,
            "digest": world_digest(w),
        })
    );
    Ok(())
}

fn run_export(args: &[String]) -> Result<(), String> {
    use kinesis_playground::engine::export::{export_session, ExportFormat};
    let format = flag_str(args, "--format")?.unwrap_or("boto3");
    let format = ExportFormat::parse(format).map_err(|e| e.message)?;
    let out = flag_str(args, "--out")?;
    let mut positional = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--format" || args[i] == "--out" {
            i += 2;
            continue;
        }
        positional.push(args[i].as_str());
        i += 1;
    }
    let [path] = positional[..] else {
        return Err("export needs exactly one session FILE".into());
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    let export = export_session(&text, format).map_err(|e| e.to_string())?;
    match out {
        Some(o) => std::fs::write(o, &export.code).map_err(|e| format!("writing {o}: {e}"))?,
        None => print!("{}", export.code),
    }
    eprintln!(
        "exported {} AWS calls, {} simulated steps as comments, {} checks; {} lines left out",
        export.calls,
        export.comments,
        export.checks,
        export.skipped.len()
    );
    for s in &export.skipped {
        eprintln!("  line {}: {}", s.line, s.reason);
    }
    Ok(())
}
