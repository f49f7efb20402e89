//! `lesson list | check | solution` and `verify`: the teacher's side of the lessons.

use kinesis_playground::engine::lesson::check::{check, parse_actions, Report};
use kinesis_playground::engine::lesson::{catalog, completion, Lesson};

/// Reads a lesson by id (built-in) or from a file path.
fn load(which: &str) -> Result<Lesson, String> {
    if let Some(l) = catalog::find(which) {
        return Ok(l);
    }
    if std::path::Path::new(which).is_file() {
        let text = std::fs::read_to_string(which).map_err(|e| format!("reading {which}: {e}"))?;
        return Lesson::parse(&text).map_err(|e| e.message);
    }
    Err(format!(
        "no lesson '{which}' (built-in ids: {})",
        catalog::lessons()
            .into_iter()
            .flatten()
            .map(|l| l.id)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

fn print_report(report: &Report) {
    for s in &report.seeds {
        println!(
            "seed {}{}: {}",
            s.seed,
            if s.hidden { " (hidden)" } else { "" },
            if s.passed() { "passed" } else { "FAILED" }
        );
        for g in &s.goals {
            println!(
                "  {} {} (t = {:.1} s) — {}",
                if g.verdict.passed { "✓" } else { "✗" },
                g.text,
                g.at as f64 / 1000.0,
                g.verdict.detail
            );
        }
        for (i, e) in &s.refused {
            println!("  refused call {}: {e}", i + 1);
        }
    }
}

/// `lesson …`.
pub fn run_lesson(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("list") => {
            for l in catalog::lessons() {
                match l {
                    Ok(l) => println!(
                        "{:<20} {} — {} goals, {} hidden seeds",
                        l.id,
                        l.title,
                        l.goals.len(),
                        l.hidden_seeds.len()
                    ),
                    Err(e) => println!("(broken) {e}"),
                }
            }
            Ok(())
        }
        Some("solution") => {
            let lesson = load(args.get(1).ok_or("lesson solution needs a LESSON")?)?;
            for c in &lesson.solution {
                println!("{}", serde_json::to_string(c).unwrap_or_default());
            }
            Ok(())
        }
        Some("check") => {
            let lesson = load(
                args.get(1)
                    .ok_or("lesson check needs a LESSON and an ACTIONS file")?,
            )?;
            let path = args
                .get(2)
                .ok_or("lesson check needs an ACTIONS file (JSON Lines)")?;
            let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
            let learner = parse_actions(&text)?;
            let report = check(&lesson, &learner);
            print_report(&report);
            if report.passed() {
                println!(
                    "completion code: {}",
                    completion::issue(&lesson.id, &learner)
                );
                Ok(())
            } else {
                Err(format!("lesson {} not passed", lesson.id))
            }
        }
        _ => Err(
            "usage: lesson list | lesson check LESSON ACTIONS.jsonl | lesson solution LESSON"
                .into(),
        ),
    }
}

/// `verify CODE [ACTIONS]`.
pub fn run_verify(args: &[String]) -> Result<(), String> {
    let code = args.first().ok_or("verify needs a CODE")?;
    let v = completion::verify(code)?;
    let lesson = load(&v.lesson)?;
    let Some(path) = args.get(1) else {
        println!(
            "{code}: a well-formed code for lesson {} ({}); pass the student's action log to re-grade it",
            lesson.id, lesson.title
        );
        return Ok(());
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    let learner = parse_actions(&text)?;
    if completion::log_digest(&learner) != v.digest {
        return Err(format!(
            "{path} is not the action log this code was issued for"
        ));
    }
    let report = check(&lesson, &learner);
    print_report(&report);
    if report.passed() {
        println!(
            "{code}: verified — the log passes lesson {} on every seed",
            lesson.id
        );
        Ok(())
    } else {
        Err(format!(
            "{code}: the log does not pass lesson {}",
            lesson.id
        ))
    }
}
