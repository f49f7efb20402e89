//! Lessons (issue "Classroom and tutorial site"): a lesson is data — a JSON file under
//! `www/lessons/` — with a starting scenario (seed + action log), goals judged on the engine
//! state at virtual times, hints, a reference solution (an action log in the CLI's format) and
//! hidden seeds a solution must also pass. [`check`] autogrades an action log; [`completion`]
//! issues and verifies completion codes; [`permalink`] packs a whole scenario into a URL fragment.

pub mod catalog;
pub mod check;
pub mod completion;
pub mod goal;
pub mod path;
pub mod permalink;

use serde::Deserialize;

use crate::engine::action_log::ActionCall;
use crate::engine::api::error::{ApiError, ErrorKind};
use crate::engine::lesson::goal::Goal;
use crate::engine::time::VirtualMs;

/// Longest lesson file accepted, bytes.
pub const MAX_LESSON_BYTES: usize = 1024 * 1024;

/// One lesson.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Lesson {
    /// Stable id, used in URLs and completion codes (`partition-keys`).
    pub id: String,
    /// Title.
    pub title: String,
    /// The concept of the user's notes it teaches.
    pub concept: String,
    /// Short explanation (Markdown; rendered without raw HTML).
    pub explanation: String,
    /// Seed of the run the learner sees.
    pub seed: u64,
    /// Calls that set the stage (not the learner's).
    pub start: Vec<ActionCall>,
    /// UI controls shown (the rest are hidden); empty = all.
    #[serde(default)]
    pub controls: Vec<String>,
    /// Goals.
    pub goals: Vec<Goal>,
    /// Hints, in the order they are revealed.
    pub hints: Vec<String>,
    /// The reference solution (learner calls).
    pub solution: Vec<ActionCall>,
    /// Further seeds a solution must also pass.
    #[serde(default)]
    pub hidden_seeds: Vec<u64>,
    /// Virtual time goals without their own `at` are judged at.
    pub check_at: VirtualMs,
}

impl Lesson {
    /// Parses and validates a lesson file.
    pub fn parse(text: &str) -> Result<Lesson, ApiError> {
        if text.len() > MAX_LESSON_BYTES {
            return Err(ApiError::new(
                ErrorKind::ValidationException,
                format!(
                    "the lesson is {} bytes; at most {MAX_LESSON_BYTES}",
                    text.len()
                ),
            ));
        }
        let lesson: Lesson = serde_json::from_str(text)
            .map_err(|e| ApiError::serialization(format!("not a lesson: {e}")))?;
        let bad = |m: String| Err(ApiError::new(ErrorKind::ValidationException, m));
        if lesson.id.is_empty()
            || !lesson
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return bad(format!(
                "lesson id '{}' must be lowercase letters, digits and '-'",
                lesson.id
            ));
        }
        if lesson.goals.is_empty() {
            return bad(format!("lesson {} has no goals", lesson.id));
        }
        for g in &lesson.goals {
            if !goal::is_read_action(&g.query.action) {
                return bad(format!(
                    "lesson {}: goal '{}' queries {}, which is not a read action",
                    lesson.id, g.text, g.query.action
                ));
            }
        }
        Ok(lesson)
    }

    /// When goal `g` is judged.
    pub fn goal_time(&self, g: &Goal) -> VirtualMs {
        g.at.unwrap_or(self.check_at)
    }
}
