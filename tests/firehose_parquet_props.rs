//! Properties of Firehose record format conversion (semantics.md §4.5): random rows of a random
//! Glue schema round-trip through the hand-written Parquet writer and the `parquet` crate reader
//! in every compression, and `deserialize` never panics on arbitrary bytes or JSON.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_playground::engine::firehose::parquet::{
    deserialize, write_parquet, Cell, Deserializer, GlueColumn, HiveType, ParquetCompression, Row,
    TableSchema,
};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

static N: AtomicUsize = AtomicUsize::new(0);

fn read_rows(bytes: &[u8]) -> Vec<Row> {
    let path = std::env::temp_dir().join(format!(
        "kp-parquet-props-{}-{}.parquet",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&path, bytes).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let reader = SerializedFileReader::new(file).expect("parquet crate opens the file");
    reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| {
            Row(r
                .unwrap()
                .get_column_iter()
                .map(|(_, f)| match f {
                    Field::Null => Cell::Null,
                    Field::Str(s) => Cell::Str(s.clone()),
                    Field::Byte(v) => Cell::I32(i32::from(*v)),
                    Field::Short(v) => Cell::I32(i32::from(*v)),
                    Field::Int(v) => Cell::I32(*v),
                    Field::Long(v) => Cell::I64(*v),
                    Field::Float(v) => Cell::F32(*v),
                    Field::Double(v) => Cell::F64(*v),
                    Field::Bool(v) => Cell::Bool(*v),
                    Field::TimestampMillis(v) => Cell::TimestampMillis(*v),
                    Field::Date(v) => Cell::Date(*v),
                    other => panic!("unexpected field {other:?}"),
                })
                .collect())
        })
        .collect()
}

/// Cells compared bit-exactly (NaN == NaN, -0.0 != 0.0).
fn key(c: &Cell) -> String {
    match c {
        Cell::F32(v) => format!("F32({:#x})", v.to_bits()),
        Cell::F64(v) => format!("F64({:#x})", v.to_bits()),
        other => format!("{other:?}"),
    }
}

fn cell_for(ty: HiveType) -> BoxedStrategy<Cell> {
    let value = match ty {
        HiveType::String => ".{0,12}".prop_map(Cell::Str).boxed(),
        HiveType::TinyInt => any::<i8>().prop_map(|v| Cell::I32(i32::from(v))).boxed(),
        HiveType::SmallInt => any::<i16>().prop_map(|v| Cell::I32(i32::from(v))).boxed(),
        HiveType::Int => any::<i32>().prop_map(Cell::I32).boxed(),
        HiveType::BigInt => any::<i64>().prop_map(Cell::I64).boxed(),
        HiveType::Float => any::<u32>()
            .prop_map(|b| Cell::F32(f32::from_bits(b)))
            .boxed(),
        HiveType::Double => any::<u64>()
            .prop_map(|b| Cell::F64(f64::from_bits(b)))
            .boxed(),
        HiveType::Boolean => any::<bool>().prop_map(Cell::Bool).boxed(),
        HiveType::Timestamp => (-10_000_000_000_000i64..10_000_000_000_000)
            .prop_map(Cell::TimestampMillis)
            .boxed(),
        HiveType::Date => (-1_000_000i32..1_000_000).prop_map(Cell::Date).boxed(),
    };
    prop_oneof![1 => Just(Cell::Null), 3 => value].boxed()
}

fn schema_and_rows() -> impl Strategy<Value = (TableSchema, Vec<Row>)> {
    proptest::collection::vec(proptest::sample::select(HiveType::ALL.to_vec()), 1..8).prop_flat_map(
        |types| {
            let schema = TableSchema {
                columns: types
                    .iter()
                    .enumerate()
                    .map(|(i, t)| GlueColumn {
                        name: format!("c{i}_{}", t.as_str()),
                        hive_type: *t,
                    })
                    .collect(),
            };
            let row = types
                .iter()
                .map(|t| cell_for(*t))
                .collect::<Vec<_>>()
                .prop_map(Row);
            (Just(schema), proptest::collection::vec(row, 0..120))
        },
    )
}

