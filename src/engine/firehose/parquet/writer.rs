//! The Parquet file layout (semantics.md §4.5): `PAR1`, one row group with one column chunk per
//! column, each a single DATA_PAGE (v1) with RLE definition levels and PLAIN values, then the
//! Thrift-compact `FileMetaData` footer, its 4-byte little-endian length and `PAR1` again.
//!
//! Every column is OPTIONAL (as Hive writes them), so each page starts with the definition levels
//! (bit width 1: 1 = present, 0 = null) as a 4-byte length plus the RLE / bit-packed hybrid, and
//! only present values follow. Pages are compressed whole (levels and values) with the chunk's
//! codec. Statistics carry `null_count` and, where the type has a well-defined order,
//! `min_value` / `max_value` (NaN excluded, signed zeros per the spec). Zero rows give a valid
//! file with the schema and no row group (Firehose itself never delivers an empty object).
//!
//! A [`Cell`] whose variant does not fit its column type (e.g. `Str` in an `int` column, or an
//! `I32` outside a `tinyint`'s range) is written as null; [`super::deserialize`] never produces
//! one.

use std::io::Write;

use super::deserialize::{Cell, Row};
use super::rle::{bit_pack, encode_hybrid};
use super::schema::{HiveType, TableSchema};
use super::thrift::{CompactWriter, T_BINARY, T_I32, T_STRUCT};

/// Page compression, as in AWS `ParquetSerDe.Compression` (default SNAPPY).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ParquetCompression {
    /// No compression (`UNCOMPRESSED`).
    Uncompressed,
    /// Raw Snappy blocks (`SNAPPY`, the AWS default).
    #[default]
    Snappy,
    /// Gzip members (`GZIP`).
    Gzip,
}

impl ParquetCompression {
    /// Parses the AWS spelling (`UNCOMPRESSED`, `SNAPPY`, `GZIP`; case-insensitive).
    pub fn parse(s: &str) -> Result<ParquetCompression, String> {
        match s.trim().to_ascii_uppercase().as_str() {
            "UNCOMPRESSED" => Ok(ParquetCompression::Uncompressed),
            "SNAPPY" => Ok(ParquetCompression::Snappy),
            "GZIP" => Ok(ParquetCompression::Gzip),
            _ => Err(format!(
                "unknown ParquetSerDe.Compression {s:?} (expected UNCOMPRESSED, SNAPPY or GZIP)"
            )),
        }
    }

    /// The AWS spelling.
    pub fn as_aws_str(self) -> &'static str {
        match self {
            ParquetCompression::Uncompressed => "UNCOMPRESSED",
            ParquetCompression::Snappy => "SNAPPY",
            ParquetCompression::Gzip => "GZIP",
        }
    }
}

impl std::str::FromStr for ParquetCompression {
    type Err = String;
    fn from_str(s: &str) -> Result<ParquetCompression, String> {
        ParquetCompression::parse(s)
    }
}

// parquet.thrift enum values.
const TYPE_BOOLEAN: i32 = 0;
const TYPE_INT32: i32 = 1;
const TYPE_INT64: i32 = 2;
const TYPE_FLOAT: i32 = 4;
const TYPE_DOUBLE: i32 = 5;
const TYPE_BYTE_ARRAY: i32 = 6;
const REPETITION_OPTIONAL: i32 = 1;
const CONVERTED_UTF8: i32 = 0;
const CONVERTED_DATE: i32 = 6;
const CONVERTED_TIMESTAMP_MILLIS: i32 = 9;
const CONVERTED_INT_8: i32 = 15;
const CONVERTED_INT_16: i32 = 16;
const ENCODING_PLAIN: i32 = 0;
const ENCODING_RLE: i32 = 3;
const PAGE_DATA: i32 = 0;
const CODEC_UNCOMPRESSED: i32 = 0;
const CODEC_SNAPPY: i32 = 1;
const CODEC_GZIP: i32 = 2;

