//! The sandboxed transform language and built-in record transforms (semantics.md §4.3).
//!
//! A Firehose transform decides, per record, `Ok` (new payload, optional partition keys for
//! `!{partitionKeyFromLambda:k}`), `Dropped` or `ProcessingFailed`. In the playground it is a
//! [`BuiltinTransform`] or a [`Script`] in the tiny language below, run by a pure Rust
//! interpreter (never JavaScript `eval`) with an operation budget. Same input ⇒ same output: there
//! is no clock, no randomness and no I/O. [`apply_chain`] runs several steps in order.
//!
//! # The language
//!
//! ```text
//! // Drop debug noise, tidy up, enrich and route by customer.
//! if (type_of(record) != "object") { fail "not JSON: " + data; }
//! if (record.level == "DEBUG") { drop; }
//! record.message = trim(record.msg);          // add/replace a field
//! delete record.msg;                          // remove a field
//! record.level = lower(record.level || "info");
//! let total = 0;
//! for (item in record.items) { total += item.price * item.qty; }
//! record["order total"] = round(total * 100) / 100;
//! partition("customer", record.customer.id);  // → !{partitionKeyFromLambda:customer}
//! return record;                              // also what falling off the end does
//! ```
//!
//! - `record` is the payload parsed as JSON, or its text if it is not JSON (invalid UTF-8 is
//!   replaced lossily); `data` is always the text.
//! - Statements (each ends with `;` unless it has a block):
//!   `let x = e;` · `x = e;` · `x.f.g = e;` · `x["a b"] = e;` · `x[i] = e;` (`i == len(x)`
//!   appends) · `x += e;` (also `-= *= /=`) · `delete x.f;` ·
//!   `if (e) {…} else if (e) {…} else {…}` · `while (e) {…}` · `for (v in e) {…}` (array
//!   elements, object keys, string characters; null loops zero times) · `break;` · `continue;` ·
//!   `return e;` / `return;` · `drop;` · `fail e;` · `partition(name, e);` · `e;`.
//!   Variables are block scoped; `// line` and `/* block */` comments.
//! - Expressions, loosest first: `||`, `&&` (short-circuit, yield an operand like JavaScript),
//!   `== !=` (deep equality, `1 == 1.0`, no type coercion), `< <= > >=` (numbers or strings),
//!   `+ -` (`+` concatenates when either side is a string, and two arrays), `* / %`, unary
//!   `! -`, then `.field`, `[index]`, calls. Literals: `null true false 42 -7 3.5 1e3 "s\n\u00e9"
//!   'single' [1, 2] {a: 1, "b c": 2}`. Reading a missing field or index gives `null`; writing a
//!   field of a missing object creates it. Falsy values: `null false 0 "" NaN`.
//! - Integers stay integers (`7 / 2` is `3.5`, `6 / 3` is `2`); overflow turns into a float.
//! - Functions: `upper lower trim len contains starts_with ends_with split join replace
//!   substr(s, start, count?) to_number to_string parse_json to_json keys values has type_of
//!   round floor ceil abs min max push(list, x)`.
//! - Results: `return e;` ⇒ `Ok` with `e` serialised (a string as its UTF-8 bytes, anything else
//!   compact JSON in key order); falling off the end ⇒ the same for `record`; `drop;` ⇒
//!   `Dropped`; `fail e;` ⇒ `ProcessingFailed(e as text)`; a runtime error ⇒
//!   `ProcessingFailed("line L: message")`.
//!
//! # Sandboxing and costs
//!
//! Every statement costs 1 operation, every expression node 1, every loop iteration 1 more; a
//! built-in function call 1 plus 1 per 64 bytes of string arguments and per 64 elements it
//! handles; string literals, concatenation, field lookups (per 64 fields), deep equality (per 64
//! nodes), copying a shared array/object on write (per 64 elements) are charged the same way.
//! Reading the input and serialising the result are free. Going over the budget stops the script
//! with `ProcessingFailed("operation budget of N exceeded at line L")` and reports exactly `N`
//! operations used. Limits: source ≤ 16 KiB, nesting ≤ 64 (each bracket, call, block and unary
//! operator is a level),
//! expression trees ≤ 128 high, strings and results ≤ 1 MiB, arrays/objects ≤ 100,000 elements,
//! values ≤ 160 levels deep. Nothing can panic or overflow the stack.

mod ast;
mod builtin;
mod error;
mod expr_parser;
mod functions;
mod interp;
mod lexer;
mod meter;
mod parser;
mod path;
mod program;
mod value;

use std::collections::BTreeMap;

pub use builtin::{BuiltinTransform, CompareOp};
pub use error::ScriptError;
pub use program::Script;

/// Default operations per record.
pub const DEFAULT_BUDGET: u64 = 10_000;

/// What a transform decided for one record.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Result `Ok`: the transformed payload and partition keys set by the transform (for
    /// `!{partitionKeyFromLambda:k}`).
    Ok {
        /// The new payload.
        data: Vec<u8>,
        /// Partition keys set with `partition(k, v)`.
        partition_keys: BTreeMap<String, String>,
    },
    /// Result `Dropped`.
    Dropped,
    /// Result `ProcessingFailed` with the reason in words (script error, budget exhausted,
    /// explicit fail).
    ProcessingFailed(String),
}

/// One step of a transform chain.
#[derive(Clone, Debug)]
pub enum TransformStep {
    /// A built-in transform (free: it costs no operations).
    Builtin(BuiltinTransform),
    /// A user script.
    Script(Script),
}

/// Applies `steps` in order, each to the previous step's payload, sharing `budget` among the
/// scripts; the first `Dropped`/`ProcessingFailed` stops the chain. Partition keys accumulate
/// (a later step overrides a key). Returns the outcome and the operations used.
pub fn apply_chain(steps: &[TransformStep], data: &[u8], budget: u64) -> (Outcome, u64) {
    let mut cur = data.to_vec();
    let mut keys = BTreeMap::new();
    let mut used = 0u64;
    for step in steps {
        let outcome = match step {
            TransformStep::Builtin(b) => b.apply(&cur),
            TransformStep::Script(s) => {
                let (outcome, ops) = s.run(&cur, budget.saturating_sub(used));
                used = used.saturating_add(ops);
                outcome
            }
        };
        match outcome {
            Outcome::Ok {
                data,
                partition_keys,
            } => {
                cur = data;
                keys.extend(partition_keys);
            }
            stop => return (stop, used),
        }
    }
    (
        Outcome::Ok {
            data: cur,
            partition_keys: keys,
        },
        used,
    )
}
