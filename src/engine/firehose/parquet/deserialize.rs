//! JSON → rows with OpenX JSON SerDe or Hive JSON SerDe semantics (semantics.md §4.5).
//!
//! A Firehose record holds one or more concatenated JSON *objects* (whitespace between them is
//! fine; a JSON array is not). Each object becomes one [`Row`] with one [`Cell`] per schema column:
//! a missing key or JSON `null` is [`Cell::Null`], extra keys are ignored, and a value that cannot
//! be converted to its column type fails the whole record with a reason naming the column (the
//! record then goes to the `format-conversion-failed` error output).
//!
//! Key matching: both SerDes compare keys case-insensitively (Hive lower-cases column names); OpenX
//! can turn this off, rename columns with `ColumnToJsonKeyMappings` and replace `.` in JSON keys
//! with `_`. If several keys of one object match a column, the last one wins.
//!
//! Timestamps (OpenX): JSON numbers, or strings holding a number, are epoch time: integers with
//! absolute value below 10^11 are **seconds** (10^11 s is year 5138), larger ones are
//! **milliseconds** (10^11 ms is 1973-03-03), and numbers with a fraction are seconds
//! (`1518033528.123`). Strings are `yyyy-[M]M-[d]d[(T| )[H]H:mm[:ss[.f{1,9}]]][Z|±HH[:]MM]`;
//! zone-less times are UTC. Hive JSON SerDe: each `TimestampFormats` entry in order (`millis` =
//! epoch milliseconds, or a Joda pattern subset), then `java.sql.Timestamp.valueOf`
//! (`yyyy-[M]M-[d]d [H]H:mm:ss[.f{1,9}]`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::schema::{HiveType, TableSchema};
use super::time;

/// The JSON deserializer of a Firehose `InputFormatConfiguration`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deserializer {
    /// The OpenX JSON SerDe (`org.openx.data.jsonserde.JsonSerDe`).
    OpenX {
        /// Match JSON keys to columns ignoring case (AWS default `true`).
        case_insensitive: bool,
        /// Replace dots in JSON keys with underscores before matching (AWS default `false`).
        convert_dots_in_json_keys_to_underscores: bool,
        /// Column name (lower case) → the JSON key that feeds it.
        column_to_json_key_mappings: BTreeMap<String, String>,
    },
    /// The Hive / HCatalog JSON SerDe (`org.apache.hive.hcatalog.data.JsonSerDe`).
    Hive {
        /// Joda `DateTimeFormat` patterns (or `millis`) tried in order before the default.
        timestamp_formats: Vec<String>,
    },
}

impl Default for Deserializer {
    fn default() -> Deserializer {
        Deserializer::OpenX {
            case_insensitive: true,
            convert_dots_in_json_keys_to_underscores: false,
            column_to_json_key_mappings: BTreeMap::new(),
        }
    }
}

impl Deserializer {
    /// Reads an AWS `InputFormatConfiguration`:
    /// `{"Deserializer":{"OpenXJsonSerDe":{"CaseInsensitive":…,"ColumnToJsonKeyMappings":{…},
    /// "ConvertDotsInJsonKeysToUnderscores":…}}}` or `{"Deserializer":{"HiveJsonSerDe":
    /// {"TimestampFormats":[…]}}}`. A missing or null `Deserializer` is the OpenX default; both
    /// SerDes at once is an error, as in AWS.
    pub fn from_aws(input_format_configuration: &Value) -> Result<Deserializer, String> {
        let de = match input_format_configuration.get("Deserializer") {
            None | Some(Value::Null) => return Ok(Deserializer::default()),
            Some(d) if d.is_object() => d,
            Some(_) => return Err("InputFormatConfiguration.Deserializer must be an object".into()),
        };
        let openx = de.get("OpenXJsonSerDe").filter(|v| !v.is_null());
        let hive = de.get("HiveJsonSerDe").filter(|v| !v.is_null());
        match (openx, hive) {
            (Some(_), Some(_)) => {
                Err("specify exactly one of OpenXJsonSerDe and HiveJsonSerDe".into())
            }
            (None, None) => Ok(Deserializer::default()),
            (Some(o), None) => {
                let flag = |k: &str, default: bool| match o.get(k) {
                    None | Some(Value::Null) => Ok(default),
                    Some(Value::Bool(b)) => Ok(*b),
                    Some(_) => Err(format!("OpenXJsonSerDe.{k} must be a boolean")),
                };
                let mut mappings = BTreeMap::new();
                match o.get("ColumnToJsonKeyMappings") {
                    None | Some(Value::Null) => {}
                    Some(Value::Object(m)) => {
                        for (col, key) in m {
                            let key = key.as_str().ok_or(format!(
                                "ColumnToJsonKeyMappings.{col} must be a string JSON key"
                            ))?;
                            mappings.insert(col.to_lowercase(), key.to_string());
                        }
                    }
                    Some(_) => return Err("ColumnToJsonKeyMappings must be an object".into()),
                }
                Ok(Deserializer::OpenX {
                    case_insensitive: flag("CaseInsensitive", true)?,
                    convert_dots_in_json_keys_to_underscores: flag(
                        "ConvertDotsInJsonKeysToUnderscores",
                        false,
                    )?,
                    column_to_json_key_mappings: mappings,
                })
            }
            (None, Some(h)) => {
                let mut formats = Vec::new();
                match h.get("TimestampFormats") {
                    None | Some(Value::Null) => {}
                    Some(Value::Array(a)) => {
                        for f in a {
                            let f = f
                                .as_str()
                                .filter(|s| !s.trim().is_empty())
                                .ok_or("TimestampFormats entries must be non-empty strings")?;
                            time::validate_joda(f)?;
                            formats.push(f.to_string());
                        }
                    }
                    Some(_) => return Err("TimestampFormats must be an array of strings".into()),
                }
                Ok(Deserializer::Hive {
                    timestamp_formats: formats,
                })
            }
        }
    }
}

