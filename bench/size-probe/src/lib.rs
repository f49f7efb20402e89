//! Size probe: the wasm bytes Firehose compression + Parquet code add (`scripts/size-probe`).
//! Built twice (with and without feature `full`); the difference is their share of the wasm.
use kinesis_playground::engine::firehose::compression::{compress, decompress, CompressionFormat};
use kinesis_playground::engine::firehose::parquet::{deserialize, write_parquet, Deserializer, ParquetCompression, TableSchema};

#[no_mangle]
pub extern "C" fn probe(n: u32) -> u32 {
    let data: Vec<u8> = (0..n).map(|i| (i * 7) as u8).collect();
    let mut total = 0usize;
    #[cfg(feature = "full")]
    {
        for f in CompressionFormat::ALL {
            let c = compress(f, &data, "x", n as u64);
            total += c.len() + decompress(f, &c).map(|d| d.len()).unwrap_or(0);
        }
        let schema = TableSchema::from_glue_columns(&serde_json::json!([{"Name":"a","Type":"bigint"},{"Name":"b","Type":"string"},{"Name":"c","Type":"timestamp"},{"Name":"d","Type":"double"},{"Name":"e","Type":"boolean"},{"Name":"f","Type":"date"},{"Name":"g","Type":"float"},{"Name":"h","Type":"int"}])).unwrap();
        let rows = deserialize(&schema, &Deserializer::default(), &data).unwrap_or_default();
        for c in [ParquetCompression::Uncompressed, ParquetCompression::Snappy, ParquetCompression::Gzip] {
            total += write_parquet(&schema, &rows, c).len();
        }
    }
    #[cfg(not(feature = "full"))]
    {
        let v: serde_json::Value = serde_json::from_slice(&data).unwrap_or_default();
        total += v.to_string().len();
    }
    total as u32
}
