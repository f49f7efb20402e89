//! GZIP, ZIP, Snappy and Hadoop-Snappy compression of delivered objects (semantics.md §4.5).
//!
//! Firehose's `CompressionFormat` for S3 destinations is one of `UNCOMPRESSED` (the default),
//! `GZIP`, `ZIP`, `Snappy` and `HADOOP_SNAPPY` (Firehose API reference, `CompressionFormat`;
//! semantics.md §4.5). The bytes produced here are real and readable by standard tools:
//!
//! - `GZIP`: one RFC 1952 gzip member (deflate via `flate2`'s pure-Rust backend), `gunzip`-able.
//! - `ZIP`: a PKZIP archive with a single deflated entry, written by hand in [`zip`] (`unzip`-able).
//! - `Snappy`: the Snappy *framing* format (google/snappy `framing_format.txt`, stream identifier
//!   `ff 06 00 00 "sNaPpY"`), as written by `snap::write::FrameEncoder` and read by
//!   `python-snappy`'s stream decompressor and `snzip -t framing2`. Firehose offers it next to a
//!   separate "Hadoop-compatible Snappy" option, so it is the stand-alone stream format.
//! - `HADOOP_SNAPPY`: Hadoop's `SnappyCodec` block stream (`BlockCompressorStream`), written by hand
//!   in [`hadoop_snappy`] over raw Snappy blocks (`snzip -t hadoop-snappy`, Hadoop, Athena).
//!
//! Everything is deterministic: the only time written (GZIP `MTIME`, ZIP DOS date/time) is the
//! caller's `mtime_unix_s`, never the wall clock. Decompression never panics on arbitrary bytes.

pub mod hadoop_snappy;
pub mod zip;

use std::io::{Read, Write};

/// Firehose's CompressionFormat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum CompressionFormat {
    /// `UNCOMPRESSED` (the default): the object body is the buffered bytes as they are.
    #[default]
    Uncompressed,
    /// `GZIP`: a single gzip member.
    Gzip,
    /// `ZIP`: a ZIP archive holding one deflated entry.
    Zip,
    /// `Snappy`: the Snappy framing format.
    Snappy,
    /// `HADOOP_SNAPPY`: Hadoop's `SnappyCodec` block format.
    HadoopSnappy,
}

impl CompressionFormat {
    /// Every format, in declaration order.
    pub const ALL: [CompressionFormat; 5] = [
        CompressionFormat::Uncompressed,
        CompressionFormat::Gzip,
        CompressionFormat::Zip,
        CompressionFormat::Snappy,
        CompressionFormat::HadoopSnappy,
    ];

    /// Parses the exact AWS API spelling (`"UNCOMPRESSED"`, `"GZIP"`, `"ZIP"`, `"Snappy"`,
    /// `"HADOOP_SNAPPY"`; the mixed case of `Snappy` is AWS's). Anything else is `None`.
    pub fn parse(s: &str) -> Option<CompressionFormat> {
        CompressionFormat::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The AWS API spelling, as accepted by [`CompressionFormat::parse`].
    pub fn as_str(self) -> &'static str {
        match self {
            CompressionFormat::Uncompressed => "UNCOMPRESSED",
            CompressionFormat::Gzip => "GZIP",
            CompressionFormat::Zip => "ZIP",
            CompressionFormat::Snappy => "Snappy",
            CompressionFormat::HadoopSnappy => "HADOOP_SNAPPY",
        }
    }

    /// The file extension Firehose appends to the S3 object name by default.
    ///
    /// Source: Amazon Data Firehose developer guide, "Configure Amazon S3 object name format"
    /// (<https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html>), table of default
    /// file extensions: Gzip `.gz`, Zip `.zip`, Snappy `.snappy`, Hadoop-Snappy `.hsnappy`
    /// (and no extension without compression or format conversion).
    pub fn extension(self) -> &'static str {
        match self {
            CompressionFormat::Uncompressed => "",
            CompressionFormat::Gzip => ".gz",
            CompressionFormat::Zip => ".zip",
            CompressionFormat::Snappy => ".snappy",
            CompressionFormat::HadoopSnappy => ".hsnappy",
        }
    }
}

impl std::fmt::Display for CompressionFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compresses one object body. `entry_name` is the file name of the single ZIP entry (ignored by other formats),
/// `mtime_unix_s` the modification time written in GZIP/ZIP headers (deterministic: no wall clock anywhere).
///
/// GZIP writes no file name and OS byte 255 ("unknown"); an `mtime_unix_s` beyond the 32-bit gzip
/// `MTIME` field (after 2106) is written as 0 ("no time stamp", RFC 1952 §2.3.1).
pub fn compress(
    format: CompressionFormat,
    data: &[u8],
    entry_name: &str,
    mtime_unix_s: u64,
) -> Vec<u8> {
    match format {
        CompressionFormat::Uncompressed => data.to_vec(),
        CompressionFormat::Gzip => gzip(data, mtime_unix_s),
        CompressionFormat::Zip => zip::write_single_entry(data, entry_name, mtime_unix_s),
        CompressionFormat::Snappy => snappy_framed(data),
        CompressionFormat::HadoopSnappy => hadoop_snappy::compress(data),
    }
}

/// Inverse of `compress` (used by tests and by the UI's object preview). Never panics on arbitrary bytes: returns Err(reason).
///
/// GZIP accepts any concatenation of members (as `gunzip` does); ZIP accepts any archive holding
/// exactly one stored or deflated entry and checks its CRC-32; Snappy checks the framing format's
/// masked CRC-32C of every chunk.
pub fn decompress(format: CompressionFormat, data: &[u8]) -> Result<Vec<u8>, String> {
    match format {
        CompressionFormat::Uncompressed => Ok(data.to_vec()),
        CompressionFormat::Gzip => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(data)
                .read_to_end(&mut out)
                .map_err(|e| format!("gzip: {e}"))?;
            Ok(out)
        }
        CompressionFormat::Zip => zip::read_single_entry(data).map(|(_, bytes)| bytes),
        CompressionFormat::Snappy => {
            let mut out = Vec::new();
            snap::read::FrameDecoder::new(data)
                .read_to_end(&mut out)
                .map_err(|e| format!("snappy: {e}"))?;
            Ok(out)
        }
        CompressionFormat::HadoopSnappy => hadoop_snappy::decompress(data),
    }
}

/// One gzip member at the default level, no file name, `MTIME` from `mtime_unix_s`.
fn gzip(data: &[u8], mtime_unix_s: u64) -> Vec<u8> {
    let mtime = u32::try_from(mtime_unix_s).unwrap_or(0);
    let mut encoder = flate2::GzBuilder::new()
        .mtime(mtime)
        .operating_system(255)
        .write(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// The Snappy framing format. Always starts with the stream identifier chunk, even for an empty
/// body (snap writes it lazily on the first non-empty write), so every object is a valid stream.
fn snappy_framed(data: &[u8]) -> Vec<u8> {
    if data.is_empty() {
        return SNAPPY_STREAM_IDENTIFIER.to_vec();
    }
    let mut encoder = snap::write::FrameEncoder::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.into_inner().unwrap_or_default()
}

/// The framing format's stream identifier chunk: type `0xff`, length 6, `"sNaPpY"`.
const SNAPPY_STREAM_IDENTIFIER: &[u8] = b"\xff\x06\x00\x00sNaPpY";
