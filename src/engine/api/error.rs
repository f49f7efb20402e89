//! Errors as AWS names them: every failure the dispatcher returns is one of these types.

use std::fmt;

/// The AWS error type names the playground can return (`__type` in the AWS JSON protocol).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorKind {
    /// A parameter has a value the service rejects (KDS-API).
    InvalidArgumentException,
    /// A parameter fails its declared constraint (length, pattern, range).
    ValidationException,
    /// The request body is not valid JSON or a member has the wrong JSON type.
    SerializationException,
    /// The named stream, shard, consumer or resource does not exist (or is not ready).
    ResourceNotFoundException,
    /// The resource is not in a state that allows the call (e.g. stream not ACTIVE).
    ResourceInUseException,
    /// A quota or rate limit was exceeded.
    LimitExceededException,
    /// A shard's read or write throughput limit was exceeded.
    ProvisionedThroughputExceededException,
    /// The shard iterator is older than 300 s.
    ExpiredIteratorException,
    /// The ListShards NextToken is older than 300 s.
    ExpiredNextTokenException,
    /// The service or action name is not known.
    UnknownOperationException,
    /// Internal failure of the (simulated) service.
    InternalFailureException,
    /// Firehose: the Direct PUT quota of the delivery stream was exceeded (semantics.md §4.1).
    ServiceUnavailableException,
    /// Firehose: UpdateDestination with a stale version id.
    ConcurrentModificationException,
    /// S3: the bucket does not exist.
    NoSuchBucket,
    /// S3: the key does not exist.
    NoSuchKey,
    /// S3: CreateBucket of a bucket this account already owns.
    BucketAlreadyOwnedByYou,
    /// S3: the bucket name breaks the naming rules.
    InvalidBucketName,
    /// S3: DeleteBucket of a bucket with objects.
    BucketNotEmpty,
    /// Glue: the database or table does not exist.
    EntityNotFoundException,
    /// Glue: the database or table exists already.
    AlreadyExistsException,
    /// Glue: a parameter is not valid.
    InvalidInputException,
    /// Managed Flink: the application code (here, its SQL) does not compile.
    CodeValidationException,
    /// Managed Flink: the request is not valid in the application's current state.
    InvalidRequestException,
    /// Managed Flink: the application's configuration cannot run.
    InvalidApplicationConfigurationException,
    /// Managed Flink: the operation is not supported here.
    UnsupportedOperationException,
    /// Kafka: the topic or partition does not exist (§6).
    UnknownTopicOrPartitionException,
    /// Kafka: CreateTopics of a topic that exists.
    TopicExistsException,
    /// Kafka: the topic name breaks the naming rules.
    InvalidTopicException,
    /// Kafka: a partition count that is not allowed (zero, or a decrease).
    InvalidPartitionsException,
    /// Kafka: replication factor below 1 or above the live broker count.
    InvalidReplicationFactorException,
    /// Kafka: a topic, producer or consumer configuration value is invalid.
    InvalidConfigurationException,
    /// Kafka: a fetch or seek offset outside [log start, log end] (§6.4).
    OffsetOutOfRangeException,
    /// Kafka: no committed offset and auto.offset.reset = none (§6.4).
    NoOffsetForPartitionException,
    /// Kafka: the group is rebalancing; the member must rejoin (§6.4).
    RebalanceInProgressException,
    /// Kafka: a commit or heartbeat from an older generation of the group.
    IllegalGenerationException,
    /// Kafka: the member is not (or no longer) in the group.
    UnknownMemberIdException,
    /// Kafka: the consumer group does not exist.
    GroupIdNotFoundException,
    /// Kafka: the call needs an inactive (empty) group.
    GroupNotEmptyException,
    /// Kafka: the partition's leader is not available (§6.1).
    NotLeaderOrFollowerException,
    /// Kafka: the partition has no leader (offline).
    LeaderNotAvailableException,
    /// Kafka: acks=all and the ISR is smaller than min.insync.replicas (§6.3).
    NotEnoughReplicasException,
    /// Kafka: a record larger than max.message.bytes / max.request.size (§6.3).
    RecordTooLargeException,
    /// Kafka: a record the topic cannot take (e.g. no key on a compacted topic, §6.5).
    InvalidRecordException,
    /// Kafka: the idempotent producer's sequence has a gap (§6.3).
    OutOfOrderSequenceException,
    /// Kafka: the broker does not exist or is already in that state.
    BrokerNotAvailableException,
    /// Kafka Connect: the connector exists already (MSK Connect error name).
    ConflictException,
    /// Kafka Connect: the connector or task does not exist (MSK Connect error name).
    NotFoundException,
    /// Kafka Connect: the connector configuration is invalid (MSK Connect error name).
    BadRequestException,
    /// CloudWatch Logs / AWS IoT: the resource exists already.
    ResourceAlreadyExistsException,
    /// CloudWatch Logs: a parameter is wrong.
    InvalidParameterException,
    /// EventBridge: the event pattern is not valid.
    InvalidEventPatternException,
    /// AWS IoT: the rule's SQL does not parse.
    SqlParseException,
    /// AWS IoT: the rule does not exist (IoT answers GetTopicRule/DeleteTopicRule so).
    UnauthorizedException,
}

