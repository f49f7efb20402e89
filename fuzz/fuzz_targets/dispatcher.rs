//! The dispatcher through the session-line parser: every input line is a timed call
//! (`{"at", "service", "action", "request"}`) applied to a world that has a stream, a delivery
//! stream and a log group, so requests reach deep into every service. Errors are fine; a panic is
//! the bug.
#![no_main]

use kinesis_playground::engine::action_log::Session;
use kinesis_playground::engine::world::WorldConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut s = Session::new(WorldConfig::seeded(1));
    for setup in [
        r#"{"service":"kinesis","action":"CreateStream","request":{"StreamName":"s","ShardCount":2}}"#,
        r#"{"service":"s3","action":"CreateBucket","request":{"Bucket":"b"}}"#,
        r#"{"service":"firehose","action":"CreateDeliveryStream","request":{"DeliveryStreamName":"d","ExtendedS3DestinationConfiguration":{"RoleARN":"arn:aws:iam::123456789012:role/r","BucketARN":"arn:aws:s3:::b"}}}"#,
        r#"{"service":"logs","action":"CreateLogGroup","request":{"logGroupName":"g"}}"#,
        r#"{"at":6000,"service":"playground","action":"DescribeWorld","request":{}}"#,
    ] {
        s.apply_json_line(setup);
    }
    // Bounded: at most 64 calls and one virtual day, so a run stays fast.
    for line in text.lines().take(64) {
        s.apply_json_line(line);
        if s.world().now() > 86_400_000 {
            break;
        }
    }
});