/// One converted value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// SQL NULL (missing key or JSON null).
    Null,
    /// A `string` value.
    Str(String),
    /// An `int`, `smallint` or `tinyint` value.
    I32(i32),
    /// A `bigint` value.
    I64(i64),
    /// A `float` value.
    F32(f32),
    /// A `double` value.
    F64(f64),
    /// A `boolean` value.
    Bool(bool),
    /// A `timestamp`: milliseconds since 1970-01-01T00:00:00Z.
    TimestampMillis(i64),
    /// A `date`: days since 1970-01-01.
    Date(i32),
}

/// One converted JSON object: one [`Cell`] per schema column, in schema order.
#[derive(Clone, Debug, PartialEq)]
pub struct Row(pub Vec<Cell>);

/// Converts one Firehose record (bytes) into its rows (concatenated JSON objects allowed).
/// `Err` is the conversion failure reason as a human sentence. Never panics.
pub fn deserialize(
    schema: &TableSchema,
    de: &Deserializer,
    record: &[u8],
) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for (n, value) in serde_json::Deserializer::from_slice(record)
        .into_iter::<Value>()
        .enumerate()
    {
        let value = value.map_err(|e| format!("the record is not valid JSON: {e}"))?;
        let obj = match value {
            Value::Object(o) => o,
            Value::Array(_) => {
                return Err("the record holds a JSON array; Firehose converts JSON objects (concatenate them instead of wrapping them in an array)".into())
            }
            other => {
                return Err(format!(
                    "JSON value #{} of the record is {}, not an object",
                    n + 1,
                    kind(&other)
                ))
            }
        };
        rows.push(convert_object(schema, de, &obj)?);
    }
    if rows.is_empty() {
        return Err("the record holds no JSON object".into());
    }
    Ok(rows)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn convert_object(
    schema: &TableSchema,
    de: &Deserializer,
    obj: &serde_json::Map<String, Value>,
) -> Result<Row, String> {
    let (ci, dots, mappings) = match de {
        Deserializer::OpenX {
            case_insensitive,
            convert_dots_in_json_keys_to_underscores,
            column_to_json_key_mappings,
        } => (
            *case_insensitive,
            *convert_dots_in_json_keys_to_underscores,
            Some(column_to_json_key_mappings),
        ),
        Deserializer::Hive { .. } => (true, false, None),
    };
    let norm = |k: &str| {
        let k = if dots {
            k.replace('.', "_")
        } else {
            k.to_string()
        };
        if ci {
            k.to_lowercase()
        } else {
            k
        }
    };
    // Normalised key → value; later keys win.
    let mut by_key: BTreeMap<String, &Value> = BTreeMap::new();
    for (k, v) in obj {
        by_key.insert(norm(k), v);
    }
    let mut cells = Vec::with_capacity(schema.columns.len());
    for col in &schema.columns {
        let key = match mappings.and_then(|m| m.get(&col.name)) {
            Some(mapped) => norm(mapped),
            None => norm(&col.name),
        };
        let cell = match by_key.get(&key) {
            None | Some(Value::Null) => Cell::Null,
            Some(v) => convert_value(v, col.hive_type, de).map_err(|why| {
                format!("column {:?} ({}): {why}", col.name, col.hive_type.as_str())
            })?,
        };
        cells.push(cell);
    }
    Ok(Row(cells))
}

