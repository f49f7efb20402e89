//! The few protobuf wire-format pieces the KPL aggregated record needs: varints, and fields of
//! wire type 0 (varint) and 2 (length-delimited). Hand-written so the engine needs no protobuf
//! crate; the reader never panics on any input.

/// Wire type of varint fields.
pub const WIRE_VARINT: u8 = 0;
/// Wire type of 64-bit fields (only skipped).
pub const WIRE_FIXED64: u8 = 1;
/// Wire type of length-delimited fields (strings, bytes, messages).
pub const WIRE_LEN: u8 = 2;
/// Wire type of 32-bit fields (only skipped).
pub const WIRE_FIXED32: u8 = 5;

/// Bytes a varint of `v` takes.
pub fn varint_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

/// Appends `v` as a varint.
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends a field key (`field << 3 | wire`).
pub fn put_key(out: &mut Vec<u8>, field: u32, wire: u8) {
    put_varint(out, (u64::from(field) << 3) | u64::from(wire));
}

/// Appends a varint field.
pub fn put_uint64(out: &mut Vec<u8>, field: u32, v: u64) {
    put_key(out, field, WIRE_VARINT);
    put_varint(out, v);
}

/// Appends a length-delimited field.
pub fn put_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    put_key(out, field, WIRE_LEN);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Bytes a length-delimited field of `len` bytes takes (single-byte key, fields 1-15).
pub fn len_field_size(len: usize) -> usize {
    1 + varint_len(len as u64) + len
}

/// Bytes a varint field of `v` takes (single-byte key, fields 1-15).
pub fn uint_field_size(v: u64) -> usize {
    1 + varint_len(v)
}

/// One decoded field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field<'a> {
    /// A varint field.
    Varint(u32, u64),
    /// A length-delimited field.
    Bytes(u32, &'a [u8]),
    /// A fixed-width field (skipped by the KPL format).
    Fixed(u32),
}

/// Why bytes are not a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError;

/// Reads fields from a message.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = *self.buf.get(self.pos).ok_or(DecodeError)?;
            self.pos += 1;
            if i == 9 && b > 1 {
                return Err(DecodeError);
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(DecodeError)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self.pos.checked_add(n).ok_or(DecodeError)?;
        let bytes = self.buf.get(self.pos..end).ok_or(DecodeError)?;
        self.pos = end;
        Ok(bytes)
    }

    /// The next field, `None` at the end, an error on malformed input.
    pub fn next_field(&mut self) -> Option<Result<Field<'a>, DecodeError>> {
        if self.pos >= self.buf.len() {
            return None;
        }
        Some(self.field())
    }

    fn field(&mut self) -> Result<Field<'a>, DecodeError> {
        let key = self.varint()?;
        let number = u32::try_from(key >> 3).map_err(|_| DecodeError)?;
        if number == 0 {
            return Err(DecodeError);
        }
        match (key & 7) as u8 {
            WIRE_VARINT => Ok(Field::Varint(number, self.varint()?)),
            WIRE_LEN => {
                let len = usize::try_from(self.varint()?).map_err(|_| DecodeError)?;
                Ok(Field::Bytes(number, self.take(len)?))
            }
            WIRE_FIXED64 => self.take(8).map(|_| Field::Fixed(number)),
            WIRE_FIXED32 => self.take(4).map(|_| Field::Fixed(number)),
            _ => Err(DecodeError),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut out = Vec::new();
            put_uint64(&mut out, 1, v);
            assert_eq!(out.len(), uint_field_size(v));
            assert_eq!(
                Reader::new(&out).next_field(),
                Some(Ok(Field::Varint(1, v)))
            );
        }
        assert_eq!(
            Reader::new(&[0x08, 0xff]).next_field(),
            Some(Err(DecodeError))
        );
    }
}
