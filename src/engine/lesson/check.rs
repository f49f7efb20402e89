//! Autograding: runs a lesson's start, then the learner's calls, judging each goal at its
//! virtual time — on the lesson's seed and on every hidden seed.

use crate::engine::action_log::{ActionCall, Session};
use crate::engine::lesson::goal::{judge, Verdict};
use crate::engine::lesson::Lesson;
use crate::engine::time::{Epoch, VirtualMs};
use crate::engine::world::WorldConfig;

/// The result of one goal on one seed.
#[derive(Clone, Debug, PartialEq)]
pub struct GoalResult {
    /// The goal's text.
    pub text: String,
    /// When it was judged.
    pub at: VirtualMs,
    /// The verdict.
    pub verdict: Verdict,
}

/// The result of one seed.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedResult {
    /// The seed.
    pub seed: u64,
    /// Whether it is a hidden seed.
    pub hidden: bool,
    /// Per goal, in the lesson's order.
    pub goals: Vec<GoalResult>,
    /// Learner calls that the dispatcher refused (index, error).
    pub refused: Vec<(usize, String)>,
}

impl SeedResult {
    /// Every goal passed.
    pub fn passed(&self) -> bool {
        self.goals.iter().all(|g| g.verdict.passed)
    }
}

/// A whole check.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Lesson id.
    pub lesson: String,
    /// The lesson's seed first, then the hidden seeds.
    pub seeds: Vec<SeedResult>,
}

impl Report {
    /// Passed on every seed.
    pub fn passed(&self) -> bool {
        self.seeds.iter().all(SeedResult::passed)
    }
}

/// Runs the lesson on `seed` with `learner`'s calls.
pub fn run_seed(lesson: &Lesson, learner: &[ActionCall], seed: u64, hidden: bool) -> SeedResult {
    let mut session = Session::new(WorldConfig {
        seed,
        epoch: Epoch::default(),
    });
    for call in &lesson.start {
        let _ = session.apply(call.clone());
    }
    let mut order: Vec<usize> = (0..lesson.goals.len()).collect();
    order.sort_by_key(|&i| (lesson.goal_time(&lesson.goals[i]), i));
    let mut pending = order.into_iter().peekable();
    let mut results: Vec<Option<GoalResult>> = vec![None; lesson.goals.len()];
    let mut refused = Vec::new();
    let mut judge_until =
        |session: &mut Session, upto: Option<VirtualMs>, applied: &[ActionCall]| {
            while let Some(&i) = pending.peek() {
                let g = &lesson.goals[i];
                let t = lesson.goal_time(g);
                if upto.is_some_and(|u| t > u) {
                    break;
                }
                if t > session.world().now() {
                    session.advance_to(t);
                }
                results[i] = Some(GoalResult {
                    text: g.text.clone(),
                    at: t,
                    verdict: judge(g, session.world(), applied),
                });
                pending.next();
            }
        };
    for (i, call) in learner.iter().enumerate() {
        let at = call.at.unwrap_or_else(|| session.world().now());
        // Goals due strictly before this call are judged before it runs.
        judge_until(&mut session, Some(at.saturating_sub(1)), &learner[..i]);
        if let Err(e) = session.apply(call.clone()) {
            refused.push((i, format!("{}: {}", e.kind.as_str(), e.message)));
        }
    }
    judge_until(&mut session, None, learner);
    SeedResult {
        seed,
        hidden,
        goals: results.into_iter().flatten().collect(),
        refused,
    }
}

/// Checks `learner` on the lesson's seed and every hidden seed.
pub fn check(lesson: &Lesson, learner: &[ActionCall]) -> Report {
    let mut seeds = vec![run_seed(lesson, learner, lesson.seed, false)];
    for &s in &lesson.hidden_seeds {
        seeds.push(run_seed(lesson, learner, s, true));
    }
    Report {
        lesson: lesson.id.clone(),
        seeds,
    }
}

/// Reads a learner's action log: JSON Lines of calls; a session header line is ignored.
pub fn parse_actions(text: &str) -> Result<Vec<ActionCall>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("{\"session\"") {
            continue;
        }
        let call = crate::engine::action_log::parse_call(line)
            .map_err(|e| format!("line {}: {}", i + 1, e.message))?;
        out.push(call);
    }
    Ok(out)
}