/// The Parquet physical type of a Hive type.
fn physical(ty: HiveType) -> i32 {
    match ty {
        HiveType::String => TYPE_BYTE_ARRAY,
        HiveType::TinyInt | HiveType::SmallInt | HiveType::Int | HiveType::Date => TYPE_INT32,
        HiveType::BigInt | HiveType::Timestamp => TYPE_INT64,
        HiveType::Float => TYPE_FLOAT,
        HiveType::Double => TYPE_DOUBLE,
        HiveType::Boolean => TYPE_BOOLEAN,
    }
}

/// PLAIN-encoded `(min, max)` statistics of a column chunk.
type MinMax = Option<(Vec<u8>, Vec<u8>)>;

/// One encoded column chunk before layout.
struct Chunk {
    codec: i32,
    header: Vec<u8>,
    body: Vec<u8>,
    uncompressed_len: usize,
    null_count: i64,
    min_max: MinMax,
}

fn widen<T: PartialOrd + Copy>(mm: &mut Option<(T, T)>, v: T) {
    *mm = Some(match *mm {
        None => (v, v),
        Some((lo, hi)) => (if v < lo { v } else { lo }, if v > hi { v } else { hi }),
    });
}

/// Definition levels, PLAIN values and min/max for one column.
fn encode_values(ty: HiveType, rows: &[Row], col: usize) -> (Vec<u8>, Vec<u8>, MinMax) {
    let mut defs = Vec::with_capacity(rows.len());
    let mut plain = Vec::new();
    let mut mm_i32: Option<(i32, i32)> = None;
    let mut mm_i64: Option<(i64, i64)> = None;
    let mut mm_f64: Option<(f64, f64)> = None;
    let mut mm_str: Option<(&str, &str)> = None;
    let mut bools: Vec<u8> = Vec::new();
    for row in rows {
        let cell = row.0.get(col).unwrap_or(&Cell::Null);
        let present = match (ty, cell) {
            (HiveType::String, Cell::Str(s)) => {
                plain.extend_from_slice(&(s.len() as u32).to_le_bytes());
                plain.extend_from_slice(s.as_bytes());
                widen(&mut mm_str, s.as_str());
                true
            }
            (HiveType::TinyInt, Cell::I32(v)) if i8::try_from(*v).is_err() => false,
            (HiveType::SmallInt, Cell::I32(v)) if i16::try_from(*v).is_err() => false,
            (HiveType::TinyInt | HiveType::SmallInt | HiveType::Int, Cell::I32(v))
            | (HiveType::Date, Cell::Date(v)) => {
                plain.extend_from_slice(&v.to_le_bytes());
                widen(&mut mm_i32, *v);
                true
            }
            (HiveType::BigInt, Cell::I64(v)) | (HiveType::Timestamp, Cell::TimestampMillis(v)) => {
                plain.extend_from_slice(&v.to_le_bytes());
                widen(&mut mm_i64, *v);
                true
            }
            (HiveType::BigInt, Cell::I32(v)) => {
                plain.extend_from_slice(&i64::from(*v).to_le_bytes());
                widen(&mut mm_i64, i64::from(*v));
                true
            }
            (HiveType::Float, Cell::F32(v)) => {
                plain.extend_from_slice(&v.to_le_bytes());
                if !v.is_nan() {
                    widen(&mut mm_f64, f64::from(*v));
                }
                true
            }
            (HiveType::Double, Cell::F64(v)) => {
                plain.extend_from_slice(&v.to_le_bytes());
                if !v.is_nan() {
                    widen(&mut mm_f64, *v);
                }
                true
            }
            (HiveType::Double, Cell::F32(v)) => {
                plain.extend_from_slice(&f64::from(*v).to_le_bytes());
                if !v.is_nan() {
                    widen(&mut mm_f64, f64::from(*v));
                }
                true
            }
            (HiveType::Boolean, Cell::Bool(b)) => {
                bools.push(u8::from(*b));
                true
            }
            _ => false,
        };
        defs.push(u8::from(present));
    }
    let min_max = match ty {
        HiveType::String => mm_str.map(|(a, b)| (a.as_bytes().to_vec(), b.as_bytes().to_vec())),
        HiveType::TinyInt | HiveType::SmallInt | HiveType::Int | HiveType::Date => {
            mm_i32.map(|(a, b)| (a.to_le_bytes().to_vec(), b.to_le_bytes().to_vec()))
        }
        HiveType::BigInt | HiveType::Timestamp => {
            mm_i64.map(|(a, b)| (a.to_le_bytes().to_vec(), b.to_le_bytes().to_vec()))
        }
        HiveType::Float | HiveType::Double => mm_f64.map(|(lo, hi)| {
            // Spec: a zero minimum is written as -0.0, a zero maximum as +0.0.
            let lo = if lo == 0.0 { -0.0 } else { lo };
            let hi = if hi == 0.0 { 0.0 } else { hi };
            if ty == HiveType::Float {
                (
                    (lo as f32).to_le_bytes().to_vec(),
                    (hi as f32).to_le_bytes().to_vec(),
                )
            } else {
                (lo.to_le_bytes().to_vec(), hi.to_le_bytes().to_vec())
            }
        }),
        HiveType::Boolean => {
            let lo = bools.iter().min().copied();
            let hi = bools.iter().max().copied();
            lo.zip(hi).map(|(a, b)| (vec![a], vec![b]))
        }
    };
    if ty == HiveType::Boolean {
        plain = bit_pack(&bools, 1);
    }
    (defs, plain, min_max)
}

