//! The built-in lessons: the JSON files under `www/lessons/`, compiled in so the native CLI, the
//! tests and the browser read the same bytes.

use crate::engine::lesson::Lesson;

/// Every lesson file, in course order.
pub const FILES: &[(&str, &str)] = &[
    (
        "01-partition-keys.json",
        include_str!("../../../www/lessons/01-partition-keys.json"),
    ),
    (
        "02-hot-shards.json",
        include_str!("../../../www/lessons/02-hot-shards.json"),
    ),
    (
        "05-retention.json",
        include_str!("../../../www/lessons/05-retention.json"),
    ),
    (
        "06-split-and-merge.json",
        include_str!("../../../www/lessons/06-split-and-merge.json"),
    ),
    (
        "16-on-demand.json",
        include_str!("../../../www/lessons/16-on-demand.json"),
    ),
];

/// Every lesson, parsed; a file that fails to parse is reported with its name.
pub fn lessons() -> Vec<Result<Lesson, String>> {
    FILES
        .iter()
        .map(|(name, text)| Lesson::parse(text).map_err(|e| format!("{name}: {}", e.message)))
        .collect()
}

/// The lesson with `id`.
pub fn find(id: &str) -> Option<Lesson> {
    lessons().into_iter().flatten().find(|l| l.id == id)
}
