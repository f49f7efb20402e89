//! [`QuerySpec`] → SQL text that [`super::compile`] turns back into an equal spec.

use serde_json::Value as Json;

use super::interval::format_interval;
use super::schema::{proctime_name, WINDOW_COLUMNS};
use crate::engine::analytics::spec::{
    AggregateKind, AggregateSpec, CmpOp, ColumnType, Predicate, QuerySpec, TimeCharacteristic,
    WindowSpec,
};

/// An identifier, quoted with backticks when it is not a plain word or is a keyword.
pub fn ident(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let upper = name.to_ascii_uppercase();
    let keyword = sqlparser::keywords::ALL_KEYWORDS
        .binary_search(&upper.as_str())
        .is_ok();
    if plain && !keyword {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

/// A string literal.
pub fn string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn literal(v: &Json) -> String {
    match v {
        Json::String(s) => string(s),
        Json::Bool(true) => "TRUE".into(),
        Json::Bool(false) => "FALSE".into(),
        Json::Number(n) => n.to_string(),
        _ => "NULL".into(),
    }
}

pub(crate) fn type_name(t: ColumnType) -> &'static str {
    match t {
        ColumnType::String => "STRING",
        ColumnType::BigInt => "BIGINT",
        ColumnType::Double => "DOUBLE",
        ColumnType::Boolean => "BOOLEAN",
        ColumnType::Timestamp => "TIMESTAMP(3)",
    }
}

fn op(o: CmpOp) -> &'static str {
    match o {
        CmpOp::Eq => "=",
        CmpOp::Ne => "<>",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

/// A filter as SQL (compound operands parenthesised).
pub fn predicate(p: &Predicate) -> String {
    let wrap = |q: &Predicate| match q {
        Predicate::And(..) | Predicate::Or(..) => format!("({})", predicate(q)),
        _ => predicate(q),
    };
    match p {
        Predicate::Compare {
            field,
            op: o,
            value,
        } => format!("{} {} {}", ident(field), op(*o), literal(value)),
        Predicate::IsNull {
            field,
            negated: false,
        } => format!("{} IS NULL", ident(field)),
        Predicate::IsNull {
            field,
            negated: true,
        } => format!("{} IS NOT NULL", ident(field)),
        Predicate::In { field, values } => {
            let vs: Vec<String> = values.iter().map(literal).collect();
            format!("{} IN ({})", ident(field), vs.join(", "))
        }
        Predicate::Like { field, pattern } => format!("{} LIKE {}", ident(field), string(pattern)),
        Predicate::And(a, b) => format!("{} AND {}", wrap(a), wrap(b)),
        Predicate::Or(a, b) => format!("{} OR {}", wrap(a), wrap(b)),
        Predicate::Not(a) => format!("NOT ({})", predicate(a)),
    }
}

fn aggregate(a: &AggregateSpec) -> String {
    let f = a.field.as_deref().map(ident).unwrap_or_else(|| "*".into());
    let call = match a.kind {
        AggregateKind::Count => format!("COUNT({f})"),
        AggregateKind::CountDistinct => format!("COUNT(DISTINCT {f})"),
        AggregateKind::Sum => format!("SUM({f})"),
        AggregateKind::Min => format!("MIN({f})"),
        AggregateKind::Max => format!("MAX({f})"),
        AggregateKind::Avg => format!("AVG({f})"),
        AggregateKind::TopN(n) => format!("TOP_N({f}, {n})"),
    };
    format!("{call} AS {}", ident(&a.alias))
}

/// The SQL script (CREATE TABLE + query) for `spec`.
pub fn to_sql(spec: &QuerySpec) -> String {
    let src = &spec.source;
    let is_count = matches!(spec.window, WindowSpec::Count { .. });
    let proctime =
        (spec.time == TimeCharacteristic::ProcessingTime && !is_count).then(|| proctime_name(src));
    let mut out = format!("CREATE TABLE {} (\n", ident(&src.name));
    let mut lines: Vec<String> = src
        .columns
        .iter()
        .map(|(c, t)| format!("  {} {}", ident(c), type_name(*t)))
        .collect();
    if let Some(p) = &proctime {
        lines.push(format!("  {} AS PROCTIME()", ident(p)));
    }
    if let Some(rt) = &src.rowtime {
        let rt = ident(rt);
        if src.watermark_delay_ms == 0 {
            lines.push(format!("  WATERMARK FOR {rt} AS {rt}"));
        } else {
            lines.push(format!(
                "  WATERMARK FOR {rt} AS {rt} - {}",
                format_interval(src.watermark_delay_ms)
            ));
        }
    }
    out.push_str(&lines.join(",\n"));
    out.push_str(&format!(
        "\n) WITH (\n  'connector' = '{}',\n  '{}' = {},\n  'scan.stream.initpos' = {}\n);\n\n",
        if src.from_firehose {
            "firehose"
        } else {
            "kinesis"
        },
        if src.from_firehose {
            "delivery-stream"
        } else {
            "stream"
        },
        string(&src.stream),
        string(&src.start_position)
    ));
    if let Some(sink) = &spec.sink {
        out.push_str(&format!("INSERT INTO {}\n", ident(sink)));
    }
    // SELECT items in output order; aggregates consumed in order.
    let mut items: Vec<String> = Vec::new();
    let mut aggs = spec.aggregates.iter().peekable();
    for name in &spec.output {
        if let Some(a) = aggs.next_if(|a| &a.alias == name) {
            items.push(aggregate(a));
        } else if let Some(w) = WINDOW_COLUMNS.iter().find(|w| *w == name) {
            items.push((*w).to_string());
        } else {
            items.push(ident(name));
        }
    }
    items.extend(aggs.map(aggregate));
    out.push_str(&format!("SELECT {}\n", items.join(", ")));
    let table = ident(&src.name);
    let timecol = match (&spec.time, &proctime, &src.rowtime) {
        (TimeCharacteristic::ProcessingTime, Some(p), _) => Some(ident(p)),
        (TimeCharacteristic::EventTime, _, Some(rt)) => Some(ident(rt)),
        _ => None,
    };
    let desc = timecol
        .as_deref()
        .map(|c| format!("DESCRIPTOR({c})"))
        .unwrap_or_else(|| "DESCRIPTOR(missing_time_attribute)".into());
    let tvf = match spec.window {
        WindowSpec::Tumbling { size_ms, offset_ms } => {
            let mut s = format!("TUMBLE(TABLE {table}, {desc}, {}", format_interval(size_ms));
            if offset_ms != 0 {
                s.push_str(&format!(", {}", format_interval(offset_ms)));
            }
            s + ")"
        }
        WindowSpec::Sliding {
            size_ms,
            slide_ms,
            offset_ms,
        } => {
            let mut s = format!(
                "HOP(TABLE {table}, {desc}, {}, {}",
                format_interval(slide_ms),
                format_interval(size_ms)
            );
            if offset_ms != 0 {
                s.push_str(&format!(", {}", format_interval(offset_ms)));
            }
            s + ")"
        }
        WindowSpec::Cumulate { step_ms, size_ms } => {
            format!(
                "CUMULATE(TABLE {table}, {desc}, {}, {})",
                format_interval(step_ms),
                format_interval(size_ms)
            )
        }
        WindowSpec::Session { gap_ms } => {
            let part = if spec.keys.is_empty() {
                String::new()
            } else {
                let ks: Vec<String> = spec.keys.iter().map(|k| ident(k)).collect();
                format!(" PARTITION BY ({})", ks.join(", "))
            };
            format!(
                "SESSION(TABLE {table}{part}, {desc}, {})",
                format_interval(gap_ms)
            )
        }
        WindowSpec::Count { size, slide } => {
            let d = match spec.time {
                TimeCharacteristic::EventTime => format!("{desc}, "),
                TimeCharacteristic::ProcessingTime => String::new(),
            };
            let sl = if slide == size {
                String::new()
            } else {
                format!(", {slide}")
            };
            format!("COUNT_WINDOW(TABLE {table}, {d}{size}{sl})")
        }
    };
    out.push_str(&format!("FROM TABLE({tvf})\n"));
    if let Some(f) = &spec.filter {
        out.push_str(&format!("WHERE {}\n", predicate(f)));
    }
    let mut group = vec!["window_start".to_string(), "window_end".to_string()];
    if spec.output.iter().any(|o| o == "window_time")
        && !spec.aggregates.iter().any(|a| a.alias == "window_time")
    {
        group.push("window_time".into());
    }
    group.extend(spec.keys.iter().map(|k| ident(k)));
    out.push_str(&format!("GROUP BY {};\n", group.join(", ")));
    out
}
