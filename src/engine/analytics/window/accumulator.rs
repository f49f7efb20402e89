//! Incremental aggregate functions: one accumulator per aggregate per pane (semantics.md §5.4,
//! `AggregateFunction`), mergeable for session windows.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::engine::analytics::rows;
use crate::engine::analytics::spec::{AggregateKind, AggregateSpec};

/// A total, deterministic order over JSON values used by `MIN`/`MAX` and `TOP_N` ties:
/// null < booleans < numbers (numerically) < strings (lexically) < arrays < objects (by JSON text).
pub fn value_order(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i.cmp(&j),
            _ => {
                let (f, g) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
                f.total_cmp(&g)
            }
        },
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Array(_), Value::Array(_)) | (Value::Object(_), Value::Object(_)) => {
            a.to_string().cmp(&b.to_string())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

fn f64_value(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// One aggregate's running state.
#[derive(Clone, Debug, PartialEq)]
enum Acc {
    Count(u64),
    Sum {
        int: i64,
        float: f64,
        any: bool,
        any_float: bool,
    },
    Extreme {
        max: bool,
        best: Option<Value>,
        bytes: u64,
    },
    Avg {
        sum: f64,
        n: u64,
    },
    Distinct {
        seen: BTreeSet<String>,
        bytes: u64,
    },
    TopN {
        n: usize,
        /// JSON text → (first value seen, count).
        counts: BTreeMap<String, (Value, u64)>,
        bytes: u64,
    },
}

impl Acc {
    fn new(kind: &AggregateKind) -> Acc {
        match kind {
            AggregateKind::Count => Acc::Count(0),
            AggregateKind::Sum => Acc::Sum {
                int: 0,
                float: 0.0,
                any: false,
                any_float: false,
            },
            AggregateKind::Min | AggregateKind::Max => Acc::Extreme {
                max: *kind == AggregateKind::Max,
                best: None,
                bytes: 0,
            },
            AggregateKind::Avg => Acc::Avg { sum: 0.0, n: 0 },
            AggregateKind::CountDistinct => Acc::Distinct {
                seen: BTreeSet::new(),
                bytes: 0,
            },
            AggregateKind::TopN(n) => Acc::TopN {
                n: *n,
                counts: BTreeMap::new(),
                bytes: 0,
            },
        }
    }

    fn add(&mut self, v: &Value, count_all: bool) {
        match self {
            Acc::Count(c) => {
                if count_all || !v.is_null() {
                    *c = c.saturating_add(1);
                }
            }
            Acc::Sum {
                int,
                float,
                any,
                any_float,
            } => {
                if let Value::Number(n) = v {
                    *any = true;
                    match n.as_i64() {
                        Some(i) => *int = int.saturating_add(i),
                        None => *any_float = true,
                    }
                    *float += n.as_f64().unwrap_or(0.0);
                }
            }
            Acc::Extreme { max, best, bytes } => {
                if matches!(v, Value::Number(_) | Value::String(_)) {
                    let better = match best {
                        None => true,
                        Some(b) => {
                            let o = value_order(v, b);
                            if *max {
                                o == Ordering::Greater
                            } else {
                                o == Ordering::Less
                            }
                        }
                    };
                    if better {
                        *bytes = v.to_string().len() as u64;
                        *best = Some(v.clone());
                    }
                }
            }
            Acc::Avg { sum, n } => {
                if let Value::Number(x) = v {
                    *sum += x.as_f64().unwrap_or(0.0);
                    *n = n.saturating_add(1);
                }
            }
            Acc::Distinct { seen, bytes } => {
                if !v.is_null() {
                    let s = v.to_string();
                    let len = s.len() as u64;
                    if seen.insert(s) {
                        *bytes = bytes.saturating_add(len + 8);
                    }
                }
            }
            Acc::TopN { counts, bytes, .. } => {
                if !v.is_null() {
                    let s = v.to_string();
                    if let Some(e) = counts.get_mut(&s) {
                        e.1 = e.1.saturating_add(1);
                    } else {
                        *bytes = bytes.saturating_add(2 * s.len() as u64 + 16);
                        counts.insert(s, (v.clone(), 1));
                    }
                }
            }
        }
    }

    fn merge(&mut self, other: Acc) {
        match (self, other) {
            (Acc::Count(a), Acc::Count(b)) => *a = a.saturating_add(b),
            (
                Acc::Sum {
                    int,
                    float,
                    any,
                    any_float,
                },
                Acc::Sum {
                    int: i2,
                    float: f2,
                    any: a2,
                    any_float: af2,
                },
            ) => {
                *int = int.saturating_add(i2);
                *float += f2;
                *any |= a2;
                *any_float |= af2;
            }
            (me @ Acc::Extreme { .. }, Acc::Extreme { best: Some(b), .. }) => me.add(&b, false),
            (Acc::Avg { sum, n }, Acc::Avg { sum: s2, n: n2 }) => {
                *sum += s2;
                *n = n.saturating_add(n2);
            }
            (Acc::Distinct { seen, bytes }, Acc::Distinct { seen: s2, .. }) => {
                for s in s2 {
                    let len = s.len() as u64;
                    if seen.insert(s) {
                        *bytes = bytes.saturating_add(len + 8);
                    }
                }
            }
            (Acc::TopN { counts, bytes, .. }, Acc::TopN { counts: c2, .. }) => {
                for (s, (v, c)) in c2 {
                    if let Some(e) = counts.get_mut(&s) {
                        e.1 = e.1.saturating_add(c);
                    } else {
                        *bytes = bytes.saturating_add(2 * s.len() as u64 + 16);
                        counts.insert(s, (v, c));
                    }
                }
            }
            _ => {}
        }
    }

    fn result(&self) -> Value {
        match self {
            Acc::Count(c) => json!(c),
            Acc::Sum {
                int,
                float,
                any,
                any_float,
            } => match (any, any_float) {
                (false, _) => Value::Null,
                (true, false) => json!(int),
                (true, true) => f64_value(*float),
            },
            Acc::Extreme { best, .. } => best.clone().unwrap_or(Value::Null),
            Acc::Avg { sum, n } => {
                if *n == 0 {
                    Value::Null
                } else {
                    f64_value(sum / *n as f64)
                }
            }
            Acc::Distinct { seen, .. } => json!(seen.len()),
            Acc::TopN { n, counts, .. } => {
                let mut all: Vec<&(Value, u64)> = counts.values().collect();
                all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| value_order(&a.0, &b.0)));
                Value::Array(
                    all.into_iter()
                        .take(*n)
                        .map(|(v, c)| json!({"value": v, "count": c}))
                        .collect(),
                )
            }
        }
    }

    fn approx_bytes(&self) -> u64 {
        match self {
            Acc::Count(_) => 8,
            Acc::Sum { .. } => 24,
            Acc::Extreme { bytes, .. } => 8 + bytes,
            Acc::Avg { .. } => 16,
            Acc::Distinct { bytes, .. } | Acc::TopN { bytes, .. } => 16 + bytes,
        }
    }
}

