//! The Parquet RLE / bit-packed hybrid encoding (semantics.md §4.5), used here for definition
//! levels (bit width 1) of OPTIONAL columns, and bit-packing of PLAIN booleans.
//!
//! Runs of ≥ 8 equal values become RLE runs (`varint(count << 1)` then the value in
//! `ceil(width / 8)` bytes); everything else is gathered into bit-packed runs
//! (`varint(groups << 1 | 1)` then groups of 8 values packed LSB first), at most 63 groups per run
//! as parquet-mr writes them. Only the very last bit-packed run is padded with zeros.

/// Most groups of 8 values in one bit-packed run (keeps the header a single byte).
const MAX_GROUPS: usize = 63;

/// Encodes `values` (each `< 2^width`, `width` in 1..=8) with the RLE / bit-packed hybrid, without
/// the 4-byte length prefix that data pages put in front of it.
pub fn encode_hybrid(values: &[u8], width: u8) -> Vec<u8> {
    let width = width.clamp(1, 8);
    let mut out = Vec::new();
    let mut literal: Vec<u8> = Vec::new();
    let mut i = 0;
    while i < values.len() {
        let v = values[i];
        let mut j = i;
        while j < values.len() && values[j] == v {
            j += 1;
        }
        let run = j - i;
        // Top the pending literals up to a whole group before starting an RLE run.
        let need = (8 - literal.len() % 8) % 8;
        if run >= need + 8 {
            literal.extend(std::iter::repeat_n(v, need));
            flush_literal(&mut out, &mut literal, width);
            varint(&mut out, ((run - need) as u64) << 1);
            out.push(v);
        } else {
            literal.extend(std::iter::repeat_n(v, run));
            // Emit full 63-group chunks early so no run grows unbounded.
            while literal.len() >= MAX_GROUPS * 8 {
                let rest = literal.split_off(MAX_GROUPS * 8);
                flush_literal(&mut out, &mut literal, width);
                literal = rest;
            }
        }
        i = j;
    }
    flush_literal(&mut out, &mut literal, width);
    out
}

/// Writes `literal` as bit-packed runs (padding the final group with zeros) and clears it.
fn flush_literal(out: &mut Vec<u8>, literal: &mut Vec<u8>, width: u8) {
    for chunk in literal.chunks(MAX_GROUPS * 8) {
        let groups = chunk.len().div_ceil(8);
        varint(out, ((groups as u64) << 1) | 1);
        let mut padded = chunk.to_vec();
        padded.resize(groups * 8, 0);
        out.extend(bit_pack(&padded, width));
    }
    literal.clear();
}

/// Packs values of `width` bits LSB first (the PLAIN boolean encoding uses width 1).
pub fn bit_pack(values: &[u8], width: u8) -> Vec<u8> {
    let width = usize::from(width.clamp(1, 8));
    let mut out = vec![0u8; (values.len() * width).div_ceil(8)];
    for (n, &v) in values.iter().enumerate() {
        for b in 0..width {
            if (v >> b) & 1 == 1 {
                let bit = n * width + b;
                out[bit / 8] |= 1 << (bit % 8);
            }
        }
    }
    out
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes the hybrid encoding back (test oracle).
    fn decode(mut data: &[u8], width: u8, n: usize) -> Vec<u8> {
        let mut out = Vec::new();
        while out.len() < n {
            let mut header = 0u64;
            let mut shift = 0;
            loop {
                let b = data[0];
                data = &data[1..];
                header |= u64::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    break;
                }
            }
            if header & 1 == 0 {
                let count = (header >> 1) as usize;
                let v = data[0];
                data = &data[1..];
                out.extend(std::iter::repeat_n(v, count));
            } else {
                let count = (header >> 1) as usize * 8;
                let bytes = count * usize::from(width) / 8;
                for k in 0..count {
                    let mut v = 0u8;
                    for b in 0..usize::from(width) {
                        let bit = k * usize::from(width) + b;
                        v |= ((data[bit / 8] >> (bit % 8)) & 1) << b;
                    }
                    out.push(v);
                }
                data = &data[bytes..];
            }
        }
        out.truncate(n);
        out
    }

    #[test]
    fn round_trips_mixed_runs() {
        let mut values = vec![1u8; 3];
        values.extend([0, 1, 0, 1, 1]);
        values.extend(vec![1u8; 20]);
        values.extend((0..1000).map(|i| (i % 3 == 0) as u8));
        values.extend(vec![0u8; 9]);
        let enc = encode_hybrid(&values, 1);
        assert_eq!(decode(&enc, 1, values.len()), values);
        assert_eq!(decode(&encode_hybrid(&[], 1), 1, 0), Vec::<u8>::new());
    }
}
