//! Completion codes a teacher can verify without a server:
//! `KP1-<lesson>-<log digest>-<tag>`. The digest fixes the learner's exact action log (so
//! `verify CODE LOG` re-runs the check on that log); the tag is a keyed MD5 over lesson and digest
//! that makes a hand-made code fail. The key ships with the app, so a determined programmer can
//! forge a tag: the strong check is always `verify` with the log, which re-grades the work.

use md5::{Digest, Md5};

use crate::engine::action_log::ActionCall;

/// The app's key for tags (public; see the module docs).
const TAG_KEY: &str = "kinesis-playground/completion/v1";

fn hex(bytes: &[u8], n: usize) -> String {
    bytes.iter().take(n).map(|b| format!("{b:02x}")).collect()
}

/// Digest of a learner's action log (16 hex digits).
pub fn log_digest(learner: &[ActionCall]) -> String {
    let mut h = Md5::new();
    for c in learner {
        h.update(serde_json::to_string(c).unwrap_or_default());
        h.update(b"\n");
    }
    hex(&h.finalize(), 8)
}

fn tag(lesson: &str, digest: &str) -> String {
    let mut h = Md5::new();
    h.update(TAG_KEY);
    h.update(b"|");
    h.update(lesson);
    h.update(b"|");
    h.update(digest);
    hex(&h.finalize(), 6)
}

/// The code for a passed lesson.
pub fn issue(lesson: &str, learner: &[ActionCall]) -> String {
    let digest = log_digest(learner);
    format!("KP1-{lesson}-{digest}-{}", tag(lesson, &digest))
}

/// A code's parts, if well formed and its tag is right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Lesson id.
    pub lesson: String,
    /// Digest of the action log it was issued for.
    pub digest: String,
}

/// Checks a code's shape and tag.
pub fn verify(code: &str) -> Result<Verified, String> {
    let code = code.trim();
    let rest = code
        .strip_prefix("KP1-")
        .ok_or("a completion code starts with KP1-")?;
    let mut parts = rest.rsplitn(3, '-');
    let (Some(t), Some(digest), Some(lesson)) = (parts.next(), parts.next(), parts.next()) else {
        return Err("a completion code is KP1-<lesson>-<digest>-<tag>".into());
    };
    if digest.len() != 16 || t.len() != 12 {
        return Err("the code's digest or tag has the wrong length".into());
    }
    if tag(lesson, digest) != t {
        return Err("the code's tag does not match: it was not issued by the playground".into());
    }
    Ok(Verified {
        lesson: lesson.to_string(),
        digest: digest.to_string(),
    })
}
