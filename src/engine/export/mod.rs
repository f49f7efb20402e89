//! Export a session as code for the real services: a boto3 script or AWS CLI commands
//! (issue "Graduate to the real thing").
//!
//! The session is replayed to learn the playground's answer to each call; [`plan`] turns the calls
//! into a language-neutral plan (response variables for iterators, sequence numbers and ARNs,
//! waiters where AWS needs them, checks of what AWS documents as fixed by the request, comments
//! for simulated steps); [`boto3`] and [`awscli`] render it. Malformed or unknown calls are
//! named in [`Export::skipped`] and never turned into code.

pub mod awscli;
pub mod boto3;
pub mod checks;
pub mod comments;
pub mod names;
pub mod plan;
pub mod python;
pub mod replay;
pub mod shell;

use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::export::plan::{Item, Plan, Skipped};

/// The language of the export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// A Python script using boto3.
    Boto3,
    /// A bash script of `aws …` commands (AWS CLI v2).
    AwsCli,
}

impl ExportFormat {
    /// Parses `boto3` / `awscli`.
    pub fn parse(s: &str) -> Result<ExportFormat, ApiError> {
        match s {
            "boto3" | "python" => Ok(ExportFormat::Boto3),
            "awscli" | "aws" | "cli" => Ok(ExportFormat::AwsCli),
            other => Err(ApiError::new(
                ErrorKind::ValidationException,
                format!("unknown export format '{other}'; use boto3 or awscli"),
            )),
        }
    }

    /// File name suggested for a download.
    pub fn file_name(self) -> &'static str {
        match self {
            ExportFormat::Boto3 => "session.py",
            ExportFormat::AwsCli => "session.sh",
        }
    }
}

/// An exported session.
#[derive(Clone, Debug)]
pub struct Export {
    /// The script.
    pub code: String,
    /// AWS calls written as code.
    pub calls: usize,
    /// Simulated steps written as comments.
    pub comments: usize,
    /// Comparisons the script makes.
    pub checks: usize,
    /// Session lines left out, each with its reason.
    pub skipped: Vec<Skipped>,
}

/// Exports a session file (the CLI's `--save` / the UI's download: a header line, then calls).
pub fn export_session(text: &str, format: ExportFormat) -> Result<Export, ApiError> {
    let replayed = replay::replay(text)?;
    let plan = plan::build(&replayed);
    Ok(render(&plan, format))
}

/// Renders a plan.
pub fn render(plan: &Plan, format: ExportFormat) -> Export {
    let mut code = match format {
        ExportFormat::Boto3 => boto3::render(plan),
        ExportFormat::AwsCli => awscli::render(plan),
    };
    let mut skipped = plan.skipped.clone();
    skipped.sort_by_key(|s| s.line);
    if format == ExportFormat::AwsCli {
        // Calls the AWS CLI cannot make (event streams) are named, not written.
        for item in &plan.items {
            if let Item::Call(c) = item {
                if awscli::unsupported(&c.service, &c.action) {
                    skipped.push(Skipped {
                        line: c.line,
                        reason: format!(
                            "{}.{}: the AWS CLI has no command for it (an HTTP/2 event stream); the boto3 export has it",
                            c.service, c.action
                        ),
                    });
                }
            }
        }
    }
    if !skipped.is_empty() {
        let mut note = String::from("\n# Session lines left out of this script:\n");
        for s in &skipped {
            note.push_str(&format!("#   line {}: {}\n", s.line, one_line(&s.reason)));
        }
        code.push_str(&note);
    }
    let mut calls = 0;
    let mut comments = 0;
    let mut checks = 0;
    for item in &plan.items {
        match item {
            Item::Call(c) if c.line > 0 => {
                calls += 1;
                checks += c.checks.len();
            }
            Item::Comment(_) => comments += 1,
            Item::Delivered { .. } => checks += 1,
            _ => {}
        }
    }
    Export {
        code,
        calls,
        comments,
        checks,
        skipped,
    }
}

/// Whether any request holds a timestamp (then the script paces itself in real time by default).
pub fn uses_timestamps(plan: &Plan) -> bool {
    plan.items.iter().any(|i| match i {
        Item::Call(c) => !plan::timestamps_in(&c.request).is_empty(),
        _ => false,
    })
}

/// A script prelude with its placeholders filled: the default `TIME_SCALE` and the one-line
/// summary of the session.
pub fn fill_prelude(prelude: &str, plan: &Plan) -> String {
    let calls = plan
        .items
        .iter()
        .filter(|i| matches!(i, Item::Call(_)))
        .count();
    prelude
        .replace(
            "{{TIME_SCALE}}",
            if uses_timestamps(plan) { "1" } else { "0" },
        )
        .replace(
            "{{ABOUT}}",
            &format!(
                "seed {}, {calls} calls, {:.3} virtual seconds",
                plan.seed,
                plan.end_ms as f64 / 1000.0
            ),
        )
}

/// `s` cut to `max` characters, with "…" when something was cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        s.chars().take(max).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// The playground's answer as a one-line comment text (at most 300 characters).
pub fn answer_text(v: &serde_json::Value) -> String {
    one_line(&shorten(&serde_json::to_string(v).unwrap_or_default(), 300))
}

/// Text on one line (for comments).
pub fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}
