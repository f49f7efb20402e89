//! `ZIP`: a single-entry PKZIP archive written by hand (semantics.md §4.5).
//!
//! Layout per PKWARE's APPNOTE.TXT (§4.3.7 local file header, §4.3.12 central directory header,
//! §4.3.16 end of central directory record; all integers little-endian):
//!
//! ```text
//! [local file header + name][deflate data][central directory header + name][end of central directory]
//! ```
//!
//! The entry is compressed with method 8 (raw DEFLATE, `flate2::write::DeflateEncoder`), its CRC-32
//! and sizes are in the local header (no data descriptor), and its DOS date/time is
//! `mtime_unix_s` in UTC. Bodies are ≤ 128 MiB, so ZIP64 is never needed (sizes saturate at
//! `u32::MAX` rather than panic). Names that are not ASCII set general-purpose flag bit 11
//! (UTF-8 names, APPNOTE appendix D).

use std::io::{Read, Write};

const LOCAL_HEADER_SIG: u32 = 0x0403_4b50;
const CENTRAL_HEADER_SIG: u32 = 0x0201_4b50;
const END_OF_CENTRAL_DIR_SIG: u32 = 0x0605_4b50;
/// "Version needed to extract" / "version made by": 2.0 (deflate), MS-DOS attribute host.
const VERSION_20: u16 = 20;
const METHOD_STORED: u16 = 0;
const METHOD_DEFLATE: u16 = 8;
const FLAG_ENCRYPTED: u16 = 1 << 0;
const FLAG_UTF8: u16 = 1 << 11;
/// Fixed part of the end of central directory record (without the archive comment).
const EOCD_LEN: usize = 22;

/// Writes a ZIP archive holding one deflated entry named `entry_name`, modified at `mtime_unix_s`.
pub fn write_single_entry(data: &[u8], entry_name: &str, mtime_unix_s: u64) -> Vec<u8> {
    let name = &entry_name.as_bytes()[..entry_name.len().min(usize::from(u16::MAX))];
    let flags = if name.is_ascii() { 0 } else { FLAG_UTF8 };
    let (dos_time, dos_date) = dos_date_time(mtime_unix_s);
    let mut crc = flate2::Crc::new();
    crc.update(data);
    let crc = crc.sum();
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(data);
    let deflated = encoder.finish().unwrap_or_default();
    let compressed_size = len32(deflated.len());
    let uncompressed_size = len32(data.len());
    let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);

    let mut out = Vec::with_capacity(deflated.len() + 2 * name.len() + 128);
    // Local file header.
    put32(&mut out, LOCAL_HEADER_SIG);
    put16(&mut out, VERSION_20);
    put16(&mut out, flags);
    put16(&mut out, METHOD_DEFLATE);
    put16(&mut out, dos_time);
    put16(&mut out, dos_date);
    put32(&mut out, crc);
    put32(&mut out, compressed_size);
    put32(&mut out, uncompressed_size);
    put16(&mut out, name_len);
    put16(&mut out, 0); // extra field length
    out.extend_from_slice(name);
    out.extend_from_slice(&deflated);
    // Central directory: one header.
    let central_offset = len32(out.len());
    put32(&mut out, CENTRAL_HEADER_SIG);
    put16(&mut out, VERSION_20); // version made by
    put16(&mut out, VERSION_20); // version needed to extract
    put16(&mut out, flags);
    put16(&mut out, METHOD_DEFLATE);
    put16(&mut out, dos_time);
    put16(&mut out, dos_date);
    put32(&mut out, crc);
    put32(&mut out, compressed_size);
    put32(&mut out, uncompressed_size);
    put16(&mut out, name_len);
    put16(&mut out, 0); // extra field length
    put16(&mut out, 0); // file comment length
    put16(&mut out, 0); // disk number start
    put16(&mut out, 0); // internal file attributes
    put32(&mut out, 0); // external file attributes
    put32(&mut out, 0); // relative offset of the local header
    out.extend_from_slice(name);
    let central_size = len32(out.len()).saturating_sub(central_offset);
    // End of central directory record.
    put32(&mut out, END_OF_CENTRAL_DIR_SIG);
    put16(&mut out, 0); // number of this disk
    put16(&mut out, 0); // disk where the central directory starts
    put16(&mut out, 1); // entries on this disk
    put16(&mut out, 1); // entries in total
    put32(&mut out, central_size);
    put32(&mut out, central_offset);
    put16(&mut out, 0); // comment length
    out
}

