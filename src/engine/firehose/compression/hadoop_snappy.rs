//! `HADOOP_SNAPPY`: Hadoop's `SnappyCodec` stream (semantics.md §4.5), written by hand over raw
//! Snappy blocks (`snap::raw`).
//!
//! Layout, from Hadoop's `org.apache.hadoop.io.compress.BlockCompressorStream` (which
//! `SnappyCodec.createOutputStream` returns) — all integers 4-byte big-endian:
//!
//! ```text
//! stream := block*
//! block  := uncompressed_len:u32  chunk+        (chunks' decompressed sizes sum to uncompressed_len)
//! chunk  := compressed_len:u32    raw snappy block of compressed_len bytes
//! ```
//!
//! Hadoop's default `io.compression.codec.snappy.buffersize` is 256 KiB
//! (`CommonConfigurationKeys.IO_COMPRESSION_CODEC_SNAPPY_BUFFERSIZE_DEFAULT = 256 * 1024`) and
//! `SnappyCodec` passes a compression overhead of `bufferSize / 6 + 32`, so a block holds at most
//! `256 KiB − (256 KiB / 6 + 32)` = 218 422 input bytes, which guarantees the compressed chunk fits
//! the 256 KiB buffer of Hadoop's `SnappyDecompressor`. We emit one chunk per block, each block
//! exactly that many input bytes except the last. An empty body is the single header `00 00 00 00`,
//! which is what `BlockCompressorStream.finish()` writes when nothing was written.
//!
//! The same layout is documented by the `snzip -t hadoop-snappy` tool and by AWS, which links
//! `BlockCompressorStream.java` as "the Snappy framing format that Hadoop relies on" (Firehose
//! developer guide, record format conversion).

/// Hadoop's default Snappy codec buffer size (`io.compression.codec.snappy.buffersize`): 256 KiB.
pub const HADOOP_BUFFER_SIZE: usize = 256 * 1024;

/// The most input bytes Hadoop's `BlockCompressorStream` puts in one chunk with the default buffer:
/// `buffer − (buffer / 6 + 32)`.
pub const MAX_INPUT_SIZE: usize = HADOOP_BUFFER_SIZE - (HADOOP_BUFFER_SIZE / 6 + 32);

/// A raw Snappy block expands at most ~21× (a 3-byte copy element yields ≤ 64 bytes); anything
/// claiming more than this bound per compressed byte is corrupt. Guards allocations on bad input.
const MAX_EXPANSION: usize = 32;

/// Compresses `data` into Hadoop-Snappy blocks of [`MAX_INPUT_SIZE`] input bytes.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut encoder = snap::raw::Encoder::new();
    let mut out = Vec::with_capacity(data.len() / 2 + 16);
    if data.is_empty() {
        out.extend_from_slice(&0u32.to_be_bytes());
        return out;
    }
    for block in data.chunks(MAX_INPUT_SIZE) {
        // Blocks are ≤ 218 422 bytes, far inside Snappy's and u32's limits, so neither the
        // encoder nor the length conversions can fail; the fallbacks are unreachable.
        let compressed = encoder.compress_vec(block).unwrap_or_default();
        out.extend_from_slice(&be_len(block.len()));
        out.extend_from_slice(&be_len(compressed.len()));
        out.extend_from_slice(&compressed);
    }
    out
}

/// Decodes a Hadoop-Snappy stream (any block/chunk split, not just ours). Errors on truncation,
/// on chunks that decode past their block's declared length and on corrupt Snappy data.
pub fn decompress(data: &[u8]) -> Result<Vec<u8>, String> {
    let mut decoder = snap::raw::Decoder::new();
    let mut out = Vec::new();
    let mut pos = 0usize;
    while pos < data.len() {
        let block_len = read_u32(data, &mut pos).ok_or("hadoop-snappy: truncated block header")?;
        let mut produced = 0usize;
        while produced < block_len {
            let chunk_len =
                read_u32(data, &mut pos).ok_or("hadoop-snappy: truncated chunk header")?;
            let chunk = data
                .get(pos..pos.saturating_add(chunk_len))
                .ok_or("hadoop-snappy: truncated chunk")?;
            pos += chunk_len;
            let claimed =
                snap::raw::decompress_len(chunk).map_err(|e| format!("hadoop-snappy: {e}"))?;
            if claimed > block_len - produced {
                return Err("hadoop-snappy: chunk decodes past its block's length".to_string());
            }
            if claimed > chunk.len().saturating_mul(MAX_EXPANSION).saturating_add(64) {
                return Err("hadoop-snappy: chunk claims an impossible length".to_string());
            }
            let bytes = decoder
                .decompress_vec(chunk)
                .map_err(|e| format!("hadoop-snappy: {e}"))?;
            produced += bytes.len();
            out.extend_from_slice(&bytes);
        }
    }
    Ok(out)
}

/// A length as 4 big-endian bytes (saturating; lengths here are ≤ 256 KiB).
fn be_len(n: usize) -> [u8; 4] {
    u32::try_from(n).unwrap_or(u32::MAX).to_be_bytes()
}

/// Reads a big-endian u32 at `*pos`, advancing it; `None` if fewer than 4 bytes remain.
fn read_u32(data: &[u8], pos: &mut usize) -> Option<usize> {
    let bytes: [u8; 4] = data.get(*pos..pos.checked_add(4)?)?.try_into().ok()?;
    *pos += 4;
    usize::try_from(u32::from_be_bytes(bytes)).ok()
}
