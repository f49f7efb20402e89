//! Amazon S3, as much as the playground needs to show what Firehose delivered: buckets holding
//! objects written on virtual time, readable through the dispatcher as service `s3`
//! (CreateBucket, DeleteBucket, ListBuckets, ListObjectsV2, GetObject, HeadObject).
//!
//! Objects are immutable byte strings shared by reference (`Rc`), so the UI's bucket browser and a
//! download read the exact bytes Firehose wrote.

pub mod actions;

use std::collections::BTreeMap;
use std::rc::Rc;

use md5::{Digest, Md5};

use crate::engine::time::VirtualMs;

/// One stored object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Object {
    /// The bytes as stored (compressed if the writer compressed them).
    pub body: Rc<[u8]>,
    /// Virtual time the object was written.
    pub last_modified_ms: VirtualMs,
    /// `"<md5 hex>"`, as S3 reports the ETag of a single-part upload.
    pub etag: String,
    /// Content type, e.g. `application/octet-stream`.
    pub content_type: String,
    /// Size before compression, when the writer knows it (Firehose objects); shown in the
    /// bucket browser beside the stored size.
    pub uncompressed_size: Option<u64>,
    /// Number of records in the object, when the writer knows it.
    pub records: Option<u64>,
}

/// One bucket.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    /// Virtual creation time.
    pub created_ms: VirtualMs,
    /// Objects by key, in key order (ListObjectsV2 returns keys in UTF-8 binary order).
    pub objects: BTreeMap<String, Object>,
}

/// Every bucket of the account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct S3 {
    buckets: BTreeMap<String, Bucket>,
}

/// The ARN of bucket `name`.
pub fn bucket_arn(name: &str) -> String {
    format!("arn:aws:s3:::{name}")
}

/// The bucket name of an S3 bucket ARN (`arn:aws:s3:::name`).
pub fn bucket_from_arn(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:aws:s3:::")
        .filter(|n| !n.is_empty() && !n.contains('/'))
}

/// Checks S3's bucket naming rules: 3–63 characters of lower-case letters, digits, `.` and `-`,
/// beginning and ending with a letter or digit, no `..`, not shaped like an IP address.
pub fn validate_bucket_name(name: &str) -> Result<(), String> {
    let ok_chars = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let edge = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let ip_like = name.split('.').count() == 4
        && name
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if !(3..=63).contains(&name.len()) {
        return Err(format!(
            "Bucket name '{name}' must be between 3 and 63 characters long"
        ));
    }
    if !ok_chars || !edge(name.bytes().next()) || !edge(name.bytes().last()) {
        return Err(format!("Bucket name '{name}' may only contain lower-case letters, digits, '.' and '-', and must begin and end with a letter or digit"));
    }
    if name.contains("..") || ip_like {
        return Err(format!(
            "Bucket name '{name}' must not contain '..' or look like an IP address"
        ));
    }
    Ok(())
}

impl S3 {
    /// All buckets by name.
    pub fn buckets(&self) -> &BTreeMap<String, Bucket> {
        &self.buckets
    }

    /// Bucket `name`.
    pub fn bucket(&self, name: &str) -> Option<&Bucket> {
        self.buckets.get(name)
    }

    /// Whether bucket `name` exists.
    pub fn has_bucket(&self, name: &str) -> bool {
        self.buckets.contains_key(name)
    }

    /// Creates bucket `name` (no-op if it exists). Returns whether it was new.
    pub fn create_bucket(&mut self, name: &str, now: VirtualMs) -> bool {
        if self.buckets.contains_key(name) {
            return false;
        }
        self.buckets.insert(
            name.to_string(),
            Bucket {
                created_ms: now,
                objects: BTreeMap::new(),
            },
        );
        true
    }

    /// Removes bucket `name` and its objects.
    pub fn remove_bucket(&mut self, name: &str) -> Option<Bucket> {
        self.buckets.remove(name)
    }

    /// Writes an object (replacing one with the same key). Returns false if the bucket is gone.
    pub fn put_object(
        &mut self,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
        now: VirtualMs,
        uncompressed_size: Option<u64>,
        records: Option<u64>,
    ) -> bool {
        let Some(b) = self.buckets.get_mut(bucket) else {
            return false;
        };
        let etag = format!("\"{}\"", hex(&Md5::digest(&body)));
        b.objects.insert(
            key.to_string(),
            Object {
                body: Rc::from(body),
                last_modified_ms: now,
                etag,
                content_type: "application/octet-stream".into(),
                uncompressed_size,
                records,
            },
        );
        true
    }

    /// Object `key` of `bucket`.
    pub fn object(&self, bucket: &str, key: &str) -> Option<&Object> {
        self.buckets.get(bucket)?.objects.get(key)
    }

    /// Text for the world digest: every bucket, key, size and ETag in order.
    pub fn digest_text(&self) -> String {
        let mut out = String::new();
        for (name, b) in &self.buckets {
            out.push_str(&format!("bucket {name} {}\n", b.created_ms));
            for (k, o) in &b.objects {
                out.push_str(&format!(
                    "  {k} {} {} {}\n",
                    o.body.len(),
                    o.etag,
                    o.last_modified_ms
                ));
            }
        }
        out
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}
