//! Glue / Hive table schemas for record format conversion (semantics.md §4.5): the column types a
//! Glue table's `StorageDescriptor.Columns[].Type` may hold, as far as the playground converts them.

use serde_json::Value;

/// Hive column types accepted in a Glue table's `StorageDescriptor.Columns[].Type`.
///
/// Parsed case-insensitively by [`parse_hive_type`]; `varchar(n)` and `char(n)` become
/// [`HiveType::String`]. Complex types (`array<…>`, `map<…>`, `struct<…>`), `decimal`, `binary`
/// and `interval` types are rejected with a reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HiveType {
    /// `string` (also `varchar(n)`, `char(n)`): Parquet BYTE_ARRAY, UTF8 / STRING.
    String,
    /// `tinyint`: Parquet INT32 annotated INT_8.
    TinyInt,
    /// `smallint`: Parquet INT32 annotated INT_16.
    SmallInt,
    /// `int` / `integer`: Parquet INT32.
    Int,
    /// `bigint`: Parquet INT64.
    BigInt,
    /// `float`: Parquet FLOAT.
    Float,
    /// `double`: Parquet DOUBLE.
    Double,
    /// `boolean`: Parquet BOOLEAN.
    Boolean,
    /// `timestamp`: Parquet INT64, TIMESTAMP_MILLIS / TIMESTAMP(UTC, MILLIS).
    Timestamp,
    /// `date`: Parquet INT32, DATE (days since 1970-01-01).
    Date,
}

impl HiveType {
    /// The Hive spelling of the type (lower case), e.g. `"bigint"`.
    pub fn as_str(self) -> &'static str {
        match self {
            HiveType::String => "string",
            HiveType::TinyInt => "tinyint",
            HiveType::SmallInt => "smallint",
            HiveType::Int => "int",
            HiveType::BigInt => "bigint",
            HiveType::Float => "float",
            HiveType::Double => "double",
            HiveType::Boolean => "boolean",
            HiveType::Timestamp => "timestamp",
            HiveType::Date => "date",
        }
    }

    /// Every supported type, in declaration order (for UIs and property tests).
    pub const ALL: [HiveType; 10] = [
        HiveType::String,
        HiveType::TinyInt,
        HiveType::SmallInt,
        HiveType::Int,
        HiveType::BigInt,
        HiveType::Float,
        HiveType::Double,
        HiveType::Boolean,
        HiveType::Timestamp,
        HiveType::Date,
    ];
}

/// Parses a Hive type name (case-insensitive, surrounding whitespace ignored).
pub fn parse_hive_type(s: &str) -> Result<HiveType, String> {
    let t = s.trim().to_ascii_lowercase();
    let simple = match t.as_str() {
        "string" => Some(HiveType::String),
        "tinyint" => Some(HiveType::TinyInt),
        "smallint" => Some(HiveType::SmallInt),
        "int" | "integer" => Some(HiveType::Int),
        "bigint" => Some(HiveType::BigInt),
        "float" => Some(HiveType::Float),
        "double" | "double precision" => Some(HiveType::Double),
        "boolean" => Some(HiveType::Boolean),
        "timestamp" => Some(HiveType::Timestamp),
        "date" => Some(HiveType::Date),
        _ => None,
    };
    if let Some(ty) = simple {
        return Ok(ty);
    }
    for prefix in ["varchar", "char"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            let len = rest
                .trim()
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .map(str::trim);
            if let Some(n) = len.and_then(|n| n.parse::<u32>().ok()) {
                if n >= 1 {
                    return Ok(HiveType::String);
                }
            }
            return Err(format!(
                "Hive type {s:?} needs a positive length, e.g. {prefix}(64)"
            ));
        }
    }
    let base = t.split(['<', '(']).next().unwrap_or("").trim();
    match base {
        "array" | "map" | "struct" | "uniontype" => Err(format!(
            "Hive complex type {s:?} is not supported by the playground's Parquet writer (flat columns only)"
        )),
        "decimal" | "numeric" | "binary" | "interval" => Err(format!(
            "Hive type {s:?} is not supported by the playground's Parquet writer"
        )),
        _ => Err(format!("unknown Hive type {s:?}")),
    }
}

/// One column of a Glue table: its (lower-cased) name and type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlueColumn {
    /// Column name, lower-cased as Hive stores it.
    pub name: String,
    /// Column type.
    pub hive_type: HiveType,
}

/// The columns of the Glue table that drives record format conversion, in table order.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TableSchema {
    /// Columns in table order; every Parquet column is OPTIONAL.
    pub columns: Vec<GlueColumn>,
}

impl TableSchema {
    /// Builds a schema from Glue's `StorageDescriptor.Columns` JSON:
    /// `[{"Name":"ts","Type":"timestamp"}, …]`. Names are lower-cased like Hive; empty,
    /// duplicate (after lower-casing) or unknown-typed columns, and an empty list, are rejected.
    pub fn from_glue_columns(cols: &Value) -> Result<TableSchema, String> {
        let arr = cols
            .as_array()
            .ok_or("Glue columns must be a JSON array of {\"Name\",\"Type\"} objects")?;
        if arr.is_empty() {
            return Err("the Glue table has no columns".to_string());
        }
        let mut columns: Vec<GlueColumn> = Vec::with_capacity(arr.len());
        for (i, c) in arr.iter().enumerate() {
            let name = c
                .get("Name")
                .and_then(Value::as_str)
                .ok_or(format!("Glue column #{i} has no string \"Name\""))?
                .trim()
                .to_lowercase();
            if name.is_empty() {
                return Err(format!("Glue column #{i} has an empty name"));
            }
            let ty = c
                .get("Type")
                .and_then(Value::as_str)
                .ok_or(format!("Glue column {name:?} has no string \"Type\""))?;
            let hive_type =
                parse_hive_type(ty).map_err(|e| format!("Glue column {name:?}: {e}"))?;
            if columns.iter().any(|c| c.name == name) {
                return Err(format!(
                    "duplicate Glue column {name:?} (names are case-insensitive)"
                ));
            }
            columns.push(GlueColumn { name, hive_type });
        }
        Ok(TableSchema { columns })
    }

    /// The schema as Glue column JSON (inverse of [`TableSchema::from_glue_columns`]).
    pub fn to_glue_columns(&self) -> Value {
        Value::Array(
            self.columns
                .iter()
                .map(|c| serde_json::json!({"Name": c.name, "Type": c.hive_type.as_str()}))
                .collect(),
        )
    }
}
