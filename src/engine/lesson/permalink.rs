//! Permalinks: a whole scenario — lesson, seed, action log, hidden controls, embed mode — as
//! one URL fragment, `#v1.<base64url(deflate(JSON))>`. Decoding bounds every size and answers
//! malformed, truncated or hostile fragments with a message, never a panic.

use std::io::{Read, Write};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::engine::action_log::ActionCall;

/// Longest fragment accepted, characters.
pub const MAX_FRAGMENT: usize = 2 * 1024 * 1024;
/// Largest decompressed scenario, bytes.
pub const MAX_DECODED: u64 = 8 * 1024 * 1024;

/// What a link carries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Permalink {
    /// Lesson id, if the link opens a lesson.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<String>,
    /// World seed.
    pub seed: u64,
    /// The action log (for a lesson: the learner's calls after its start).
    pub actions: Vec<ActionCall>,
    /// Virtual time reached.
    #[serde(default)]
    pub now: u64,
    /// Controls a teacher hid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hide: Vec<String>,
    /// No chrome around the playground (iframes).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub embed: bool,
}

/// The fragment for `link` (without the leading `#`).
pub fn encode(link: &Permalink) -> String {
    let json = serde_json::to_vec(link).unwrap_or_default();
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(&json);
    let bytes = enc.finish().unwrap_or_default();
    format!(
        "v1.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Reads a fragment (with or without `#`).
pub fn decode(fragment: &str) -> Result<Permalink, String> {
    let f = fragment.trim().trim_start_matches('#');
    if f.len() > MAX_FRAGMENT {
        return Err(format!(
            "the link is {} characters; at most {MAX_FRAGMENT} are read",
            f.len()
        ));
    }
    let body = f
        .strip_prefix("v1.")
        .ok_or("this link is not a Kinesis Playground scenario (it should start with #v1.)")?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(body.as_bytes())
        .map_err(|_| "the link is damaged (not base64url); was it cut short?".to_string())?;
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(&bytes[..])
        .take(MAX_DECODED + 1)
        .read_to_end(&mut json)
        .map_err(|_| {
            "the link is damaged (it does not decompress); was it cut short?".to_string()
        })?;
    if json.len() as u64 > MAX_DECODED {
        return Err(format!(
            "the scenario in the link is larger than {MAX_DECODED} bytes"
        ));
    }
    serde_json::from_slice(&json).map_err(|e| format!("the link's scenario is malformed: {e}"))
}
