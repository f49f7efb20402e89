//! A delivery stream's destination configuration, read from the AWS request shapes
//! (`ExtendedS3DestinationConfiguration`, `RedshiftDestinationConfiguration`, …) with every range
//! and default of semantics.md §4.2–§4.6 checked.

pub mod destination;
pub mod destination_other;
pub mod processing;

pub use destination::{parse_destination, DestinationKind};
pub use processing::{ProcessingConfig, Processor};

use crate::engine::firehose::compression::CompressionFormat;
use crate::engine::firehose::parquet::{Deserializer, ParquetCompression, TableSchema};

/// The buffering hints of one destination (§4.2), in bytes and milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferingHints {
    /// Flush when the buffered bytes (before compression) reach this.
    pub size_bytes: u64,
    /// Flush when the oldest buffered record is this old (0 = zero buffering).
    pub interval_ms: u64,
}

/// One MiB.
pub const MIB: u64 = 1024 * 1024;

/// The user's notes' example buffering, offered as a preset: 32 MiB or 60 s (§4.2 note).
pub const NOTES_PRESET: BufferingHints = BufferingHints {
    size_bytes: 32 * MIB,
    interval_ms: 60_000,
};

/// What happens to records besides delivery (§4.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackupMode {
    /// Extended S3 `Disabled` (no source-record backup).
    Disabled,
    /// Extended S3 `Enabled`: every untransformed source record is also written to the backup
    /// bucket (§4.3).
    SourceRecords,
    /// `FailedDataOnly` / `FailedDocumentsOnly` / `FailedEventsOnly`.
    FailedOnly,
    /// `AllData` / `AllDocuments` / `AllEvents`.
    All,
}

/// An S3 location Firehose writes to: the destination of S3 streams, or the backup /
/// intermediate bucket of the others (`S3Configuration`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Target {
    /// Bucket name.
    pub bucket: String,
    /// `Prefix` (None: the default UTC time prefix).
    pub prefix: Option<String>,
    /// `ErrorOutputPrefix`.
    pub error_output_prefix: Option<String>,
    /// Buffering of this location.
    pub buffering: BufferingHints,
    /// `CompressionFormat`.
    pub compression: CompressionFormat,
    /// `FileExtension` override.
    pub file_extension: Option<String>,
}

/// Record format conversion (§4.5): JSON → Parquet against a Glue table.
#[derive(Clone, Debug, PartialEq)]
pub struct ConversionConfig {
    /// The table's columns, resolved at create/update time.
    pub schema: TableSchema,
    /// `DatabaseName.TableName` it came from.
    pub table: String,
    /// Input deserializer.
    pub deserializer: Deserializer,
    /// Page compression inside the Parquet file.
    pub compression: ParquetCompression,
}

/// Dynamic partitioning (§4.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitioningConfig {
    /// How long a failed delivery of a partition is retried, ms.
    pub retry_ms: u64,
}

/// What the destination side of a delivery stream does.
#[derive(Clone, Debug, PartialEq)]
pub struct Destination {
    /// The destination type.
    pub kind: DestinationKind,
    /// `destinationId-000000000001`.
    pub destination_id: String,
    /// Buffering of the destination buffer.
    pub buffering: BufferingHints,
    /// The S3 destination (S3 kinds) or the backup / intermediate bucket (others).
    pub s3: S3Target,
    /// Extended S3 source-record backup location.
    pub source_backup: Option<S3Target>,
    /// Data transformation.
    pub processing: ProcessingConfig,
    /// Record format conversion.
    pub conversion: Option<ConversionConfig>,
    /// Dynamic partitioning.
    pub partitioning: Option<PartitioningConfig>,
    /// Backup mode.
    pub backup_mode: BackupMode,
    /// How long failed deliveries are retried, ms (§4.6).
    pub retry_ms: u64,
    /// Human name of the target (bucket, table, index, endpoint URL) for pictures.
    pub target: String,
    /// The configuration as described back (`…DestinationDescription`), defaults filled in.
    pub description: serde_json::Value,
}
