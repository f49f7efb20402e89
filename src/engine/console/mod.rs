//! The API console's language: one boto3-style call, parsed into a dispatcher call.
//!
//! Users write calls the way boto3 users do:
//!
//! ```
//! use kinesis_playground::engine::console::parse_call;
//! use serde_json::json;
//!
//! let call = parse_call(r#"kinesis.put_record(StreamName="orders", Data="hello", PartitionKey="user-1")"#)
//!     .unwrap();
//! assert_eq!((call.service.as_str(), call.action.as_str()), ("kinesis", "PutRecord"));
//! // Like boto3, blob members are base64-encoded for the wire.
//! assert_eq!(call.request, json!({"StreamName": "orders", "Data": "aGVsbG8=", "PartitionKey": "user-1"}));
//! ```
//!
//! - The client variable picks the service: `kinesis`, `firehose`, `s3`, `glue`, `cloudwatch`,
//!   `kinesisanalyticsv2`, `playground`, `kafka`, or a name
//!   with one of those as a `_`-separated word (`firehose_client`); any other name (`client`) means
//!   `kinesis`.
//! - The method is boto3's snake_case name; it becomes the AWS action in PascalCase
//!   (`describe_stream_summary` → `DescribeStreamSummary`).
//! - Keyword arguments become the request's JSON object. Values are Python literals: `str`
//!   (`'…'`, `"…"`, triple-quoted, raw, with escapes), `bytes` (`b"…"`), `int` (exact at any size;
//!   beyond `i64` it becomes a decimal string), `float`, `True`/`False`/`None`, lists, tuples and
//!   dicts with string keys. `**{…}` expands a dict into keyword arguments.
//! - Blob members are base64-encoded as boto3 does: Kinesis `Data` and `Records[].Data`, Firehose
//!   `Record.Data` and `Records[].Data`. A `str` is UTF-8 encoded first. `bytes` anywhere else is an
//!   error, as boto3's parameter validation makes it.
//! - Members that AWS types as decimal strings (`ExplicitHashKey`, sequence numbers) may be given
//!   as ints; they are sent as strings.
//!
//! - Kafka client variables (`producer`, `consumer`, `admin`, and `consumer2`, `billing_consumer`, …)
//!   take kafka-python forms instead, with positional arguments and constructors
//!   (`admin.create_topics([NewTopic("orders", num_partitions=3)])`): see [`kafka_client`].
//!   Consumer forms need the consumer's member id, kept by a [`session::ConsoleSession`].
//!
//! The lexer ([`lexer`]) and the recursive-descent parser ([`parser`]) are hand-written; every
//! failure is a [`ConsoleError`] with a byte position, line and column, and nothing panics on any
//! input (input size and nesting depth are bounded).

mod kafka_admin;
mod kafka_args;
pub mod kafka_client;
mod kafka_consumer;
pub mod lexer;
pub mod literal;
pub mod parser;
pub mod session;

#[cfg(test)]
mod kafka_admin_tests;
#[cfg(test)]
mod kafka_tests;
#[cfg(test)]
mod session_tests;
#[cfg(test)]
mod tests;

use base64::Engine as _;
use serde_json::{Map, Number, Value};

use crate::engine::console::kafka_client::KafkaCommand;
use crate::engine::console::parser::{Node, Py};

/// Longest accepted input, bytes (1 MiB).
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// Deepest accepted nesting of lists, tuples and dicts inside one argument.
pub const MAX_DEPTH: usize = 64;

/// Client variable names that name a service directly.
pub const CLIENT_SERVICES: &[&str] = &[
    "kinesis",
    "firehose",
    "s3",
    "glue",
    "cloudwatch",
    "kinesisanalyticsv2",
    "playground",
    "kafka",
    "logs",
    "events",
    "iot",
];

/// A parsed console call, ready for the dispatcher.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedCall {
    /// Service name (`kinesis`).
    pub service: String,
    /// AWS action name (`PutRecord`).
    pub action: String,
    /// The AWS-shaped JSON request (an object).
    pub request: Value,
}

/// A console input that could not be parsed, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct ConsoleError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the source.
    pub position: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Characters of a line shown around the caret by [`ConsoleError::render`].
const RENDER_WIDTH: usize = 100;

