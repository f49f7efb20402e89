//! A minimal Thrift *compact protocol* encoder: just enough to write Parquet's `PageHeader` and
//! `FileMetaData` structs (semantics.md §4.5).
//!
//! Wire rules (Thrift compact protocol spec): integers are ZigZag varints; a field header is one
//! byte `(id delta << 4) | type` when the delta from the previous field id is 1..=15, otherwise the
//! type byte followed by the ZigZag varint i16 id; booleans live in the field header's type nibble;
//! binaries are a varint length plus bytes; a list header is `(size << 4) | elem type` when
//! `size < 15`, otherwise `0xF0 | elem type` and a varint size; a struct ends with a `0` stop byte.

/// Compact-protocol type nibble for a `true` boolean field.
const T_BOOL_TRUE: u8 = 1;
/// Compact-protocol type nibble for a `false` boolean field.
const T_BOOL_FALSE: u8 = 2;
/// Compact-protocol type nibble for a byte (i8).
const T_BYTE: u8 = 3;
/// Compact-protocol type nibble for an i32 (also used for Thrift enums).
pub const T_I32: u8 = 5;
/// Compact-protocol type nibble for an i64.
const T_I64: u8 = 6;
/// Compact-protocol type nibble for binary / string.
pub const T_BINARY: u8 = 8;
/// Compact-protocol type nibble for a list.
const T_LIST: u8 = 9;
/// Compact-protocol type nibble for a struct.
pub const T_STRUCT: u8 = 12;

/// Appends compact-protocol bytes to a buffer, tracking the last field id of every open struct.
#[derive(Debug, Default)]
pub struct CompactWriter {
    buf: Vec<u8>,
    last_field: i16,
    stack: Vec<i16>,
}

impl CompactWriter {
    /// A writer positioned at the start of a top-level struct.
    pub fn new() -> CompactWriter {
        CompactWriter::default()
    }

    /// The bytes written so far (call after the top-level [`CompactWriter::stop`]).
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    fn varint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(byte);
                return;
            }
            self.buf.push(byte | 0x80);
        }
    }

    fn zigzag(&mut self, v: i64) {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn field_header(&mut self, id: i16, ty: u8) {
        let delta = i32::from(id) - i32::from(self.last_field);
        if (1..=15).contains(&delta) {
            self.buf.push(((delta as u8) << 4) | ty);
        } else {
            self.buf.push(ty);
            self.zigzag(i64::from(id));
        }
        self.last_field = id;
    }

    /// Writes an i32 (or enum) field.
    pub fn i32(&mut self, id: i16, v: i32) {
        self.field_header(id, T_I32);
        self.zigzag(i64::from(v));
    }

    /// Writes a byte (i8) field: a single raw byte, not a varint.
    pub fn i8(&mut self, id: i16, v: i8) {
        self.field_header(id, T_BYTE);
        self.buf.push(v as u8);
    }

    /// Writes an i64 field.
    pub fn i64(&mut self, id: i16, v: i64) {
        self.field_header(id, T_I64);
        self.zigzag(v);
    }

    /// Writes a boolean field (the value lives in the header's type nibble).
    pub fn bool(&mut self, id: i16, v: bool) {
        self.field_header(id, if v { T_BOOL_TRUE } else { T_BOOL_FALSE });
    }

    /// Writes a binary (or string) field.
    pub fn binary(&mut self, id: i16, v: &[u8]) {
        self.field_header(id, T_BINARY);
        self.raw_binary(v);
    }

    /// Opens a struct-valued field; close it with [`CompactWriter::stop`].
    pub fn struct_begin(&mut self, id: i16) {
        self.field_header(id, T_STRUCT);
        self.enter();
    }

    /// Opens a struct that is a list element (no field header); close it with
    /// [`CompactWriter::stop`].
    pub fn elem_struct_begin(&mut self) {
        self.enter();
    }

    fn enter(&mut self) {
        self.stack.push(self.last_field);
        self.last_field = 0;
    }

    /// Writes the stop byte that ends the current struct and returns to the enclosing one.
    pub fn stop(&mut self) {
        self.buf.push(0);
        self.last_field = self.stack.pop().unwrap_or(0);
    }

    /// Opens a list field of `size` elements of compact type `elem`; then write the elements with
    /// the `elem_*` methods.
    pub fn list_begin(&mut self, id: i16, elem: u8, size: usize) {
        self.field_header(id, T_LIST);
        if size < 15 {
            self.buf.push(((size as u8) << 4) | elem);
        } else {
            self.buf.push(0xf0 | elem);
            self.varint(size as u64);
        }
    }

    /// Writes an i32 list element.
    pub fn elem_i32(&mut self, v: i32) {
        self.zigzag(i64::from(v));
    }

    /// Writes a binary list element.
    pub fn elem_binary(&mut self, v: &[u8]) {
        self.raw_binary(v);
    }

    fn raw_binary(&mut self, v: &[u8]) {
        self.varint(v.len() as u64);
        self.buf.extend_from_slice(v);
    }
}
