//! Firehose record format conversion: Glue schema, OpenX / Hive JSON SerDe semantics and the
//! hand-written Parquet writer, read back with the `parquet` crate (semantics.md §4.5).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::collections::BTreeMap;

use kinesis_playground::engine::firehose::parquet::time::{civil_from_days, days_from_civil};
use kinesis_playground::engine::firehose::parquet::{
    deserialize, parse_hive_type, write_parquet, Cell, Deserializer, HiveType, ParquetCompression,
    Row, TableSchema, ORC_UNAVAILABLE,
};
use serde_json::json;

fn schema(cols: &[(&str, &str)]) -> TableSchema {
    let v: Vec<_> = cols
        .iter()
        .map(|(n, t)| json!({"Name": n, "Type": t}))
        .collect();
    TableSchema::from_glue_columns(&json!(v)).expect("valid schema")
}

fn hive(formats: &[&str]) -> Deserializer {
    Deserializer::Hive {
        timestamp_formats: formats.iter().map(|s| s.to_string()).collect(),
    }
}

fn one(schema: &TableSchema, de: &Deserializer, record: &str) -> Vec<Cell> {
    let mut rows = deserialize(schema, de, record.as_bytes()).expect("converts");
    assert_eq!(rows.len(), 1);
    rows.remove(0).0
}