fn compress(page: Vec<u8>, compression: ParquetCompression) -> (i32, Vec<u8>) {
    match compression {
        ParquetCompression::Uncompressed => (CODEC_UNCOMPRESSED, page),
        ParquetCompression::Snappy => match snap::raw::Encoder::new().compress_vec(&page) {
            Ok(c) => (CODEC_SNAPPY, c),
            Err(_) => (CODEC_UNCOMPRESSED, page),
        },
        ParquetCompression::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            match enc.write_all(&page).and_then(|()| enc.finish()) {
                Ok(c) => (CODEC_GZIP, c),
                Err(_) => (CODEC_UNCOMPRESSED, page),
            }
        }
    }
}

fn encode_chunk(ty: HiveType, rows: &[Row], col: usize, compression: ParquetCompression) -> Chunk {
    let (defs, plain, min_max) = encode_values(ty, rows, col);
    let null_count = defs.iter().filter(|&&d| d == 0).count() as i64;
    let levels = encode_hybrid(&defs, 1);
    let mut page = Vec::with_capacity(4 + levels.len() + plain.len());
    page.extend_from_slice(&(levels.len() as u32).to_le_bytes());
    page.extend_from_slice(&levels);
    page.extend_from_slice(&plain);
    let uncompressed_len = page.len();
    let (codec, body) = compress(page, compression);
    let mut h = CompactWriter::new();
    h.i32(1, PAGE_DATA);
    h.i32(2, uncompressed_len as i32);
    h.i32(3, body.len() as i32);
    h.struct_begin(5); // DataPageHeader
    h.i32(1, rows.len() as i32);
    h.i32(2, ENCODING_PLAIN);
    h.i32(3, ENCODING_RLE);
    h.i32(4, ENCODING_RLE);
    h.stop();
    h.stop();
    Chunk {
        codec,
        header: h.into_bytes(),
        body,
        uncompressed_len,
        null_count,
        min_max,
    }
}

/// Writes one schema element for a column (type, OPTIONAL, name, converted and logical types).
fn schema_element(w: &mut CompactWriter, name: &str, ty: HiveType) {
    w.elem_struct_begin();
    w.i32(1, physical(ty));
    w.i32(3, REPETITION_OPTIONAL);
    w.binary(4, name.as_bytes());
    let converted = match ty {
        HiveType::String => Some(CONVERTED_UTF8),
        HiveType::Date => Some(CONVERTED_DATE),
        HiveType::Timestamp => Some(CONVERTED_TIMESTAMP_MILLIS),
        HiveType::TinyInt => Some(CONVERTED_INT_8),
        HiveType::SmallInt => Some(CONVERTED_INT_16),
        _ => None,
    };
    if let Some(c) = converted {
        w.i32(6, c);
        w.struct_begin(10); // LogicalType union
        match ty {
            HiveType::String => {
                w.struct_begin(1); // STRING
                w.stop();
            }
            HiveType::Date => {
                w.struct_begin(6); // DATE
                w.stop();
            }
            HiveType::Timestamp => {
                w.struct_begin(8); // TIMESTAMP
                w.bool(1, true); // isAdjustedToUTC
                w.struct_begin(2); // unit
                w.struct_begin(1); // MILLIS
                w.stop();
                w.stop();
                w.stop();
            }
            _ => {
                w.struct_begin(10); // INTEGER
                w.i8(1, if ty == HiveType::TinyInt { 8 } else { 16 });
                w.bool(2, true);
                w.stop();
            }
        }
        w.stop();
    }
    w.stop();
}

