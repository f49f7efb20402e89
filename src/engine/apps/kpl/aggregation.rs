//! The KPL aggregated-record format (semantics.md §2.6), encoder and de-aggregator.
//!
//! Wire format: `F3 89 9A C2` (magic) ‖ protobuf `AggregatedRecord` ‖ 16-byte MD5 of the protobuf
//! bytes. Protobuf (proto2):
//!
//! ```text
//! message AggregatedRecord { repeated string partition_key_table = 1;
//!                            repeated string explicit_hash_key_table = 2;
//!                            repeated Record records = 3; }
//! message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2;
//!                  required bytes data = 3; repeated Tag tags = 4; }
//! message Tag { required string key = 1; optional string value = 2; }
//! ```
//!
//! Key tables are 0-based; the encoder shares equal keys. De-aggregation gives each user record its
//! sub-sequence number (its 0-based index in the aggregate). Anything that is not a well-formed
//! aggregate (no magic, wrong MD5, malformed protobuf, index out of range) passes through as one
//! user record, as the KCL's de-aggregator does.

use std::collections::BTreeMap;

use md5::{Digest, Md5};

use crate::engine::apps::kpl::protobuf::{self, DecodeError, Field, Reader};

/// The 4-byte magic that starts an aggregated record.
pub const MAGIC: [u8; 4] = [0xF3, 0x89, 0x9A, 0xC2];
/// Length of the trailing MD5.
pub const DIGEST_LEN: usize = 16;
/// Bytes an aggregate adds around its protobuf (magic + MD5).
pub const FRAMING_LEN: usize = MAGIC.len() + DIGEST_LEN;

/// A user record as a consumer sees it after de-aggregation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRecord {
    /// The user record's partition key (the Kinesis record's for a pass-through).
    pub partition_key: String,
    /// Its explicit hash key (decimal), if it had one.
    pub explicit_hash_key: Option<String>,
    /// Its data.
    pub data: Vec<u8>,
    /// 0-based index inside the aggregate (0 for a pass-through).
    pub sub_sequence_number: u64,
}

/// A user record to aggregate.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// Partition key.
    pub partition_key: &'a str,
    /// Explicit hash key (decimal), if any.
    pub explicit_hash_key: Option<&'a str>,
    /// Data.
    pub data: &'a [u8],
}

/// Tracks the exact encoded size of an aggregate as user records are added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AggregateSize {
    pk_index: BTreeMap<String, u64>,
    ehk_index: BTreeMap<String, u64>,
    proto_len: usize,
    count: u64,
}

impl AggregateSize {
    fn record_len(&self, pk: &str, ehk: Option<&str>, data_len: usize) -> usize {
        let pk_idx = self
            .pk_index
            .get(pk)
            .copied()
            .unwrap_or(self.pk_index.len() as u64);
        let ehk_len = ehk.map_or(0, |e| {
            protobuf::uint_field_size(
                self.ehk_index
                    .get(e)
                    .copied()
                    .unwrap_or(self.ehk_index.len() as u64),
            )
        });
        protobuf::uint_field_size(pk_idx) + ehk_len + protobuf::len_field_size(data_len)
    }

    /// Bytes the aggregate's data grows by when `e` is added.
    pub fn added_by(&self, e: &Entry<'_>) -> usize {
        let mut n = protobuf::len_field_size(self.record_len(
            e.partition_key,
            e.explicit_hash_key,
            e.data.len(),
        ));
        if !self.pk_index.contains_key(e.partition_key) {
            n += protobuf::len_field_size(e.partition_key.len());
        }
        if let Some(ehk) = e
            .explicit_hash_key
            .filter(|k| !self.ehk_index.contains_key(*k))
        {
            n += protobuf::len_field_size(ehk.len());
        }
        n
    }

    /// Adds `e`.
    pub fn add(&mut self, e: &Entry<'_>) {
        self.proto_len += self.added_by(e);
        let n = self.pk_index.len() as u64;
        self.pk_index
            .entry(e.partition_key.to_string())
            .or_insert(n);
        if let Some(ehk) = e.explicit_hash_key {
            let n = self.ehk_index.len() as u64;
            self.ehk_index.entry(ehk.to_string()).or_insert(n);
        }
        self.count += 1;
    }

    /// Size of the aggregated record's data: magic + protobuf + MD5.
    pub fn total(&self) -> usize {
        FRAMING_LEN + self.proto_len
    }

    /// User records added.
    pub fn count(&self) -> u64 {
        self.count
    }
}

