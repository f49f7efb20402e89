//! Firehose object compression (semantics.md §4.5): AWS spellings and file extensions, known-answer
//! bytes for every format, round trips, determinism, corrupt-input errors, and (natively) standard
//! readers: the `zip` crate and, when `python3` is on the PATH, Python's `gzip` and `zipfile`.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use kinesis_playground::engine::firehose::compression::hadoop_snappy::MAX_INPUT_SIZE;
use kinesis_playground::engine::firehose::compression::zip::{dos_date_time, read_single_entry};
use kinesis_playground::engine::firehose::compression::{compress, decompress, CompressionFormat};

/// 2024-03-15T13:45:31Z.
const MTIME: u64 = 1_710_510_331;

/// Varied, partly compressible bytes (a deterministic LCG), `n` long.
fn sample(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..n)
        .map(|i| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if i % 3 == 0 {
                b"{\"k\":1}\n"[i % 8]
            } else {
                (x >> 24) as u8
            }
        })
        .collect()
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn names_parse_and_extensions_follow_aws() {
    let expected = [
        (CompressionFormat::Uncompressed, "UNCOMPRESSED", ""),
        (CompressionFormat::Gzip, "GZIP", ".gz"),
        (CompressionFormat::Zip, "ZIP", ".zip"),
        (CompressionFormat::Snappy, "Snappy", ".snappy"),
        (CompressionFormat::HadoopSnappy, "HADOOP_SNAPPY", ".hsnappy"),
    ];
    assert_eq!(CompressionFormat::ALL.len(), expected.len());
    for (format, name, ext) in expected {
        assert_eq!(format.as_str(), name);
        assert_eq!(format.extension(), ext);
        assert_eq!(CompressionFormat::parse(name), Some(format));
        assert_eq!(format.to_string(), name);
    }
    assert_eq!(
        CompressionFormat::default(),
        CompressionFormat::Uncompressed
    );
    for wrong in [
        "SNAPPY",
        "gzip",
        "Zip",
        "hadoop_snappy",
        "",
        " GZIP",
        "NONE",
    ] {
        assert_eq!(CompressionFormat::parse(wrong), None, "{wrong:?}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn uncompressed_is_identity() {
    let data = sample(1000);
    assert_eq!(
        compress(CompressionFormat::Uncompressed, &data, "x", MTIME),
        data
    );
    assert_eq!(
        decompress(CompressionFormat::Uncompressed, &data).unwrap(),
        data
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn gzip_header_and_trailer_are_rfc1952() {
    let gz = compress(CompressionFormat::Gzip, b"abc", "ignored", MTIME);
    // ID1 ID2 CM=deflate FLG=0 MTIME(LE) XFL=0 OS=255.
    let mut header = vec![0x1f, 0x8b, 0x08, 0x00];
    header.extend_from_slice(&(MTIME as u32).to_le_bytes());
    header.extend_from_slice(&[0x00, 0xff]);
    assert_eq!(&gz[..10], &header[..]);
    // CRC-32("abc") = 0x352441c2, ISIZE = 3, both little-endian.
    assert_eq!(&gz[gz.len() - 8..], &[0xc2, 0x41, 0x24, 0x35, 3, 0, 0, 0]);
    assert_eq!(decompress(CompressionFormat::Gzip, &gz).unwrap(), b"abc");
    // A time beyond the 32-bit MTIME field is written as 0 ("no time stamp").
    let late = compress(CompressionFormat::Gzip, b"abc", "", 1 << 40);
    assert_eq!(&late[4..8], &[0, 0, 0, 0]);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn zip_container_is_a_single_deflated_entry() {
    let data = sample(5000);
    let zip = compress(CompressionFormat::Zip, &data, "stream-1-2024.json", MTIME);
    assert_eq!(&zip[..4], b"PK\x03\x04");
    assert_eq!(u16::from_le_bytes([zip[8], zip[9]]), 8, "method deflate");
    let (time, date) = dos_date_time(MTIME);
    assert_eq!(u16::from_le_bytes([zip[10], zip[11]]), time);
    assert_eq!(u16::from_le_bytes([zip[12], zip[13]]), date);
    let eocd = zip.len() - 22;
    assert_eq!(&zip[eocd..eocd + 4], b"PK\x05\x06");
    let (name, bytes) = read_single_entry(&zip).unwrap();
    assert_eq!(name, "stream-1-2024.json");
    assert_eq!(bytes, data);
    assert_eq!(decompress(CompressionFormat::Zip, &zip).unwrap(), data);
    // Non-ASCII names round-trip (UTF-8 flag).
    let zip = compress(CompressionFormat::Zip, b"x", "données-é.txt", MTIME);
    assert_eq!(u16::from_le_bytes([zip[6], zip[7]]) & (1 << 11), 1 << 11);
    assert_eq!(read_single_entry(&zip).unwrap().0, "données-é.txt");
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn dos_date_time_is_utc_and_clamped() {
    // 2024-03-15 13:45:31 → time 13:45:30 (2-second resolution), date (44, 3, 15).
    assert_eq!(
        dos_date_time(MTIME),
        ((13 << 11) | (45 << 5) | 15, (44 << 9) | (3 << 5) | 15)
    );
    // 1980-01-01T00:00:00Z is the DOS epoch; earlier times clamp to it.
    assert_eq!(dos_date_time(315_532_800), (0, (1 << 5) | 1));
    assert_eq!(dos_date_time(0), (0, (1 << 5) | 1));
    // 2000-02-29T23:59:59Z (leap day).
    assert_eq!(
        dos_date_time(951_868_799),
        ((23 << 11) | (59 << 5) | 29, (20 << 9) | (2 << 5) | 29)
    );
    // After 2107 clamps to 2107-12-31 23:59:58.
    assert_eq!(
        dos_date_time(u64::MAX),
        ((23 << 11) | (59 << 5) | 29, (127 << 9) | (12 << 5) | 31)
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn snappy_is_the_framing_format() {
    let framed = compress(CompressionFormat::Snappy, b"abc", "ignored", MTIME);
    let mut expected = b"\xff\x06\x00\x00sNaPpY".to_vec();
    // Uncompressed chunk (type 0x01), length 7 (LE24), masked CRC-32C of "abc" (LE), data.
    expected.extend_from_slice(&[0x01, 0x07, 0x00, 0x00, 0x6e, 0x57, 0xf1, 0x21]);
    expected.extend_from_slice(b"abc");
    assert_eq!(framed, expected);
    assert_eq!(
        decompress(CompressionFormat::Snappy, &framed).unwrap(),
        b"abc"
    );
    // An empty body is still a valid stream: just the stream identifier.
    let empty = compress(CompressionFormat::Snappy, b"", "", MTIME);
    assert_eq!(empty, b"\xff\x06\x00\x00sNaPpY");
    assert_eq!(decompress(CompressionFormat::Snappy, &empty).unwrap(), b"");
    // Compressible data uses compressed chunks (type 0x00).
    let framed = compress(CompressionFormat::Snappy, &[b'a'; 1000], "", MTIME);
    assert_eq!(framed[10], 0x00);
    assert!(framed.len() < 100);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn hadoop_snappy_known_bytes() {
    // Block: uncompressed length 3 (BE); chunk: compressed length 5 (BE), raw snappy block
    // [varint 3][literal tag (3-1)<<2]["abc"].
    let hs = compress(CompressionFormat::HadoopSnappy, b"abc", "ignored", MTIME);
    assert_eq!(hs, [0, 0, 0, 3, 0, 0, 0, 5, 0x03, 0x08, b'a', b'b', b'c']);
    assert_eq!(
        decompress(CompressionFormat::HadoopSnappy, &hs).unwrap(),
        b"abc"
    );
    // Empty: one block header of length 0, as Hadoop's BlockCompressorStream.finish() writes.
    let empty = compress(CompressionFormat::HadoopSnappy, b"", "", MTIME);
    assert_eq!(empty, [0, 0, 0, 0]);
    assert_eq!(
        decompress(CompressionFormat::HadoopSnappy, &empty).unwrap(),
        b""
    );
    assert_eq!(
        decompress(CompressionFormat::HadoopSnappy, b"").unwrap(),
        b""
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn hadoop_snappy_splits_blocks_at_hadoops_default_input_size() {
    assert_eq!(MAX_INPUT_SIZE, 262_144 - (262_144 / 6 + 32));
    let data = sample(2 * MAX_INPUT_SIZE + 1000);
    let hs = compress(CompressionFormat::HadoopSnappy, &data, "", MTIME);
    // Walk the blocks: each holds one chunk; lengths 218 422, 218 422, 1000.
    let mut pos = 0;
    let mut lens = Vec::new();
    while pos < hs.len() {
        let be = |at: usize| u32::from_be_bytes(hs[at..at + 4].try_into().unwrap()) as usize;
        lens.push(be(pos));
        let clen = be(pos + 4);
        assert!(
            clen <= 262_144,
            "chunk fits Hadoop's 256 KiB decompressor buffer"
        );
        pos += 8 + clen;
    }
    assert_eq!(lens, [MAX_INPUT_SIZE, MAX_INPUT_SIZE, 1000]);
    assert_eq!(
        decompress(CompressionFormat::HadoopSnappy, &hs).unwrap(),
        data
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn hadoop_snappy_reads_multi_chunk_blocks() {
    // Hadoop writes one block header for a large write followed by several chunks.
    let mut enc = snap::raw::Encoder::new();
    let (a, b) = (b"hello, ".as_slice(), b"world".as_slice());
    let mut hs = 12u32.to_be_bytes().to_vec();
    for part in [a, b] {
        let c = enc.compress_vec(part).unwrap();
        hs.extend_from_slice(&(c.len() as u32).to_be_bytes());
        hs.extend_from_slice(&c);
    }
    assert_eq!(
        decompress(CompressionFormat::HadoopSnappy, &hs).unwrap(),
        b"hello, world"
    );
    // A block whose chunks decode past its declared length is rejected.
    hs[3] = 11;
    assert!(decompress(CompressionFormat::HadoopSnappy, &hs).is_err());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_format_round_trips_and_is_deterministic() {
    for n in [0, 1, 100, 70_000, 300_000] {
        let data = sample(n);
        for format in CompressionFormat::ALL {
            let a = compress(format, &data, "entry.json", MTIME);
            let b = compress(format, &data, "entry.json", MTIME);
            assert_eq!(a, b, "{format} not deterministic for {n} bytes");
            assert_eq!(
                decompress(format, &a).unwrap(),
                data,
                "{format} round trip, {n} bytes"
            );
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn corrupt_objects_are_errors_not_panics() {
    let data = sample(10_000);
    for format in CompressionFormat::ALL {
        if format == CompressionFormat::Uncompressed {
            continue;
        }
        let good = compress(format, &data, "e", MTIME);
        // Truncations.
        for cut in [1, 4, 9, good.len() / 2, good.len() - 1] {
            assert!(
                decompress(format, &good[..cut]).is_err(),
                "{format} cut at {cut}"
            );
        }
        // A flipped byte in the middle of the payload (Hadoop-Snappy has no checksum: flip its
        // first block length instead).
        let mut bad = good.clone();
        let at = if format == CompressionFormat::HadoopSnappy {
            3
        } else {
            bad.len() / 2
        };
        bad[at] ^= 0x55;
        assert!(decompress(format, &bad).is_err(), "{format} corrupted");
        // Another format's bytes.
        assert!(decompress(format, b"definitely not compressed data").is_err());
    }
    // ZIP: a wrong CRC in both headers is caught.
    let mut zip = compress(CompressionFormat::Zip, &data, "e", MTIME);
    let cd = zip.len() - 22 - 46 - 1;
    zip[14] ^= 1;
    zip[cd + 16] ^= 1;
    let err = decompress(CompressionFormat::Zip, &zip).unwrap_err();
    assert!(err.contains("CRC"), "{err}");
}

/// The `zip` crate (a standard reader) reads the entry back with its name, bytes and time.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn zip_crate_reads_the_archive() {
    use std::io::Read;
    for data in [Vec::new(), sample(300_000)] {
        let bytes = compress(CompressionFormat::Zip, &data, "ds-1-2024-03-15.json", MTIME);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(archive.len(), 1);
        let mut entry = archive.by_index(0).unwrap();
        assert_eq!(entry.name(), "ds-1-2024-03-15.json");
        assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
        let t = entry.last_modified().unwrap();
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (2024, 3, 15, 13, 45, 30)
        );
        let mut out = Vec::new();
        entry.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
    }
}

/// Python's `gzip` and `zipfile` read the objects, when `python3` is available.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn python_reads_gzip_and_zip_when_available() {
    use std::process::Command;
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 not found: skipped");
        return;
    }
    let data = sample(100_000);
    let dir = std::env::temp_dir().join(format!("fh-compression-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gz = dir.join("o.gz");
    let zp = dir.join("o.zip");
    let raw = dir.join("o.raw");
    std::fs::write(&gz, compress(CompressionFormat::Gzip, &data, "", MTIME)).unwrap();
    std::fs::write(
        &zp,
        compress(CompressionFormat::Zip, &data, "o.json", MTIME),
    )
    .unwrap();
    std::fs::write(&raw, &data).unwrap();
    let script = "import gzip, sys, zipfile\n\
        raw = open(sys.argv[3], 'rb').read()\n\
        assert gzip.open(sys.argv[1]).read() == raw\n\
        z = zipfile.ZipFile(sys.argv[2])\n\
        assert z.testzip() is None\n\
        assert z.namelist() == ['o.json'], z.namelist()\n\
        assert z.getinfo('o.json').date_time == (2024, 3, 15, 13, 45, 30)\n\
        assert z.read('o.json') == raw\n\
        print('ok')";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&gz)
        .arg(&zp)
        .arg(&raw)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
}
