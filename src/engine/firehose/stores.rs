//! What the non-S3 destinations hold after delivery, so pictures, the CLI and tests can see
//! exactly what arrived: OpenSearch indices, a Redshift table, Splunk events, HTTP endpoint
//! requests and Snowflake rows. Also each destination's simulated health (latency, error rate,
//! outage) that the user controls (semantics.md §4.6).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::engine::time::VirtualMs;

/// The simulated health of a destination.
#[derive(Clone, Debug, PartialEq)]
pub struct Behaviour {
    /// Time one delivery attempt takes, ms.
    pub latency_ms: u64,
    /// Probability an attempt fails.
    pub error_rate: f64,
    /// Every attempt fails until this virtual time.
    pub outage_until: VirtualMs,
    /// Probability that a successful attempt's acknowledgement times out, so Firehose re-sends
    /// data the destination already has (at-least-once duplicates, §4.6).
    pub lost_ack_rate: f64,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            latency_ms: 100,
            error_rate: 0.0,
            outage_until: 0,
            lost_ack_rate: 0.0,
        }
    }
}

/// One indexed OpenSearch document.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// `_id`.
    pub id: String,
    /// `_source`.
    pub source: Value,
    /// Indexed at, virtual ms.
    pub indexed_ms: VirtualMs,
}

/// One COPY into Redshift.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyRun {
    /// The staged object loaded.
    pub object: String,
    /// Rows loaded.
    pub rows: u64,
    /// When it finished, virtual ms.
    pub at_ms: VirtualMs,
}

/// One request received by an HTTP endpoint / Splunk / Snowflake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// `X-Amz-Firehose-Request-Id` (stable across retries of one batch).
    pub request_id: String,
    /// Received at, virtual ms.
    pub at_ms: VirtualMs,
    /// Records in the request.
    pub records: u64,
    /// Body bytes (after `ContentEncoding`).
    pub body_bytes: u64,
    /// Attempt number of this batch (1 = first try; > 1 means a retry reached it).
    pub attempt: u32,
}

/// Everything a destination received.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Store {
    /// OpenSearch: index name → documents.
    pub indices: BTreeMap<String, Vec<Document>>,
    /// Redshift / Snowflake: column names of the table.
    pub columns: Vec<String>,
    /// Redshift / Snowflake: rows, as text cells.
    pub rows: Vec<Vec<String>>,
    /// Redshift: COPY history.
    pub copies: Vec<CopyRun>,
    /// Splunk / HTTP endpoint / Snowflake: requests received.
    pub requests: Vec<Received>,
    /// Splunk / HTTP endpoint: every record payload received, in order (duplicates included).
    pub payloads: Vec<Vec<u8>>,
}

impl Store {
    /// Most requests / copies remembered for pictures (payloads and rows are all kept).
    pub const MAX_LOG: usize = 500;

    /// Adds a request log line, keeping the last [`Store::MAX_LOG`].
    pub fn log_request(&mut self, r: Received) {
        if self.requests.len() == Self::MAX_LOG {
            self.requests.remove(0);
        }
        self.requests.push(r);
    }

    /// Searches documents of indices starting with `index` for `query`: `field:value` matches a
    /// field's text exactly (case-insensitive), anything else matches any document whose JSON
    /// text contains it (case-insensitive). Returns (index, doc) pairs, oldest first.
    pub fn search<'a>(
        &'a self,
        index: &str,
        query: &str,
        limit: usize,
    ) -> (u64, Vec<(&'a str, &'a Document)>) {
        let q = query.trim().to_lowercase();
        let (field, value) = match q.split_once(':') {
            Some((f, v)) if !f.is_empty() && !f.contains(' ') => {
                (Some(f.to_string()), v.trim().to_string())
            }
            _ => (None, q.clone()),
        };
        let mut total = 0;
        let mut hits = Vec::new();
        for (name, docs) in self.indices.range(index.to_string()..) {
            if !name.starts_with(index) {
                break;
            }
            for d in docs {
                let matched = match &field {
                    _ if q.is_empty() => true,
                    Some(f) => d.source.as_object().is_some_and(|m| {
                        m.iter().any(|(k, v)| {
                            k.to_lowercase() == *f
                                && match v {
                                    Value::String(s) => s.to_lowercase() == value,
                                    other => other.to_string().to_lowercase() == value,
                                }
                        })
                    }),
                    None => d.source.to_string().to_lowercase().contains(&value),
                };
                if matched {
                    total += 1;
                    if hits.len() < limit {
                        hits.push((name.as_str(), d));
                    }
                }
            }
        }
        (total, hits)
    }
}