/// Reads an archive holding exactly one stored or deflated entry: returns its name (lossy UTF-8)
/// and its bytes, after checking the sizes and the CRC-32 against the central directory.
pub fn read_single_entry(zip: &[u8]) -> Result<(String, Vec<u8>), String> {
    let eocd = find_eocd(zip).ok_or("zip: no end of central directory record")?;
    let entries = u16_at(zip, eocd + 10).ok_or("zip: truncated end record")?;
    if entries != 1 {
        return Err(format!("zip: expected exactly one entry, found {entries}"));
    }
    let cd = usize_at(zip, eocd + 16).ok_or("zip: truncated end record")?;
    if u32_at(zip, cd) != Some(CENTRAL_HEADER_SIG) {
        return Err("zip: bad central directory header signature".to_string());
    }
    let field = |off: usize| u16_at(zip, cd + off).ok_or("zip: truncated central directory header");
    let (flags, method) = (field(8)?, field(10)?);
    let crc = u32_at(zip, cd + 16).ok_or("zip: truncated central directory header")?;
    let compressed_size =
        usize_at(zip, cd + 20).ok_or("zip: truncated central directory header")?;
    let uncompressed_size =
        usize_at(zip, cd + 24).ok_or("zip: truncated central directory header")?;
    let name_len = usize::from(field(28)?);
    let local = usize_at(zip, cd + 42).ok_or("zip: truncated central directory header")?;
    let name = zip
        .get(cd + 46..cd + 46 + name_len)
        .ok_or("zip: truncated entry name")?;
    if flags & FLAG_ENCRYPTED != 0 {
        return Err("zip: encrypted entries are not supported".to_string());
    }
    if compressed_size == u32::MAX as usize || uncompressed_size == u32::MAX as usize {
        return Err("zip: ZIP64 entries are not supported".to_string());
    }
    if u32_at(zip, local) != Some(LOCAL_HEADER_SIG) {
        return Err("zip: bad local file header signature".to_string());
    }
    let local_name_len = usize::from(u16_at(zip, local + 26).ok_or("zip: truncated local header")?);
    let local_extra_len =
        usize::from(u16_at(zip, local + 28).ok_or("zip: truncated local header")?);
    let start = local + 30 + local_name_len + local_extra_len;
    let body = zip
        .get(start..start.saturating_add(compressed_size))
        .ok_or("zip: truncated entry data")?;
    let bytes = match method {
        METHOD_STORED => body.to_vec(),
        METHOD_DEFLATE => {
            // Never inflate more than the declared size (+1 to detect a lie): bounds zip bombs.
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(body)
                .take(uncompressed_size as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| format!("zip: deflate: {e}"))?;
            out
        }
        other => return Err(format!("zip: unsupported compression method {other}")),
    };
    if bytes.len() != uncompressed_size {
        return Err(format!(
            "zip: entry is {} bytes, header says {uncompressed_size}",
            bytes.len()
        ));
    }
    let mut actual = flate2::Crc::new();
    actual.update(&bytes);
    if actual.sum() != crc {
        return Err(format!(
            "zip: CRC-32 mismatch (header {crc:08x}, data {:08x})",
            actual.sum()
        ));
    }
    Ok((String::from_utf8_lossy(name).into_owned(), bytes))
}

/// MS-DOS (time, date) of a Unix time in UTC, clamped to DOS's 1980-01-01 … 2107-12-31 range.
/// Seconds are stored halved (2-second resolution), per APPNOTE §4.4.6.
pub fn dos_date_time(unix_s: u64) -> (u16, u16) {
    const DOS_EPOCH: u64 = 315_532_800; // 1980-01-01T00:00:00Z
    if unix_s < DOS_EPOCH {
        return (0, (1 << 5) | 1);
    }
    let days = unix_s / 86_400;
    let secs = unix_s % 86_400;
    let (year, month, day) = civil_from_days(days);
    if year > 2107 {
        return ((23 << 11) | (59 << 5) | 29, (127 << 9) | (12 << 5) | 31);
    }
    let time = ((secs / 3600) << 11) | (((secs % 3600) / 60) << 5) | ((secs % 60) / 2);
    let date = ((year - 1980) << 9) | (month << 5) | day;
    (
        u16::try_from(time).unwrap_or(u16::MAX),
        u16::try_from(date).unwrap_or(u16::MAX),
    )
}

/// (year, month 1–12, day 1–31) of a day count since 1970-01-01 (proleptic Gregorian; Howard
/// Hinnant's `civil_from_days`, restricted to non-negative days).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// Offset of the end of central directory record: the last signature from which a full record
/// (plus its declared comment) fits, searching the final 64 KiB + 22 bytes.
fn find_eocd(zip: &[u8]) -> Option<usize> {
    let last = zip.len().checked_sub(EOCD_LEN)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    (first..=last).rev().find(|&at| {
        u32_at(zip, at) == Some(END_OF_CENTRAL_DIR_SIG)
            && u16_at(zip, at + 20).is_some_and(|c| at + EOCD_LEN + usize::from(c) <= zip.len())
    })
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn usize_at(b: &[u8], at: usize) -> Option<usize> {
    usize::try_from(u32_at(b, at)?).ok()
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A length as a ZIP 32-bit field, saturating (bodies are ≤ 128 MiB, far below 4 GiB).
fn len32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