/// Serializes rows into one complete Parquet file (magic `PAR1`, one data page per column,
/// footer). Deterministic: the same input gives the same bytes. Never panics.
pub fn write_parquet(
    schema: &TableSchema,
    rows: &[Row],
    compression: ParquetCompression,
) -> Vec<u8> {
    let mut out = b"PAR1".to_vec();
    // (chunk, data_page_offset)
    let mut placed: Vec<(Chunk, i64)> = Vec::new();
    if !rows.is_empty() {
        for (i, col) in schema.columns.iter().enumerate() {
            let chunk = encode_chunk(col.hive_type, rows, i, compression);
            let offset = out.len() as i64;
            out.extend_from_slice(&chunk.header);
            out.extend_from_slice(&chunk.body);
            placed.push((chunk, offset));
        }
    }
    let mut w = CompactWriter::new();
    w.i32(1, 1); // version
    w.list_begin(2, T_STRUCT, schema.columns.len() + 1);
    w.elem_struct_begin();
    w.binary(4, b"hive_schema");
    w.i32(5, schema.columns.len() as i32);
    w.stop();
    for col in &schema.columns {
        schema_element(&mut w, &col.name, col.hive_type);
    }
    w.i64(3, rows.len() as i64);
    w.list_begin(4, T_STRUCT, usize::from(!rows.is_empty()));
    if !rows.is_empty() {
        let mut total_uncompressed = 0i64;
        let mut total_compressed = 0i64;
        w.elem_struct_begin(); // RowGroup
        w.list_begin(1, T_STRUCT, placed.len());
        for ((chunk, offset), col) in placed.iter().zip(&schema.columns) {
            let uncompressed = (chunk.header.len() + chunk.uncompressed_len) as i64;
            let compressed = (chunk.header.len() + chunk.body.len()) as i64;
            total_uncompressed += uncompressed;
            total_compressed += compressed;
            w.elem_struct_begin(); // ColumnChunk
            w.i64(2, *offset);
            w.struct_begin(3); // ColumnMetaData
            w.i32(1, physical(col.hive_type));
            w.list_begin(2, T_I32, 2);
            w.elem_i32(ENCODING_PLAIN);
            w.elem_i32(ENCODING_RLE);
            w.list_begin(3, T_BINARY, 1);
            w.elem_binary(col.name.as_bytes());
            w.i32(4, chunk.codec);
            w.i64(5, rows.len() as i64);
            w.i64(6, uncompressed);
            w.i64(7, compressed);
            w.i64(9, *offset);
            w.struct_begin(12); // Statistics
            w.i64(3, chunk.null_count);
            if let Some((min, max)) = &chunk.min_max {
                w.binary(5, max);
                w.binary(6, min);
            }
            w.stop();
            w.stop();
            w.stop();
        }
        w.i64(2, total_uncompressed);
        w.i64(3, rows.len() as i64);
        w.i64(5, placed.first().map_or(4, |p| p.1));
        w.i64(6, total_compressed);
        w.stop();
    }
    w.binary(6, b"kinesis-playground");
    w.list_begin(7, T_STRUCT, schema.columns.len()); // column_orders
    for _ in &schema.columns {
        w.elem_struct_begin();
        w.struct_begin(1); // TYPE_ORDER
        w.stop();
        w.stop();
    }
    w.stop();
    let footer = w.into_bytes();
    out.extend_from_slice(&footer);
    out.extend_from_slice(&(footer.len() as u32).to_le_bytes());
    out.extend_from_slice(b"PAR1");
    out
}
