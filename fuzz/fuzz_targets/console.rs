//! The API console's boto3-style parser (and Kafka client syntax) on arbitrary text.
#![no_main]

use kinesis_playground::engine::console::parse_line;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_line(text);
    }
});
