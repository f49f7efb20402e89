//! Property tests of Firehose object compression (semantics.md §4.5): every format round-trips
//! arbitrary bodies (empty, small, and larger than Hadoop-Snappy's 218 422-byte blocks), output is
//! a pure function of the input, and decompression of random or mutated bytes returns `Err` or
//! `Ok` but never panics.
#![cfg(not(target_arch = "wasm32"))]

use kinesis_playground::engine::firehose::compression::{compress, decompress, CompressionFormat};
use proptest::prelude::*;

fn any_format() -> impl Strategy<Value = CompressionFormat> {
    prop::sample::select(CompressionFormat::ALL.to_vec())
}

/// Bodies: mostly small and random, sometimes long runs so large inputs stay cheap to generate.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 0..2_000),
        1 => (prop::collection::vec(any::<u8>(), 1..64), 200_000usize..600_000)
            .prop_map(|(pattern, n)| pattern.iter().copied().cycle().take(n).collect()),
        1 => (any::<u64>(), 250_000usize..450_000).prop_map(|(seed, n)| {
            let mut x = seed | 1;
            (0..n).map(|_| { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x as u8 }).collect()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn round_trip_and_determinism(format in any_format(), data in body(), name in "[a-zA-Z0-9._é-]{0,40}", mtime in any::<u64>()) {
        let a = compress(format, &data, &name, mtime);
        prop_assert_eq!(&a, &compress(format, &data, &name, mtime));
        prop_assert_eq!(decompress(format, &a).unwrap(), data);
    }

    #[test]
    fn decompress_never_panics_on_random_bytes(format in any_format(), junk in prop::collection::vec(any::<u8>(), 0..4_096)) {
        let _ = decompress(format, &junk);
    }

    #[test]
    fn decompress_never_panics_on_mutated_objects(
        format in any_format(),
        data in prop::collection::vec(any::<u8>(), 0..3_000),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = compress(format, &data, "entry.json", 1_700_000_000);
        for (at, value) in edits {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        if let Ok(out) = decompress(format, &bytes) {
            // Whatever decodes stays within a sane bound of the input (no runaway allocation).
            prop_assert!(out.len() <= 64 * bytes.len() + 1024 || format == CompressionFormat::Gzip);
        }
    }
}
