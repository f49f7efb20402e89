//! The browser side of lessons: the active lesson, progress in localStorage (with export,
//! import and a reset offered when it is unreadable), and the URL fragment (`#/lesson/<id>`,
//! a permalink `#v1.…`, or the sandbox).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::action_log::{ActionCall, Session};
use crate::engine::lesson::check::Report;
use crate::engine::lesson::permalink::{self, Permalink};
use crate::engine::lesson::{catalog, Lesson};
use crate::engine::world::WorldConfig;

const PROGRESS_KEY: &str = "kinesis-playground.progress";
/// Largest progress text read (localStorage or an import), bytes.
pub const MAX_PROGRESS_BYTES: usize = 256 * 1024;

/// A lesson being worked on.
pub struct ActiveLesson {
    /// The lesson.
    pub lesson: Lesson,
    /// Calls of the log that are the lesson's start (the learner's come after).
    pub start_len: usize,
    /// Hints revealed.
    pub hints_shown: usize,
    /// Whether the solution is shown.
    pub solution_shown: bool,
    /// The last check.
    pub report: Option<Report>,
    /// The completion code of a passed check.
    pub code: Option<String>,
}

/// A session at the start of `lesson`.
pub fn lesson_session(lesson: &Lesson) -> Session {
    let mut s = Session::new(WorldConfig::seeded(lesson.seed));
    for c in &lesson.start {
        let _ = s.apply(c.clone());
    }
    s
}

/// The stream a lesson's start creates first (shown in the main view).
pub fn first_stream(lesson: &Lesson) -> Option<String> {
    lesson
        .start
        .iter()
        .find(|c| c.service == "kinesis" && c.action == "CreateStream")
        .and_then(|c| c.request["StreamName"].as_str().map(str::to_string))
}

/// One solved lesson.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Solved {
    /// Completion code.
    pub code: String,
    /// The passing action log.
    pub actions: Vec<ActionCall>,
}

/// Saved progress.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Format version.
    pub version: u32,
    /// Solved lessons by id.
    pub solved: BTreeMap<String, Solved>,
}

impl Progress {
    /// Parses progress text (an import or localStorage).
    pub fn parse(text: &str) -> Result<Progress, String> {
        if text.len() > MAX_PROGRESS_BYTES {
            return Err(format!(
                "the progress is larger than {MAX_PROGRESS_BYTES} bytes"
            ));
        }
        let p: Progress =
            serde_json::from_str(text).map_err(|e| format!("not a progress file: {e}"))?;
        if p.version != 1 {
            return Err(format!("progress version {} is not supported", p.version));
        }
        for (id, s) in &p.solved {
            let v = crate::engine::lesson::completion::verify(&s.code)?;
            if &v.lesson != id {
                return Err(format!("the code for {id} belongs to {}", v.lesson));
            }
        }
        Ok(p)
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Progress from localStorage: `Ok(None)` if nothing is stored, `Err((message, raw))` if what is
/// stored is unreadable (the raw text stays available for download).
pub fn load_progress() -> Result<Option<Progress>, (String, String)> {
    let Some(raw) = storage().and_then(|s| s.get_item(PROGRESS_KEY).ok().flatten()) else {
        return Ok(None);
    };
    Progress::parse(&raw).map(Some).map_err(|e| (e, raw))
}

/// Saves progress.
pub fn save_progress(p: &Progress) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(p)) {
        let _ = s.set_item(PROGRESS_KEY, &text);
    }
}

/// Forgets stored progress.
pub fn clear_progress() {
    if let Some(s) = storage() {
        let _ = s.remove_item(PROGRESS_KEY);
    }
}

/// What the URL fragment asks for.
pub enum Route {
    /// The sandbox.
    Sandbox,
    /// A lesson from its start.
    Lesson(Lesson),
    /// A shared scenario.
    Link(Permalink),
    /// A fragment that could not be read (the sandbox opens, with this message).
    Bad(String),
}

/// Reads a fragment.
pub fn route(fragment: &str) -> Route {
    let f = fragment.trim_start_matches('#');
    if f.is_empty() || f == "/" {
        return Route::Sandbox;
    }
    if let Some(id) = f.strip_prefix("/lesson/") {
        return match catalog::find(id) {
            Some(l) => Route::Lesson(l),
            None => Route::Bad(format!(
                "there is no lesson '{}'",
                id.chars().take(64).collect::<String>()
            )),
        };
    }
    if f.starts_with("v") {
        return match permalink::decode(f) {
            Ok(l) => Route::Link(l),
            Err(e) => Route::Bad(e),
        };
    }
    Route::Bad("this link's fragment is not a lesson or a scenario".into())
}

/// The current fragment.
pub fn current_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

thread_local! {
    static LAST_SET: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Sets the fragment without reloading; the page's own `hashchange` listener ignores it.
pub fn set_fragment(f: &str) {
    LAST_SET.with(|l| *l.borrow_mut() = f.trim_start_matches('#').to_string());
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(f);
    }
}

/// Whether `fragment` is the one this page set last (not a navigation to follow).
pub fn is_own_fragment(fragment: &str) -> bool {
    LAST_SET.with(|l| *l.borrow() == fragment.trim_start_matches('#'))
}

/// The playground a fragment opens.
pub fn playground_for(fragment: &str, dark: bool) -> crate::ui::playground::Playground {
    use crate::ui::playground::Playground;
    match route(fragment) {
        Route::Sandbox => Playground::sandbox(dark),
        Route::Lesson(l) => Playground::for_lesson(l, dark),
        Route::Link(link) => Playground::from_link(&link, dark).unwrap_or_else(|e| {
            let mut p = Playground::sandbox(dark);
            p.notice = Some(format!(
                "This link could not be opened: {e}. Here is the sandbox."
            ));
            p
        }),
        Route::Bad(e) => {
            let mut p = Playground::sandbox(dark);
            p.notice = Some(format!(
                "This link could not be opened: {e}. Here is the sandbox."
            ));
            p
        }
    }
}