impl ErrorKind {
    /// The exact AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArgumentException => "InvalidArgumentException",
            ErrorKind::ValidationException => "ValidationException",
            ErrorKind::SerializationException => "SerializationException",
            ErrorKind::ResourceNotFoundException => "ResourceNotFoundException",
            ErrorKind::ResourceInUseException => "ResourceInUseException",
            ErrorKind::LimitExceededException => "LimitExceededException",
            ErrorKind::ProvisionedThroughputExceededException => {
                "ProvisionedThroughputExceededException"
            }
            ErrorKind::ExpiredIteratorException => "ExpiredIteratorException",
            ErrorKind::ExpiredNextTokenException => "ExpiredNextTokenException",
            ErrorKind::UnknownOperationException => "UnknownOperationException",
            ErrorKind::InternalFailureException => "InternalFailureException",
            ErrorKind::ServiceUnavailableException => "ServiceUnavailableException",
            ErrorKind::ConcurrentModificationException => "ConcurrentModificationException",
            ErrorKind::NoSuchBucket => "NoSuchBucket",
            ErrorKind::NoSuchKey => "NoSuchKey",
            ErrorKind::BucketAlreadyOwnedByYou => "BucketAlreadyOwnedByYou",
            ErrorKind::InvalidBucketName => "InvalidBucketName",
            ErrorKind::BucketNotEmpty => "BucketNotEmpty",
            ErrorKind::EntityNotFoundException => "EntityNotFoundException",
            ErrorKind::AlreadyExistsException => "AlreadyExistsException",
            ErrorKind::InvalidInputException => "InvalidInputException",
            ErrorKind::CodeValidationException => "CodeValidationException",
            ErrorKind::InvalidRequestException => "InvalidRequestException",
            ErrorKind::InvalidApplicationConfigurationException => {
                "InvalidApplicationConfigurationException"
            }
            ErrorKind::UnsupportedOperationException => "UnsupportedOperationException",
            ErrorKind::UnknownTopicOrPartitionException => "UnknownTopicOrPartitionException",
            ErrorKind::TopicExistsException => "TopicExistsException",
            ErrorKind::InvalidTopicException => "InvalidTopicException",
            ErrorKind::InvalidPartitionsException => "InvalidPartitionsException",
            ErrorKind::InvalidReplicationFactorException => "InvalidReplicationFactorException",
            ErrorKind::InvalidConfigurationException => "InvalidConfigurationException",
            ErrorKind::OffsetOutOfRangeException => "OffsetOutOfRangeException",
            ErrorKind::NoOffsetForPartitionException => "NoOffsetForPartitionException",
            ErrorKind::RebalanceInProgressException => "RebalanceInProgressException",
            ErrorKind::IllegalGenerationException => "IllegalGenerationException",
            ErrorKind::UnknownMemberIdException => "UnknownMemberIdException",
            ErrorKind::GroupIdNotFoundException => "GroupIdNotFoundException",
            ErrorKind::GroupNotEmptyException => "GroupNotEmptyException",
            ErrorKind::NotLeaderOrFollowerException => "NotLeaderOrFollowerException",
            ErrorKind::LeaderNotAvailableException => "LeaderNotAvailableException",
            ErrorKind::NotEnoughReplicasException => "NotEnoughReplicasException",
            ErrorKind::RecordTooLargeException => "RecordTooLargeException",
            ErrorKind::InvalidRecordException => "InvalidRecordException",
            ErrorKind::OutOfOrderSequenceException => "OutOfOrderSequenceException",
            ErrorKind::BrokerNotAvailableException => "BrokerNotAvailableException",
            ErrorKind::ConflictException => "ConflictException",
            ErrorKind::NotFoundException => "NotFoundException",
            ErrorKind::BadRequestException => "BadRequestException",
            ErrorKind::ResourceAlreadyExistsException => "ResourceAlreadyExistsException",
            ErrorKind::InvalidParameterException => "InvalidParameterException",
            ErrorKind::InvalidEventPatternException => "InvalidEventPatternException",
            ErrorKind::SqlParseException => "SqlParseException",
            ErrorKind::UnauthorizedException => "UnauthorizedException",
        }
    }
}

impl ErrorKind {
    /// The kind named `name` (an entry's `ErrorCode`), if it is one the playground uses.
    pub fn from_name(name: &str) -> Option<ErrorKind> {
        use ErrorKind::*;
        [
            InvalidArgumentException,
            ValidationException,
            ResourceNotFoundException,
            ResourceInUseException,
            LimitExceededException,
            ProvisionedThroughputExceededException,
            InternalFailureException,
            ServiceUnavailableException,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed call: the AWS error type and a message saying what was wrong and which limit applies.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct ApiError {
    /// The AWS error type.
    pub kind: ErrorKind,
    /// Human-readable explanation.
    pub message: String,
}

impl ApiError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: message.into(),
        }
    }

    /// `InvalidArgumentException`.
    pub fn invalid_argument(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::InvalidArgumentException, message)
    }

    /// `ResourceNotFoundException`.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::ResourceNotFoundException, message)
    }

    /// `ResourceInUseException`.
    pub fn in_use(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::ResourceInUseException, message)
    }

    /// `SerializationException`.
    pub fn serialization(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::SerializationException, message)
    }

    /// A `ValidationException` worded as AWS words constraint failures:
    /// `1 validation error detected: Value 'x' at 'member' failed to satisfy constraint: …`.
    pub fn validation(value: &str, member: &str, constraint: &str) -> ApiError {
        let shown: String = value.chars().take(64).collect();
        let ellipsis = if value.chars().count() > 64 {
            "…"
        } else {
            ""
        };
        ApiError::new(
            ErrorKind::ValidationException,
            format!(
                "1 validation error detected: Value '{shown}{ellipsis}' at '{member}' failed to satisfy constraint: {constraint}"
            ),
        )
    }

    /// The JSON body `{"type": …, "message": …}` used by the dispatcher's callers.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "type": self.kind.as_str(), "message": self.message })
    }
}
