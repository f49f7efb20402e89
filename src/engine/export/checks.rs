//! What the exported script compares between the real service's answer and the playground's —
//! only what AWS documents as determined by the request: the shard a key hashes to, the records
//! an iterator returns, the shard lineage after resharding (semantics.md §1: MD5 routing, §1.5
//! iterators, §1.8 resharding), the counts a summary reports.

use base64::Engine as _;
use serde_json::Value;

use crate::engine::action_log::Session;
use crate::engine::export::plan::Seg;

/// The shape of one shard that AWS's documentation fixes.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardShape {
    /// `shardId-000000000000`.
    pub id: String,
    /// Parent, if the shard came from a split or merge.
    pub parent: Option<String>,
    /// Second parent of a merge.
    pub adjacent: Option<String>,
    /// Hash key range, decimal.
    pub start: String,
    /// Hash key range end, decimal.
    pub end: String,
    /// Whether the shard is closed (has an ending sequence number).
    pub closed: bool,
}

/// One comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    /// A value at a path must be equal.
    Equal {
        /// What is compared, for the printout.
        label: String,
        /// Path in the response.
        path: Vec<Seg>,
        /// The playground's value.
        expected: Value,
    },
    /// PutRecords: each entry's shard (None where the playground refused the entry).
    ShardIds {
        /// What is compared.
        label: String,
        /// Per entry.
        expected: Vec<Option<String>>,
    },
    /// GetRecords: the records returned, as (partition key, base64 data).
    Records {
        /// What is compared.
        label: String,
        /// In order.
        expected: Vec<(String, String)>,
    },
    /// DescribeStream / ListShards: the shard map.
    Shards {
        /// What is compared.
        label: String,
        /// Path of the shard list in the response.
        path: Vec<Seg>,
        /// In order.
        expected: Vec<ShardShape>,
    },
}

fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

/// The checks of one successful call. `tainted`: a simulated action already put data the script
/// does not, so reads are not compared.
pub fn checks_for(
    service: &str,
    action: &str,
    request: &Value,
    answer: &Value,
    tainted: bool,
) -> Vec<Check> {
    let mut out = Vec::new();
    let pk = request["PartitionKey"].as_str().unwrap_or_default();
    match (service, action) {
        ("kinesis", "PutRecord") => {
            if let Some(shard) = answer["ShardId"].as_str() {
                out.push(Check::Equal {
                    label: format!("partition key {pk:?} lands in"),
                    path: vec![key("ShardId")],
                    expected: Value::String(shard.to_string()),
                });
            }
        }
        ("kinesis", "PutRecords") => {
            let expected: Vec<Option<String>> = answer["Records"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| r["ShardId"].as_str().map(str::to_string))
                .collect();
            if expected.iter().any(Option::is_some) {
                out.push(Check::ShardIds {
                    label: format!("{} entries land in", expected.len()),
                    expected,
                });
            }
        }
        ("kinesis", "GetRecords") if !tainted => {
            let expected = answer["Records"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    (
                        r["PartitionKey"].as_str().unwrap_or_default().to_string(),
                        r["Data"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            out.push(Check::Records {
                label: "records returned".into(),
                expected,
            });
        }
        ("kinesis", "DescribeStream") => {
            if let Some(shards) = answer["StreamDescription"]["Shards"].as_array() {
                out.push(Check::Shards {
                    label: "shards".into(),
                    path: vec![key("StreamDescription"), key("Shards")],
                    expected: shards.iter().map(shape).collect(),
                });
            }
        }
        ("kinesis", "ListShards") => {
            if let Some(shards) = answer["Shards"].as_array() {
                out.push(Check::Shards {
                    label: "shards".into(),
                    path: vec![key("Shards")],
                    expected: shards.iter().map(shape).collect(),
                });
            }
        }
        ("kinesis", "DescribeStreamSummary") => {
            for k in ["OpenShardCount", "RetentionPeriodHours"] {
                if let Some(v) = answer["StreamDescriptionSummary"].get(k) {
                    out.push(Check::Equal {
                        label: k.to_string(),
                        path: vec![key("StreamDescriptionSummary"), key(k)],
                        expected: v.clone(),
                    });
                }
            }
        }
        ("firehose", "PutRecordBatch") => {
            if let Some(v) = answer.get("FailedPutCount") {
                out.push(Check::Equal {
                    label: "FailedPutCount".into(),
                    path: vec![key("FailedPutCount")],
                    expected: v.clone(),
                });
            }
        }
        _ => {}
    }
    out
}

fn shape(s: &Value) -> ShardShape {
    let str_of = |v: &Value| v.as_str().map(str::to_string);
    ShardShape {
        id: str_of(&s["ShardId"]).unwrap_or_default(),
        parent: str_of(&s["ParentShardId"]),
        adjacent: str_of(&s["AdjacentParentShardId"]),
        start: str_of(&s["HashKeyRange"]["StartingHashKey"]).unwrap_or_default(),
        end: str_of(&s["HashKeyRange"]["EndingHashKey"]).unwrap_or_default(),
        closed: s["SequenceNumberRange"]
            .get("EndingSequenceNumber")
            .is_some_and(|v| !v.is_null()),
    }
}

/// The lines of newline-terminated records, base64, sorted; `None` if a record does not end
/// with a newline (then records cannot be told apart once concatenated in an object).
pub fn record_lines(records: &[Vec<u8>]) -> Option<Vec<String>> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut lines = Vec::new();
    for r in records {
        if r.last() != Some(&b'\n') {
            return None;
        }
        for line in r[..r.len() - 1].split(|&b| b == b'\n') {
            lines.push(b64.encode(line));
        }
    }
    lines.sort();
    Some(lines)
}

/// How many newline-terminated lines the playground's bucket holds at the end of the session.
pub fn delivered_lines(session: &Session, bucket: &str) -> usize {
    session.world().s3.bucket(bucket).map_or(0, |b| {
        b.objects
            .values()
            .map(|o| o.body.iter().filter(|&&c| c == b'\n').count())
            .sum()
    })
}