impl ConsoleError {
    /// An error at byte `position` of `source` (clamped into it), with line and column computed.
    pub fn at(source: &str, position: usize, message: impl Into<String>) -> ConsoleError {
        let position = floor_char_boundary(source, position);
        let before = &source[..position];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = source[line_start..position].chars().count() + 1;
        ConsoleError {
            message: message.into(),
            position,
            line,
            column,
        }
    }

    /// The message, then the offending source line with a caret under the error's column:
    ///
    /// ```text
    /// error: expected ',' or ')' after argument, found '=' (line 1, column 39)
    ///  1 | kinesis.put_record(StreamName="orders"="x")
    ///    |                                       ^
    /// ```
    ///
    /// Tabs and control characters show as spaces; a long line is cut to a window around the caret.
    pub fn render(&self, source: &str) -> String {
        let position = floor_char_boundary(source, self.position);
        let line_start = source[..position].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[position..]
            .find('\n')
            .map_or(source.len(), |i| position + i);
        let chars: Vec<char> = source[line_start..line_end]
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let caret = source[line_start..position].chars().count();
        let (from, to) = if chars.len() <= RENDER_WIDTH {
            (0, chars.len())
        } else {
            let from = caret
                .saturating_sub(RENDER_WIDTH / 2)
                .min(chars.len() - RENDER_WIDTH);
            (from, from + RENDER_WIDTH)
        };
        let mut shown: String = chars[from..to].iter().collect();
        let mut caret_col = caret - from;
        if from > 0 {
            shown.insert(0, '…');
            caret_col += 1;
        }
        if to < chars.len() {
            shown.push('…');
        }
        let gutter = self.line.to_string();
        let pad = " ".repeat(gutter.len());
        format!(
            "error: {} (line {}, column {})\n {gutter} | {}\n {pad} | {}^",
            self.message,
            self.line,
            self.column,
            shown.trim_end(),
            " ".repeat(caret_col)
        )
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A parsed console line.
#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    /// A boto3-style call.
    Call(ParsedCall),
    /// A Kafka client form (`producer.send(…)`, `consumer.poll()`, `admin.list_topics()`).
    Kafka(KafkaCommand),
}

/// Parses one boto3-style call (`kinesis.put_record(StreamName="orders", …)`), or a Kafka client
/// form that is one call by itself (`admin.list_topics()`, `producer.send(…)`). Consumer forms
/// need a [`session::ConsoleSession`].
pub fn parse_call(src: &str) -> Result<ParsedCall, ConsoleError> {
    match parse_line(src)? {
        Line::Call(call) => Ok(call),
        Line::Kafka(KafkaCommand::Calls(mut calls)) if calls.len() == 1 => {
            Ok(calls.pop().expect("one call"))
        }
        Line::Kafka(_) => Err(ConsoleError::at(
            src,
            0,
            "this Kafka form is not one call by itself: run it in the console, whose session knows the consumers",
        )),
    }
}

/// Parses one console line: a boto3-style call, or a Kafka client form (see [`kafka_client`]).
pub fn parse_line(src: &str) -> Result<Line, ConsoleError> {
    if src.len() > MAX_INPUT_BYTES {
        return Err(ConsoleError::at(
            src,
            0,
            format!(
                "the input is {} bytes; at most {MAX_INPUT_BYTES} (1 MiB) are accepted",
                src.len()
            ),
        ));
    }
    let tokens = lexer::tokenize(src)?;
    let call = parser::parse(src, &tokens)?;
    if kafka_client::client_role(&call.client).is_some() {
        return kafka_client::translate(src, &call).map(Line::Kafka);
    }
    let service = service_for_client(&call.client);
    let action = action_name(&call.method).ok_or_else(|| {
        ConsoleError::at(
            src,
            call.method_pos,
            format!("'{}' is not an API method", call.method),
        )
    })?;
    let mut request = Map::new();
    for arg in &call.args {
        let mut path = vec![Seg::Key(&arg.name)];
        let value = to_json(src, service, &arg.value, &mut path)?;
        request.insert(arg.name.clone(), value);
    }
    Ok(Line::Call(ParsedCall {
        service: service.to_string(),
        action,
        request: Value::Object(request),
    }))
}

/// The service a client variable stands for: one of [`CLIENT_SERVICES`] by name, or as a
/// `_`-separated word of the name (`firehose_client`), else `kinesis`.
pub fn service_for_client(client: &str) -> &'static str {
    let lower = client.to_ascii_lowercase();
    // boto3.client("iot-data") cannot be a variable name; `iot_data` / `iotdata` stand for it.
    if lower.contains("iot_data") || lower.contains("iotdata") {
        return "iot-data";
    }
    CLIENT_SERVICES
        .iter()
        .find(|s| lower == **s)
        .or_else(|| {
            CLIENT_SERVICES
                .iter()
                .find(|s| lower.split('_').any(|w| w == **s))
        })
        .copied()
        .unwrap_or("kinesis")
}