fn compression() -> impl Strategy<Value = ParquetCompression> {
    prop_oneof![
        Just(ParquetCompression::Uncompressed),
        Just(ParquetCompression::Snappy),
        Just(ParquetCompression::Gzip),
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,24}".prop_map(Value::String),
        prop_oneof![
            Just("2026-01-01T10:00:00Z"),
            Just("2026-13-01 00:00:00"),
            Just("1767225600"),
            Just("9999-12-31T23:59:59.999+18:00"),
            Just("-0001-01-01"),
            Just("2026-01-01 10:00:00.1234567890"),
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(key_name(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// JSON keys: often a column name (any case), sometimes random.
fn key_name() -> BoxedStrategy<String> {
    let names: Vec<String> = HiveType::ALL
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
    prop_oneof![
        2 => (proptest::sample::select(names), any::<bool>())
            .prop_map(|(n, up)| if up { n.to_uppercase() } else { n }),
        1 => "[A-Za-z_.]{1,6}",
    ]
    .boxed()
}

fn any_schema() -> TableSchema {
    TableSchema {
        columns: HiveType::ALL
            .iter()
            .map(|t| GlueColumn {
                name: t.as_str().to_string(),
                hive_type: *t,
            })
            .collect(),
    }
}

fn deserializers() -> Vec<Deserializer> {
    vec![
        Deserializer::default(),
        Deserializer::Hive {
            timestamp_formats: vec![],
        },
        Deserializer::Hive {
            timestamp_formats: vec![
                "millis".into(),
                "yyyy-MM-dd'T'HH:mm:ss.SSSZ".into(),
                "d/M/y".into(),
            ],
        },
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_rows_round_trip_through_the_parquet_crate(
        (schema, rows) in schema_and_rows(),
        c in compression(),
    ) {
        let bytes = write_parquet(&schema, &rows, c);
        prop_assert_eq!(&bytes, &write_parquet(&schema, &rows, c));
        let back = read_rows(&bytes);
        prop_assert_eq!(back.len(), rows.len());
        for (got, want) in back.iter().zip(&rows) {
            let g: Vec<String> = got.0.iter().map(key).collect();
            let w: Vec<String> = want.0.iter().map(key).collect();
            prop_assert_eq!(g, w);
        }
    }

    #[test]
    fn iso_timestamps_round_trip_through_openx(ms in -62_135_596_800_000i64..253_402_300_799_999) {
        let days = ms.div_euclid(86_400_000);
        let rem = ms.rem_euclid(86_400_000);
        let (y, m, d) = kinesis_playground::engine::firehose::parquet::time::civil_from_days(days);
        let text = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
            rem / 3_600_000,
            rem / 60_000 % 60,
            rem / 1000 % 60,
            rem % 1000
        );
        let schema = TableSchema { columns: vec![GlueColumn { name: "ts".into(), hive_type: HiveType::Timestamp }] };
        let record = format!(r#"{{"ts":"{text}"}}"#);
        let rows = deserialize(&schema, &Deserializer::default(), record.as_bytes());
        prop_assert_eq!(rows, Ok(vec![Row(vec![Cell::TimestampMillis(ms)])]));
    }

    #[test]
    fn deserialize_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        for de in deserializers() {
            let _ = deserialize(&any_schema(), &de, &bytes);
        }
    }

    #[test]
    fn deserialize_never_panics_on_random_json(values in proptest::collection::vec(json_value(), 0..4)) {
        let text: String = values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join("\n");
        for de in deserializers() {
            let schema = any_schema();
            if let Ok(rows) = deserialize(&schema, &de, text.as_bytes()) {
                prop_assert!(rows.iter().all(|r| r.0.len() == schema.columns.len()));
                let bytes = write_parquet(&schema, &rows, ParquetCompression::Snappy);
                prop_assert_eq!(read_rows(&bytes).len(), rows.len());
            }
        }
    }
}