fn convert_value(v: &Value, ty: HiveType, de: &Deserializer) -> Result<Cell, String> {
    match ty {
        HiveType::String => Ok(Cell::Str(match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })),
        HiveType::TinyInt => {
            int_in(v, i64::from(i8::MIN), i64::from(i8::MAX)).map(|i| Cell::I32(i as i32))
        }
        HiveType::SmallInt => {
            int_in(v, i64::from(i16::MIN), i64::from(i16::MAX)).map(|i| Cell::I32(i as i32))
        }
        HiveType::Int => {
            int_in(v, i64::from(i32::MIN), i64::from(i32::MAX)).map(|i| Cell::I32(i as i32))
        }
        HiveType::BigInt => int_in(v, i64::MIN, i64::MAX).map(Cell::I64),
        HiveType::Double => float(v).map(Cell::F64),
        HiveType::Float => float(v).map(|f| Cell::F32(f as f32)),
        HiveType::Boolean => match v {
            Value::Bool(b) => Ok(Cell::Bool(*b)),
            Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Ok(Cell::Bool(true)),
            Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Ok(Cell::Bool(false)),
            other => Err(format!("cannot convert {} to boolean", short(other))),
        },
        HiveType::Timestamp => timestamp(v, de).map(Cell::TimestampMillis),
        HiveType::Date => date(v).map(Cell::Date),
    }
}

/// A JSON value shortened for failure reasons.
fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// An integer from a JSON number (fractions truncate toward zero, like Java's `intValue`) or a
/// string holding a decimal integer; out of `[min, max]` is an error.
fn int_in(v: &Value, min: i64, max: i64) -> Result<i64, String> {
    let parsed: Option<i64> = match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.abs() < 9.2e18)
                .map(|f| f.trunc() as i64)
        }),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match parsed {
        Some(i) if (min..=max).contains(&i) => Ok(i),
        Some(_) => Err(format!("{} is out of range [{min}, {max}]", short(v))),
        None => Err(format!("cannot convert {} to an integer", short(v))),
    }
}

fn float(v: &Value) -> Result<f64, String> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .ok_or_else(|| format!("cannot convert {} to a floating-point number", short(v)))
}

/// Epoch number → milliseconds with the OpenX seconds/millis heuristic (see module docs).
fn epoch_to_millis(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return if i.unsigned_abs() < 100_000_000_000 {
            Some(i * 1000)
        } else {
            Some(i)
        };
    }
    let f = t.parse::<f64>().ok().filter(|f| f.is_finite())?;
    if !t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return None;
    }
    let ms = (f * 1000.0).floor();
    (ms.abs() < 9.0e15).then_some(ms as i64)
}

fn timestamp(v: &Value, de: &Deserializer) -> Result<i64, String> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => return Err(format!("cannot convert {} to a timestamp", short(other))),
    };
    let parsed = match de {
        Deserializer::OpenX { .. } => {
            epoch_to_millis(&text).or_else(|| time::parse_iso_like(&text))
        }
        Deserializer::Hive { timestamp_formats } => timestamp_formats
            .iter()
            .find_map(|f| {
                if f.eq_ignore_ascii_case("millis") {
                    text.trim().parse::<i64>().ok()
                } else {
                    time::parse_joda(&text, f)
                }
            })
            .or_else(|| time::parse_hive_default(&text)),
    };
    parsed.ok_or_else(|| format!("cannot parse {} as a timestamp", short(v)))
}

/// A date from `yyyy-[M]M-[d]d` (a trailing time part is ignored) or an integer day count.
fn date(v: &Value) -> Result<i32, String> {
    let days = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => time::parse_iso_like(s).map(|ms| ms.div_euclid(time::MS_PER_DAY)),
        _ => None,
    };
    days.and_then(|d| i32::try_from(d).ok()).ok_or_else(|| {
        format!(
            "cannot convert {} to a date (expected yyyy-MM-dd)",
            short(v)
        )
    })
}