/// boto3's method name → the AWS action: `get_shard_iterator` → `GetShardIterator`. A name that is
/// already PascalCase is kept. `None` for names that cannot be methods (`_private`, `__init__`).
pub fn action_name(method: &str) -> Option<String> {
    if method.is_empty()
        || method.starts_with('_')
        || method.ends_with('_')
        || method.contains("__")
    {
        return None;
    }
    let mut out = String::with_capacity(method.len());
    for word in method.split('_') {
        let mut chars = word.chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_uppercase());
            out.extend(chars);
        }
    }
    Some(out)
}

/// Pretty JSON with a 2-space indent, for the console's output.
pub fn format_response(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// One step of a member path: a member name or a list index.
#[derive(Clone, Copy, Debug)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Member paths in a shape pattern: names, and `[]` for "any list item".
pub type Pattern = &'static [&'static str];

/// Blob members per service (base64-encoded for the wire); the exporter reads the same table.
pub fn blob_patterns(service: &str) -> &'static [Pattern] {
    match service {
        "kinesis" => &[&["Data"], &["Records", "[]", "Data"]],
        "firehose" => &[&["Record", "Data"], &["Records", "[]", "Data"]],
        "iot-data" => &[&["payload"]],
        _ => &[],
    }
}

/// Members AWS types as decimal strings that users often write as ints.
fn decimal_string_patterns(service: &str) -> &'static [Pattern] {
    match service {
        "kinesis" => &[
            &["ExplicitHashKey"],
            &["Records", "[]", "ExplicitHashKey"],
            &["SequenceNumberForOrdering"],
            &["StartingSequenceNumber"],
            &["StartingPosition", "SequenceNumber"],
        ],
        _ => &[],
    }
}

fn matches(path: &[Seg<'_>], patterns: &[Pattern]) -> bool {
    patterns.iter().any(|p| {
        p.len() == path.len()
            && p.iter().zip(path).all(|(want, seg)| match seg {
                Seg::Key(k) => want == k,
                Seg::Index(_) => *want == "[]",
            })
    })
}

/// `Records[1].Data`
fn show_path(path: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn b64(bytes: &[u8]) -> Value {
    Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// A literal as the request JSON, encoding blobs by where they sit (`path`).
fn to_json<'a>(
    src: &str,
    service: &str,
    node: &'a Node,
    path: &mut Vec<Seg<'a>>,
) -> Result<Value, ConsoleError> {
    let blob = matches(path, blob_patterns(service));
    Ok(match &node.value {
        Py::Str(s) if blob => b64(s.as_bytes()),
        Py::Bytes(b) if blob => b64(b),
        Py::Bytes(_) => {
            return Err(ConsoleError::at(
                src,
                node.pos,
                format!(
                "a bytes value is only accepted for a blob member such as Data; {} expects a str",
                show_path(path)
            ),
            ))
        }
        Py::Str(s) => Value::String(s.clone()),
        Py::Int(i) if matches(path, decimal_string_patterns(service)) => {
            Value::String(i.to_string())
        }
        Py::Int(i) => Value::Number((*i).into()),
        Py::BigInt(digits) => Value::String(digits.clone()),
        Py::Float(f) => match Number::from_f64(*f) {
            Some(n) => Value::Number(n),
            None => {
                return Err(ConsoleError::at(
                    src,
                    node.pos,
                    "this float cannot be represented in JSON",
                ))
            }
        },
        Py::Bool(b) => Value::Bool(*b),
        Py::None => Value::Null,
        Py::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                let v = to_json(src, service, item, path);
                path.pop();
                out.push(v?);
            }
            Value::Array(out)
        }
        Py::Call { name, .. } => {
            return Err(ConsoleError::at(
                src,
                node.pos,
                format!("'{name}' is not a value: the console understands literals only"),
            ))
        }
        Py::Dict(entries) => {
            let mut out = Map::new();
            for (k, v) in entries {
                path.push(Seg::Key(k));
                let j = to_json(src, service, v, path);
                path.pop();
                out.insert(k.clone(), j?);
            }
            Value::Object(out)
        }
    })
}
