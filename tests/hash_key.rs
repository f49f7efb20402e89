//! Partition key → MD5 → 128-bit hash key, and the initial hash-key layout
//! (semantics.md §1.2, §1.3).

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kinesis_playground::engine::kinesis::hash_key::{
    initial_layout, layout_width, parse_hash_key, partition_key_hash, HashKeyRange, MAX_HASH_KEY,
};

/// The RFC 1321 (appendix A.5) test suite, digests as hex.
const RFC1321: &[(&str, &str)] = &[
    ("", "d41d8cd98f00b204e9800998ecf8427e"),
    ("a", "0cc175b9c0f1b6a831c399e269772661"),
    ("abc", "900150983cd24fb0d6963f7d28e17f72"),
    ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
    (
        "abcdefghijklmnopqrstuvwxyz",
        "c3fcd3d76192e4007dfb496cca67e13b",
    ),
    (
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "d174ab98d277d9f5a5611c2c9f419d9f",
    ),
    (
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
        "57edf4a22be3c955ac49da2e2107b67a",
    ),
];

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn md5_rfc1321_vectors_as_big_endian_u128() {
    for (input, hex) in RFC1321 {
        let expected = u128::from_str_radix(hex, 16).unwrap();
        assert_eq!(partition_key_hash(input), expected, "MD5({input:?})");
        // Big-endian: the first digest byte is the most significant byte of the hash key.
        let first_byte = u8::from_str_radix(&hex[..2], 16).unwrap();
        assert_eq!((partition_key_hash(input) >> 120) as u8, first_byte);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn md5_rfc1321_vectors_in_decimal() {
    // The same digests as the decimal strings the Kinesis API would show.
    let decimal: &[(&str, &str)] = &[
        ("", "281949768489412648962353822266799178366"),
        ("a", "16955237001963240173058271559858726497"),
        ("abc", "191415658344158766168031473277922803570"),
        ("message digest", "331535486309434048055371704012530344400"),
        (
            "abcdefghijklmnopqrstuvwxyz",
            "260512214639088308678894329322017382715",
        ),
    ];
    for (input, dec) in decimal {
        assert_eq!(
            partition_key_hash(input).to_string(),
            *dec,
            "MD5({input:?}) in decimal"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn md5_hashes_utf8_bytes() {
    // Digests of the UTF-8 bytes (computed independently with Python's hashlib). "日本語" starts
    // with a zero byte, so it also checks that leading zeros are kept in the big-endian reading.
    let cases = [
        ("é", "66ddcd97cfdeabb2f6fb8a999b4bc76f"),
        ("ключ", "c3657b66c60a307292aae11f07b04ae7"),
        ("🦀 key", "6a14ae59e0697402f0c4bae2e70f3770"),
        ("日本語", "00110af8b4393ef3f72c50be5b332bec"),
    ];
    for (key, hex) in cases {
        assert_eq!(
            partition_key_hash(key),
            u128::from_str_radix(hex, 16).unwrap(),
            "{key:?}"
        );
    }
    assert!(partition_key_hash("日本語") < 1u128 << 120);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn worked_examples_of_section_1_2() {
    let layout = initial_layout(4);
    let shard_of = |h: u128| layout.iter().position(|r| r.contains(h)).unwrap();

    let a = partition_key_hash("a");
    assert_eq!(a, 16955237001963240173058271559858726497);
    assert_eq!(format!("{a:032x}"), "0cc175b9c0f1b6a831c399e269772661");
    assert_eq!(shard_of(a), 0);

    let u = partition_key_hash("user-1");
    assert_eq!(u, 285573413173782752570879317399258818820);
    assert_eq!(format!("{u:032x}"), "d6d7705392bc7af633328bea8c4c6904");
    assert_eq!(shard_of(u), 3);
}

fn dec(r: &HashKeyRange) -> (String, String) {
    (r.starting.to_string(), r.ending.to_string())
}

fn assert_layout(n: u32, expected: &[(&str, &str)]) {
    let layout = initial_layout(n);
    assert_eq!(layout.len(), n as usize, "N = {n}");
    let got: Vec<(String, String)> = layout.iter().map(dec).collect();
    let want: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want, "layout of N = {n}");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn layout_1_shard() {
    assert_layout(1, &[("0", "340282366920938463463374607431768211455")]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn layout_2_shards_power_of_two_trap() {
    assert_layout(
        2,
        &[
            ("0", "170141183460469231731687303715884105727"),
            (
                "170141183460469231731687303715884105728",
                "340282366920938463463374607431768211455",
            ),
        ],
    );
    // The trap: u128::MAX / 2 ends in …727, floor(2^128 / 2) = 2^127 ends in …728.
    assert_eq!(
        (u128::MAX / 2).to_string(),
        "170141183460469231731687303715884105727"
    );
    assert_eq!(layout_width(2), Some(1u128 << 127));
    assert_eq!(initial_layout(2)[1].starting, 1u128 << 127);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn layout_3_shards_matches_real_describe_stream() {
    assert_layout(
        3,
        &[
            ("0", "113427455640312821154458202477256070484"),
            (
                "113427455640312821154458202477256070485",
                "226854911280625642308916404954512140969",
            ),
            (
                "226854911280625642308916404954512140970",
                "340282366920938463463374607431768211455",
            ),
        ],
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn layout_4_shards() {
    assert_layout(
        4,
        &[
            ("0", "85070591730234615865843651857942052863"),
            (
                "85070591730234615865843651857942052864",
                "170141183460469231731687303715884105727",
            ),
            (
                "170141183460469231731687303715884105728",
                "255211775190703847597530955573826158591",
            ),
            (
                "255211775190703847597530955573826158592",
                "340282366920938463463374607431768211455",
            ),
        ],
    );
    assert_eq!(layout_width(4), Some(1u128 << 126));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn layout_5_shards() {
    let layout = initial_layout(5);
    assert_eq!(layout.len(), 5);
    assert_eq!(
        dec(&layout[0]),
        ("0".into(), "68056473384187692692674921486353642290".into())
    );
    assert_eq!(
        dec(&layout[4]),
        (
            "272225893536750770770699685945414569164".into(),
            "340282366920938463463374607431768211455".into()
        )
    );
    // The middle shards, from w = floor(2^128 / 5) = 68056473384187692692674921486353642291.
    assert_eq!(
        dec(&layout[1]),
        (
            "68056473384187692692674921486353642291".into(),
            "136112946768375385385349842972707284581".into()
        )
    );
    assert_eq!(
        dec(&layout[3]),
        (
            "204169420152563078078024764459060926873".into(),
            "272225893536750770770699685945414569163".into()
        )
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn layout_10_shards() {
    let layout = initial_layout(10);
    assert_eq!(layout.len(), 10);
    assert_eq!(layout[0].starting, 0);
    assert_eq!(
        layout[0].ending.to_string(),
        "34028236692093846346337460743176821144"
    );
    assert_eq!(
        layout[9].starting.to_string(),
        "306254130228844617117037146688591390305"
    );
    assert_eq!(layout[9].ending, MAX_HASH_KEY);
    for pair in layout.windows(2) {
        assert!(pair[0].is_followed_by(&pair[1]));
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn layout_width_is_floor_of_2_pow_128_over_n() {
    // floor(2^128 / n) computed independently: 2^128 = u128::MAX + 1.
    for n in [
        2u32, 3, 4, 5, 7, 8, 10, 16, 64, 100, 128, 256, 500, 1000, 1024, 10_000,
    ] {
        let n128 = u128::from(n);
        let q = u128::MAX / n128;
        let r = u128::MAX % n128;
        let want = if r + 1 == n128 { q + 1 } else { q };
        assert_eq!(layout_width(n), Some(want), "n = {n}");
    }
    assert_eq!(layout_width(0), None);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn explicit_hash_key_parsing() {
    assert_eq!(parse_hash_key("0"), Some(0));
    assert_eq!(parse_hash_key("1"), Some(1));
    assert_eq!(
        parse_hash_key("340282366920938463463374607431768211455"),
        Some(u128::MAX)
    );
    for bad in [
        "340282366920938463463374607431768211456",  // 2^128
        "999999999999999999999999999999999999999",  // 39 digits, too large
        "1000000000000000000000000000000000000000", // 40 digits
        "-1",
        "01",
        "00",
        "abc",
        "",
        " 1",
        "1.0",
        "+1",
    ] {
        assert_eq!(parse_hash_key(bad), None, "{bad:?} must be rejected");
    }
}