/// 2026-01-01T00:00:00Z in epoch milliseconds.
const JAN1_2026_MS: i64 = 1_767_225_600_000;

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn hive_types_parse_case_insensitively() {
    assert_eq!(parse_hive_type("STRING"), Ok(HiveType::String));
    assert_eq!(parse_hive_type(" BigInt "), Ok(HiveType::BigInt));
    assert_eq!(parse_hive_type("varchar(64)"), Ok(HiveType::String));
    assert_eq!(parse_hive_type("CHAR( 3 )"), Ok(HiveType::String));
    assert_eq!(parse_hive_type("integer"), Ok(HiveType::Int));
    for t in HiveType::ALL {
        assert_eq!(parse_hive_type(t.as_str()), Ok(t));
    }
    assert!(parse_hive_type("varchar").is_err());
    assert!(parse_hive_type("array<string>")
        .unwrap_err()
        .contains("complex"));
    assert!(parse_hive_type("decimal(10,2)").is_err());
    assert!(parse_hive_type("blob").unwrap_err().contains("unknown"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn glue_columns_lowercase_and_reject_bad_input() {
    let s = schema(&[("TS", "timestamp"), ("Name", "string")]);
    assert_eq!(s.columns[0].name, "ts");
    assert_eq!(s.columns[1].hive_type, HiveType::String);
    assert_eq!(TableSchema::from_glue_columns(&s.to_glue_columns()), Ok(s));
    let dup = json!([{"Name":"a","Type":"int"},{"Name":"A","Type":"string"}]);
    assert!(TableSchema::from_glue_columns(&dup)
        .unwrap_err()
        .contains("duplicate"));
    assert!(TableSchema::from_glue_columns(&json!([{"Name":" ","Type":"int"}])).is_err());
    assert!(TableSchema::from_glue_columns(&json!([{"Name":"a"}])).is_err());
    assert!(TableSchema::from_glue_columns(&json!([])).is_err());
    assert!(TableSchema::from_glue_columns(&json!({"Name":"a"})).is_err());
    assert!(!ORC_UNAVAILABLE.is_empty());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn deserializer_from_aws_shapes() {
    assert_eq!(
        Deserializer::from_aws(&json!({})),
        Ok(Deserializer::default())
    );
    let openx = Deserializer::from_aws(&json!({"Deserializer": {"OpenXJsonSerDe": {
        "CaseInsensitive": false,
        "ConvertDotsInJsonKeysToUnderscores": true,
        "ColumnToJsonKeyMappings": {"TS": "timestamp"}
    }}}))
    .unwrap();
    let mut m = BTreeMap::new();
    m.insert("ts".to_string(), "timestamp".to_string());
    assert_eq!(
        openx,
        Deserializer::OpenX {
            case_insensitive: false,
            convert_dots_in_json_keys_to_underscores: true,
            column_to_json_key_mappings: m
        }
    );
    let h = Deserializer::from_aws(
        &json!({"Deserializer": {"HiveJsonSerDe": {"TimestampFormats": ["millis", "yyyy/MM/dd"]}}}),
    );
    assert_eq!(h, Ok(hive(&["millis", "yyyy/MM/dd"])));
    assert!(Deserializer::from_aws(
        &json!({"Deserializer": {"HiveJsonSerDe": {}, "OpenXJsonSerDe": {}}})
    )
    .is_err());
    assert!(Deserializer::from_aws(
        &json!({"Deserializer": {"HiveJsonSerDe": {"TimestampFormats": ["EEE yyyy"]}}})
    )
    .is_err());
    assert!(Deserializer::from_aws(
        &json!({"Deserializer": {"OpenXJsonSerDe": {"CaseInsensitive": "yes"}}})
    )
    .is_err());
    assert_eq!(ParquetCompression::default(), ParquetCompression::Snappy);
    assert_eq!(
        ParquetCompression::parse("gzip"),
        Ok(ParquetCompression::Gzip)
    );
    assert_eq!("UNCOMPRESSED".parse(), Ok(ParquetCompression::Uncompressed));
    assert!(ParquetCompression::parse("ZSTD").is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn openx_matches_keys_case_insensitively_and_ignores_extras() {
    let s = schema(&[("id", "int"), ("name", "string"), ("gone", "double")]);
    let de = Deserializer::default();
    let row = one(&s, &de, r#"{"ID": 7, "Name": "a", "extra": [1,2]}"#);
    assert_eq!(row, vec![Cell::I32(7), Cell::Str("a".into()), Cell::Null]);
    let row = one(
        &s,
        &de,
        r#"{"id": null, "name": {"x": [1, true]}, "gone": 1.5}"#,
    );
    assert_eq!(
        row,
        vec![
            Cell::Null,
            Cell::Str(r#"{"x":[1,true]}"#.into()),
            Cell::F64(1.5)
        ]
    );
    let strict = Deserializer::OpenX {
        case_insensitive: false,
        convert_dots_in_json_keys_to_underscores: false,
        column_to_json_key_mappings: BTreeMap::new(),
    };
    assert_eq!(one(&s, &strict, r#"{"ID": 7, "id": 8}"#)[0], Cell::I32(8));
    assert_eq!(one(&s, &strict, r#"{"ID": 7}"#)[0], Cell::Null);
    // Hive JSON SerDe also matches case-insensitively; numbers into string columns become text.
    assert_eq!(
        one(&s, &hive(&[]), r#"{"NAME": 12.5}"#)[1],
        Cell::Str("12.5".into())
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn openx_column_mappings_and_dots() {
    let s = schema(&[("ts", "timestamp"), ("user_id", "bigint")]);
    let mut m = BTreeMap::new();
    m.insert("ts".to_string(), "timestamp".to_string());
    let de = Deserializer::OpenX {
        case_insensitive: true,
        convert_dots_in_json_keys_to_underscores: true,
        column_to_json_key_mappings: m,
    };
    let row = one(
        &s,
        &de,
        r#"{"Timestamp": "2026-01-01T00:00:00Z", "user.id": 9, "ts": 5}"#,
    );
    assert_eq!(row, vec![Cell::TimestampMillis(JAN1_2026_MS), Cell::I64(9)]);
    // Without the dot conversion "user.id" does not feed user_id.
    let row = one(&s, &Deserializer::default(), r#"{"user.id": 9}"#);
    assert_eq!(row, vec![Cell::Null, Cell::Null]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn numbers_as_strings_and_every_type_convert() {
    let s = schema(&[
        ("i", "int"),
        ("b", "bigint"),
        ("s", "smallint"),
        ("t", "tinyint"),
        ("d", "double"),
        ("f", "float"),
        ("o", "boolean"),
        ("dt", "date"),
    ]);
    let de = Deserializer::default();
    let row = one(
        &s,
        &de,
        r#"{"i":"42","b":"-9000000000","s":"-300","t":" 7 ","d":"2.5","f":"0.25","o":"TRUE","dt":"2026-01-02"}"#,
    );
    assert_eq!(
        row,
        vec![
            Cell::I32(42),
            Cell::I64(-9_000_000_000),
            Cell::I32(-300),
            Cell::I32(7),
            Cell::F64(2.5),
            Cell::F32(0.25),
            Cell::Bool(true),
            Cell::Date(20455),
        ]
    );
    let row = one(&s, &de, r#"{"i":3.9,"b":1e3,"o":false,"dt":20455}"#);
    assert_eq!(&row[..2], &[Cell::I32(3), Cell::I64(1000)]);
    assert_eq!(row[6], Cell::Bool(false));
    assert_eq!(row[7], Cell::Date(20455));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn openx_timestamps_iso_and_epoch() {
    let s = schema(&[("ts", "timestamp")]);
    let de = Deserializer::default();
    let ts = |v: &str| one(&s, &de, &format!(r#"{{"ts": {v}}}"#))[0].clone();
    let ms = Cell::TimestampMillis;
    assert_eq!(
        ts(r#""2026-01-01T10:00:00Z""#),
        ms(JAN1_2026_MS + 36_000_000)
    );
    assert_eq!(
        ts(r#""2026-01-01 10:00:00""#),
        ms(JAN1_2026_MS + 36_000_000)
    );
    assert_eq!(
        ts(r#""2026-1-1 10:00:00.5""#),
        ms(JAN1_2026_MS + 36_000_500)
    );
    assert_eq!(
        ts(r#""2026-01-01T10:00:00.123456789Z""#),
        ms(JAN1_2026_MS + 36_000_123)
    );
    assert_eq!(
        ts(r#""2026-01-01T10:00:00+02:00""#),
        ms(JAN1_2026_MS + 28_800_000)
    );
    assert_eq!(
        ts(r#""2026-01-01T10:00:00-0130""#),
        ms(JAN1_2026_MS + 41_400_000)
    );
    assert_eq!(ts(r#""2026-01-01T10:00Z""#), ms(JAN1_2026_MS + 36_000_000));
    assert_eq!(ts(r#""2026-01-01""#), ms(JAN1_2026_MS));
    // Epoch: below 10^11 seconds, otherwise milliseconds; fractions are seconds.
    assert_eq!(ts("1767225600"), ms(JAN1_2026_MS));
    assert_eq!(ts("1767225600123"), ms(JAN1_2026_MS + 123));
    assert_eq!(ts(r#""1767225600""#), ms(JAN1_2026_MS));
    assert_eq!(ts("1767225600.25"), ms(JAN1_2026_MS + 250));
    assert_eq!(ts("-1"), ms(-1000));
    assert_eq!(ts(r#""1969-12-31T23:59:59.999Z""#), ms(-1));
    for bad in [
        r#""2026-02-30T00:00:00Z""#,
        r#""yesterday""#,
        r#""2026-01-01T25:00:00""#,
        "true",
        "[1]",
    ] {
        let err = deserialize(&s, &de, format!(r#"{{"ts": {bad}}}"#).as_bytes()).unwrap_err();
        assert!(err.contains("\"ts\""), "{err}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn hive_timestamps_default_and_formats() {
    let s = schema(&[("ts", "timestamp")]);
    let ms = Cell::TimestampMillis;
    let plain = hive(&[]);
    assert_eq!(
        one(&s, &plain, r#"{"ts":"2026-01-01 10:00:00"}"#)[0],
        ms(JAN1_2026_MS + 36_000_000)
    );
    assert_eq!(
        one(&s, &plain, r#"{"ts":"2026-01-01 10:00:00.007"}"#)[0],
        ms(JAN1_2026_MS + 36_000_007)
    );
    // java.sql.Timestamp.valueOf: no 'T', no zone, no bare date, no epoch numbers.
    for bad in [
        "\"2026-01-01T10:00:00\"",
        "\"2026-01-01 10:00:00Z\"",
        "\"2026-01-01\"",
        "1767225600",
    ] {
        assert!(
            deserialize(&s, &plain, format!(r#"{{"ts":{bad}}}"#).as_bytes()).is_err(),
            "{bad}"
        );
    }
    let fmts = hive(&[
        "millis",
        "dd/MM/yyyy HH:mm:ss.SSS",
        "yyyy-MM-dd'T'HH:mm:ssZ",
    ]);
    assert_eq!(one(&s, &fmts, r#"{"ts":1767225600}"#)[0], ms(1_767_225_600));
    assert_eq!(
        one(&s, &fmts, r#"{"ts":"01/01/2026 10:00:00.250"}"#)[0],
        ms(JAN1_2026_MS + 36_000_250)
    );
    assert_eq!(
        one(&s, &fmts, r#"{"ts":"2026-01-01T10:00:00+0100"}"#)[0],
        ms(JAN1_2026_MS + 32_400_000)
    );
    // Absurd patterns and values fail instead of overflowing.
    let long = hive(&["yyyyyyyyyyyyyyyyyyyyyyyy"]);
    assert!(deserialize(&s, &long, br#"{"ts":"999999999999999999999999"}"#).is_err());
    let wide = hive(&["yyyyyyyyyy"]);
    assert!(deserialize(&s, &wide, br#"{"ts":"9999999999"}"#).is_err());
    // The default still applies after the formats.
    assert_eq!(
        one(&s, &fmts, r#"{"ts":"2026-01-01 00:00:00"}"#)[0],
        ms(JAN1_2026_MS)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn conversion_failures_name_the_column() {
    let s = schema(&[
        ("n", "int"),
        ("t", "tinyint"),
        ("ok", "boolean"),
        ("d", "date"),
    ]);
    let de = Deserializer::default();
    let fail = |r: &str| deserialize(&s, &de, r.as_bytes()).unwrap_err();
    let e = fail(r#"{"n":"abc"}"#);
    assert!(e.contains("\"n\"") && e.contains("int"), "{e}");
    assert!(fail(r#"{"n":{"a":1}}"#).contains("\"n\""));
    assert!(fail(r#"{"n":3000000000}"#).contains("out of range"));
    assert!(fail(r#"{"t":300}"#).contains("\"t\""));
    assert!(fail(r#"{"ok":"maybe"}"#).contains("\"ok\""));
    assert!(fail(r#"{"d":"01/02/2026"}"#).contains("\"d\""));
    assert!(fail(r#"[{"n":1}]"#).contains("array"));
    assert!(fail(r#"{"n":1} 5"#).contains("not an object"));
    assert!(fail("").contains("no JSON object"));
    assert!(fail("   \n").contains("no JSON object"));
    assert!(fail(r#"{"n":1"#).contains("not valid JSON"));
    assert!(deserialize(&s, &de, &[0xff, 0xfe, b'{']).is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn concatenated_objects_become_rows() {
    let s = schema(&[("n", "int")]);
    let rows = deserialize(
        &s,
        &Deserializer::default(),
        b"{\"n\":1}{\"n\":2}\n{\"N\":3}\n",
    )
    .unwrap();
    assert_eq!(
        rows,
        vec![
            Row(vec![Cell::I32(1)]),
            Row(vec![Cell::I32(2)]),
            Row(vec![Cell::I32(3)])
        ]
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn civil_date_arithmetic_round_trips() {
    assert_eq!(days_from_civil(1970, 1, 1), 0);
    assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    assert_eq!(days_from_civil(2026, 1, 1), 20_454);
    assert_eq!(days_from_civil(1969, 12, 31), -1);
    for z in (-800_000..800_000).step_by(997) {
        let (y, m, d) = civil_from_days(z);
        assert_eq!(days_from_civil(y, m, d), z);
    }
    assert_eq!(civil_from_days(11_016), (2000, 2, 29));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn writer_is_deterministic_and_framed() {
    let s = schema(&[("a", "string"), ("b", "int")]);
    let rows = vec![
        Row(vec![Cell::Str("x".into()), Cell::Null]),
        Row(vec![Cell::Null, Cell::I32(1)]),
    ];
    for c in [
        ParquetCompression::Uncompressed,
        ParquetCompression::Snappy,
        ParquetCompression::Gzip,
    ] {
        let f = write_parquet(&s, &rows, c);
        assert_eq!(f, write_parquet(&s, &rows, c));
        assert_eq!(&f[..4], b"PAR1");
        assert_eq!(&f[f.len() - 4..], b"PAR1");
        let footer_len =
            u32::from_le_bytes(f[f.len() - 8..f.len() - 4].try_into().unwrap()) as usize;
        assert!(footer_len + 12 <= f.len());
    }
    // Mismatched cells and short rows never panic (written as nulls).
    let odd = vec![Row(vec![Cell::Bool(true)]), Row(vec![])];
    assert!(write_parquet(&s, &odd, ParquetCompression::Snappy).len() > 12);
}

/// Reading files back with the `parquet` crate (a standard reader) — native only.
#[cfg(not(target_arch = "wasm32"))]
mod read_back {
    use super::*;
    use parquet::basic::{Compression, ConvertedType, Type as PhysicalType};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static N: AtomicUsize = AtomicUsize::new(0);

    /// Opens the bytes with the parquet crate (via a temp file) and returns its reader.
    fn open(bytes: &[u8]) -> SerializedFileReader<std::fs::File> {
        let path = std::env::temp_dir().join(format!(
            "kp-parquet-{}-{}.parquet",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::write(&path, bytes).unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        SerializedFileReader::new(file).expect("parquet crate opens the file")
    }

    fn to_cell(f: &Field) -> Cell {
        match f {
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
        }
    }

    fn read_rows(bytes: &[u8]) -> Vec<Row> {
        let reader = open(bytes);
        reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| {
                Row(r
                    .unwrap()
                    .get_column_iter()
                    .map(|(_, f)| to_cell(f))
                    .collect())
            })
            .collect()
    }

    fn all_types() -> TableSchema {
        schema(&[
            ("s", "string"),
            ("i", "int"),
            ("b", "bigint"),
            ("sm", "smallint"),
            ("ti", "tinyint"),
            ("d", "double"),
            ("f", "float"),
            ("o", "boolean"),
            ("ts", "timestamp"),
            ("dt", "date"),
        ])
    }

    fn sample_rows() -> Vec<Row> {
        (0..300)
            .map(|k: i32| {
                let null = |n: i32| k % n == 0;
                let c = |n: i32, cell: Cell| if null(n) { Cell::Null } else { cell };
                Row(vec![
                    c(3, Cell::Str(format!("row-{k}-é"))),
                    c(4, Cell::I32(k * 1000 - 7)),
                    c(5, Cell::I64(i64::from(k) * 10_000_000_000)),
                    c(6, Cell::I32(k - 150)),
                    c(7, Cell::I32(k % 256 - 128)),
                    c(8, Cell::F64(f64::from(k) / 3.0)),
                    c(9, Cell::F32(k as f32 * -0.5)),
                    c(2, Cell::Bool(k % 3 == 1)),
                    c(
                        11,
                        Cell::TimestampMillis(JAN1_2026_MS + i64::from(k) * 1001),
                    ),
                    c(13, Cell::Date(20_454 - k)),
                ])
            })
            .collect()
    }

    #[test]
    fn every_type_with_nulls_round_trips_in_all_compressions() {
        let s = all_types();
        let rows = sample_rows();
        for c in [
            ParquetCompression::Uncompressed,
            ParquetCompression::Snappy,
            ParquetCompression::Gzip,
        ] {
            let bytes = write_parquet(&s, &rows, c);
            assert_eq!(read_rows(&bytes), rows, "{c:?}");
            let reader = open(&bytes);
            let rg = reader.metadata().row_group(0);
            for col in rg.columns() {
                let want = match c {
                    ParquetCompression::Uncompressed => Compression::UNCOMPRESSED,
                    ParquetCompression::Snappy => Compression::SNAPPY,
                    ParquetCompression::Gzip => Compression::GZIP(Default::default()),
                };
                assert_eq!(col.compression(), want);
            }
        }
    }

    #[test]
    fn schema_statistics_and_metadata() {
        let s = all_types();
        let rows = sample_rows();
        let reader = open(&write_parquet(&s, &rows, ParquetCompression::Snappy));
        let meta = reader.metadata();
        let fm = meta.file_metadata();
        assert_eq!(fm.num_rows(), 300);
        assert_eq!(fm.created_by(), Some("kinesis-playground"));
        let descr = fm.schema_descr();
        assert_eq!(descr.num_columns(), 10);
        let expect = [
            (PhysicalType::BYTE_ARRAY, ConvertedType::UTF8),
            (PhysicalType::INT32, ConvertedType::NONE),
            (PhysicalType::INT64, ConvertedType::NONE),
            (PhysicalType::INT32, ConvertedType::INT_16),
            (PhysicalType::INT32, ConvertedType::INT_8),
            (PhysicalType::DOUBLE, ConvertedType::NONE),
            (PhysicalType::FLOAT, ConvertedType::NONE),
            (PhysicalType::BOOLEAN, ConvertedType::NONE),
            (PhysicalType::INT64, ConvertedType::TIMESTAMP_MILLIS),
            (PhysicalType::INT32, ConvertedType::DATE),
        ];
        for (k, (phys, conv)) in expect.iter().enumerate() {
            let col = descr.column(k);
            assert_eq!(col.name(), s.columns[k].name);
            assert_eq!(col.physical_type(), *phys);
            assert_eq!(col.converted_type(), *conv);
            assert_eq!(col.max_def_level(), 1);
        }
        let rg = meta.row_group(0);
        assert_eq!(rg.num_rows(), 300);
        let null_counts = [100, 75, 60, 50, 43, 38, 34, 150, 28, 24];
        for (k, want) in null_counts.iter().enumerate() {
            let cc = rg.column(k);
            assert_eq!(cc.num_values(), 300);
            let stats = cc.statistics().expect("statistics");
            assert_eq!(stats.null_count_opt(), Some(*want), "column {k}");
        }
        use parquet::file::statistics::Statistics;
        match rg.column(1).statistics().unwrap() {
            Statistics::Int32(v) => {
                assert_eq!(v.min_opt(), Some(&993));
                assert_eq!(v.max_opt(), Some(&298_993));
            }
            other => panic!("{other:?}"),
        }
        match rg.column(0).statistics().unwrap() {
            Statistics::ByteArray(v) => {
                assert_eq!(v.min_opt().unwrap().as_utf8().unwrap(), "row-1-é")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn zero_rows_is_a_valid_file() {
        let s = all_types();
        let bytes = write_parquet(&s, &[], ParquetCompression::Snappy);
        let reader = open(&bytes);
        assert_eq!(reader.metadata().file_metadata().num_rows(), 0);
        assert_eq!(
            reader
                .metadata()
                .file_metadata()
                .schema_descr()
                .num_columns(),
            10
        );
        assert!(read_rows(&bytes).is_empty());
    }

    #[test]
    fn json_records_convert_end_to_end() {
        let s = schema(&[
            ("ts", "timestamp"),
            ("user", "string"),
            ("n", "int"),
            ("ok", "boolean"),
        ]);
        let de = Deserializer::default();
        let mut rows = Vec::new();
        for rec in [
            r#"{"ts":"2026-01-01T00:00:00Z","User":"ann","n":"1","ok":true}"#,
            r#"{"ts":1767225600123,"user":null,"n":2}{"n":3,"extra":{}}"#,
        ] {
            rows.extend(deserialize(&s, &de, rec.as_bytes()).unwrap());
        }
        let got = read_rows(&write_parquet(&s, &rows, ParquetCompression::Gzip));
        assert_eq!(
            got,
            vec![
                Row(vec![
                    Cell::TimestampMillis(JAN1_2026_MS),
                    Cell::Str("ann".into()),
                    Cell::I32(1),
                    Cell::Bool(true)
                ]),
                Row(vec![
                    Cell::TimestampMillis(JAN1_2026_MS + 123),
                    Cell::Null,
                    Cell::I32(2),
                    Cell::Null
                ]),
                Row(vec![Cell::Null, Cell::Null, Cell::I32(3), Cell::Null]),
            ]
        );
    }
}