/// The accumulators of one pane, one per [`AggregateSpec`] in order.
///
/// - `COUNT(*)` counts rows, `COUNT(col)` non-null values.
/// - `SUM`: JSON integers sum as a saturating `i64` (a JSON integer); any non-integer number makes
///   it an `f64`; no number → null. Only JSON numbers count (not numeric strings).
/// - `MIN`/`MAX`: numbers numerically, strings lexically (numbers below strings); null if none.
/// - `AVG`: `f64` over the numbers; null if none.
/// - `COUNT(DISTINCT col)`: exact, over the JSON text of non-null values.
/// - `TOP_N(col, n)`: `[{"value": v, "count": c}, …]`, count descending then value ascending.
#[derive(Clone, Debug, PartialEq)]
pub struct Accumulators {
    accs: Vec<Acc>,
}

impl Accumulators {
    /// Empty accumulators for `specs`.
    pub fn new(specs: &[AggregateSpec]) -> Accumulators {
        Accumulators {
            accs: specs.iter().map(|s| Acc::new(&s.kind)).collect(),
        }
    }

    /// Adds one row; `specs` must be the ones given to [`Accumulators::new`].
    pub fn add(&mut self, specs: &[AggregateSpec], row: &Value) {
        for (acc, spec) in self.accs.iter_mut().zip(specs) {
            match &spec.field {
                Some(col) => acc.add(rows::field(row, col), false),
                None => acc.add(&Value::Null, true),
            }
        }
    }

    /// Merges another pane's accumulators into these (session windows).
    pub fn merge(&mut self, other: Accumulators) {
        for (a, b) in self.accs.iter_mut().zip(other.accs) {
            a.merge(b);
        }
    }

    /// The results, in spec order.
    pub fn results(&self) -> Vec<Value> {
        self.accs.iter().map(Acc::result).collect()
    }

    /// A deterministic estimate of the state size in bytes.
    pub fn approx_bytes(&self) -> u64 {
        self.accs
            .iter()
            .fold(0u64, |s, a| s.saturating_add(a.approx_bytes()))
    }
}