/// Encodes user records as one aggregated record (magic ‖ protobuf ‖ MD5).
pub fn aggregate(entries: &[Entry<'_>]) -> Vec<u8> {
    let mut pk_index: BTreeMap<&str, u64> = BTreeMap::new();
    let mut ehk_index: BTreeMap<&str, u64> = BTreeMap::new();
    let mut pk_table = Vec::new();
    let mut ehk_table = Vec::new();
    let mut records = Vec::with_capacity(entries.len());
    for e in entries {
        let pk = *pk_index.entry(e.partition_key).or_insert_with(|| {
            pk_table.push(e.partition_key);
            pk_table.len() as u64 - 1
        });
        let ehk = e.explicit_hash_key.map(|k| {
            *ehk_index.entry(k).or_insert_with(|| {
                ehk_table.push(k);
                ehk_table.len() as u64 - 1
            })
        });
        records.push((pk, ehk, e.data));
    }
    let mut proto = Vec::new();
    for k in &pk_table {
        protobuf::put_bytes(&mut proto, 1, k.as_bytes());
    }
    for k in &ehk_table {
        protobuf::put_bytes(&mut proto, 2, k.as_bytes());
    }
    let mut rec = Vec::new();
    for (pk, ehk, data) in records {
        rec.clear();
        protobuf::put_uint64(&mut rec, 1, pk);
        if let Some(i) = ehk {
            protobuf::put_uint64(&mut rec, 2, i);
        }
        protobuf::put_bytes(&mut rec, 3, data);
        protobuf::put_bytes(&mut proto, 3, &rec);
    }
    let mut out = Vec::with_capacity(FRAMING_LEN + proto.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&proto);
    out.extend_from_slice(&Md5::digest(&proto));
    out
}

/// Whether `data` is a well-formed aggregated record (magic, MD5 and protobuf all check out).
pub fn is_aggregated(data: &[u8]) -> bool {
    decode(data).is_ok()
}

/// De-aggregates a Kinesis record's data. A record that is not an aggregate passes through as one
/// user record with an empty partition key (use [`deaggregate_with_key`] to keep the record's key).
pub fn deaggregate(data: &[u8]) -> Vec<UserRecord> {
    deaggregate_with_key("", data)
}

/// De-aggregates a Kinesis record whose partition key is `partition_key`; a record that is not an
/// aggregate passes through as one user record with that key and sub-sequence number 0.
pub fn deaggregate_with_key(partition_key: &str, data: &[u8]) -> Vec<UserRecord> {
    decode(data).unwrap_or_else(|_| {
        vec![UserRecord {
            partition_key: partition_key.to_string(),
            explicit_hash_key: None,
            data: data.to_vec(),
            sub_sequence_number: 0,
        }]
    })
}

fn utf8(bytes: &[u8]) -> Result<String, DecodeError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| DecodeError)
}

/// Decodes an aggregate, or fails if `data` is not one.
pub fn decode(data: &[u8]) -> Result<Vec<UserRecord>, DecodeError> {
    if data.len() < FRAMING_LEN || data[..MAGIC.len()] != MAGIC {
        return Err(DecodeError);
    }
    let proto = &data[MAGIC.len()..data.len() - DIGEST_LEN];
    if Md5::digest(proto).as_slice() != &data[data.len() - DIGEST_LEN..] {
        return Err(DecodeError);
    }
    let mut pk_table = Vec::new();
    let mut ehk_table = Vec::new();
    let mut raw_records = Vec::new();
    let mut reader = Reader::new(proto);
    while let Some(field) = reader.next_field() {
        match field? {
            Field::Bytes(1, b) => pk_table.push(utf8(b)?),
            Field::Bytes(2, b) => ehk_table.push(utf8(b)?),
            Field::Bytes(3, b) => raw_records.push(b),
            Field::Varint(1..=3, _) | Field::Fixed(1..=3) => return Err(DecodeError),
            _ => {} // unknown fields are skipped
        }
    }
    let mut out = Vec::with_capacity(raw_records.len());
    for (i, raw) in raw_records.into_iter().enumerate() {
        let (mut pk, mut ehk, mut payload) = (None, None, None);
        let mut r = Reader::new(raw);
        while let Some(field) = r.next_field() {
            match field? {
                Field::Varint(1, v) => pk = Some(v),
                Field::Varint(2, v) => ehk = Some(v),
                Field::Bytes(3, b) => payload = Some(b),
                Field::Bytes(4, tag) => check_tag(tag)?,
                Field::Varint(3..=4, _) | Field::Bytes(1..=2, _) | Field::Fixed(1..=4) => {
                    return Err(DecodeError)
                }
                _ => {}
            }
        }
        let pk = pk
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| pk_table.get(i))
            .ok_or(DecodeError)?;
        let ehk = match ehk {
            None => None,
            Some(i) => Some(
                usize::try_from(i)
                    .ok()
                    .and_then(|i| ehk_table.get(i))
                    .ok_or(DecodeError)?
                    .clone(),
            ),
        };
        out.push(UserRecord {
            partition_key: pk.clone(),
            explicit_hash_key: ehk,
            data: payload.ok_or(DecodeError)?.to_vec(),
            sub_sequence_number: i as u64,
        });
    }
    Ok(out)
}

fn check_tag(tag: &[u8]) -> Result<(), DecodeError> {
    let mut has_key = false;
    let mut r = Reader::new(tag);
    while let Some(field) = r.next_field() {
        match field? {
            Field::Bytes(1, k) => {
                utf8(k)?;
                has_key = true;
            }
            Field::Bytes(2, v) => {
                utf8(v)?;
            }
            Field::Varint(1..=2, _) | Field::Fixed(1..=2) => return Err(DecodeError),
            _ => {}
        }
    }
    if has_key {
        Ok(())
    } else {
        Err(DecodeError)
    }
}
