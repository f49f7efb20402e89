//! Untrusted files and links: lesson JSON, learner logs (JSON Lines), completion codes and
//! `#v1.` permalinks (base64url of deflated JSON, with size limits against bombs).
#![no_main]

use kinesis_playground::engine::lesson::{check, completion, permalink, Lesson};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match which % 4 {
        0 => {
            let _ = Lesson::parse(text);
        }
        1 => {
            let _ = check::parse_actions(text);
        }
        2 => {
            let _ = completion::verify(text);
        }
        _ => {
            let _ = permalink::decode(text);
        }
    }
});
