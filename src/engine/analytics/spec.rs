//! What a streaming job computes: source, time, watermark, window, keys, filter, aggregates, sink.
//! The SQL front-end produces a [`QuerySpec`]; the runtime and the window operator consume it.

use serde_json::Value;

/// Which clock drives the windows (§5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeCharacteristic {
    /// The record's own timestamp (a column), watermarks measure progress.
    EventTime,
    /// The operator's (virtual) clock when the record is processed.
    ProcessingTime,
}

/// The window assigner (§5.3). Times are milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowSpec {
    /// `TUMBLE(size[, offset])`.
    Tumbling {
        /// Window length, ms (> 0).
        size_ms: i64,
        /// Offset from the epoch, ms (|offset| < size).
        offset_ms: i64,
    },
    /// `HOP(slide, size[, offset])`: sliding windows.
    Sliding {
        /// Window length, ms.
        size_ms: i64,
        /// Slide, ms (> 0, ≤ size).
        slide_ms: i64,
        /// Offset from the epoch, ms.
        offset_ms: i64,
    },
    /// `SESSION(gap)`: per-key sessions merged while records are less than `gap` apart.
    Session {
        /// Inactivity gap, ms.
        gap_ms: i64,
    },
    /// `CUMULATE(step, size)`: windows sharing a start, growing by `step` up to `size`.
    Cumulate {
        /// Step, ms.
        step_ms: i64,
        /// Largest window, ms (a multiple of `step_ms`).
        size_ms: i64,
    },
    /// `countWindow(size)` or `countWindow(size, slide)`: fires every `slide` records per key over
    /// the last `size` (slide = size for tumbling count windows).
    Count {
        /// Records per window.
        size: u64,
        /// Records between firings.
        slide: u64,
    },
}

/// A time window `[start, end)` in ms; `max_timestamp = end − 1` (§5.3). Count windows use
/// `start` = index of the first record, `end` = one past the last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window {
    /// Inclusive start.
    pub start: i64,
    /// Exclusive end.
    pub end: i64,
}

impl Window {
    /// `end − 1`.
    pub fn max_timestamp(&self) -> i64 {
        self.end - 1
    }
}

/// An aggregate function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AggregateKind {
    /// `COUNT(*)` (field None) or `COUNT(col)` (non-null values).
    Count,
    /// `SUM(col)`.
    Sum,
    /// `MIN(col)`.
    Min,
    /// `MAX(col)`.
    Max,
    /// `AVG(col)`.
    Avg,
    /// `COUNT(DISTINCT col)`.
    CountDistinct,
    /// The `n` most frequent values of `col` with their counts (`TOP_N(col, n)`).
    TopN(usize),
}

/// One aggregate output column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregateSpec {
    /// The function.
    pub kind: AggregateKind,
    /// Input column (None for `COUNT(*)`).
    pub field: Option<String>,
    /// Output column name (`AS alias`, else e.g. `count_star`, `sum_amount`).
    pub alias: String,
}

/// A comparison operator in a filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`.
    Eq,
    /// `<>` / `!=`.
    Ne,
    /// `<`.
    Lt,
    /// `<=`.
    Le,
    /// `>`.
    Gt,
    /// `>=`.
    Ge,
}

/// A `WHERE` filter over one row (a JSON object).
#[derive(Clone, Debug, PartialEq)]
pub enum Predicate {
    /// `col op literal`.
    Compare {
        /// Column.
        field: String,
        /// Operator.
        op: CmpOp,
        /// Literal (string, number, bool).
        value: Value,
    },
    /// `col IS NULL` / `IS NOT NULL` (negated).
    IsNull {
        /// Column.
        field: String,
        /// `IS NOT NULL`.
        negated: bool,
    },
    /// `col IN (…)`.
    In {
        /// Column.
        field: String,
        /// Literals.
        values: Vec<Value>,
    },
    /// `col LIKE 'pat%'` (`%` and `_` wildcards).
    Like {
        /// Column.
        field: String,
        /// Pattern.
        pattern: String,
    },
    /// `a AND b`.
    And(Box<Predicate>, Box<Predicate>),
    /// `a OR b`.
    Or(Box<Predicate>, Box<Predicate>),
    /// `NOT a`.
    Not(Box<Predicate>),
}

/// A column type of the source table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// `STRING` / `VARCHAR`.
    String,
    /// `INT` / `BIGINT`.
    BigInt,
    /// `DOUBLE` / `FLOAT` / `DECIMAL`.
    Double,
    /// `BOOLEAN`.
    Boolean,
    /// `TIMESTAMP(3)`: epoch millis or an ISO-8601 string in the JSON record.
    Timestamp,
}

/// The source table of a query: a Kinesis data stream (or a Firehose delivery stream) whose
/// records are JSON objects.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceTable {
    /// Table name in the SQL.
    pub name: String,
    /// Stream it reads (`'stream' = '…'` in the WITH clause; the delivery stream's name with
    /// `'connector' = 'firehose'`).
    pub stream: String,
    /// `'connector' = 'firehose'`: the records a Firehose delivery stream receives, as they pass
    /// through (`'delivery-stream' = '…'`), instead of a Kinesis data stream.
    pub from_firehose: bool,
    /// Declared columns.
    pub columns: Vec<(String, ColumnType)>,
    /// Where reading starts: `TRIM_HORIZON` or `LATEST` (`'scan.stream.initpos'`).
    pub start_position: String,
    /// The event-time column (`WATERMARK FOR col AS col - INTERVAL …`), None = processing time.
    pub rowtime: Option<String>,
    /// Watermark delay, ms (the `- INTERVAL` of the WATERMARK clause; emitted literally, §5.2).
    pub watermark_delay_ms: i64,
}

/// What a windowed aggregation query computes.
#[derive(Clone, Debug, PartialEq)]
pub struct QuerySpec {
    /// The source.
    pub source: SourceTable,
    /// Event or processing time.
    pub time: TimeCharacteristic,
    /// The window.
    pub window: WindowSpec,
    /// `GROUP BY` key columns besides `window_start, window_end` (may be empty).
    pub keys: Vec<String>,
    /// `WHERE`.
    pub filter: Option<Predicate>,
    /// Aggregates, in SELECT order.
    pub aggregates: Vec<AggregateSpec>,
    /// Output columns in SELECT order: `window_start`, `window_end`, `window_time`, keys and
    /// aggregate aliases.
    pub output: Vec<String>,
    /// `INSERT INTO <sink>` target table / stream, if any.
    pub sink: Option<String>,
}
